"""The data assets materialized in-process on a real ephemeral instance: demo samples → merged_qac →
JSONL exports, blocking checks (per source partition), metadata counts; and observed source files whose
change marks their partition downstream stale, recorded by the observation sensor."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

# Internal, but it is what the UI uses to show "stale"; no public API answers the question.
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.definitions.observe import observe  # not re-exported at top level in 1.13
from dagster._core.loader import LoadingContextForTest

from medchat_pipeline.config import load_config, project_root
from medchat_pipeline.config.sources import SourcesConfig
from medchat_pipeline.core.data.merge import MERGED_SCHEMA
from medchat_pipeline.core.data.source_version import frame_content_version
from medchat_pipeline.defs.automation import rebuild_when_stale
from medchat_pipeline.defs.data import RAW_SOURCE, build_data_defs, source_slice
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig

DEMO_DATA = project_root() / "medchat_pipeline" / "demo_data"
PER_SOURCE = [dg.AssetKey("source_qac"), dg.AssetKey("source_rejects")]
MERGED_STAGE = [dg.AssetKey(k) for k in ("merged_qac", "merge_rejects", "qac_rejects", "sft_exports")]


def with_resources(data_defs: dg.Definitions, profile: str) -> dg.Definitions:
    resources = dg.Definitions(
        resources={"medchat": MedchatConfig(profile=profile), "io_manager": MedchatIOManager(profile=profile)}
    )
    return dg.Definitions.merge(data_defs, resources)


def materialize(defs: dg.Definitions, instance: dg.DagsterInstance, keys: list[dg.AssetKey], partition: str | None = None):
    """One run of `keys` (and their checks) through the code location's own job, as `medchat run` does."""
    job = defs.resolve_implicit_job_def_def_for_assets(keys)
    return job.execute_in_process(instance=instance, asset_selection=keys, partition_key=partition)


