"""The triage assets in a real ephemeral Dagster instance: the dataset, the trained model, the `latest`
pointer every consumer loads, and the model reproducing the figures its asset recorded."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.core.safety.patterns import CONTEXT_FEATURES
from medchat_pipeline.core.safety.triage import Triage, latest_model_pointer, load_triage
from medchat_pipeline.core.safety.triage_build import evaluate
from medchat_pipeline.core.safety.triage_data import load_dataset_cases, load_triage_cases
from medchat_pipeline.core.safety.triage_eval import flat_metrics
from medchat_pipeline.defs import safety
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.serving.routing import build_router

pytestmark = pytest.mark.slow  # trains the head (~20 s of scikit-learn) and measures every case twice


@pytest.fixture(scope="module")
def materialized(tmp_path_factory):
    """Both assets materialized once into their own storage (the module's tests read the result)."""
    storage = tmp_path_factory.mktemp("triage_storage")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDCHAT_STORAGE_DIR", str(storage))
        with dg.DagsterInstance.ephemeral() as instance:
            result = dg.materialize(
                [safety.triage_dataset, safety.triage_model], instance=instance,
                resources={"io_manager": MedchatIOManager(), "medchat": MedchatConfig()},
            )
            assert result.success
            events = {
                key: instance.get_latest_materialization_event(dg.AssetKey(key)).asset_materialization
                for key in ("triage_dataset", "triage_model")
            }
            yield storage, result.output_for_node("triage_model"), events


def test_the_dataset_asset_stores_every_case_with_its_split(materialized):
    _, _, events = materialized
    metadata = events["triage_dataset"].metadata
    cases = load_dataset_cases()
    assert metadata["dagster/row_count"].value == len(cases) >= 400
    # The spent first blind set is trained on (dev, origin blind1), never measured as test.
    assert metadata["origin/blind1"].value == sum(case.origin == "blind1" for case in cases) > 0
    assert all(case.split == "dev" for case in cases if case.origin != "cases")
    assert metadata["dev/emergencies"].value + metadata["test/emergencies"].value >= 200
    assert metadata["dev/non_emergencies"].value + metadata["test/non_emergencies"].value >= 200


def test_the_model_asset_writes_the_pointer_and_records_its_figures(materialized, monkeypatch):
    storage, value, events = materialized
    metadata = events["triage_model"].metadata
    pointer = latest_model_pointer(storage)
    assert json.loads(pointer.read_text())["model_dir"] == value["model_dir"]
    assert metadata["threshold"].value == pytest.approx(value["threshold"]) and 0.0 < value["threshold"] < 1.0
    assert "dev" in metadata["threshold_rule"].value or "recall" in metadata["threshold_rule"].value
    # Goals of the issue, on the held-out split (see benchmarks/RESULTS.md for the history of this figure).
    assert metadata["test/recall"].value >= 0.98
    assert metadata["test/hard_false_alarm_rate"].value <= 0.10
    # The possible-emergency tier lies below the emergency threshold, so it adds safety-net lines and never
    # takes an emergency away; its figures are recorded beside the emergency tier's.
    assert 0.0 < metadata["possible_threshold"].value == value["possible_threshold"] < value["threshold"]
    assert "recall" in metadata["possible_threshold_rule"].value or "budget" in metadata["possible_threshold_rule"].value
    assert metadata["test/recall_either_tier"].value >= metadata["test/recall"].value
    assert metadata["test/hard_false_alarm_rate_either_tier"].value >= metadata["test/hard_false_alarm_rate"].value
    manifest = json.loads((Path(value["model_dir"]) / "manifest.json").read_text())
    assert Triage.load(value["model_dir"]).possible_threshold == manifest["possible_threshold"]
    assert manifest["lineage"]["upstream"][0]["asset_key"] == "triage_dataset"
    # The head reads the pattern layer's context flags, and each one learned on dev lowers the emergency score,
    # but for a medication question: since round 4 dev holds dosing errors (methotrexate daily, insulin mix-ups)
    # told as medication questions, so that flag no longer says "safe" (its weight is near zero, either sign).
    assert manifest["context_features"] == list(CONTEXT_FEATURES)
    weights = manifest["training"]["context_weights"]
    assert set(weights) == set(CONTEXT_FEATURES)
    assert all(weight < 0 for name, weight in weights.items() if name != "medication_question")
    assert abs(weights["medication_question"]) < 1.0
    assert manifest["dataset_version"] == events["triage_dataset"].metadata["dataset_version"].value

    # Every consumer finds it through the profile: serving/routing (build_router) and the reward's load_triage.
    monkeypatch.setenv("MEDCHAT_STORAGE_DIR", str(storage))
    cfg = load_config("demo")
    triage = load_triage(cfg)
    assert triage.fallback_reason is None and triage.model_dir == value["model_dir"]
    router = build_router(cfg)
    assert router.triage.head is not None and router.route("I cant breathe").emergency


def test_the_trained_model_reproduces_its_recorded_figures(materialized):
    _, value, _ = materialized
    manifest = json.loads((Path(value["model_dir"]) / "manifest.json").read_text())
    figures = evaluate(Triage.load(value["model_dir"]), load_triage_cases())
    assert flat_metrics(figures["test"], "test/") == {k: v for k, v in value["metrics"].items() if k.startswith("test/")}
    assert figures["test"]["missed"] == manifest["metrics"]["test"]["missed"]
    assert figures["test"]["false_alarms"] == manifest["metrics"]["test"]["false_alarms"]


def test_a_changed_head_is_refused_and_the_patterns_take_over(materialized, tmp_path):
    _, value, _ = materialized
    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("manifest.json", "head.npz"):
        (copy / name).write_bytes((Path(value["model_dir"]) / name).read_bytes())
    (copy / "head.npz").write_bytes((copy / "head.npz").read_bytes()[:-10] + b"0123456789")
    triage = Triage.load(copy)
    assert triage.head is None and "sha256" in triage.fallback_reason

    other = tmp_path / "other_features"
    other.mkdir()
    manifest = json.loads((Path(value["model_dir"]) / "manifest.json").read_text())
    manifest["context_features"] = ["past", "figurative"]
    (other / "manifest.json").write_text(json.dumps(manifest))
    (other / "head.npz").write_bytes((Path(value["model_dir"]) / "head.npz").read_bytes())
    triage = Triage.load(other)
    assert triage.head is None and "context features" in triage.fallback_reason
    assert triage.assess(["I cant breathe"]).emergency  # the patterns still decide
