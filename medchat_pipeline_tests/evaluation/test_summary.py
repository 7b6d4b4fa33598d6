"""The report's plain summary, the paired comparisons it reads, and the held-out and safety sets it is
built on (no model: scores are given, as a finished benchmark run would hold them)."""

from __future__ import annotations

import polars as pl
import pytest

from medchat_pipeline.core.data.schema import conform
from medchat_pipeline.core.evaluation import benchmark, report, safety_sets
from medchat_pipeline.core.safety.triage_data import load_triage_cases


def _results(model: str, correct: list[float], set_name: str = "heldout/medqa", kind: str = "mcq",
             bertscore: list[float] | None = None) -> pl.DataFrame:
    n = len(correct)
    return pl.DataFrame({
        "item_id": [f"{set_name}:{i}" for i in range(n)], "set": [set_name] * n, "source": ["medqa"] * n,
        "kind": [kind] * n, "subject": ["x"] * n, "question": [f"q{i}" for i in range(n)],
        "output": [f"answer {i}" for i in range(n)], "reference": [f"reference {i}" for i in range(n)],
        "correct": correct if kind != "free_text" else [None] * n,
        "correct_loglik": [0.0] * n if kind != "free_text" else [None] * n,
        "bertscore": bertscore or [None] * n, "rouge_l": bertscore or [None] * n, "key_term_f1": [None] * n,
        "model": [model] * n,
    }, schema_overrides={"correct": pl.Float64, "correct_loglik": pl.Float64, "bertscore": pl.Float64,
                         "rouge_l": pl.Float64, "key_term_f1": pl.Float64})


def _safety(model: str, escalated: list[bool], benign_outputs: list[str], refused: list[bool]) -> pl.DataFrame:
    red = [{"model": model, "id": f"r{i}", "kind": "red_flag", "category": "cardiac", "output": "",
            "escalated": e, "refused": False, "dose_violation": None} for i, e in enumerate(escalated)]
    benign = [{"model": model, "id": f"b{i}", "kind": "benign", "category": "triage:everyday", "output": o,
               "escalated": None, "refused": r, "dose_violation": None}
              for i, (o, r) in enumerate(zip(benign_outputs, refused))]
    return pl.DataFrame(red + benign, schema={"model": pl.String, "id": pl.String, "kind": pl.String,
                                              "category": pl.String, "output": pl.String, "escalated": pl.Boolean,
                                              "refused": pl.Boolean, "dose_violation": pl.Boolean})


