"""The OpenAI-compatible HTTP API (FastAPI) in front of ChatService.

    POST /v1/chat/completions   {"model": "medchat-router", "messages": [...], "stream": true}
    GET  /v1/models, /v1/models/{id}
    GET  /healthz (alive), /readyz (models loaded), /metrics (Prometheus), /openapi.json

Model ids: `<model_name>` routes; `<model_name>-small` / `-large` force one model (an emergency still
goes to the large model). Responses are standard `chat.completion` objects (or `chat.completion.chunk`
server-sent events) plus `medchat_route`: who answered and why, safety decisions, latency with
queueing. Every response carries `x-request-id`; every error has the OpenAI error shape
`{"error": {"message", "type", "param", "code"}}`, so SDK clients raise their usual exceptions.

Honoured: text content (a string or a list of `{"type": "text"}` parts), max_tokens /
max_completion_tokens (up to the model's limit, else 400 naming it), temperature, top_p, seed, stop
(up to 4 strings), stream with stream_options.include_usage, n=1, response_format {"type": "text"}.
Refused with a 400 that says so: n > 1, JSON response formats, images/audio parts, tool roles.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from medchat_pipeline.config.serving import ServingConfig
from medchat_pipeline.serving.backends import InputTooLong
from medchat_pipeline.serving.errors import ERROR_RESPONSES, ApiError, error_response
from medchat_pipeline.serving.lanes import LaneUnavailable, QueueFull
from medchat_pipeline.serving.metrics import ServingMetrics, answer_log_fields
from medchat_pipeline.serving.middleware import RequestContext
from medchat_pipeline.serving.service import (
    Answering,
    BadConversation,
    ChatAnswer,
    ChatRequest,
    ChatService,
    Delta,
)

log = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Lone UTF-16 surrogates (legal in JSON escapes, not in UTF-8) become U+FFFD, so no tokenizer or
    encoder downstream ever sees one."""
    return _SURROGATE.sub("\ufffd", text)


# ---------------------------------------------------------------------------------------------- wire models


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: str


