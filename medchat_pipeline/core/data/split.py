"""Grouped, hash-based train/val/test assignment.

Each group (dialogue, PMID, MedQuAD document, MCQ id) gets a point in [0, 1) from a seeded
blake2b hash of its group_id, and the split whose interval holds that point. Nothing depends on
which other rows exist, so adding a source or a file never moves an existing group (stable
splits), and a group can never straddle two splits (zero leakage by construction). blake2b rather
than polars' own hash: the latter may change between polars versions, the split must not.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl

from medchat_pipeline.config.data import SplitConfig

_HASH_SLICE = 50_000  # values turned into Python bytes at a time


def stable_unit_interval(values: pl.Series, seed: int) -> pl.Series:
    """A point in [0, 1) per value, the same on every machine and polars version for the same seed.
    Hashes each distinct value once."""
    distinct = values.unique(maintain_order=True)
    # Salted in polars and cast to Binary, the values reach Python as the bytes to hash.
    salted = (f"{seed}\x1f" + distinct).cast(pl.Binary)
    blake2b = hashlib.blake2b
    digests = b"".join(
        blake2b(v, digest_size=8).digest()
        for part in (salted.slice(start, _HASH_SLICE) for start in range(0, len(salted), _HASH_SLICE))
        for v in part
    )
    # Big-endian 64-bit integers over 2^64: dividing by a power of two is exact, so the only rounding
    # is the integer's own conversion to a float, as in int.from_bytes(...) / 2**64.
    points = pl.Series(np.frombuffer(digests, dtype=">u8").astype(np.float64) / 2.0**64, dtype=pl.Float64)
    lookup = pl.DataFrame({"value": distinct, "point": points})
    return (
        pl.DataFrame({"value": values})
        .join(lookup, on="value", how="left", maintain_order="left")
        .get_column("point")
    )


def split_key(df: pl.DataFrame) -> pl.Expr:
    """The unit that never crosses splits: group_id, or the row's own id when it has no group."""
    return pl.coalesce(pl.col("group_id"), pl.col("id"))


def assign_splits(df: pl.DataFrame, cfg: SplitConfig | None = None, seed: int = 13) -> pl.DataFrame:
    """`df` with a `split` column ("train" | "val" | "test")."""
    cfg = cfg or SplitConfig()
    if df.is_empty():
        return df.with_columns(pl.lit(None, dtype=pl.String).alias("split"))
    point = stable_unit_interval(df.select(split_key(df)).to_series(), seed).alias("_point")
    split = (
        pl.when(pl.col("_point") < cfg.train)
        .then(pl.lit("train"))
        .when(pl.col("_point") < cfg.train + cfg.val)
        .then(pl.lit("val"))
        .otherwise(pl.lit("test"))
    )
    return df.with_columns(point).with_columns(split.alias("split")).drop("_point")


def split_leakage(df: pl.DataFrame) -> pl.DataFrame:
    """Groups that appear in more than one split (empty when the split is sound)."""
    return (
        df.group_by(split_key(df).alias("group"))
        .agg(pl.col("split").n_unique().alias("splits"), pl.col("split").unique().sort().alias("split_names"))
        .filter(pl.col("splits") > 1)
    )
