"""Isolated lanes through the real server: a slow, failing or unreachable large model never delays a
small answer or an emergency's advice; queues, input and time are limited, with clear answers."""

from __future__ import annotations

import threading
import time

import httpx
import openai
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.core.safety.triage import escalation_advice
from medchat_pipeline.serving import ChatService, GenerationJob, TeacherChatModel, start_server
from medchat_pipeline.serving.lanes import EMERGENCY, FALLBACK, BatchLane, QueueFull
from medchat_pipeline.teachers import TeacherPool
from medchat_pipeline_tests.serving.conftest import client_for
from medchat_pipeline_tests.teachers.fake_provider_server import fake_teachers_section, start_fake_provider_server

LARGE_QUESTION = "I have had a cough and a fever for a week and now my chest hurts when I breathe in, what could it be?"
LONG_CASE = "I had a sore knee after running and it felt stiff in the morning. " * 400  # ~40 KB
SLOW_S = 8.0  # the slow large model's answer time: far above a small answer's, even on a busy machine


@pytest.fixture(scope="module")
def slow_provider():
    server = start_fake_provider_server(latency_s=SLOW_S)
    yield server
    server.stop()


class Served:
    """A service on the real small model with a given large teacher, behind a started server."""

    def __init__(self, small_model, teachers: dict, **serving) -> None:
        self.cfg = load_config("demo", overrides={"teachers": teachers, "serving": {"large": {"teacher": "fake"}, **serving}})
        self.pool = TeacherPool.from_config(self.cfg)
        self.service = ChatService(small_model, TeacherChatModel(self.pool, "fake", max_new_tokens=64), self.cfg.serving)
        self.server = start_server(self.service, self.cfg.serving, port=0)
        self.client = client_for(self.server)

    def close(self) -> None:
        self.server.stop()
        self.service.close()
        self.pool.close()

    def ask(self, content: str, model: str = "medchat-router", **options):
        return self.client.chat.completions.create(model=model, messages=[{"role": "user", "content": content}],
                                                   **options)


@pytest.fixture
def served(small_model):
    made: list[Served] = []

    def make(teachers: dict, **serving) -> Served:
        made.append(Served(small_model, teachers, **serving))
        return made[-1]

    yield make
    for item in made:
        item.close()


