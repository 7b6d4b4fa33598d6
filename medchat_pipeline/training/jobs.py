"""A training job: everything one SFT or GRPO run needs, in one file the entry points read.

The Dagster assets write `<output_dir>/job.json` and either call the trainer in process or launch
`python -m medchat_pipeline.training.<stage> --config <output_dir>/job.json` (Pipes subprocess or pod).
A job file can also be written by hand (YAML or JSON) to train outside Dagster.

Layout of output_dir, content-addressed (`output_dir_for`: the recipe hash and the data versions of the
inputs), so equal inputs find the same folder and changed ones a new folder:
    job.json            this job
    .lock               held (flock) by the process training into this folder
    checkpoints/        Trainer checkpoints (checkpoint-<step>/), each written under a temporary name and
                        renamed when complete; a rerun resumes from the last complete one, and moves an
                        incomplete one (a crash from before this was so, a hand copy) to quarantine/
    mlflow_run_id       the MLflow run a retry continues
    adapter/            the finished LoRA adapter, tokenizer files and manifest.json, renamed into place
                        complete; once there it is never changed: a rerun with the same inputs reuses it
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from medchat_pipeline.config.training import TrainingConfig
from medchat_pipeline.core.atomic import atomic_write, sweep_stale_temporaries
from medchat_pipeline.training.manifest import MANIFEST_NAME


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

    @property
    def adapter_committed(self) -> bool:
        """Whether this folder's adapter is finished (its manifest is written last, inside the renamed folder)."""
        return (self.adapter_dir / MANIFEST_NAME).is_file()

    def save(self) -> Path:
        return atomic_write(Path(self.output_dir) / "job.json", self.model_dump_json(indent=2))

    @classmethod
    def load(cls, path: str | Path) -> TrainingJob:
        text = Path(path).read_text()
        raw = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        return cls.model_validate(raw)


class AdapterCommitted(RuntimeError):
    """The job's folder already holds its finished adapter: it is reused, never trained again."""

    def __init__(self, job: TrainingJob) -> None:
        super().__init__(
            f"{job.adapter_dir} is finished (same recipe and inputs) and never changes; read it with "
            "read_manifest(), or change the recipe or the data to train a new folder"
        )
        self.adapter_dir = job.adapter_dir


def output_dir_for(root: Path, stage: str, recipe_hash: str, input_versions: list[str | None]) -> Path:
    """Same recipe + same inputs → same directory, so a retried run finds (and resumes) its checkpoints."""
    digest = hashlib.sha256(json.dumps([recipe_hash, *input_versions]).encode()).hexdigest()[:12]
    return root / stage / digest


CHECKPOINT_MARKER = "medchat_checkpoint.json"  # written last into a checkpoint: its files and their sizes
QUARANTINE = "quarantine"


def checkpoint_problem(checkpoint: Path) -> str | None:
    """Why a checkpoint folder cannot be resumed from, or None when it is complete.

    Ours carry a marker listing every file and its size; one without a marker (older code, another
    tool) must at least hold the Trainer state (written last by the Trainer) and weights."""
    marker = checkpoint / CHECKPOINT_MARKER
    if marker.is_file():
        try:
            files = json.loads(marker.read_text())["files"]
        except (ValueError, KeyError, OSError) as exc:
            return f"unreadable {CHECKPOINT_MARKER}: {exc}"
        for name, size in files.items():
            path = checkpoint / name
            if not path.is_file() or path.stat().st_size != size:
                return f"{name} is missing or cut short"
        return None
    state = checkpoint / "trainer_state.json"
    try:
        json.loads(state.read_text())
    except (OSError, ValueError):
        return "no readable trainer_state.json"
    if not any(checkpoint.glob("*.safetensors")) and not any(checkpoint.glob("*.bin")):
        return "no weights"
    return None


def last_checkpoint(checkpoints_dir: Path, on_quarantine=None) -> str | None:
    """The last complete checkpoint-<step>/ to resume from. Incomplete ones are moved to quarantine/ (kept for
    a look, never resumed from), and temporaries of writers that died are removed."""
    if not checkpoints_dir.is_dir():
        return None
    sweep_stale_temporaries(checkpoints_dir)
    found = []
    for path in checkpoints_dir.iterdir():
        match = re.fullmatch(r"checkpoint-(\d+)", path.name)
        if not match or not path.is_dir():
            continue
        problem = checkpoint_problem(path)
        if problem is None:
            found.append((int(match.group(1)), path))
            continue
        quarantined = checkpoints_dir / QUARANTINE / f"{path.name}-{time.strftime('%Y%m%dT%H%M%S')}"
        quarantined.parent.mkdir(exist_ok=True)
        path.rename(quarantined)
        if on_quarantine is not None:
            on_quarantine(f"{path} is incomplete ({problem}); moved to {quarantined}, resuming from an earlier one")
    return str(max(found)[1]) if found else None
