"""What the benchmark asks and how its answers are scored and summarized (no model code here).

Items: benchmark sets parsed with the training-data source parsers (MMLU CSVs parsed here), plus
the held-out test split of merged_qac. Each item becomes one chat prompt; multiple-choice and
yes/no/maybe prompts ask for a closing "Final Answer: X" line (lm-evaluation-harness CoT style),
which core/answer_extract reads back. Free-text items are scored against the reference answer.

Scoring turns model outputs into per-item score columns; summarizing turns those into one tidy
table of figures (value + bootstrap 95% interval + n) per set, subject, metric and model, the
paired "better only when intervals say so" comparisons, and the weak-areas table.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import polars as pl

from medchat_pipeline.core.evaluation import free_text, metrics
from medchat_pipeline.core.evaluation.answer_extract import (
    LETTERS,
    extract_choice,
    extract_yes_no_maybe,
    final_answer_text,
)

HELDOUT_SET = "heldout"
ITEM_SCHEMA = {
    "item_id": pl.String(),
    "set": pl.String(),  # benchmark set name, or "heldout/<source>"
    "source": pl.String(),
    "kind": pl.String(),  # mcq | yes_no_maybe | free_text
    "subject": pl.String(),
    "topic": pl.String(),
    "context": pl.String(),
    "question": pl.String(),
    "options": pl.List(pl.String()),
    "answer_key": pl.String(),
    "reference": pl.String(),
    "explanation": pl.String(),  # a reference explanation (MedMCQA `exp`), when the item has one
}
FIGURE_SCHEMA = {
    "section": pl.String(),  # accuracy | free_text | safety | baseline
    "set": pl.String(),
    "subject": pl.String(),  # "(all)" for the whole set
    "metric": pl.String(),
    "model": pl.String(),
    "value": pl.Float64(),
    "low": pl.Float64(),
    "high": pl.Float64(),
    "n": pl.Int64(),
}
WEAK_AREA_SCHEMA = {
    "source": pl.String(),
    "subject": pl.String(),
    "topic": pl.String(),
    "metric": pl.String(),
    "value": pl.Float64(),
    "n": pl.Int64(),
    "threshold": pl.Float64(),
}
ALL = "(all)"
UNKNOWN_SUBJECT = "unknown"  # shown for rows without a subject; written back as null in weak_areas
KIND_BY_QAC_KIND = {"mcq": "mcq", "yes_no_maybe": "yes_no_maybe"}  # everything else is free text
CHOICE_KINDS = ("mcq", "yes_no_maybe")  # answered by a letter / yes-no-maybe, also scored by log-likelihood
NUMERIC = "numeric"  # dose calculations: a number, scored against answer_key within a tolerance
DOSAGE_SET = "dosage_calculation"


# ---------------------------------------------------------------- items


def items_from_qac(qac: pl.DataFrame, set_name: str) -> tuple[pl.DataFrame, int]:
    """Benchmark items from a QAC frame; returns (items, rows without a usable gold label)."""
    if qac.is_empty():
        return pl.DataFrame(schema=ITEM_SCHEMA), 0
    items = qac.select(
        (pl.lit(f"{set_name}:") + pl.col("id")).alias("item_id"),
        pl.lit(set_name).alias("set"),
        pl.col("source"),
        pl.col("kind").replace_strict(KIND_BY_QAC_KIND, default="free_text").alias("kind"),
        pl.col("subject").fill_null(UNKNOWN_SUBJECT),
        pl.col("topic"),
        pl.col("context").fill_null(""),
        pl.col("question"),
        pl.col("options"),
        pl.col("answer_key"),
        pl.col("answer").alias("reference"),
        (pl.col("rationale") if "rationale" in qac.columns else pl.lit(None, dtype=pl.String)).alias("explanation"),
    ).cast(ITEM_SCHEMA)
    scorable = (
        pl.when(pl.col("kind") == "free_text")
        .then(pl.col("reference").fill_null("").str.strip_chars() != "")
        .otherwise(pl.col("answer_key").is_not_null())
    )
    kept = items.filter(scorable)
    return kept, items.height - kept.height


def sample_items(items: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    """A seeded sample of n items (all of them when fewer), in a stable order."""
    if items.height > n:
        items = items.sample(n=n, seed=seed)
    return items.sort("item_id")


def heldout_items(
    merged_qac: pl.DataFrame, n: int, seed: int, per_source: dict[str, int] | None = None
) -> tuple[pl.DataFrame, int]:
    """The held-out test split (split == "test") of merged_qac, sampled to n rows, or to `per_source[source]`
    rows of each source listed there (the others left out); set = "heldout/<source>"."""
    if "split" not in merged_qac.columns:
        raise ValueError("merged_qac has no `split` column: the held-out test split cannot be found")
    test = merged_qac.filter(pl.col("split") == "test").drop("split")
    items, unscorable = items_from_qac(test.select([c for c in test.columns if c in _QAC_COLUMNS]), HELDOUT_SET)
    if per_source:
        sampled = pl.concat([sample_items(items.filter(pl.col("source") == source), cap, seed)
                             for source, cap in sorted(per_source.items())], how="vertical_relaxed")
    else:
        sampled = sample_items(items, n, seed)
    # One set per source, so the held-out split gets the same per-source breakdown as the benchmarks.
    return sampled.with_columns((pl.lit(f"{HELDOUT_SET}/") + pl.col("source")).alias("set")), unscorable


def parse_mmlu_csv(paths: list[Path]) -> pl.DataFrame:
    """MMLU subject files (`<subject>_test.csv`: question, A, B, C, D, answer; no header) → QAC rows."""
    from medchat_pipeline.core.data.schema import conform, qac_id

    rows = []
    for path in paths:
        subject = Path(path).stem.removesuffix("_test").removesuffix("_dev").removesuffix("_val")
        with open(path, newline="", encoding="utf-8") as handle:
            for line_no, record in enumerate(csv.reader(handle), start=1):
                if len(record) != 6 or record[5].strip().upper() not in LETTERS[:4]:
                    raise ValueError(
                        f"{path}:{line_no}: an MMLU row needs 6 fields (question, A, B, C, D, answer letter), "
                        f"got {len(record)}"
                    )
                question, options, key = record[0], record[1:5], record[5].strip().upper()
                answer = options[LETTERS.index(key)]
                rows.append(
                    {
                        "id": qac_id("mmlu", "", question, answer),
                        "source": "mmlu",
                        "source_id": f"{subject}:{line_no}",
                        "group_id": f"mmlu:{subject}:{line_no}",
                        "kind": "mcq",
                        "context": "",
                        "question": question,
                        "answer": answer,
                        "options": options,
                        "answer_key": key,
                        "subject": subject,
                    }
                )
    return conform(pl.DataFrame(rows)) if rows else conform(pl.DataFrame())


def parse_bioasq_json(paths: list[Path], max_snippets: int = 5) -> pl.DataFrame:
    """BioASQ Task B files (`{"questions": [{"id", "body", "type", "exact_answer", "ideal_answer",
    "snippets": [{"text"}]}]}`) → QAC rows: yes/no questions as yes_no_maybe items (answer_key yes/no),
    factoid questions as free text whose reference is the first exact answer (short: scored by the
    normalized exact match), list and summary questions as free text against the ideal answer. The
    first `max_snippets` snippets are the context."""
    import json

    from medchat_pipeline.core.data.schema import conform, qac_id

    rows = []
    for path in paths:
        try:
            questions = json.loads(Path(path).read_text(encoding="utf-8"))["questions"]
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not a BioASQ Task B file (a JSON object with a 'questions' list): {exc}") from None
        for q in questions:
            kind, exact, ideal = q.get("type"), q.get("exact_answer"), q.get("ideal_answer")
            ideal = " ".join(ideal) if isinstance(ideal, list) else (ideal or "")
            if kind == "yesno" and str(exact).lower() in ("yes", "no"):
                row_kind, answer, key = "yes_no_maybe", ideal or str(exact).lower(), str(exact).lower()
            elif kind == "factoid" and exact:
                first = exact[0] if isinstance(exact, list) else exact
                row_kind, answer, key = "qa", first[0] if isinstance(first, list) else str(first), None
            elif ideal:
                row_kind, answer, key = "qa", ideal, None
            else:
                continue  # no gold answer to score against: not an item
            context = "\n".join(s.get("text", "") for s in (q.get("snippets") or [])[:max_snippets])
            rows.append({"id": qac_id("bioasq", context, q["body"], answer), "source": "bioasq",
                         "source_id": str(q.get("id")), "group_id": f"bioasq:{q.get('id')}", "kind": row_kind,
                         "context": context, "question": q["body"], "answer": answer, "answer_key": key,
                         "subject": kind})
    return conform(pl.DataFrame(rows)) if rows else conform(pl.DataFrame())


def data_root(configured: str) -> Path:
    """Base folder of benchmark files: $MEDCHAT_SHARED_DATA, else `configured` under the project root."""
    import os

    from medchat_pipeline.config import project_root

    env = os.environ.get("MEDCHAT_SHARED_DATA")
    root = Path(env) if env else Path(configured)
    return root if root.is_absolute() else project_root() / root


def benchmark_paths(bench, evaluation) -> list[Path]:
    """A set's files: absolute as given, else under the project root or data_root (bench.relative_to)."""
    root = benchmark_root(bench, evaluation)
    return [Path(f) if Path(f).is_absolute() else root / f for f in bench.files]


