"""The ASGI layer every request passes first: its id, its arrival time, limits on its body, and its log line.

- `x-request-id`: the client's own (1–64 characters of [A-Za-z0-9._-]) or a fresh one, on every
  response; the chat completion id and the log lines carry it too.
- The body: over `max_request_bytes` (announced or counted) → 413; not complete within
  `body_timeout_s` of the request's arrival (a wrong Content-Length, a half-sent body) → 408. Both
  close the connection, so a stalled client never holds the server.
- One JSON log line and the HTTP metrics per request, by route template (not raw path).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medchat_pipeline.serving.errors import ApiError, error_response

log = logging.getLogger("medchat_pipeline.serving.http")

_CLIENT_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes (serving.max_request_bytes)", code="body_too_large")


class BodyTimeout(ApiError):
    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request body did not arrive within {seconds:g}s (serving.body_timeout_s)",
                         code="body_timeout")


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id" and _CLIENT_REQUEST_ID.fullmatch(value):
            return value.decode()
    return uuid.uuid4().hex


class RequestContext:
    """state: the app's ServerState (its cfg and metrics)."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cfg = self.state.cfg
        received = time.monotonic()
        request_id = request_id_of(scope)
        scope["medchat.request_id"] = request_id
        scope["medchat.received_at"] = received
        announced = _content_length(scope)
        body_deadline = received + cfg.body_timeout_s
        body_done = False
        size = 0
        status = 500
        started = False

        async def limited_receive() -> Message:
            nonlocal body_done, size
            if body_done:
                return await receive()
            if announced is not None and announced > cfg.max_request_bytes:
                raise BodyTooLarge(cfg.max_request_bytes)
            try:
                message = await asyncio.wait_for(receive(), max(body_deadline - time.monotonic(), 0.0))
            except TimeoutError:
                raise BodyTimeout(cfg.body_timeout_s) from None
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > cfg.max_request_bytes:
                    raise BodyTooLarge(cfg.max_request_bytes)
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                message = {**message, "headers": [*message.get("headers", ()), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except Exception:
            # Answered here, not by Starlette's last-resort handler, so the 500 has our shape and id.
            log.exception("internal error", extra={"fields": {"event": "error", "request_id": request_id}})
            if not started:
                response = error_response(ApiError(500, f"internal error; request id {request_id}", "server_error",
                                                   "internal_error"))
                await response(scope, limited_receive, send_with_id)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            duration = time.monotonic() - received
            metrics = self.state.metrics
            metrics.requests.labels(path, scope["method"], str(status)).inc()
            metrics.request_seconds.labels(path).observe(duration)
            log.info("request", extra={"fields": {
                "event": "http", "request_id": request_id, "method": scope["method"], "path": path,
                "status": status, "duration_s": round(duration, 4),
            }})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # h11 rejects a malformed Content-Length before the app runs
    return None
