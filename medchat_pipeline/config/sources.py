"""`data.sources:` — where each source's native files or hub dataset is, and how to read it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SourcesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