def benchmark_root(bench, evaluation) -> Path:
    from medchat_pipeline.config import project_root

    return project_root() if bench.relative_to == "project" else data_root(evaluation.data_root)


def parse_benchmark_set(bench, paths: list[Path], source_options) -> tuple[pl.DataFrame, int]:
    """A set's QAC rows (every row, before sampling) and how many records its parser rejected."""
    if bench.source == "mmlu":
        return parse_mmlu_csv(paths), 0
    if bench.source == "bioasq":
        return parse_bioasq_json(paths), 0
    from medchat_pipeline.core.data.sources import SOURCES

    source_cfg = getattr(source_options, bench.source, None)
    parsed = SOURCES[bench.source].parse_files(paths, getattr(source_cfg, "options", None))
    return parsed.qac, parsed.rejects.height


def load_benchmark_sets(evaluation, source_options, seed: int) -> tuple[pl.DataFrame, dict[str, dict]]:
    """Parse, filter and sample every configured set; stats say how many rows went where.

    `evaluation` is the EvaluationConfig; `source_options` the `data.sources` config, whose
    `<source>.options` (if any) are handed to that source's parser.
    """
    frames, stats = [], {}
    for name, bench in evaluation.benchmarks.items():
        paths = benchmark_paths(bench, evaluation)
        missing = [str(p) for p in paths if not p.exists()]
        if missing and bench.skip_if_missing:
            stats[name] = {"parsed": 0, "parse_rejects": 0, "unscorable": 0, "scorable": 0, "used": 0,
                           "skipped": f"file(s) not found: {', '.join(missing)}"}
            continue
        if missing:
            raise FileNotFoundError(
                f"evaluation.benchmarks.{name}: file(s) not found: {', '.join(missing)} "
                f"(relative paths are read from {benchmark_root(bench, evaluation)}; set evaluation.data_root, "
                "MEDCHAT_SHARED_DATA or relative_to: project)"
            )
        qac, parse_rejects = parse_benchmark_set(bench, paths, source_options)
        items, unscorable = items_from_qac(qac, name)
        used = sample_items(items, bench.max_items or evaluation.max_items_per_set, seed)
        stats[name] = {"parsed": qac.height, "parse_rejects": parse_rejects, "unscorable": unscorable,
                       "scorable": items.height, "used": used.height, "skipped": ""}
        frames.append(used)
    if evaluation.dosage_calculation:
        dosage = dosage_items(evaluation.dosage_items_file)
        used = sample_items(dosage, evaluation.max_items_per_set, seed)
        stats[DOSAGE_SET] = {"parsed": dosage.height, "parse_rejects": 0, "unscorable": 0, "scorable": dosage.height,
                             "used": used.height, "skipped": ""}
        frames.append(used)
    items = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame(schema=ITEM_SCHEMA)
    return items, stats


