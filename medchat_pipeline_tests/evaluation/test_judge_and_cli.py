"""The teacher-judge rubric (requests, grades, failures) and the `medchat evaluate` command's checks."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from medchat_pipeline.cli import main
from medchat_pipeline.core.evaluation import judge
from medchat_pipeline.teachers.types import TeacherResult


def _results() -> pl.DataFrame:
    rows = []
    for model in ("base", "sft"):
        rows += [
            {"model": model, "item_id": "h:1", "kind": "free_text", "context": "", "question": "What is asthma?",
             "reference": "A chronic airway disease.", "answer_key": None, "output": f"{model} says airways."},
            {"model": model, "item_id": "h:2", "kind": "mcq", "context": "", "question": "Scurvy?",
             "reference": "Vitamin C", "answer_key": "B", "output": "Final Answer: B"},
        ]
    return pl.DataFrame(rows)


def test_judge_requests_cover_the_same_items_for_every_model_free_text_first():
    requests = judge.judge_requests(_results(), "gemini", per_model=1)
    assert [r.id for r in requests] == ["base|h:1", "sft|h:1"]
    assert all(r.teacher == "gemini" and r.response_schema is judge.JudgeScores for r in requests)
    user = requests[1].messages[1]["content"]
    assert "Question: What is asthma?" in user and "Reference answer: A chronic airway disease." in user
    assert "Assistant's answer: sft says airways." in user


def test_judge_rows_keep_failures_and_figures_average_the_grades():
    requests = judge.judge_requests(_results(), "local", per_model=2)
    results = [
        TeacherResult(id=requests[0].id, texts=["{}"], parsed=judge.JudgeScores(correctness=4, reasoning=3, safety=5)),
        TeacherResult(id=requests[1].id, texts=["{}"], parsed=judge.JudgeScores(correctness=2, reasoning=3, safety=5)),
        TeacherResult(id=requests[2].id, error_kind="malformed", error="no JSON object in the reply"),
        TeacherResult(id=requests[3].id, texts=["{}"], parsed=judge.JudgeScores(correctness=5, reasoning=5, safety=4)),
    ]
    rows = judge.judge_rows(requests, results)
    assert rows.height == 4
    assert rows.filter(pl.col("error").is_not_null())["item_id"].to_list() == ["h:1"]
    figures = {(f["model"], f["metric"]): f for f in judge.judge_figures(rows, resamples=200, seed=0)}
    assert figures[("base", "correctness")]["value"] == 3.0 and figures[("base", "correctness")]["n"] == 2
    assert figures[("sft", "correctness")]["n"] == 1
    assert figures[("sft", "failed_gradings")]["value"] == 0.5
    with pytest.raises(ValueError):
        judge.judge_rows(requests, results[:3])
    with pytest.raises(ValueError):
        judge.JudgeScores(correctness=7, reasoning=3, safety=3)


def test_evaluate_command_rejects_adapters_it_cannot_label(tmp_path, demo_model_dir):
    first, second = tmp_path / "a" / "adapter", tmp_path / "b" / "adapter"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    result = CliRunner().invoke(
        main, ["evaluate", "--model", str(demo_model_dir), "--adapter", str(first), "--adapter", str(second)]
    )
    assert result.exit_code != 0 and "distinct names" in result.output


def test_evaluate_command_reports_a_bad_profile(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("profile: bad\nevaluation: {max_new_tokens: 0}\n")
    result = CliRunner().invoke(main, ["evaluate", "--profile", str(bad)])
    assert result.exit_code != 0 and "evaluation.max_new_tokens" in result.output
