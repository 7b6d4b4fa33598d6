"""Errors in the OpenAI shape, `{"error": {"message", "type", "param", "code"}}`, for every status the
server sends (its own, Starlette's and the HTTP layer's), always closing the connection: the request
body may be unread or half-read."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException


class ApiErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ApiErrorBody(BaseModel):
    error: ApiErrorDetail


class ApiError(HTTPException):
    """An error response in the OpenAI shape."""

    def __init__(
        self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
        param: str | None = None, headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status, detail=message, headers=headers)
        self.kind, self.code, self.param = kind, code, param


def error_body(message: str, kind: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


_KIND_BY_STATUS = {401: "authentication_error", 408: "invalid_request_error", 413: "invalid_request_error",
                   429: "rate_limit_error", 503: "server_error", 504: "server_error"}


def error_response(exc: HTTPException) -> JSONResponse:
    if isinstance(exc, ApiError):
        body = error_body(exc.detail, exc.kind, exc.code, exc.param)
    else:  # Starlette's own (unknown path, wrong method) and the body limits'
        kind = _KIND_BY_STATUS.get(exc.status_code, "invalid_request_error" if exc.status_code < 500 else "server_error")
        message = {404: "no such route", 405: "method not allowed on this route"}.get(exc.status_code, str(exc.detail))
        body = error_body(message, kind, code={404: "not_found"}.get(exc.status_code))
    headers = dict(exc.headers or {})
    # The request body may be unread or half-read: this connection is not reused.
    headers["Connection"] = "close"
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ApiErrorBody, "description": description}
    for status, description in {
        400: "Invalid request (the message says which field and why)",
        401: "Missing or wrong bearer token",
        404: "Unknown model or route",
        408: "The request body did not arrive in time",
        413: "Request body too large",
        429: "The model's queue is full; retry after Retry-After seconds",
        500: "Internal error (the request id finds it in the logs)",
        503: "Models not loaded yet, or no model could answer",
        504: "No answer within the request's deadline",
    }.items()
}
