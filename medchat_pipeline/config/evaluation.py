"""`evaluation:` section — benchmark sets, metrics, safety checks, bootstrap, weak-area threshold."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class EvaluationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
