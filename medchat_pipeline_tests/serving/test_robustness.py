"""Requests that used to crash or hang the server, over raw sockets and httpx on 127.0.0.1: each gets a
clean answer or a clean 4xx in the OpenAI shape, and none holds the server or its neighbours."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from medchat_pipeline.serving import ChatService, GenerationJob, LocalChatModel, TeacherChatModel, start_server
from medchat_pipeline.serving.lanes import BatchLane
from medchat_pipeline_tests.serving.conftest import client_for
from medchat_pipeline_tests.serving.rawhttp import (
    connect,
    error_json,
    exchange,
    parse_response,
    post_bytes,
    read_until_closed,
)

CHAT = "/v1/chat/completions"


@pytest.fixture
def strict(small_model, teacher_pool, serving_cfg):
    """The server with short socket limits (1 s for headers and bodies, 1 s keep-alive, 150 KB bodies)."""
    cfg = serving_cfg.serving.model_copy(update={
        "header_timeout_s": 1.0, "body_timeout_s": 1.0, "keep_alive_s": 1, "max_request_bytes": 150_000,
        "batch_wait_ms": 300.0,
    })
    service = ChatService(small_model, TeacherChatModel(teacher_pool, "fake", max_new_tokens=64), cfg)
    server = start_server(service, cfg, port=0)
    yield server
    server.stop()
    service.close()


def chat_body(content: str = "What is anemia?", model: str = "medchat-router-small", **more) -> bytes:
    return json.dumps({"model": model, "messages": [{"role": "user", "content": content}], **more}).encode()


def test_malformed_http_gets_a_json_400_and_the_connection_closes(strict):
    for raw in (post_bytes(CHAT, chat_body(), content_length="abc"), b"HELLO WORLD\r\n\r\n",
                b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n"):
        data, closed = exchange(strict.url, raw, timeout=5)
        status, _headers, error = error_json(data)
        assert status == 400 and error["code"] == "bad_http_request" and closed, data
        assert "Traceback" not in data.decode() and "h11" not in data.decode()


def test_deep_json_nesting_gets_a_400_without_exception_text(strict):
    deep = b"[" * 50_000 + b"]" * 50_000
    for body in (b'{"model": "medchat-router", "messages": ' + deep + b"}",
                 chat_body()[:-1] + b', "metadata": ' + deep + b"}"):
        status, _headers, error = error_json(exchange(strict.url, post_bytes(CHAT, body), timeout=10)[0])
        assert status == 400 and error["type"] == "invalid_request_error"
        assert "recursion" not in error["message"].lower() and "Error" not in error["message"]


def test_a_lone_surrogate_does_not_fail_the_requests_batched_with_it(strict):
    poisoned = b'{"model": "medchat-router-small", "messages": [{"role": "user", "content": "What is \\ud800 anemia?"}]}'
    bodies = [chat_body("What is anemia?"), poisoned, chat_body("Define fever."), chat_body("What is a virus?")]
    results: dict[int, httpx.Response] = {}

    def send(index: int, body: bytes) -> None:
        results[index] = httpx.post(f"{strict.url}{CHAT}", content=body, headers={"content-type": "application/json"},
                                    timeout=120)

    threads = [threading.Thread(target=send, args=item) for item in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i].status_code for i in range(4)] == [200, 200, 200, 200]
    assert all(results[i].json()["medchat_route"]["answered_by"] == "small" for i in range(4))
    lane = strict.state.service.lanes["small"]
    assert lane.answered == 4 and lane.batches < 4  # they really shared a batch


def test_a_row_that_breaks_the_model_fails_alone(small_model):
    """A batch that raises is retried one job at a time: the bad job errors, its neighbours answer."""
    lane = BatchLane("small", small_model, max_batch_size=4, batch_wait_s=0.3, max_queue=8)
    try:
        good = [lane.submit(GenerationJob([{"role": "user", "content": q}], max_new_tokens=3)) for q in ("Hi", "Hello")]
        bad = lane.submit(GenerationJob([{"role": "user", "content": "x"}], max_new_tokens=3, prompt_ids=[10**9]))
        results = [ticket.result.result(timeout=120) for ticket in (*good, bad)]
    finally:
        lane.close()
    assert [r.text is not None for r in results] == [True, True, False]
    assert results[2].error.startswith("internal: ") and lane.batches == 1


def test_a_half_sent_body_gets_408_within_the_body_deadline(strict):
    started = time.monotonic()
    data, closed = exchange(strict.url, post_bytes(CHAT, chat_body()[:10], content_length=200), timeout=6)
    status, _headers, error = error_json(data)
    assert status == 408 and error["code"] == "body_timeout" and closed
    assert time.monotonic() - started < 4


def test_stalled_headers_are_cut_off_and_do_not_hold_the_server(strict):
    stalled = [connect(strict.url) for _ in range(25)]
    silent = connect(strict.url)
    try:
        for sock in stalled:
            sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        # Meanwhile everyone else is served.
        assert httpx.get(f"{strict.url}/healthz", timeout=5).status_code == 200
        time.sleep(1.5)
        for sock in stalled:
            data, closed = read_until_closed(sock, timeout=3)
            assert closed and error_json(data)[0] == 408
        assert read_until_closed(silent, timeout=3) == (b"", True)
    finally:
        for sock in [*stalled, silent]:
            sock.close()


def test_idle_keep_alive_connections_are_closed(strict):
    with connect(strict.url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        time.sleep(0.3)
        first, _ = read_until_closed(sock, timeout=0.5)
        assert parse_response(first)[0] == 200
        rest, closed = read_until_closed(sock, timeout=4)
        assert closed and rest == b""


def test_bodies_over_the_limit_get_413(strict):
    announced, closed = exchange(strict.url, post_bytes(CHAT, b"", content_length=10_000_000), timeout=5)
    assert error_json(announced)[0] == 413 and closed
    big = chat_body("x" * 200_000)
    chunked = (f"POST {CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n").encode()
    chunked += b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (big[:100_000], big[100_000:])) + b"0\r\n\r\n"
    status, _headers, error = error_json(exchange(strict.url, chunked, timeout=5)[0])
    assert status == 413 and error["code"] == "body_too_large"


@pytest.fixture(scope="module")
def talkative_model(demo_model_dir):
    """The demo model allowed long answers, to see a disconnect stop one."""
    return LocalChatModel(demo_model_dir, max_new_tokens=400, max_input_tokens=160, batch_size=4)


@pytest.mark.parametrize("stream", [True, False])
def test_a_client_that_leaves_cancels_its_generation(talkative_model, teacher_pool, serving_cfg, stream):
    service = ChatService(talkative_model, TeacherChatModel(teacher_pool, "fake"), serving_cfg.serving)
    server = start_server(service, serving_cfg.serving, port=0)
    lane = service.lanes["small"]
    try:
        body = chat_body("Write a long essay about the history of medicine, century by century.", stream=stream,
                         max_tokens=400)
        with connect(server.url) as sock:
            sock.sendall(post_bytes(CHAT, body))
            deadline = time.monotonic() + 60
            while lane.in_flight == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert lane.in_flight == 1
            if stream:
                sock.settimeout(60)
                assert sock.recv(4096).startswith(b"HTTP/1.1 200")  # the first chunk arrived
            time.sleep(0.5)
        left = time.monotonic()
        while lane.in_flight and time.monotonic() < left + 10:
            time.sleep(0.05)
        stopped_after = time.monotonic() - left
        assert lane.in_flight == 0
        metrics = httpx.get(f"{server.url}/metrics").text
        assert "medchat_client_disconnects_total 1.0" in metrics
        # Stopping took a fraction of what the 400 tokens asked for would have taken at this machine's pace.
        started = time.monotonic()
        short = client_for(server).chat.completions.create(
            model="medchat-router-small", max_tokens=16,
            messages=[{"role": "user", "content": "Write a long essay about the history of medicine, century by century."}])
        per_token = (time.monotonic() - started) / short.usage.completion_tokens
        assert short.usage.completion_tokens == 16
        assert stopped_after < 400 * per_token / 4
    finally:
        server.stop()
        service.close()
