"""An OpenAI-compatible HTTP front for ChatService, on the standard library (no extra dependency).

    POST /v1/chat/completions   {"model": "medchat-router", "messages": [...], "max_tokens": 128}
    GET  /v1/models             the served model ids
    GET  /healthz               status, the two models, requests served

Model ids: `<model_name>` routes; `<model_name>-small` / `<model_name>-large` force one model (an
emergency still goes to the large model). The response is a standard `chat.completion` plus
`medchat_route`: which model answered, the routing score and reasons, failover, latency.
`stream: true` is answered as server-sent events carrying the whole answer in one chunk (answers are
generated in batches, not token by token), so streaming clients work unchanged.

Concurrent requests are answered together: a batcher thread collects requests for up to
`batch_wait_ms` (or `max_batch_size` of them) and answers each group with one ChatService batch, so
the models run single-threaded and batched. Errors use the OpenAI error shape, so SDK clients raise
their usual exceptions (BadRequestError, AuthenticationError, NotFoundError).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import queue
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from medchat_pipeline.config.serving import ServingConfig, is_loopback
from medchat_pipeline.serving.routing import Route
from medchat_pipeline.serving.service import BadConversation, ChatAnswer, ChatService, conversation_of

log = logging.getLogger(__name__)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "user", "assistant", "developer"]
    content: str


class ChatCompletionRequest(BaseModel):
    """The subset of the OpenAI request we honour; other fields clients send are ignored."""

    model_config = ConfigDict(extra="ignore")

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    n: int = Field(default=1, ge=1, le=1, description="one choice per request")
    stream: bool = Field(default=False, description="answered as server-sent events, the answer in one chunk")


class ApiError(Exception):
    def __init__(self, status: HTTPStatus, message: str, kind: str = "invalid_request_error", code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "param": None, "code": self.code}}


@dataclass
class _Job:
    messages: list[dict[str, str]]
    force: Route | None
    max_new_tokens: int | None
    temperature: float | None
    future: Future = field(default_factory=Future)


class Batcher:
    """One worker thread answering queued requests in groups (same generation settings per group)."""

    def __init__(self, service: ChatService, max_batch_size: int, wait_s: float) -> None:
        self.service = service
        self.max_batch_size = max_batch_size
        self.wait_s = wait_s
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="medchat-batcher", daemon=True)
        self.batches = 0
        self.answered = 0
        self._thread.start()

    def submit(self, job: _Job) -> Future:
        self._queue.put(job)
        return job.future

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs = [first]
            deadline = time.monotonic() + self.wait_s
            stopping = False
            while len(jobs) < self.max_batch_size:
                remaining = deadline - time.monotonic()
                try:
                    job = self._queue.get(timeout=max(remaining, 0.0)) if remaining > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                jobs.append(job)
            groups: dict[tuple, list[_Job]] = {}
            for job in jobs:
                groups.setdefault((job.max_new_tokens, job.temperature), []).append(job)
            for (max_new_tokens, temperature), group in groups.items():
                self._answer(group, max_new_tokens, temperature)
            if stopping:
                return

    def _answer(self, jobs: list[_Job], max_new_tokens: int | None, temperature: float | None) -> None:
        try:
            answers = self.service.answer_batch(
                [job.messages for job in jobs],
                force=[job.force for job in jobs],
                max_new_tokens=max_new_tokens,
                temperature=temperature,
            )
        except Exception as exc:  # handed to each waiting request, which answers 500 with the reason
            log.exception("answering a batch of %d failed", len(jobs))
            for job in jobs:
                job.future.set_exception(exc)
            return
        self.batches += 1
        self.answered += len(jobs)
        for job, answer in zip(jobs, answers):
            job.future.set_result(answer)


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, service: ChatService, cfg: ServingConfig, host: str | None = None, port: int | None = None):
        self.service = service
        self.cfg = cfg
        self.started_at = time.time()
        self.model_ids = {cfg.model_name: None, f"{cfg.model_name}-small": "small", f"{cfg.model_name}-large": "large"}
        self.auth_token = os.environ.get(cfg.auth_token_env) if cfg.auth_token_env else None
        if cfg.auth_token_env and not self.auth_token:
            raise RuntimeError(
                f"serving.auth_token_env names {cfg.auth_token_env}, but that environment variable is not set"
            )
        host = host or cfg.host
        if not is_loopback(host) and self.auth_token is None:
            raise RuntimeError(
                f"refusing to serve on {host!r} without authentication: set serving.auth_token_env to the name "
                "of an environment variable holding a bearer token, or serve on 127.0.0.1"
            )
        super().__init__((host, cfg.port if port is None else port), ChatRequestHandler)
        self.batcher = Batcher(service, cfg.max_batch_size, cfg.batch_wait_ms / 1000.0)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        self.batcher.stop()
        super().server_close()


class ChatRequestHandler(BaseHTTPRequestHandler):
    server: ChatServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        log.info("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            # Unauthenticated callers learn only that the server is up, not which models or paths it uses.
            try:
                self._check_auth()
                self._send(HTTPStatus.OK, self._health())
            except ApiError:
                self._send(HTTPStatus.OK, {"status": "ok"})
        elif path == "/v1/models":
            self._guarded(lambda: self._send(HTTPStatus.OK, self._models()))
        else:
            self._send_error(ApiError(HTTPStatus.NOT_FOUND, f"no route GET {path}", code="not_found"))

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path.split("?", 1)[0]
        if path != "/v1/chat/completions":
            self._send_error(ApiError(HTTPStatus.NOT_FOUND, f"no route POST {path}", code="not_found"))
            return
        self._guarded(self._chat_completion)

    def _guarded(self, handler) -> None:
        try:
            self._check_auth()
            handler()
        except ApiError as exc:
            self._send_error(exc)
        except Exception as exc:
            log.exception("request failed")
            self._send_error(ApiError(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}", "server_error"))

    def _check_auth(self) -> None:
        expected = self.server.auth_token
        if expected is None:
            return
        given = self.headers.get("Authorization", "")
        token = given[7:] if given.startswith("Bearer ") else ""
        if not hmac.compare_digest(token.encode(), expected.encode()):
            raise ApiError(HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token", "authentication_error", "invalid_api_key")

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.server.cfg.max_request_bytes:
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {self.server.cfg.max_request_bytes} bytes")
        raw = self.rfile.read(length)
        try:
            return json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, f"body is not valid JSON: {exc}") from None

    def _chat_completion(self) -> None:
        try:
            request = ChatCompletionRequest.model_validate(self._read_json())
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
            raise ApiError(HTTPStatus.BAD_REQUEST, problems) from None
        if request.model not in self.server.model_ids:
            raise ApiError(
                HTTPStatus.NOT_FOUND,
                f"model {request.model!r} does not exist; use one of {', '.join(self.server.model_ids)}",
                code="model_not_found",
            )
        messages = [
            {"role": "system" if m.role == "developer" else m.role, "content": m.content} for m in request.messages
        ]
        try:
            conversation_of(messages, self.server.cfg.system_prompt)
        except BadConversation as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        job = _Job(
            messages=messages,
            force=self.server.model_ids[request.model],
            max_new_tokens=request.max_completion_tokens or request.max_tokens,
            temperature=request.temperature,
        )
        answer: ChatAnswer = self.server.batcher.submit(job).result()
        if answer.text is None:
            raise ApiError(HTTPStatus.BAD_GATEWAY, answer.error or "no model could answer", "server_error", "upstream_failed")
        body = self._completion_body(request.model, answer)
        if request.stream:
            self._send_stream(body)
        else:
            self._send(HTTPStatus.OK, body)

    def _completion_body(self, model: str, answer: ChatAnswer) -> dict[str, Any]:
        usage = dict(answer.usage)
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer.text},
                    "finish_reason": "length" if answer.truncated else "stop",
                    "logprobs": None,
                }
            ],
            "usage": usage,
            "medchat_route": answer.route_info(self.server.service.describe()),
        }

    def _send_stream(self, body: dict[str, Any]) -> None:
        """Server-sent events for streaming clients: the answer arrives whole (answers are generated in
        batches), then a final chunk with finish_reason, usage and medchat_route, then [DONE]."""
        choice = body["choices"][0]
        common = {"id": body["id"], "object": "chat.completion.chunk", "created": body["created"], "model": body["model"]}
        events = [
            {**common, "choices": [{"index": 0, "delta": {"role": "assistant", "content": choice["message"]["content"]}, "finish_reason": None}]},
            {**common, "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}],
             "usage": body["usage"], "medchat_route": body["medchat_route"]},
        ]
        payload = b"".join(f"data: {json.dumps(event)}\n\n".encode() for event in events) + b"data: [DONE]\n\n"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _models(self) -> dict[str, Any]:
        created = int(self.server.started_at)
        return {
            "object": "list",
            "data": [{"id": name, "object": "model", "created": created, "owned_by": "medchat"} for name in self.server.model_ids],
        }

    def _health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "model": self.server.cfg.model_name,
            "uptime_s": round(time.time() - self.server.started_at, 1),
            "requests_answered": self.server.batcher.answered,
            "batches": self.server.batcher.batches,
            "auth": self.server.auth_token is not None,
            "models": self.server.service.describe(),
        }

    def _send_error(self, error: ApiError) -> None:
        # The request body may be unread (auth failed first): close this connection, and say so.
        self._send(error.status, error.body(), close=True)

    def _send(self, status: HTTPStatus, body: dict[str, Any], close: bool = False) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(payload)


def start_server(service: ChatService, cfg: ServingConfig, host: str | None = None, port: int | None = None) -> tuple[ChatServer, threading.Thread]:
    """Serve in a background thread (tests, notebooks); stop with `server.shutdown(); server.server_close()`."""
    server = ChatServer(service, cfg, host, port)
    thread = threading.Thread(target=server.serve_forever, name="medchat-http", daemon=True)
    thread.start()
    return server, thread
