"""ChatService: triage, route, answer with the small or the large model on their own lanes, fail over,
guard, explain. The HTTP server, `medchat chat` and the benchmarks all answer through it.

    service = build_chat_service(load_config("demo"))
    answer = service.answer("What is hypertension?")
    answer.text, answer.answered_by, answer.decision.explain(), answer.latency_s

One request, as the server runs it:

    prepared = service.prepare(ChatRequest(messages, stream=True))   # triage, route, input limit
    answering = service.start(prepared)                               # queued (or QueueFull → 429)
    async for event in answering.events():                           # Delta(text)…, then ChatAnswer

- An emergency's escalation advice is the first Delta, before any model is asked; a long input, a
  full queue or two failed models never keep it from the person.
- The small model answers small-routed questions; an answer that hedges, is cut short, loops or is
  unsafe goes to the large model instead (failover) as long as none of it has been sent. A
  large-routed question whose model fails, times out or is switched off by its breaker is answered
  by the small model (fallback).
- Every answer passes the output guard (serving/safety.py) before any of it leaves; streamed
  answers leave as the guard approves them.
- Latency and the deadline count from the request's arrival, queueing included.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from medchat_pipeline.config.serving import ServingConfig
from medchat_pipeline.core.data.templates import chat_messages
from medchat_pipeline.serving.backends import (
    Conversation,
    Generation,
    GenerationJob,
    InputTooLong,
    LocalChatModel,
    TeacherChatModel,
    resolve_small_model,
)
from medchat_pipeline.serving.lanes import (
    EMERGENCY,
    FALLBACK,
    ROUTED,
    AsyncLane,
    BatchLane,
    LaneUnavailable,
    QueueFull,
    Ticket,
)
from medchat_pipeline.serving.routing import Failover, Route, RouteDecision, Router, failover_reason
from medchat_pipeline.serving.safety import GuardedAnswer, GuardResult, SafetyGate, TriageDecision


class BadConversation(ValueError):
    """The request cannot be answered as sent (no user question, unknown role, empty text)."""


@dataclass
class ChatRequest:
    messages: str | list[dict[str, str]]
    force: Route | None = None
    max_new_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    stream: bool = False  # streamed answers leave as the guard approves them, not only at the end
    # None = serving.request_timeout_s; inf = no deadline, and a whole emergency reply waits for its model
    # too (batch answering from the CLI or a benchmark)
    timeout_s: float | None = None
    received_at: float = field(default_factory=time.monotonic)
    request_id: str = ""


@dataclass
class Delta:
    text: str


@dataclass
class ChatAnswer:
    question: str
    text: str | None  # what the user sees (escalation advice first for an emergency); None = error
    decision: RouteDecision
    triage: TriageDecision
    answered_by: Route | None = None
    failover: Failover | None = None
    discarded_small_answer: str | None = None  # kept for audit when the small answer failed over
    fallback: str | None = None  # why the small model answered a large-routed question
    error: str | None = None  # "<kind>: <detail>" (the detail is for logs; clients get the kind)
    guard: GuardResult | None = None  # set when the output guard replaced an answer
    latency_s: float = 0.0  # from the request's arrival, queueing included
    queue_s: float = 0.0
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0})
    cost_usd: float = 0.0
    finish_reason: str = "stop"
    request_id: str = ""

    @property
    def ok(self) -> bool:
        return self.text is not None

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"

    @property
    def error_kind(self) -> str | None:
        return None if self.error is None else self.error.split(":", 1)[0]

    @property
    def guard_checks(self) -> list[str]:
        """The guard checks that replaced the answer (repetition, self_harm_encouragement, …), without the
        quoted text of the unsafe answer that the full reasons carry (those go to the logs)."""
        return list(dict.fromkeys(r.split(":", 1)[0] for r in self.guard.reasons)) if self.guard else []

    def route_info(self) -> dict[str, Any]:
        """The `medchat_route` block of an API response: who answered and why, in words safe to show
        a client (no hosts, paths, key names or exception text: those go to the logs)."""
        return {
            "answered_by": self.answered_by,
            "routed_to": self.decision.route,
            "score": self.decision.score,
            "threshold": self.decision.threshold,
            "reasons": [f"{r.feature} {r.weight:+.2f} ({r.detail})" for r in self.decision.reasons],
            "emergency": self.triage.emergency,
            "category": self.triage.category,
            "possible_emergency": self.triage.possible_emergency,  # a safety-net line leads the answer
            "failover": None if self.failover is None else self.failover.kind,
            "fallback": self.fallback,
            "guard": None if self.guard is None else {"replaced": True, "checks": self.guard_checks},
            "error": self.error_kind,
            "latency_s": round(self.latency_s, 4),
            "queue_s": round(self.queue_s, 4),
            "cost_usd": self.cost_usd,
        }


def conversation_of(messages: str | list[dict[str, str]], system_prompt: str) -> tuple[str, Conversation]:
    """The question (last user message) and the conversation the models see, our system prompt first.

    Client system messages are dropped on purpose: both models answer in the house style and with
    the house safety framing, whatever the client asks for.
    """
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    turns: Conversation = []
    for position, message in enumerate(messages):
        role, content = message.get("role"), message.get("content")
        if role not in ("system", "user", "assistant"):
            raise BadConversation(f"messages[{position}].role must be system, user or assistant, got {role!r}")
        if not isinstance(content, str):
            raise BadConversation(f"messages[{position}].content must be text")
        if role != "system":
            turns.append({"role": role, "content": content})
    if not turns or turns[-1]["role"] != "user":
        raise BadConversation("the last message must be the user's question (role: user)")
    question = turns[-1]["content"].strip()
    if not question:
        raise BadConversation("the user's question is empty")
    return question, chat_messages(turns, system_prompt)


def user_turns(conversation: Conversation) -> list[str]:
    """Every user turn, oldest first: triage and routing read them all, so a follow-up ("what should I
    do?") is routed with its case history, and chest pain mentioned three turns ago is still an emergency."""
    return [m["content"] for m in conversation if m["role"] == "user"]


@dataclass
class Prepared:
    request: ChatRequest
    question: str
    conversation: Conversation
    decision: RouteDecision
    triage: TriageDecision
    advice: str | None
    route: Route
    prompt_ids: list[int] | None  # the small model's fitted prompt, when it has a tokenizer here
    small_conversation: Conversation  # the conversation with the turns dropped that the small model cannot fit
    too_long: InputTooLong | None = None  # only ever set for an emergency (which still gets its advice)


class ChatService:
    """safety: the triage model, emergency numbers and guard settings (SafetyGate.from_config(cfg) for a
    profile's; default: the triage patterns alone and US numbers). The router shares its triage, so
    each request is triaged once."""

    def __init__(self, small: Any, large: Any, cfg: ServingConfig | None = None, safety: SafetyGate | None = None) -> None:
        self.cfg = cfg or ServingConfig()
        self.small = small
        self.large = large
        self.safety = safety or SafetyGate()
        self.router = Router(self.cfg.router, triage=self.safety.triage, numbers=self.safety.numbers)
        # Triage runs in worker threads (one per request being prepared); its tokenizer takes one at a time.
        self._triage_lock = threading.Lock()
        self.lanes: dict[Route, BatchLane | AsyncLane] = {
            "small": self._lane("small", small, self.cfg.small.max_queue),
            "large": self._lane("large", large, self.cfg.large.max_queue),
        }

    def _lane(self, name: str, model: Any, max_queue: int) -> BatchLane | AsyncLane:
        if inspect.iscoroutinefunction(getattr(model, "run", None)):
            large = self.cfg.large
            return AsyncLane(
                name, model, concurrency=large.concurrency if name == "large" else self.cfg.max_batch_size,
                max_queue=max_queue, timeout_s=large.timeout_s if name == "large" else self.cfg.request_timeout_s,
                breaker_failures=large.breaker_failures, breaker_cooldown_s=large.breaker_cooldown_s,
            )
        return BatchLane(name, model, self.cfg.max_batch_size, self.cfg.batch_wait_ms / 1000.0, max_queue)

    def describe(self) -> dict[str, dict[str, Any]]:
        """Both models in full (paths, teachers): for the operator's console and logs, not for clients."""
        return {"small": self.small.describe(), "large": self.large.describe()}

    def close(self) -> None:
        for lane in self.lanes.values():
            lane.close()

    # ------------------------------------------------------------------ one request

    def prepare(self, request: ChatRequest) -> Prepared:
        """Parse, triage and route a request, and fit it to the input limit. Raises BadConversation, and
        InputTooLong for a question over the limit unless it is an emergency."""
        question, conversation = conversation_of(request.messages, self.cfg.system_prompt)
        with self._triage_lock:
            decision = self.router.route(user_turns(conversation), request.force)
        triage = decision.triage
        prompt_ids, too_long, small_conversation = None, None, conversation
        fitter = getattr(self.small, "fitter", None)
        if fitter is not None:
            try:
                prompt_ids, dropped = fitter.fit(conversation)
            except InputTooLong as exc:
                if not triage.emergency:
                    raise
                too_long = exc
            else:
                system = 1 if conversation[0]["role"] == "system" else 0
                small_conversation = conversation[:system] + conversation[system + dropped:]
        return Prepared(
            request=request, question=question, conversation=conversation, decision=decision, triage=triage,
            advice=self.safety.advice(triage), route="large" if triage.emergency else decision.route,
            prompt_ids=prompt_ids, small_conversation=small_conversation, too_long=too_long,
        )

    def start(self, prepared: Prepared, queue_limit: bool = True) -> Answering:
        """Queue the request's first model call now; raises QueueFull (an emergency never does).
        Call it from the event loop that will iterate `events()`."""
        answering = Answering(self, prepared, queue_limit)
        answering.submit_first()
        return answering

    async def respond(self, request: ChatRequest, queue_limit: bool = True) -> ChatAnswer:
        """The whole answer to one request (prepare, start, collect)."""
        answering = self.start(self.prepare(request), queue_limit)
        answer = None
        async for event in answering.events():
            answer = event
        assert isinstance(answer, ChatAnswer)
        return answer

    # ------------------------------------------------------------------ plain calls (CLI, benchmarks)

    def answer(self, question: str | list[dict[str, str]], force: Route | None = None, **kwargs: Any) -> ChatAnswer:
        return self.answer_batch([question], force=[force], **kwargs)[0]

    def answer_batch(
        self,
        questions: list[str | list[dict[str, str]]],
        force: list[Route | None] | None = None,
        max_new_tokens: int | None = None,
        temperature: float | None = None,
    ) -> list[ChatAnswer]:
        """Answer many questions (plain text or chat message lists) together: they share the lanes'
        batches, without the server's queue limits and deadline. A question over the input limit gets an
        answer with error input_too_long."""
        forced = force or [None] * len(questions)
        if len(forced) != len(questions):
            raise ValueError(f"{len(questions)} questions but {len(forced)} forced routes")
        requests = [ChatRequest(q, f, max_new_tokens, temperature, timeout_s=math.inf) for q, f in zip(questions, forced)]

        async def one(request: ChatRequest) -> ChatAnswer:
            try:
                return await self.respond(request, queue_limit=False)
            except InputTooLong as exc:
                question, conversation = conversation_of(request.messages, self.cfg.system_prompt)
                decision = self.router.route(user_turns(conversation), request.force)
                return ChatAnswer(
                    question=question, text=None, decision=decision, triage=decision.triage,
                    error=f"input_too_long: {exc}", finish_reason="error",
                    latency_s=time.monotonic() - request.received_at,
                )

        for request in requests:  # bad conversations fail the call before any model work
            conversation_of(request.messages, self.cfg.system_prompt)

        async def everything() -> list[ChatAnswer]:
            return list(await asyncio.gather(*(one(r) for r in requests)))

        return asyncio.run(everything())


_SEPARATOR = "\n\n"


@dataclass
class _Outcome:
    status: str  # ok | failover | replaced | failed | timeout
    generation: Generation | None = None
    reason: Failover | None = None


class Answering:
    """One request in flight: its tickets on the lanes, the text sent so far, and how to cancel it."""

    def __init__(self, service: ChatService, prepared: Prepared, queue_limit: bool) -> None:
        self.service = service
        self.cfg = service.cfg
        self.prepared = prepared
        self.queue_limit = queue_limit
        request = prepared.request
        timeout = self.cfg.request_timeout_s if request.timeout_s is None else request.timeout_s
        self.deadline = request.received_at + timeout if math.isfinite(timeout) else None
        self.answer = ChatAnswer(
            question=prepared.question, text=None, decision=prepared.decision, triage=prepared.triage,
            request_id=request.request_id,
        )
        self.content = ""  # every character handed to the client so far
        self.ticket: Ticket | None = None
        self._first: tuple[Route, Ticket | None, str | None] = (prepared.route, None, None)
        # Lane threads post deltas and results here; made now, so that none is lost before events() runs.
        self._loop = asyncio.get_running_loop()
        self._events: asyncio.Queue = asyncio.Queue()

    # -------------------------------------------------------------- lane submissions

    def _job(self, route: Route) -> GenerationJob:
        request = self.prepared.request
        temperature = request.temperature
        if temperature is None:
            temperature = self.cfg.large.temperature if route == "large" else 0.0
        return GenerationJob(
            conversation=self.prepared.small_conversation if route == "small" else self.prepared.conversation,
            max_new_tokens=request.max_new_tokens,
            temperature=temperature,
            top_p=request.top_p if request.top_p is not None else (0.95 if temperature > 0 else 1.0),
            seed=request.seed,
            stop=request.stop,
            deadline=self.deadline,
            prompt_ids=self.prepared.prompt_ids if route == "small" else None,
        )

    def _submit(self, route: Route, limit: bool = False, fallback: bool = False) -> Ticket:
        """Queue a model call. Only the first call of a request counts against the queue limit (and
        an emergency's never does): a failover must not be refused halfway through an answer. An
        emergency goes first; a fallback to the small model waits behind the questions routed there."""
        job = self._job(route)
        job.on_delta = lambda text: self._post(("delta", job, text))
        emergency = self.prepared.triage.emergency
        priority = EMERGENCY if emergency else FALLBACK if fallback else ROUTED
        return self.service.lanes[route].submit(job, priority, limited=limit and self.queue_limit and not emergency)

    def _try_submit(self, route: Route, fallback: bool = False) -> Ticket | None:
        try:
            return self._submit(route, fallback=fallback)
        except (LaneUnavailable, QueueFull):
            return None

    def submit_first(self) -> None:
        """Queue the first model call now, so that a full queue is a 429 before any response starts."""
        prepared = self.prepared
        if prepared.too_long is not None:
            self._first = (prepared.route, None, None)
            return
        try:
            self._first = (prepared.route, self._submit(prepared.route, limit=True), None)
        except LaneUnavailable:
            if prepared.route != "large":
                raise
            # The large model is switched off by its breaker (or shutting down): the small one answers.
            self._first = ("small", self._submit("small", limit=True, fallback=True), "large_unavailable")

    def _post(self, event: tuple) -> None:
        """From a lane's thread: hand an event to the request's event loop."""
        try:
            self._loop.call_soon_threadsafe(self._events.put_nowait, event)
        except RuntimeError:  # that loop is closed (the server stopped): nobody is waiting for it
            pass

    def cancel(self) -> None:
        if self.ticket is not None:
            self.ticket.cancel()

    # -------------------------------------------------------------- the answer as events

    async def events(self) -> AsyncIterator[Delta | ChatAnswer]:
        """Deltas of the client-visible text as they may leave, then the finished ChatAnswer."""
        answer, prepared = self.answer, self.prepared
        route, ticket, answer.fallback = self._first
        try:
            if prepared.advice:
                yield self._emit(prepared.advice)
            if prepared.too_long is not None:
                answer.error = f"input_too_long: {prepared.too_long}"
                yield self._finish()
                return
            # A non-streamed emergency waits only so long for a model after its advice.
            wait_until = self.deadline
            if prepared.triage.emergency and not prepared.request.stream and wait_until is not None:
                wait_until = min(wait_until, prepared.request.received_at + self.cfg.emergency_answer_wait_s)
            small_tried = route == "small"
            discarded: Generation | None = None
            while ticket is not None:
                self.ticket = ticket
                may_fail_over = (route == "small" and answer.fallback is None and not prepared.triage.emergency
                                 and prepared.decision.forced != "small")
                outcome = _Outcome("timeout")
                async for event in self._attempt(ticket, may_fail_over, wait_until):
                    if isinstance(event, _Outcome):
                        outcome = event
                    else:
                        yield event
                answer.queue_s += ticket.queue_s
                ticket = None
                if outcome.status in ("ok", "replaced"):
                    answer.answered_by = route
                elif outcome.status == "failover":
                    answer.failover = outcome.reason
                    discarded = outcome.generation
                    answer.discarded_small_answer = discarded.text if discarded else None
                    route, ticket = "large", self._try_submit("large")
                    if ticket is None:
                        for delta in self._send_discarded(discarded, "large_unavailable"):
                            yield delta
                else:  # the model failed or ran out of time
                    kind = outcome.generation.error_kind if outcome.generation else "timeout"
                    reason = "large_timeout" if kind == "timeout" else "large_error"
                    if route == "large" and answer.failover is not None:
                        for delta in self._send_discarded(discarded, reason):
                            yield delta
                    elif route == "large" and not small_tried and (wait_until is None or time.monotonic() < wait_until):
                        answer.fallback = reason
                        route, ticket, small_tried = "small", self._try_submit("small", fallback=True), True
                    if ticket is None and answer.answered_by is None:
                        answer.error = outcome.generation.error if outcome.generation else "timeout: no answer in time"
            if answer.answered_by is None and answer.error is None:
                answer.error = "unavailable: no model could take the request"
            yield self._finish()
        finally:
            self.cancel()

    def _send_discarded(self, generation: Generation | None, reason: str):
        """The large model could not answer after a small answer failed over for hedging or brevity: the
        small answer is better than none, once guarded (an unsafe one is never sent)."""
        if generation is None or generation.text is None or self.answer.failover.kind == "unsafe":
            return
        self.answer.fallback = reason
        self.answer.answered_by = "small"
        guarded = GuardedAnswer(self._guard, None)
        released = guarded.finish(generation.text)
        if guarded.verdict is not None:
            yield from self._replace(guarded.verdict)
        elif released:
            yield self._emit(released, model_text=True)

    async def _attempt(self, ticket: Ticket, may_fail_over: bool, wait_until: float | None) -> AsyncIterator[Delta | _Outcome]:
        ticket.result.add_done_callback(lambda done: self._post(("done", ticket.job, done.result())))
        events = self._events
        holdback = self.cfg.stream_holdback_words if self.prepared.request.stream else None
        hedging = (lambda text: _hedging(text, self.cfg)) if may_fail_over else None
        guarded = GuardedAnswer(self._guard, holdback, hedging)
        while True:
            try:
                left = None if wait_until is None else max(0.0, wait_until - time.monotonic())
                kind, job, payload = await asyncio.wait_for(events.get(), left)
            except TimeoutError:
                ticket.cancel()
                yield _Outcome("timeout")
                return
            if job is not ticket.job:
                continue  # a late event of an attempt given up on
            if kind == "delta":
                released = guarded.add(payload)
                if released:
                    yield self._emit(released, model_text=True)
                if guarded.stopped is None and guarded.verdict is None:
                    continue
                ticket.cancel()
                if guarded.stopped is not None:
                    yield _Outcome("failover", None, Failover("hedging", guarded.stopped))
                elif may_fail_over and not guarded.released:
                    yield _Outcome("failover", None, Failover("unsafe", ", ".join(guarded.verdict.reasons)))
                else:
                    for delta in self._replace(guarded.verdict):
                        yield delta
                    yield _Outcome("replaced")
                return
            generation: Generation = payload
            self._account(generation)
            if generation.text is None:
                yield _Outcome("failed", generation)
                return
            if may_fail_over and not guarded.released:
                reason = failover_reason(generation.text, self.cfg.failover)
                if reason is not None:
                    yield _Outcome("failover", generation, reason)
                    return
            released = guarded.finish(generation.text)
            if guarded.verdict is not None:
                if may_fail_over and not guarded.released:
                    yield _Outcome("failover", None, Failover("unsafe", ", ".join(guarded.verdict.reasons)))
                    return
                for delta in self._replace(guarded.verdict):
                    yield delta
                yield _Outcome("replaced", generation)
                return
            if released:
                yield self._emit(released, model_text=True)
            self.answer.finish_reason = generation.finish_reason
            yield _Outcome("ok", generation)
            return

    def _guard(self, text: str) -> GuardResult:
        return self.service.safety.guard(text, self.prepared.triage)

    def _replace(self, verdict: GuardResult):
        """The guard's safe reply instead of the rest of the answer. Not sent twice when it only restates
        the advice and nothing else has been sent: after part of an answer, it is the last word."""
        self.answer.guard = verdict
        self.answer.finish_reason = "content_filter"
        advice = (self.prepared.advice or "").strip()
        if verdict.text.strip() and not (verdict.text.strip() == advice and self.content.strip() == advice):
            yield self._emit(verdict.text)

    def _emit(self, text: str, model_text: bool = False) -> Delta:
        """Text for the client; the first model text after the advice, or a replacement after text
        already sent, starts on a new paragraph."""
        if self.content and (not model_text or not self._model_started):
            text = _SEPARATOR + text.lstrip()
        self._model_started = self._model_started or model_text
        self.content += text
        return Delta(text)

    _model_started = False

    def _account(self, generation: Generation) -> None:
        self.answer.usage["prompt_tokens"] += generation.input_tokens
        self.answer.usage["completion_tokens"] += generation.output_tokens
        self.answer.cost_usd += generation.cost_usd

    def _finish(self) -> ChatAnswer:
        answer = self.answer
        answer.text = self.content or None
        if answer.text is None:
            answer.finish_reason = "error"
        answer.latency_s = time.monotonic() - self.prepared.request.received_at
        return answer


def _hedging(text: str, cfg: ServingConfig) -> str | None:
    reason = failover_reason(text, cfg.failover)
    return reason.detail if reason is not None and reason.kind == "hedging" else None


def build_chat_service(cfg: Any, adapter: str | None = None, teacher_pool: Any = None) -> ChatService:
    """The service a profile describes: small = base model + adapter, large = a teacher or a local model.

    cfg is a PipelineConfig (its triage model, emergency numbers and guard settings serve too); adapter
    overrides cfg.serving.small.adapter ('latest' | 'none' | a directory); teacher_pool is an existing
    TeacherPool to share (else one is built from cfg's `teachers:` section).
    """
    serving: ServingConfig = cfg.serving
    choice = resolve_small_model(cfg, adapter)
    if serving.small.backend == "vllm":
        from medchat_pipeline.serving.vllm import vllm_small_model

        small = vllm_small_model(serving, choice)
    else:
        small = LocalChatModel(
            choice.base_model_dir,
            choice.adapter_dir,
            name="small",
            device=serving.small.device,
            dtype=serving.small.dtype,
            max_new_tokens=serving.small.max_new_tokens,
            max_input_tokens=serving.small.max_input_tokens,
            batch_size=serving.small.batch_size,
            note=choice.note,
            threads=serving.small.threads,
            repetition_penalty=serving.repetition_penalty,
        )
    large: Any
    if serving.large.backend == "local":
        from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

        large = LocalChatModel(
            resolve_base_model(serving.large.local_model or DEMO_BASE_MODEL),
            name="large",
            device=serving.small.device,
            dtype=serving.small.dtype,
            max_new_tokens=serving.large.max_new_tokens,
            max_input_tokens=serving.small.max_input_tokens,
            batch_size=serving.small.batch_size,
            repetition_penalty=serving.repetition_penalty,
        )
    else:
        if teacher_pool is None:
            from medchat_pipeline.teachers import TeacherPool

            teacher_pool = TeacherPool.from_config(cfg)
        teacher = serving.large.teacher or teacher_pool.config.default
        if teacher not in teacher_pool.config.teachers:
            raise ValueError(
                f"serving.large.teacher {teacher!r} is not a configured teacher; "
                f"configured: {', '.join(sorted(teacher_pool.config.teachers))}"
            )
        large = TeacherChatModel(teacher_pool, teacher, name="large", max_new_tokens=serving.large.max_new_tokens)
    return ChatService(small, large, serving, SafetyGate.from_config(cfg))
