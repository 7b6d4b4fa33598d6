"""Items, scoring summaries, comparisons, weak areas, the rating sheet and the report, without a model."""

from __future__ import annotations

import csv
import json

import numpy as np
import polars as pl
import pytest

from medchat_pipeline.config.evaluation import EvaluationConfig
from medchat_pipeline.core.data.schema import conform, qac_id
from medchat_pipeline.core.evaluation import benchmark, human_eval, report


def _results(model: str, correct: list[float], subjects: list[str], kind: str = "mcq") -> pl.DataFrame:
    n = len(correct)
    return pl.DataFrame(
        {
            "item_id": [f"s:{i}" for i in range(n)],
            "set": ["s"] * n,
            "source": ["medqa"] * n,
            "kind": [kind] * n,
            "subject": subjects,
            "topic": [None] * n,
            "context": [""] * n,
            "question": [f"q{i}" for i in range(n)],
            "options": [["a", "b", "c", "d"]] * n,
            "answer_key": ["A"] * n,
            "reference": ["a"] * n,
            "output": ["Final Answer: A" if c else "Final Answer: B" for c in correct],
            "predicted": ["A" if c else "B" for c in correct],
            "correct": correct,
            "predicted_loglik": ["A"] * n,
            "correct_loglik": [1.0] * n,
            "rouge_l": [None] * n,
            "bertscore": [None] * n,
            "key_term_f1": [None] * n,
            "model": [model] * n,
        },
        schema_overrides={"topic": pl.String, "rouge_l": pl.Float64, "bertscore": pl.Float64,
                          "key_term_f1": pl.Float64},
    )


EMPTY_SAFETY = pl.DataFrame(schema={"model": pl.String, "id": pl.String, "kind": pl.String, "category": pl.String,
                                    "escalated": pl.Boolean, "refused": pl.Boolean, "dose_violation": pl.Boolean})


def test_items_from_qac_keeps_scorable_rows_and_counts_the_rest():
    qac = conform(pl.DataFrame([
        {"id": "1", "source": "medqa", "kind": "mcq", "question": "q", "answer": "x", "options": ["x", "y"],
         "answer_key": "A"},
        {"id": "2", "source": "medmcqa", "kind": "mcq", "question": "q2", "answer": "", "options": ["x", "y"]},
        {"id": "3", "source": "medquad", "kind": "qa", "question": "q3", "answer": "An answer."},
        {"id": "4", "source": "medquad", "kind": "qa", "question": "q4", "answer": "  "},
    ]))
    items, unscorable = benchmark.items_from_qac(qac, "set1")
    assert items["item_id"].to_list() == ["set1:1", "set1:3"]
    assert items["kind"].to_list() == ["mcq", "free_text"] and unscorable == 2
    assert items["subject"].to_list() == ["unknown", "unknown"]


def test_heldout_items_need_a_split_column():
    with pytest.raises(ValueError, match="no `split` column"):
        benchmark.heldout_items(conform(pl.DataFrame({"id": ["1"]})), 4, 0)


def test_parse_mmlu_csv_and_its_errors(tmp_path):
    good = tmp_path / "medical_genetics_test.csv"
    with open(good, "w", newline="") as handle:
        csv.writer(handle).writerows([["Which gene, BRCA1?", "one", "two, three", "four", "five", "C"]])
    qac = benchmark.parse_mmlu_csv([good])
    row = qac.row(0, named=True)
    assert (row["subject"], row["answer_key"], row["answer"], row["options"][1]) == (
        "medical_genetics", "C", "four", "two, three")
    assert row["id"] == qac_id("mmlu", "", "Which gene, BRCA1?", "four")
    bad = tmp_path / "anatomy_test.csv"
    bad.write_text("question,A,B,C,D\n")
    with pytest.raises(ValueError, match="anatomy_test.csv:1: an MMLU row needs 6 fields"):
        benchmark.parse_mmlu_csv([bad])


