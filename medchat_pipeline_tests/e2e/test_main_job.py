"""The main job end to end: `medchat run` over the whole graph, then `medchat lineage` on its adapter.

Runs the real CLI in a subprocess on the demo profile, shrunk (three sources, one teacher question
per partition, two training steps, two benchmark items) so it fits in CI; every asset of the graph
is still materialized, with the real local teacher, the real SmolLM2 training and evaluation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from medchat_pipeline.config import configs_dir, project_root

ENABLED = ("medqa", "pubmedqa", "healthcaremagic")
ALL_SOURCES = (
    "meddialog_en", "healthcaremagic", "icliniq", "medmcqa", "medqa",
    "pubmedqa", "medquad", "drugehrqa", "mimic_iv_medications",
)
SHRINK = {
    "augment": {"methods": ["paraphrase", "synonym"], "max_questions_per_partition": 1, "max_tokens": 32},
    "distill": {"modes": ["response", "cot"], "max_questions_per_partition": 1, "max_tokens": 32,
                "preference_max_questions": 1},
    "training": {"sft": {"max_steps": 2, "eval_steps": 2, "save_steps": 2},
                 "grpo": {"max_steps": 1, "save_steps": 1}},
    "evaluation": {"max_items_per_set": 2, "test_split_items": 2, "max_new_tokens": 8,
                   "free_text_max_new_tokens": 8, "bootstrap_resamples": 100, "safety_checks": False,
                   "human_eval_items": 2},
}


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@pytest.fixture(scope="module")
def small_demo_profile(tmp_path_factory) -> Path:
    profile = yaml.safe_load((configs_dir() / "demo.yaml").read_text())
    profile = _merge(profile, SHRINK)
    for source in ALL_SOURCES:
        profile["data"]["sources"][source]["enabled"] = source in ENABLED
    profile["profile"] = "demo-small"
    path = tmp_path_factory.mktemp("profile") / "demo-small.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


def _medchat(*args: str, env: dict) -> subprocess.CompletedProcess:
    medchat = Path(sys.executable).with_name("medchat")
    return subprocess.run(
        [str(medchat), *args], env=env, cwd=project_root(), capture_output=True, text=True, timeout=1500
    )


@pytest.mark.slow
def test_main_job_materializes_the_whole_graph_and_lineage_traces_the_adapter(
    small_demo_profile, tmp_path, isolated_storage
):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "MEDCHAT_STORAGE_DIR": str(isolated_storage)}
    run = _medchat("run", "--profile", str(small_demo_profile), "--log-level", "WARNING", env=env)
    assert run.returncode == 0, run.stderr[-4000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["failed_runs"] == 0
    for asset in ("merged_qac", "augmented_qac", "distilled_qac", "training_mix", "sft_lora_adapter",
                  "grpo_adapter", "benchmark_report", "weak_areas", "qac_rejects", "review_sample"):
        assert asset in summary["assets"], asset
    assert (tmp_path / "dagster_home" / "dagster.yaml").exists()

    lineage = _medchat("lineage", "grpo_adapter", "--json", env=env)
    assert lineage.returncode == 0, lineage.stderr[-2000:]
    entries = json.loads(lineage.stdout)["upstream"]
    upstream = {entry["asset_key"]: entry for entry in entries}
    # Partitions follow the enabled sources (a disabled one has none), and every one is traced: training_mix
    # read every partition of the augmented and distilled sets, merged_qac every source_qac partition.
    for partitioned in ("augmented_qac", "distilled_qac", "source_qac", "raw_source"):
        assert {e["partition"] for e in entries if e["asset_key"] == partitioned} == set(ENABLED), partitioned
    for key in ("sft_lora_adapter", "training_mix", "merged_qac", "source_qac", "raw_source", "base_model"):
        assert key in upstream, sorted(upstream)
        assert upstream[key]["run_id"] or key == "raw_source"
    # Each source's version is the content hash of its files, observed before the run.
    for entry in (e for e in entries if e["asset_key"] == "raw_source"):
        assert entry["event"] == "observation" and entry["data_version"].startswith("files-")

    manifests = list((isolated_storage / "adapters").rglob("manifest.json"))
    stages = {json.loads(m.read_text())["stage"] for m in manifests}
    assert {"sft", "grpo"} <= stages
    reports = list((isolated_storage / "reports").rglob("report.html"))
    assert reports and "<html" in reports[0].read_text().lower()
