"""Prometheus exposition and the JSON log lines, after real traffic through the server."""

from __future__ import annotations

import json
import logging
import sys
import time

import httpx
import openai
import pytest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from medchat_pipeline.serving.metrics import JsonLogFormatter
from medchat_pipeline.teachers.keys import ApiKey
from medchat_pipeline_tests.serving.conftest import client_for

SECRET_QUESTION = "What is anemia? my-private-detail-4711"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_requests_routes_emergencies_tokens_and_queues(running, caplog):
    client = client_for(running)
    with caplog.at_level(logging.INFO, logger="medchat_pipeline.serving"):
        small = client.chat.completions.create(model="medchat-router", messages=[{"role": "user", "content": SECRET_QUESTION}])
        client.chat.completions.create(model="medchat-router", messages=[{"role": "user", "content": "I want to kill myself"}])
        list(client.chat.completions.create(model="medchat-router-large", stream=True,
                                            messages=[{"role": "user", "content": "Is my rash serious?"}]))
        with pytest.raises(openai.BadRequestError):
            client.chat.completions.create(model="medchat-router", messages=[{"role": "assistant", "content": "hi"}])
        exposition = httpx.get(f"{running.url}/metrics")
    assert exposition.headers["content-type"] == CONTENT_TYPE_LATEST
    found = samples(exposition.text)

    def value(name: str, **labels: str) -> float:
        return found.get((name, tuple(sorted(labels.items()))), 0.0)

    chat = "/v1/chat/completions"
    assert value("medchat_http_requests_total", path=chat, method="POST", status="200") == 3
    assert value("medchat_http_requests_total", path=chat, method="POST", status="400") == 1
    assert value("medchat_http_request_duration_seconds_count", path=chat) == 4
    assert value("medchat_answers_total", routed_to="small", answered_by="small") == 1
    assert value("medchat_answers_total", routed_to="large", answered_by="large") == 2
    assert value("medchat_answer_latency_seconds_count", route="large") == 2
    assert value("medchat_first_chunk_seconds_count", route="large") == 1
    assert value("medchat_emergencies_total", category="self_harm") == 1
    assert value("medchat_rejections_total", reason="bad_request") == 1
    assert value("medchat_tokens_total", route="small", kind="completion") == small.usage.completion_tokens
    assert value("medchat_tokens_total", route="small", kind="prompt") == small.usage.prompt_tokens
    assert ("medchat_queue_depth", (("lane", "small"),)) in found and ("medchat_queue_depth", (("lane", "large"),)) in found
    assert value("medchat_large_breaker_open") == 0

    # One JSON line per request and per answer; request ids tie them together; no question text.
    formatter = JsonLogFormatter()
    # The access line of a request is written once its response has gone out, so the last one may still be
    # on its way when the client has its answer (seen once: 4 of 5 lines).
    deadline = time.monotonic() + 5
    while sum(r.name == "medchat_pipeline.serving.http" for r in caplog.records) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    answers = [line for line in lines if line.get("event") == "answer"]
    https = [line for line in lines if line.get("event") == "http"]
    assert len(answers) == 3 and len(https) >= 5
    assert {line["request_id"] for line in answers} <= {line["request_id"] for line in https}
    crisis = next(line for line in answers if line["emergency"])
    assert crisis["category"] == "self_harm" and crisis["answered_by"] == "large" and crisis["latency_s"] > 0
    assert crisis["possible_emergency"] is False and all(isinstance(line["possible_emergency"], bool) for line in answers)
    everything = "\n".join(json.dumps(line) for line in lines)
    assert "my-private-detail-4711" not in everything and "kill myself" not in everything


def test_a_log_line_never_holds_a_loaded_key_even_in_a_traceback():
    ApiKey(alias="MEDCHAT_TEST_KEY_1", secret="sk-test-4c1d9e")
    try:
        raise RuntimeError("401 Unauthorized: Incorrect API key provided: sk-test-4c1d9e")
    except RuntimeError:
        record = logging.LogRecord("medchat_pipeline.serving", logging.ERROR, __file__, 1, "large model failed: %s",
                                   ("key sk-test-4c1d9e",), sys.exc_info())
    line = JsonLogFormatter().format(record)
    assert "sk-test-4c1d9e" not in line and "large model failed: key [redacted-key]" in line
    assert json.loads(line)["traceback"].startswith("Traceback")