def test_load_benchmark_sets_reads_real_slices(shared_data):
    evaluation = EvaluationConfig(
        data_root=str(shared_data),
        max_items_per_set=5,
        benchmarks={
            "medqa": {"source": "medqa", "files": ["medqa/us_test_sample.jsonl"]},
            "pubmedqa": {"source": "pubmedqa", "files": ["pubmedqa/ori_pqal_sample.json"], "max_items": 3},
            "absent": {"source": "medqa", "files": ["medqa/not_here.jsonl"], "skip_if_missing": True},
        },
    )
    items, stats = benchmark.load_benchmark_sets(evaluation, None, seed=1)
    assert stats["medqa"]["parsed"] == 300 and stats["medqa"]["used"] == 5
    assert stats["pubmedqa"]["parsed"] == 450 and stats["pubmedqa"]["used"] == 3
    assert stats["absent"]["used"] == 0 and "not_here.jsonl" in stats["absent"]["skipped"]
    assert items.group_by("set").len().sort("set").rows() == [("medqa", 5), ("pubmedqa", 3)]
    assert set(items.filter(pl.col("set") == "medqa")["options"].list.len()) == {5}
    again, _ = benchmark.load_benchmark_sets(evaluation, None, seed=1)
    assert again.equals(items)  # seeded sample


def test_missing_benchmark_file_is_a_clear_error(tmp_path):
    evaluation = EvaluationConfig(data_root=str(tmp_path),
                                  benchmarks={"medqa": {"source": "medqa", "files": ["nope.jsonl"]}})
    with pytest.raises(FileNotFoundError, match="evaluation.benchmarks.medqa: file"):
        benchmark.load_benchmark_sets(evaluation, None, seed=1)


def test_config_errors_say_what_to_change():
    with pytest.raises(ValueError, match="unknown benchmark source 'usmle'"):
        EvaluationConfig(benchmarks={"x": {"source": "usmle", "files": ["a"]}})
    with pytest.raises(ValueError, match="nothing to evaluate"):
        EvaluationConfig(test_split_items=0, safety_checks=False)


def test_prompts_ask_for_a_final_answer_line():
    mcq = {"kind": "mcq", "question": "Which?", "options": ["x", "y"], "context": ""}
    assert "A. x\nB. y" in benchmark.item_prompt(mcq) and "Final Answer: X" in benchmark.item_prompt(mcq)
    assert benchmark.answer_choices(mcq) == ["A", "B"]
    ynm = {"kind": "yes_no_maybe", "question": "Does it?", "context": "Trial data."}
    assert benchmark.item_prompt(ynm).startswith("Context: Trial data.")
    assert benchmark.answer_choices(ynm) == ["yes", "no", "maybe"]


def test_summarize_gives_accuracy_by_set_and_subject_with_baselines():
    results = _results("base", [1, 0, 0, 1, 0, 0], ["x", "x", "x", "y", "y", "y"])
    figures = benchmark.summarize(results, EMPTY_SAFETY, resamples=300, seed=0)
    lookup = {(r["section"], r["subject"], r["metric"], r["model"]): r for r in figures.iter_rows(named=True)}
    assert lookup[("accuracy", "(all)", "accuracy", "base")]["value"] == pytest.approx(2 / 6)
    assert lookup[("accuracy", "x", "accuracy", "base")]["value"] == pytest.approx(1 / 3)
    assert lookup[("accuracy", "(all)", "accuracy_loglik", "base")]["value"] == 1.0
    assert lookup[("baseline", "(all)", "chance", "baseline")]["value"] == 0.25
    whole = lookup[("accuracy", "(all)", "accuracy", "base")]
    assert whole["low"] <= whole["value"] <= whole["high"] and whole["n"] == 6


