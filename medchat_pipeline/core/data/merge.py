"""merged_qac: every source's cleaned rows → deduped → split → decontaminated → weighted.

    result = merge_qac([qac_medmcqa, qac_pubmedqa, …], cfg.data, seed=cfg.seed, benchmark_items=items)
    result.merged    # QAC columns + split, seeded-shuffled within each split
    result.rejects   # every row removed on the way (stages dedup, decontaminate, mix)
    result.stats     # counts per stage, split sizes, weights and seed: the asset's metadata

Counts add up: stats["in"] == merged.height + rejects.height.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from medchat_pipeline.config.data import BenchmarkFiles, CleaningConfig, DataConfig
from medchat_pipeline.config.sources import SourcesConfig
from medchat_pipeline.core.data.clean import clean_qac
from medchat_pipeline.core.data.decontaminate import decontaminate, eval_items
from medchat_pipeline.core.data.dedup import dedup_qac
from medchat_pipeline.core.data.mix import weighted_mix
from medchat_pipeline.core.data.schema import QAC_SCHEMA, SPLITS, conform, empty_rejects
from medchat_pipeline.core.data.sources import parse_source
from medchat_pipeline.core.data.split import assign_splits, stable_unit_interval

MERGED_SCHEMA = {**QAC_SCHEMA, "split": pl.String()}


@dataclass
class MergeResult:
    merged: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict = field(default_factory=dict)


def merge_qac(
    frames: list[pl.DataFrame],
    cfg: DataConfig | None = None,
    seed: int = 13,
    benchmark_items: pl.DataFrame | None = None,
) -> MergeResult:
    """`benchmark_items` are evaluation items from decontaminate.eval_items (benchmark files)."""
    cfg = cfg or DataConfig()
    rows = pl.concat([conform(f) for f in frames]) if frames else conform(pl.DataFrame(schema=QAC_SCHEMA))
    deduped = dedup_qac(rows, cfg.dedup)
    split = assign_splits(deduped.kept, cfg.split, seed)

    items = [benchmark_items] if benchmark_items is not None and benchmark_items.height else []
    if cfg.decontamination.against_test_split:
        items.append(eval_items(split.filter(pl.col("split") == "test"), "test"))
    is_train = pl.col("split") == "train"
    cleaned = decontaminate(
        split.filter(is_train),
        pl.concat(items) if items else eval_items(split.clear(), "test"),
        cfg.decontamination,
    )
    mixed = weighted_mix(pl.concat([cleaned.kept, split.filter(~is_train)]), cfg.weights, seed)
    merged = seeded_shuffle(mixed.kept, seed).select(list(MERGED_SCHEMA)).cast(MERGED_SCHEMA)
    rejects = pl.concat([deduped.rejects, cleaned.rejects, mixed.rejects, empty_rejects()])
    stats = {
        "in": rows.height,
        "kept": merged.height,
        "rejected": rejects.height,
        "seed": seed,
        "dedup": deduped.stats,
        "decontamination": cleaned.stats,
        "mix": mixed.stats,
        "splits": split_counts(merged),
        "sources": dict(merged.group_by("source").len().sort("source").iter_rows()),
    }
    return MergeResult(merged=merged, rejects=rejects, stats=stats)


def seeded_shuffle(df: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Train, then val, then test; within each, a seeded order that does not depend on input order."""
    if df.is_empty():
        return df
    split_order = pl.col("split").replace_strict({s: i for i, s in enumerate(SPLITS)}, default=len(SPLITS))
    return (
        df.with_columns(stable_unit_interval(df["id"], seed).alias("_order"))
        .sort(split_order, pl.col("_order"), pl.col("id"))
        .drop("_order")
    )


def split_counts(df: pl.DataFrame) -> dict[str, int]:
    counts = dict(df.group_by("split").len().iter_rows()) if df.height else {}
    return {s: int(counts.get(s, 0)) for s in SPLITS}


def benchmark_eval_items(
    benchmarks: list[BenchmarkFiles], sources: SourcesConfig, cleaning: CleaningConfig, root: Path
) -> pl.DataFrame:
    """Evaluation items of the configured benchmark files, parsed by their source's parser (with
    that source's configured options) and cleaned like training rows, so both sides of the
    n-gram comparison see the same normalized text. Items are labelled "benchmark:<source>:<id>"."""
    frames = []
    for bench in benchmarks:
        source_cfg = getattr(sources, bench.source).model_copy(update={"mode": "local", "paths": bench.paths, "enabled": True})
        parsed = parse_source(bench.source, source_cfg, root)
        frames.append(eval_items(clean_qac(parsed.qac, cleaning).kept, "benchmark"))
    return pl.concat(frames) if frames else eval_items(conform(pl.DataFrame(schema=QAC_SCHEMA)), "benchmark")


def decontamination_items(cfg, root: Path) -> pl.DataFrame:
    """Every item training must not contain: the `data.decontamination.benchmarks` files plus every
    set the benchmark evaluates (`evaluation.benchmarks`, all rows, not only the sampled ones), each
    cleaned like training rows. Evaluation sets are labelled "benchmark:<set>:<source>:<id>"; a set
    whose files are absent and marked skip_if_missing is left out here as in the report.
    `cfg` is the PipelineConfig."""
    from medchat_pipeline.core.evaluation.benchmark import benchmark_paths, parse_benchmark_set

    frames = [benchmark_eval_items(cfg.data.decontamination.benchmarks, cfg.data.sources, cfg.data.cleaning, root)]
    if cfg.data.decontamination.against_evaluation_benchmarks:
        for name, bench in cfg.evaluation.benchmarks.items():
            paths = benchmark_paths(bench, cfg.evaluation)
            if bench.skip_if_missing and not all(p.exists() for p in paths):
                continue
            qac, _ = parse_benchmark_set(bench, paths, cfg.data.sources)
            frames.append(eval_items(clean_qac(qac, cfg.data.cleaning).kept, f"benchmark:{name}"))
    return pl.concat(frames)
