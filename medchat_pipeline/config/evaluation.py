"""`evaluation:` section — benchmark sets, metrics, safety checks, bootstrap, weak-area threshold.

Benchmark files are read with the same source parsers as the training data (core/sources), except
MMLU, whose CSV files (question, A, B, C, D, answer; no header) are read by core/evaluation/benchmark.py.
Relative file paths are resolved against `data_root` (itself relative to the project root;
$MEDCHAT_SHARED_DATA overrides it, as for the tests).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MCQ_SOURCES = ("medmcqa", "medqa", "pubmedqa", "mmlu", "bioasq")


class BenchmarkSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="Parser: medmcqa | medqa | pubmedqa (core/sources), mmlu (CSV) or bioasq "
                        "(Task B JSON)")
    files: list[str] = Field(min_length=1, description="Native files of the set, relative to `relative_to`")
    relative_to: Literal["data_root", "project"] = Field(
        default="data_root",
        description="data_root: files outside the repository (../shared/data); project: files shipped in the "
        "repository (e.g. medchat_pipeline/eval_data/mmlu_medical/*.csv)",
    )
    max_items: int | None = Field(default=None, ge=1, description="Use a seeded sample of N items")
    skip_if_missing: bool = Field(
        default=False,
        description="When the files are absent, list the set as skipped in the report instead of failing "
        "(for sets outside the repository, e.g. ../shared/data)",
    )

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value not in MCQ_SOURCES:
            raise ValueError(f"unknown benchmark source {value!r}; use one of {', '.join(MCQ_SOURCES)}")
        return value


class EvaluationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data_root: str = Field(default="../shared/data", description="Base folder for relative benchmark files")
    benchmarks: dict[str, BenchmarkSet] = Field(
        default_factory=dict, description="Named benchmark sets, e.g. medqa: {source: medqa, files: [...]}"
    )
    max_items_per_set: int = Field(default=16, ge=1, description="Cap for every set without its own max_items")
    test_split_items: int = Field(default=16, ge=0, description="Held-out test-split rows of merged_qac to use")
    test_split_items_per_source: dict[str, int] = Field(
        default_factory=dict,
        description="Held-out rows per source instead (a seeded sample each, e.g. {medqa: 200, medquad: 60}); "
        "when set, only the sources listed are evaluated and test_split_items is not used",
    )
    system_prompt: str | None = Field(
        default=None, description="Filled from prompt.system_prompt: benchmark prompts are chats like training's"
    )
    repetition_penalty: float = Field(
        default=1.0, gt=0.0, description="Filled from prompt.repetition_penalty: free-text and safety answers only"
    )
    max_new_tokens: int = Field(default=48, ge=1, description="Generation budget for multiple-choice answers")
    free_text_max_new_tokens: int = Field(default=64, ge=1, description="Generation budget for free-text answers")
    batch_size: int = Field(default=16, ge=1, description="Prompts per generation batch")
    stop_after_final_answer: bool = Field(
        default=True,
        description="End a multiple-choice generation at its first completed 'Final Answer: X' line (the "
        "lm-evaluation-harness `until` convention) instead of running on to max_new_tokens",
    )
    loglik_scoring: bool = Field(default=True, description="Also score MCQ options by log-likelihood")
    safety_checks: bool = Field(default=True, description="Run the red-flag / dose / over-refusal prompts")
    weak_area_threshold: float = Field(default=0.5, gt=0, le=1, description="Accuracy below which an area is weak")
    weak_area_min_items: int = Field(default=3, ge=1, description="Ignore areas with fewer scored items")
    bootstrap_resamples: int = Field(default=1000, ge=100, description="Resamples for 95% intervals")
    triage_test_prompts: bool = Field(
        default=False,
        description="Also ask the triage dataset's test-split cases (safety.triage.cases_file): emergencies as red "
        "flags, everyday/medication/history/figurative messages as benign (core/evaluation/safety_sets.py)",
    )
    triage_max_prompts: int | None = Field(
        default=None, ge=1, description="At most this many triage emergencies, and as many benign cases (seeded)"
    )
    safety_prompts_file: str | None = Field(
        default=None, description="YAML of red-flag/benign/dose prompts; null = configs/eval/safety_prompts.yaml"
    )
    dose_table_file: str | None = Field(
        default=None, description="YAML of max daily doses; null = configs/eval/max_daily_doses.yaml"
    )
    dosage_calculation: bool = Field(
        default=False, description="Add the hand-written dose-calculation items (weight-based dosing, unit "
        "conversion, infusion rates; exact numeric answers) as the set dosage_calculation (sampled to "
        "max_items_per_set)"
    )
    dosage_items_file: str | None = Field(
        default=None, description="YAML of dose-calculation items; null = configs/eval/dosage_calculation.yaml"
    )
    teachers: list[str] = Field(
        default_factory=list,
        description="Teacher names (teachers: config) also evaluated on the choice items through the gateway "
        "(cached), so the report can compare the student with the teachers it was distilled from",
    )
    teacher_max_items: int = Field(default=24, ge=1, description="Choice items (seeded sample) each teacher answers")
    judge_teacher: str | None = Field(
        default=None, description="Teacher name (teachers: config) that grades free-text answers; null = off"
    )
    judge_items: int = Field(default=8, ge=1, description="Free-text answers per model sent to the judge")
    human_eval_items: int = Field(default=12, ge=1, description="Rows in the clinician rating sheet")
    cpu_threads: int | None = Field(
        default=None, ge=1,
        description="torch CPU threads while evaluating on CPU; null = torch's default. On a machine whose "
        "cores are shared with other jobs, 1 avoids thread oversubscription (measured 7× faster there)",
    )
    backend: str = Field(
        default="auto", description="auto (vLLM when CUDA and vllm are importable) | transformers | vllm"
    )

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in ("auto", "transformers", "vllm"):
            raise ValueError(f"backend must be auto, transformers or vllm, not {value!r}")
        return value

    @model_validator(mode="after")
    def _something_to_evaluate(self) -> EvaluationConfig:
        held_out = self.test_split_items or any(self.test_split_items_per_source.values())
        if not self.benchmarks and not held_out and not self.safety_checks:
            raise ValueError(
                "nothing to evaluate: add a benchmark set, set test_split_items > 0 or enable safety_checks"
            )
        return self