def test_compare_models_and_weak_areas():
    base = _results("base", [0.0] * 30, ["x"] * 15 + ["y"] * 15)
    tuned = _results("sft", [1.0] * 15 + [0.0] * 15, ["x"] * 15 + ["y"] * 15)
    both = pl.concat([base, tuned])
    comparisons = benchmark.compare_models(both, EMPTY_SAFETY, ["base", "sft"], resamples=500, seed=0)
    row = comparisons.filter(pl.col("metric") == "accuracy").row(0, named=True)
    assert (row["model"], row["versus"], row["verdict"]) == ("sft", "base", "better")
    assert row["difference"] == pytest.approx(0.5)
    weak = benchmark.weak_areas(both, "sft", threshold=0.6, min_items=5)
    assert weak.columns == list(benchmark.WEAK_AREA_SCHEMA)
    assert weak.select("source", "subject", "value", "n").rows() == [("medqa", "y", 0.0, 15)]


def test_human_eval_sheet_is_diverse_and_ratings_come_back(tmp_path):
    results = pl.concat([_results(m, [1.0, 0.0, 1.0, 0.0], ["x", "x", "y", "z"]) for m in ("base", "sft")])
    sheet = human_eval.human_eval_sheet(results, n_items=3, seed=0, run_id="r1")
    assert sheet.columns == list(human_eval.SHEET_COLUMNS)
    assert sheet.height == 6 and sheet["subject"].n_unique() == 3  # one item from each subject first
    assert set(sheet["blinded_model"]) == {"model_1", "model_2"}
    filled = sheet.with_columns(pl.lit(4).alias("correctness"), pl.lit(3).alias("reasoning"),
                                pl.lit(5).alias("safety"))
    filled.write_csv(tmp_path / "rated.csv")
    (tmp_path / "broken.csv").write_text("item_id,correctness\nx,3\n")
    ratings, rejects, unrated = human_eval.read_ratings(tmp_path)
    assert ratings.height == 6 and unrated == 0
    assert rejects.rows() == [("broken.csv", None, "missing_columns", "run_id, model, reasoning, safety")]
    summary = human_eval.summarize_ratings(ratings, resamples=200, seed=0)
    assert summary.filter((pl.col("model") == "sft") & (pl.col("dimension") == "correctness"))["value"].item() == 4.0


def _inputs(figures: pl.DataFrame) -> report.ReportInputs:
    return report.ReportInputs(
        run_id="r1",
        models=[{"name": "base", "model_path": "/m", "adapter_dir": None},
                {"name": "sft", "model_path": "/m", "adapter_dir": "/a"}],
        figures=figures,
        comparisons=pl.DataFrame(),
        weak_areas=pl.DataFrame(schema=benchmark.WEAK_AREA_SCHEMA),
        weak_area_threshold=0.5,
        throughput={"base": {"items_per_s": 2.0}},
        set_stats={"s": {"parsed": 6, "used": 6}},
        bertscore_baseline=0.14,
        human_ratings=pl.DataFrame(),
        human_sheet=None,
        reward_curves={"reward": [(0, 0.1), (1, float("nan"))]},
    )


def test_report_renders_markdown_html_and_standard_json(tmp_path):
    results = pl.concat([_results("base", [1, 0, 0, 0], ["x"] * 4), _results("sft", [1, 1, 0, 1], ["x"] * 4)])
    figures = benchmark.summarize(results, EMPTY_SAFETY, resamples=200, seed=0)
    built = report.build_report(_inputs(figures), report.lm_eval_command("/m", "/a", "/out"))
    assert "| s | 0.250 [" in built.markdown and "![accuracy_by_model](plots/accuracy_by_model.png)" in built.markdown
    assert "lm_eval --model hf --model_args pretrained=/m,peft=/a --tasks medmcqa,medqa_4options,pubmedqa" in (
        built.markdown)
    assert set(built.plots) == {"accuracy_by_model", "accuracy_by_subject", "reward_curves"}
    assert all(png.startswith(b"\x89PNG") for png in built.plots.values())
    assert built.html.count("data:image/png;base64,") == 3
    paths = report.write_report(built, tmp_path)
    data = json.loads(open(paths["figures"]).read(), parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert data["reward_curves"]["reward"] == [[0, 0.1], [1, None]]
    assert (tmp_path / "plots" / "accuracy_by_model.png").exists()
    assert np.isclose(data["bertscore_baseline"], 0.14)
