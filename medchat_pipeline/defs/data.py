"""Dagster wiring for the data part of the graph: sources → QAC → merged_qac → SFT exports.

    raw_source[<source>]   observable, one partition per enabled source: data version = content hash
      │                    of its files (or hub id + revision), observed by source_observation_sensor
      └─ source_qac[<source>] + source_rejects[<source>]   parse (core.data.sources) + clean (core.data.clean)
           └─ merged_qac + merge_rejects   every partition: dedup → split → decontaminate → weighted mix
                ├─ qac_rejects             every reject of every stage, one table
                └─ sft_exports             JSONL SFT views per split (core.data.templates)

The per-source stages are one asset each, partitioned by source (the partitions are the sources the
profile enables, $MEDCHAT_PROFILE, default demo; a disabled source has no partition anywhere), so a
changed source is a backfill of its partition all the way down. merged_qac records the content hash
of each source's slice (`source_slices`), which lets automation rebuild only the augmented and
distilled partitions whose rows changed (defs/automation.py).
"""

import json
import warnings

import dagster as dg
import polars as pl

from medchat_pipeline.config import PipelineConfig, load_config, project_root
from medchat_pipeline.core.data import schema
from medchat_pipeline.core.data.clean import clean_qac
from medchat_pipeline.core.data.merge import MERGED_SCHEMA, decontamination_items, merge_qac
from medchat_pipeline.core.data.source_version import frame_content_version, source_data_version
from medchat_pipeline.core.data.sources import parse_source
from medchat_pipeline.core.data.split import split_leakage
from medchat_pipeline.core.data.templates import export_jsonl
from medchat_pipeline.defs.io_manager import frame_output
from medchat_pipeline.defs.resources import MedchatConfig

PREVIEW_COLUMNS = ("source", "kind", "question", "answer")
RAW_SOURCE = dg.AssetKey("raw_source")
SOURCE_QAC = dg.AssetKey("source_qac")
MERGED = dg.AssetKey("merged_qac")


def source_partitions(cfg: PipelineConfig) -> dg.StaticPartitionsDefinition:
    """One partition per source the profile enables, in the profile's order."""
    return dg.StaticPartitionsDefinition(list(cfg.data.sources.enabled()))


def build_data_defs(cfg: PipelineConfig) -> dg.Definitions:
    partitions = source_partitions(cfg)
    modes = {name: source.mode for name, source in cfg.data.sources.enabled().items()}
    return dg.Definitions(
        assets=[raw_source(partitions, modes), parse_sources(partitions), merge_sources, qac_rejects, sft_exports],
        asset_checks=[*qac_checks(SOURCE_QAC, partitions), *qac_checks(MERGED), merged_split_leakage],
        sensors=[source_observation_sensor(partitions, cfg.automation.observe_interval_s)],
    )


def current_source_versions(cfg: PipelineConfig, sources: list[str]) -> dict[str, str]:
    """The data version each source has right now (hashing its files; a hub source hashes its spec)."""
    return {source: source_data_version(getattr(cfg.data.sources, source), project_root()) for source in sources}


def raw_source(partitions: dg.StaticPartitionsDefinition, modes: dict[str, str]) -> dg.SourceAsset:
    # Observable source assets are the documented way to version external files; the decorator is
    # still marked beta, which says nothing about this project, so its warning is silenced here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)

        @dg.observable_source_asset(
            key=RAW_SOURCE,
            partitions_def=partitions,
            group_name="sources",
            metadata={"mode": modes},
            description="Each source's input as configured (native files or a hub dataset), one partition per "
            "source; its data version is the content hash of the files (hub: id, config, splits, revision), so "
            "an edit marks that source's partition downstream stale. Observed by source_observation_sensor.",
        )
        def _observe(context, medchat: MedchatConfig) -> dg.DataVersionsByPartition:
            versions = current_source_versions(medchat.cfg, partitions.get_partition_keys())
            return dg.DataVersionsByPartition({source: dg.DataVersion(v) for source, v in versions.items()})

    return _observe