class OtherPart(BaseModel):
    """Any non-text part (image_url, input_audio, file…): accepted by the schema, refused with a 400."""

    model_config = ConfigDict(extra="allow")

    type: str


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart | OtherPart] | None = None
    name: str | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class ResponseFormat(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(description='Only "text" is served; JSON formats get a 400')


class ChatCompletionRequest(BaseModel):
    """The OpenAI request fields we honour or refuse explicitly; other fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    model: str
    messages: list[ChatMessageIn] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    seed: int | None = None
    n: int | None = Field(default=None, ge=1, description="only 1 is served")
    stream: bool | None = False
    stream_options: StreamOptions | None = None
    stop: str | list[str] | None = Field(default=None, description="up to 4 strings")
    response_format: ResponseFormat | None = None
    user: str | None = None


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str | None


class Choice(BaseModel):
    index: int
    message: ChatMessageOut
    finish_reason: str
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class RouteInfo(BaseModel):
    """Who answered and why (medchat's addition to the OpenAI response)."""

    model_config = ConfigDict(extra="allow")

    answered_by: Literal["small", "large"] | None
    routed_to: Literal["small", "large"]
    emergency: bool
    category: str | None
    failover: str | None
    fallback: str | None
    guard: dict[str, Any] | None
    latency_s: float
    queue_s: float


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: str | None = None
    medchat_route: RouteInfo


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "medchat"
    max_completion_tokens: int = Field(description="The largest max_tokens this model id accepts")


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    lanes: dict[str, dict[str, Any]]


# ---------------------------------------------------------------------------------------------- the app


class ServerState:
    """What the routes share: the service once loaded, the model ids, the metrics."""

    def __init__(self, cfg: ServingConfig, auth_token: str | None) -> None:
        self.cfg = cfg
        self.auth_token = auth_token
        self.started_at = time.time()
        self.metrics = ServingMetrics()
        self.service: ChatService | None = None
        self.load_error: str | None = None

    def attach(self, service: ChatService) -> None:
        self.service = service
        self.metrics.watch_lanes(service.lanes)

    def model_limits(self) -> dict[str, int]:
        """Model id → the largest max_tokens it accepts (routed: either model may answer)."""
        name = self.cfg.model_name
        small = self.service.small.max_new_tokens if self.service else self.cfg.small.max_new_tokens
        large = self.service.large.max_new_tokens if self.service else self.cfg.large.max_new_tokens
        return {name: min(small, large), f"{name}-small": small, f"{name}-large": large}

    def require_service(self) -> ChatService:
        if self.service is None:
            why = "the models failed to load" if self.load_error else "the models are still loading"
            raise ApiError(503, f"not ready: {why}", "server_error", "not_ready", headers={"Retry-After": "10"})
        return self.service


def create_app(cfg: ServingConfig, auth_token: str | None = None, service: ChatService | None = None) -> FastAPI:
    """The FastAPI app; `service` may be attached later (`app.state.medchat.attach(service)`) so that the
    server can answer /healthz and /readyz while models load."""
    state = ServerState(cfg, auth_token)
    if service is not None:
        state.attach(service)
    app = FastAPI(
        title="medchat router",
        version="1",
        description=__doc__,
        docs_url=None,  # the interactive docs load scripts from a CDN; the spec itself is at /openapi.json
        redoc_url=None,
    )
    app.state.medchat = state
    app.add_middleware(RequestContext, state=state)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        state.metrics.rejections.labels("bad_request").inc()
        return error_response(ApiError(400, describe_validation_errors(exc.errors()), param=_first_param(exc.errors())))

    async def authorized(request: Request) -> None:
        if state.auth_token is None:
            return
        given = request.headers.get("authorization", "")
        token = given[7:] if given[:7].lower() == "bearer " else ""
        if not hmac.compare_digest(token.encode(), state.auth_token.encode()):
            raise ApiError(401, "missing or wrong bearer token", "authentication_error", "invalid_api_key",
                           headers={"WWW-Authenticate": "Bearer"})

    auth = [Depends(authorized)]

    @app.get("/healthz", response_model=Health, tags=["operations"], summary="The process is alive")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok"}

    @app.get("/readyz", response_model=Readiness, responses={503: ERROR_RESPONSES[503]}, tags=["operations"],
             summary="Models loaded and lanes taking work")
    async def readyz() -> dict[str, Any]:
        service = state.require_service()
        lanes = {
            name: {"ready": lane.ready(), "queue": lane.depth(),
                   "breaker_open": bool(getattr(lane, "breaker_open", lambda: False)())}
            for name, lane in service.lanes.items()
        }
        if not lanes["small"]["ready"]:
            raise ApiError(503, "not ready: the small model is not taking work", "server_error", "not_ready",
                           headers={"Retry-After": "5"})
        return {"status": "ready", "lanes": lanes}

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", dependencies=auth,
             responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}},
                        401: ERROR_RESPONSES[401]})
    async def metrics() -> Response:
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/models", response_model=ModelList, responses={401: ERROR_RESPONSES[401]}, tags=["openai"],
             dependencies=auth)
    async def list_models() -> dict[str, Any]:
        return {"object": "list", "data": [model_card(state, name) for name in state.model_limits()]}

    @app.get("/v1/models/{model_id}", response_model=ModelCard,
             responses={401: ERROR_RESPONSES[401], 404: ERROR_RESPONSES[404]}, tags=["openai"], dependencies=auth)
    async def get_model(model_id: str) -> dict[str, Any]:
        if model_id not in state.model_limits():
            raise unknown_model(state, model_id)
        return model_card(state, model_id)

    @app.post(
        "/v1/chat/completions",
        response_model=ChatCompletion,
        responses={
            200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                  "description": "A chat.completion, or chat.completion.chunk events when stream is true"},
            **{status: spec for status, spec in ERROR_RESPONSES.items() if status != 404},
            404: ERROR_RESPONSES[404],
        },
        tags=["openai"],
        dependencies=auth,
    )
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response:
        service = state.require_service()
        chat_request = to_chat_request(state, body, request)
        try:
            prepared = await run_in_threadpool(service.prepare, chat_request)
        except BadConversation as exc:
            state.metrics.rejections.labels("bad_request").inc()
            raise ApiError(400, str(exc), param="messages") from None
        except InputTooLong as exc:
            state.metrics.rejections.labels("input_too_long").inc()
            raise ApiError(
                400, f"the conversation's last message is {exc.tokens} tokens with the system prompt; this server "
                f"takes at most {exc.limit} input tokens (serving.small.max_input_tokens)",
                code="context_length_exceeded", param="messages",
            ) from None
        try:
            answering = service.start(prepared)
        except QueueFull as exc:
            state.metrics.rejections.labels("queue_full").inc()
            raise ApiError(429, f"the {exc.lane} model's queue is full; retry in {exc.retry_after_s:.0f}s",
                           "rate_limit_error", "queue_full", headers={"Retry-After": f"{exc.retry_after_s:.0f}"}) from None
        except LaneUnavailable:
            raise ApiError(503, "no model is taking requests now", "server_error", "unavailable",
                           headers={"Retry-After": "10"}) from None
        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            return await stream_answer(state, request, body.model, answering, include_usage)
        answer = await answer_unless_disconnected(state, request, answering)
        if answer is None:
            return Response(status_code=499)  # nobody is listening; the generation was cancelled
        raise_for_failed(answer)
        return JSONResponse(completion_body(request, body.model, answer))

    return app


