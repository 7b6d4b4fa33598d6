"""Question augmentation: LLM paraphrases, multi-part splitting, context perturbation, controlled
synonym replacement and synthesis for under-represented topics — every variant through the drift gate.

The teacher is a plain callable `run_teachers(list[TeacherRequest]) -> list[TeacherResult]` (the
gateway pool's `.run` in the pipeline), so everything here runs and tests without Dagster.
"""

from __future__ import annotations

import random

import polars as pl

from medchat_pipeline.config.augment import (
    AugmentConfig,
    QualityFilterConfig,
)
from medchat_pipeline.core.augment.generation import (
    AUGMENTED_SCHEMA,
    SPLITTABLE_KINDS,
    TRAINABLE_SPLITS,
    GenerationResult,
    RunTeachers,
    Similarity,
    generation_params,
    select_for_teacher,
    teacher_label,
)
from medchat_pipeline.core.augment.lexicon import Lexicon
from medchat_pipeline.core.augment.rules import (
    apply_synonyms,
    assign_answer,
    looks_multi_part,
    plan_perturbation,
    split_by_rule,
    underrepresented_topics,
)
from medchat_pipeline.core.augment.teacher_text import (
    paraphrase_prompt,
    parse_qa_pairs,
    parse_teacher_list,
    split_prompt,
    synthesis_prompt,
)
from medchat_pipeline.core.data.schema import (
    conform,
    qac_id,
    reject_row,
    rejects_frame,
)
from medchat_pipeline.core.distill.quality import (
    DriftCandidate,
    answer_problem,
    drift_gate,
)
from medchat_pipeline.teachers.types import TeacherRequest, TeacherResult


def _variant(parent: dict, augmentation: str, teacher: str | None, **changes) -> dict:
    row = {**{k: parent.get(k) for k in AUGMENTED_SCHEMA}, **changes}
    row["id"] = qac_id(row["source"], row["context"] or "", row["question"], row["answer"] or "")
    row.update(origin="augmented", parent_id=parent["id"], augmentation=augmentation, teacher=teacher)
    return row


Candidate = tuple[DriftCandidate, dict]  # what the drift gate judges, and the row kept if it passes


class _Rejects(list):
    def add(self, source: str, source_id: str | None, reason: str, detail: str, record: str | None) -> None:
        self.append(reject_row(source, source_id, "augment", reason, detail, record))


def _synthetic_rows(
    result: TeacherResult, topic: tuple, source: str, teacher: str, quality: QualityFilterConfig, rejects: _Rejects
) -> list[dict]:
    subject, topic_name, _ = topic
    pairs = parse_qa_pairs(result.text)
    if not pairs:
        rejects.add(source, None, "unparseable_synthesis", "no question/answer pairs found", result.text)
    rows = []
    for question, answer in pairs:
        row_id = qac_id(source, "", question, answer)
        problem = answer_problem(answer, "", quality)
        if problem:
            rejects.add(source, f"synth:{row_id}", problem[0], problem[1], answer)
            continue
        rows.append({
            **dict.fromkeys(AUGMENTED_SCHEMA), "id": row_id, "source": source, "source_id": f"synth:{row_id}",
            "group_id": f"synth:{row_id}", "kind": "qa", "context": "", "question": question, "answer": answer,
            "subject": subject, "topic": topic_name, "split": "train", "origin": "synthetic",
            "augmentation": "synth", "teacher": teacher,
        })  # fmt: skip
    return rows


def _teacher_candidates(
    kind: str, parent: dict, result: TeacherResult, teacher: str, cfg: AugmentConfig, rejects: _Rejects
) -> list[Candidate]:
    """Paraphrases, or (≥ 2) sub-questions of a split, parsed from one teacher output."""
    limit = cfg.paraphrases_per_question if kind == "paraphrase" else None
    original = parent["question"].strip().lower()
    items = [i for i in parse_teacher_list(result.text, limit) if i.strip().lower() != original]
    if kind == "paraphrase":
        if not items:
            rejects.add(parent["source"], parent["source_id"], "unparseable_list", "no paraphrase in the output", result.text)
        return [
            (DriftCandidate(parent["question"], item, "paraphrase"), _variant(parent, "paraphrase", teacher, question=item))
            for item in items
        ]
    if len(items) < 2:
        return []  # the teacher sees a single issue
    return [
        (DriftCandidate(parent["question"], sub, "split"), _variant(parent, "split", teacher, question=sub, answer=answer))
        for sub, answer in zip(items, assign_answer(items, parent["answer"] or ""))
    ]


def _rule_candidates(
    parents: list[dict], split_by_teacher: set[str], cfg: AugmentConfig, lexicon: Lexicon, rng: random.Random
) -> list[Candidate]:
    """Conjunction splits (where the teacher did not split), perturbations and synonym swaps."""
    candidates: list[Candidate] = []
    for parent in parents:
        if "split" in cfg.methods and parent["kind"] in SPLITTABLE_KINDS and parent["id"] not in split_by_teacher:
            subs = split_by_rule(parent["question"])
            for sub, answer in zip(subs, assign_answer(subs, parent["answer"] or "")):
                row = _variant(parent, "split", "rule", question=sub, answer=answer)
                candidates.append((DriftCandidate(parent["question"], sub, "split"), row))
        if "perturb" in cfg.methods and parent["kind"] in cfg.perturb.kinds:
            texts = (parent["context"] or "", parent["question"], parent["answer"] or "")
            plan = plan_perturbation(texts, rng, cfg.perturb, lexicon)
            if plan.changes:
                context, question, answer = (plan.apply(t) for t in texts)
                row = _variant(parent, "perturb", "rule", context=context, question=question, answer=answer)
                candidates.append((DriftCandidate("\n".join(texts), "\n".join((context, question, answer)), "perturb"), row))
        if "synonym" in cfg.methods:
            question, swaps = apply_synonyms(parent["question"], lexicon, rng, cfg.synonym_max_swaps)
            if swaps:
                row = _variant(parent, "synonym", "rule", question=question)
                candidates.append((DriftCandidate(parent["question"], question, "synonym"), row))
    return candidates


