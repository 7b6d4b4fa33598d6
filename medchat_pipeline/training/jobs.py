"""A training job: everything one SFT or GRPO run needs, in one file the entry points read.

The Dagster assets write `<output_dir>/job.json` and either call the trainer in process or launch
`python -m medchat_pipeline.training.<stage> --config <output_dir>/job.json` (Pipes subprocess or pod).
A job file can also be written by hand (YAML or JSON) to train outside Dagster.

Layout of output_dir (stable for the same recipe and inputs, so a retry finds its checkpoints):
    job.json            this job
    checkpoints/        Trainer checkpoints (checkpoint-<step>/); a rerun resumes from the last one
    mlflow_run_id       the MLflow run a retry continues
    adapter/            the final LoRA adapter, tokenizer files and manifest.json
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from medchat_pipeline.config.training import TrainingConfig


class TrainingJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Literal["sft", "dpo", "grpo"]
    training: TrainingConfig
    base_model_path: str = Field(description="Local model directory (or hub id) the adapter is trained on")
    train_data: str = Field(description="Parquet file of the training mix (QAC columns + split)")
    output_dir: str
    storage_dir: str = Field(description="Storage root; the default MLflow store lives under it")
    seed: int = 13
    parent_adapter_dir: str | None = Field(default=None, description="DPO / GRPO: the adapter it continues")
    upstream: list[dict] = Field(default_factory=list, description="Upstream asset events, copied into the manifest")
    dagster: dict | None = Field(default=None, description="{'run_id', 'asset_key'} when launched by Dagster")

    @model_validator(mode="after")
    def _grpo_has_parent(self):
        if self.stage in ("dpo", "grpo") and not self.parent_adapter_dir:
            raise ValueError(f"a {self.stage} job needs parent_adapter_dir: the adapter directory it starts from")
        return self

    @property
    def adapter_dir(self) -> Path:
        return Path(self.output_dir) / "adapter"

    @property
    def checkpoints_dir(self) -> Path:
        return Path(self.output_dir) / "checkpoints"

    @property
    def mlflow_run_id_file(self) -> Path:
        return Path(self.output_dir) / "mlflow_run_id"

    def save(self) -> Path:
        path = Path(self.output_dir) / "job.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=2))
        return path

    @classmethod
    def load(cls, path: str | Path) -> TrainingJob:
        text = Path(path).read_text()
        raw = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        return cls.model_validate(raw)


def output_dir_for(root: Path, stage: str, recipe_hash: str, input_versions: list[str | None]) -> Path:
    """Same recipe + same inputs → same directory, so a retried run finds (and resumes) its checkpoints."""
    digest = hashlib.sha256(json.dumps([recipe_hash, *input_versions]).encode()).hexdigest()[:12]
    return root / stage / digest


def last_checkpoint(checkpoints_dir: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(checkpoints_dir)) if checkpoints_dir.is_dir() else None