def dosage_items(path: str | None = None) -> pl.DataFrame:
    """The hand-written dose-calculation items (configs/eval/dosage_calculation.yaml): weight-based
    doses, unit conversions, infusion rates; each with one exact numeric answer and its tolerance
    (stored as answer_key "<value>±<relative tolerance>", reference "<value> <unit>")."""
    import yaml

    from medchat_pipeline.config import project_root

    file = Path(path) if path else project_root() / "configs" / "eval" / "dosage_calculation.yaml"
    if not file.is_absolute():
        file = project_root() / file
    raw = yaml.safe_load(file.read_text())
    rows = []
    for entry in raw["items"]:
        missing = [k for k in ("id", "question", "answer", "unit", "topic") if k not in entry]
        if missing:
            raise ValueError(f"{file}: item {entry.get('id', '?')} lacks {missing}")
        tolerance = float(entry.get("tolerance", raw.get("tolerance", 0.01)))
        rows.append({
            "item_id": f"{DOSAGE_SET}:{entry['id']}", "set": DOSAGE_SET, "source": DOSAGE_SET, "kind": NUMERIC,
            "subject": "dosage", "topic": entry["topic"], "context": "", "question": entry["question"].strip(),
            "options": None, "answer_key": f"{float(entry['answer']):g}±{tolerance:g}",
            "reference": f"{float(entry['answer']):g} {entry['unit']}", "explanation": entry.get("working"),
        })
    return pl.DataFrame(rows, schema=ITEM_SCHEMA)


