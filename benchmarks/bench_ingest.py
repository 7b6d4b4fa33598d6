"""Ingest speed: normalize (core.data.clean) + dedup (core.data.dedup) + split (core.data.split) at
100k and 1M rows, side by side with the per-record loop a user would write instead: Python's re and
html per record for the cleaning rules, datasketch's MinHash and MinHashLSH per record for near
duplicates (the same shingles, permutations, bands and threshold), a hash split; its output is
checked against the vectorized path on the same rows.

    .venv/bin/python benchmarks/bench_ingest.py                      # 100k and 1M, loop on 20k rows
    .venv/bin/python benchmarks/bench_ingest.py --sizes 100000 --loop-rows 5000
    .venv/bin/python benchmarks/bench_ingest.py --sizes 1000000 --skip-loop --malloc-conf "" "dirty_decay_ms:0,muzzy_decay_ms:0"

Input: the real slices in $MEDCHAT_SHARED_DATA (default ../shared/data) parsed by core.data.sources
(about 2.3k rows), replicated to the target size with fresh source/group ids. So that dedup has
real work rather than collapsing everything, replica k of a row is: the row itself (k = 0), an
exact copy (k % 50 == 1), a near copy with one phrase appended (k % 50 == 2), or otherwise the row
with the words of its question and answer shuffled (same length and vocabulary, new text).

Each variant runs in its own child process, so peak RSS (ru_maxrss) is that variant's alone; it
includes the input, which the vectorized run reads and cleans in slices. Children start as medchat
processes do (medchat_pipeline imported before polars), so they run under the product's allocator
setting (medchat_pipeline/__init__.py); --malloc-conf adds vectorized runs under other settings.
The loop is slow, so it is timed on about --loop-rows rows of each dataset (every replica of a sample of
the base rows: the same mix of copies): a per-record loop's rows/s does not improve with size. Agreement: the
vectorized path then runs on the loop's rows and the kept rows are compared (see `agreement`).
The table is printed for benchmarks/RESULTS.md ("## Ingest"), whose prose is written by hand.
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

# isort: off
# medchat_pipeline before polars, as in every medchat process: it sets polars' allocator (its __init__).
import medchat_pipeline  # noqa: F401
import polars as pl
# isort: on

from medchat_pipeline.config import project_root
from medchat_pipeline.config.data import CleaningConfig, DedupConfig, SplitConfig
from medchat_pipeline.core.data import clean as vclean
from medchat_pipeline.core.data.dedup import WORD_SEPARATORS
from medchat_pipeline.core.data.schema import QAC_SCHEMA

MALLOC_CONF = "_RJEM_MALLOC_CONF"  # read by polars' jemalloc when it starts
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
    root = Path(env) if env else project_root().parent / "shared" / "data"
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
    start, cpu = time.perf_counter(), time.process_time()
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
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "rows": n_rows,
        "seconds": seconds,
        "cpu_s": cpu,
        "clean_rejected": rejected,
        "dedup_rejected": deduped.rejects.height,
        "kept": split.height,
    }


# ---- the per-record loop, seed style ----------------------------------------------------------

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


def normalizer():
    """core.data.dedup's text normalization, per string: lower case, separators as single spaces."""
    separators = str.maketrans({c: " " for c in WORD_SEPARATORS})
    spaces = re.compile(r"  +")
    return lambda text: spaces.sub(" ", (text or "").lower().translate(separators)).strip()


def shingles(words: list[str], k: int) -> list[str]:
    """k-word shingles; a text shorter than k words is its words (as core.data.dedup does)."""
    return [" ".join(words[j : j + k]) for j in range(len(words) - k + 1)] or words


