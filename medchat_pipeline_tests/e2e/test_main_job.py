"""The main job end to end: `medchat run` over the whole graph, then `medchat lineage` on its adapter.

Runs the real CLI in a subprocess on the demo profile, shrunk (demo_graph.py: three sources, one teacher
question per partition, two training steps, two benchmark items) so it fits in CI; every asset of the graph
is still materialized, with the real local teacher, the real SmolLM2 training and evaluation. The
materialization is the session's `demo_graph`, which the rebuild test then edits.
"""

from __future__ import annotations

import json

import pytest

from medchat_pipeline_tests.e2e.demo_graph import ENABLED, medchat


@pytest.mark.slow
def test_main_job_materializes_the_whole_graph_and_lineage_traces_the_adapter(demo_graph):
    run = demo_graph.first_run
    assert run.returncode == 0, run.stderr[-4000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["failed_runs"] == 0
    for asset in ("merged_qac", "augmented_qac", "distilled_qac", "training_mix", "sft_lora_adapter",
                  "grpo_adapter", "benchmark_report", "weak_areas", "qac_rejects", "review_sample"):
        assert asset in summary["assets"], asset
    assert (demo_graph.home / "dagster.yaml").exists()  # `medchat run` set up the instance itself

    lineage = medchat("lineage", "grpo_adapter", "--json", env=demo_graph.env, timeout=600)
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

    manifests = list((demo_graph.storage / "adapters").rglob("manifest.json"))
    stages = {json.loads(m.read_text())["stage"] for m in manifests}
    assert {"sft", "grpo"} <= stages
    reports = list((demo_graph.storage / "reports").rglob("report.html"))
    assert reports and "<html" in reports[0].read_text().lower()
