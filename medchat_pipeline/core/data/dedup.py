"""Exact and near-duplicate removal across all sources, with a deterministic survivor.

Rows are ranked once (preferred sources first, then id), so the same input always keeps the same
rows whatever its order (kept rows stay in input order). Exact duplicates share a normalized context+question+answer. Near
duplicates have question+answer word-shingle sets whose MinHash signatures agree on at least
`near_threshold` of their positions (an estimate of Jaccard similarity); LSH banding finds the
candidate pairs without comparing all pairs. Near-duplicate links are closed transitively, and
every row of a linked cluster but the best-ranked one is dropped, with the survivor's id as detail.

    result = dedup_qac(frame, cfg.data.dedup)   # .kept, .rejects (stage "dedup"), .stats
"""

from __future__ import annotations

import string
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from medchat_pipeline.config.data import DedupConfig
from medchat_pipeline.core.data.clean import rows_to_rejects
from medchat_pipeline.core.data.schema import REJECT_SCHEMA

STAGE = "dedup"
NO_SIGNATURE = np.iinfo(np.uint32).max
_CHUNK_ROWS = 5_000  # per fingerprint slice; two are in flight at once
_FINGERPRINT_THREADS = 2
_WORD_SEED = 0x5EED
# Odd multipliers make each (a*h + b) mod 2^64 a permutation of the 64-bit hash space.
_SHINGLE_MULTIPLIERS = (0x1F3D5B79A3C1E5F7, 0x2545F4914F6CDD1D, 0x5851F42D4C957F2D, 0x14057B7EF767814F)


@dataclass
class DedupResult:
    kept: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict[str, int] = field(default_factory=dict)


# Punctuation, symbols and line breaks that separate words.
WORD_SEPARATORS = tuple(string.punctuation) + tuple("\n\t\r\f\v\u00a0’‘“”«»–—…·•°±×÷§¶")
_SEPARATOR = "".join(f"\\x{{{ord(c):X}}}" for c in WORD_SEPARATORS)
# A run of separators and spaces that is not already one plain space, so that the single spaces
# between words (most of the text) are not matches the regex engine would rewrite.
_SEPARATOR_RUN = rf"[{_SEPARATOR}][ {_SEPARATOR}]*| [ {_SEPARATOR}]+"


def normalized_text(expr: pl.Expr) -> pl.Expr:
    """Lower case, punctuation and line breaks as spaces, single spaces: what two copies of one
    text share. One regex pass turns every separator run into one space."""
    return expr.fill_null("").str.to_lowercase().str.replace_all(_SEPARATOR_RUN, " ").str.strip_chars()


def dedup_qac(df: pl.DataFrame, cfg: DedupConfig | None = None) -> DedupResult:
    cfg = cfg or DedupConfig()
    ranked = rank_rows(df, cfg.prefer_sources)
    survivor = pl.Series("survivor", np.arange(ranked.height, dtype=np.uint32))
    reason = pl.Series("reason", [None] * ranked.height, dtype=pl.String)

    if ranked.height == 0 or not (cfg.exact or cfg.near):
        return DedupResult(kept=df, rejects=pl.DataFrame(schema=REJECT_SCHEMA), stats=_stats(df.height, df.clear(), []))
    keys, signatures = fingerprints(df, ranked, cfg)

    if cfg.exact:
        first = keys.select(pl.col("_rank").min().over("key_a", "key_b")).to_series()
        is_copy = first != ranked["_rank"]
        survivor = pl.select(pl.when(is_copy).then(first).otherwise(survivor)).to_series()
        reason = pl.select(pl.when(is_copy).then(pl.lit("exact_duplicate")).otherwise(reason)).to_series()

    if cfg.near:
        remaining = reason.is_null()
        at = remaining.arg_true().to_numpy()
        cluster_head = near_duplicate_heads(ranked["_rank"].to_numpy(), signatures, at, cfg)
        is_near = cluster_head != ranked["_rank"].gather(at)
        near_survivor = survivor.scatter(at, cluster_head)
        near_reason = reason.scatter(at, pl.select(pl.when(is_near).then(pl.lit("near_duplicate"))).to_series())
        # An exact copy's survivor may itself be a near duplicate: point it at the final survivor.
        survivor, reason = near_survivor.gather(near_survivor), near_reason

    # The fingerprints are done with; free them before the kept rows are copied out (peak memory).
    del keys, signatures
    dropped = reason.is_not_null()
    # Rejects come out in the frame's row order, so their survivors are listed in that order too.
    by_row = pl.DataFrame({"_row": ranked["_row"], "survivor": survivor, "reason": reason}).filter(dropped).sort("_row")
    survivor_ids = ranked["id"].gather(by_row["survivor"])
    survivor_sources = ranked["source"].gather(by_row["survivor"])
    # Filtering (not gathering) keeps the frame's string buffers shared instead of copied.
    dropped_rows = np.zeros(df.height, dtype=bool)
    dropped_rows[ranked["_row"].filter(dropped).to_numpy()] = True
    dropped_at = pl.Series(dropped_rows)
    n_in = ranked.height
    del ranked
    removed = df.filter(dropped_at)
    rejects = (
        rows_to_rejects(removed, STAGE, by_row["reason"], survivor_ids)
        if removed.height
        else pl.DataFrame(schema=REJECT_SCHEMA)
    )
    kept = df.filter(~dropped_at)
    return DedupResult(kept=kept, rejects=rejects, stats=_stats(n_in, removed, by_row["reason"], survivor_sources))