def parse_sources(partitions: dg.StaticPartitionsDefinition) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="parse_source",
        partitions_def=partitions,
        outs={
            "source_qac": dg.AssetOut(
                group_name="sources",
                kinds={"polars", "parquet"},
                description="One source's records as cleaned QAC rows (parsed by core.data.sources.<source>, "
                "cleaned by core.data.clean); one partition per source.",
            ),
            "source_rejects": dg.AssetOut(
                group_name="sources",
                kinds={"polars", "parquet"},
                description="One source's records that parsing or cleaning refused, each with a reason.",
            ),
        },
        deps=[RAW_SOURCE],
    )
    def _parse(context: dg.AssetExecutionContext, medchat: MedchatConfig):
        cfg, source = medchat.cfg, context.partition_key
        context.log.info(f"parsing {source} ({getattr(cfg.data.sources, source).mode})")
        observed = context.instance.get_latest_data_version_record(RAW_SOURCE, is_source=True, partition_key=source)
        parsed = parse_source(source, getattr(cfg.data.sources, source), project_root())
        cleaned = clean_qac(parsed.qac, cfg.data.cleaning)
        rejects = pl.concat([parsed.rejects, cleaned.rejects])
        yield frame_output(
            cleaned.kept,
            output_name="source_qac",
            metadata={
                "read": parsed.read,
                "parsed_rows": parsed.qac.height,
                "kept": cleaned.kept.height,
                "rejected": rejects.height,
                "reasons": schema.reason_counts(rejects),
                "cleaning": cleaned.stats,
                "parser": parsed.stats,
                # The raw_source version this step read, as last observed (lineage and automation use it).
                "source_data_version": observed.asset_observation.tags.get("dagster/data_version", "")
                if observed and observed.asset_observation
                else "",
                "preview": dg.MetadataValue.md(markdown_preview(cleaned.kept)),
            },
        )
        yield frame_output(rejects, output_name="source_rejects", metadata={"rows": rejects.height})

    return _parse


@dg.multi_asset(
    name="merge_sources",
    outs={
        "merged_qac": dg.AssetOut(
            group_name="data",
            kinds={"polars", "parquet"},
            description="All sources as one QAC frame with split ∈ {train, val, test}: deduped, grouped "
            "and hash-split (no group crosses splits), training rows decontaminated against the test "
            "split and every evaluation benchmark set, train weighted by source bucket (core.data.merge.merge_qac). "
            "Reads every source_qac partition; `source_slices` holds the content hash of each source's rows.",
        ),
        "merge_rejects": dg.AssetOut(
            group_name="data",
            kinds={"polars", "parquet"},
            description="Rows removed while merging: duplicates, contaminated training rows, mix downsampling.",
        ),
    },
    ins={"source_qac": dg.AssetIn(SOURCE_QAC)},
)
def merge_sources(context: dg.AssetExecutionContext, medchat: MedchatConfig, source_qac: pl.DataFrame):
    cfg = medchat.cfg
    items = decontamination_items(cfg, project_root())  # every evaluation.benchmarks set + data.decontamination.benchmarks
    # The IO manager hands every partition over as one frame, in source-name order.
    result = merge_qac([source_qac], cfg.data, cfg.seed, items)
    stats = result.stats
    yield frame_output(
        result.merged,
        output_name="merged_qac",
        metadata={
            "read": stats["in"],
            "kept": stats["kept"],
            "rejected": stats["rejected"],
            "reasons": schema.reason_counts(result.rejects),
            "splits": stats["splits"],
            "sources": stats["sources"],
            "seed": stats["seed"],
            "weights": stats["mix"],
            "dedup": stats["dedup"],
            "decontamination": stats["decontamination"],
            "source_slices": source_slices(result.merged, sorted(cfg.data.sources.enabled())),
            "preview": dg.MetadataValue.md(markdown_preview(result.merged, (*PREVIEW_COLUMNS, "split"))),
        },
    )
    yield frame_output(result.rejects, output_name="merge_rejects", metadata={"rows": result.rejects.height})


def source_slice(merged_qac: pl.DataFrame, source: str) -> pl.DataFrame:
    """One source's rows of merged_qac, in merged order: what its augmented/distilled partition reads."""
    return merged_qac.filter(pl.col("source") == source)


def source_slices(merged_qac: pl.DataFrame, sources: list[str]) -> dict[str, str]:
    """The content hash of each source's slice; a partition reading merged_qac is stale only when its
    own slice's hash changed."""
    return {source: frame_content_version(source_slice(merged_qac, source)) for source in sources}


@dg.asset(
    name="qac_rejects",
    group_name="data",
    kinds={"polars", "parquet"},
    description="Every record refused on the way to merged_qac (parse, clean, dedup, decontaminate, mix), "
    "with source, source_id, stage and reason: nothing is dropped silently.",
    ins={"merge_rejects": dg.AssetIn("merge_rejects"), "source_rejects": dg.AssetIn("source_rejects")},
)
def qac_rejects(merge_rejects: pl.DataFrame, source_rejects: pl.DataFrame) -> dg.Output:
    table = pl.concat([merge_rejects, source_rejects], how="vertical_relaxed").cast(schema.REJECT_SCHEMA)
    by_stage = dict(table.group_by("stage").len().sort("stage").iter_rows()) if table.height else {}
    return frame_output(table, metadata={"rows": table.height, "by_stage": by_stage, "reasons": schema.reason_counts(table)})


