"""A loopback HTTP server speaking OpenAI chat-completions and Gemini generateContent, with faults.

Other test folders use it to drive the real SDKs without the internet:

    from medchat_pipeline_tests.teachers.fake_provider_server import fake_teachers_section, start_fake_provider_server

    server = start_fake_provider_server(latency_s=0.01)
    monkeypatch.setenv("FAKE_KEY_1", "sk-fake-1")
    cfg = load_config("demo", overrides={"teachers": fake_teachers_section(server, keys_env="FAKE_KEY_*")})
    results = TeacherPool.from_config(cfg).run([TeacherRequest(id="a", prompt="hi")])
    server.stop()

Routes: POST /v1/chat/completions (Authorization: Bearer KEY) and
POST /v1beta/models/{model}:generateContent (x-goog-api-key: KEY or ?key=KEY).
Faults, one-shot (`queue_fault`), per key (`key_faults`) or random (`fault_rate`):
  "429"            429 with Retry-After (seconds, may be fractional) and retry-after-ms
  "429_retryinfo"  429 RESOURCE_EXHAUSTED with google.rpc.RetryInfo.retryDelay, no header
  "per_day"        429 RESOURCE_EXHAUSTED with a per-day QuotaFailure violation
  "401" / "403"    the key is rejected
  "500"            internal error
  "slow"           answers after `slow_s` (past the client's timeout)
  "malformed"      200 with a body that is not JSON
Every request is recorded in `hits` (time, api, key, model, prompt, status, fault, body).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlparse

TRANSIENT_FAULTS = ("500", "malformed", "429")


@dataclass
class Hit:
    t: float  # time.monotonic() when the request arrived
    api: str  # openai | gemini
    key: str
    model: str
    prompt: str  # the last user message
    status: int
    fault: str | None
    body: dict  # the request as sent (to check what the SDK put on the wire)


def default_reply(prompt: str, messages: list[dict[str, str]]) -> str:
    return f"answer to: {prompt}"


class FakeProviderServer:
    def __init__(
        self,
        latency_s: float = 0.0,
        fault_rate: float = 0.0,
        transient_faults: tuple[str, ...] = TRANSIENT_FAULTS,
        retry_after_s: float = 0.3,
        slow_s: float = 2.0,
        rpm_per_key: float | None = None,
        window_s: float = 60.0,
        reply: Callable[[str, list[dict[str, str]]], str] = default_reply,
        seed: int = 0,
    ) -> None:
        self.latency_s = latency_s
        self.fault_rate = fault_rate
        self.transient_faults = transient_faults
        self.retry_after_s = retry_after_s
        self.slow_s = slow_s
        self.rpm_per_key = rpm_per_key  # enforced with 429 + Retry-After over a sliding window
        self.window_s = window_s
        self.reply = reply
        self.key_faults: dict[str, str] = {}
        self.hits: list[Hit] = []
        self._queued: deque[tuple[str, str | None]] = deque()
        self._accepted: dict[str, deque[float]] = {}
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle
    def start(self) -> FakeProviderServer:
        server = self

        class Handler(_Handler):
            fake = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def gemini_base_url(self) -> str:
        return self.url

    # ------------------------------------------------------------ faults and records
    def queue_fault(self, fault: str, key: str | None = None, times: int = 1) -> None:
        """Apply `fault` to the next `times` requests (made with `key`, if given)."""
        with self._lock:
            for _ in range(times):
                self._queued.append((fault, key))

    def hits_for(self, key: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.key == key]

    def served_ok(self) -> list[Hit]:
        return [hit for hit in self.hits if hit.status == 200 and hit.fault is None]

    def _choose_fault(self, key: str) -> str | None:
        with self._lock:
            if key in self.key_faults:
                return self.key_faults[key]
            for index, (fault, only_key) in enumerate(self._queued):
                if only_key is None or only_key == key:
                    del self._queued[index]
                    return fault
            if self.fault_rate and self._rng.random() < self.fault_rate:
                return self._rng.choice(self.transient_faults)
            if self.rpm_per_key is not None:
                window = self._accepted.setdefault(key, deque())
                now = time.monotonic()
                while window and window[0] <= now - self.window_s:
                    window.popleft()
                if len(window) >= self.rpm_per_key * self.window_s / 60:
                    return "limit"
                window.append(now)
            return None

    def _limit_retry_after(self, key: str) -> float:
        with self._lock:
            window = self._accepted.get(key)
            return max(0.0, window[0] + self.window_s - time.monotonic()) if window else self.retry_after_s


class _Handler(BaseHTTPRequestHandler):
    fake: FakeProviderServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        arrived = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parsed_url = urlparse(self.path)
        gemini = re.fullmatch(r"/v1(?:beta|alpha)?/models/([^/:]+):generateContent", parsed_url.path)
        if parsed_url.path.endswith("/chat/completions"):
            api = "openai"
            key = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        elif gemini:
            api = "gemini"
            key = self.headers.get("x-goog-api-key") or parse_qs(parsed_url.query).get("key", [""])[0]
        else:
            self._send(404, {"error": {"message": f"no route {parsed_url.path}"}})
            return
        try:
            request = json.loads(body)
        except json.JSONDecodeError:
            self._send(400, {"error": {"code": 400, "message": "body is not JSON", "status": "INVALID_ARGUMENT"}})
            return
        if api == "openai":
            model, messages = request.get("model", ""), request.get("messages", [])
        else:
            model = gemini.group(1)
            messages = [
                {"role": "assistant" if c.get("role") == "model" else "user", "content": "".join(p.get("text", "") for p in c.get("parts", []))}
                for c in request.get("contents", [])
            ]
        prompt = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
        fault = self.fake._choose_fault(key)
        # The hit is recorded before the answer is written (in _send_raw): a client that has its answer sees its hit.
        self._pending_hit = (arrived, api, key, model, prompt, fault, request)
        self._respond(api, model, messages, prompt, fault, key)

    def _respond(self, api: str, model: str, messages: list, prompt: str, fault: str | None, key: str) -> int:
        fake = self.fake
        if fault == "limit":
            wait = fake._limit_retry_after(key)
            return self._send(429, _error(429, "RESOURCE_EXHAUSTED", "rate limit exceeded"), {"Retry-After": f"{wait:.3f}"})
        if fault == "429":
            headers = {"Retry-After": f"{fake.retry_after_s:g}", "retry-after-ms": f"{fake.retry_after_s * 1000:g}"}
            return self._send(429, _error(429, "RESOURCE_EXHAUSTED", "Too many requests"), headers)
        if fault == "429_retryinfo":
            body = _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for metric: generate_content_free_tier_requests")
            body["error"]["details"] = [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                 "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                                 "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{fake.retry_after_s:g}s"},
            ]
            return self._send(429, body)
        if fault == "per_day":
            body = _error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota (requests per day)")
            body["error"]["details"] = [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                 "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                                 "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3600s"},
            ]
            return self._send(429, body)
        if fault in ("401", "403"):
            code = int(fault)
            status = "UNAUTHENTICATED" if code == 401 else "PERMISSION_DENIED"
            return self._send(code, _error(code, status, "API key not valid. Please pass a valid API key."))
        if fault == "500":
            return self._send(500, _error(500, "INTERNAL", "An internal error has occurred."))
        time.sleep(fake.slow_s if fault == "slow" else fake.latency_s)
        if fault == "malformed":
            return self._send_raw(200, b'{"choices": [{"message": {"content": "trunc', "application/json")
        text = fake.reply(prompt, messages)
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        output_tokens = len(text.split())
        if api == "openai":
            payload = {
                "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": output_tokens,
                          "total_tokens": prompt_tokens + output_tokens},
            }
        else:
            payload = {
                "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP", "index": 0}],
                "usageMetadata": {"promptTokenCount": prompt_tokens, "candidatesTokenCount": output_tokens,
                                  "totalTokenCount": prompt_tokens + output_tokens},
                "modelVersion": model,
            }
        return self._send(200, payload)

    def _send(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> int:
        return self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_raw(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> int:
        pending, self._pending_hit = getattr(self, "_pending_hit", None), None
        if pending is not None:
            arrived, api, key, model, prompt, fault, request = pending
            with self.fake._lock:
                self.fake.hits.append(Hit(arrived, api, key, model, prompt, status, fault, request))
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): nothing to answer
            pass
        return status


def _error(code: int, status: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status}}


def start_fake_provider_server(**options) -> FakeProviderServer:
    """A started server (stop it with `.stop()`); options as FakeProviderServer's."""
    return FakeProviderServer(**options).start()


def fake_teachers_section(
    server: FakeProviderServer,
    provider: str = "openai",
    keys_env: str | None = None,
    name: str = "fake",
    model: str | None = None,
    **settings,
) -> dict:
    """A `teachers:` override making teacher `name` (also the default) talk to `server`.

    Use with `load_config(profile, overrides={"teachers": ...})`. `settings` go to the section's top
    level (e.g. timeout_s=0.5, backoff={"initial_s": 0.01}, quota_pools={...}).
    """
    teacher: dict = {
        "provider": provider,
        "model": model or ("gemini-2.5-flash" if provider == "gemini" else "fake-model"),
        "base_url": server.gemini_base_url if provider == "gemini" else server.openai_base_url,
    }
    if keys_env is not None:
        teacher["keys_env"] = keys_env
    teacher.update(settings.pop("teacher", {}))
    return {"default": name, "teachers": {name: teacher}, **settings}
