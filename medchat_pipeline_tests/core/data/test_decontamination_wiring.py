"""Decontamination is fed every set the benchmark evaluates: no benchmark item can reach training."""

from __future__ import annotations

import polars as pl

from medchat_pipeline.config import load_config, project_root
from medchat_pipeline.core.data.decontaminate import decontaminate
from medchat_pipeline.core.data.merge import decontamination_items, merge_qac
from medchat_pipeline.core.data.schema import conform
from medchat_pipeline.core.evaluation.benchmark import benchmark_paths, parse_benchmark_set

MMLU_FILES = [f"medchat_pipeline/eval_data/mmlu_medical/{s}_test.csv" for s in
              ("anatomy", "clinical_knowledge", "college_biology", "college_medicine", "medical_genetics",
               "professional_medicine")]


def _profile(shared_root):
    return load_config("demo", overrides={"evaluation": {"data_root": str(shared_root), "benchmarks": {
        "medqa": {"source": "medqa", "files": ["medqa/us_test_sample.jsonl"]},
        "mmlu_medical": {"source": "mmlu", "relative_to": "project", "files": MMLU_FILES},
    }}})


def test_every_evaluation_set_feeds_decontamination(shared_data):
    cfg = _profile(shared_data)
    items = decontamination_items(cfg, project_root())
    origins = items["eval_item"].str.extract(r"^(benchmark:[^:]+)").value_counts().sort("eval_item")
    # every row of every set (the demo's MedMCQA and PubMedQA slices too), not only the sampled few
    assert dict(origins.iter_rows()) == {"benchmark:medmcqa": 300, "benchmark:medqa": 300,
                                         "benchmark:mmlu_medical": 1089, "benchmark:pubmedqa": 450}


def test_benchmark_items_in_training_rows_are_removed_with_the_item_named(shared_data):
    cfg = _profile(shared_data)
    medqa = cfg.evaluation.benchmarks["medqa"]
    leaked, _ = parse_benchmark_set(medqa, benchmark_paths(medqa, cfg.evaluation), cfg.data.sources)
    leaked = leaked.head(3)
    reworded = leaked.head(1).with_columns(  # same vignette, new id and answer: still the benchmark item
        (pl.col("id") + "-copy").alias("id"), pl.lit("See the explanation.").alias("answer"))
    unrelated = conform(pl.DataFrame([{"id": "x1", "source": "medquad", "source_id": "x1", "group_id": "x1",
                                       "kind": "qa", "context": "", "question": "What is hypertension?",
                                       "answer": "Persistently raised blood pressure."}]))
    train = pl.concat([conform(leaked), conform(reworded), unrelated], how="vertical_relaxed")
    result = decontaminate(train, decontamination_items(cfg, project_root()), cfg.data.decontamination)
    assert result.kept["id"].to_list() == ["x1"]
    assert result.rejects.height == 4 and set(result.rejects["reason"]) == {"contaminated"}
    assert all(d.startswith("benchmark:medqa:") for d in result.rejects["detail"])
    assert result.stats["eval_items_by_origin"]["benchmark:mmlu_medical"] == 1089


def test_merge_keeps_mmlu_questions_out_of_train_offline():
    """The shipped MMLU files need no shared data: an MMLU question copied into a source never trains."""
    cfg = load_config("demo", overrides={"evaluation": {"benchmarks": {
        "mmlu_medical": {"source": "mmlu", "relative_to": "project", "files": MMLU_FILES}}}})
    mmlu = cfg.evaluation.benchmarks["mmlu_medical"]
    copied, _ = parse_benchmark_set(mmlu, benchmark_paths(mmlu, cfg.evaluation), cfg.data.sources)
    copied = conform(copied.head(40).with_columns(pl.lit("medmcqa").alias("source")))
    cfg.data.decontamination.against_test_split = False
    result = merge_qac([copied], cfg.data, cfg.seed, decontamination_items(cfg, project_root()))
    train_ids = set(result.merged.filter(pl.col("split") == "train")["id"])
    contaminated = result.rejects.filter(pl.col("stage") == "decontaminate")
    assert not train_ids & set(copied["id"])
    assert contaminated.height == 40 - result.merged.filter(pl.col("split") != "train").height
    assert result.stats["in"] == result.merged.height + result.rejects.height
