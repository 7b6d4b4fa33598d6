"""The two kinds of model the router sends questions to, behind one `generate(conversations)` call.

- LocalChatModel: a transformers causal LM (+ an optional PEFT adapter) run in this process,
  conversations generated together with the chat template by `decoding.generate_many` (length-sorted
  prefill groups, finished answers leave the batch).
- TeacherChatModel: any teacher of the teacher gateway (`medchat_pipeline.teachers.TeacherPool`),
  whose failures come back as results with an error, never as exceptions.

`resolve_small_model` finds which base model and adapter the small model is: "latest" is the newest
adapter manifest the training assets wrote under <storage>/adapters.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from medchat_pipeline.decoding import Sampling, generate_many

log = logging.getLogger(__name__)

Conversation = list[dict[str, str]]


@dataclass
class Generation:
    text: str | None
    error: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    truncated: bool = False  # stopped at max_new_tokens, not at end of turn


class ChatModel(Protocol):
    name: str

    def generate(
        self, conversations: list[Conversation], max_new_tokens: int | None = None, temperature: float = 0.0
    ) -> list[Generation]: ...

    def describe(self) -> dict[str, Any]: ...


class InputTooLong(ValueError):
    """The last user message alone does not fit the model's input budget."""


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
        self._lock = threading.Lock()

    def describe(self) -> dict[str, Any]:
        return {
            "backend": "local",
            "model_dir": self.model_dir,
            "adapter_dir": self.adapter_dir,
            "device": self.device,
            "max_new_tokens": self.max_new_tokens,
            "note": self.note,
        }

    def fit_conversation(self, conversation: Conversation) -> tuple[list[int], int]:
        """Prompt token ids, dropping the oldest turns (never the system prompt or the question) to fit."""
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
                    f"most {self.max_input_tokens} (serving.small.max_input_tokens)"
                )
            turns = turns[1:]
            dropped += 1

    def generate(
        self, conversations: list[Conversation], max_new_tokens: int | None = None, temperature: float = 0.0
    ) -> list[Generation]:
        limit = min(max_new_tokens or self.max_new_tokens, self.max_new_tokens)
        results: list[Generation | None] = [None] * len(conversations)
        prompts: list[tuple[int, list[int]]] = []
        for index, conversation in enumerate(conversations):
            try:
                ids, _dropped = self.fit_conversation(conversation)
                prompts.append((index, ids))
            except InputTooLong as exc:
                results[index] = Generation(text=None, error=f"input_too_long: {exc}")
        if prompts:
            started = time.perf_counter()
            sampling = Sampling(temperature, top_p=0.95) if temperature > 0 else None
            with self._lock:
                out = generate_many(
                    self.model, self.tokenizer, [ids for _, ids in prompts], limit, self.batch_size, sampling=sampling,
                    progress=f"{self.name} model" if len(prompts) > self.batch_size else None,
                )
            elapsed = time.perf_counter() - started
            for (index, ids), tokens, ended in zip(prompts, out.tokens, out.ended):
                results[index] = Generation(
                    text=self.tokenizer.decode(tokens, skip_special_tokens=True).strip(),
                    input_tokens=len(ids),
                    output_tokens=len(tokens),
                    latency_s=elapsed,
                    truncated=not ended,
                )
        unanswered = [index for index, result in enumerate(results) if result is None]
        if unanswered:
            raise RuntimeError(f"{self.name} model produced no result for conversations {unanswered}")
        return results  # type: ignore[return-value]


class TeacherChatModel:
    """A teacher of the teacher gateway as the large model (the demo's default teacher is local)."""

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

    def generate(
        self, conversations: list[Conversation], max_new_tokens: int | None = None, temperature: float = 0.0
    ) -> list[Generation]:
        from medchat_pipeline.teachers import TeacherRequest

        limit = min(max_new_tokens or self.max_new_tokens, self.max_new_tokens)
        requests = [
            TeacherRequest(
                id=f"chat-{index}",
                messages=conversation,
                teacher=self.teacher,
                # Both spellings: a teacher's own configured max_new_tokens must not override our cap.
                params={"max_tokens": limit, "max_new_tokens": limit, "temperature": temperature},
                template_version=self.template_version,
            )
            for index, conversation in enumerate(conversations)
        ]
        results = self.pool.run(requests, progress=False) if requests else []
        return [
            Generation(
                text=result.text if result.ok else None,
                error=None if result.ok else f"{result.error_kind}: {result.error}",
                input_tokens=int(result.usage.get("input_tokens", 0)),
                output_tokens=int(result.usage.get("output_tokens", 0)),
                cost_usd=result.cost,
                latency_s=result.latency_s,
                # Providers differ in how they report a length stop; a full budget is the common signal.
                truncated=result.ok and int(result.usage.get("output_tokens", 0)) >= limit,
            )
            for result in results
        ]


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

    adapter (else cfg.serving.small.adapter): 'latest', 'none', or an adapter directory.
    The base model: cfg.serving.small.base_model, else the one the manifest records (or the
    adapter_config's base_model_name_or_path when that is a local folder), else the demo base model.
    """
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

    small = cfg.serving.small
    spec = adapter or small.adapter
    adapter_dir: Path | None = None
    manifest: dict[str, Any] | None = None
    if spec == "latest":
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
