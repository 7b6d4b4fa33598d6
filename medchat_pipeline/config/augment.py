"""`augment:`, `distill:`, `mix:` and `review:` sections.

Demo defaults are deliberately small (a handful of questions per source per partition reach the
teacher) so the local CPU teacher finishes the demo graph in about a minute; a GPU / API profile
raises `max_questions_per_partition` or sets it to null (every question).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AUGMENTATIONS = ("paraphrase", "split", "perturb", "synonym", "synth")
DISTILL_MODES = ("response", "cot", "label")
KINDS_WITH_GOLD = ("mcq", "yes_no_maybe")


class SimilarityBounds(BaseModel):
    """MiniLM cosine between parent and variant must lie in [min, max]: below min the meaning
    drifted, above max the variant is a near-copy that adds nothing."""

    model_config = ConfigDict(extra="forbid")

    min: float = Field(ge=-1.0, le=1.0)
    max: float = Field(default=0.999, ge=-1.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> SimilarityBounds:
        if self.min >= self.max:
            raise ValueError(f"similarity bounds need min < max, got min={self.min} max={self.max}")
        return self


def _default_bounds() -> dict[str, SimilarityBounds]:
    return {
        "paraphrase": SimilarityBounds(min=0.75, max=0.995),
        # A sub-question covers part of its parent, so it sits further away by construction.
        "split": SimilarityBounds(min=0.45, max=0.995),
        "perturb": SimilarityBounds(min=0.85, max=0.9999),
        "synonym": SimilarityBounds(min=0.85, max=0.9999),
    }


class DriftConfig(BaseModel):
    """The semantic-drift gate every variant passes before it is kept."""

    model_config = ConfigDict(extra="forbid")

    bounds: dict[str, SimilarityBounds] = Field(default_factory=_default_bounds)
    check_numbers: bool = True
    check_drugs: bool = True
    check_negations: bool = True

    @field_validator("bounds")
    @classmethod
    def _known_augmentations(cls, value: dict[str, SimilarityBounds]) -> dict[str, SimilarityBounds]:
        gated = set(AUGMENTATIONS) - {"synth"}
        unknown = set(value) - gated
        if unknown:
            raise ValueError(f"drift bounds for unknown augmentation(s) {sorted(unknown)}; use {sorted(gated)}")
        missing = gated - set(value)
        if missing:
            raise ValueError(f"drift bounds missing for {sorted(missing)}: every gated augmentation needs bounds")
        return value


class PerturbConfig(BaseModel):
    """Context perturbation: only age (within its band), sex (when the condition allows) and names."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str] = Field(
        default_factory=lambda: ["dialogue_turn", "qa"],
        description="Row kinds to perturb. Exam vignettes (mcq) are excluded by default: their age and "
        "sex are often the very clue the gold answer depends on.",
    )
    age_jitter_years: int = Field(default=5, ge=1, le=20)
    age_bands: list[int] = Field(
        default_factory=lambda: [0, 2, 12, 18, 40, 65, 80, 130],
        description="Band edges; a perturbed age stays inside its band (paediatric stays paediatric, "
        "geriatric stays geriatric).",
    )
    swap_sex: bool = True
    replace_names: bool = True

    @field_validator("age_bands")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        if len(value) < 2 or any(b <= a for a, b in zip(value, value[1:])):
            raise ValueError(f"age_bands must be at least two strictly increasing edges, got {value}")
        return value


class SynthConfig(BaseModel):
    """Synthesis of new patient-doctor Q&A for under-represented subjects/topics."""

    model_config = ConfigDict(extra="forbid")

    max_count: int = Field(
        default=3, ge=1, description="A subject/topic with at most this many rows counts as under-represented."
    )
    max_topics_per_partition: int = Field(default=1, ge=0)
    pairs_per_topic: int = Field(default=2, ge=1, le=10)


class AugmentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    methods: list[Literal["paraphrase", "split", "perturb", "synonym", "synth"]] = Field(
        default_factory=lambda: list(AUGMENTATIONS)
    )
    teacher: str | None = Field(default=None, description="Teacher name from `teachers:`; null = the default.")
    max_questions_per_partition: int | None = Field(
        default=6, ge=1, description="Questions per source sent to the teacher per run; null = all."
    )
    max_rule_rows_per_partition: int | None = Field(
        default=None,
        ge=1,
        description="Rows per source given the rule-based methods (split rules, perturb, synonym); null = all. "
        "They cost no API calls, only drift-gate embeddings, so the demo caps them for CPU time alone.",
    )
    paraphrases_per_question: int = Field(default=2, ge=1, le=5)
    max_tokens: int = Field(default=160, ge=16)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    split_with_teacher: bool = Field(
        default=True, description="Ask the teacher to split multi-part questions; the conjunction rules run either way."
    )
    synonyms_path: str = Field(
        default="configs/synonyms.yaml", description="Curated lexicon; relative paths resolve against the project root."
    )
    synonym_max_swaps: int = Field(default=2, ge=1)
    perturb: PerturbConfig = Field(default_factory=PerturbConfig)
    synth: SynthConfig = Field(default_factory=SynthConfig)
    drift: DriftConfig = Field(default_factory=DriftConfig)
    template_version: str = "augment-v1"

    @field_validator("methods")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError(f"augment.methods lists a method twice: {value}")
        return value


class QualityFilterConfig(BaseModel):
    """Filters on teacher answers; each failure is a reject with its reason."""

    model_config = ConfigDict(extra="forbid")

    min_chars: int = Field(default=2, ge=0)
    max_chars: int = Field(default=6000, ge=1)
    min_english_share: float = Field(
        default=0.6, ge=0.0, le=1.0, description="Share of letters that are ASCII; below it the answer is not English."
    )
    hedging_phrases: list[str] = Field(
        default_factory=lambda: [
            "i'm not sure",
            "i am not sure",
            "i'm not certain",
            "i am not certain",
            "i don't know",
            "i do not know",
            "hard to say",
            "i cannot be certain",
            "i can't be certain",
            "i might be wrong",
            "not entirely sure",
        ]
    )
    refusal_phrases: list[str] = Field(
        default_factory=lambda: [
            "as an ai language model",
            "as an ai model",
            "i cannot provide medical advice",
            "i can't provide medical advice",
            "i'm unable to provide",
            "i am unable to provide",
            "i cannot help with",
            "i can't help with",
            "i'm sorry, but i can't",
            "i'm sorry, but i cannot",
            "i am not able to answer",
        ]
    )

    @model_validator(mode="after")
    def _ordered(self) -> QualityFilterConfig:
        if self.min_chars >= self.max_chars:
            raise ValueError(f"min_chars ({self.min_chars}) must be below max_chars ({self.max_chars})")
        return self


