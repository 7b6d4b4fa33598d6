"""Exact and near-duplicate removal across all sources, with a deterministic survivor.

Rows are ranked once (preferred sources first, then id), so the same input always keeps the same
rows whatever its order. Exact duplicates share a normalized context+question+answer. Near
duplicates have question+answer word-shingle sets whose MinHash signatures agree on at least
`near_threshold` of their positions (an estimate of Jaccard similarity); LSH banding finds the
candidate pairs without comparing all pairs. Near-duplicate links are closed transitively, and
every row of a linked cluster but the best-ranked one is dropped, with the survivor's id as detail.

    result = dedup_qac(frame, cfg.data.dedup)   # .kept, .rejects (stage "dedup"), .stats
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from medchat_pipeline.config.data import DedupConfig
from medchat_pipeline.core.clean import rows_to_rejects
from medchat_pipeline.core.schema import REJECT_SCHEMA

STAGE = "dedup"
NO_SIGNATURE = np.iinfo(np.uint32).max
_CHUNK_ROWS = 50_000
_WORD_SEED = 0x5EED
# Odd multipliers make each (a*h + b) mod 2^64 a permutation of the 64-bit hash space.
_SHINGLE_MULTIPLIERS = (0x1F3D5B79A3C1E5F7, 0x2545F4914F6CDD1D, 0x5851F42D4C957F2D, 0x14057B7EF767814F)


@dataclass
class DedupResult:
    kept: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict[str, int] = field(default_factory=dict)


def normalized_text(expr: pl.Expr) -> pl.Expr:
    """Lower case, letters and digits only, single spaces: what two copies of one text share."""
    return expr.fill_null("").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()


def dedup_qac(df: pl.DataFrame, cfg: DedupConfig | None = None) -> DedupResult:
    cfg = cfg or DedupConfig()
    ranked = rank_rows(df, cfg.prefer_sources)
    survivor = pl.Series("survivor", np.arange(ranked.height, dtype=np.uint32))
    reason = pl.Series("reason", [None] * ranked.height, dtype=pl.String)

    if cfg.exact and ranked.height:
        keys = exact_keys(ranked)
        first = keys.select(pl.col("_rank").min().over("key_a", "key_b")).to_series()
        is_copy = first != ranked["_rank"]
        survivor = pl.select(pl.when(is_copy).then(first).otherwise(survivor)).to_series()
        reason = pl.select(pl.when(is_copy).then(pl.lit("exact_duplicate")).otherwise(reason)).to_series()

    if cfg.near and ranked.height:
        remaining = reason.is_null()
        candidates = ranked.filter(remaining)
        cluster_head = near_duplicate_heads(candidates, cfg)
        is_near = cluster_head != candidates["_rank"]
        near_survivor = survivor.scatter(remaining.arg_true(), cluster_head)
        near_reason = reason.scatter(
            remaining.arg_true(), pl.select(pl.when(is_near).then(pl.lit("near_duplicate"))).to_series()
        )
        # An exact copy's survivor may itself be a near duplicate: point it at the final survivor.
        survivor, reason = near_survivor.gather(near_survivor), near_reason

    dropped = reason.is_not_null()
    survivor_ids = ranked["id"].gather(survivor.filter(dropped))
    survivor_sources = ranked["source"].gather(survivor.filter(dropped))
    removed = ranked.filter(dropped).drop("_rank")
    rejects = (
        rows_to_rejects(removed, STAGE, reason.filter(dropped), survivor_ids)
        if removed.height
        else pl.DataFrame(schema=REJECT_SCHEMA)
    )
    kept = ranked.filter(~dropped).drop("_rank")
    reasons = reason.filter(dropped)
    stats = {
        "in": ranked.height,
        "kept": kept.height,
        "rejected": removed.height,
        "exact_duplicates": int((reasons == "exact_duplicate").sum()),
        "near_duplicates": int((reasons == "near_duplicate").sum()),
        "cross_source_duplicates": int((removed["source"] != survivor_sources).sum()),
    }
    return DedupResult(kept=kept, rejects=rejects, stats=stats)


def exact_keys(ranked: pl.DataFrame) -> pl.DataFrame:
    """`_rank` plus a 128-bit key (two seeded 64-bit hashes) of the normalized context, question and
    answer, computed in slices so the normalized text never exists for all rows at once. Two
    different texts share a key with probability about n² / 2^129: never, in practice."""
    text = pl.concat_str([normalized_text(pl.col(c)) for c in ("context", "question", "answer")], separator="\x1f")
    return pl.concat(
        ranked.slice(start, _CHUNK_ROWS).select(
            "_rank", text.hash(_WORD_SEED).alias("key_a"), text.hash(_WORD_SEED + 1).alias("key_b")
        )
        for start in range(0, ranked.height, _CHUNK_ROWS)
    )


def rank_rows(df: pl.DataFrame, prefer_sources: list[str]) -> pl.DataFrame:
    """Sort into survivor order and number the rows `_rank` 0..n-1 (0 survives first)."""
    preference = {name: i for i, name in enumerate(prefer_sources)}
    source_rank = pl.col("source").replace_strict(preference, default=len(preference), return_dtype=pl.UInt32)
    return (
        df.sort(source_rank, pl.col("source"), pl.col("id"), maintain_order=True)
        .with_row_index("_rank")
    )


def minhash_signatures(frame: pl.DataFrame, text: pl.Expr, cfg: DedupConfig) -> np.ndarray:
    """(frame.height, num_perm) UInt32 MinHash signatures of the word shingles of `text` evaluated
    on each row, computed in slices so memory stays flat. A shingle's hash combines its word hashes numerically, so no
    shingle string is built; a text shorter than one shingle is represented by its words. A text
    without words gets the all-ones row NO_SIGNATURE and never matches anything."""
    rng = np.random.default_rng(_WORD_SEED)
    multipliers = rng.integers(1, 2**63, cfg.num_perm, dtype=np.uint64) | np.uint64(1)
    offsets = rng.integers(0, 2**63, cfg.num_perm, dtype=np.uint64)
    signatures = np.full((frame.height, cfg.num_perm), NO_SIGNATURE, dtype=np.uint32)
    for start in range(0, frame.height, _CHUNK_ROWS):
        chunk = frame.slice(start, _CHUNK_ROWS).select(text).to_series()
        rows, hashes = shingle_hashes(chunk, cfg.shingle_words, cfg.max_words)
        if rows.size == 0:
            continue
        segment_starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        segment_rows = rows[segment_starts] + start
        for p in range(cfg.num_perm):
            permuted = hashes * multipliers[p] + offsets[p]
            signatures[segment_rows, p] = (np.minimum.reduceat(permuted, segment_starts) >> np.uint64(32)).astype(
                np.uint32
            )
    return signatures


def shingle_hashes(
    texts: pl.Series, k: int, max_words: int | None = None, short_texts_as_words: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """(row index, k-word shingle hash) pairs sorted by row, over the first max_words words of
    each normalized text. A text shorter than k words contributes its word hashes instead (or
    nothing, with short_texts_as_words=False); an empty text contributes nothing."""
    words = normalized_text(pl.col("text")).str.split(" ")
    if max_words is not None:
        words = words.list.head(max_words)
    words = (
        pl.DataFrame({"text": texts})
        .select(words.alias("word"))
        .with_row_index("row")
        .explode("word")
        .filter(pl.col("word").is_not_null() & (pl.col("word") != ""))
    )
    rows = words["row"].to_numpy()
    hashes = words.select(pl.col("word").hash(_WORD_SEED)).to_series().to_numpy()
    if k == 1 or rows.size == 0:
        return rows, hashes
    n_shingles = rows.size - k + 1
    whole = rows[k - 1 :] == rows[:n_shingles] if n_shingles > 0 else np.zeros(0, dtype=bool)
    shingles = np.zeros(max(n_shingles, 0), dtype=np.uint64)
    for i in range(k):
        shingles += hashes[i : i + n_shingles] * np.uint64(_SHINGLE_MULTIPLIERS[i % len(_SHINGLE_MULTIPLIERS)])
    has_shingle = np.zeros(int(rows.max()) + 1, dtype=bool)
    has_shingle[rows[:n_shingles][whole]] = True
    short = ~has_shingle[rows] if short_texts_as_words else np.zeros(rows.size, dtype=bool)
    # Whole shingles first, then the words of short texts, re-sorted by row (stable keeps word order).
    all_rows = np.concatenate([rows[:n_shingles][whole], rows[short]])
    all_hashes = np.concatenate([shingles[whole], hashes[short]])
    order = np.argsort(all_rows, kind="stable")
    return all_rows[order], all_hashes[order]


def near_duplicate_heads(ranked: pl.DataFrame, cfg: DedupConfig) -> pl.Series:
    """For each row (in `_rank` order), the `_rank` of the best-ranked row of its near-duplicate
    cluster (itself when it has no near duplicate)."""
    heads = ranked["_rank"]
    if ranked.height < 2:
        return heads
    text = pl.concat_str([pl.col("question").fill_null(""), pl.col("answer").fill_null("")], separator=" ")
    signatures = minhash_signatures(ranked, text, cfg)
    edges = _verified_edges(ranked["_rank"].to_numpy(), signatures, cfg)
    if edges.is_empty():
        return heads
    labels = _connected_minimum(edges)
    return (
        ranked.select("_rank")
        .join(labels, on="_rank", how="left", maintain_order="left")
        .select(pl.col("head").fill_null(pl.col("_rank")))
        .to_series()
    )


def _verified_edges(ranks: np.ndarray, signatures: np.ndarray, cfg: DedupConfig) -> pl.DataFrame:
    """Candidate pairs from LSH banding — each row linked to the best-ranked row and to the
    previous row of every band bucket it shares — kept when their signatures agree on at least
    near_threshold of the positions."""
    has_signature = ~(signatures == NO_SIGNATURE).all(axis=1)
    ranks, signatures = ranks[has_signature], signatures[has_signature]
    rows_per_band = cfg.num_perm // cfg.bands
    links = []
    for band in range(cfg.bands):
        band_values = signatures[:, band * rows_per_band : (band + 1) * rows_per_band]
        keys = pl.DataFrame(band_values, schema=[f"b{i}" for i in range(rows_per_band)], orient="row")
        bucket_key = keys.select(pl.struct(pl.all()).hash()).to_series()
        frame = pl.DataFrame({"_rank": ranks, "bucket": bucket_key}).with_columns(
            pl.col("_rank").min().over("bucket").alias("first"),
            pl.col("_rank").shift(1).over("bucket", order_by="_rank").alias("previous"),
        )
        for partner in ("first", "previous"):
            links.append(
                frame.filter(pl.col(partner).is_not_null() & (pl.col(partner) != pl.col("_rank"))).select(
                    "_rank", pl.col(partner).alias("head")
                )
            )
    pairs = pl.concat(links).unique()
    if pairs.is_empty():
        return pairs
    position = np.full(int(ranks.max()) + 1, -1, dtype=np.int64)
    position[ranks] = np.arange(ranks.size)
    left = signatures[position[pairs["_rank"].to_numpy()]]
    right = signatures[position[pairs["head"].to_numpy()]]
    agreement = (left == right).mean(axis=1)
    return pairs.filter(pl.Series(agreement >= cfg.near_threshold))


def _connected_minimum(edges: pl.DataFrame) -> pl.DataFrame:
    """Label every node of the undirected edge graph with the smallest `_rank` of its component
    (min-label propagation until nothing changes; a handful of rounds for duplicate clusters)."""
    both_ways = pl.concat([edges, edges.select(pl.col("head").alias("_rank"), pl.col("_rank").alias("head"))])
    labels = both_ways.group_by("_rank").agg(pl.min_horizontal(pl.col("head").min(), pl.col("_rank").first()).alias("label"))
    while True:
        spread = (
            both_ways.join(labels.rename({"_rank": "head", "label": "neighbour_label"}), on="head")
            .group_by("_rank")
            .agg(pl.col("neighbour_label").min())
        )
        updated = labels.join(spread, on="_rank", how="left").select(
            "_rank", pl.min_horizontal("label", "neighbour_label").alias("label")
        )
        if updated.sort("_rank").equals(labels.sort("_rank")):
            return updated.rename({"label": "head"})
        labels = updated
