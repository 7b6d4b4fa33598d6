"""`data:` section — sources, cleaning, dedup, decontamination, mix weights and split."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from medchat_pipeline.config.sources import SourcesConfig


class DataConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: SourcesConfig = Field(default_factory=SourcesConfig)