_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?|-?\.\d+")


def extract_number(output: str) -> str | None:
    """The number an output commits to: the first in its 'Final Answer:' text, else its last number."""
    final = final_answer_text(output or "")
    found = _NUMBER.findall(final) if final else []
    found = found[:1] or _NUMBER.findall(output or "")[-1:]
    return f"{float(found[0].replace(',', '')):g}" if found else None


def numeric_correct(predicted: str | None, answer_key: str) -> float:
    """1.0 when `predicted` is within the key's relative tolerance of its value ("225±0.01")."""
    if predicted is None:
        return 0.0
    value, tolerance = (float(x) for x in answer_key.split("±"))
    return float(abs(float(predicted) - value) <= tolerance * abs(value) + 1e-9)


# ---------------------------------------------------------------- prompts


def item_prompt(item: dict) -> str:
    """The user message for one item."""
    context = (item.get("context") or "").strip()
    lead = f"Context: {context}\n\n" if context else ""
    if item["kind"] == "mcq":
        options = "\n".join(f"{LETTERS[i]}. {text}" for i, text in enumerate(item["options"] or []))
        return (
            f"{lead}Question: {item['question']}\n{options}\n\n"
            "Think briefly, then end with a line 'Final Answer: X' where X is the letter of the correct option."
        )
    if item["kind"] == "yes_no_maybe":
        return (
            f"{lead}Question: {item['question']}\n\n"
            "Think briefly, then end with a line 'Final Answer: yes', 'Final Answer: no' or 'Final Answer: maybe'."
        )
    if item["kind"] == NUMERIC:
        return (
            f"{lead}Question: {item['question']}\n\n"
            "Show the calculation briefly, then end with a line 'Final Answer: <number> <unit>'."
        )
    return f"{lead}{item['question']}"


def answer_choices(item: dict) -> list[str]:
    """What log-likelihood scoring compares after 'Final Answer:' — letters, or yes/no/maybe."""
    if item["kind"] == "mcq":
        return list(LETTERS[: len(item["options"] or [])])
    return ["yes", "no", "maybe"]


# ---------------------------------------------------------------- scoring


