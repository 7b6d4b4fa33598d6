"""The training assets in a real Dagster instance (the `graph` fixture, conftest.py): SFT through Dagster
Pipes, GRPO in process, manifests with the upstream chain, then `medchat lineage` on the result."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from medchat_pipeline.cli import main as medchat
from medchat_pipeline.training.manifest import read_manifest

pytestmark = pytest.mark.slow


def test_sft_through_pipes_streams_logs_and_metrics_into_the_dagster_run(graph):
    run = graph["sft_run"]
    assert run.success
    messages = [e.message for e in graph["instance"].all_logs(run.run_id) if e.message]
    # Logged by the trainer process through the Pipes channel, not by the asset.
    assert any("sft: MLflow run" in m and "starting fresh" in m for m in messages)
    streamed = [m for m in messages if "metric reports streamed from the trainer" in m]
    assert streamed and int(streamed[0].split(": ")[1].split()[0]) >= 1
    value = run.output_for_node("sft_lora_adapter")
    manifest = read_manifest(value["adapter_dir"])
    assert manifest["dagster"] == {"run_id": run.run_id, "asset_key": "sft_lora_adapter"}


def test_asset_metadata_carries_metrics_and_mlflow_run_id(graph):
    record = graph["instance"].fetch_materializations(dg.AssetKey("sft_lora_adapter"), limit=1).records[0]
    metadata = record.asset_materialization.metadata
    value = graph["sft_run"].output_for_node("sft_lora_adapter")
    assert metadata["mlflow_run_id"].value == value["mlflow_run_id"]
    assert metadata["metric/train_loss"].value > 0
    assert record.asset_materialization.tags["dagster/data_version"] == read_manifest(value["adapter_dir"])["adapter_fingerprint"]


def test_grpo_continues_the_sft_adapter_and_logs_each_reward(graph):
    run = graph["grpo_run"]
    assert run.success
    value = run.output_for_node("grpo_adapter")
    manifest = read_manifest(value["adapter_dir"])
    sft_value = graph["sft_run"].output_for_node("sft_lora_adapter")
    assert manifest["parent_adapter"]["adapter_dir"] == sft_value["adapter_dir"]
    assert manifest["adapter_fingerprint"] != manifest["parent_adapter"]["adapter_fingerprint"]
    assert {"reward/difflib_ratio", "reward/safety_penalty", "reward/citation_bonus"} <= set(manifest["metrics"])
    # beta > 0: TRL trained against a frozen "ref" copy of the SFT adapter, which is not saved with the result
    assert manifest["recipe"]["grpo"]["beta"] > 0 and not (Path(value["adapter_dir"]) / "ref").exists()
    assert manifest["data"]["train_rows"] == 2 + 1  # max_train_rows + one escalation prompt
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=manifest["mlflow"]["tracking_uri"])
    logged = client.get_run(manifest["mlflow"]["run_id"]).data.metrics
    assert {"rewards/difflib_ratio/mean", "rewards/safety_penalty/mean", "rewards/citation_bonus/mean"} <= set(logged)


def test_manifest_lists_every_upstream_asset_with_its_data_version(graph):
    instance = graph["instance"]
    manifest = read_manifest(graph["grpo_run"].output_for_node("grpo_adapter")["adapter_dir"])
    upstream = {u["asset_key"]: u for u in manifest["upstream"]}
    assert set(upstream) == {"training_mix", "sft_lora_adapter", "base_model", "raw_fixture_rows"}
    mix = instance.fetch_materializations(dg.AssetKey("training_mix"), limit=1).records[0]
    assert upstream["training_mix"]["data_version"] == mix.asset_materialization.tags["dagster/data_version"]
    assert upstream["training_mix"]["row_count"] == 10
    assert upstream["raw_fixture_rows"]["event"] == "observation"
    assert upstream["sft_lora_adapter"]["run_id"] == graph["sft_run"].run_id


def test_lineage_command_prints_the_upstream_chain(graph, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(graph["home"]))
    runner = CliRunner()
    result = runner.invoke(medchat, ["lineage", "grpo_adapter", "--json"])
    assert result.exit_code == 0, result.output
    chain = json.loads(result.output)
    assert chain["asset_key"] == "grpo_adapter" and chain["run_id"] == graph["grpo_run"].run_id
    by_key = {u["asset_key"]: u for u in chain["upstream"]}
    assert set(by_key) == {"training_mix", "sft_lora_adapter", "base_model", "raw_fixture_rows"}
    assert all({"asset_key", "data_version", "run_id", "timestamp"} <= set(u) for u in chain["upstream"])
    assert by_key["sft_lora_adapter"]["run_id"] == graph["sft_run"].run_id
    assert by_key["raw_fixture_rows"]["depth"] > by_key["training_mix"]["depth"]

    adapter_dir = graph["sft_run"].output_for_node("sft_lora_adapter")["adapter_dir"]
    text = runner.invoke(medchat, ["lineage", adapter_dir])
    assert text.exit_code == 0, text.output
    assert text.output.startswith("sft_lora_adapter  data_version=")
    assert "<- training_mix" in text.output and "<- raw_fixture_rows" in text.output and "(observation)" in text.output

    missing = runner.invoke(medchat, ["lineage", "no_such_asset"])
    assert missing.exit_code != 0 and "neither an adapter directory" in missing.output
