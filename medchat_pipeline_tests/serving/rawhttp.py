"""Raw-socket HTTP for the tests that need what no client library sends: bad Content-Lengths, half-sent
bodies, stalled headers, a client that vanishes mid-answer."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlparse


def connect(url: str, timeout: float = 10.0) -> socket.socket:
    parsed = urlparse(url)
    return socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)


def read_until_closed(sock: socket.socket, timeout: float) -> tuple[bytes, bool]:
    """Everything the server sends within `timeout`, and whether it closed the connection."""
    sock.settimeout(0.2)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def exchange(url: str, raw: bytes, timeout: float = 10.0) -> tuple[bytes, bool]:
    with connect(url) as sock:
        sock.sendall(raw)
        return read_until_closed(sock, timeout)


def post_bytes(path: str, body: bytes, content_length: int | str | None = None, extra: str = "") -> bytes:
    length = len(body) if content_length is None else content_length
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n")
    return head.encode() + body


def parse_response(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return status, headers, body


def error_json(data: bytes) -> tuple[int, dict[str, str], dict]:
    """Status, headers and the OpenAI error object of a raw response (asserting the shape)."""
    status, headers, body = parse_response(data)
    payload = json.loads(body)
    assert set(payload) == {"error"} and {"message", "type", "param", "code"} == set(payload["error"]), payload
    assert headers.get("x-request-id"), headers
    return status, headers, payload["error"]


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out
