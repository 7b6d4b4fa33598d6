"""`teachers:` section — providers, key pools, limits, cache and prices for the teacher gateway."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class TeachersConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
