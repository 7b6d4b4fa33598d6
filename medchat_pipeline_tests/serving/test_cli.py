"""`medchat chat` and `medchat serve` from the command line."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from medchat_pipeline.cli import main
from medchat_pipeline.config import configs_dir
from medchat_pipeline_tests.teachers.fake_provider_server import fake_teachers_section


def test_route_only_explains_each_decision_without_loading_a_model():
    result = CliRunner().invoke(
        main, ["chat", "--route-only", "What is anemia?", "I have chest pain and I can't breathe", "--json"]
    )
    assert result.exit_code == 0, result.output
    simple, emergency = (json.loads(line) for line in result.output.strip().splitlines())
    assert simple["route"] == "small" and simple["reasons"][0]["feature"] == "simple_phrasing"
    assert emergency["route"] == "large" and emergency["emergency"] and emergency["escalation_advice"]

    text = CliRunner().invoke(main, ["chat", "--route-only", "--model", "large", "Define tachycardia."])
    assert text.exit_code == 0 and text.output.startswith("large (score") and "forced" in text.output


def test_chat_answers_and_explains_with_the_real_small_model(tmp_path, provider_server):
    profile = yaml.safe_load((configs_dir() / "demo.yaml").read_text())
    profile["teachers"] = fake_teachers_section(provider_server, max_retries=0)
    profile["serving"]["large"]["teacher"] = "fake"
    profile["serving"]["small"]["threads"] = 1
    path = tmp_path / "chat.yaml"
    path.write_text(yaml.safe_dump(profile))
    question = "Hello doctor, I have had a cough and a fever for a week. What should I take?"

    result = CliRunner().invoke(
        main,
        ["chat", "--profile", str(path), "--adapter", "none", "--max-new-tokens", "4", "--explain",
         "What is anemia?", question],
    )
    assert result.exit_code == 0, result.output
    assert f"Q: {question}\nanswer to: {question}\n  ↳ answered by large" in result.output
    assert "Q: What is anemia?\n" in result.output and "route: small (score -1.00" in result.output


def test_helpful_errors_and_help():
    runner = CliRunner()
    assert "give at least one question" in runner.invoke(main, ["chat"]).output
    assert "unknown profile" in runner.invoke(main, ["chat", "--profile", "nope", "--route-only", "x"]).output
    for command in ("chat", "serve"):
        help_text = runner.invoke(main, [command, "--help"]).output
        assert "medchat-router" in help_text or "--route-only" in help_text


def test_route_eval_reports_accuracy_cost_mix_and_mistakes(tmp_path):
    rows = [
        {"question": "What is anemia?", "route": "small"},
        {"question": "Define tachycardia.", "route": "small"},
        {"question": "I have fever + rash, what's wrong?", "route": "large"},
        {"question": "Is it bad?", "route": "large"},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")
    runner = CliRunner()
    result = runner.invoke(main, ["route-eval", str(path), "--failover-rate", "0.5"])
    assert result.exit_code == 0, result.output
    assert "4 questions, accuracy 0.750" in result.output
    assert "labelled large: 1 → large, 1 → small (recall 0.500)" in result.output
    assert "MISROUTED (label large): Is it bad?" in result.output

    report = json.loads(runner.invoke(main, ["route-eval", str(path), "--json"]).output)
    assert report["confusion"]["large->small"] == 1 and report["cost_saving"] > 0

    path.write_text('{"question": "What is anemia?", "route": "medium"}\n{"question": 1}\n')
    bad = runner.invoke(main, ["route-eval", str(path)])
    assert bad.exit_code != 0 and "line 2" in bad.output
    path.write_text('{"question": "What is anemia?", "route": "medium"}\n')
    assert "'medium'" in runner.invoke(main, ["route-eval", str(path)]).output