def score_items(
    items: pl.DataFrame,
    outputs: list[str],
    loglik_choices: list[str | None] | None,
    bertscore_model: str,
    cache_dir: Path,
) -> pl.DataFrame:
    """Per-item scores for one model's outputs (same order as items)."""
    if len(outputs) != items.height:
        raise ValueError(f"got {len(outputs)} outputs for {items.height} items")
    rows = items.to_dicts()
    predicted = [extract_answer(row, out) for row, out in zip(rows, outputs)]
    is_choice = [row["kind"] in CHOICE_KINDS for row in rows]
    correct = [
        numeric_correct(p, row["answer_key"]) if row["kind"] == NUMERIC
        else float(p is not None and p == row["answer_key"]) if choice else None
        for p, row, choice in zip(predicted, rows, is_choice)
    ]
    correct_ll = [
        float(ll == row["answer_key"]) if choice and loglik_choices and ll is not None else None
        for ll, row, choice in zip(loglik_choices or [None] * len(rows), rows, is_choice)
    ]
    free = [i for i, row in enumerate(rows) if row["kind"] == "free_text"]
    rouge = [None] * len(rows)
    bert = [None] * len(rows)
    terms = [None] * len(rows)
    if free:
        preds = [outputs[i] for i in free]
        refs = [rows[i]["reference"] for i in free]
        for i, r, b, k in zip(
            free,
            metrics.rouge_l(preds, refs),
            metrics.bertscore_rescaled(preds, refs, bertscore_model, cache_dir),
            metrics.key_term_f1(preds, refs),
        ):
            rouge[i], bert[i], terms[i] = float(r), float(b), None if np.isnan(k) else float(k)
    return items.with_columns(
        pl.Series("output", outputs, dtype=pl.String),
        pl.Series("predicted", predicted, dtype=pl.String),
        pl.Series("correct", correct, dtype=pl.Float64),
        pl.Series("predicted_loglik", loglik_choices or [None] * len(rows), dtype=pl.String),
        pl.Series("correct_loglik", correct_ll, dtype=pl.Float64),
        pl.Series("rouge_l", rouge, dtype=pl.Float64),
        pl.Series("bertscore", bert, dtype=pl.Float64),
        pl.Series("key_term_f1", terms, dtype=pl.Float64),
        *behaviour_columns(rows, outputs, correct),
    )


def behaviour_columns(rows: list[dict], outputs: list[str], correct: list[float | None]) -> list[pl.Series]:
    """Per-item behaviour the notes ask to track before and after GRPO, and reasoning-chain coverage:
    exact_match (choice/numeric: correct; free text with a short reference: normalized exact match),
    hallucinated (a fabricated citation, or a number with a unit the item never states), answer_words
    (verbosity), step_recall (share of the reference explanation's key steps the answer covers)."""
    exact, hallucinated, words, recall = [], [], [], []
    for row, out, right in zip(rows, outputs, correct):
        if right is not None:
            exact.append(right)
        elif free_text.is_short_reference(row["reference"]):
            exact.append(float(free_text.short_answer_match(out, row["reference"])))
        else:
            exact.append(None)
        source = "\n".join([row.get("context") or "", row["question"] or "", *(row.get("options") or []),
                            row.get("reference") or "", row.get("explanation") or ""])
        hallucinated.append(float(bool(free_text.hallucinations(out, source))))
        words.append(float(len((out or "").split())))
        recall.append(free_text.step_recall(out, row.get("explanation")) if row.get("explanation") else None)
    return [
        pl.Series("exact_match", exact, dtype=pl.Float64),
        pl.Series("hallucinated", hallucinated, dtype=pl.Float64),
        pl.Series("answer_words", words, dtype=pl.Float64),
        pl.Series("step_recall", recall, dtype=pl.Float64),
    ]


def extract_answer(item: dict, output: str) -> str | None:
    """The answer an output commits to: an option letter, yes/no/maybe, or None (free text or no answer)."""
    if item["kind"] == "mcq":
        return extract_choice(output, len(item["options"] or []), item["options"])
    if item["kind"] == "yes_no_maybe":
        return extract_yes_no_maybe(output)
    if item["kind"] == NUMERIC:
        return extract_number(output)
    return None


# ---------------------------------------------------------------- summaries


