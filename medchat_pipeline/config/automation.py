"""`automation:`, `runs:` and `promotion:` sections — how often the daemon looks, how a launched run
executes its steps, and when an adapter may serve.

automation: the source observation sensor hashes the source files every `observe_interval_s`; the
automation condition sensor evaluates every asset's condition every `evaluate_interval_s`
(defs/automation.py). runs: the executor of every run Dagster launches (from the UI, a sensor or a
backfill; `medchat run` executes its stages inside its own process). promotion: the gate that makes a
newly benchmarked adapter the serving champion (core/evaluation/promotion.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AutomationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observe_interval_s: int = Field(
        default=60, ge=1, description="Seconds between two hashings of the source files (source_observation_sensor)"
    )
    evaluate_interval_s: int = Field(
        default=30, ge=1, description="Seconds between two evaluations of the automation conditions (rebuild_stale_assets)"
    )


class RunsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    executor: Literal["multiprocess", "in_process"] = Field(
        default="multiprocess",
        description="multiprocess: each step in its own process (a crash or an out-of-memory kill fails that step, "
        "and the run says so); in_process: every step in the run worker",
    )
    start_method: Literal["forkserver", "spawn"] = Field(
        default="forkserver",
        description="multiprocess only. forkserver: each step is forked from a server that imported the code "
        "location once per run (about 0.1 s a step); spawn: each step starts a fresh interpreter and imports the "
        "code location again (Dagster's default, seconds a step)",
    )


class PromotionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metrics: list[str] = Field(
        default=["correct", "rouge_l"],
        min_length=1,
        description="Per-item benchmark score, first one present: 'correct' for multiple choice, then 'rouge_l' "
        "for free text (columns of the report's results.parquet)",
    )
    margin: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Non-inferiority margin: the challenger is promoted when the lower end of the paired-bootstrap "
        "95% interval of (challenger - champion) is above -margin",
    )
    resamples: int = Field(default=2000, ge=100, description="Bootstrap resamples for the paired interval")
    min_items: int = Field(
        default=5, ge=1, description="Fewer items scored by both models than this: no promotion (the interval says nothing)"
    )
    max_new_emergency_misses: int = Field(
        default=0,
        ge=0,
        description="Red-flag prompts the champion escalated and the challenger did not; more than this blocks promotion",
    )
