"""Clinician review: a stratified sample of generated rows (drug dosages over-sampled) exported as
CSV and HTML, and the reviewers' verdicts read back so rejected rows drop out of the next mix.

The exported CSV is also the verdicts format: fill in `verdict` (accept / reject) and `note`, save it
as the verdicts file, and the next run honours it.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import polars as pl

from medchat_pipeline.config.augment import ReviewConfig
from medchat_pipeline.core.distill.quality import mentions_dose

EXPORT_COLUMNS = (
    "id", "source", "origin", "augmentation", "teacher", "dose_mentioned", "context", "question", "rationale",
    "answer", "verdict", "note",
)  # fmt: skip
ACCEPT = frozenset({"accept", "accepted", "approve", "approved", "ok", "yes"})
REJECT = frozenset({"reject", "rejected", "no", "drop"})


def review_sample(frame: pl.DataFrame, cfg: ReviewConfig, seed: int, reviewed_ids=()) -> pl.DataFrame:
    """`fraction` of each stratum (at least `min_per_stratum`), rows mentioning a dose weighted by
    `dosage_weight`. Rows already carrying a verdict are not asked again."""
    pool = frame.filter(pl.col("origin").is_in(cfg.origins) & ~pl.col("id").is_in(list(reviewed_ids)))
    text = pl.concat_str(
        [pl.col("question"), pl.col("answer").fill_null(""), pl.col("rationale").fill_null("")], separator="\n"
    )
    pool = pool.with_columns(text.map_elements(mentions_dose, return_dtype=pl.Boolean).alias("dose_mentioned"))
    missing = [c for c in cfg.strata if c not in pool.columns]
    if missing:
        raise ValueError(f"review.strata names column(s) {missing} the frame does not have")
    rng = np.random.default_rng(seed)
    picked = []
    for _, stratum in pool.sort("id").group_by(cfg.strata, maintain_order=True):
        n = min(stratum.height, max(cfg.min_per_stratum, math.ceil(cfg.fraction * stratum.height)))
        if n == 0:
            continue
        weights = np.where(stratum["dose_mentioned"].to_numpy(), cfg.dosage_weight, 1.0)
        index = rng.choice(stratum.height, size=n, replace=False, p=weights / weights.sum())
        picked.append(stratum[sorted(index.tolist())])
    if not picked:
        return pool.head(0)
    return pl.concat(picked)


def export_review(sample: pl.DataFrame, csv_path: Path, html_path: Path) -> None:
    frame = sample.with_columns(pl.lit("").alias("verdict"), pl.lit("").alias("note"))
    frame = frame.select([pl.col(c) if c in frame.columns else pl.lit(None).alias(c) for c in EXPORT_COLUMNS])
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(csv_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(frame))


def render_html(frame: pl.DataFrame) -> str:
    header = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.iter_rows(named=True):
        cls = ' class="dose"' if row.get("dose_mentioned") else ""
        cells = "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row.values())
        body.append(f"<tr{cls}>{cells}</tr>")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>medchat review sample</title><style>"
        "body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;"
        "vertical-align:top;white-space:pre-wrap;max-width:40em}tr.dose{background:#fff4e0}</style></head><body>"
        f"<h1>Review sample ({frame.height} rows)</h1><p>Rows that mention a drug dose are highlighted and "
        "over-sampled. Record verdicts (accept / reject) and notes in the CSV's verdict and note columns and "
        "save it as the verdicts file; rejected rows leave the training mix on the next run.</p>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></body></html>"
    )


def read_verdicts(path: Path) -> pl.DataFrame:
    """(id, verdict ∈ {accept, reject}, note); blank verdicts are pending and left out. An absent file
    means no verdicts yet; an unknown verdict is an error naming the row."""
    schema = {"id": pl.String(), "verdict": pl.String(), "note": pl.String()}
    if not path.exists():
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(path, infer_schema_length=0)
    missing = [c for c in ("id", "verdict") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: verdicts file lacks column(s) {missing}; it needs id and verdict (note optional)")
    if "note" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String()).alias("note"))
    frame = frame.select("id", pl.col("verdict").fill_null("").str.strip_chars().str.to_lowercase(), "note")
    frame = frame.filter(pl.col("verdict") != "")
    unknown = frame.filter(~pl.col("verdict").is_in(sorted(ACCEPT | REJECT)))
    if unknown.height:
        bad = ", ".join(f"{i}={v!r}" for i, v in unknown.select("id", "verdict").head(5).iter_rows())
        raise ValueError(f"{path}: unknown verdict(s) {bad}; use accept or reject (or leave blank)")
    return frame.with_columns(
        pl.when(pl.col("verdict").is_in(sorted(REJECT))).then(pl.lit("reject")).otherwise(pl.lit("accept")).alias("verdict")
    ).unique("id", keep="last", maintain_order=True)


def rejected_ids(verdicts: pl.DataFrame) -> list[str]:
    return verdicts.filter(pl.col("verdict") == "reject")["id"].to_list()
