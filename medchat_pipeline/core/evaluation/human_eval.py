"""The clinician rating sheet: diverse items out, ratings back in for the next report.

The sheet has one row per (item, model) with the question, reference and the model's answer, and
empty rating columns `correctness`, `reasoning`, `safety` (integers 1–5: 1 = wrong / unsafe,
5 = fully correct / safe) plus free-text `comments`. Items are picked round-robin across
(set, subject) so every area gets a look before any area gets a second one. Models are shown
under a blinded label (model_1, …) so raters are not swayed; the mapping stays in `model`.

Filled-in sheets dropped into the ratings folder are read back: rows without ratings are
ignored (counted as unrated), rows with a rating outside 1–5 are rejected with a reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from medchat_pipeline.core.evaluation import metrics

RATING_COLUMNS = ("correctness", "reasoning", "safety")
SHEET_COLUMNS = (
    "run_id", "item_id", "set", "kind", "subject", "question", "reference", "blinded_model", "model", "answer",
    *RATING_COLUMNS, "comments",
)


def human_eval_sheet(results: pl.DataFrame, n_items: int, seed: int, run_id: str) -> pl.DataFrame:
    """n_items diverse items, each with every model's answer (shuffled order, blinded labels)."""
    items = results.select("item_id", "set", "kind", "subject").unique("item_id").sort("item_id")
    rng = np.random.default_rng(seed)
    strata: dict[tuple, list[str]] = {}
    for row in items.iter_rows(named=True):
        strata.setdefault((row["set"], row["subject"]), []).append(row["item_id"])
    for ids in strata.values():
        rng.shuffle(ids)
    picked: list[str] = []
    queues = [strata[k] for k in sorted(strata)]
    while len(picked) < n_items and any(queues):
        for queue in queues:
            if queue and len(picked) < n_items:
                picked.append(queue.pop())
    models = results["model"].unique(maintain_order=True).to_list()
    blinded = {m: f"model_{i + 1}" for i, m in enumerate(rng.permutation(models).tolist())}
    sheet = (
        results.filter(pl.col("item_id").is_in(picked))
        .with_columns(
            pl.lit(run_id).alias("run_id"),
            pl.col("model").replace_strict(blinded).alias("blinded_model"),
            pl.concat_str([pl.col("context").fill_null(""), pl.col("question")], separator="\n").str.strip_chars()
            .alias("question"),
            pl.col("output").alias("answer"),
            *[pl.lit(None, dtype=pl.Int64).alias(c) for c in RATING_COLUMNS],
            pl.lit(None, dtype=pl.String).alias("comments"),
        )
        .with_columns(pl.col("reference").fill_null(pl.col("answer_key")))
        .sort(["item_id", "blinded_model"])
    )
    return sheet.select(SHEET_COLUMNS)


def read_ratings(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """All rated rows of every CSV in `folder`: (ratings, rejects with reasons, unrated row count)."""
    frames, rejects, unrated = [], [], 0
    for path in sorted(Path(folder).glob("*.csv")):
        sheet = pl.read_csv(path, infer_schema=False)
        missing = [c for c in ("run_id", "item_id", "model", *RATING_COLUMNS) if c not in sheet.columns]
        if missing:
            rejects.append({"file": path.name, "row": None, "reason": "missing_columns", "detail": ", ".join(missing)})
            continue
        for row_no, row in enumerate(sheet.iter_rows(named=True), start=2):
            values = {c: (row[c] or "").strip() for c in RATING_COLUMNS}
            if not any(values.values()):
                unrated += 1
                continue
            bad = [c for c, v in values.items() if v and v not in {"1", "2", "3", "4", "5"}]
            if bad:
                detail = ", ".join(f"{c}={values[c]!r}" for c in bad)
                rejects.append({"file": path.name, "row": row_no, "reason": "rating_not_1_to_5", "detail": detail})
                continue
            frames.append(
                {"file": path.name, "run_id": row["run_id"], "item_id": row["item_id"], "model": row["model"],
                 **{c: int(v) if v else None for c, v in values.items()}}
            )
    schema = {"file": pl.String(), "run_id": pl.String(), "item_id": pl.String(), "model": pl.String(),
              **{c: pl.Int64() for c in RATING_COLUMNS}}
    reject_schema = {"file": pl.String(), "row": pl.Int64(), "reason": pl.String(), "detail": pl.String()}
    return (
        pl.DataFrame(frames, schema=schema) if frames else pl.DataFrame(schema=schema),
        pl.DataFrame(rejects, schema=reject_schema) if rejects else pl.DataFrame(schema=reject_schema),
        unrated,
    )


def summarize_ratings(ratings: pl.DataFrame, resamples: int, seed: int) -> pl.DataFrame:
    """Mean rating per (run, model, dimension) with a bootstrap 95% interval."""
    rows = []
    for (run_id, model), group in ratings.group_by(["run_id", "model"], maintain_order=True):
        for column in RATING_COLUMNS:
            est = metrics.bootstrap_mean(group[column].cast(pl.Float64).fill_null(float("nan")).to_numpy(), resamples,
                                         seed)
            if est.n:
                rows.append({"run_id": run_id, "model": model, "dimension": column, "value": est.value,
                             "low": est.low, "high": est.high, "n": est.n})
    schema = {"run_id": pl.String(), "model": pl.String(), "dimension": pl.String(), "value": pl.Float64(),
              "low": pl.Float64(), "high": pl.Float64(), "n": pl.Int64()}
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
