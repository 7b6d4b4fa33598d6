"""The models the router sends questions to. Each answers `GenerationJob`s and streams through them.

- LocalChatModel: a transformers causal LM (+ an optional PEFT adapter) run in this process.
  `run(jobs)` generates a batch with `decoding.generate_many`; each job's text is streamed to its
  `on_delta` as tokens are produced, and a job leaves the batch when it is cancelled, passes its
  deadline, reaches its own token budget or one of its stop strings.
- TeacherChatModel: any teacher of the teacher gateway (`medchat_pipeline.teachers.TeacherPool`);
  the answer arrives whole. Failures come back as a Generation with an error, never as exceptions.
- OpenAICompatibleChatModel: a streaming OpenAI-compatible endpoint (vLLM's engine for the small
  model on a GPU), driven by the openai SDK.

`resolve_small_model` finds which base model and adapter the small model is: "champion" is the adapter
the promotion gate (asset serving_champion) let serve, "latest" is the newest adapter manifest the
training assets wrote under <storage>/adapters.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from medchat_pipeline.decoding import Sampling, generate_many

log = logging.getLogger(__name__)

Conversation = list[dict[str, str]]
FinishReason = Literal["stop", "length", "cancelled", "timeout", "error"]


@dataclass
class Generation:
    text: str | None
    error: str | None = None  # "<kind>: <detail>"; the detail is for logs, the kind for clients
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    finish_reason: FinishReason = "stop"

    @property
    def truncated(self) -> bool:
        """Stopped at the token budget, not at the end of its turn."""
        return self.finish_reason == "length"

    @property
    def error_kind(self) -> str | None:
        return None if self.error is None else self.error.split(":", 1)[0]


@dataclass
class GenerationJob:
    """One conversation for one model: its budget, sampling, stop strings, where its text streams to,
    and when to give up. `prompt_ids` (already fitted to the model's input budget) saves a local model
    from templating the conversation again."""

    conversation: Conversation
    max_new_tokens: int | None = None
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    on_delta: Callable[[str], None] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    deadline: float | None = None  # time.monotonic() after which the job ends as "timeout"
    prompt_ids: list[int] | None = None

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


class InputTooLong(ValueError):
    """The last user message alone does not fit the model's input budget."""

    def __init__(self, message: str, tokens: int, limit: int) -> None:
        super().__init__(message)
        self.tokens, self.limit = tokens, limit


class PromptFitter:
    """Chat-template token ids of a conversation within an input budget, dropping the oldest turns
    (never the system prompt or the question) to fit."""

    def __init__(self, tokenizer, max_input_tokens: int, name: str = "small") -> None:
        self.tokenizer = tokenizer
        self.max_input_tokens = max_input_tokens
        self.name = name
        self._lock = threading.Lock()

    def fit(self, conversation: Conversation) -> tuple[list[int], int]:
        """The prompt's token ids and how many of the oldest turns were dropped; InputTooLong when the
        question alone does not fit. Serialized: a fast tokenizer must not be used from two threads."""
        with self._lock:
            return self._fit(conversation)

    def _fit(self, conversation: Conversation) -> tuple[list[int], int]:
        system = [m for m in conversation[:1] if m["role"] == "system"]
        turns = conversation[len(system):]
        dropped = 0
        while True:
            ids = self.tokenizer.apply_chat_template(
                system + turns, add_generation_prompt=True, tokenize=True, return_dict=False
            )
            if len(ids) <= self.max_input_tokens:
                return list(ids), dropped
            if len(turns) <= 1:
                raise InputTooLong(
                    f"the question is {len(ids)} tokens with the system prompt; the {self.name} model takes at "
                    f"most {self.max_input_tokens} (serving.small.max_input_tokens)",
                    len(ids), self.max_input_tokens,
                )
            turns = turns[1:]
            dropped += 1


class TextStream:
    """A row's growing text, handed out in deltas that never need taking back: no leading or trailing
    whitespace, no half-decoded character, nothing that might turn out to be the start of a stop
    string. `update` says when a stop string has appeared (the text ends before it)."""

    def __init__(self, decode: Callable[[list[int]], str], stop: tuple[str, ...], on_delta: Callable[[str], None] | None):
        self.decode = decode
        self.stop = tuple(s for s in stop if s)
        self.on_delta = on_delta
        self.sent = ""
        self.stopped_at: str | None = None

    def update(self, tokens: list[int]) -> bool:
        text = self.decode(tokens).lstrip()
        cut = self._cut(text)
        if cut is not None:
            self.stopped_at = text[:cut].rstrip()
            self._emit(self.stopped_at)
            return True
        if self.on_delta is not None:
            visible = text[: len(text) - self._possible_stop_start(text)].rstrip("\ufffd").rstrip()
            self._emit(visible)
        return False

    def finish(self, tokens: list[int]) -> str:
        text = self.stopped_at if self.stopped_at is not None else self.decode(tokens).strip()
        cut = self._cut(text)
        if cut is not None:
            text = text[:cut].rstrip()
        self._emit(text)
        return text

    def _cut(self, text: str) -> int | None:
        found = [index for index in (text.find(s) for s in self.stop) if index >= 0]
        return min(found) if found else None

    def _possible_stop_start(self, text: str) -> int:
        """Length of the longest end of `text` that a stop string starts with."""
        longest = 0
        for stop in self.stop:
            for size in range(min(len(stop) - 1, len(text)), longest, -1):
                if text.endswith(stop[:size]):
                    longest = size
                    break
        return longest

    def _emit(self, visible: str) -> None:
        if self.on_delta is not None and len(visible) > len(self.sent) and visible.startswith(self.sent):
            delta, self.sent = visible[len(self.sent):], visible
            self.on_delta(delta)


class LocalChatModel:
    """A local causal LM, optionally with a LoRA adapter merged in, answering chat conversations."""

    def __init__(
        self,
        model_dir: str | Path,
        adapter_dir: str | Path | None = None,
        *,
        name: str = "small",
        device: str = "auto",
        dtype: str = "auto",
        max_new_tokens: int = 160,
        max_input_tokens: int = 1536,
        batch_size: int = 8,
        note: str | None = None,
        threads: int | None = None,
        repetition_penalty: float = 1.0,
    ) -> None:
        import torch

        if threads:
            # Process-wide: more intra-op threads than free cores makes CPU generation crawl.
            torch.set_num_threads(threads)
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = name
        self.model_dir = str(model_dir)
        self.adapter_dir = str(adapter_dir) if adapter_dir else None
        self.max_new_tokens = max_new_tokens
        self.max_input_tokens = max_input_tokens
        self.batch_size = batch_size
        self.note = note
        self.repetition_penalty = repetition_penalty
        self.device = ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device
        if dtype == "auto":
            torch_dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        else:
            torch_dtype = getattr(torch, dtype)
        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, padding_side="left")
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        model = AutoModelForCausalLM.from_pretrained(self.model_dir, dtype=torch_dtype)
        if self.adapter_dir:
            from peft import PeftModel

            # Merging once makes every later forward pass as cheap as the base model's.
            model = PeftModel.from_pretrained(model, self.adapter_dir).merge_and_unload()
        self.model = model.to(self.device).eval()
        self.fitter = PromptFitter(self.tokenizer, max_input_tokens, name)
        self._lock = threading.Lock()

    def describe(self) -> dict[str, Any]:
        return {
            "backend": "local",
            "model_dir": self.model_dir,
            "adapter_dir": self.adapter_dir,
            "device": self.device,
            "max_new_tokens": self.max_new_tokens,
            "repetition_penalty": self.repetition_penalty,
            "note": self.note,
        }

    def fit_conversation(self, conversation: Conversation) -> tuple[list[int], int]:
        """Prompt token ids, dropping the oldest turns (never the system prompt or the question) to fit."""
        return self.fitter.fit(conversation)

    def generate(
        self, conversations: list[Conversation], max_new_tokens: int | None = None, temperature: float = 0.0
    ) -> list[Generation]:
        """Answers for whole conversations at once (no streaming)."""
        top_p = 0.95 if temperature > 0 else 1.0
        return self.run([GenerationJob(c, max_new_tokens, temperature, top_p) for c in conversations])

    def run(self, jobs: list[GenerationJob]) -> list[Generation]:
        """Generate every job, batched by sampling settings; see the module docstring."""
        results: list[Generation | None] = [None] * len(jobs)
        groups: dict[tuple, list[tuple[int, list[int]]]] = {}
        for index, job in enumerate(jobs):
            if job.cancel.is_set() or job.expired():
                results[index] = Generation(None, "cancelled: before generation" if job.cancel.is_set()
                                            else "timeout: deadline passed in the queue",
                                            finish_reason="cancelled" if job.cancel.is_set() else "timeout")
                continue
            try:
                ids = job.prompt_ids if job.prompt_ids is not None else self.fit_conversation(job.conversation)[0]
            except InputTooLong as exc:
                results[index] = Generation(text=None, error=f"input_too_long: {exc}", finish_reason="error")
                continue
            sampling_key = (job.temperature, job.top_p, job.seed) if job.temperature > 0 else None
            groups.setdefault(sampling_key, []).append((index, ids))
        for sampling_key, members in groups.items():
            sampling = Sampling(*sampling_key) if sampling_key else None
            with self._lock:
                generations = self._generate([jobs[i] for i, _ in members], [ids for _, ids in members], sampling)
            for (index, _ids), generation in zip(members, generations):
                results[index] = generation
        return results  # type: ignore[return-value]

    def _generate(self, jobs: list[GenerationJob], prompts: list[list[int]], sampling: Sampling | None) -> list[Generation]:
        limits = [min(job.max_new_tokens or self.max_new_tokens, self.max_new_tokens) for job in jobs]

        def decode(tokens: list[int]) -> str:
            return self.tokenizer.decode(tokens, skip_special_tokens=True)

        streams = [TextStream(decode, job.stop, job.on_delta) for job in jobs]
        ended_by: list[FinishReason | None] = [None] * len(jobs)
        watch_text = [bool(job.stop) or job.on_delta is not None for job in jobs]

        def stop(row: int, tokens: list[int]) -> bool:
            job = jobs[row]
            if job.cancel.is_set():
                ended_by[row] = "cancelled"
            elif job.expired():
                ended_by[row] = "timeout"
            elif watch_text[row] and streams[row].update(tokens):
                ended_by[row] = "stop"
            elif len(tokens) >= limits[row]:
                ended_by[row] = "length"
            return ended_by[row] is not None

        started = time.perf_counter()
        out = generate_many(self.model, self.tokenizer, prompts, max(limits), self.batch_size, sampling=sampling, stop=stop,
                            repetition_penalty=self.repetition_penalty)
        elapsed = time.perf_counter() - started
        generations = []
        for row, (ids, tokens, ended) in enumerate(zip(prompts, out.tokens, out.ended)):
            reason: FinishReason = "stop" if ended else (ended_by[row] or "length")
            text = streams[row].finish(tokens)
            error = None
            if reason == "cancelled":
                error = "cancelled: the client went away"
            elif reason == "timeout":
                error = "timeout: the request's deadline passed during generation"
            generations.append(Generation(
                text=None if error else text, error=error, input_tokens=len(ids), output_tokens=len(tokens),
                latency_s=elapsed, finish_reason=reason,
            ))
        return generations


