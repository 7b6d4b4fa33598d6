"""Knowledge distillation: teacher answers (response), step-by-step rationales (CoT), labels for
unlabeled questions, several teachers with agreement, and preference pairs ranked by a judge.

Every teacher output becomes either a kept row or a reject with a reason: kept + rejected = produced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from medchat_pipeline.config.augment import DistillConfig
from medchat_pipeline.core.augment.generation import (
    AUGMENTED_SCHEMA,
    TRAINABLE_SPLITS,
    GenerationResult,
    RunTeachers,
    generation_params,
    select_for_teacher,
    teacher_label,
)
from medchat_pipeline.core.data.schema import conform, qac_id, reject_row, rejects_frame
from medchat_pipeline.core.distill.quality import (
    agreement,
    answer_problem,
    gold_problem,
    predicted_label,
)
from medchat_pipeline.core.distill.routing import route_teacher, routing_savings
from medchat_pipeline.core.evaluation.answer_extract import LETTERS, final_answer_text
from medchat_pipeline.teachers.types import TeacherRequest

DISTILLED_EXTRA = {"distill_mode": pl.String(), "teacher_agreement": pl.Float64()}
WEAK_AREA_COLUMNS = ("source", "subject", "topic", "metric", "value", "n", "threshold")
PREFERENCE_SCHEMA = {
    "id": pl.String(), "source": pl.String(), "parent_id": pl.String(), "split": pl.String(),
    "context": pl.String(), "question": pl.String(), "chosen": pl.String(), "rejected": pl.String(),
    "chosen_id": pl.String(), "rejected_id": pl.String(), "chosen_teacher": pl.String(),
    "rejected_teacher": pl.String(), "judge": pl.String(),
}  # fmt: skip

# --- prompts ----------------------------------------------------------------------------------------


def _options_block(options: list[str] | None) -> str:
    return "\n".join(f"{LETTERS[i]}. {opt}" for i, opt in enumerate(options or []))


def _question_block(row: dict) -> str:
    parts = []
    if row.get("context"):
        parts.append(f"Context:\n{row['context']}")
    parts.append(f"Question: {row['question']}")
    if row["kind"] == "mcq" and row.get("options"):
        parts.append(f"Options:\n{_options_block(row['options'])}")
    return "\n\n".join(parts)


def _answer_format(kind: str) -> str:
    if kind == "mcq":
        return "the letter of the correct option followed by its text"
    if kind == "yes_no_maybe":
        return "yes, no or maybe"
    return "a short direct answer"


def response_prompt(row: dict) -> str:
    instruction = (
        "As a doctor, answer accurately and concisely in plain language. Do not invent citations; "
        "mention a study only if it appears in the context."
    )
    if row["kind"] in ("mcq", "yes_no_maybe"):
        instruction += f" End with 'Final Answer:' and {_answer_format(row['kind'])}."
    return f"{instruction}\n\n{_question_block(row)}"


def cot_prompt(row: dict) -> str:
    return (
        "Explain step-by-step like a doctor, then conclude with 'Final Answer:' and "
        f"{_answer_format(row['kind'])}. Do not invent citations.\n\n{_question_block(row)}"
    )


def label_view(row: dict, label_sources: Sequence[str]) -> dict | None:
    """The row as the teacher should label it, or None when it is labeled already.

    Unlabeled means: a yes/no item without its key; a free-text row of a yes/no source without one
    (PubMedQA's unlabeled set arrives as kind qa with only the long answer); or no answer at all.
    """
    if not row.get("answer_key") and (
        row["kind"] == "yes_no_maybe" or (row["kind"] == "qa" and row["source"] in label_sources)
    ):
        return {**row, "kind": "yes_no_maybe"}
    if not (row.get("answer") or "").strip():
        return row
    return None


def split_rationale(text: str) -> tuple[str | None, str | None]:
    """(rationale, final answer) of a CoT output; the rationale is everything before the last marker."""
    final = final_answer_text(text)
    if final is None:
        return None, None
    marker = list(re.finditer(r"final\s+answer", text, re.IGNORECASE))[-1]
    rationale = text[: marker.start()].strip().rstrip("*#-:").strip()
    return rationale or None, final


# --- weak areas -------------------------------------------------------------------------------------


def read_weak_areas(path) -> pl.DataFrame:
    """Weak areas (value below threshold) from the benchmark's CSV; an absent file means none."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return pl.DataFrame(schema={c: pl.String() for c in WEAK_AREA_COLUMNS})
    frame = pl.read_csv(path, infer_schema_length=0)
    missing = [c for c in WEAK_AREA_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: weak-areas file lacks column(s) {missing}; expected {list(WEAK_AREA_COLUMNS)}")
    try:
        frame = frame.with_columns(pl.col("value", "threshold").cast(pl.Float64))
    except pl.exceptions.InvalidOperationError as exc:
        raise ValueError(f"{path}: value and threshold must be numbers: {exc}") from None
    return frame.filter(pl.col("value") < pl.col("threshold"))


def weak_area_ids(rows: pl.DataFrame, weak: pl.DataFrame) -> list[str]:
    """Ids of rows in a weak area: same source (or any, when the area names none), same subject, and
    same topic when the area names one."""
    if weak.is_empty() or rows.is_empty():
        return []
    hits: set[str] = set()
    for area in weak.iter_rows(named=True):
        named = {c: (area.get(c) or "").strip() for c in ("source", "subject", "topic")}
        named = {c: v.lower() for c, v in named.items() if v and v != "*"}
        if not named:
            continue  # an area that names nothing would select everything
        match = pl.lit(True)
        for column, wanted in named.items():
            match = match & (pl.col(column).str.to_lowercase() == wanted)
        hits.update(rows.filter(match)["id"].to_list())
    return sorted(hits)


# --- distillation -----------------------------------------------------------------------------------


@dataclass
class _Job:
    parent: dict
    mode: str
    teacher: str | None


def distill_partition(
    rows: pl.DataFrame,
    source: str,
    run_teachers: RunTeachers,
    cfg: DistillConfig,
    priority_ids: Sequence[str] = (),
    router=None,
    prices: dict | None = None,
) -> GenerationResult:
    """Teacher answers for one source's train/val questions: `priority_ids` (weak areas) first, then a
    stable selection capped by `max_questions_per_partition`, plus up to `weak_area_extra_questions`.

    With `cfg.routing.enabled`, `router` (serving/routing.Router) sends each question to one teacher
    (core/distill/routing.py) and `prices` (teacher → ModelPrice) price the saving against asking every
    teacher. Each request asks for `cfg.samples_per_question` completions (an ensemble); the share of a
    question's outputs agreeing with its majority answer is recorded and, with `cfg.min_agreement`,
    filters."""
    rows = rows.filter(pl.col("split").is_in(TRAINABLE_SPLITS)) if "split" in rows.columns else rows
    regular = select_for_teacher(rows, cfg.max_questions_per_partition)
    weak = rows.filter(pl.col("id").is_in(list(priority_ids)) & ~pl.col("id").is_in(regular["id"].to_list()))
    selected = pl.concat([regular, select_for_teacher(weak, cfg.weak_area_extra_questions)]).to_dicts()
    params = generation_params(cfg.temperature, cfg.max_tokens)
    requests: list[TeacherRequest] = []
    jobs: list[_Job] = []
    for row in selected:
        unlabeled = label_view(row, cfg.label_sources)
        if unlabeled is not None:
            parent, modes = unlabeled, (["label"] if "label" in cfg.modes else [])
        else:
            parent, modes = row, [m for m in cfg.modes if m != "label"]
        teachers = cfg.teachers
        if cfg.routing.enabled:
            if router is None:
                raise ValueError("distill.routing is enabled but no router was given")
            teachers = [route_teacher("\n".join(filter(None, [parent.get("context"), parent["question"]])), router,
                                      cfg.routing)]
        for mode in modes:
            prompt = response_prompt(parent) if mode == "response" else cot_prompt(parent)
            for teacher in teachers:
                requests.append(
                    TeacherRequest(id=f"{mode}:{len(requests)}", prompt=prompt, teacher=teacher, params=params,
                                   n=cfg.samples_per_question, template_version=f"{cfg.template_version}:{mode}")
                )  # fmt: skip
                jobs.append(_Job(parent, mode, teacher))
    results = run_teachers(requests) if requests else []
    if len(results) != len(requests):
        raise RuntimeError(f"teacher gateway returned {len(results)} results for {len(requests)} requests")

    kept_rows: list[dict] = []
    rejects: list[dict] = []
    labels_by_parent: dict[str, list[str | None]] = {}
    seen_ids: set[str] = set()
    outputs = [(result, job, text) for result, job in zip(results, jobs) for text in (result.texts or [None])]
    for result, job, sample in outputs:
        parent, mode = job.parent, job.mode

        def reject(reason: str, detail: str, record: str | None = None) -> None:  # called within this iteration
            rejects.append(reject_row(source, parent["source_id"], "distill", reason, f"{mode}: {detail}", record))  # noqa: B023

        if not result.ok:
            reject(f"teacher_{result.error_kind}", result.error or "", parent["question"])
            continue
        text = (sample or "").strip()
        source_text = "\n".join([parent.get("context") or "", parent["question"], *(parent.get("options") or [])])
        label = predicted_label(parent["kind"], text, parent.get("options"))
        labels_by_parent.setdefault(parent["id"], []).append(label)
        problem = answer_problem(text, source_text, cfg.quality)
        if problem is None and cfg.gold_filter and mode != "label":
            problem = gold_problem(parent["kind"], text, parent.get("answer_key"), parent.get("options"))
        rationale, answer = (None, text) if mode == "response" else split_rationale(text)
        if problem is None and answer is None:
            problem = ("no_final_answer", "no 'Final Answer:' in the output")
        if problem is None and mode == "label" and parent["kind"] in ("mcq", "yes_no_maybe") and label is None:
            problem = ("no_final_answer", "no label could be read from the output")
        if problem:
            reject(problem[0], problem[1], text)
            continue
        answer_key = label if mode == "label" and label else parent.get("answer_key")
        row = {k: parent.get(k) for k in AUGMENTED_SCHEMA}
        row.update(answer=answer, rationale=rationale, answer_key=answer_key, origin="distilled",
                   parent_id=parent["id"], augmentation=None, teacher=teacher_label(result, job.teacher),
                   distill_mode=mode)  # fmt: skip
        row["id"] = qac_id(source, row["context"] or "", row["question"], f"{mode}\x1e{row['teacher']}\x1e{answer}")
        if row["id"] in seen_ids:  # an ensemble sample repeating another word for word
            reject("duplicate_sample", "the same answer as another sample of this teacher", text)
            continue
        seen_ids.add(row["id"])
        kept_rows.append(row)

    for row in kept_rows:
        row["teacher_agreement"] = agreement(labels_by_parent.get(row["parent_id"], []))
    if cfg.min_agreement is not None:
        low = [r for r in kept_rows if r["teacher_agreement"] is not None and r["teacher_agreement"] < cfg.min_agreement]
        for row in low:
            rejects.append(reject_row(source, row["source_id"], "distill", "low_agreement",
                                      f"{row['distill_mode']}: {row['teacher_agreement']:.2f} of the samples agree with "
                                      f"the majority answer < {cfg.min_agreement}", row["answer"]))
        kept_rows = [r for r in kept_rows if r not in low]
    schema = {**AUGMENTED_SCHEMA, **DISTILLED_EXTRA}
    frame = pl.DataFrame(kept_rows, schema=schema) if kept_rows else pl.DataFrame(schema=schema)
    kept = pl.concat([conform(frame.drop(*DISTILLED_EXTRA)), frame.select(*DISTILLED_EXTRA)], how="horizontal")
    scores = [a for a in (agreement(v) for v in labels_by_parent.values()) if a is not None]
    stats = {
        "input_rows": rows.height,
        "teacher_questions": len(selected),
        "weak_area_questions": len(set(priority_ids) & {p["id"] for p in selected}),
        "teacher_requests": len(requests),
        "teacher_failures": sum(not r.ok for r in results),
        "mean_teacher_agreement": round(sum(scores) / len(scores), 4) if scores else None,
        "samples_per_question": cfg.samples_per_question,
    }
    if cfg.routing.enabled:
        calls = [(job.teacher, result.usage) for result, job in zip(results, jobs) if result.ok]
        stats["routing"] = routing_savings(calls, [cfg.routing.simple_teacher, cfg.routing.complex_teacher], prices or {})
    return GenerationResult(kept=kept, rejects=rejects_frame(rejects), stats=stats)


# --- preference pairs -------------------------------------------------------------------------------


def full_answer(row: dict) -> str:
    return f"{row['rationale']}\nFinal Answer: {row['answer']}" if row.get("rationale") else row["answer"]


def judge_prompt(question: str, context: str, answers: Sequence[str]) -> str:
    listed = "\n\n".join(f"Answer {i + 1}:\n{a}" for i, a in enumerate(answers))
    ctx = f"Context:\n{context}\n\n" if context else ""
    return (
        "You are a senior physician reviewing answers to a patient's question. Rank the answers from best to "
        "worst for medical accuracy, safety and clarity. Reply with the answer numbers only, best first, "
        f"separated by '>' (for example: 2 > 1).\n\n{ctx}Question: {question}\n\n{listed}"
    )


def parse_ranking(text: str | None, n: int) -> list[int] | None:
    """0-based indices best first, from "2 > 1 > 3", "[2, 1]", "Answer 2 is best", "1. Answer 3\n2. …".
    None when the judge commits to no order."""
    if not text:
        return None
    named = [int(d) for d in re.findall(r"answer\s*#?\s*(\d+)", text, re.IGNORECASE)]
    numbers = named or [int(d) for d in re.findall(r"(?<![\d.])(\d+)(?![\d.])", text)]
    order = list(dict.fromkeys(d - 1 for d in numbers if 1 <= d <= n))
    if len(order) == n - 1:
        order += [i for i in range(n) if i not in order]
    return order if len(order) >= 2 else None


def preference_pairs(distilled: pl.DataFrame, run_teachers: RunTeachers, cfg: DistillConfig) -> GenerationResult:
    """Chosen/rejected pairs: the judge's best and worst of each question's teacher answers (distinct
    texts, at least two). Questions are chosen stably, capped by `preference_max_questions`."""
    groups = (
        distilled.group_by("parent_id")
        .agg(pl.len().alias("n"), pl.col("answer").n_unique().alias("distinct"))
        .filter(pl.col("distinct") >= 2)
        .sort("parent_id")
    )
    if cfg.preference_max_questions is not None:
        groups = groups.head(cfg.preference_max_questions)
    candidates = {
        parent: frame.sort("id").to_dicts()
        for (parent,), frame in distilled.filter(pl.col("parent_id").is_in(groups["parent_id"].to_list())).group_by(
            "parent_id"
        )
    }
    parents = sorted(candidates)
    requests = [
        TeacherRequest(
            id=f"judge:{parent}",
            prompt=judge_prompt(candidates[parent][0]["question"], candidates[parent][0]["context"] or "",
                                [full_answer(r) for r in candidates[parent]]),
            teacher=cfg.judge_teacher, params=generation_params(0.0, 32),
            template_version=f"{cfg.template_version}:judge",
        )
        for parent in parents
    ]  # fmt: skip
    results = run_teachers(requests) if requests else []
    pairs, rejects = [], []
    for parent, result in zip(parents, results):
        rows = candidates[parent]
        first = rows[0]
        if not result.ok:
            rejects.append(reject_row(first["source"], first["source_id"], "preference", f"teacher_{result.error_kind}", result.error or "", parent))
            continue
        ranking = parse_ranking(result.text, len(rows))
        if ranking is None:
            rejects.append(reject_row(first["source"], first["source_id"], "preference", "unparseable_ranking", "no order of answers found", result.text))
            continue
        best, worst = rows[ranking[0]], rows[ranking[-1]]
        pairs.append(
            {"id": qac_id(first["source"], best["id"], worst["id"], "preference"), "source": first["source"],
             "parent_id": parent, "split": first.get("split"), "context": first["context"] or "",
             "question": first["question"], "chosen": full_answer(best), "rejected": full_answer(worst),
             "chosen_id": best["id"], "rejected_id": worst["id"], "chosen_teacher": best["teacher"],
             "rejected_teacher": worst["teacher"], "judge": teacher_label(result, cfg.judge_teacher)}
        )  # fmt: skip
    kept = pl.DataFrame(pairs, schema=PREFERENCE_SCHEMA) if pairs else pl.DataFrame(schema=PREFERENCE_SCHEMA)
    stats = {"questions_with_alternatives": groups.height, "judge_requests": len(requests)}
    return GenerationResult(kept=kept, rejects=rejects_frame(rejects), stats=stats)
