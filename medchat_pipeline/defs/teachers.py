"""Dagster wiring for the teacher gateway: the "teachers" resource.

Assets that call teachers take `teachers: TeachersResource`, declare `pool="teacher_api"`, and do
`results = teachers.pool().run(requests)`; `summarize(results)` gives their cost/usage metadata.
"""

from __future__ import annotations

from functools import cached_property

import dagster as dg

from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.teachers import TeacherPool


class TeachersResource(dg.ConfigurableResource):
    """The teacher gateway built from the profile's `teachers:` section (keys from the environment)."""

    medchat: MedchatConfig

    @cached_property
    def _pool(self) -> TeacherPool:
        return TeacherPool.from_config(self.medchat.cfg)

    def pool(self) -> TeacherPool:
        return self._pool


defs = dg.Definitions(resources={"teachers": TeachersResource(medchat=MedchatConfig())})