@dg.asset(
    group_name="data",
    kinds={"json"},
    description="merged_qac rendered as SFT views (seed template A 'instruction', template B 'role', chat "
    "'messages'), one JSONL file per template and split under <storage>/exports; the value is the manifest "
    "recording which template wrote which file.",
)
def sft_exports(context: dg.AssetExecutionContext, medchat: MedchatConfig, merged_qac: pl.DataFrame) -> dg.Output:
    export_cfg = medchat.cfg.data.export
    manifest = export_jsonl(
        merged_qac, medchat.cfg.storage_path("exports"), export_cfg.templates, export_cfg.system_prompt
    )
    rows = {f"{t}/{s}": f["rows"] for t, splits in manifest["files"].items() for s, f in splits.items()}
    return dg.Output(manifest, metadata={"templates": manifest["templates"], "rows": rows})


def qac_checks(asset: dg.AssetKey, partitions: dg.PartitionsDefinition | None = None) -> list[dg.AssetChecksDefinition]:
    """Blocking checks on a QAC frame; on source_qac they check each partition as it is materialized."""
    expected = MERGED_SCHEMA if asset == MERGED else schema.QAC_SCHEMA
    common = {"asset": asset, "blocking": True, "partitions_def": partitions}
    # Partitioned checks are marked preview in Dagster 1.13; without them a check of one partition
    # would load every partition, so the warning is silenced here (as for observable sources above).
    warnings.filterwarnings("ignore", "Specifying a partitions_def on an AssetCheckSpec", dg.PreviewWarning)

    @dg.asset_check(**common, name="schema_conforms", description="Columns and types are the QAC schema.")
    def _schema(frame: pl.DataFrame) -> dg.AssetCheckResult:
        actual = {name: str(dtype) for name, dtype in frame.schema.items()}
        wanted = {name: str(dtype) for name, dtype in expected.items()}
        return dg.AssetCheckResult(
            passed=actual == wanted, metadata={"mismatch": json.dumps(_schema_diff(actual, wanted))}
        )

    @dg.asset_check(**common, name="no_empty_answers", description="Every row has a non-blank question and answer.")
    def _answers(frame: pl.DataFrame) -> dg.AssetCheckResult:
        blank = frame.filter(
            pl.col("answer").fill_null("").str.strip_chars().eq("") | pl.col("question").fill_null("").str.strip_chars().eq("")
        )
        return dg.AssetCheckResult(passed=blank.is_empty(), metadata={"blank_rows": blank.height})

    return [_schema, _answers]


@dg.asset_check(asset=MERGED, name="zero_split_leakage", blocking=True, description="No group_id appears in two splits.")
def merged_split_leakage(merged_qac: pl.DataFrame) -> dg.AssetCheckResult:
    leaks = split_leakage(merged_qac)
    return dg.AssetCheckResult(
        passed=leaks.is_empty(),
        metadata={"leaking_groups": leaks.height, "examples": leaks.head(5)["group"].to_list()},
    )


def source_observation_sensor(partitions: dg.StaticPartitionsDefinition, interval_s: int = 60) -> dg.SensorDefinition:
    @dg.sensor(
        name="source_observation_sensor",
        minimum_interval_seconds=interval_s,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Hashes each source's files and records a raw_source observation for every partition whose "
        "hash changed (nothing when none did). The new data version marks that source's source_qac stale, "
        "and automation rebuilds from there.",
    )
    def _sensor(context: dg.SensorEvaluationContext, medchat: MedchatConfig) -> dg.SensorResult:
        # Hashing in the sensor costs no run: an observation run every minute would start a process
        # and write a run record each time, mostly to learn that nothing changed.
        versions = current_source_versions(medchat.cfg, partitions.get_partition_keys())
        changed = [
            dg.AssetObservation(RAW_SOURCE, partition=source, tags={"dagster/data_version": version})
            for source, version in versions.items()
            if _observed_version(context.instance, source) != version
        ]
        if changed:
            context.log.info("new data versions: " + ", ".join(f"{o.partition}={o.tags['dagster/data_version']}" for o in changed))
        return dg.SensorResult(asset_events=changed)

    return _sensor


def _observed_version(instance: dg.DagsterInstance, source: str) -> str | None:
    record = instance.get_latest_data_version_record(RAW_SOURCE, is_source=True, partition_key=source)
    return record.asset_observation.tags.get("dagster/data_version") if record and record.asset_observation else None


def markdown_preview(frame: pl.DataFrame, columns: tuple[str, ...] = PREVIEW_COLUMNS, rows: int = 5, width: int = 80) -> str:
    """A few rows as a Markdown table, long text cut to `width` characters."""
    shown = [c for c in columns if c in frame.columns]
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    for row in frame.head(rows).select(shown).iter_rows():
        cells = [("" if v is None else str(v)).replace("\n", " ").replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(c if len(c) <= width else c[: width - 1] + "…" for c in cells) + " |")
    return "\n".join(lines)


def _schema_diff(actual: dict[str, str], wanted: dict[str, str]) -> dict[str, str]:
    names = list(dict.fromkeys([*wanted, *actual]))
    return {n: f"{actual.get(n, 'missing')} (want {wanted.get(n, 'absent')})" for n in names if actual.get(n) != wanted.get(n)}


defs = build_data_defs(load_config())
