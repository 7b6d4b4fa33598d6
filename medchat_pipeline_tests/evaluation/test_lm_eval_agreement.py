"""Our option log-likelihood scoring agrees with lm-evaluation-harness on every pick: the real
SmolLM2, 12 real MedQA items (the 12 shortest of 48 sampled: both sides' cost grows with the prompts' length), the
same rendered prompts handed to lm-eval as custom tasks."""

from __future__ import annotations

import json

import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.core.evaluation import benchmark

pytest.importorskip("lm_eval", reason="lm-eval is the optional extra '.[lm-eval]' (scripts/setup.sh installs it)")

ITEMS = 12  # the whole test: 83 s for 20 items on a 2-core CPU shared with one training job; CI time is scarce
SAMPLED = 48  # the 12 shortest prompts of 48 sampled items: 8,277 characters against 12,564 for the first 12


@pytest.mark.slow
def test_loglik_picks_equal_lm_eval_picks(shared_data, demo_model_dir, tmp_path, monkeypatch):
    from medchat_pipeline.evaluation.evaluate import ANSWER_SEED, TransformersBackend
    from medchat_pipeline.evaluation.harness import harness_picks, run_harness, write_tasks

    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf_datasets"))
    cfg = load_config("demo", overrides={"evaluation": {"data_root": str(shared_data), "max_items_per_set": SAMPLED,
                                                         "dosage_calculation": False}})
    cfg.evaluation.benchmarks = {"medqa": cfg.evaluation.benchmarks["medqa"]}
    sampled, _ = benchmark.load_benchmark_sets(cfg.evaluation, cfg.data.sources, cfg.seed)
    assert sampled.height == SAMPLED
    lengths = [len(benchmark.item_prompt(row)) for row in sampled.to_dicts()]
    shortest = sorted(sorted(range(SAMPLED), key=lengths.__getitem__)[:ITEMS])  # in the sampled order
    items = sampled[shortest]

    engine = TransformersBackend(str(demo_model_dir), batch_size=8, cpu_threads=2)
    try:
        rows = items.to_dicts()
        prompts = [engine.chat(benchmark.item_prompt(r), cfg.evaluation.system_prompt) for r in rows]
        choices = [benchmark.answer_choices(r) for r in rows]
        _, _, scores = engine.generate_and_score(prompts, choices, max_new_tokens=1)  # the benchmark's own path
        tasks = write_tasks(items, tmp_path / "tasks", engine.tokenizer, cfg.evaluation.system_prompt)
    finally:
        engine.close()
    documents = [json.loads(line) for line in (tmp_path / "tasks" / "medchat_medqa.jsonl").read_text().splitlines()]
    assert [d["context"] for d in documents] == [p + ANSWER_SEED for p in prompts]  # lm-eval sees our exact prompts
    ours = {r["item_id"]: cs.index(max(s, key=s.get)) for r, cs, s in zip(rows, choices, scores)}

    theirs = harness_picks(run_harness(str(demo_model_dir), None, tmp_path / "tasks", list(tasks), batch_size=8), tasks)
    assert len(theirs) == ITEMS
    disagreements = {i: (ours[i], theirs[i]) for i in ours if ours[i] != theirs[i]}
    assert disagreements == {}
    assert len(set(ours.values())) > 1  # the model does not pick one letter throughout: the check has teeth


@pytest.mark.slow
def test_medchat_lm_eval_command_on_the_shipped_mmlu_files(tmp_path, demo_model_dir, monkeypatch):
    import yaml
    from click.testing import CliRunner

    from medchat_pipeline.cli import main

    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf_datasets"))
    profile = load_config("demo").model_dump()
    profile["evaluation"]["benchmarks"] = {"mmlu_medical": profile["evaluation"]["benchmarks"]["mmlu_medical"]}
    profile["evaluation"]["dosage_calculation"] = False
    path = tmp_path / "mmlu_only.yaml"
    path.write_text(yaml.safe_dump(profile))
    result = CliRunner().invoke(main, ["lm-eval", "--profile", str(path), "--max-items", "3", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{"):])
    assert summary["items"] == {"medchat_mmlu_medical": 3}
    assert 0.0 <= summary["accuracy"]["medchat_mmlu_medical"] <= 1.0
    assert (tmp_path / "out" / "results.json").exists()
