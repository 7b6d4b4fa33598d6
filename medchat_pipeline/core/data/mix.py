"""Weighted source mix of the train split, by downsampling only.

Buckets of sources get target shares of the train split (the seed's example: 75 % reasoning-heavy
MedMCQA/PubMedQA, 25 % conversational dialogue). The largest train set that meets every share
without duplicating a row has T = min over buckets of (rows in bucket / share) rows; each bucket
keeps floor(T × share) of its rows, so the scarcest bucket keeps everything and the others are
downsampled. Which rows a bucket keeps is decided by a seeded stable hash of the row id, so a
rerun keeps the same rows. Sources in no bucket, and the val and test splits, pass unchanged.
Every row the mix removes becomes a reject (stage "mix", reason "mix_downsampled").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from medchat_pipeline.config.data import WeightsConfig
from medchat_pipeline.core.data.clean import rows_to_rejects
from medchat_pipeline.core.data.schema import REJECT_SCHEMA
from medchat_pipeline.core.data.split import stable_unit_interval

STAGE = "mix"


@dataclass
class MixResult:
    kept: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict = field(default_factory=dict)


def bucket_targets(counts: dict[str, int], shares: dict[str, float]) -> dict[str, int]:
    """Rows each bucket keeps: floor(T × share) with T the largest total every bucket can supply.
    Buckets without rows cannot be supplied and are left out of the shares."""
    present = {name: share for name, share in shares.items() if counts.get(name, 0) > 0}
    if not present:
        return {name: 0 for name in shares}
    total_share = sum(present.values())
    normalized = {name: share / total_share for name, share in present.items()}
    total = min(counts[name] / share for name, share in normalized.items())
    return {
        name: min(counts.get(name, 0), math.floor(total * normalized[name] + 1e-9)) if name in normalized else 0
        for name in shares
    }


def weighted_mix(df: pl.DataFrame, cfg: WeightsConfig | None = None, seed: int = 13) -> MixResult:
    """Downsample the train rows of `df` (which carries `split`) to the configured bucket shares."""
    cfg = cfg or WeightsConfig()
    shares = {name: bucket.share for name, bucket in cfg.buckets.items()}
    bucket_of = {source: name for name, bucket in cfg.buckets.items() for source in bucket.sources}
    if not cfg.enabled or not shares or df.is_empty():
        return MixResult(kept=df, rejects=pl.DataFrame(schema=REJECT_SCHEMA), stats={"enabled": cfg.enabled})

    frame = df.with_columns(
        pl.col("source").replace_strict(bucket_of, default=None, return_dtype=pl.String).alias("_bucket"),
        stable_unit_interval(df["id"], seed).alias("_order"),
    )
    in_mix = (pl.col("split") == "train") & pl.col("_bucket").is_not_null()
    counts = dict(frame.filter(in_mix).group_by("_bucket").len().iter_rows())
    targets = bucket_targets(counts, shares)
    position = pl.col("_order").rank("ordinal").over("_bucket", "split") - 1
    target = pl.col("_bucket").replace_strict(targets, default=None, return_dtype=pl.Int64)
    frame = frame.with_columns((in_mix & (position >= target)).fill_null(False).alias("_dropped"))

    dropped = frame.filter(pl.col("_dropped"))
    detail = dropped.select(
        pl.format(
            "bucket {} keeps {} of {} train rows for a {} share",
            pl.col("_bucket"),
            target,
            pl.col("_bucket").replace_strict(counts, default=0, return_dtype=pl.Int64),
            pl.col("_bucket").replace_strict(shares, default=None, return_dtype=pl.Float64),
        )
    ).to_series()
    rejects = rows_to_rejects(
        dropped.drop("_bucket", "_order", "_dropped"), STAGE, "mix_downsampled", detail
    )
    kept = frame.filter(~pl.col("_dropped")).drop("_bucket", "_order", "_dropped")
    kept_train = sum(targets.values())
    stats = {
        "enabled": True,
        "target_shares": shares,
        "train_rows_before": counts,
        "train_rows_after": targets,
        "achieved_shares": {name: round(n / kept_train, 4) if kept_train else 0.0 for name, n in targets.items()},
        "unweighted_train_rows": int(frame.filter((pl.col("split") == "train") & pl.col("_bucket").is_null()).height),
        "in": df.height,
        "kept": kept.height,
        "rejected": dropped.height,
    }
    return MixResult(kept=kept, rejects=rejects, stats=stats)