def _stats(
    n_in: int, removed: pl.DataFrame, reasons: pl.Series | list, survivor_sources: pl.Series | None = None
) -> dict[str, int]:
    reasons = pl.Series(reasons, dtype=pl.String)
    return {
        "in": n_in,
        "kept": n_in - removed.height,
        "rejected": removed.height,
        "exact_duplicates": int((reasons == "exact_duplicate").sum()),
        "near_duplicates": int((reasons == "near_duplicate").sum()),
        "cross_source_duplicates": int((removed["source"] != survivor_sources).sum()) if removed.height else 0,
    }


def fingerprints(df: pl.DataFrame, ranked: pl.DataFrame, cfg: DedupConfig) -> tuple[pl.DataFrame, np.ndarray]:
    """One pass over the rows of `df` in rank order, in slices (so neither a sorted copy of the text
    nor its normalized form ever exists for all rows at once):
    - exact keys: `_rank` plus a 128-bit key (two seeded 64-bit hashes) of the normalized context,
      question and answer; two different texts share one with probability about n² / 2^129;
    - MinHash signatures of the question+answer word shingles, (rows, num_perm) UInt32, or None
      when near-duplicate search is off."""
    signatures = np.full((ranked.height, cfg.num_perm), NO_SIGNATURE, dtype=np.uint32) if cfg.near else None
    text_columns = df.select("context", "question", "answer")

    def fingerprint_slice(start: int) -> pl.DataFrame:
        at = ranked.slice(start, _CHUNK_ROWS)
        normalized = (
            text_columns.gather(at["_row"])
            .select(*(normalized_text(pl.col(c)).alias(c) for c in ("context", "question", "answer")))
            .with_columns(at["_rank"])
        )
        if signatures is not None:
            text = normalized.select(pl.concat_str(["question", "answer"], separator=" ")).to_series()
            rows, hashes = shingle_hashes(text, cfg.shingle_words, cfg.max_words, normalized=True)
            signatures[start : start + normalized.height] = minhash(rows, hashes, normalized.height, cfg.num_perm)
        joined = pl.concat_str(["context", "question", "answer"], separator="\x1f")
        return normalized.select("_rank", joined.hash(_WORD_SEED).alias("key_a"), joined.hash(_WORD_SEED + 1).alias("key_b"))

    # Slices are independent and polars and numpy release the GIL, so two threads keep two cores
    # busy where a single string operation runs on one; at most two slices are in memory at once.
    with ThreadPoolExecutor(max_workers=_FINGERPRINT_THREADS) as pool:
        keys = list(pool.map(fingerprint_slice, range(0, ranked.height, _CHUNK_ROWS)))
    return pl.concat(keys), signatures