def augment_partition(
    rows: pl.DataFrame,
    source: str,
    run_teachers: RunTeachers,
    similarity: Similarity,
    lexicon: Lexicon,
    cfg: AugmentConfig,
    quality: QualityFilterConfig,
    seed: int,
    all_rows: pl.DataFrame | None = None,
) -> GenerationResult:
    """Augment one source's rows (train/val only; variants keep their parent's split). `all_rows` (the
    whole merged frame) is where under-represented topics are counted; it defaults to `rows`."""
    rng = random.Random(f"{seed}:{source}")
    rows = rows.filter(pl.col("split").is_in(TRAINABLE_SPLITS)) if "split" in rows.columns else rows
    parents = select_for_teacher(rows, cfg.max_rule_rows_per_partition).to_dicts()
    selected = select_for_teacher(rows, cfg.max_questions_per_partition).to_dicts()

    jobs: list[tuple[str, dict | tuple, str]] = []  # (kind, parent row or topic, prompt)
    if "paraphrase" in cfg.methods:
        jobs += [("paraphrase", p, paraphrase_prompt(p["question"], cfg.paraphrases_per_question)) for p in selected]
    if "split" in cfg.methods and cfg.split_with_teacher:
        multi_part = (p for p in selected if p["kind"] in SPLITTABLE_KINDS and looks_multi_part(p["question"]))
        jobs += [("split", p, split_prompt(p["question"])) for p in multi_part]
    topics = []
    if "synth" in cfg.methods:
        counted = rows if all_rows is None else all_rows.filter(pl.col("source") == source)
        counted = counted.filter(pl.col("split").is_in(TRAINABLE_SPLITS)) if "split" in counted.columns else counted
        topics = underrepresented_topics(counted, cfg.synth.max_count, cfg.synth.max_topics_per_partition)
        jobs += [("synth", t, synthesis_prompt(t[0], t[1], cfg.synth.pairs_per_topic)) for t in topics]
    params = generation_params(cfg.temperature, cfg.max_tokens)
    requests = [
        TeacherRequest(id=f"{kind}:{i}", prompt=prompt, teacher=cfg.teacher, params=params,
                       template_version=cfg.template_version)
        for i, (kind, _, prompt) in enumerate(jobs)
    ]  # fmt: skip
    results = run_teachers(requests) if requests else []
    if len(results) != len(requests):
        raise RuntimeError(f"teacher gateway returned {len(results)} results for {len(requests)} requests")

    rejects = _Rejects()
    kept_rows: list[dict] = []
    candidates: list[Candidate] = []
    split_by_teacher: set[str] = set()
    for (kind, subject, prompt), result in zip(jobs, results):
        teacher = teacher_label(result, cfg.teacher)
        if not result.ok:
            if kind != "split":  # a failed split call is covered by the conjunction rules
                source_id = None if kind == "synth" else subject["source_id"]
                rejects.add(source, source_id, f"teacher_{result.error_kind}", result.error or "", prompt)
        elif kind == "synth":
            kept_rows += _synthetic_rows(result, subject, source, teacher, quality, rejects)
        else:
            found = _teacher_candidates(kind, subject, result, teacher, cfg, rejects)
            if kind == "split" and found:
                split_by_teacher.add(subject["id"])
            candidates += found
    candidates += _rule_candidates(parents, split_by_teacher, cfg, lexicon, rng)

    verdicts = drift_gate([c for c, _ in candidates], lexicon, cfg.drift, similarity)
    seen_ids = set(rows["id"].to_list())
    for (candidate, row), (_score, problem) in zip(candidates, verdicts):
        if problem is None and row["id"] in seen_ids:
            problem = ("duplicate_variant", "an identical row already exists")
        if problem:
            detail = f"{candidate.augmentation}: {problem[1]}"
            rejects.add(source, row["source_id"], problem[0], detail, candidate.variant_text)
        else:
            seen_ids.add(row["id"])
            kept_rows.append(row)

    kept = conform(pl.DataFrame(kept_rows, schema=AUGMENTED_SCHEMA))
    by_method = kept.group_by("augmentation").len().sort("augmentation")
    stats = {
        "input_rows": rows.height,
        "rule_based_rows": len(parents),
        "teacher_questions": len(selected),
        "teacher_requests": len(requests),
        "teacher_failures": sum(not r.ok for r in results),
        "underrepresented_topics": [f"{s} / {t}" if t else s for s, t, _ in topics],
        "kept_by_augmentation": dict(zip(by_method["augmentation"], by_method["len"])),
    }
    return GenerationResult(kept=kept, rejects=rejects_frame(list(rejects)), stats=stats)
