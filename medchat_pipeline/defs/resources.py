"""The configuration resource every asset reads its section from."""

from __future__ import annotations

from functools import cached_property

import dagster as dg

from medchat_pipeline.config import PipelineConfig, load_config


class MedchatConfig(dg.ConfigurableResource):
    """Which profile (configs/<profile>.yaml or a YAML path) this run uses. Default: $MEDCHAT_PROFILE or demo."""

    profile: str | None = None

    @cached_property
    def cfg(self) -> PipelineConfig:
        return load_config(self.profile)
