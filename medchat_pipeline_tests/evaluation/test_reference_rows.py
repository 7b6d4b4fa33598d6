"""The design notes' evaluation rows, scored from model outputs: dose calculations, the most-common-letter
baseline, exact match / hallucination / verbosity per model, reasoning-chain coverage, and the report's
reference points (pass line, published columns, free-text thresholds, teacher versus student)."""

from __future__ import annotations

import polars as pl
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.core.data.schema import conform
from medchat_pipeline.core.evaluation import benchmark
from medchat_pipeline.core.evaluation.reference_points import reference_point_blocks

EMPTY_SAFETY = pl.DataFrame(schema={"model": pl.String, "id": pl.String, "kind": pl.String, "category": pl.String,
                                    "escalated": pl.Boolean, "refused": pl.Boolean, "dose_violation": pl.Boolean})


def _items() -> pl.DataFrame:
    mcq = conform(pl.DataFrame([
        {"id": f"m{i}", "source": "medqa", "kind": "mcq", "question": f"Question {i}?", "answer": "x",
         "options": ["w", "x", "y", "z"], "answer_key": key}
        for i, key in enumerate("BBBA")
    ]))
    medmcqa = conform(pl.DataFrame([{
        "id": "e1", "source": "medmcqa", "kind": "qa", "question": "Which vitamin deficiency causes Wernicke encephalopathy?",
        "answer": "Thiamine", "rationale": "Thiamine deficiency causes Wernicke encephalopathy. "
                                           "It presents with ataxia, confusion and ophthalmoplegia."}]))
    ehr = conform(pl.DataFrame([{"id": "d1", "source": "drugehrqa", "kind": "qa",
                                 "question": "What dose of metoprolol was given?", "answer": "Metoprolol 25 mg PO"}]))
    items = [benchmark.items_from_qac(mcq, "medqa")[0], benchmark.items_from_qac(medmcqa, "heldout/medmcqa")[0],
             benchmark.items_from_qac(ehr, "heldout/drugehrqa")[0],
             benchmark.dosage_items().filter(pl.col("item_id").str.ends_with("wt-amoxicillin"))]
    return pl.concat(items, how="vertical_relaxed")


OUTPUTS = {
    "sft": ["Final Answer: B", "Final Answer: B", "Final Answer: A", "Final Answer: A",
            "Thiamine deficiency causes Wernicke encephalopathy (PMID: 12345678).",
            "He got 50 mg of metoprolol.",
            "18 x 25 = 450 mg/day, halved.\nFinal Answer: 225 mg"],
    "grpo": ["Final Answer: B", "Final Answer: B", "Final Answer: B", "Final Answer: A",
             "Thiamine deficiency causes Wernicke encephalopathy: ataxia, confusion and ophthalmoplegia.",
             "Final Answer: metoprolol 25mg by mouth",
             "Final Answer: 450 mg"],
}


@pytest.fixture(scope="module")
def scored(embedding_model_dir, tmp_path_factory):
    items = _items()
    cache = tmp_path_factory.mktemp("bert")
    frames = [benchmark.score_items(items, OUTPUTS[m], None, str(embedding_model_dir), cache)
              .with_columns(pl.lit(m).alias("model")) for m in OUTPUTS]
    return pl.concat(frames)


def test_dosage_items_are_numeric_and_scored_within_tolerance(scored):
    dose = scored.filter(pl.col("set") == benchmark.DOSAGE_SET)
    assert dict(zip(dose["model"], dose["correct"])) == {"sft": 1.0, "grpo": 0.0}
    assert dose["predicted"].to_list() == ["225", "450"]
    assert "Final Answer: <number> <unit>" in benchmark.item_prompt(dose.row(0, named=True))
    assert benchmark.dosage_items().height == 23


def test_behaviour_and_reasoning_columns(scored):
    sft, grpo = (scored.filter(pl.col("model") == m).rows_by_key("item_id", named=True, unique=True) for m in OUTPUTS)
    ehr = "heldout/drugehrqa:d1"
    assert sft[ehr]["exact_match"] == 0.0 and grpo[ehr]["exact_match"] == 1.0  # normalized short answer
    assert sft[ehr]["hallucinated"] == 1.0 and grpo[ehr]["hallucinated"] == 0.0  # 50 mg is stated nowhere
    exp = "heldout/medmcqa:e1"
    assert sft[exp]["hallucinated"] == 1.0  # a PMID the item never gives
    assert sft[exp]["step_recall"] == 0.5 and grpo[exp]["step_recall"] == 1.0
    assert sft["medqa:m0"]["step_recall"] is None and sft["medqa:m0"]["answer_words"] == 3.0


