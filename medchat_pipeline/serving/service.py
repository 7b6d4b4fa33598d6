"""ChatService: route each question, answer it with the small or the large model, fail over, explain.

    service = build_chat_service(load_config("demo"))
    answer = service.answer("What is hypertension?")
    answer.text, answer.answered_by, answer.decision.explain(), answer.latency_s

A batch is answered in at most three model calls: every small-routed question in one small-model
batch, then every large-routed question plus every small answer that failed over (hedging, too short,
looping, or a small-model error) in one large-model batch, then — only if the large model failed —
the small model for those questions. An emergency always gets its escalation advice first, even when
both models fail.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from medchat_pipeline.config.serving import ServingConfig
from medchat_pipeline.core.data.templates import chat_messages
from medchat_pipeline.serving.backends import (
    ChatModel,
    Conversation,
    Generation,
    LocalChatModel,
    TeacherChatModel,
    resolve_small_model,
)
from medchat_pipeline.serving.routing import Failover, Route, RouteDecision, Router, failover_reason


class BadConversation(ValueError):
    """The request cannot be answered as sent (no user question, unknown role, empty text)."""


@dataclass
class ChatAnswer:
    question: str
    text: str | None  # what the user sees (escalation advice first for an emergency); None = error
    decision: RouteDecision
    answered_by: Route | None
    failover: Failover | None = None
    discarded_small_answer: str | None = None  # kept for audit when the small answer failed over
    fallback: str | None = None  # why the small model answered a large-routed question
    error: str | None = None
    latency_s: float = 0.0
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0})
    cost_usd: float = 0.0
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.text is not None

    def route_info(self, models: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """The `medchat_route` block of an API response: who answered and why."""
        info: dict[str, Any] = {
            "answered_by": self.answered_by,
            "routed_to": self.decision.route,
            "score": self.decision.score,
            "threshold": self.decision.threshold,
            "reasons": [f"{r.feature} {r.weight:+.2f} ({r.detail})" for r in self.decision.reasons],
            "emergency": self.decision.emergency,
            "red_flags": list(self.decision.red_flags),
            "failover": None if self.failover is None else {"kind": self.failover.kind, "detail": self.failover.detail},
            "fallback": self.fallback,
            "latency_s": round(self.latency_s, 4),
            "cost_usd": self.cost_usd,
        }
        if models and self.answered_by:
            info["model"] = models.get(self.answered_by)
        return info


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


def routing_text(conversation: Conversation) -> str:
    """Every user turn, oldest first: a follow-up ("what should I do?") is routed with its case history,
    and chest pain mentioned three turns ago is still an emergency."""
    return "\n".join(m["content"].strip() for m in conversation if m["role"] == "user")


class ChatService:
    def __init__(self, small: ChatModel, large: ChatModel, cfg: ServingConfig | None = None) -> None:
        self.cfg = cfg or ServingConfig()
        self.small = small
        self.large = large
        self.router = Router(self.cfg.router)

    def describe(self) -> dict[str, dict[str, Any]]:
        return {"small": self.small.describe(), "large": self.large.describe()}

    def answer(self, question: str | list[dict[str, str]], force: Route | None = None, **kwargs: Any) -> ChatAnswer:
        return self.answer_batch([question], force=[force], **kwargs)[0]

    def answer_batch(
        self,
        questions: list[str | list[dict[str, str]]],
        force: list[Route | None] | None = None,
        max_new_tokens: int | None = None,
        temperature: float | None = None,
    ) -> list[ChatAnswer]:
        """Answer many questions (plain text or chat message lists) with as few model calls as possible."""
        started = time.perf_counter()
        parsed = [conversation_of(q, self.cfg.system_prompt) for q in questions]
        forced = force or [None] * len(parsed)
        if len(forced) != len(parsed):
            raise ValueError(f"{len(parsed)} questions but {len(forced)} forced routes")
        answers = [
            ChatAnswer(
                question=question,
                text=None,
                decision=self.router.route(routing_text(conversation), route),
                answered_by=None,
            )
            for (question, conversation), route in zip(parsed, forced)
        ]
        conversations = [conversation for _question, conversation in parsed]
        small_options = {"max_new_tokens": max_new_tokens, "temperature": temperature or 0.0}
        large_options = {
            "max_new_tokens": max_new_tokens,
            "temperature": self.cfg.large.temperature if temperature is None else temperature,
        }

        small_first = [i for i, a in enumerate(answers) if a.decision.route == "small"]
        to_large = [i for i, a in enumerate(answers) if a.decision.route == "large"]
        for index, generation in zip(small_first, self._generate(self.small, conversations, small_first, small_options)):
            answer = answers[index]
            self._account(answer, generation)
            if generation.text is None:
                reason = Failover("small_error", generation.error or "no text")
            elif answer.decision.forced == "small":
                reason = None  # the client asked for the small model's own answer (A/B, evaluation)
            else:
                reason = failover_reason(generation.text, self.cfg.failover)
            if reason is None:
                self._accept(answer, "small", generation, started)
            else:
                answer.failover = reason
                answer.discarded_small_answer = generation.text
                to_large.append(index)

        to_small_again = []
        for index, generation in zip(to_large, self._generate(self.large, conversations, to_large, large_options)):
            answer = answers[index]
            self._account(answer, generation)
            if generation.text is not None:
                self._accept(answer, "large", generation, started)
            elif answer.discarded_small_answer:
                answer.fallback = f"large model failed ({generation.error}); sending the small answer"
                self._accept(answer, "small", Generation(text=answer.discarded_small_answer), started)
            elif answer.failover is None:
                answer.fallback = f"large model failed ({generation.error}); answered by the small model"
                to_small_again.append(index)
            else:
                answer.error = f"both models failed: {answer.failover.detail}; large: {generation.error}"

        for index, generation in zip(to_small_again, self._generate(self.small, conversations, to_small_again, small_options)):
            answer = answers[index]
            self._account(answer, generation)
            if generation.text is not None:
                self._accept(answer, "small", generation, started)
            else:
                answer.error = f"both models failed: {answer.fallback}; small: {generation.error}"

        for answer in answers:
            if answer.text is None:
                answer.latency_s = time.perf_counter() - started
                if answer.decision.escalation_advice:
                    # Whatever went wrong with the models, the person in an emergency still hears where to go.
                    answer.text = answer.decision.escalation_advice
        return answers

    @staticmethod
    def _generate(model: ChatModel, conversations: list[Conversation], indices: list[int], options: dict) -> list[Generation]:
        if not indices:
            return []
        return model.generate([conversations[i] for i in indices], **options)

    @staticmethod
    def _account(answer: ChatAnswer, generation: Generation) -> None:
        answer.usage["prompt_tokens"] += generation.input_tokens
        answer.usage["completion_tokens"] += generation.output_tokens
        answer.cost_usd += generation.cost_usd

    @staticmethod
    def _accept(answer: ChatAnswer, model: Route, generation: Generation, started: float) -> None:
        text = generation.text or ""
        advice = answer.decision.escalation_advice
        answer.text = f"{advice}\n\n{text}" if advice else text
        answer.answered_by = model
        answer.truncated = generation.truncated
        answer.latency_s = time.perf_counter() - started


def build_chat_service(cfg: Any, adapter: str | None = None, teacher_pool: Any = None) -> ChatService:
    """The service a profile describes: small = base model + adapter, large = a teacher or a local model.

    cfg is a PipelineConfig; adapter overrides cfg.serving.small.adapter ('latest' | 'none' | a directory);
    teacher_pool is an existing TeacherPool to share (else one is built from cfg's `teachers:` section).
    """
    serving: ServingConfig = cfg.serving
    choice = resolve_small_model(cfg, adapter)
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
    )
    large: ChatModel
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
    return ChatService(small, large, serving)