def materialize_data(defs: dg.Definitions, instance: dg.DagsterInstance) -> list:
    """Observe the sources, parse each partition, then merge: every data asset, once."""
    graph = defs.resolve_asset_graph()
    observe([graph.get(RAW_SOURCE).assets_def], instance=instance)
    partitions = graph.get(dg.AssetKey("source_qac")).partitions_def.get_partition_keys()
    results = [materialize(defs, instance, PER_SOURCE, p) for p in partitions]
    return [*results, materialize(defs, instance, MERGED_STAGE)]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One materialization of every data asset of the demo profile (shared by the tests below)."""
    storage = tmp_path_factory.mktemp("demo_storage")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDCHAT_STORAGE_DIR", str(storage))
        defs = with_resources(build_data_defs(load_config("demo")), "demo")
        instance = dg.DagsterInstance.ephemeral()
        results = materialize_data(defs, instance)
        yield results, instance, storage


def metadata(instance: dg.DagsterInstance, key: str, partition: str | None = None) -> dict:
    records_filter = dg.AssetRecordsFilter(asset_key=dg.AssetKey(key), asset_partitions=[partition] if partition else None)
    [record] = instance.fetch_materializations(records_filter, limit=1).records
    return {k: v.value for k, v in record.asset_materialization.metadata.items()}


def test_demo_data_assets_materialize_and_every_blocking_check_passes(demo_run):
    results, instance, _ = demo_run
    assert all(r.success for r in results)
    evaluations = [e for r in results for e in r.get_asset_check_evaluations()]
    enabled = list(load_config("demo").data.sources.enabled())
    checked = {(e.asset_key.to_user_string(), e.partition) for e in evaluations}
    assert checked == {("source_qac", s) for s in enabled} | {("merged_qac", None)}
    assert all(e.passed for e in evaluations), [(e.asset_key, e.partition, e.check_name) for e in evaluations if not e.passed]
    assert {e.check_name for e in evaluations} == {"schema_conforms", "no_empty_answers", "zero_split_leakage"}
    observed = instance.fetch_observations(RAW_SOURCE, limit=100).records
    assert sorted(r.partition_key for r in observed) == sorted(enabled)


def test_source_metadata_counts_add_up(demo_run):
    _, instance, _ = demo_run
    meta = metadata(instance, "source_qac", "medmcqa")
    assert meta["read"] > 0 and meta["kept"] > 0
    clean_rejected = meta["cleaning"]["rejected"]
    assert meta["parsed_rows"] == meta["kept"] + clean_rejected
    assert meta["rejected"] == sum(meta["reasons"].values())
    assert "| source | kind | question | answer |" in meta["preview"]
    observed = instance.get_latest_data_version_record(RAW_SOURCE, is_source=True, partition_key="medmcqa")
    assert meta["source_data_version"] == observed.asset_observation.tags["dagster/data_version"]


def test_merged_qac_metadata_records_counts_splits_weights_seed_and_source_slices(demo_run):
    _, instance, storage = demo_run
    meta = metadata(instance, "merged_qac")
    assert meta["read"] == meta["kept"] + meta["rejected"]
    assert meta["seed"] == load_config("demo").seed
    assert sum(meta["splits"].values()) == meta["kept"]
    assert meta["weights"]["target_shares"] == {"reasoning": 0.75, "conversational": 0.25}
    merged = pl.read_parquet(storage / "assets" / "merged_qac.parquet")
    assert merged.height == meta["kept"]
    assert set(merged["split"]) <= {"train", "val", "test"}
    enabled = load_config("demo").data.sources.enabled()
    assert meta["read"] == sum(metadata(instance, "source_qac", s)["kept"] for s in enabled)
    assert meta["source_slices"] == {s: frame_content_version(source_slice(merged, s)) for s in sorted(enabled)}
    # What the UI shows for every frame: its row count and column schema, under Dagster's own keys.
    assert meta["dagster/row_count"] == merged.height
    assert [(c.name, c.type) for c in meta["dagster/column_schema"].columns] == [(n, str(t)) for n, t in MERGED_SCHEMA.items()]


def test_qac_rejects_holds_every_stage_and_matches_the_counts(demo_run):
    _, instance, storage = demo_run
    rejects = pl.read_parquet(storage / "assets" / "qac_rejects.parquet")
    per_source = sum(metadata(instance, "source_qac", s)["rejected"] for s in load_config("demo").data.sources.enabled())
    assert rejects.height == per_source + metadata(instance, "merged_qac")["rejected"]
    assert rejects["reason"].null_count() == 0 and rejects["stage"].null_count() == 0


def test_sft_exports_are_written_per_template_and_split(demo_run):
    _, _, storage = demo_run
    manifest = json.loads((storage / "exports" / "manifest.json").read_text())
    assert manifest["templates"] == ["instruction", "role", "messages"]
    merged = pl.read_parquet(storage / "assets" / "merged_qac.parquet")
    train_lines = (storage / "exports" / "instruction" / "train.jsonl").read_text().splitlines()
    assert len(train_lines) == merged.filter(pl.col("split") == "train").height
    assert json.loads(train_lines[0])["text"].startswith("Question: ")


def test_disabled_sources_have_no_partition():
    cfg = load_config("demo", overrides={"data": {"sources": {"medquad": {"enabled": False}, "drugehrqa": {"enabled": False}}}})
    graph = with_resources(build_data_defs(cfg), "demo").resolve_asset_graph()
    for key in ("raw_source", "source_qac", "source_rejects"):
        partitions = set(graph.get(dg.AssetKey(key)).partitions_def.get_partition_keys())
        assert "medqa" in partitions and not {"medquad", "drugehrqa"} & partitions


@pytest.fixture
def two_source_profile(tmp_path) -> Path:
    """A profile with only medqa and icliniq enabled, reading copies of the demo files we may edit."""
    for source in ("medqa", "icliniq"):
        shutil.copytree(DEMO_DATA / source, tmp_path / source)
    sources = {name: {"enabled": False} for name in SourcesConfig.model_fields}
    sources["medqa"] = {"paths": [str(tmp_path / "medqa" / "*.jsonl")]}
    sources["icliniq"] = {"paths": [str(tmp_path / "icliniq" / "*")]}
    profile = tmp_path / "two_sources.yaml"
    profile.write_text(yaml.safe_dump({"profile": "two_sources", "data": {"sources": sources}}))
    return profile


def stale_status(defs: dg.Definitions, instance: dg.DagsterInstance, key: str, partition: str | None = None) -> StaleStatus:
    resolver = CachingStaleStatusResolver(instance, defs.resolve_asset_graph(), LoadingContextForTest(instance))
    return resolver.get_status(dg.AssetKey(key), partition)


def tick(defs: dg.Definitions, instance: dg.DagsterInstance, profile: str) -> dg.SensorResult:
    """One sensor evaluation; its observations are recorded as the daemon would record them."""
    sensor = defs.resolve_sensor_def("source_observation_sensor")
    context = dg.build_sensor_context(instance=instance, definitions=defs, resources={"medchat": MedchatConfig(profile=profile)})
    result = sensor(context)
    for event in result.asset_events:
        instance.report_runless_asset_event(event)
    return result


def edit_first_medqa_record(profile_path: Path, edit) -> None:
    medqa_file = next((profile_path.parent / "medqa").glob("*.jsonl"))
    first, *rest = medqa_file.read_text().splitlines()
    medqa_file.write_text("\n".join([json.dumps(edit(json.loads(first))), *rest]) + "\n")


def test_changing_a_source_file_is_observed_and_marks_only_its_partition_stale(two_source_profile):
    profile = str(two_source_profile)
    defs = with_resources(build_data_defs(load_config(profile)), profile)
    instance = dg.DagsterInstance.ephemeral()
    assert all(r.success for r in materialize_data(defs, instance))
    assert stale_status(defs, instance, "source_qac", "medqa") == StaleStatus.FRESH
    assert tick(defs, instance, profile).asset_events == []  # nothing changed: nothing recorded

    edit_first_medqa_record(two_source_profile, lambda r: {**r, "question": r["question"] + " The patient is also pregnant."})
    changed = tick(defs, instance, profile)
    assert [(e.asset_key.to_user_string(), e.partition) for e in changed.asset_events] == [("raw_source", "medqa")]
    assert changed.run_requests == []  # rebuilding is automation's job (defs/automation.py)
    assert stale_status(defs, instance, "source_qac", "medqa") == StaleStatus.STALE
    assert stale_status(defs, instance, "source_qac", "icliniq") == StaleStatus.FRESH

    assert materialize(defs, instance, PER_SOURCE, "medqa").success
    assert stale_status(defs, instance, "source_qac", "medqa") == StaleStatus.FRESH
    assert stale_status(defs, instance, "merged_qac") == StaleStatus.STALE
    assert materialize(defs, instance, MERGED_STAGE).success
    assert stale_status(defs, instance, "merged_qac") == StaleStatus.FRESH
    assert tick(defs, instance, profile).asset_events == []


def test_a_source_edit_that_leaves_its_rows_unchanged_keeps_downstream_fresh(two_source_profile):
    """Frames are versioned by content: reformatting a source file re-parses it, but the same rows
    keep the same data version, so merged_qac and everything after it stay fresh."""
    profile = str(two_source_profile)
    defs = with_resources(build_data_defs(load_config(profile)), profile)
    instance = dg.DagsterInstance.ephemeral()
    assert all(r.success for r in materialize_data(defs, instance))
    before = materialized_version(instance, "source_qac", "medqa")
    assert before.startswith("rows-")

    medqa_file = next((two_source_profile.parent / "medqa").glob("*.jsonl"))
    lines = medqa_file.read_text().splitlines()
    medqa_file.write_text("\n".join(json.dumps(json.loads(line), separators=(" , ", " : ")) for line in lines) + "\n")
    assert [e.partition for e in tick(defs, instance, profile).asset_events] == ["medqa"]
    assert stale_status(defs, instance, "source_qac", "medqa") == StaleStatus.STALE

    assert materialize(defs, instance, PER_SOURCE, "medqa").success
    assert materialized_version(instance, "source_qac", "medqa") == before
    assert stale_status(defs, instance, "source_qac", "medqa") == StaleStatus.FRESH
    assert stale_status(defs, instance, "merged_qac") == StaleStatus.FRESH


def materialized_version(instance: dg.DagsterInstance, key: str, partition: str | None = None) -> str:
    record = instance.get_latest_data_version_record(dg.AssetKey(key), partition_key=partition)
    return record.asset_materialization.tags["dagster/data_version"]


def test_automation_on_the_real_data_assets_rebuilds_the_changed_partition_then_what_reads_it(two_source_profile):
    """The data group with its real checks (per partition on source_qac) and `rebuild_when_stale`: the
    sensor's observation of one edited file leads, tick by tick, to that partition, then the merge."""
    profile = str(two_source_profile)
    defs = with_resources(build_data_defs(load_config(profile)), profile).permissive_map_resolved_asset_specs(
        func=lambda spec: spec.replace_attributes(automation_condition=rebuild_when_stale()), selection=dg.AssetSelection.all()
    )
    instance = dg.DagsterInstance.ephemeral()
    assert all(r.success for r in materialize_data(defs, instance))
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert result.total_requested == 0

    edit_first_medqa_record(two_source_profile, lambda r: {**r, "question": r["question"] + " She is pregnant."})
    tick(defs, instance, profile)
    ticks = []
    for _ in range(5):
        result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=result.cursor)
        requested = {(k.to_user_string(), p) for k in defs.resolve_asset_graph().materializable_asset_keys
                     for p in result.get_requested_partitions(k)}  # fmt: skip
        if not requested:
            break
        ticks.append(requested)
        for partition in {p for _, p in requested}:
            assert materialize(defs, instance, [dg.AssetKey(k) for k, p in requested if p == partition], partition).success
    assert ticks[:2] == [{("source_qac", "medqa"), ("source_rejects", "medqa")}, {("merged_qac", None), ("merge_rejects", None)}]
    rebuilt = [item for requested in ticks for item in requested]
    assert len(rebuilt) == len(set(rebuilt)) and not any(p == "icliniq" for _, p in rebuilt)
