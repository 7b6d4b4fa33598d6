"""TeacherPool: one batch of TeacherRequests in, one TeacherResult per request out, same order.

    pool = TeacherPool.from_config(load_config("demo"))
    results = pool.run([TeacherRequest(id="q1", prompt="What is anemia?")])

Per call: cache lookup → teacher concurrency → global concurrency → a key from the rotator (which
enforces rpm/tpm/rpd before sending) → the provider. On failure the pool acts on the error kind:
429 cools the key's quota group for at least the server's delay, a per-day quota parks the group
until the daily reset, 401/403 disables the key, server errors / timeouts / malformed replies are
retried with exponential backoff and jitter. Nothing is raised to the caller and nothing is dropped:
after the last retry the item comes back with `error_kind` and a key-free `error`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from medchat_pipeline.config import PipelineConfig, project_root
from medchat_pipeline.config.teachers import TeacherConfig, TeachersConfig
from medchat_pipeline.teachers.cache import TeacherCache, cache_key
from medchat_pipeline.teachers.keys import NO_KEY_ALIAS, ApiKey, keys_from_env, redact
from medchat_pipeline.teachers.limits import KeyRotator, KeyState, NoKeyAvailable, QuotaGroup
from medchat_pipeline.teachers.prices import PriceTable
from medchat_pipeline.teachers.providers import (
    RETRYABLE,
    CallError,
    GeminiProvider,
    LocalProvider,
    OpenAICompatibleProvider,
)
from medchat_pipeline.teachers.structured import json_schema, parse_structured, repair_messages, schema_name
from medchat_pipeline.teachers.types import TeacherRequest, TeacherResult

log = logging.getLogger(__name__)


class MissingApiKeys(RuntimeError):
    """A teacher that needs API keys found none: every call would fail, so the batch (and its asset) fails."""

    def __init__(self, teacher: str, pattern: str) -> None:
        super().__init__(
            f"teacher {teacher!r} has no API key: no non-empty environment variable matches {pattern!r} "
            f"(e.g. {pattern.replace('*', '1')}). Export one, or leave {teacher!r} out of the profile's "
            "distill.teachers / augment.teacher / judge settings"
        )


class ItemFailed(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(redact(message))
        self.kind = kind


@dataclass
class CallOutcome:
    text: str
    usage: dict[str, int]
    cost: float
    key_alias: str | None
    cached: bool


def _add_usage(total: dict[str, int], usage: dict[str, int]) -> None:
    for name, count in usage.items():
        total[name] = total.get(name, 0) + count


def _estimated_tokens(messages: list[dict[str, str]], params: dict) -> float:
    prompt_chars = sum(len(m.get("content", "")) for m in messages)
    return prompt_chars / 4 + float(params.get("max_tokens", params.get("max_new_tokens", 256)))


class Teacher:
    """One configured teacher: its provider adapter, its keys and their quota groups."""

    def __init__(self, name: str, config: TeacherConfig, settings: TeachersConfig, groups: dict[tuple[str, str], QuotaGroup]):
        self.name = name
        self.config = config
        if config.provider == "gemini":
            self.provider = GeminiProvider(name, config.model, config.base_url, settings.timeout_s)
        elif config.provider == "local":
            self.provider = LocalProvider(name, config.model, config.batch_size, config.device, config.torch_threads)
        else:
            self.provider = OpenAICompatibleProvider(name, config.model, config.base_url, settings.timeout_s)
        needs_keys = config.provider != "local" and config.keys_env
        keys = keys_from_env(config.keys_env) if needs_keys else [ApiKey(alias=NO_KEY_ALIAS, secret="")]
        if needs_keys and not keys:
            raise MissingApiKeys(name, config.keys_env)
        limits = settings.quota_pools.get(config.quota_pool) if config.quota_pool else None
        group_of = {alias: group for group, aliases in config.key_groups.items() for alias in aliases}
        states = []
        for key in keys:
            group_name = group_of.get(key.alias, key.alias)
            group_id = (config.quota_pool or f"unlimited:{name}", group_name)
            if group_id not in groups:
                groups[group_id] = QuotaGroup(f"{group_id[0]}/{group_name}", limits)
            states.append(KeyState(key=key, group=groups[group_id]))
        self.rotator = KeyRotator(teacher=name, states=states, max_wait_s=settings.max_wait_s)
        default_concurrency = config.batch_size if config.provider == "local" else settings.concurrency
        self.concurrency = min(config.concurrency or default_concurrency, settings.concurrency)
        self.semaphore: asyncio.Semaphore | None = None
        # A local model has no network to hang on; a timeout would only throw finished work away.
        self.timeout_s = None if config.provider == "local" else settings.timeout_s

    @property
    def provider_name(self) -> str:
        return self.config.provider


class TeacherPool:
    def __init__(self, config: TeachersConfig, cache_path: Path, prices: PriceTable) -> None:
        self.config = config
        self.cache = TeacherCache(cache_path)
        self.prices = prices
        self._groups: dict[tuple[str, str], QuotaGroup] = {}
        self._teachers: dict[str, Teacher] = {}
        self._global: asyncio.Semaphore | None = None
        self._bound_loop: asyncio.AbstractEventLoop | None = None
        self._active_runs = 0  # arun calls in flight on the bound loop; the last one closes the clients
        self._run_lock = threading.Lock()  # `run` from several threads: one batch at a time

    @classmethod
    def from_config(cls, cfg: PipelineConfig, teachers: TeachersConfig | None = None) -> TeacherPool:
        """Build from a PipelineConfig: its `teachers:` section (or `teachers`), cache under its storage dir."""
        settings = teachers or cfg.teachers
        cache_path = Path(settings.cache_path) if settings.cache_path else cfg.storage_path("teacher_cache.sqlite")
        prices_path = Path(settings.prices_path)
        if not prices_path.is_absolute():
            prices_path = project_root() / prices_path
        return cls(settings, cache_path, PriceTable.load(prices_path))

    def teacher(self, name: str | None) -> Teacher:
        name = name or self.config.default
        if name not in self.config.teachers:
            raise ItemFailed("config", f"unknown teacher {name!r}; configured: {', '.join(sorted(self.config.teachers))}")
        if name not in self._teachers:
            self._teachers[name] = Teacher(name, self.config.teachers[name], self.config, self._groups)
        return self._teachers[name]

    def key_usage(self) -> dict[str, dict[str, Any]]:
        """Requests sent per teacher and key alias, and which keys were disabled (aliases only)."""
        return {
            name: {s.alias: {"sent": s.sent, "disabled": s.disabled_reason} for s in teacher.rotator.states}
            for name, teacher in self._teachers.items()
        }

    # ----------------------------------------------------------------- running a batch

    def run(self, requests: list[TeacherRequest], progress: bool = True) -> list[TeacherResult]:
        """Synchronous `arun`; works from plain code, from inside a running event loop, and from several
        threads (their batches run one after another)."""
        with self._run_lock:
            return self._run_blocking(requests, progress)

    def _run_blocking(self, requests: list[TeacherRequest], progress: bool) -> list[TeacherResult]:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.arun(requests, progress=progress))
        box: dict[str, Any] = {}

        def in_thread() -> None:
            try:
                box["results"] = asyncio.run(self.arun(requests, progress=progress))
            except BaseException as exc:  # re-raised in the caller's thread below
                box["error"] = exc

        worker = threading.Thread(target=in_thread, name="teacher-pool")
        worker.start()
        worker.join()
        if "error" in box:
            raise box["error"]
        return box["results"]

    async def arun(self, requests: list[TeacherRequest], progress: bool = True) -> list[TeacherResult]:
        """Results in request order, one per request. Concurrent calls on one event loop share the
        limits and keys; use one event loop per pool at a time (`run` takes care of that)."""
        ids = [r.id for r in requests]
        if len(set(ids)) != len(ids):
            raise ValueError("TeacherRequest ids must be unique within a batch")
        self._bind_to_running_loop()
        self._active_runs += 1
        bar = tqdm(total=len(requests), desc="teacher calls", unit="req", disable=not progress, leave=False)

        async def one(request: TeacherRequest) -> TeacherResult:
            result = await self._run_item(request)
            bar.update(1)
            return result

        try:
            return list(await asyncio.gather(*(one(r) for r in requests)))
        finally:
            bar.close()
            await self._release()

    @contextlib.asynccontextmanager
    async def session(self):
        """Keep the providers' clients (their connection pools and TLS contexts) open across `arun`
        calls until the block ends: for a server making one call per request, where a fresh SDK
        client per call costs ~0.1 s of CPU loading CA certificates."""
        self._bind_to_running_loop()
        self._active_runs += 1
        try:
            yield self
        finally:
            await self._release()

    async def _release(self) -> None:
        self._active_runs -= 1
        if self._active_runs == 0:
            for teacher in self._teachers.values():
                await teacher.provider.aclose()

    def _bind_to_running_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._bound_loop is loop:
            return
        if self._active_runs:
            raise RuntimeError("TeacherPool.arun is already running on another event loop; use one loop per pool")
        self._bound_loop = loop
        self._global = asyncio.Semaphore(self.config.concurrency)
        for teacher in self._teachers.values():
            teacher.semaphore = None

    def close(self) -> None:
        self.cache.close()

    async def _run_item(self, request: TeacherRequest) -> TeacherResult:
        started = time.monotonic()
        result = TeacherResult(id=request.id)
        try:
            teacher = self.teacher(request.teacher)
            result.provider, result.model = teacher.provider_name, teacher.config.model
            if teacher.semaphore is None:
                teacher.semaphore = asyncio.Semaphore(teacher.concurrency)
                teacher.rotator.bind_to_running_loop()
            messages = self._messages(request)
            params = {**teacher.config.params, **request.params}
            if request.n < 1:
                raise ItemFailed("bad_request", f"n must be at least 1, got {request.n}")
            # samples run side by side; each finishes (and is cached) even when a sibling fails
            samples = await asyncio.gather(
                *(self._sample(teacher, request, messages, params, sample, result) for sample in range(request.n)),
                return_exceptions=True,
            )
            for sample in samples:
                if isinstance(sample, BaseException):
                    raise sample
            result.texts = [outcome.text for outcome, _ in samples]
            parsed = [value for _, value in samples]
            aliases = [outcome.key_alias for outcome, _ in samples]
            result.cached = all(outcome.cached for outcome, _ in samples)
            result.key_alias = aliases[0] if len(set(aliases)) == 1 else ",".join(dict.fromkeys(a for a in aliases if a))
            if request.response_schema is not None:
                result.parsed = parsed[0] if request.n == 1 else parsed
        except ItemFailed as failure:
            result.texts, result.cached = [], False
            result.error_kind, result.error = failure.kind, str(failure)
        result.latency_s = time.monotonic() - started
        return result

    @staticmethod
    def _messages(request: TeacherRequest) -> list[dict[str, str]]:
        if request.messages:
            bad = [m for m in request.messages if not isinstance(m, dict) or "role" not in m or "content" not in m]
            if bad:
                raise ItemFailed("bad_request", "every message needs 'role' and 'content'")
            return [{"role": m["role"], "content": m["content"]} for m in request.messages]
        if request.prompt:
            return [{"role": "user", "content": request.prompt}]
        raise ItemFailed("bad_request", "request has neither prompt nor messages")

    async def _sample(self, teacher, request, messages, params, sample, result) -> tuple[CallOutcome, Any]:
        """One completion; with a response_schema, re-ask (bounded) until it parses."""
        conversation = messages
        problem = ""
        for _repair in range(self.config.repair_retries + 1):
            outcome = await self._call(teacher, conversation, params, request, sample, result)
            _add_usage(result.usage, outcome.usage)
            result.cost += 0.0 if outcome.cached else outcome.cost
            if request.response_schema is None:
                return outcome, None
            try:
                return outcome, parse_structured(outcome.text, request.response_schema)
            except ValueError as exc:
                problem = str(exc)
                conversation = repair_messages(conversation, outcome.text, problem, request.response_schema)
        raise ItemFailed(
            "parse",
            f"no reply matched {schema_name(request.response_schema)} after {self.config.repair_retries} "
            f"repair attempt(s): {problem}",
        )

    async def _call(self, teacher: Teacher, messages, params, request: TeacherRequest, sample: int, result: TeacherResult) -> CallOutcome:
        """One provider call through cache, limits, keys and retries."""
        schema = request.response_schema
        key = cache_key(
            teacher.provider_name, teacher.config.model, messages, params, request.template_version, sample,
            None if schema is None else str(json_schema(schema)),
        )
        hit = self.cache.get(key)
        if hit is not None:
            return CallOutcome(hit.text, hit.usage, hit.cost, hit.key_alias, cached=True)
        gemini_schema = schema if teacher.provider_name == "gemini" else None
        estimated = _estimated_tokens(messages, params)
        failures = 0
        rate_limited = 0
        while True:
            async with teacher.semaphore, self._global:
                try:
                    state = await teacher.rotator.acquire(estimated)
                except NoKeyAvailable as exc:
                    raise ItemFailed(exc.kind, str(exc)) from None
                result.attempts += 1
                try:
                    completion = await asyncio.wait_for(
                        teacher.provider.complete(state.key, messages, params, gemini_schema), teacher.timeout_s
                    )
                except (asyncio.TimeoutError, TimeoutError):
                    error = CallError("timeout", f"no answer within timeout_s={teacher.timeout_s:g}s")
                except CallError as exc:
                    error = exc
                except Exception as exc:  # an unexpected SDK failure: reported on the item, not retried
                    error = CallError("internal", f"{type(exc).__name__}: {exc}")
                else:
                    state.group.consecutive_rate_limits = 0
                    total_tokens = completion.usage.get("input_tokens", 0) + completion.usage.get("output_tokens", 0)
                    state.group.settle_tokens(estimated, total_tokens)
                    cost = self.prices.cost(teacher.provider_name, teacher.config.model, completion.usage)
                    self.cache.put(key, teacher.provider_name, teacher.config.model, state.alias, completion.text, completion.usage, cost)
                    return CallOutcome(completion.text, completion.usage, cost, state.alias, cached=False)
            where = f"teacher {teacher.name} key {state.alias}"
            if error.kind == "rate_limited":
                rate_limited += 1
                if rate_limited > self.config.max_rate_limit_waits:
                    raise ItemFailed("rate_limited", f"{where}: still rate limited after {rate_limited - 1} waits: {error}")
                state.group.consecutive_rate_limits += 1
                wait = max(error.retry_after_s or 0.0, self._backoff(state.group.consecutive_rate_limits))
                log.info("%s: rate limited, group %s cools down %.2fs", where, state.group.name, wait)
                state.group.cool_down(wait)
            elif error.kind == "quota_exhausted":
                teacher.rotator.park(state)
            elif error.kind == "auth":
                teacher.rotator.disable(state, str(error))
            elif error.kind in RETRYABLE:
                failures += 1
                if failures > self.config.max_retries:
                    raise ItemFailed(error.kind, f"{where}: gave up after {failures} attempt(s): {error}")
                wait = max(error.retry_after_s or 0.0, self._backoff(failures))
                log.info("%s: %s (%s); retry %d in %.2fs", where, error.kind, error, failures, wait)
                await asyncio.sleep(wait)
            else:
                raise ItemFailed(error.kind, f"{where}: {error}")

    def _backoff(self, failures: int) -> float:
        backoff = self.config.backoff
        base = min(backoff.max_s, backoff.initial_s * backoff.multiplier ** (failures - 1))
        return base * (1 + backoff.jitter * (2 * random.random() - 1))