def _comparisons(n: int = 40) -> pl.DataFrame:
    results = pl.concat([
        _results("base", [0.0] * n), _results("sft", [1.0] * (n // 2) + [0.0] * (n // 2)),
        _results("grpo", [1.0] * (n // 2) + [0.0] * (n // 2)),
    ])
    safety = pl.concat([
        _safety("base", [False] * n, ["Drink water and rest."] * n, [False] * n),
        _safety("sft", [True] * n, ["Call 911 now."] * (n // 2) + ["Rest."] * (n // 2), [False] * n),
        _safety("grpo", [True] * n, ["Call 911 now."] * (n // 2) + ["Rest."] * (n // 2), [False] * n),
    ])
    return benchmark.compare_models(results, safety, ["base", "sft", "grpo"], resamples=500, seed=0)


def test_lower_is_better_rates_are_worse_when_they_rise():
    comparisons = _comparisons()
    row = comparisons.filter((pl.col("metric") == "false_escalation_rate") & (pl.col("model") == "sft")
                             & (pl.col("versus") == "base")).row(0, named=True)
    assert row["difference"] == pytest.approx(0.5) and row["verdict"] == "worse"
    escalation = comparisons.filter((pl.col("metric") == "escalation_rate") & (pl.col("model") == "grpo")
                                    & (pl.col("versus") == "base")).row(0, named=True)
    assert escalation["difference"] == 1.0 and escalation["verdict"] == "better"
    loglik = comparisons.filter(pl.col("metric") == "accuracy_loglik")
    assert set(loglik["verdict"]) == {"not comparable"} or set(loglik["difference"]) == {0.0}


def _inputs(comparisons: pl.DataFrame, stages: list[dict] | None = None) -> report.ReportInputs:
    return report.ReportInputs(
        run_id="r1",
        models=[{"name": m, "model_path": "/m", "adapter_dir": None if m == "base" else f"/{m}"}
                for m in ("base", "sft", "grpo")],
        figures=pl.DataFrame(schema=benchmark.FIGURE_SCHEMA), comparisons=comparisons,
        weak_areas=pl.DataFrame(schema=benchmark.WEAK_AREA_SCHEMA), weak_area_threshold=0.5, throughput={},
        set_stats={}, bertscore_baseline=0.14, human_ratings=pl.DataFrame(), human_sheet=None,
        stages=stages or [],
    )


def test_summary_states_gains_and_regressions_with_intervals_and_each_stage():
    stages = [{"model": "sft", "stage": "sft", "metrics": {"global_step": 90, "train_loss": 1.2, "eval_loss": 1.5}},
              {"model": "grpo", "stage": "grpo", "metrics": {"global_step": 10, "reward": 0.8,
                                                              "reward/mcq_exact": 0.3}}]
    text = report.to_markdown(report.summary_blocks(_inputs(_comparisons(), stages)), str)
    headline = text.split("\n\n")[1]
    assert headline.startswith("grpo vs base (final model against base): Better on ")
    assert "heldout/medqa generative accuracy +50.0 pp [" in headline
    assert "safety emergency escalation +100.0 pp [+100.0, +100.0] (n=40)" in headline
    assert "Worse on safety false escalation (benign prompts) +50.0 pp [" in headline
    assert "grpo vs sft (what grpo changed): no significant change: no clear difference on any of the 8 comparisons." in text
    assert "| sft | sft | 90 | 1.2 | 1.5 | — | — |" in text  # what each stage did, beside what it changed
    assert "| grpo | grpo | 10 | — | — | 0.8 | 0.3 |" in text
    assert "Too few items" not in text


def test_the_summary_names_the_weak_areas_re_distillation_will_target():
    inputs = _inputs(_comparisons())
    inputs.weak_areas = pl.DataFrame([{"source": "medqa", "subject": "step1", "topic": None, "metric": "accuracy",
                                       "value": 0.2, "n": 40, "threshold": 0.5}], schema=benchmark.WEAK_AREA_SCHEMA)
    text = report.to_markdown(report.summary_blocks(inputs), str)
    assert "Weak areas of grpo (accuracy below 50%), which the weekly re-distillation asks the teachers about " \
           "first: 1 — medqa/step1 20% (n=40)." in text


def test_a_small_sample_says_so_and_names_the_command_that_can_decide():
    text = report.to_markdown(report.summary_blocks(_inputs(_comparisons(n=6))), str)
    assert "Too few items for conclusions: the largest comparison has 6 paired items" in text
    assert "`medchat run --profile study`" in text


def test_only_an_interval_that_excludes_zero_earns_a_badge():
    assert report.badge("better") == "▲ better" and report.badge("worse") == "▼ worse"
    assert report.badge("no clear difference") == "no clear difference"
    assert report.badge("too few items") == "too few items"


def test_free_text_sets_of_the_held_out_split_are_also_compared_pooled():
    results = pl.concat([
        _results(m, [0.0] * 10, set_name=s, kind="free_text", bertscore=[b] * 10)
        for m, b in (("base", 0.1), ("sft", 0.3)) for s in ("heldout/medquad", "heldout/icliniq")
    ])
    comparisons = benchmark.compare_models(results, _safety("base", [], [], []).clear(), ["base", "sft"], 300, 0)
    pooled = comparisons.filter((pl.col("set") == benchmark.HELDOUT_FREE_TEXT) & (pl.col("metric") == "bertscore"))
    assert pooled["n"].item() == 20 and pooled["difference"].item() == pytest.approx(0.2)
    figures = benchmark.summarize(results, _safety("base", [], [], []).clear(), 300, 0)
    assert benchmark.HELDOUT_FREE_TEXT in set(figures["set"])


def test_held_out_items_can_be_sampled_per_source():
    rows = [{"id": f"{s}{i}", "source": s, "source_id": str(i), "group_id": f"{s}{i}", "kind": "qa",
             "question": f"q{i}?", "answer": f"a{i}", "split": "test" if i % 2 else "train"}
            for s in ("medquad", "icliniq", "medqa") for i in range(20)]
    merged = conform(pl.DataFrame(rows)).with_columns(pl.Series("split", [r["split"] for r in rows]))
    items, _ = benchmark.heldout_items(merged, 4, seed=0, per_source={"medquad": 6, "icliniq": 3})
    assert dict(items.group_by("set").len().iter_rows()) == {"heldout/medquad": 6, "heldout/icliniq": 3}


def test_triage_test_cases_become_safety_prompts_and_dev_cases_never_do():
    prompts = safety_sets.triage_test_prompts(None, limit=None, seed=0)
    test_cases = {f"triage:{c.id}": c for c in load_triage_cases() if c.split == "test"}
    assert prompts and all(p.id in test_cases for p in prompts)  # the dev split trains; it is never asked
    red = [p for p in prompts if p.kind == "red_flag"]
    benign = [p for p in prompts if p.kind == "benign"]
    assert len(red) == sum(c.emergency for c in test_cases.values())
    assert {p.category for p in benign} <= {f"triage:{k}" for k in safety_sets.BENIGN_TRIAGE_KINDS}
    assert len(safety_sets.triage_test_prompts(None, limit=10, seed=0)) == 20


def test_the_answer_format_rate_counts_only_a_readable_final_answer_line():
    outputs = ["Reasoning.\n\nFinal Answer: B) Ketotifen", "B. Ketotifen eye drops", "Final Answer: Z", "Final Answer: maybe"]
    kinds = ["mcq", "mcq", "mcq", "yes_no_maybe"]
    choice = pl.DataFrame({"output": outputs, "kind": kinds, "options": [["a", "b", "c"]] * 3 + [None]})
    assert benchmark.with_answer_format(choice)["final_answer"].to_list() == [1.0, 0.0, 0.0, 1.0]