def test_summary_rows_and_the_most_common_letter_baseline(scored):
    figures = benchmark.summarize(scored, EMPTY_SAFETY, 200, 0)
    baseline = figures.filter((pl.col("set") == "medqa") & (pl.col("section") == "baseline"))
    assert dict(zip(baseline["metric"], baseline["value"])) == {"chance": 0.25, "most_common_letter (B)": 0.75}
    behaviour = figures.filter((pl.col("section") == "behaviour") & (pl.col("set") == "heldout/drugehrqa"))
    assert set(behaviour["metric"]) == {"exact_match_rate", "hallucination_rate", "answer_words"}
    assert figures.filter((pl.col("metric") == "step_recall") & (pl.col("model") == "grpo"))["value"].to_list() == [1.0]
    dosage = figures.filter((pl.col("set") == benchmark.DOSAGE_SET) & (pl.col("metric") == "accuracy")
                            & (pl.col("subject") == benchmark.ALL))
    assert dict(zip(dosage["model"], dosage["value"])) == {"sft": 1.0, "grpo": 0.0}


def test_reference_point_blocks(scored):
    teacher = scored.filter(pl.col("model") == "grpo").with_columns(pl.lit("teacher:local").alias("model"),
                                                                     pl.lit(1.0).alias("correct"))
    figures = benchmark.summarize(pl.concat([scored, teacher]), EMPTY_SAFETY, 200, 0)
    throughput = {"grpo": {"generation_s": 2.0, "prompts_generated": 10}, "teacher:local": {"latency_s_per_item": 0.8}}
    blocks = reference_point_blocks(figures, ["sft", "grpo", "teacher:local"], {"medqa": "medqa"}, throughput)
    text = "\n".join(str(b[1]) for b in blocks)
    tables = {blocks[i - 1][1]: b[1] for i, b in enumerate(blocks) if b[0] == "table"}
    reference = tables["Reference points: pass line and published figures"]
    assert reference["pass line 60%"][0] == "sft: pass, grpo: pass"  # 3/4 and 4/4 ≥ 60%
    assert reference["GPT-4 (published, not measured here)"][0] == "86.1%"
    assert "arXiv:2303.13375" in text and "medgemma-27b-text-it model card" in text
    assert "Before and after GRPO: exact match, hallucination, verbosity" in tables
    assert "Dose calculations" in tables and "Reasoning chains: key steps of the reference explanation covered" in tables
    # mean over medqa (1.0) and dosage_calculation (0.0) against the teacher's 1.0 on both; 0.2 s / 0.8 s per item
    assert "grpo reaches 50% of local's accuracy at 25% of its latency." in text


@pytest.mark.slow
def test_teachers_answer_the_benchmark_through_the_gateway(isolated_storage, embedding_model_dir):
    """The local teacher (real SmolLM2 behind the gateway) on three MedQA-style items; a rerun is cached."""
    from medchat_pipeline.evaluation.teachers import evaluate_teachers
    from medchat_pipeline.teachers import TeacherPool

    cfg = load_config("demo")
    pool = TeacherPool.from_config(cfg)
    items = _items().filter(pl.col("set") == "medqa").head(3)
    results, speed = evaluate_teachers(items, pool, ["local"], cfg.evaluation, str(embedding_model_dir),
                                       isolated_storage)
    assert results["model"].unique().to_list() == ["teacher:local"] and results.height == 3
    assert speed["teacher:local"]["failed"] == 0 and speed["teacher:local"]["latency_s_per_item"] > 0
    again, cached = evaluate_teachers(items, pool, ["local"], cfg.evaluation, str(embedding_model_dir), isolated_storage)
    assert cached["teacher:local"]["cached"] == 3 and again["output"].to_list() == results["output"].to_list()


def test_bioasq_task_b_files_become_benchmark_items(embedding_model_dir, tmp_path):
    """BioASQ (registration-only data) in its Task B format: yes/no as choice items, factoid answers
    scored by the normalized exact match, list/summary against the ideal answer."""
    from pathlib import Path

    fixture = Path(__file__).parents[1] / "fixtures" / "bioasq_task_b_sample.json"
    cfg = load_config("demo", overrides={"evaluation": {"benchmarks": {
        "bioasq": {"source": "bioasq", "files": [str(fixture)]}}}})
    cfg.evaluation.benchmarks = {"bioasq": cfg.evaluation.benchmarks["bioasq"]}
    cfg.evaluation.dosage_calculation = False
    items, stats = benchmark.load_benchmark_sets(cfg.evaluation, cfg.data.sources, cfg.seed)
    assert stats["bioasq"]["parsed"] == 3  # the summary without any gold answer is no item
    by_kind = dict(zip(items["subject"], items["kind"]))
    assert by_kind == {"yesno": "yes_no_maybe", "factoid": "free_text", "list": "free_text"}
    factoid = items.filter(pl.col("subject") == "factoid")
    assert factoid["reference"].to_list() == ["CFTR"] and "Mutations in CFTR" in factoid["context"][0]
    scored = benchmark.score_items(factoid, ["Final Answer: CFTR."], None, str(embedding_model_dir), tmp_path)
    assert scored["exact_match"].to_list() == [1.0]
