"""The training mix: original rows plus teacher-distilled rows at a configured share (seed 70/30,
50/50 as the alternative), augmented and synthetic variants by config. Only train/val rows enter;
the held-out test split never does, nor anything derived from a test row.

(core/data/mix.py is the data layer's source-weight mix inside merged_qac; this is the later mix of
original and generated rows that training reads.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from medchat_pipeline.config.augment import MixConfig
from medchat_pipeline.core.augment.generation import AUGMENTED_SCHEMA, TRAINABLE_SPLITS
from medchat_pipeline.core.data.schema import conform, reject_row, rejects_frame

MIX_SCHEMA = AUGMENTED_SCHEMA


@dataclass
class TrainingMixResult:
    frame: pl.DataFrame
    rejects: pl.DataFrame  # rows that may not enter (test-derived, reviewer-rejected), with reasons
    stats: dict


def _with_origin(frame: pl.DataFrame, origin: str) -> pl.DataFrame:
    if frame.is_empty() and not frame.columns:
        return conform(pl.DataFrame(schema=MIX_SCHEMA), MIX_SCHEMA)
    out = frame.select([c for c in frame.columns if c in MIX_SCHEMA])
    if "origin" not in out.columns or origin == "original":
        out = out.with_columns(pl.lit(origin).alias("origin"))
    return conform(out, MIX_SCHEMA)


def _take(frame: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    return frame if n >= frame.height else frame.sort("id").sample(n=n, seed=seed).sort("id")


def original_merit(original: pl.DataFrame, max_words: int) -> pl.DataFrame:
    """Each original row's merit tier, for keeping originals "where they are concise and accurate" (design
    notes 4.3): 0 = passes the teacher-answer quality filters (no hedging, refusal, fabricated citation,
    non-English text) and has at most `max_words` words; 1 = clean but long; 2 = fails a quality filter.
    Columns `merit` and `merit_reason`."""
    from medchat_pipeline.config.augment import QualityFilterConfig
    from medchat_pipeline.core.distill.quality import answer_problem

    quality = QualityFilterConfig()
    tiers, reasons = [], []
    for row in original.select("context", "question", "answer", "options").iter_rows(named=True):
        source = "\n".join([row["context"] or "", row["question"] or "", *(row["options"] or [])])
        problem = answer_problem(row["answer"] or "", source, quality)
        words = len((row["answer"] or "").split())
        if problem is not None and problem[0] not in ("too_short", "too_long"):
            tiers.append(2)
            reasons.append(problem[0])
        elif words > max_words:
            tiers.append(1)
            reasons.append("not_concise")
        else:
            tiers.append(0)
            reasons.append("concise_and_clean")
    return original.with_columns(pl.Series("merit", tiers, dtype=pl.Int8), pl.Series("merit_reason", reasons))


def _take_on_merit(frame: pl.DataFrame, n: int, seed: int, max_words: int) -> pl.DataFrame:
    """The n originals of best merit tier; within a tier, a seeded order (ties are not ranked)."""
    if n >= frame.height:
        return frame
    ranked = original_merit(frame, max_words).with_columns(pl.col("id").hash(seed).alias("_order"))
    return ranked.sort("merit", "_order").head(n).drop("merit", "merit_reason", "_order").sort("id")


def balance(
    original: pl.DataFrame, distilled: pl.DataFrame, share: float, seed: int, cfg: MixConfig | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Down-sample whichever side is over-represented so distilled / (distilled + original) ≈ share.
    Originals are kept on merit (concise and clean first) unless cfg.original_selection is random.
    With one side empty the share cannot be met and the other side is kept whole."""
    n_orig, n_dist = original.height, distilled.height
    if n_orig == 0 or n_dist == 0:
        return original, distilled
    if n_dist / (n_dist + n_orig) > share:
        return original, _take(distilled, max(1, round(n_orig * share / (1 - share))), seed)
    n_keep = max(1, round(n_dist * (1 - share) / share))
    if cfg is not None and cfg.original_selection == "merit":
        return _take_on_merit(original, n_keep, seed, cfg.original_max_words), distilled
    return _take(original, n_keep, seed), distilled


def training_mix(
    merged: pl.DataFrame,
    distilled: pl.DataFrame,
    augmented: pl.DataFrame,
    cfg: MixConfig,
    seed: int,
    rejected_ids: Iterable[str] = (),
) -> TrainingMixResult:
    rejected_ids = set(rejected_ids) if cfg.drop_reviewer_rejected else set()
    test_ids = set(merged.filter(~pl.col("split").is_in(TRAINABLE_SPLITS))["id"].to_list())
    original = _with_origin(merged.filter(pl.col("split").is_in(TRAINABLE_SPLITS)), "original")
    distilled = _with_origin(distilled, "distilled")
    augmented = _with_origin(augmented, "augmented")
    if not cfg.include_augmented:
        augmented = augmented.filter(pl.col("origin") != "augmented")
    if not cfg.include_synthetic:
        augmented = augmented.filter(pl.col("origin") != "synthetic")

    rejects: list[dict] = []

    def screen(frame: pl.DataFrame) -> pl.DataFrame:
        leaked = ~pl.col("split").is_in(TRAINABLE_SPLITS) | pl.col("parent_id").is_in(list(test_ids)).fill_null(False)
        vetoed = pl.col("id").is_in(list(rejected_ids))
        for row in frame.filter(leaked | vetoed).iter_rows(named=True):
            if row["id"] in rejected_ids:
                reason, detail = "reviewer_rejected", "a reviewer rejected this row"
            else:
                reason, detail = "test_split_derived", "held-out test rows and their derivatives never train"
            rejects.append(reject_row(row["source"], row["source_id"], "mix", reason, detail, row["question"]))
        return frame.filter(~(leaked | vetoed))

    original, distilled, augmented = screen(original), screen(distilled), screen(augmented)
    parts, share_by_split = [], {}
    for split in TRAINABLE_SPLITS:
        orig, dist = balance(
            original.filter(pl.col("split") == split),
            distilled.filter(pl.col("split") == split),
            cfg.distilled_share,
            seed,
            cfg,
        )
        parts += [orig, dist, augmented.filter(pl.col("split") == split)]
        total = dist.height + orig.height
        share_by_split[split] = round(dist.height / total, 4) if total else None
    frame = pl.concat(parts).sort("split", "origin", "id")
    counts = frame.group_by("split", "origin").len().sort("split", "origin")
    stats = {
        "distilled_share_target": cfg.distilled_share,
        "distilled_share_achieved": share_by_split,
        "rows_by_split_origin": {f"{s}/{o}": n for s, o, n in counts.iter_rows()},
        "available": {"original": original.height, "distilled": distilled.height, "augmented": augmented.height},
        "not_sampled": original.height + distilled.height + augmented.height - frame.height,
        "test_rows_excluded": len(test_ids),
        "include_augmented": cfg.include_augmented,
        "include_synthetic": cfg.include_synthetic,
        "original_selection": cfg.original_selection,
        "originals_by_merit": dict(original_merit(original, cfg.original_max_words).group_by("merit_reason").len()
                                   .sort("merit_reason").iter_rows()) if original.height else {},
    }
    return TrainingMixResult(frame=frame, rejects=rejects_frame(rejects), stats=stats)
