"""The data assets materialized in-process on a real ephemeral instance: demo samples → merged_qac →
JSONL exports, blocking checks, metadata counts; and observed source files whose change marks
their downstream stale and makes the sensor launch the refresh."""

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
from dagster._core.loader import LoadingContextForTest

from medchat_pipeline.config import load_config, project_root
from medchat_pipeline.config.sources import SourcesConfig
from medchat_pipeline.defs.data import build_data_defs
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig

DEMO_DATA = project_root() / "medchat_pipeline" / "demo_data"


def with_resources(data_defs: dg.Definitions, profile: str) -> dg.Definitions:
    resources = dg.Definitions(
        resources={"medchat": MedchatConfig(profile=profile), "io_manager": MedchatIOManager(profile=profile)}
    )
    return dg.Definitions.merge(data_defs, resources)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One materialization of every data asset of the demo profile (shared by the tests below)."""
    storage = tmp_path_factory.mktemp("demo_storage")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDCHAT_STORAGE_DIR", str(storage))
        defs = with_resources(build_data_defs(load_config("demo")), "demo")
        instance = dg.DagsterInstance.ephemeral()
        result = defs.resolve_job_def("refresh_data").execute_in_process(instance=instance)
        yield result, instance, storage


def metadata(result, key: str) -> dict:
    [event] = [m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey(key)]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_demo_data_assets_materialize_and_every_blocking_check_passes(demo_run):
    result, _, _ = demo_run
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    enabled = list(load_config("demo").data.sources.enabled())
    assert {e.asset_key.to_user_string() for e in evaluations} == {f"qac_{s}" for s in enabled} | {"merged_qac"}
    assert all(e.passed for e in evaluations), [(e.asset_key, e.check_name) for e in evaluations if not e.passed]
    assert {e.check_name for e in evaluations} == {"schema_conforms", "no_empty_answers", "zero_split_leakage"}
    assert len(result.get_asset_observation_events()) == len(enabled)


def test_source_metadata_counts_add_up(demo_run):
    result, _, _ = demo_run
    meta = metadata(result, "qac_medmcqa")
    assert meta["read"] > 0 and meta["kept"] > 0
    clean_rejected = meta["cleaning"]["rejected"]
    assert meta["parsed_rows"] == meta["kept"] + clean_rejected
    assert meta["rejected"] == sum(meta["reasons"].values())
    assert "| source | kind | question | answer |" in meta["preview"]


def test_merged_qac_metadata_records_counts_splits_weights_and_seed(demo_run):
    result, _, storage = demo_run
    meta = metadata(result, "merged_qac")
    assert meta["read"] == meta["kept"] + meta["rejected"]
    assert meta["seed"] == load_config("demo").seed
    assert sum(meta["splits"].values()) == meta["kept"]
    assert meta["weights"]["target_shares"] == {"reasoning": 0.75, "conversational": 0.25}
    merged = pl.read_parquet(storage / "assets" / "merged_qac.parquet")
    assert merged.height == meta["kept"]
    assert set(merged["split"]) <= {"train", "val", "test"}
    sources_in = sum(metadata(result, f"qac_{s}")["kept"] for s in load_config("demo").data.sources.enabled())
    assert meta["read"] == sources_in


def test_qac_rejects_holds_every_stage_and_matches_the_counts(demo_run):
    result, _, storage = demo_run
    rejects = pl.read_parquet(storage / "assets" / "qac_rejects.parquet")
    per_source = sum(metadata(result, f"qac_{s}")["rejected"] for s in load_config("demo").data.sources.enabled())
    assert rejects.height == per_source + metadata(result, "merged_qac")["rejected"]
    assert rejects["reason"].null_count() == 0 and rejects["stage"].null_count() == 0


def test_sft_exports_are_written_per_template_and_split(demo_run):
    result, _, storage = demo_run
    manifest = json.loads((storage / "exports" / "manifest.json").read_text())
    assert manifest["templates"] == ["instruction", "role", "messages"]
    merged = pl.read_parquet(storage / "assets" / "merged_qac.parquet")
    train_lines = (storage / "exports" / "instruction" / "train.jsonl").read_text().splitlines()
    assert len(train_lines) == merged.filter(pl.col("split") == "train").height
    assert json.loads(train_lines[0])["text"].startswith("Question: ")


def test_disabled_sources_produce_no_assets():
    cfg = load_config("demo", overrides={"data": {"sources": {"medquad": {"enabled": False}, "drugehrqa": {"enabled": False}}}})
    keys = {k.to_user_string() for k in with_resources(build_data_defs(cfg), "demo").resolve_asset_graph().get_all_asset_keys()}
    assert "qac_medqa" in keys and "raw_medqa" in keys
    assert not {"raw_medquad", "qac_medquad", "rejects_medquad", "qac_drugehrqa"} & keys


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


def stale_status(defs: dg.Definitions, instance: dg.DagsterInstance, key: str) -> StaleStatus:
    resolver = CachingStaleStatusResolver(instance, defs.resolve_asset_graph(), LoadingContextForTest(instance))
    return resolver.get_status(dg.AssetKey(key))


def tick(defs: dg.Definitions, instance: dg.DagsterInstance, profile: str) -> dg.SensorResult:
    """One sensor evaluation; its observations are recorded as the daemon would record them."""
    sensor = defs.resolve_sensor_def("source_update_sensor")
    context = dg.build_sensor_context(instance=instance, definitions=defs, resources={"medchat": MedchatConfig(profile=profile)})
    result = sensor(context)
    for event in result.asset_events:
        instance.report_runless_asset_event(event)
    return result


def test_changing_a_source_file_marks_downstream_stale_and_the_sensor_refreshes_it(two_source_profile):
    profile = str(two_source_profile)
    defs = with_resources(build_data_defs(load_config(profile)), profile)
    instance = dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("refresh_data").execute_in_process(instance=instance).success
    assert stale_status(defs, instance, "qac_medqa") == StaleStatus.FRESH

    quiet = tick(defs, instance, profile)
    assert quiet.run_requests == [] and quiet.asset_events == []

    medqa_file = next((two_source_profile.parent / "medqa").glob("*.jsonl"))
    first, *rest = medqa_file.read_text().splitlines()
    record = json.loads(first)
    record["question"] = record["question"] + " The patient is also pregnant."
    medqa_file.write_text("\n".join([json.dumps(record), *rest]) + "\n")

    changed = tick(defs, instance, profile)
    assert [e.asset_key.to_user_string() for e in changed.asset_events] == ["raw_medqa"]
    assert stale_status(defs, instance, "qac_medqa") == StaleStatus.STALE
    assert stale_status(defs, instance, "qac_icliniq") == StaleStatus.FRESH
    [request] = changed.run_requests
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"qac_medqa", "rejects_medqa", "merged_qac", "qac_rejects", "sft_exports"} <= selected
    assert "qac_icliniq" not in selected

    rerun = defs.resolve_job_def("refresh_data").execute_in_process(
        instance=instance, asset_selection=request.asset_selection
    )
    assert rerun.success
    assert stale_status(defs, instance, "qac_medqa") == StaleStatus.FRESH
    assert stale_status(defs, instance, "merged_qac") == StaleStatus.FRESH
    assert tick(defs, instance, profile).run_requests == []


def test_a_source_edit_that_leaves_its_rows_unchanged_keeps_downstream_fresh(two_source_profile):
    """Frames are versioned by content: reformatting a source file re-parses it, but the same rows
    keep the same data version, so merged_qac and everything after it stay fresh."""
    profile = str(two_source_profile)
    defs = with_resources(build_data_defs(load_config(profile)), profile)
    instance = dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("refresh_data").execute_in_process(instance=instance).success
    before = materialized_version(instance, "qac_medqa")
    assert before.startswith("rows-")

    medqa_file = next((two_source_profile.parent / "medqa").glob("*.jsonl"))
    lines = medqa_file.read_text().splitlines()
    medqa_file.write_text("\n".join(json.dumps(json.loads(line), separators=(" , ", " : ")) for line in lines) + "\n")
    assert [e.asset_key.to_user_string() for e in tick(defs, instance, profile).asset_events] == ["raw_medqa"]
    assert stale_status(defs, instance, "qac_medqa") == StaleStatus.STALE

    rerun = defs.resolve_job_def("refresh_data").execute_in_process(
        instance=instance, asset_selection=[dg.AssetKey("qac_medqa"), dg.AssetKey("rejects_medqa")]
    )
    assert rerun.success
    assert materialized_version(instance, "qac_medqa") == before
    assert stale_status(defs, instance, "qac_medqa") == StaleStatus.FRESH
    assert stale_status(defs, instance, "merged_qac") == StaleStatus.FRESH


def materialized_version(instance: dg.DagsterInstance, key: str) -> str:
    record = instance.get_latest_data_version_record(dg.AssetKey(key))
    return record.asset_materialization.tags["dagster/data_version"]