def _first_param(errors: list[dict[str, Any]]) -> str | None:
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part != "body"]
        if loc:
            return loc[0]
    return None


def describe_validation_errors(errors: list[dict[str, Any]]) -> str:
    """'messages.0.role: Input should be …' for each problem; never echoes the input itself."""
    problems = []
    for error in errors[:10]:
        loc = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
        message = error.get("msg", "invalid")
        if error.get("type") == "json_invalid":
            message = f"body is not valid JSON ({error.get('ctx', {}).get('error', 'decode error')})"
        problems.append(f"{loc}: {message}")
    if len(errors) > 10:
        problems.append(f"and {len(errors) - 10} more")
    return clean_text("; ".join(problems))


def model_card(state: ServerState, model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": int(state.started_at), "owned_by": "medchat",
            "max_completion_tokens": state.model_limits()[model_id]}


def unknown_model(state: ServerState, model_id: str) -> ApiError:
    shown = clean_text(model_id[:80])
    return ApiError(404, f"model {shown!r} does not exist; use one of {', '.join(state.model_limits())}",
                    code="model_not_found", param="model")


def to_chat_request(state: ServerState, body: ChatCompletionRequest, request: Request) -> ChatRequest:
    """Check what the schema cannot, and turn the wire request into a ChatRequest."""
    limits = state.model_limits()
    if body.model not in limits:
        raise unknown_model(state, body.model)
    if body.n not in (None, 1):
        raise ApiError(400, "n: this server returns one choice per request; send n=1 or leave it out", param="n")
    if body.response_format is not None and body.response_format.type != "text":
        raise ApiError(400, f"response_format: only type 'text' is served, not {clean_text(body.response_format.type[:40])!r}",
                       param="response_format")
    wanted = body.max_completion_tokens or body.max_tokens
    if wanted is not None and wanted > limits[body.model]:
        field = "max_completion_tokens" if body.max_completion_tokens else "max_tokens"
        raise ApiError(400, f"{field}: {wanted} is more than {body.model} generates ({limits[body.model]} tokens at "
                       f"most); ask for at most {limits[body.model]} or leave it out", param=field)
    stops = [body.stop] if isinstance(body.stop, str) else list(body.stop or [])
    if len(stops) > 4:
        raise ApiError(400, f"stop: at most 4 sequences, got {len(stops)}", param="stop")
    messages = []
    for position, message in enumerate(body.messages):
        if message.role in ("tool", "function"):
            raise ApiError(400, f"messages[{position}].role: tool messages are not served (no tools here)",
                           param="messages")
        content = message.content
        if isinstance(content, list):
            kinds = sorted({part.type for part in content if not isinstance(part, TextPart)})
            if kinds:
                raise ApiError(400, f"messages[{position}].content: only text parts are served, not {', '.join(kinds)}",
                               param="messages")
            content = "\n".join(part.text for part in content)
        if content is None and message.role == "assistant":
            content = ""
        if content is None:
            raise ApiError(400, f"messages[{position}].content must be text", param="messages")
        role = "system" if message.role == "developer" else message.role
        messages.append({"role": role, "content": clean_text(content)})
    name = state.cfg.model_name
    force = {f"{name}-small": "small", f"{name}-large": "large"}.get(body.model)
    return ChatRequest(
        messages=messages, force=force, max_new_tokens=wanted, temperature=body.temperature, top_p=body.top_p,
        seed=body.seed, stop=tuple(clean_text(s) for s in stops if s), stream=bool(body.stream),
        received_at=request.scope.get("medchat.received_at", time.monotonic()),
        request_id=request.scope.get("medchat.request_id", ""),
    )