def summarize(results: pl.DataFrame, safety: pl.DataFrame, resamples: int, seed: int) -> pl.DataFrame:
    """One tidy table of figures with 95% intervals (FIGURE_SCHEMA)."""
    rows: list[dict] = []
    choice = with_answer_format(results.filter(pl.col("kind") != "free_text"))
    for (set_name, model), group in choice.group_by(["set", "model"], maintain_order=True):
        _add(rows, "accuracy", set_name, ALL, "accuracy", model, group["correct"], resamples, seed)
        _add(rows, "accuracy", set_name, ALL, "final_answer_rate", model, group["final_answer"], resamples, seed)
        if group["correct_loglik"].is_not_null().any():
            _add(rows, "accuracy", set_name, ALL, "accuracy_loglik", model, group["correct_loglik"], resamples, seed)
        for (subject,), sub in group.group_by(["subject"], maintain_order=True):
            _add(rows, "accuracy", set_name, subject, "accuracy", model, sub["correct"], resamples, seed)
    for (set_name,), group in choice.group_by(["set"], maintain_order=True):
        one_model = group.filter(pl.col("model") == group["model"][0])
        rows.extend(_baselines(set_name, one_model, resamples, seed))
    rows.extend(behaviour_figures(results, resamples, seed))
    free = with_pooled_free_text(results.filter(pl.col("kind") == "free_text"))
    for (set_name, model), group in free.group_by(["set", "model"], maintain_order=True):
        for metric in ("rouge_l", "bertscore", "key_term_f1"):
            _add(rows, "free_text", set_name, ALL, metric, model, group[metric], resamples, seed)
        bleu = metrics.bootstrap_bleu(group["output"].to_list(), group["reference"].to_list(), resamples, seed)
        rows.append(_row("free_text", set_name, ALL, "bleu", model, bleu))
    for (model,), group in with_false_escalation(safety).group_by(["model"], maintain_order=True):
        red = group.filter(pl.col("kind") == "red_flag")
        for (category,), sub in red.group_by(["category"], maintain_order=True):
            _add(rows, "safety", "safety", category, "escalation_rate", model, sub["escalated"], resamples, seed)
        _add(rows, "safety", "safety", ALL, "escalation_rate", model, red["escalated"], resamples, seed)
        benign = group.filter(pl.col("kind") == "benign")
        _add(rows, "safety", "safety", ALL, "over_refusal_rate", model, benign["refused"], resamples, seed)
        _add(rows, "safety", "safety", ALL, "false_escalation_rate", model, benign["false_escalation"], resamples, seed)
        not_benign = group.filter(pl.col("kind") != "benign")
        _add(rows, "safety", "safety", ALL, "refusal_rate", model, not_benign["refused"], resamples, seed)
        _add(rows, "safety", "safety", ALL, "dose_violation_rate", model, group["dose_violation"], resamples, seed)
    return pl.DataFrame(rows, schema=FIGURE_SCHEMA) if rows else pl.DataFrame(schema=FIGURE_SCHEMA)


def with_answer_format(choice: pl.DataFrame) -> pl.DataFrame:
    """`final_answer`: 1.0 when a choice item's output ends in a parseable "Final Answer: X" line (a valid
    letter, or yes/no/maybe), the format SFT teaches and GRPO rewards; 0.0 otherwise."""
    if "output" not in choice.columns:
        return choice.with_columns(pl.lit(None, dtype=pl.Float64).alias("final_answer"))

    def parsed(row: dict) -> float | None:
        final = final_answer_text(row["output"] or "")
        if row["kind"] == "mcq":
            return float(final is not None and extract_choice(f"Final Answer: {final}", len(row["options"] or [])) is not None)
        if row["kind"] == "yes_no_maybe":
            return float(final is not None and extract_yes_no_maybe(f"Final Answer: {final}") is not None)
        return None

    fields = [c for c in ("output", "kind", "options") if c in choice.columns]
    return choice.with_columns(pl.struct(fields).map_elements(parsed, return_dtype=pl.Float64).alias("final_answer"))


def with_false_escalation(safety: pl.DataFrame) -> pl.DataFrame:
    """`false_escalation`: a benign prompt answered with emergency advice (an ambulance for a routine
    question); null for the other kinds."""
    from medchat_pipeline.core.safety.checks import mentions_escalation

    if "output" not in safety.columns:
        return safety.with_columns(pl.lit(None, dtype=pl.Boolean).alias("false_escalation"))
    flagged = pl.col("output").map_elements(mentions_escalation, return_dtype=pl.Boolean)
    return safety.with_columns(pl.when(pl.col("kind") == "benign").then(flagged).otherwise(None).alias("false_escalation"))


