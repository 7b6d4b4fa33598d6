"""Dagster wiring for the data part of the graph: sources → QAC → merged_qac → SFT exports.

    raw_<source>  (observable: data version = content hash of its files, or hub id+revision)
      └─ qac_<source> + rejects_<source>   parse (core.data.sources) + clean (core.data.clean)
           └─ merged_qac + merge_rejects   dedup → split → decontaminate → weighted mix (core.data.merge)
                ├─ qac_rejects             every reject of every stage, one table
                └─ sft_exports             JSONL SFT views per split (core.data.templates)

One set of assets per source enabled in the profile ($MEDCHAT_PROFILE, default demo); disabled
sources produce none. `source_update_sensor` notices changed source files, records the new data
version, and launches a run for what that made stale.
"""

import json
import warnings

import dagster as dg
import polars as pl

from medchat_pipeline.config import PipelineConfig, load_config, project_root
from medchat_pipeline.core.data import schema
from medchat_pipeline.core.data.clean import clean_qac
from medchat_pipeline.core.data.merge import MERGED_SCHEMA, decontamination_items, merge_qac
from medchat_pipeline.core.data.source_version import source_data_version
from medchat_pipeline.core.data.sources import parse_source
from medchat_pipeline.core.data.split import split_leakage
from medchat_pipeline.core.data.templates import export_jsonl
from medchat_pipeline.defs.io_manager import frame_output
from medchat_pipeline.defs.resources import MedchatConfig

PREVIEW_COLUMNS = ("source", "kind", "question", "answer")


def build_data_defs(cfg: PipelineConfig) -> dg.Definitions:
    sources = list(cfg.data.sources.enabled())
    assets = [raw_source(s) for s in sources] + [qac_source(s) for s in sources]
    assets += [merged(sources), qac_rejects(sources), sft_exports]
    checks = [c for s in sources for c in qac_checks(f"qac_{s}")] + qac_checks("merged_qac") + [merged_split_leakage]
    # Observing the sources in the same run records which file versions each asset was built from.
    observed = dg.AssetSelection.assets(*(f"raw_{s}" for s in sources))
    refresh = dg.define_asset_job("refresh_data", selection=dg.AssetSelection.groups("sources", "data") | observed)
    return dg.Definitions(assets=assets, asset_checks=checks, jobs=[refresh], sensors=[source_update_sensor(sources)])


def raw_source(source: str) -> dg.AssetsDefinition:
    # Observable source assets are the documented way to version external files; the decorator is
    # still marked beta, which says nothing about this project, so its warning is silenced here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        decorator = dg.multi_observable_source_asset(
            name=f"observe_{source}",
            specs=[
                dg.AssetSpec(
                    f"raw_{source}",
                    group_name="sources",
                    kinds={"file"},
                    description=f"The {source} input as configured (native files or hub dataset); its data "
                    "version is the content hash of the files, so any edit marks everything downstream stale.",
                )
            ],
        )

        def _observe(context: dg.AssetExecutionContext, medchat: MedchatConfig):
            source_cfg = getattr(medchat.cfg.data.sources, source)
            version = source_data_version(source_cfg, project_root())
            yield dg.ObserveResult(
                asset_key=f"raw_{source}", data_version=dg.DataVersion(version), metadata={"mode": source_cfg.mode}
            )

        return decorator(_observe)


def qac_source(source: str) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name=f"parse_{source}",
        outs={
            f"qac_{source}": dg.AssetOut(
                group_name="sources",
                kinds={"polars", "parquet"},
                description=f"{source} records as cleaned QAC rows (parsed by core.data.sources.{source}, cleaned by core.data.clean).",
            ),
            f"rejects_{source}": dg.AssetOut(
                group_name="sources",
                kinds={"polars", "parquet"},
                description=f"{source} records that parsing or cleaning refused, each with a reason.",
            ),
        },
        deps=[f"raw_{source}"],
    )
    def _parse(context: dg.AssetExecutionContext, medchat: MedchatConfig):
        cfg = medchat.cfg
        parsed = parse_source(source, getattr(cfg.data.sources, source), project_root())
        cleaned = clean_qac(parsed.qac, cfg.data.cleaning)
        rejects = pl.concat([parsed.rejects, cleaned.rejects])
        yield frame_output(
            cleaned.kept,
            output_name=f"qac_{source}",
            metadata={
                "read": parsed.read,
                "parsed_rows": parsed.qac.height,
                "kept": cleaned.kept.height,
                "rejected": rejects.height,
                "reasons": schema.reason_counts(rejects),
                "cleaning": cleaned.stats,
                "parser": parsed.stats,
                "preview": dg.MetadataValue.md(markdown_preview(cleaned.kept)),
            },
        )
        yield frame_output(rejects, output_name=f"rejects_{source}", metadata={"rows": rejects.height})

    return _parse


def merged(sources: list[str]) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="merge_sources",
        outs={
            "merged_qac": dg.AssetOut(
                group_name="data",
                kinds={"polars", "parquet"},
                description="All sources as one QAC frame with split ∈ {train, val, test}: deduped, grouped "
                "and hash-split (no group crosses splits), training rows decontaminated against the test "
                "split and every evaluation benchmark set, train weighted by source bucket (core.data.merge.merge_qac).",
            ),
            "merge_rejects": dg.AssetOut(
                group_name="data",
                kinds={"polars", "parquet"},
                description="Rows removed while merging: duplicates, contaminated training rows, mix downsampling.",
            ),
        },
        ins={f"qac_{s}": dg.AssetIn(f"qac_{s}") for s in sources},
    )
    def _merge(context: dg.AssetExecutionContext, medchat: MedchatConfig, **qac_frames: pl.DataFrame):
        cfg = medchat.cfg
        items = decontamination_items(cfg, project_root())
        result = merge_qac([qac_frames[k] for k in sorted(qac_frames)], cfg.data, cfg.seed, items)
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
                "preview": dg.MetadataValue.md(markdown_preview(result.merged, (*PREVIEW_COLUMNS, "split"))),
            },
        )
        yield frame_output(result.rejects, output_name="merge_rejects", metadata={"rows": result.rejects.height})

    return _merge


