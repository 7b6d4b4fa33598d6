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