class DistillRoutingConfig(BaseModel):
    """Route each question to one teacher with the serving Router (serving.router settings) instead of
    asking every teacher: simple questions to the cheaper one, complex (and emergency) ones to the stronger."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    simple_teacher: str = Field(default="nvidia", description="Teacher for questions the Router sends to the small model")
    complex_teacher: str = Field(default="gemini", description="Teacher for questions the Router sends to the large model")


class DistillConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    teachers: list[str | None] = Field(
        default_factory=lambda: [None],
        description="Teacher names from `teachers:` (null = the default teacher); each row records its teacher.",
    )
    modes: list[Literal["response", "cot", "label"]] = Field(default_factory=lambda: list(DISTILL_MODES))
    max_questions_per_partition: int | None = Field(default=6, ge=1, description="null = every question.")
    label_sources: list[str] = Field(
        default_factory=lambda: ["pubmedqa"],
        description="Sources whose free-text rows without an answer_key are yes/no questions to label "
        "(PubMedQA's unlabeled set arrives as kind qa).",
    )
    max_tokens: int = Field(default=192, ge=16)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    gold_filter: bool = Field(default=True, description="Keep MCQ / yes-no outputs only when they match the gold key.")
    quality: QualityFilterConfig = Field(default_factory=QualityFilterConfig)
    judge_teacher: str | None = Field(default=None, description="Teacher that ranks answers for preference pairs.")
    preference_max_questions: int | None = Field(default=8, ge=1)
    weak_areas_path: str | None = Field(
        default=None,
        description="CSV of weak areas (source, subject, topic, metric, value, n, threshold); "
        "null = <storage>/reports/weak_areas.csv written by benchmark_report.",
    )
    weak_area_extra_questions: int = Field(
        default=4, ge=0, description="Extra questions per partition drawn from weak subjects/topics on each run."
    )
    schedule_cron: str = Field(default="0 3 * * 1", description="Re-distillation schedule (weekly, Monday 03:00).")
    schedule_timezone: str = "UTC"
    schedule_running: bool = Field(
        default=True,
        description="Start redistill_schedule switched on; the gateway cache keeps its cost to new work.",
    )
    template_version: str = "distill-v1"
    routing: DistillRoutingConfig = Field(default_factory=DistillRoutingConfig)
    samples_per_question: int = Field(
        default=1, ge=1, le=16,
        description="Ensemble: completions per question and teacher (the gateway's n; needs temperature > 0 "
        "to differ). Their agreement on the final answer is recorded and can filter (min_agreement)",
    )
    min_agreement: float | None = Field(
        default=None, gt=0.0, le=1.0,
        description="Drop a question's outputs when fewer than this share of its samples and teachers agree "
        "with the majority answer (questions with one labelled output are kept); null = no filter",
    )

    @field_validator("schedule_cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != 5 or not all(re.fullmatch(r"[0-9A-Za-z*/,\-]+", f) for f in fields):
            raise ValueError(f"schedule_cron {value!r} is not a valid cron string (e.g. '0 3 * * 1' = weekly)")
        return value

    @model_validator(mode="after")
    def _ensembles_can_differ(self) -> DistillConfig:
        if self.samples_per_question > 1 and self.temperature == 0.0:
            raise ValueError(
                f"samples_per_question: {self.samples_per_question} with temperature 0 draws the same answer "
                "every time; set temperature > 0 (e.g. 0.7) or samples_per_question: 1"
            )
        return self

    @field_validator("teachers")
    @classmethod
    def _some_teacher(cls, value: list[str | None]) -> list[str | None]:
        if not value:
            raise ValueError("distill.teachers needs at least one teacher (null = the default teacher)")
        if len(set(value)) != len(value):
            raise ValueError(f"distill.teachers lists a teacher twice: {value}")
        return value


class MixConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    distilled_share: float = Field(
        default=0.7,
        gt=0.0,
        lt=1.0,
        description="Share of distilled rows among distilled + original (seed 0.7 = 70/30; 0.5 = 50/50). "
        "The over-represented side is down-sampled, per split; nothing is up-sampled.",
    )
    include_augmented: bool = True
    include_synthetic: bool = True
    drop_reviewer_rejected: bool = True
    original_selection: Literal["merit", "random"] = Field(
        default="merit",
        description="When originals are over-represented, which to keep: merit = concise and clean ones first "
        "(passing the teacher-answer quality filters, within original_max_words), random = a seeded sample",
    )
    original_max_words: int = Field(default=200, ge=1, description="Longer original answers are not 'concise'")


class ReviewConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fraction: float = Field(default=0.05, gt=0.0, le=1.0, description="Share of each stratum sent to clinicians.")
    min_per_stratum: int = Field(default=1, ge=0)
    strata: list[str] = Field(default_factory=lambda: ["source", "origin"])
    dosage_weight: float = Field(
        default=4.0, ge=1.0, description="Sampling weight of rows that mention a drug dose (others weigh 1)."
    )
    origins: list[str] = Field(
        default_factory=lambda: ["distilled", "augmented", "synthetic"],
        description="Which training_mix origins are reviewed (original rows come from the publishers).",
    )
    verdicts_path: str | None = Field(
        default=None, description="Reviewer verdicts CSV (id, verdict, note); null = <storage>/review/verdicts.csv."
    )