def rank_rows(df: pl.DataFrame, prefer_sources: list[str]) -> pl.DataFrame:
    """The key columns dedup reads, sorted into survivor order and numbered `_rank` 0..n-1 (0 survives
    first); `_row` points back into `df`, whose text is gathered a slice at a time (fingerprints)
    and whose other columns are filtered only once, at the end."""
    preference = {name: i for i, name in enumerate(prefer_sources)}
    source_rank = pl.col("source").replace_strict(preference, default=len(preference), return_dtype=pl.UInt32)
    return (
        df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), "source", "id")
        .sort(source_rank, pl.col("source"), pl.col("id"), maintain_order=True)
        .with_row_index("_rank")
    )


def minhash(rows: np.ndarray, hashes: np.ndarray, n_rows: int, num_perm: int) -> np.ndarray:
    """(n_rows, num_perm) UInt32 MinHash signatures from (row, shingle hash) pairs sorted by row:
    per permutation (a·h + b mod 2^64), the minimum over the row's shingles, top 32 bits. A row
    without shingles keeps NO_SIGNATURE in every position and never matches anything."""
    rng = np.random.default_rng(_WORD_SEED)
    multipliers = rng.integers(1, 2**63, num_perm, dtype=np.uint64) | np.uint64(1)
    offsets = rng.integers(0, 2**63, num_perm, dtype=np.uint64)
    signatures = np.full((n_rows, num_perm), NO_SIGNATURE, dtype=np.uint32)
    if rows.size == 0:
        return signatures
    segment_starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    segment_rows = rows[segment_starts]
    permuted = np.empty_like(hashes)
    for p in range(num_perm):
        np.multiply(hashes, multipliers[p], out=permuted)
        permuted += offsets[p]
        signatures[segment_rows, p] = np.minimum.reduceat(permuted, segment_starts) >> np.uint64(32)
    return signatures