class TeacherChatModel:
    """A teacher of the teacher gateway as the large model (the demo's default teacher is local).

    `run` is a coroutine: the large lane runs it on its own event loop, so a slow or unreachable
    teacher only ever holds that loop's tasks."""

    def __init__(
        self,
        pool: Any,
        teacher: str | None = None,
        *,
        name: str = "large",
        max_new_tokens: int = 384,
        template_version: str = "serving-v1",
    ) -> None:
        self.pool = pool
        self.teacher = teacher
        self.name = name
        self.max_new_tokens = max_new_tokens
        # Part of the gateway's cache key: identical greedy questions are answered from its cache.
        self.template_version = template_version
        self._session = None

    async def astart(self) -> None:
        """On the lane's event loop, before the first call: one gateway session for the lane's life,
        so the provider clients are made once, not per answer (see TeacherPool.session)."""
        self._session = self.pool.session()
        await self._session.__aenter__()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.__aexit__(None, None, None)
            self._session = None

    def describe(self) -> dict[str, Any]:
        teacher = self.teacher or self.pool.config.default
        teacher_cfg = self.pool.config.teachers.get(teacher)
        return {
            "backend": "teacher",
            "teacher": teacher,
            "provider": teacher_cfg.provider if teacher_cfg else None,
            "model": teacher_cfg.model if teacher_cfg else None,
            "max_new_tokens": self.max_new_tokens,
        }

    async def run(self, job: GenerationJob) -> Generation:
        from medchat_pipeline.teachers import TeacherRequest

        limit = min(job.max_new_tokens or self.max_new_tokens, self.max_new_tokens)
        params: dict[str, Any] = {"max_tokens": limit, "max_new_tokens": limit, "temperature": job.temperature}
        if job.stop:
            params["stop"] = list(job.stop)
        request = TeacherRequest(
            id="chat",
            messages=job.conversation,
            teacher=self.teacher,
            # Both spellings: a teacher's own configured max_new_tokens must not override our cap.
            params=params,
            template_version=self.template_version,
        )
        (result,) = await self.pool.arun([request], progress=False)
        if not result.ok:
            return Generation(text=None, error=f"{result.error_kind}: {result.error}", latency_s=result.latency_s,
                              finish_reason="error")
        text = result.text or ""
        output_tokens = int(result.usage.get("output_tokens", 0))
        # Providers that ignore `stop` (the local teacher) are cut here, so every route honours it.
        cut = [index for index in (text.find(s) for s in job.stop if s) if index >= 0]
        text = (text[: min(cut)] if cut else text).strip()
        if job.on_delta is not None and text:
            job.on_delta(text)
        return Generation(
            text=text,
            input_tokens=int(result.usage.get("input_tokens", 0)),
            output_tokens=output_tokens,
            cost_usd=result.cost,
            latency_s=result.latency_s,
            # Providers differ in how they report a length stop; a full budget is the common signal.
            finish_reason="length" if output_tokens >= limit and not cut else "stop",
        )


