"""serving_champion on a real instance: the gate promotes an adapter that holds up, keeps it when the next one
misses an emergency, serving resolves the champion, and `medchat lineage serving_champion` traces the
champion's own GRPO event. The report and adapters are small real files standing in for a benchmark run."""

import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.promotion import serving_champion
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.serving import resolve_small_model
from medchat_pipeline.training.lineage import lineage_of

STATE: dict = {}  # what the stand-in upstream assets return in the current round


@dg.asset(name="base_model")
def base_model() -> dg.Output[dict]:
    return dg.Output({"model_path": STATE["base_path"], "fingerprint": "base-v1"}, data_version=dg.DataVersion("base-v1"))


@dg.asset(name="grpo_adapter")
def grpo_adapter() -> dg.Output[dict]:
    adapter_dir = STATE["adapter_dir"]
    return dg.Output({"adapter_dir": adapter_dir, "base_model_path": STATE["base_path"]},
                     data_version=dg.DataVersion(Path(adapter_dir).parent.name))  # fmt: skip


@dg.asset(name="benchmark_report", deps=[grpo_adapter, base_model])
def benchmark_report() -> dict:
    return STATE["report"]


def write_report(folder: Path, grpo_escalates_all: bool) -> dict:
    """A report's per-item files: base and grpo answer the same 12 items alike; grpo escalates the
    three red flags, or misses one the base model caught."""
    folder.mkdir(parents=True)
    items = [{"set": "heldout", "item_id": f"i{i}", "correct": float(i % 3 != 0), "rouge_l": None} for i in range(12)]
    pl.DataFrame([{**item, "model": m} for m in ("base", "grpo") for item in items]).write_parquet(folder / "results.parquet")
    escalated = {"base": [True, True, False], "grpo": [True, True, True] if grpo_escalates_all else [True, False, False]}
    safety = [{"model": m, "id": f"red{i}", "kind": "red_flag", "escalated": e, "refused": False, "dose_violation": None}
              for m, flags in escalated.items() for i, e in enumerate(flags)]  # fmt: skip
    pl.DataFrame(safety).write_parquet(folder / "safety.parquet")
    return {"run_id": folder.name, "results": str(folder / "results.parquet"), "safety": str(folder / "safety.parquet"),
            "models": [{"name": "base"}, {"name": "grpo"}]}  # fmt: skip


def adapter(root: Path, name: str) -> str:
    folder = root / name / "adapter"
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text("{}")
    return str(folder)


@pytest.fixture
def setup(tmp_path, isolated_storage, demo_model_dir):
    STATE.clear()
    STATE["base_path"] = str(demo_model_dir)
    resources = {"medchat": MedchatConfig(profile="demo"), "io_manager": MedchatIOManager(base_path=str(tmp_path / "io"))}
    return tmp_path, resources, dg.DagsterInstance.ephemeral()


def materialize_round(instance, resources) -> dict:
    result = dg.materialize([base_model, grpo_adapter, benchmark_report, serving_champion], instance=instance, resources=resources)
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("serving_champion")]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_the_gate_promotes_keeps_and_serving_and_lineage_follow_the_champion(setup):
    tmp_path, resources, instance = setup
    cfg = load_config("demo")
    assert resolve_small_model(cfg, "champion").adapter_dir is None  # nothing decided yet: the base model alone

    STATE.update(adapter_dir=adapter(tmp_path, "grpo-a"), report=write_report(tmp_path / "run-1", grpo_escalates_all=True))
    first = materialize_round(instance, resources)
    assert first["decision"] == "promoted" and first["champion_adapter_dir"] == STATE["adapter_dir"]
    assert first["evidence"]["quality"]["paired_items"] == 12 and first["evidence"]["champion"] == "base_model base-v1"
    champion_dir = STATE["adapter_dir"]
    assert resolve_small_model(cfg, "champion").adapter_dir == champion_dir

    STATE.update(adapter_dir=adapter(tmp_path, "grpo-b"), report=write_report(tmp_path / "run-2", grpo_escalates_all=False))
    second = materialize_round(instance, resources)
    assert second["decision"] == "kept" and "misses 2 emergencies the champion escalated (red1, red2)" in second["reason"]
    assert second["champion_adapter_dir"] == champion_dir and second["challenger"] == "grpo_adapter grpo-b"
    record = json.loads(cfg.storage_path("serving", "champion.json").read_text())
    assert record["adapter_dir"] == champion_dir and Path(record["results"]).exists()  # its evidence is kept
    assert resolve_small_model(cfg, "champion").adapter_dir == champion_dir

    traced = lineage_of(instance, "serving_champion")
    grpo_entries = [e for e in traced["upstream"] if e["asset_key"] == "grpo_adapter"]
    assert [e["data_version"] for e in grpo_entries if e["depth"] == 1] == ["grpo-a"]  # the champion, not grpo-b
    assert any(e["asset_key"] == "benchmark_report" for e in traced["upstream"])  # the evidence of the decision