def shingle_hashes(
    texts: pl.Series,
    k: int,
    max_words: int | None = None,
    short_texts_as_words: bool = True,
    normalized: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """(row index, k-word shingle hash) pairs sorted by row, over the first max_words words of
    each normalized text (pass normalized=True when it already is). A text shorter than k words
    contributes its word hashes instead (or nothing, with short_texts_as_words=False); an empty
    text contributes nothing."""
    words = (texts if normalized else texts.to_frame("text").select(normalized_text(pl.col("text"))).to_series()).str.split(" ")
    if max_words is not None:
        words = words.list.head(max_words)
    # A null text explodes to one null word, which (like an empty word) is no word at all.
    per_row = words.list.len().fill_null(1).to_numpy()
    flat = words.explode()
    is_word = (flat.str.len_bytes().fill_null(0) > 0).to_numpy()
    rows = np.repeat(np.arange(len(words), dtype=np.uint32), per_row)
    hashes = flat.hash(_WORD_SEED).to_numpy()
    # Normalized text rarely has an empty word (an empty question or answer), so this copy is rare.
    all_words = bool(is_word.all())
    if not all_words:
        rows, hashes = rows[is_word], hashes[is_word]
    if k == 1 or rows.size == 0:
        return rows, hashes
    # Clamped: with fewer than k-1 words in all, a negative count would slice from the end.
    n_shingles = max(rows.size - k + 1, 0)
    whole = rows[k - 1 :] == rows[:n_shingles] if n_shingles > 0 else np.zeros(0, dtype=bool)
    shingles = np.zeros(n_shingles, dtype=np.uint64)
    scratch = np.empty_like(shingles)
    for i in range(k):
        np.multiply(hashes[i : i + n_shingles], np.uint64(_SHINGLE_MULTIPLIERS[i % len(_SHINGLE_MULTIPLIERS)]), out=scratch)
        shingles += scratch
    words_per_row = per_row if all_words else np.bincount(rows, minlength=len(words))
    # A short text has 1 to k-1 words; without one (the usual case) the whole shingles are all.
    if not (short_texts_as_words and ((words_per_row > 0) & (words_per_row < k)).any()):
        return rows[:n_shingles][whole], shingles[whole]
    has_shingle = np.zeros(int(rows.max()) + 1, dtype=bool)
    has_shingle[rows[:n_shingles][whole]] = True
    short = ~has_shingle[rows]
    # A row has whole shingles or is short, never both, so the shingle starting at each word
    # position or the short text's word itself, taken in position order, is already sorted by row.
    starts_shingle = np.zeros(rows.size, dtype=bool)
    starts_shingle[:n_shingles] = whole
    shingle_at = np.zeros(rows.size, dtype=np.uint64)
    shingle_at[:n_shingles] = shingles
    taken = starts_shingle | short
    return rows[taken], np.where(starts_shingle, shingle_at, hashes)[taken]


def near_duplicate_heads(ranks: np.ndarray, signatures: np.ndarray, rows: np.ndarray, cfg: DedupConfig) -> pl.Series:
    """For each of `rows` (indices into ranks/signatures, ascending rank), the rank of the
    best-ranked row of its near-duplicate cluster (itself when it has no near duplicate). The
    signature matrix is indexed, never copied whole: at 1M rows it is the largest array here."""
    heads = pl.Series("_rank", ranks[rows], dtype=pl.UInt32)
    if rows.size < 2:
        return heads
    edges = _verified_edges(ranks, signatures, rows, cfg)
    if edges.is_empty():
        return heads
    labels = _connected_minimum(edges)
    return (
        heads.to_frame()
        .join(labels, on="_rank", how="left", maintain_order="left")
        .select(pl.col("head").fill_null(pl.col("_rank")))
        .to_series()
    )


def _verified_edges(ranks: np.ndarray, signatures: np.ndarray, rows: np.ndarray, cfg: DedupConfig) -> pl.DataFrame:
    """Candidate pairs among `rows` from LSH banding — each row linked to the best-ranked row and
    to the previous row of every band bucket it shares — kept when their signatures agree on at
    least near_threshold of the positions. Buckets are found by sorting a 64-bit mix of the band's
    values (a stable sort keeps rank order inside a bucket)."""
    # A real signature has NO_SIGNATURE in its first position with probability 2^-32 per shingle:
    # check the first position for all rows, and the whole row only for those few.
    maybe_empty = np.flatnonzero(signatures[rows, 0] == NO_SIGNATURE)
    empty = maybe_empty[(signatures[rows[maybe_empty]] == NO_SIGNATURE).all(axis=1)]
    rows = np.delete(rows, empty)
    rows_per_band = cfg.num_perm // cfg.bands
    members_of, partners_of = [], []
    for band in range(cfg.bands):
        band_values = signatures[rows, band * rows_per_band : (band + 1) * rows_per_band].astype(np.uint64)
        bucket = np.zeros(rows.size, dtype=np.uint64)
        for i in range(rows_per_band):
            bucket = bucket * np.uint64(_SHINGLE_MULTIPLIERS[i % len(_SHINGLE_MULTIPLIERS)]) + band_values[:, i]
        order = np.argsort(bucket, kind="stable")
        sorted_bucket = bucket[order]
        same_as_previous = np.r_[False, sorted_bucket[1:] == sorted_bucket[:-1]]
        bucket_start = np.maximum.accumulate(np.where(same_as_previous, 0, np.arange(order.size)))
        members = order[same_as_previous]
        members_of += [members, members]
        partners_of += [order[bucket_start[same_as_previous]], order[np.flatnonzero(same_as_previous) - 1]]
    if sum(m.size for m in members_of) == 0:
        return pl.DataFrame(schema={"_rank": pl.UInt32, "head": pl.UInt32})
    pairs = np.unique(np.stack([np.concatenate(members_of), np.concatenate(partners_of)], axis=1), axis=0)
    pairs = rows[pairs[pairs[:, 0] != pairs[:, 1]]]
    agreement = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
    verified = pairs[agreement >= cfg.near_threshold]
    return pl.DataFrame(
        {"_rank": ranks[verified[:, 0]].astype(np.uint32), "head": ranks[verified[:, 1]].astype(np.uint32)}
    )


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
