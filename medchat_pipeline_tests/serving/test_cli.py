"""`medchat chat` and `medchat serve` from the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
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


@pytest.mark.slow
def test_serve_listens_at_once_loads_in_the_background_logs_json_and_stops_on_sigterm(tmp_path, provider_server):
    # SIGTERM is what docker and Kubernetes send; uvicorn treats Ctrl-C (SIGINT) the same way.
    profile = yaml.safe_load((configs_dir() / "demo.yaml").read_text())
    profile["teachers"] = fake_teachers_section(provider_server, max_retries=0)
    profile["serving"]["large"]["teacher"] = "fake"
    profile["serving"]["small"].update({"threads": 1, "adapter": "none", "max_new_tokens": 4})
    path = tmp_path / "serve.yaml"
    path.write_text(yaml.safe_dump(profile))
    env = {**os.environ, "MEDCHAT_STORAGE_DIR": str(tmp_path / "storage")}
    process = subprocess.Popen([str(Path(sys.executable).with_name("medchat")), "serve", "--profile", str(path),
                                "--port", "0", "-v"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = process.stderr.readline()
        url = re.search(r"on (http://127\.0\.0\.1:\d+)/v1", first).group(1)
        assert httpx.get(f"{url}/healthz", timeout=5).json() == {"status": "ok"}
        deadline = time.monotonic() + 120
        while httpx.get(f"{url}/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.5)
        reply = httpx.post(f"{url}/v1/chat/completions", timeout=60, json={
            "model": "medchat-router", "messages": [{"role": "user", "content": "What is anemia?"}]})
        assert reply.status_code == 200 and reply.json()["medchat_route"]["answered_by"] == "small"
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 0 and "stopped" in errors.splitlines()
    logged = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    answer = next(line for line in logged if line.get("event") == "answer")
    assert answer["request_id"] == reply.headers["x-request-id"] and answer["answered_by"] == "small"
    assert "anemia" not in errors.lower()