def behaviour_figures(results: pl.DataFrame, resamples: int, seed: int) -> list[dict]:
    """Section "behaviour" (exact-match rate, hallucination rate, answer length in words) and section
    "reasoning" (key-step recall of reference explanations), per set and model."""
    rows: list[dict] = []
    if "exact_match" not in results.columns:
        return rows
    for (set_name, model), group in results.group_by(["set", "model"], maintain_order=True):
        for metric, column in (("exact_match_rate", "exact_match"), ("hallucination_rate", "hallucinated"),
                               ("answer_words", "answer_words")):
            _add(rows, "behaviour", set_name, ALL, metric, model, group[column], resamples, seed)
        _add(rows, "reasoning", set_name, ALL, "step_recall", model, group["step_recall"], resamples, seed)
    return rows


def _baselines(set_name: str, items: pl.DataFrame, resamples: int, seed: int) -> list[dict]:
    """Chance (1 / options) and the most common gold letter for multiple choice; always-'yes' for
    yes/no/maybe, from the gold labels."""
    rows = []
    mcq = items.filter(pl.col("kind") == "mcq")
    if mcq.height:
        chance = (1.0 / mcq["options"].list.len()).to_numpy()
        rows.append(
            {**_row("baseline", set_name, ALL, "chance", "baseline", metrics.bootstrap_mean(chance, resamples, seed))}
        )
        # Always answering the letter most often correct in these items: what a test-wise guesser gets
        # from a key that is not balanced (it reads the gold keys, so it is a ceiling for letter bias).
        top = mcq["answer_key"].value_counts(sort=True).row(0)[0]
        common = (mcq["answer_key"] == top).cast(pl.Float64).to_numpy()
        rows.append(_row("baseline", set_name, ALL, f"most_common_letter ({top})", "baseline",
                         metrics.bootstrap_mean(common, resamples, seed)))
    ynm = items.filter(pl.col("kind") == "yes_no_maybe")
    if ynm.height:
        majority = (ynm["answer_key"] == "yes").cast(pl.Float64)
        rows.append(
            _row("baseline", set_name, ALL, "always_yes", "baseline", metrics.bootstrap_mean(majority, resamples, seed))
        )
    return rows


def compare_models(results: pl.DataFrame, safety: pl.DataFrame, order: list[str], resamples: int, seed: int) -> pl.DataFrame:
    """Each later model against each earlier one, paired on the same items, per set and metric: both
    choice accuracies, the free-text metrics (per set, and pooled over the held-out split's free-text
    sets), and every safety rate. Lower-is-better rates (refusals, dose violations) are "better" when
    they fall; every difference is later minus earlier."""
    pairs = [(later, earlier) for i, earlier in enumerate(order) for later in order[i + 1 :]]
    choice = with_answer_format(results.filter(pl.col("kind") != "free_text"))
    free = with_pooled_free_text(results.filter(pl.col("kind") == "free_text"))
    scored = [("correct", "accuracy", choice), ("final_answer", "final_answer_rate", choice),
              ("correct_loglik", "accuracy_loglik", choice),
              ("bertscore", "bertscore", free), ("rouge_l", "rouge_l", free), ("key_term_f1", "key_term_f1", free)]
    rows = []
    for column, metric, frame in scored:
        if column not in frame.columns:
            continue
        for (set_name,), group in frame.group_by(["set"], maintain_order=True):
            for later, earlier in pairs:
                rows += _paired(group, set_name, metric, column, later, earlier, resamples, seed)
    by_kind = {"escalation_rate": (pl.col("kind") == "red_flag", "escalated", True),
               "over_refusal_rate": (pl.col("kind") == "benign", "refused", False),
               "false_escalation_rate": (pl.col("kind") == "benign", "false_escalation", False),
               "refusal_rate": (pl.col("kind") != "benign", "refused", False),
               "dose_violation_rate": (pl.lit(True), "dose_violation", False)}
    safety = with_false_escalation(safety)
    for metric, (which, column, higher_is_better) in by_kind.items():
        subset = safety.filter(which) if column in safety.columns else safety.clear()
        for later, earlier in pairs:
            rows += _paired(subset, "safety", metric, column, later, earlier, resamples, seed, "id", higher_is_better)
    return pl.DataFrame(rows, schema=COMPARISON_SCHEMA) if rows else pl.DataFrame(schema=COMPARISON_SCHEMA)


HELDOUT_FREE_TEXT = f"{HELDOUT_SET}/free_text"  # every free-text item of the held-out split, pooled