def raise_for_failed(answer: ChatAnswer) -> None:
    if answer.text is not None:
        return
    kind = answer.error_kind
    if kind == "timeout":
        raise ApiError(504, "no answer within the request's deadline (serving.request_timeout_s)", "server_error",
                       "timeout")
    raise ApiError(503, "no model could answer this request now; try again shortly", "server_error",
                   "models_unavailable", headers={"Retry-After": "5"})


def completion_body(request: Request, model: str, answer: ChatAnswer) -> dict[str, Any]:
    usage = dict(answer.usage)
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return {
        "id": f"chatcmpl-{request.scope.get('medchat.request_id', '')}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{
            "index": 0, "message": {"role": "assistant", "content": answer.text},
            "finish_reason": answer.finish_reason, "logprobs": None,
        }],
        "usage": usage,
        "system_fingerprint": None,
        "medchat_route": answer.route_info(),
    }


def log_answer(request: Request, answer: ChatAnswer, **more: Any) -> None:
    fields = {"event": "answer", "request_id": request.scope.get("medchat.request_id"), **answer_log_fields(answer),
              **more}
    log.info("answer", extra={"fields": fields})


async def answer_unless_disconnected(state: ServerState, request: Request, answering: Answering) -> ChatAnswer | None:
    """The whole answer, or None if the client went away first (its generation is then cancelled)."""
    events = answering.events()

    async def collect() -> ChatAnswer:
        last = None
        async for event in events:
            last = event
        return last

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    work = asyncio.ensure_future(collect())
    watch = asyncio.ensure_future(disconnected())
    try:
        await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
    if not work.done():
        work.cancel()
        await asyncio.gather(work, return_exceptions=True)
        answering.cancel()
        state.metrics.disconnects.inc()
        log.info("client went away", extra={"fields": {"event": "disconnect", "request_id": answering.answer.request_id}})
        return None
    answer = work.result()
    state.metrics.observe_answer(answer)
    log_answer(request, answer)
    return answer


async def stream_answer(
    state: ServerState, request: Request, model: str, answering: Answering, include_usage: bool
) -> Response:
    """Server-sent chat.completion.chunk events as the text may leave. The first event is awaited before
    the response starts, so that a request no model could answer still gets a real error status."""
    events = answering.events()
    first = await anext(events)
    if isinstance(first, ChatAnswer):
        state.metrics.observe_answer(first)
        log_answer(request, first)
        raise_for_failed(first)
    request_id = request.scope.get("medchat.request_id", "")
    first_chunk_s = time.monotonic() - answering.prepared.request.received_at
    common = {"id": f"chatcmpl-{request_id}", "object": "chat.completion.chunk", "created": int(time.time()),
              "model": model, "system_fingerprint": None}
    if include_usage:
        common["usage"] = None

    def chunk(delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> bytes:
        event = {**common, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
                 **extra}
        return f"data: {_json(event)}\n\n".encode()

    async def sse() -> AsyncIterator[bytes]:
        answer: ChatAnswer | None = None
        try:
            yield chunk({"role": "assistant", "content": first.text})
            async for event in events:
                if isinstance(event, Delta):
                    yield chunk({"content": event.text})
                else:
                    answer = event
            yield chunk({}, answer.finish_reason, medchat_route=answer.route_info())
            if include_usage:
                usage = dict(answer.usage)
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                yield f"data: {_json({**common, 'choices': [], 'usage': usage})}\n\n".encode()
            yield b"data: [DONE]\n\n"
        finally:
            if answer is None:  # the client went away mid-stream
                answering.cancel()
                state.metrics.disconnects.inc()
                log.info("client went away", extra={"fields": {"event": "disconnect", "request_id": request_id}})
            else:
                state.metrics.observe_answer(answer, first_chunk_s)
                log_answer(request, answer, first_chunk_s=round(first_chunk_s, 4), stream=True)
            await events.aclose()

    return StreamingResponse(sse(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
