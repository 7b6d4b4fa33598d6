"""What augmentation and distillation share: the generated-row schema, the teacher callable,
stable row selection for teacher work, and request parameters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from medchat_pipeline.core.data.schema import (
    OPTIONAL_COLUMNS,
    QAC_SCHEMA,
)
from medchat_pipeline.teachers.types import TeacherRequest, TeacherResult

RunTeachers = Callable[[list[TeacherRequest]], list[TeacherResult]]
Similarity = Callable[[list[str], list[str]], Sequence[float]]

AUGMENTED_SCHEMA = {**QAC_SCHEMA, **OPTIONAL_COLUMNS}
SPLITTABLE_KINDS = ("qa", "dialogue_turn")
TRAINABLE_SPLITS = ("train", "val")


@dataclass
class GenerationResult:
    """What one generation step made: kept rows, rejected candidates (with reasons) and counts."""

    kept: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict

    @property
    def produced(self) -> int:
        return self.kept.height + self.rejects.height


def select_for_teacher(rows: pl.DataFrame, limit: int | None, priority_ids: Sequence[str] = ()) -> pl.DataFrame:
    """A stable choice of rows for teacher work: priority ids first, then by content id, so reruns ask
    for the same questions (and hit the gateway cache) and only new or changed questions cost calls."""
    ordered = rows.with_columns(pl.col("id").is_in(list(priority_ids)).alias("_priority")).sort(
        ["_priority", "id"], descending=[True, False]
    )
    return (ordered if limit is None else ordered.head(limit)).drop("_priority")


def generation_params(temperature: float, max_tokens: int) -> dict:
    # Both length names: API providers read max_tokens, the local model max_new_tokens, and a
    # teacher's configured default for either would otherwise override this request's budget.
    return {"temperature": temperature, "max_tokens": max_tokens, "max_new_tokens": max_tokens}


def teacher_label(result: TeacherResult, requested: str | None) -> str:
    if result.provider and result.model:
        return f"{result.provider}/{result.model}"
    return requested or "default"

