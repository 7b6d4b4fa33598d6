"""Recipes are rejected before any compute, with messages that say what to change."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from medchat_pipeline.config import ConfigError, load_config
from medchat_pipeline.config.training import GRPOSettings, MlflowSettings, RewardWeights, SFTSettings, TrainingConfig
from medchat_pipeline.training.recipe import RecipeError, check_recipe, load_tokenizer, recipe_hash
from medchat_pipeline.training.runners import k8s_run_kwargs


def test_qlora_on_cpu_says_what_to_change():
    with pytest.raises(ValidationError, match="4-bit QLoRA needs CUDA"):
        TrainingConfig(quantization="4bit", device="cpu")
    with pytest.raises(ConfigError, match=r"training: quantization: 8-bit LoRA needs CUDA.*quantization: none"):
        load_config("demo", overrides={"training": {"quantization": "8bit"}})


def test_num_generations_must_divide_the_effective_batch():
    with pytest.raises(ValidationError, match=r"num_generations \(3\) must divide the effective batch.*= 4.*\[2, 4\]"):
        GRPOSettings(per_device_train_batch_size=2, gradient_accumulation_steps=2, num_generations=3)
    assert GRPOSettings(per_device_train_batch_size=2, gradient_accumulation_steps=2, num_generations=4).num_generations == 4


def test_other_bad_combinations():
    with pytest.raises(ValidationError, match="every weight is 0"):
        GRPOSettings(rewards=RewardWeights(**{name: 0.0 for name in RewardWeights.model_fields}))
    with pytest.raises(ValidationError, match="teacher_judge needs the teacher gateway"):
        TrainingConfig(runner="pipes_subprocess", grpo=GRPOSettings(rewards=RewardWeights(teacher_judge=1.0)))
    with pytest.raises(ValidationError, match="extra"):
        TrainingConfig(lora_rank=8)
    with pytest.raises(ValidationError, match="padding_free without packing"):
        SFTSettings(packing=False)
    assert SFTSettings(packing=False, padding_free=False).packing is False
    with pytest.raises(ValidationError, match="must not embed credentials"):
        MlflowSettings(tracking_uri="https://alice:s3cret@mlflow.example.com")


def test_profiles_load_and_the_gpu_profile_is_4bit_qlora_on_one_gpu():
    demo = load_config("demo").training
    assert demo.device == "cpu" and demo.quantization == "none" and demo.runner == "in_process"
    assert demo.system_prompt == "Respond as a concise, compassionate medical assistant."
    big = load_config("medgemma-27b").training
    assert big.base_model == "google/medgemma-27b-text-it"
    assert (big.quantization, big.device, big.k8s.gpus) == ("4bit", "cuda", 1)
    effective = big.grpo.per_device_train_batch_size * big.grpo.gradient_accumulation_steps
    assert effective % big.grpo.num_generations == 0


def test_recipe_hash_ignores_tracking_and_runner_but_not_hyperparameters():
    base = TrainingConfig(device="cpu")
    assert recipe_hash(base, "sft") == recipe_hash(base.model_copy(update={"runner": "pipes_subprocess"}), "sft")
    assert recipe_hash(base, "sft") != recipe_hash(TrainingConfig(device="cpu", lora={"r": 4}), "sft")
    # GRPO settings do not shape the SFT adapter.
    assert recipe_hash(base, "sft") == recipe_hash(TrainingConfig(device="cpu", grpo={"max_steps": 7}), "sft")
    assert recipe_hash(base, "grpo") != recipe_hash(TrainingConfig(device="cpu", grpo={"max_steps": 7}), "grpo")


def test_check_recipe_against_the_demo_tokenizer(demo_model_dir):
    tokenizer = load_tokenizer(str(demo_model_dir))
    # SmolLM2's template has no {% generation %} markers and TRL has no patch for it: answer-only
    # loss is done as completion-only loss on the same conversation.
    assert check_recipe(TrainingConfig(device="cpu"), tokenizer).loss_mode == "completion_only"
    assert check_recipe(TrainingConfig(device="cpu", sft={"loss_on": "full"}), tokenizer).loss_mode == "full"


def test_check_recipe_rejects_a_tokenizer_without_chat_template(demo_model_dir):
    tokenizer = load_tokenizer(str(demo_model_dir))
    tokenizer.chat_template = None
    with pytest.raises(RecipeError, match="has no chat template; use an instruction-tuned"):
        check_recipe(TrainingConfig(device="cpu"), tokenizer)


def test_check_recipe_rejects_a_template_that_refuses_system_prompts(demo_model_dir):
    tokenizer = load_tokenizer(str(demo_model_dir))
    tokenizer.chat_template = (
        "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
        "{% endif %}{{ m['role'] + ': ' + m['content'] + '\n' }}{% endfor %}"
    )
    with pytest.raises(RecipeError, match="system_prompt: ''"):
        check_recipe(TrainingConfig(device="cpu"), tokenizer)
    assert check_recipe(TrainingConfig(device="cpu", system_prompt=""), tokenizer).loss_mode == "completion_only"


def test_k8s_run_kwargs_mount_storage_and_request_the_gpu():
    settings = load_config("medgemma-27b").training.k8s
    kwargs = k8s_run_kwargs(settings, "medchat_pipeline.training.sft", "/medchat-storage/adapters/sft/x/job.json")
    assert kwargs["command"] == ["python", "-m", "medchat_pipeline.training.sft", "--config", "/medchat-storage/adapters/sft/x/job.json"]
    container = kwargs["base_pod_spec"]["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert container["volume_mounts"][0]["mount_path"] == "/medchat-storage"
    assert kwargs["base_pod_spec"]["volumes"][0]["persistent_volume_claim"]["claim_name"] == "medchat-storage"
