"""Provider adapters: one chat call in, text + token usage out, or a classified `CallError`.

The SDKs' own retries are switched off (openai max_retries=0, google-genai one attempt): the pool
owns retries, waits and key rotation. Each adapter turns its SDK's exceptions into the error kinds
the pool acts on: rate_limited, quota_exhausted, auth, server, timeout, malformed, bad_request.
"""

from __future__ import annotations

import abc
import asyncio
import importlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from medchat_pipeline.teachers.keys import ApiKey, redact

log = logging.getLogger(__name__)

RETRYABLE = {"server", "timeout", "malformed"}
_PER_DAY = re.compile(r"per.?day|daily", re.IGNORECASE)


@dataclass
class Completion:
    text: str
    usage: dict[str, int] = field(default_factory=dict)


class CallError(Exception):
    def __init__(self, kind: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(redact(message))
        self.kind = kind
        self.retry_after_s = retry_after_s


def retry_after_from_headers(headers: Any) -> float | None:
    """Retry-After in seconds (retry-after-ms first, as OpenAI sends it; HTTP-date form ignored)."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                return max(0.0, float(value) * scale)
            except ValueError:
                continue
    return None


def _duration_s(text: str) -> float | None:
    match = re.fullmatch(r"\s*([0-9.]+)s\s*", str(text))
    return float(match.group(1)) if match else None


def classify_status(status: int, body_text: str, retry_after_s: float | None, details: Any = None) -> CallError:
    """Map an HTTP status (+ Google RPC details) to the pool's error kinds."""
    message = f"HTTP {status}: {body_text[:300]}"
    if status == 429:
        for detail in details or []:
            if not isinstance(detail, dict):
                continue
            kind = detail.get("@type", "")
            if kind.endswith("RetryInfo") and retry_after_s is None:
                retry_after_s = _duration_s(detail.get("retryDelay", ""))
            if kind.endswith("QuotaFailure"):
                quota_ids = " ".join(str(v.get("quotaId", "")) for v in detail.get("violations", []))
                if _PER_DAY.search(quota_ids):
                    return CallError("quota_exhausted", message, retry_after_s)
        if _PER_DAY.search(body_text):
            return CallError("quota_exhausted", message, retry_after_s)
        return CallError("rate_limited", message, retry_after_s)
    if status in (401, 403):
        return CallError("auth", message)
    if status == 408:
        return CallError("timeout", message)
    if status >= 500:
        return CallError("server", message, retry_after_s)
    return CallError("bad_request", message)


def is_transport_error(exc: Exception) -> bool:
    """Connection-level failures of the HTTP stacks the SDKs use (aiohttp, httpx, httpx2)."""
    if isinstance(exc, OSError):
        return True
    module = type(exc).__module__.split(".")[0]
    return module in ("aiohttp", "httpx", "httpx2", "httpcore")


def _rpc_details(body: Any) -> list | None:
    """Google RPC `error.details` when an OpenAI-style error body carries them (Gemini's compat endpoint)."""
    if isinstance(body, dict):
        details = body.get("details", body.get("error", {}).get("details") if isinstance(body.get("error"), dict) else None)
        return details if isinstance(details, list) else None
    return None


def split_system(messages: list[dict[str, str]]) -> tuple[str | None, list[dict[str, str]]]:
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system") or None
    return system, [m for m in messages if m["role"] != "system"]


class SdkProvider(abc.ABC):
    """What the SDK-backed providers share: their settings and one SDK client per API key, made on first use."""

    SDK_MODULE: str  # imported with the provider, not inside the first call's timeout

    def __init__(self, name: str, model: str, base_url: str | None, timeout_s: float) -> None:
        self.name = name
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self._clients: dict[str, Any] = {}
        importlib.import_module(self.SDK_MODULE)

    def _client(self, key: ApiKey):
        if key.alias not in self._clients:
            self._clients[key.alias] = self._new_client(key)
        return self._clients[key.alias]

    @abc.abstractmethod
    def _new_client(self, key: ApiKey) -> Any:
        """A client of the provider's SDK for this key, with the SDK's own retries off."""


class OpenAICompatibleProvider(SdkProvider):
    """NVIDIA's API catalog and any OpenAI-compatible server (vLLM, Ollama, llama.cpp)."""

    SDK_MODULE = "openai"
    PASSED_PARAMS = ("temperature", "top_p", "max_tokens", "stop", "seed", "frequency_penalty", "presence_penalty")

    def _new_client(self, key: ApiKey):
        from openai import AsyncOpenAI

        return AsyncOpenAI(api_key=key.secret or "EMPTY", base_url=self.base_url, max_retries=0, timeout=self.timeout_s + 5)

    async def complete(self, key: ApiKey, messages: list[dict[str, str]], params: dict, response_schema: Any) -> Completion:
        import openai

        kwargs = {name: params[name] for name in self.PASSED_PARAMS if name in params}
        if "max_new_tokens" in params and "max_tokens" not in kwargs:
            kwargs["max_tokens"] = params["max_new_tokens"]
        try:
            response = await self._client(key).chat.completions.create(model=self.model, messages=messages, **kwargs)
        except openai.APITimeoutError as exc:
            raise CallError("timeout", f"{type(exc).__name__}: {exc}") from None
        except openai.APIStatusError as exc:
            raise classify_status(
                exc.status_code, exc.response.text, retry_after_from_headers(exc.response.headers), _rpc_details(exc.body)
            ) from None
        except openai.APIConnectionError as exc:
            raise CallError("server", f"connection failed: {exc}") from None
        except (openai.APIResponseValidationError, json.JSONDecodeError, ValueError, TypeError) as exc:
            raise CallError("malformed", f"unreadable response: {type(exc).__name__}: {exc}") from None
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise CallError("malformed", f"response without choices: {str(response)[:200]}")
        text = getattr(getattr(choices[0], "message", None), "content", None)
        if not isinstance(text, str):
            raise CallError("malformed", "response choice has no text content")
        usage = getattr(response, "usage", None)
        details = getattr(usage, "prompt_tokens_details", None)
        return Completion(
            text=text,
            usage={
                "input_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
                "output_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
                "cached_tokens": int(getattr(details, "cached_tokens", 0) or 0),
            },
        )

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()


class GeminiProvider(SdkProvider):
    """Gemini through google-genai; `base_url` points it at another endpoint (tests use a local server)."""

    SDK_MODULE = "google.genai"

    def _new_client(self, key: ApiKey):
        from google import genai
        from google.genai import types

        options = types.HttpOptions(
            base_url=self.base_url,
            timeout=int((self.timeout_s + 5) * 1000),
            retry_options=types.HttpRetryOptions(attempts=1),  # also stops its implicit retries
        )
        return genai.Client(api_key=key.secret, http_options=options)

    @staticmethod
    def _config(system: str | None, params: dict, response_schema: Any):
        from google.genai import types

        config: dict[str, Any] = {
            "system_instruction": system,
            "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True),
        }
        for ours, theirs in (("temperature", "temperature"), ("top_p", "top_p"), ("seed", "seed"),
                             ("max_tokens", "max_output_tokens"), ("max_new_tokens", "max_output_tokens"),
                             ("stop", "stop_sequences")):
            if ours in params:
                config[theirs] = params[ours]
        if response_schema is not None:
            config["response_mime_type"] = "application/json"
            config["response_schema"] = response_schema
        return types.GenerateContentConfig(**config)

    async def complete(self, key: ApiKey, messages: list[dict[str, str]], params: dict, response_schema: Any) -> Completion:
        from google.genai import errors

        system, turns = split_system(messages)
        contents = [
            {"role": "model" if m["role"] == "assistant" else "user", "parts": [{"text": m["content"]}]} for m in turns
        ]
        try:
            response = await self._client(key).aio.models.generate_content(
                model=self.model, contents=contents, config=self._config(system, params, response_schema)
            )
        except errors.APIError as exc:
            details = exc.details.get("error", {}).get("details") if isinstance(exc.details, dict) else None
            headers = getattr(exc.response, "headers", None)
            raise classify_status(exc.code or 0, json.dumps(exc.details)[:500], retry_after_from_headers(headers), details) from None
        except (asyncio.TimeoutError, TimeoutError) as exc:
            raise CallError("timeout", f"{type(exc).__name__}") from None
        except (json.JSONDecodeError, ValueError, TypeError, KeyError) as exc:
            raise CallError("malformed", f"unreadable response: {type(exc).__name__}: {exc}") from None
        except Exception as exc:
            if is_transport_error(exc):
                raise CallError("server", f"connection failed: {type(exc).__name__}: {exc}") from None
            raise
        text = response.text if response.candidates else None
        if not isinstance(text, str):
            reason = response.candidates[0].finish_reason if response.candidates else "no candidates"
            raise CallError("malformed", f"response without text (finish reason: {reason})")
        usage = response.usage_metadata
        return Completion(
            text=text,
            usage={
                "input_tokens": int(getattr(usage, "prompt_token_count", 0) or 0),
                "output_tokens": int(getattr(usage, "candidates_token_count", 0) or 0),
                "cached_tokens": int(getattr(usage, "cached_content_token_count", 0) or 0),
            },
        )

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aio.aclose()
        self._clients.clear()


class LocalProvider:
    """A transformers causal LM on this machine, prompts generated together in batches.

    Concurrent `complete` calls are collected for a moment and generated together by
    `decoding.generate_many` (prefill in near-equal-length groups, finished rows leave the batch;
    calls with different params go in different batches). Generation runs in a worker thread so
    the event loop keeps serving remote teachers meanwhile.
    """

    LINGER_S = 0.02  # how long the first call of a batch waits for company

    def __init__(self, name: str, model: str, batch_size: int, device: str = "auto", torch_threads: int | None = None) -> None:
        self.name = name
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.torch_threads = torch_threads
        self._loaded: tuple[Any, Any] | None = None
        self._pending: list[tuple[list[dict[str, str]], dict, asyncio.Future]] = []
        self._worker: asyncio.Task | None = None
        self.batch_sizes: list[int] = []  # sizes of the batches generated so far

    def _load(self):
        if self._loaded is None:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            from medchat_pipeline.models import resolve_base_model

            path = resolve_base_model(self.model)
            tokenizer = AutoTokenizer.from_pretrained(path, padding_side="left")
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            device = ("cuda" if torch.cuda.is_available() else "cpu") if self.device == "auto" else self.device
            model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).to(device)
            model.eval()
            self._loaded = (tokenizer, model)
        return self._loaded

    def generate_batch(self, conversations: list[list[dict[str, str]]], params: dict) -> list[Completion]:
        import torch

        if self.torch_threads is None:
            return self._generate(conversations, params)
        previous = torch.get_num_threads()
        torch.set_num_threads(self.torch_threads)
        try:
            return self._generate(conversations, params)
        finally:
            torch.set_num_threads(previous)

    def _generate(self, conversations: list[list[dict[str, str]]], params: dict) -> list[Completion]:
        from medchat_pipeline.decoding import Sampling, generate_many

        tokenizer, model = self._load()
        prompts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in conversations]
        temperature = float(params.get("temperature", 0.0))
        seed = int(params["seed"]) if params.get("seed") is not None else None
        sampling = Sampling(temperature, float(params.get("top_p", 1.0)), seed) if temperature > 0 else None
        out = generate_many(
            model, tokenizer, prompts, int(params.get("max_new_tokens", params.get("max_tokens", 128))),
            self.batch_size, sampling=sampling,
        )
        return [
            Completion(
                text=tokenizer.decode(tokens, skip_special_tokens=True).strip(),
                usage={"input_tokens": prompt_tokens, "output_tokens": len(tokens), "cached_tokens": 0},
            )
            for tokens, prompt_tokens in zip(out.tokens, out.prompt_tokens)
        ]

    async def complete(self, key: ApiKey, messages: list[dict[str, str]], params: dict, response_schema: Any) -> Completion:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((messages, params, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(self.LINGER_S)
            signature = json.dumps(self._pending[0][1], sort_keys=True, default=str)
            batch = [item for item in self._pending if json.dumps(item[1], sort_keys=True, default=str) == signature]
            batch = [item for item in batch if not item[2].done()][: self.batch_size]
            for item in batch:
                self._pending.remove(item)
            self._pending = [item for item in self._pending if not item[2].done()]
            if not batch:
                continue
            self.batch_sizes.append(len(batch))
            log.debug("local teacher %s: generating a batch of %d", self.name, len(batch))
            try:
                completions = await asyncio.to_thread(self.generate_batch, [m for m, _, _ in batch], batch[0][1])
            except Exception as exc:  # a generation failure fails this batch's calls, with the reason
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(CallError("local_error", f"local generation failed: {type(exc).__name__}: {exc}"))
                continue
            for (_, _, future), completion in zip(batch, completions):
                if not future.done():
                    future.set_result(completion)

    async def aclose(self) -> None:
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
        self._pending.clear()
