"""The merged_qac asset itself is fed every evaluation benchmark set (the wiring, not only the core)."""

from __future__ import annotations

import os

import dagster as dg
import pytest
import yaml

from medchat_pipeline.config import load_config
from medchat_pipeline.defs.data import build_data_defs
from medchat_pipeline_tests.defs.test_data_assets import materialize_data, metadata, with_resources


def test_merged_qac_is_decontaminated_against_the_evaluation_sets(tmp_path, isolated_storage):
    profile = load_config("demo").model_dump()
    sources = profile["data"]["sources"]
    for name in sources:  # two sources keep it short; the evaluation sets are the demo's own
        sources[name]["enabled"] = name in ("medqa", "medmcqa")
    path = tmp_path / "two_sources.yaml"
    path.write_text(yaml.safe_dump(profile))
    defs = with_resources(build_data_defs(load_config(str(path))), str(path))
    instance = dg.DagsterInstance.ephemeral()
    assert all(r.success for r in materialize_data(defs, instance))
    stats = metadata(instance, "merged_qac")["decontamination"]
    assert stats["eval_items_by_origin"]["benchmark:mmlu_medical"] == 1089  # shipped, so present everywhere
    if "benchmark:medqa" not in stats["eval_items_by_origin"]:  # ../shared/data absent: as the shared_data fixture
        message = "the shared MedQA slice is absent; the shipped MMLU set was checked"
        pytest.fail(message) if os.environ.get("CI", "").lower() == "true" else pytest.skip(message)
    assert stats["eval_items_by_origin"]["benchmark:medqa"] == 300