class OpenAICompatibleChatModel:
    """A streaming OpenAI-compatible chat endpoint (vLLM's engine for the small model on a GPU).

    The SDK client is made on first use inside the lane's event loop that runs `run`."""

    def __init__(
        self, base_url: str, model: str, *, name: str = "small", max_new_tokens: int = 160,
        timeout_s: float = 60.0, api_key: str | None = None, fitter: PromptFitter | None = None,
        repetition_penalty: float = 1.0,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.name = name
        self.max_new_tokens = max_new_tokens
        self.timeout_s = timeout_s
        self.api_key = api_key
        self.fitter = fitter
        self.repetition_penalty = repetition_penalty  # vLLM's sampling parameter, sent as an extra body field
        self._client = None

    def describe(self) -> dict[str, Any]:
        return {"backend": "openai_compatible", "base_url": self.base_url, "model": self.model,
                "max_new_tokens": self.max_new_tokens, "repetition_penalty": self.repetition_penalty}

    async def run(self, job: GenerationJob) -> Generation:
        import openai

        if self._client is None:
            self._client = openai.AsyncOpenAI(base_url=self.base_url, api_key=self.api_key or "unused",
                                              max_retries=0, timeout=self.timeout_s)
        limit = min(job.max_new_tokens or self.max_new_tokens, self.max_new_tokens)
        options: dict[str, Any] = {"max_tokens": limit, "temperature": job.temperature}
        if job.temperature > 0:
            options["top_p"] = job.top_p
            if job.seed is not None:
                options["seed"] = job.seed
        if job.stop:
            options["stop"] = list(job.stop)
        if self.repetition_penalty != 1.0:
            options["extra_body"] = {"repetition_penalty": self.repetition_penalty}
        started = time.perf_counter()
        parts: list[str] = []
        usage = None
        finish: str | None = None
        try:
            stream = await self._client.chat.completions.create(
                model=self.model, messages=job.conversation, stream=True, stream_options={"include_usage": True},
                **options,
            )
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    delta = choice.delta.content or ""
                    if not parts:
                        delta = delta.lstrip()
                    if delta:
                        parts.append(delta)
                        if job.on_delta is not None:
                            job.on_delta(delta)
                    finish = choice.finish_reason or finish
        except openai.APIStatusError as exc:
            return Generation(None, f"server: HTTP {exc.status_code}", finish_reason="error",
                              latency_s=time.perf_counter() - started)
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            return Generation(None, f"unreachable: {type(exc).__name__}", finish_reason="error",
                              latency_s=time.perf_counter() - started)
        text = "".join(parts)
        return Generation(
            text=text.rstrip(),
            input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            output_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            latency_s=time.perf_counter() - started,
            finish_reason="length" if finish == "length" else "stop",
        )

    async def ready(self) -> bool:
        """Whether the endpoint answers GET /models with our model id."""
        import openai

        if self._client is None:
            self._client = openai.AsyncOpenAI(base_url=self.base_url, api_key=self.api_key or "unused",
                                              max_retries=0, timeout=self.timeout_s)
        try:
            models = await self._client.models.list()
        except openai.OpenAIError:
            return False
        return any(model.id == self.model for model in models.data)


@dataclass
class SmallModelChoice:
    base_model_dir: str
    adapter_dir: str | None
    manifest: dict[str, Any] | None
    note: str


def latest_adapter_manifest(adapters_root: Path) -> Path | None:
    """The newest manifest.json under adapters_root whose folder holds a PEFT adapter."""
    candidates = [
        path for path in adapters_root.rglob("manifest.json") if (path.parent / "adapter_config.json").exists()
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda path: (_created_at(path), path.stat().st_mtime))


def _created_at(manifest_path: Path) -> str:
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, json.JSONDecodeError):
        return ""
    return str(manifest.get("created_at") or manifest.get("finished_at") or "") if isinstance(manifest, dict) else ""


