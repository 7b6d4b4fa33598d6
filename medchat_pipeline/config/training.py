"""`training:` section — base model, LoRA/QLoRA, SFT and GRPO recipes, MLflow, where training runs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class TrainingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