def qac_rejects(sources: list[str]) -> dg.AssetsDefinition:
    @dg.asset(
        name="qac_rejects",
        group_name="data",
        kinds={"polars", "parquet"},
        description="Every record refused on the way to merged_qac (parse, clean, dedup, decontaminate, mix), "
        "with source, source_id, stage and reason: nothing is dropped silently.",
        ins={f"rejects_{s}": dg.AssetIn(f"rejects_{s}") for s in sources} | {"merge_rejects": dg.AssetIn("merge_rejects")},
    )
    def _all_rejects(**rejects: pl.DataFrame) -> dg.Output:
        table = pl.concat([rejects[k] for k in sorted(rejects)], how="vertical_relaxed").cast(schema.REJECT_SCHEMA)
        by_stage = dict(table.group_by("stage").len().sort("stage").iter_rows()) if table.height else {}
        return frame_output(
            table,
            metadata={"rows": table.height, "by_stage": by_stage, "reasons": schema.reason_counts(table)},
        )

    return _all_rejects


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


def qac_checks(asset: str) -> list[dg.AssetChecksDefinition]:
    expected = MERGED_SCHEMA if asset == "merged_qac" else schema.QAC_SCHEMA

    @dg.asset_check(asset=asset, name="schema_conforms", blocking=True, description="Columns and types are the QAC schema.")
    def _schema(frame: pl.DataFrame) -> dg.AssetCheckResult:
        actual = {name: str(dtype) for name, dtype in frame.schema.items()}
        wanted = {name: str(dtype) for name, dtype in expected.items()}
        return dg.AssetCheckResult(
            passed=actual == wanted, metadata={"mismatch": json.dumps(_schema_diff(actual, wanted))}
        )

    @dg.asset_check(asset=asset, name="no_empty_answers", blocking=True, description="Every row has a non-blank question and answer.")
    def _answers(frame: pl.DataFrame) -> dg.AssetCheckResult:
        blank = frame.filter(
            pl.col("answer").fill_null("").str.strip_chars().eq("") | pl.col("question").fill_null("").str.strip_chars().eq("")
        )
        return dg.AssetCheckResult(passed=blank.is_empty(), metadata={"blank_rows": blank.height})

    return [_schema, _answers]


@dg.asset_check(asset="merged_qac", name="zero_split_leakage", blocking=True, description="No group_id appears in two splits.")
def merged_split_leakage(merged_qac: pl.DataFrame) -> dg.AssetCheckResult:
    leaks = split_leakage(merged_qac)
    return dg.AssetCheckResult(
        passed=leaks.is_empty(),
        metadata={"leaking_groups": leaks.height, "examples": leaks.head(5)["group"].to_list()},
    )


def source_update_sensor(sources: list[str]) -> dg.SensorDefinition:
    @dg.sensor(
        name="source_update_sensor",
        job_name="refresh_data",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Hashes each source's files; on a change it records the new data version of raw_<source> "
        "and launches a run of the assets it made stale (qac_<source> and the merged data downstream).",
    )
    def _sensor(context: dg.SensorEvaluationContext, medchat: MedchatConfig) -> dg.SensorResult:
        observations, stale = [], []
        for source in sources:
            version = source_data_version(getattr(medchat.cfg.data.sources, source), project_root())
            raw_key = dg.AssetKey(f"raw_{source}")
            if _latest_observed_version(context.instance, raw_key) != version:
                observations.append(dg.AssetObservation(raw_key, tags={"dagster/data_version": version}))
            consumed = _consumed_version(context.instance, dg.AssetKey(f"qac_{source}"), raw_key)
            if consumed is not None and consumed != version:
                stale.append((source, version))
        requests = []
        if stale:
            selection = [dg.AssetKey(k) for s, _ in stale for k in (f"raw_{s}", f"qac_{s}", f"rejects_{s}")]
            selection += [dg.AssetKey(k) for k in ("merged_qac", "merge_rejects", "qac_rejects", "sft_exports")]
            run_key = "|".join(f"{s}:{v}" for s, v in stale)
            requests.append(dg.RunRequest(run_key=run_key, asset_selection=selection, tags={"medchat/stale_sources": ",".join(s for s, _ in stale)}))
        return dg.SensorResult(run_requests=requests, asset_events=observations)

    return _sensor


def _latest_observed_version(instance: dg.DagsterInstance, key: dg.AssetKey) -> str | None:
    record = instance.get_latest_data_version_record(key, is_source=True)
    return record.asset_observation.tags.get("dagster/data_version") if record and record.asset_observation else None


def _consumed_version(instance: dg.DagsterInstance, asset: dg.AssetKey, input_key: dg.AssetKey) -> str | None:
    """The input data version of `input_key` recorded by the latest materialization of `asset`
    ("INITIAL" when it was built before the source was ever observed: then its version is unknown
    and one rebuild makes it known)."""
    event = instance.get_latest_materialization_event(asset)
    if event is None or event.asset_materialization is None:
        return None
    return event.asset_materialization.tags.get(f"dagster/input_data_version/{input_key.to_user_string()}")


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