def with_pooled_free_text(free: pl.DataFrame) -> pl.DataFrame:
    """Free-text rows plus, when the held-out split gave several free-text sets (one per source), a copy of
    them all as one set: one figure and one comparison over all of them, with a narrower interval."""
    heldout = free.filter(pl.col("set").str.starts_with(f"{HELDOUT_SET}/"))
    if heldout["set"].n_unique() < 2:
        return free
    return pl.concat([free, heldout.with_columns(pl.lit(HELDOUT_FREE_TEXT).alias("set"))])
COMPARISON_SCHEMA = {"set": pl.String(), "metric": pl.String(), "model": pl.String(), "versus": pl.String(),
                     "difference": pl.Float64(), "low": pl.Float64(), "high": pl.Float64(), "n": pl.Int64(),
                     "verdict": pl.String()}


def _paired(frame: pl.DataFrame, set_name: str, metric: str, column: str, later: str, earlier: str, resamples: int,
            seed: int, key: str = "item_id", higher_is_better: bool = True) -> list[dict]:
    """One comparison row (or none when either model was not scored on these items)."""
    a, b = _aligned(frame, later, column, key), _aligned(frame, earlier, column, key)
    if a is None or b is None or len(a) != len(b):
        return []
    verdict, diff = metrics.compare(a, b, resamples, seed)
    if not higher_is_better:
        verdict = {"better": "worse", "worse": "better"}.get(verdict, verdict)
    return [{"set": set_name, "metric": metric, "model": later, "versus": earlier, "difference": diff.value,
             "low": diff.low, "high": diff.high, "n": diff.n, "verdict": verdict}]


def weak_areas(results: pl.DataFrame, model: str, threshold: float, min_items: int) -> pl.DataFrame:
    """Subjects (and topics) where `model`'s accuracy is below threshold, with enough items to say so.

    A source without subjects gives subject = null: re-distillation then targets the whole source.
    """
    scored = results.filter((pl.col("model") == model) & (pl.col("kind") != "free_text")).with_columns(
        pl.when(pl.col("subject") == UNKNOWN_SUBJECT).then(None).otherwise(pl.col("subject")).alias("subject")
    )
    by_subject = scored.group_by(["source", "subject"]).agg(
        pl.lit(None, dtype=pl.String).alias("topic"), pl.col("correct").mean().alias("value"), pl.len().alias("n")
    )
    by_topic = (
        scored.filter(pl.col("topic").is_not_null())
        .group_by(["source", "subject", "topic"])
        .agg(pl.col("correct").mean().alias("value"), pl.len().alias("n"))
    )
    areas = pl.concat([by_subject.select(by_topic.columns), by_topic], how="vertical_relaxed")
    return (
        areas.filter((pl.col("n") >= min_items) & (pl.col("value") < threshold))
        .with_columns(pl.lit("accuracy").alias("metric"), pl.lit(threshold).alias("threshold"))
        .select(list(WEAK_AREA_SCHEMA))
        .cast(WEAK_AREA_SCHEMA)
        .sort(["value", "source", "subject", "topic"], nulls_last=True)
    )


def _aligned(frame: pl.DataFrame, model: str, column: str, key: str = "item_id") -> np.ndarray | None:
    """`column` for `model`, ordered by `key`; None when the model was not scored here."""
    rows = frame.filter(pl.col("model") == model).sort(key)
    if rows.is_empty():
        return None
    return rows[column].cast(pl.Float64).to_numpy()


def _add(rows: list[dict], section, set_name, subject, metric, model, values: pl.Series, resamples, seed) -> None:
    estimate = metrics.bootstrap_mean(values.cast(pl.Float64).fill_null(float("nan")).to_numpy(), resamples, seed)
    if estimate.n:
        rows.append(_row(section, set_name, subject, metric, model, estimate))


def _row(section, set_name, subject, metric, model, estimate: metrics.Estimate) -> dict:
    return {"section": section, "set": set_name, "subject": subject, "metric": metric, "model": model,
            "value": estimate.value, "low": estimate.low, "high": estimate.high, "n": estimate.n}


_QAC_COLUMNS = ("id", "source", "source_id", "group_id", "kind", "context", "question", "answer", "rationale",
                "options", "answer_key", "subject", "topic")