def unreachable_teachers() -> dict:
    """A teacher whose endpoint refuses connections (nothing listens on port 9)."""
    return {"default": "fake", "max_retries": 0, "backoff": {"initial_s": 0.01, "max_s": 0.02},
            "teachers": {"fake": {"provider": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1"}}}


def in_threads(calls: dict[str, callable]) -> dict[str, tuple[float, object]]:
    """Run each call in its own thread; name → (seconds to finish, result or exception)."""
    out: dict[str, tuple[float, object]] = {}
    started = time.monotonic()

    def run(name, call):
        try:
            result = call()
        except Exception as exc:  # kept and asserted on by the caller
            result = exc
        out[name] = (time.monotonic() - started, result)

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=120)
    return out


def test_a_slow_large_model_never_delays_small_answers_or_advice(served, slow_provider):
    app = served(fake_teachers_section(slow_provider, max_retries=0))
    calls = {f"large{i}": (lambda i=i: app.ask(f"{LARGE_QUESTION} ({i})", max_tokens=4)) for i in range(6)}
    calls["small"] = lambda: app.ask("What is anemia?", model="medchat-router-small", max_tokens=4)
    calls["crisis"] = lambda: list(app.ask("I want to kill myself", stream=True, max_tokens=4))
    done = in_threads(calls)

    small_s, small = done["small"]
    assert small.model_extra["medchat_route"]["answered_by"] == "small"
    large_times = [done[f"large{i}"][0] for i in range(6)]
    assert all(done[f"large{i}"][1].choices[0].message.content.startswith("answer to:") for i in range(6))
    # The slow large model held nothing up: the small question did not queue, and was answered first.
    assert small.model_extra["medchat_route"]["queue_s"] < 1.0 and small_s < min(large_times)
    crisis_chunks = done["crisis"][1]
    assert crisis_chunks[0].choices[0].delta.content == escalation_advice("self_harm")


def test_an_unreachable_large_model_fails_over_fast_and_emergencies_keep_their_advice(served):
    app = served(unreachable_teachers(), large={"teacher": "fake", "breaker_failures": 2, "breaker_cooldown_s": 60})

    started = time.monotonic()
    emergency = app.ask("I have chest pain and I can't breathe", max_tokens=4)
    route = emergency.model_extra["medchat_route"]
    assert emergency.choices[0].message.content.startswith(escalation_advice("cardiac") + "\n\n")
    assert route["emergency"] and route["answered_by"] == "small" and route["fallback"] == "large_error"
    assert time.monotonic() - started < 10

    second = app.ask(LARGE_QUESTION, max_tokens=4).model_extra["medchat_route"]
    assert second["answered_by"] == "small" and second["fallback"] == "large_error"
    # Two failures in a row open the breaker: the next large-routed question does not even try.
    third = app.ask(LARGE_QUESTION + " Please help.", max_tokens=4).model_extra["medchat_route"]
    assert third["answered_by"] == "small" and third["fallback"] == "large_unavailable"
    metrics = httpx.get(f"{app.server.url}/metrics").text
    assert "medchat_large_breaker_open 1.0" in metrics
    assert 'medchat_failovers_total{kind="fallback",reason="large_unavailable"} 1.0' in metrics
    assert 'medchat_emergencies_total{category="cardiac"} 1.0' in metrics
    # Nothing about the endpoint reaches the client.
    assert "127.0.0.1:9" not in str(emergency.model_extra) and "connection" not in str(route).lower()


def test_a_streamed_emergency_gets_its_advice_before_any_model_runs(served, slow_provider):
    app = served(fake_teachers_section(slow_provider, max_retries=0))
    started = time.monotonic()
    stream = app.ask("my son ate rat poison and I think he swallowed some pills", stream=True, max_tokens=4)
    first = next(iter(stream))
    first_s = time.monotonic() - started
    rest = list(stream)
    assert first.choices[0].delta.content.startswith(escalation_advice("overdose_poisoning"))
    assert first_s < SLOW_S / 2 <= time.monotonic() - started  # the advice did not wait for the slow model
    assert "".join(c.choices[0].delta.content or "" for c in rest if c.choices).startswith("\n\nanswer to:")


def test_full_queues_get_429_with_retry_after_but_emergencies_never_do(served, provider_server):
    app = served(fake_teachers_section(provider_server, max_retries=0), max_batch_size=1, small={"max_queue": 1})
    calls = {f"q{i}": (lambda i=i: app.ask(f"What is anemia number {i}?", model="medchat-router-small", max_tokens=8))
             for i in range(6)}
    calls["crisis"] = lambda: app.ask("I want to end my life", model="medchat-router-small", max_tokens=4)
    done = in_threads(calls)
    refused = [result for _, result in done.values() if isinstance(result, openai.RateLimitError)]
    answered = [result for _, result in done.values() if not isinstance(result, Exception)]
    assert refused and len(answered) + len(refused) == 7
    assert int(refused[0].response.headers["retry-after"]) >= 1
    assert refused[0].body["code"] == "queue_full" and "queue is full" in refused[0].body["message"]
    assert done["crisis"][1].choices[0].message.content.startswith(escalation_advice("self_harm"))


def test_the_input_limit_is_in_tokens_and_named_but_never_withholds_advice(served, provider_server):
    app = served(fake_teachers_section(provider_server, max_retries=0))
    started = time.monotonic()
    with pytest.raises(openai.BadRequestError) as refused:
        app.ask(LONG_CASE + " What could it be?")
    assert time.monotonic() - started < 5
    assert refused.value.body["code"] == "context_length_exceeded"
    assert "input tokens (serving.small.max_input_tokens)" in refused.value.body["message"]
    emergency = app.ask(LONG_CASE + " Now I have chest pain and I can't breathe.")
    assert emergency.choices[0].message.content == escalation_advice("cardiac")
    assert emergency.model_extra["medchat_route"]["error"] == "input_too_long"


def test_the_deadline_ends_a_request_with_504(served, slow_provider):
    app = served(fake_teachers_section(slow_provider, max_retries=0), request_timeout_s=1.5)
    started = time.monotonic()
    with pytest.raises(openai.APIStatusError) as late:
        app.ask(LARGE_QUESTION, model="medchat-router-large")
    assert late.value.status_code == 504 and late.value.body["code"] == "timeout"
    assert time.monotonic() - started < 3.5


def test_reported_latency_includes_the_time_spent_queueing(served, provider_server):
    app = served(fake_teachers_section(provider_server, max_retries=0), max_batch_size=1)
    done = in_threads({name: (lambda: app.ask("What is anemia?", model="medchat-router-small", max_tokens=8))
                       for name in ("first", "second")})
    routes = sorted((result.model_extra["medchat_route"] for _, result in done.values()), key=lambda r: r["queue_s"])
    # One request per batch: the second waited for the first, and its latency says so.
    assert routes[1]["queue_s"] > 0.05 and routes[1]["latency_s"] >= routes[1]["queue_s"] + 0.05


def test_the_small_lane_takes_emergencies_first_and_fallbacks_last(small_model):
    """Questions another model could not answer use the small model's spare capacity only: a failing
    large model must not slow the questions routed small (and nothing slows an emergency)."""
    lane = BatchLane("small", small_model, max_batch_size=1, batch_wait_s=0.0, max_queue=1)
    try:
        def job(text: str, tokens: int = 2) -> GenerationJob:
            return GenerationJob([{"role": "user", "content": text}], max_new_tokens=tokens)

        busy = lane.submit(job("Tell me about the heart.", tokens=8))
        while busy.started_at is None:
            time.sleep(0.01)
        fallback = lane.submit(job("What is anemia?"), FALLBACK, limited=False)
        routed = lane.submit(job("What is a fever?"))
        with pytest.raises(QueueFull):
            lane.submit(job("What is a cold?"))  # one routed question waits already: the queue is full
        emergency = lane.submit(job("I can't breathe"), EMERGENCY, limited=False)
        for ticket in (busy, fallback, routed, emergency):
            assert ticket.result.result(timeout=120).text is not None
    finally:
        lane.close()
    assert emergency.started_at < routed.started_at < fallback.started_at
