"""The small model on a GPU: vLLM's OpenAI-compatible engine serves base model + LoRA adapter, and the
router's small lane proxies to it (streamed), with the same triage, routing, guard and limits.

Chosen by `serving.small.backend: vllm` (the medgemma-27b profile). With `serving.small.vllm.base_url`
unset, `medchat serve` launches `vllm serve` on 127.0.0.1 and stops it on exit; with it set, the
router uses that engine. vLLM needs CUDA: on a machine without it, building the service says so.

    small = vllm_small_model(cfg.serving, resolve_small_model(cfg))   # launches, waits until loaded

`serving.smoke.gpu_smoke_check(cfg)` runs it end to end (scripts/gpu_smoke.py).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from medchat_pipeline.config.serving import ServingConfig
from medchat_pipeline.serving.backends import OpenAICompatibleChatModel, PromptFitter, SmallModelChoice

log = logging.getLogger(__name__)


def vllm_available() -> str | None:
    """None when vLLM can run here, else why not."""
    try:
        import torch

        if not torch.cuda.is_available():
            return "vLLM needs CUDA and none is visible here"
    except ImportError:
        return "torch is not installed"
    if importlib.util.find_spec("vllm") is None:
        return "the vllm package is not installed (pip install vllm on the GPU machine)"
    return None


def vllm_command(serving: ServingConfig, choice: SmallModelChoice) -> list[str]:
    """The `vllm serve` command line for the small model: the base model, the adapter as a LoRA module
    named `served_model_name` (or the base model under that name when there is no adapter)."""
    settings = serving.small.vllm
    executable = Path(sys.executable).with_name("vllm")
    command = [str(executable) if executable.exists() else (shutil.which("vllm") or "vllm"), "serve",
               choice.base_model_dir,
               "--host", "127.0.0.1", "--port", str(settings.port),
               "--max-model-len", str(settings.max_model_len),
               "--gpu-memory-utilization", str(settings.gpu_memory_utilization),
               "--max-num-seqs", str(settings.max_num_seqs),
               "--dtype", settings.dtype,
               "--tensor-parallel-size", str(settings.tensor_parallel_size)]
    if choice.adapter_dir:
        command += ["--enable-lora", "--max-lora-rank", str(lora_rank(choice.adapter_dir, settings.max_lora_rank)),
                    "--lora-modules", f"{settings.served_model_name}={choice.adapter_dir}"]
    else:
        command += ["--served-model-name", settings.served_model_name]
    return command + list(settings.extra_args)


# The LoRA ranks vLLM accepts for --max-lora-rank.
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)


def lora_rank(adapter_dir: str, configured: int) -> int:
    """--max-lora-rank: the configured one, raised to the adapter's own r (as one vLLM accepts) when the
    adapter was trained with a larger rank — vLLM refuses to load it otherwise."""
    try:
        rank = int(json.loads((Path(adapter_dir) / "adapter_config.json").read_text()).get("r", 0))
    except (OSError, ValueError, TypeError):
        rank = 0
    wanted = max(configured, rank)
    return next((r for r in VLLM_LORA_RANKS if r >= wanted), wanted)


class VllmEngine:
    """A `vllm serve` child process on loopback."""

    def __init__(self, process: subprocess.Popen, base_url: str, log_path: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.log_path = log_path

    @classmethod
    def launch(cls, serving: ServingConfig, choice: SmallModelChoice) -> VllmEngine:
        problem = vllm_available()
        if problem:
            raise RuntimeError(f"serving.small.backend is vllm, but {problem}; use backend: local here")
        settings = serving.small.vllm
        command = vllm_command(serving, choice)
        log_path = Path(tempfile.mkdtemp(prefix="medchat-vllm-")) / "vllm.log"
        log.info("launching vLLM", extra={"fields": {"event": "vllm_launch", "port": settings.port}})
        with open(log_path, "wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env={**os.environ})
        engine = cls(process, f"http://127.0.0.1:{settings.port}/v1", log_path)
        engine.wait_until_serving(settings.served_model_name, settings.startup_timeout_s)
        return engine

    def wait_until_serving(self, model: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vLLM exited with code {self.process.returncode} while loading; last lines of "
                                   f"{self.log_path}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=5) as response:
                    if model in response.read().decode():
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(2)
        self.stop()
        raise RuntimeError(f"vLLM did not serve {model} within {timeout_s:g}s (serving.small.vllm.startup_timeout_s); "
                           f"see {self.log_path}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class VllmChatModel(OpenAICompatibleChatModel):
    """The small model behind vLLM; closing the lane stops an engine we launched."""

    def __init__(self, *args: Any, engine: VllmEngine | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine = engine

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "backend": "vllm", "launched": self.engine is not None}

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self.engine is not None:
            self.engine.stop()


def vllm_small_model(serving: ServingConfig, choice: SmallModelChoice) -> VllmChatModel:
    """The small model as the router's small lane sees it: vLLM (launched unless `vllm.base_url` names a
    running engine) plus the base model's tokenizer here, for the input limit and trimming old turns."""
    from transformers import AutoTokenizer

    settings = serving.small.vllm
    engine = None if settings.base_url else VllmEngine.launch(serving, choice)
    base_url = settings.base_url or engine.base_url
    tokenizer = AutoTokenizer.from_pretrained(choice.base_model_dir)
    return VllmChatModel(
        base_url, settings.served_model_name, name="small", max_new_tokens=serving.small.max_new_tokens,
        timeout_s=serving.request_timeout_s, fitter=PromptFitter(tokenizer, serving.small.max_input_tokens),
        engine=engine, repetition_penalty=serving.repetition_penalty,
    )
