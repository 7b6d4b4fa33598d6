"""`data:` section — sources, cleaning, dedup, decontamination, mix weights and split."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DataConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