def loop_dedup(records: list[dict], cfg: DedupConfig) -> tuple[list[dict], int, dict[str, str]]:
    """Exact keys in a set, then datasketch per record: a MinHash of the question+answer word
    shingles, a MinHashLSH query for candidates (cfg.bands bands), a Jaccard estimate against each,
    union-find over the verified pairs; each cluster keeps its best-ranked row. Returns the kept
    rows, the number dropped, and for each near duplicate dropped the source_id of its first verified
    partner (or of its cluster's survivor when it was linked only through later rows)."""
    from datasketch import MinHash, MinHashLSH

    preference = {name: i for i, name in enumerate(cfg.prefer_sources)}
    records.sort(key=lambda r: (preference.get(r["source"], len(preference)), r["source"], r["id"]))
    normalize = normalizer()
    seen: set[str] = set()
    survivors = []
    for rec in records:
        key = "\x1f".join(normalize(rec[c]) for c in ("context", "question", "answer"))
        if key not in seen:
            seen.add(key)
            survivors.append(rec)
    lsh = MinHashLSH(threshold=cfg.near_threshold, num_perm=cfg.num_perm, params=(cfg.bands, cfg.num_perm // cfg.bands))
    template = MinHash(num_perm=cfg.num_perm)
    parent = list(range(len(survivors)))
    partner: dict[int, int] = {}
    signatures: list[MinHash | None] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, rec in enumerate(survivors):
        words = [w for w in f"{normalize(rec['question'])} {normalize(rec['answer'])}".split(" ") if w][: cfg.max_words]
        if not words:
            signatures.append(None)
            continue
        signature = MinHash(num_perm=cfg.num_perm, permutations=template.permutations, scheme="affine32")
        signature.update_batch([s.encode() for s in shingles(words, cfg.shingle_words)])
        signatures.append(signature)
        for other in lsh.query(signature):
            if signature.jaccard(signatures[other]) >= cfg.near_threshold:
                partner.setdefault(i, other)
                a, b = find(i), find(other)
                parent[max(a, b)] = min(a, b)
        lsh.insert(i, signature)
    kept = [rec for i, rec in enumerate(survivors) if find(i) == i]
    # A row linked only through later rows (the other end of their pairs) is matched to its survivor.
    partners = {survivors[i]["source_id"]: survivors[partner.get(i, find(i))]["source_id"]
                for i in range(len(survivors)) if find(i) != i}
    return kept, len(records) - len(kept), partners


def loop_split(records: list[dict], cfg: SplitConfig, seed: int) -> list[dict]:
    for rec in records:
        group = rec["group_id"] or rec["id"]
        digest = hashlib.blake2b(f"{seed}\x1f{group}".encode(), digest_size=8).digest()
        point = int.from_bytes(digest, "big") / 2**64
        rec["split"] = "train" if point < cfg.train else "val" if point < cfg.train + cfg.val else "test"
    return records


def loop_rows(path: Path, limit: int) -> pl.DataFrame:
    """About `limit` rows: every replica of a seeded sample of the base rows, so that the subset has the
    dataset's mix of originals, exact copies, near copies and shuffled rows (every n-th row would not:
    a row's copies sit one base length apart and are rarely picked together)."""
    import numpy as np

    frame = pl.scan_parquet(path).with_row_index("_row")
    counts = frame.select(pl.len(), pl.col("source_id").str.ends_with("~0").sum()).collect().row(0)
    n_rows, base = counts
    chosen = np.random.default_rng(13).choice(base, size=max(1, round(limit * base / n_rows)), replace=False)
    return frame.filter((pl.col("_row") % base).is_in(chosen.tolist())).drop("_row").collect()


def run_loop(path: Path, limit: int) -> dict:
    subset = loop_rows(path, limit)
    records = subset.to_dicts()
    start, cpu = time.perf_counter(), time.process_time()
    cleaner = LoopCleaner(CleaningConfig())
    kept, rejected = [], 0
    for rec in records:
        cleaned, reason = cleaner.record(rec)
        if cleaned is None:
            rejected += 1
        else:
            kept.append(cleaned)
    cleaned_ids = [rec["source_id"] for rec in kept]
    deduped, dedup_rejected, partners = loop_dedup(kept, DedupConfig())
    split = loop_split(deduped, SplitConfig(), seed=13)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the agreement check
    return {"rows": len(records), "seconds": seconds, "cpu_s": cpu, "clean_rejected": rejected, "dedup_rejected": dedup_rejected,
            "kept": len(split), "peak_rss_mb": peak_rss_mb,
            "agreement": agreement(subset, cleaned_ids, {rec["source_id"]: rec["split"] for rec in split}, partners)}


def agreement(subset: pl.DataFrame, loop_cleaned: list[str], loop_split: dict[str, str], loop_partners: dict[str, str]) -> dict:
    """The vectorized path on the loop's rows (keyed by source_id), compared stage by stage: cleaned rows, kept rows after
    dedup (every difference counted by the exact word-shingle Jaccard J of the row and the row it was
    matched to: the vectorized path's cluster survivor, the loop's first verified partner), and splits. MinHash estimates Jaccard with a standard error of about
    sqrt(J(1-J)/num_perm) (0.06 at J = 0.85 with 32 permutations), so two hash families legitimately
    disagree on pairs near the threshold."""
    from medchat_pipeline.core.data.dedup import dedup_qac
    from medchat_pipeline.core.data.split import assign_splits

    cfg = DedupConfig()
    cleaned = vclean.clean_qac(subset, CleaningConfig()).kept
    deduped = dedup_qac(cleaned, cfg)
    split = assign_splits(deduped.kept, SplitConfig(), seed=13)
    vec_split = dict(zip(split["source_id"], split["split"]))
    # a reject's detail is its survivor's id; exact copies share an id, so rows are keyed by source_id
    source_of = dict(zip(cleaned.filter(pl.col("source_id").is_in(split["source_id"].implode()))["id"], split["source_id"]))
    vec_matched = {sid: (reason, source_of[survivor]) for sid, reason, survivor in deduped.rejects.select("source_id", "reason", "detail").iter_rows()}
    normalize = normalizer()
    texts = {row["source_id"]: row for row in cleaned.select("source_id", "question", "answer").iter_rows(named=True)}

    def jaccard(a: str, b: str) -> float:
        sets = []
        for row in (texts[a], texts[b]):
            words = [w for w in f"{normalize(row['question'])} {normalize(row['answer'])}".split(" ") if w][: cfg.max_words]
            sets.append(set(shingles(words, cfg.shingle_words)))
        return len(sets[0] & sets[1]) / max(len(sets[0] | sets[1]), 1)

    explained: dict[str, int] = {}
    similarities: list[float] = []

    def explain(side: str, row: str, other: str | None, exact: bool) -> None:
        """Count a row only `side` dropped, by the exact Jaccard of the row and the row it was matched to."""
        if exact or other is None:
            key = "exact duplicate"
        else:
            j = jaccard(row, other)
            key = ("J within 0.1 of the threshold" if abs(j - cfg.near_threshold) < 0.1
                   else "J above the threshold + 0.1" if j > cfg.near_threshold else "J below the threshold - 0.1")
        explained[f"dropped only by the {side}: {key}"] = explained.get(f"dropped only by the {side}: {key}", 0) + 1
        if not exact and other is not None:
            similarities.append(round(jaccard(row, other), 3))

    only_loop = set(loop_split) - set(vec_split)  # the vectorized path dropped these, the loop kept them
    only_vec = set(vec_split) - set(loop_split)
    for row in only_loop:
        reason, survivor = vec_matched[row]
        explain("vectorized path", row, survivor, reason == "exact_duplicate")
    for row in only_vec:
        explain("datasketch loop", row, loop_partners.get(row), row not in loop_partners)
    both = set(vec_split) & set(loop_split)
    return {
        "cleaned_rows_equal": sorted(loop_cleaned) == sorted(cleaned["source_id"]),
        "kept_vectorized": len(vec_split), "kept_loop": len(loop_split), "kept_by_both": len(both),
        "kept_only_by_loop": len(only_loop), "kept_only_by_vectorized": len(only_vec),
        "differences": dict(sorted(explained.items())), "difference_jaccards": sorted(similarities),
        "same_split": sum(vec_split[i] == loop_split[i] for i in both),
    }


# ---- driver -----------------------------------------------------------------------------------


def child(variant: str, path: Path, limit: int) -> None:
    result = run_vectorized(path) if variant == "vectorized" else run_loop(path, limit)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.setdefault("peak_rss_mb", usage.ru_maxrss / 1024)
    result["process_cpu_s"] = usage.ru_utime + usage.ru_stime  # the whole child: start-up and input included
    print(json.dumps(result))


def measure(variant: str, path: Path, limit: int, malloc_conf: str | None = None) -> dict:
    """One child process; malloc_conf: a _RJEM_MALLOC_CONF value for it ("" = polars' own default),
    None = the environment as it is (the product's setting, see medchat_pipeline/__init__.py)."""
    command = [sys.executable, __file__, "--child", variant, "--data", str(path), "--loop-rows", str(limit)]
    env = dict(os.environ) if malloc_conf is None else {**os.environ, MALLOC_CONF: malloc_conf}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{variant} on {path.name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = result["rows"] / result["seconds"]
    return result


def markdown(results: list[dict], loop_rows: int, base: int) -> str:
    """The results as a markdown table, for benchmarks/RESULTS.md (its prose is written by hand)."""
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, {os.cpu_count()} CPU "
        f"cores shared with other work (load average {os.getloadavg()[0]:.1f} at the end), Python "
        f"{platform.python_version()}, polars {pl.__version__}; input: {base} real rows replicated; the loop timed on "
        f"{loop_rows:,} rows of each size.",
        "",
        "| rows | vectorized s (CPU s) | vectorized rows/s | vectorized peak RSS | loop s (CPU s) | loop rows/s | loop peak RSS | "
        "speed-up: wall (CPU) | kept (vec) | agreement on the loop's rows |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in (r for r in results if "loop" in r):
        v, lp = r["vectorized"], r["loop"]
        a = lp["agreement"]
        cpu_ratio = (v["rows"] / v["cpu_s"]) / (lp["rows"] / lp["cpu_s"])
        lines.append(
            f"| {v['rows']:,} | {v['seconds']:.1f} ({v['cpu_s']:.1f}) | {v['rows_per_s']:,.0f} | {v['peak_rss_mb']:,.0f} MB | "
            f"{lp['seconds']:.1f} ({lp['cpu_s']:.1f}) | {lp['rows_per_s']:,.0f} | {lp['peak_rss_mb']:,.0f} MB | "
            f"{v['rows_per_s'] / lp['rows_per_s']:.1f}× ({cpu_ratio:.1f}×) | {v['kept']:,} | {a['kept_by_both']:,} kept by both, "
            f"{a['kept_only_by_loop']} only by the loop, {a['kept_only_by_vectorized']} only vectorized |"
        )
    allocator = [(r["vectorized"]["rows"], conf, v) for r in results for conf, v in r.get("allocator", {}).items()]
    if allocator:
        lines += ["", "| rows | _RJEM_MALLOC_CONF | vectorized s | CPU s | peak RSS |", "|---:|---|---:|---:|---:|"]
        default = "(polars' default)"
        lines += [f"| {rows:,} | `{conf or default}` | {v['seconds']:.1f} | {v['cpu_s']:.1f} | "
                  f"{v['peak_rss_mb']:,.0f} MB |" for rows, conf, v in allocator]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="dataset sizes in rows")
    parser.add_argument("--loop-rows", type=int, default=20_000, help="rows the per-record loop is timed on")
    parser.add_argument("--malloc-conf", nargs="*", default=[], metavar="CONF",
                        help="also run the vectorized path under each _RJEM_MALLOC_CONF value ('' = polars' default)")
    parser.add_argument("--skip-loop", action="store_true", help="vectorized runs only (allocator studies)")
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
            row = {"vectorized": measure("vectorized", path, args.loop_rows)}
            if not args.skip_loop:
                row["loop"] = measure("loop", path, args.loop_rows)
            row["allocator"] = {conf: measure("vectorized", path, args.loop_rows, conf) for conf in args.malloc_conf}
            print(json.dumps({"size": size, **row}), flush=True)
            results.append(row)
    print(markdown(results, args.loop_rows, base.height))


if __name__ == "__main__":
    main()
