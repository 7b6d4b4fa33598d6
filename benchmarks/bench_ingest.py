"""Ingest speed: normalize (core.data.clean) + dedup (core.data.dedup) + split (core.data.split) at 100k and 1M rows,
side by side with a per-record pure-Python loop in the style of the seed pseudocode doing the same
work (same regexes, same MinHash/LSH dedup, same hash split).

    .venv/bin/python benchmarks/bench_ingest.py                      # 100k and 1M, loop on 20k rows
    .venv/bin/python benchmarks/bench_ingest.py --sizes 100000 --loop-rows 5000 --no-write

Input: the real slices in $MEDCHAT_SHARED_DATA (default ../shared/data) parsed by core.data.sources
(about 2.3k rows), replicated to the target size with fresh source/group ids. So that dedup has
real work rather than collapsing everything, replica k of a row is: the row itself (k = 0), an
exact copy (k % 50 == 1), a near copy with one phrase appended (k % 50 == 2), or otherwise the row
with the words of its question and answer shuffled (same length and vocabulary, new text).

Each variant runs in its own child process, so peak RSS (ru_maxrss) is that variant's alone; it
includes the input, which the vectorized run reads and cleans in slices. Both children run with
jemalloc told to hand freed pages back at once (ALLOCATOR_ENV), so RSS tracks live memory rather
than the allocator's cache. The loop is slow, so it is timed on --loop-rows rows of each
dataset (every n-th row, so the subset has the same mix of copies): a per-record loop's rows/s
does not improve with size, and the table says which subset was timed. Results go to benchmarks/RESULTS.md under "## Ingest (issue 2)".
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from medchat_pipeline.config.data import CleaningConfig, DedupConfig, SplitConfig  # noqa: E402
from medchat_pipeline.core.data import clean as vclean  # noqa: E402
from medchat_pipeline.core.data.dedup import WORD_SEPARATORS  # noqa: E402
from medchat_pipeline.core.data.schema import QAC_SCHEMA  # noqa: E402

SECTION = "## Ingest (issue 2)"
# polars' jemalloc keeps freed pages for a while by default, so RSS reports old peaks of
# intermediate columns rather than live data; returning them at once makes RSS mean what it says.
ALLOCATOR_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
SLICES = {
    "pubmedqa": ["pubmedqa/*.json"],
    "medquad": ["medquad/**/*.xml"],
    "medqa": ["medqa/*.jsonl"],
    "medmcqa": ["medmcqa/*.json", "medmcqa/third_party_converted/*.jsonl"],
    "meddialog_en": ["meddialog/*.txt"],
    "healthcaremagic": ["chatdoctor_genmedgpt5k/*.json"],
    "icliniq": ["icliniq/third_party_derived/*.jsonl"],
}


# ---- input ----------------------------------------------------------------------------------


def shared_data() -> Path:
    env = os.environ.get("MEDCHAT_SHARED_DATA")
    root = Path(env) if env else ROOT.parent / "shared" / "data"
    if not (root / "PROVENANCE.md").exists():
        sys.exit(f"real slices not found at {root}; set MEDCHAT_SHARED_DATA to the folder holding PROVENANCE.md")
    return root


def base_rows(root: Path) -> pl.DataFrame:
    from medchat_pipeline.config.sources import SourcesConfig
    from medchat_pipeline.core.data.sources import SOURCES

    defaults = SourcesConfig()
    frames = []
    for source, patterns in SLICES.items():
        paths = sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()})
        frames.append(SOURCES[source].parse_files(paths, getattr(defaults, source).options).qac)
    return pl.concat(frames).select(list(QAC_SCHEMA))


def replicate(base: pl.DataFrame, n_rows: int) -> pl.DataFrame:
    replicas = []
    for k in range(-(-n_rows // base.height)):
        frame = base.with_columns(
            pl.format("{}~{}", pl.col("source_id"), pl.lit(k)).alias("source_id"),
            pl.format("{}~{}", pl.col("group_id"), pl.lit(k)).alias("group_id"),
        )
        if k % 50 == 2:
            frame = frame.with_columns(pl.format("{} Please advise.", pl.col("question")).alias("question"))
        elif k > 0 and k % 50 != 1:
            frame = frame.with_columns(
                pl.col(c).str.split(" ").list.sample(fraction=1.0, shuffle=True, seed=k).list.join(" ").alias(c)
                for c in ("question", "answer")
            )
        replicas.append(frame)
    return pl.concat(replicas).head(n_rows)


# ---- the vectorized pipeline ----------------------------------------------------------------


def run_vectorized(path: Path) -> dict:
    from medchat_pipeline.core.data.dedup import dedup_qac
    from medchat_pipeline.core.data.split import assign_splits

    n_rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    start = time.perf_counter()
    # The raw input is read and cleaned one slice at a time, so it is never resident whole; a slice
    # holds one chunk per cleaning thread, and the next slice is read while this one is cleaned.
    slice_rows = vclean.CHUNK_ROWS * vclean.THREADS

    def read(offset: int) -> pl.DataFrame:
        return pl.scan_parquet(path).slice(offset, slice_rows).collect()

    kept, rejected = [], 0
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(read, 0)
        for offset in range(slice_rows, n_rows + slice_rows, slice_rows):
            raw = pending.result()
            if offset < n_rows:
                pending = reader.submit(read, offset)
            cleaned = vclean.clean_qac(raw, CleaningConfig())
            del raw
            kept.append(cleaned.kept)
            rejected += cleaned.rejects.height
    deduped = dedup_qac(pl.concat(kept), DedupConfig())
    del kept
    split = assign_splits(deduped.kept, SplitConfig(), seed=13)
    seconds = time.perf_counter() - start
    return {
        "rows": n_rows,
        "seconds": seconds,
        "clean_rejected": rejected,
        "dedup_rejected": deduped.rejects.height,
        "kept": split.height,
    }


# ---- the per-record loop, seed style ----------------------------------------------------------

M64 = (1 << 64) - 1


def _py(pattern: str) -> re.Pattern:
    """The polars (Rust) regex as a Python one: \\p{L}\\p{N} classes become [^\\W_]."""
    return re.compile(pattern.replace(r"[^\p{L}\p{N}]+", r"[\W_]+"))


def _py_replacement(template: str) -> str:
    return re.sub(r"\$\{(\w+)\}", r"\\g<\1>", template)


class LoopCleaner:
    """core.data.clean's rules, one record at a time with Python's re and html modules."""

    def __init__(self, cfg: CleaningConfig):
        self.cfg = cfg
        self.line_break = _py(vclean.HTML_LINE_BREAK)
        self.inline_tag = _py(vclean.HTML_INLINE_TAG)
        self.tag = _py(vclean.HTML_TAG)
        self.invisible = _py(vclean.INVISIBLE)
        self.space = _py(vclean.HORIZONTAL_SPACE)
        self.pii = [(_py(vclean.PII_PATTERNS[k]), vclean.PLACEHOLDERS[k]) for k in ("url", "email", "phone")]
        self.names = [_py(p) for p in vclean.NAME_PATTERNS]
        self.name_replacement = _py_replacement(f"${{pre}}{vclean._OPEN}${{name}}{vclean._CLOSE}${{post}}")
        self.not_a_name = _py(vclean._NOT_A_NAME)
        self.candidate = _py(vclean._CANDIDATE)

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        value = self.line_break.sub("\n", value)
        value = self.inline_tag.sub("", value)
        value = self.tag.sub(" ", value)
        value = html.unescape(value)
        return self.whitespace(value)

    def whitespace(self, value: str) -> str:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = self.invisible.sub("", value)
        value = self.space.sub(" ", value)
        value = re.sub(r" ?\n ?", "\n", value)
        value = re.sub(r"\n{3,}", "\n\n", value)
        return value.strip()

    def scrub(self, value: str) -> str:
        for pattern, placeholder in self.pii:
            value = pattern.sub(placeholder, value)
        for pattern in self.names:
            value = pattern.sub(self.name_replacement, value)
        value = self.not_a_name.sub(r"\g<word>", value)
        return self.whitespace(self.candidate.sub("[NAME]", value))

    def record(self, rec: dict) -> tuple[dict | None, str | None]:
        cfg = self.cfg
        out = dict(rec)
        out["context"] = self.text(rec["context"] or "")
        for name in ("question", "answer", "rationale"):
            out[name] = self.text(rec[name])
        for name in ("subject", "topic"):
            out[name] = self.whitespace(rec[name]) if rec[name] is not None else None
        if rec["options"] is not None:
            out["options"] = [self.text(o) for o in rec["options"]]
        if rec["kind"] in cfg.pii_row_kinds:
            for name in cfg.pii_columns:
                if out[name]:
                    out[name] = self.scrub(out[name])
        q, a, c = out["question"] or "", out["answer"] or "", out["context"]
        if not q or not a:
            return None, "empty_after_cleaning"
        if len(q) < cfg.min_question_chars:
            return None, "too_short_question"
        if len(q) > cfg.max_question_chars:
            return None, "too_long_question"
        if len(a) < cfg.min_answer_chars:
            return None, "too_short_answer"
        if len(a) > cfg.max_answer_chars:
            return None, "too_long_answer"
        if len(c) > cfg.max_context_chars:
            return None, "too_long_context"
        digest = hashlib.blake2b(digest_size=8)
        for part in (out["source"], c, q, a):
            digest.update(part.encode("utf-8") + b"\x1f")
        out["id"] = digest.hexdigest()
        return out, None


def loop_dedup(records: list[dict], cfg: DedupConfig) -> tuple[list[dict], int]:
    """Exact keys in a dict, MinHash signatures per record, LSH bucket dicts, union-find."""
    import numpy as np

    records.sort(key=lambda r: (r["source"], r["id"]))
    separators = str.maketrans({c: " " for c in WORD_SEPARATORS})
    spaces = re.compile(r"  +")

    def normalize(text: str | None) -> str:
        return spaces.sub(" ", (text or "").lower().translate(separators)).strip()

    seen: set[str] = set()
    survivors = []
    for rec in records:
        key = "\x1f".join(normalize(rec[c]) for c in ("context", "question", "answer"))
        if key not in seen:
            seen.add(key)
            survivors.append(rec)
    rng = np.random.default_rng(0x5EED)
    mults = [int(x) | 1 for x in rng.integers(1, 2**63, cfg.num_perm, dtype=np.uint64)]
    offs = [int(x) for x in rng.integers(0, 2**63, cfg.num_perm, dtype=np.uint64)]
    shingle_mults = (0x1F3D5B79A3C1E5F7, 0x2545F4914F6CDD1D, 0x5851F42D4C957F2D)
    rows_per_band = cfg.num_perm // cfg.bands
    buckets: list[dict] = [{} for _ in range(cfg.bands)]
    parent = list(range(len(survivors)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    signatures = []
    for i, rec in enumerate(survivors):
        words = [w for w in f"{normalize(rec['question'])} {normalize(rec['answer'])}".split(" ") if w][: cfg.max_words]
        hashes = [hash(w) & M64 for w in words]
        shingles = [
            (hashes[j] * shingle_mults[0] + hashes[j + 1] * shingle_mults[1] + hashes[j + 2] * shingle_mults[2]) & M64
            for j in range(len(hashes) - 2)
        ] or hashes
        signature = [min(((a * h + b) & M64) for h in shingles) >> 32 for a, b in zip(mults, offs)] if shingles else None
        signatures.append(signature)
        if signature is None:
            continue
        for band in range(cfg.bands):
            key = tuple(signature[band * rows_per_band : (band + 1) * rows_per_band])
            bucket = buckets[band].setdefault(key, [])
            for other in {bucket[0], bucket[-1]} if bucket else ():
                agree = sum(x == y for x, y in zip(signature, signatures[other])) / cfg.num_perm
                if agree >= cfg.near_threshold:
                    a, b = find(i), find(other)
                    parent[max(a, b)] = min(a, b)
            bucket.append(i)
    kept = [rec for i, rec in enumerate(survivors) if find(i) == i]
    return kept, len(records) - len(kept)


def loop_split(records: list[dict], cfg: SplitConfig, seed: int) -> list[dict]:
    for rec in records:
        group = rec["group_id"] or rec["id"]
        digest = hashlib.blake2b(f"{seed}\x1f{group}".encode(), digest_size=8).digest()
        point = int.from_bytes(digest, "big") / 2**64
        rec["split"] = "train" if point < cfg.train else "val" if point < cfg.train + cfg.val else "test"
    return records


def run_loop(path: Path, limit: int) -> dict:
    n_rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    # Every n-th row, so the timed subset has the dataset's mix of copies and fresh rows.
    records = pl.scan_parquet(path).gather_every(max(1, n_rows // limit)).head(limit).collect().to_dicts()
    start = time.perf_counter()
    cleaner = LoopCleaner(CleaningConfig())
    kept, rejected = [], 0
    for rec in records:
        cleaned, reason = cleaner.record(rec)
        if cleaned is None:
            rejected += 1
        else:
            kept.append(cleaned)
    deduped, dedup_rejected = loop_dedup(kept, DedupConfig())
    split = loop_split(deduped, SplitConfig(), seed=13)
    seconds = time.perf_counter() - start
    return {"rows": len(records), "seconds": seconds, "clean_rejected": rejected, "dedup_rejected": dedup_rejected, "kept": len(split)}


# ---- driver -----------------------------------------------------------------------------------


def child(variant: str, path: Path, limit: int) -> None:
    result = run_vectorized(path) if variant == "vectorized" else run_loop(path, limit)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(variant: str, path: Path, limit: int) -> dict:
    command = [sys.executable, __file__, "--child", variant, "--data", str(path), "--loop-rows", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ, **ALLOCATOR_ENV})
    if done.returncode != 0:
        raise RuntimeError(f"{variant} on {path.name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = result["rows"] / result["seconds"]
    return result


def markdown(results: list[dict], loop_rows: int, base: int) -> str:
    lines = [
        SECTION,
        "",
        f"`benchmarks/bench_ingest.py` — normalize (core.data.clean) + exact/near dedup (core.data.dedup, MinHash "
        f"32 perms × 8 bands) + grouped split (core.data.split), measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"on {platform.machine()}, {os.cpu_count()} CPU cores shared with other work (timings are noisy), "
        f"Python {platform.python_version()}, polars {pl.__version__}.",
        "",
        f"Input: {base} rows parsed from the real slices, replicated with fresh ids (2 % exact copies, 2 % near "
        "copies, the rest word-shuffled). Each variant runs in its own process; peak RSS includes its input "
        f"(the vectorized run reads it in {vclean.CHUNK_ROWS * vclean.THREADS // 1000}k-row slices, the next while one is cleaned, and cleans "
        f"{vclean.CHUNK_ROWS // 1000}k-row chunks on {vclean.THREADS} threads, then dedups and splits all rows at once). "
        f"Both children run with `_RJEM_MALLOC_CONF={ALLOCATOR_ENV['_RJEM_MALLOC_CONF']}` so that polars' "
        "allocator hands freed pages back and RSS tracks live memory.",
        f"The pure-Python loop is timed on {loop_rows:,} rows of each dataset, every n-th row (a per-record loop's "
        "rows/s does not grow with size); the ratio compares the vectorized rows/s at full size with it.",
        "",
        "| rows | vectorized s | vectorized rows/s | vectorized peak RSS | loop rows timed | loop s | loop rows/s | loop peak RSS | speed-up | kept (vec) | dedup dropped (vec) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        v, lp = r["vectorized"], r["loop"]
        lines.append(
            f"| {v['rows']:,} | {v['seconds']:.1f} | {v['rows_per_s']:,.0f} | {v['peak_rss_mb']:,.0f} MB | "
            f"{lp['rows']:,} | {lp['seconds']:.1f} | {lp['rows_per_s']:,.0f} | {lp['peak_rss_mb']:,.0f} MB | "
            f"{v['rows_per_s'] / lp['rows_per_s']:.1f}× | {v['kept']:,} | {v['dedup_rejected']:,} |"
        )
    if len(results) >= 2:
        small, large = results[0]["vectorized"], results[-1]["vectorized"]
        growth = large["seconds"] / small["seconds"]
        lines += [
            "",
            f"Growth {small['rows']:,} → {large['rows']:,} rows ({large['rows'] / small['rows']:.0f}× the rows): "
            f"vectorized time × {growth:.1f}, peak RSS {small['peak_rss_mb']:,.0f} → {large['peak_rss_mb']:,.0f} MB.",
        ]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace (or append) only our section of RESULTS.md; others own theirs."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    updated = pattern.sub(lambda _: text + "\n", current) if pattern.search(current) else current.rstrip() + "\n\n" + text
    path.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="dataset sizes in rows")
    parser.add_argument("--loop-rows", type=int, default=20_000, help="rows the pure-Python loop is timed on")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave RESULTS.md alone")
    parser.add_argument("--child", choices=["vectorized", "loop"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.loop_rows)
        return

    base = base_rows(shared_data())
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"qac_{size}.parquet"
            replicate(base, size).write_parquet(path)
            row = {"vectorized": measure("vectorized", path, args.loop_rows), "loop": measure("loop", path, args.loop_rows)}
            print(json.dumps({"size": size, **row}), flush=True)
            results.append(row)
    table = markdown(results, args.loop_rows, base.height)
    print(table)
    if not args.no_write:
        write_section(table)


if __name__ == "__main__":
    main()
