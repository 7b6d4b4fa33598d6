"""`augment:`, `distill:`, `mix:` and `review:` sections."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AugmentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DistillConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MixConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReviewConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