def manifest_base_model(manifest: dict[str, Any]) -> str | None:
    """The base model an adapter manifest records: its local directory when present, else its spec.

    Training writes {"base_model": {"spec", "path", …}}; asset values carry "base_model_path".
    """
    recorded = manifest.get("base_model")
    path = manifest.get("base_model_path") or (recorded.get("path") if isinstance(recorded, dict) else None)
    if path and Path(path).exists():
        return str(path)
    spec = recorded.get("spec") if isinstance(recorded, dict) else recorded
    return spec if isinstance(spec, str) and spec else None


def resolve_small_model(cfg: Any, adapter: str | None = None) -> SmallModelChoice:
    """Which base model directory and adapter directory the small model loads.

    adapter (else cfg.serving.small.adapter): 'champion' (the adapter the promotion gate made the serving
    champion, <storage>/serving/champion.json; the base model alone until one is), 'latest', 'none', or an
    adapter directory.
    The base model: cfg.serving.small.base_model, else the one the manifest records (or the
    adapter_config's base_model_name_or_path when that is a local folder), else the demo base model.
    """
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

    small = cfg.serving.small
    spec = adapter or small.adapter
    adapter_dir: Path | None = None
    manifest: dict[str, Any] | None = None
    if spec == "champion":
        from medchat_pipeline.core.evaluation.promotion import CHAMPION_FILE, read_champion

        record = read_champion(cfg.storage_path(*CHAMPION_FILE))
        if record is None:
            note = "no serving champion decided yet (asset serving_champion): serving the base model alone"
            log.warning(note)
        elif record.get("adapter_dir"):
            adapter_dir = Path(record["adapter_dir"])
            note = f"serving champion: {adapter_dir} (promoted on benchmark run {record.get('benchmark_run_id')})"
        else:
            note = "serving champion: the base model alone (no adapter has passed the promotion gate yet)"
    elif spec == "latest":
        root = cfg.storage_path("adapters")
        found = latest_adapter_manifest(root) if root.exists() else None
        if found is None:
            note = f"no trained adapter under {root} yet: serving the base model alone"
            log.warning(note)
        else:
            adapter_dir = found.parent
            note = f"latest adapter: {adapter_dir}"
    elif spec == "none":
        note = "adapter disabled (adapter: none): serving the base model alone"
    else:
        adapter_dir = Path(spec).expanduser()
        if not (adapter_dir / "adapter_config.json").exists():
            raise FileNotFoundError(
                f"adapter {spec!r}: no adapter_config.json in {adapter_dir}; give a PEFT adapter directory, "
                "'latest' or 'none'"
            )
        note = f"adapter: {adapter_dir}"
    if adapter_dir is not None and (adapter_dir / "manifest.json").exists():
        loaded = json.loads((adapter_dir / "manifest.json").read_text())
        manifest = loaded if isinstance(loaded, dict) else None
        if manifest:
            note += f" (stage {manifest.get('stage', '?')}, created {manifest.get('created_at', '?')})"

    base = small.base_model
    if base is None and manifest:
        base = manifest_base_model(manifest)
    if base is None and adapter_dir is not None:
        adapter_cfg = json.loads((adapter_dir / "adapter_config.json").read_text())
        recorded = adapter_cfg.get("base_model_name_or_path")
        if recorded and Path(recorded).exists():
            base = recorded
    return SmallModelChoice(
        base_model_dir=resolve_base_model(base or DEMO_BASE_MODEL),
        adapter_dir=str(adapter_dir) if adapter_dir else None,
        manifest=manifest,
        note=note,
    )
