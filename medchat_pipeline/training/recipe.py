"""Turn a validated `training:` recipe into the objects the trainers take, and check it against the
tokenizer before any compute is spent (a missing chat template, a system role the template rejects,
answer-only loss the template cannot mark)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from medchat_pipeline.config.training import TrainingConfig


class RecipeError(ValueError):
    """A recipe that cannot train with this model, with a message that says what to change."""


@dataclass(frozen=True)
class RecipeCheck:
    loss_mode: str  # assistant_only | completion_only | full
    training_chat_template: str | None  # a TRL-patched template with generation markers, when one is needed


_PROBE = [
    {"role": "user", "content": "What is the normal adult resting heart rate?"},
    {"role": "assistant", "content": "About 60 to 100 beats per minute."},
]


def check_recipe(cfg: TrainingConfig, tokenizer) -> RecipeCheck:
    """Validate the recipe against the tokenizer; decide how answer-only loss is done.

    Assistant-only loss needs `{% generation %}` markers in the chat template (or a template TRL knows
    how to patch, e.g. Gemma 3's); otherwise answer-only loss is done as completion-only loss on a
    prompt/completion split of the same conversation, which masks the same tokens.
    """
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    template = tokenizer.chat_template
    if not template:
        raise RecipeError(
            f"training.base_model {cfg.base_model!r}: the tokenizer has no chat template; use an instruction-tuned "
            "checkpoint (…-Instruct, …-it) or add a chat_template.jinja to the model directory"
        )
    messages = ([{"role": "system", "content": cfg.system_prompt}] if cfg.system_prompt else []) + _PROBE
    try:
        rendered = tokenizer.apply_chat_template(messages, tokenize=False)
        prompt_only = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
    except Exception as exc:  # jinja raises TemplateError from inside the template ("roles must alternate", …)
        hint = "; set training.system_prompt: '' if the template rejects a system role" if cfg.system_prompt else ""
        raise RecipeError(f"training.base_model {cfg.base_model!r}: its chat template fails on a plain chat: {exc}{hint}") from exc
    if _PROBE[-1]["content"] not in rendered:
        raise RecipeError(f"training.base_model {cfg.base_model!r}: its chat template drops the assistant's reply")
    if cfg.sft.loss_on == "full":
        return RecipeCheck("full", None)
    if has_generation_markers(template):
        return RecipeCheck("assistant_only", None)
    try:
        patched = get_training_chat_template(tokenizer)
    except ValueError:
        patched = None
    if patched is not None:
        return RecipeCheck("assistant_only", patched)
    if not rendered.startswith(prompt_only):
        raise RecipeError(
            f"training.base_model {cfg.base_model!r}: its chat template neither marks assistant turns nor renders the "
            "prompt as a prefix of the conversation, so answer-only loss cannot be masked; set training.sft.loss_on: "
            "full or give the model a template with {% generation %} markers"
        )
    return RecipeCheck("completion_only", None)


def recipe_hash(cfg: TrainingConfig, stage: str) -> str:
    """Hash of what shapes the weights (not where they are tracked or which machine runs them)."""
    # The merged model and each later stage's settings do not shape an earlier stage's weights (a later
    # stage also sees its parent's settings through the parent adapter's version, an input of its own).
    weights_relevant = cfg.model_dump(exclude={"mlflow", "runner", "k8s", "merged_model"})
    later = {"sft": ("dpo", "grpo"), "dpo": ("grpo",), "grpo": ("dpo",)}.get(stage, ())
    for section in later:
        weights_relevant.pop(section)
    if cfg.escalation_examples.enabled:  # the examples are read from a file the asset graph does not version
        weights_relevant["escalation_cases_sha256"] = escalation_cases_digest(cfg.escalation_examples.cases_file)
    payload = json.dumps({"stage": stage, **weights_relevant}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def escalation_cases_digest(cases_file: str | None) -> str:
    """Content hash of the triage cases the escalation examples come from."""
    from medchat_pipeline.core.safety.triage_data import default_cases_path

    return hashlib.sha256(Path(cases_file or default_cases_path()).read_bytes()).hexdigest()[:16]


def torch_dtype(cfg: TrainingConfig):
    import torch

    if cfg.dtype != "auto":
        return getattr(torch, cfg.dtype)
    if cfg.uses_cuda() and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def require_runtime(cfg: TrainingConfig) -> None:
    """The checks that need this machine: a GPU profile (device: cuda) must not start on a CPU box."""
    from medchat_pipeline.config.training import cuda_available

    if cfg.device == "cuda" and not cuda_available():
        raise RecipeError(
            "training.device: cuda, but no CUDA device is visible; run this profile on a GPU machine "
            "(runner: pipes_k8s) or use the demo profile on CPU"
        )


def quantization_config(cfg: TrainingConfig):
    if cfg.quantization == "none":
        return None
    from transformers import BitsAndBytesConfig

    if cfg.quantization == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch_dtype(cfg),
    )


def load_base_model(cfg: TrainingConfig, model_path: str):
    """The frozen base model, quantized when the recipe says so, ready for a LoRA adapter."""
    from transformers import AutoModelForCausalLM

    require_runtime(cfg)
    kwargs = {
        "dtype": torch_dtype(cfg),
        "attn_implementation": cfg.resolved_attn_implementation(),
        "revision": cfg.base_model_revision,
    }
    quant = quantization_config(cfg)
    if quant is not None:
        kwargs["quantization_config"] = quant
        kwargs["device_map"] = {"": 0}
    model = AutoModelForCausalLM.from_pretrained(model_path, **{k: v for k, v in kwargs.items() if v is not None})
    if quant is not None:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.sft.gradient_checkpointing)
    return model


def lora_config(cfg: TrainingConfig):
    from peft import LoraConfig

    return LoraConfig(
        r=cfg.lora.r,
        lora_alpha=cfg.lora.alpha,
        lora_dropout=cfg.lora.dropout,
        target_modules=cfg.lora.target_modules,
        bias="none",
        task_type="CAUSAL_LM",
    )


def load_tokenizer(model_path: str, revision: str | None = None):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path, revision=revision)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer
