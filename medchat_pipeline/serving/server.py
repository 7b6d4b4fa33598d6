"""The API on uvicorn, with the limits a public socket needs.

    server = ChatServer(service, cfg.serving, port=0).start()    # background thread (tests, notebooks)
    server.url                                                   # http://127.0.0.1:PORT
    server.stop()
    ChatServer(None, cfg.serving).serve_forever(load=...)         # `medchat serve`: load while serving

Loopback only unless a bearer token is configured (`serving.auth_token_env`). uvicorn's h11 protocol
is extended by two things it lacks: a deadline for a request's headers (`header_timeout_s`: a
connection that sends nothing, or headers a byte at a time, is closed) and an OpenAI-shaped 400 for
requests h11 cannot parse (`Content-Length: abc`, a broken request line). Idle keep-alive
connections close after `keep_alive_s`; the body deadline and size limit are the middleware's.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from medchat_pipeline.config.serving import ServingConfig, is_loopback
from medchat_pipeline.serving.api import create_app
from medchat_pipeline.serving.errors import error_body
from medchat_pipeline.serving.service import ChatService
from medchat_pipeline.teachers.keys import ApiKey

log = logging.getLogger(__name__)


def _raw_error(status: int, reason: str, message: str, code: str) -> bytes:
    body = json.dumps(error_body(message, "invalid_request_error", code)).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            f"connection: close\r\nx-request-id: {uuid.uuid4().hex}\r\n\r\n")
    return head.encode() + body


def protocol_with_header_deadline(header_timeout_s: float) -> type[H11Protocol]:
    class DeadlineH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_header_timer()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_header_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            super().connection_lost(exc)

        def _arm_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            if not self.transport.is_closing():
                self._header_timer = self.loop.call_later(header_timeout_s, self._headers_overdue, self.cycle)

        def _headers_overdue(self, cycle_when_armed) -> None:
            self._header_timer = None
            if self.cycle is not cycle_when_armed or self.transport.is_closing():
                return  # a request's headers arrived in time
            if cycle_when_armed is not None and not cycle_when_armed.response_complete:
                return
            if self.conn.trailing_data[0]:  # part of a request came, then nothing
                self.transport.write(_raw_error(
                    408, "Request Timeout", f"the request headers did not arrive within {header_timeout_s:g}s "
                    "(serving.header_timeout_s)", "header_timeout"))
            self.transport.close()

        def send_400_response(self, msg: str) -> None:
            body = json.dumps(error_body(
                "malformed HTTP request (request line, headers or Content-Length)", "invalid_request_error",
                "bad_http_request")).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close"), (b"x-request-id", uuid.uuid4().hex.encode())]
            for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                          h11.EndOfMessage()):
                self.transport.write(self.conn.send(event))
            self.transport.close()

    return DeadlineH11Protocol


class ChatServer:
    """The service behind the API on one listening socket (bound at construction: port 0 picks one)."""

    def __init__(self, service: ChatService | None, cfg: ServingConfig, host: str | None = None, port: int | None = None):
        self.cfg = cfg
        self.service = service
        auth_token = os.environ.get(cfg.auth_token_env) if cfg.auth_token_env else None
        if cfg.auth_token_env and not auth_token:
            raise RuntimeError(
                f"serving.auth_token_env names {cfg.auth_token_env}, but that environment variable is not set"
            )
        host = host or cfg.host
        if not is_loopback(host) and auth_token is None:
            raise RuntimeError(
                f"refusing to serve on {host!r} without authentication: set serving.auth_token_env to the name "
                "of an environment variable holding a bearer token, or serve on 127.0.0.1"
            )
        if auth_token is not None:
            ApiKey(alias=cfg.auth_token_env, secret=auth_token)  # known to redact(), so no log line shows it
        self.app = create_app(cfg, auth_token, service)
        family, kind, proto, _, address = socket.getaddrinfo(host, cfg.port if port is None else port,
                                                            type=socket.SOCK_STREAM)[0]
        self.socket = socket.socket(family, kind, proto)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(address)
        self.socket.listen(512)
        self.server = uvicorn.Server(uvicorn.Config(
            self.app,
            http=protocol_with_header_deadline(cfg.header_timeout_s),
            timeout_keep_alive=cfg.keep_alive_s,
            access_log=False,
            log_config=None,
            server_header=False,
            lifespan="off",
            # On Ctrl-C or SIGTERM the socket closes and answers in flight finish; no request may run longer.
            timeout_graceful_shutdown=max(1, round(cfg.request_timeout_s)),
        ))
        self._thread: threading.Thread | None = None
        self.load_failure: Exception | None = None

    @property
    def state(self):
        return self.app.state.medchat

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> ChatServer:
        """Serve in a background thread; returns once the socket accepts requests."""
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                        name="medchat-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving (the service stays open: its owner closes it)."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.socket.close()

    def serve_forever(self, load: Callable[[], ChatService] | None = None) -> None:
        """Serve in this thread until Ctrl-C. With `load`, the models load in the background while
        /healthz already answers and /readyz says 503 until they are in."""
        if load is not None:
            def loading() -> None:
                try:
                    self.service = load()
                except Exception as exc:  # logged; the server stops, so the process exits with the error
                    self.state.load_error = type(exc).__name__
                    self.load_failure = exc
                    log.exception("loading the models failed")
                    self.server.should_exit = True
                    return
                self.state.attach(self.service)
                log.info("models loaded", extra={"fields": {"event": "ready"}})

            threading.Thread(target=loading, name="medchat-load", daemon=True).start()
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()


def start_server(service: ChatService, cfg: ServingConfig, host: str | None = None, port: int | None = None) -> ChatServer:
    """A started ChatServer in a background thread (stop with `.stop()`)."""
    return ChatServer(service, cfg, host, port).start()
