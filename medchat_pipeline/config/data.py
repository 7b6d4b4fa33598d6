"""`data:` section — sources, cleaning, dedup, decontamination, mix weights and split."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from medchat_pipeline.config.sources import SourcesConfig

PiiKind = Literal["email", "phone", "url", "name"]
TextColumn = Literal["context", "question", "answer", "rationale"]


class CleaningConfig(BaseModel):
    """Text normalization, length bounds and PII scrubbing applied to every parsed QAC row."""

    model_config = ConfigDict(extra="forbid")

    min_question_chars: int = Field(default=5, ge=1, description="Shorter questions are rejected (too_short_question)")
    max_question_chars: int = Field(default=8000, ge=1)
    min_answer_chars: int = Field(
        default=1, ge=1, description="1 keeps short MCQ option answers such as '4' or 'B12'"
    )
    max_answer_chars: int = Field(default=12000, ge=1)
    max_context_chars: int = Field(default=20000, ge=0)
    strip_html: bool = Field(default=True, description="Remove HTML tags and unescape entities (&amp; &#39; …)")
    pii_kinds: list[PiiKind] = Field(
        default_factory=lambda: ["email", "phone", "url", "name"],
        description="Which kinds of personal data are replaced by [EMAIL] [PHONE] [URL] [NAME]",
    )
    pii_row_kinds: list[str] = Field(
        default_factory=lambda: ["dialogue_turn"],
        description="Row kinds whose text is written by patients and therefore scrubbed",
    )
    pii_columns: list[TextColumn] = Field(
        default_factory=lambda: ["question", "context"],
        description="Columns scrubbed in those rows (the patient's side of a dialogue)",
    )

    @model_validator(mode="after")
    def _bounds_are_ordered(self) -> CleaningConfig:
        for field in ("question", "answer"):
            low, high = getattr(self, f"min_{field}_chars"), getattr(self, f"max_{field}_chars")
            if low > high:
                raise ValueError(f"min_{field}_chars ({low}) is larger than max_{field}_chars ({high})")
        return self


class DedupConfig(BaseModel):
    """Exact and near-duplicate removal over all sources together (MinHash + LSH on word shingles)."""

    model_config = ConfigDict(extra="forbid")

    exact: bool = Field(default=True, description="Drop rows whose normalized context+question+answer repeat")
    near: bool = Field(default=True, description="Drop rows whose question+answer is nearly the same as another's")
    near_threshold: float = Field(
        default=0.85, gt=0, le=1, description="Estimated Jaccard similarity of word shingles at or above which rows are near-duplicates"
    )
    shingle_words: int = Field(default=3, ge=1, le=8)
    max_words: int = Field(default=256, ge=8, description="Words of question+answer that enter the signature")
    num_perm: int = Field(default=32, ge=4, le=256, description="MinHash permutations")
    bands: int = Field(default=8, ge=1, description="LSH bands; num_perm must be a multiple of bands")
    prefer_sources: list[str] = Field(
        default_factory=list,
        description="Which copy survives: rows of sources listed earlier win; then the smaller id",
    )

    @model_validator(mode="after")
    def _bands_divide_permutations(self) -> DedupConfig:
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")
        return self


class SplitConfig(BaseModel):
    """Grouped train/val/test fractions. A group (dialogue, PMID, document, MCQ) lands in one split,
    chosen from a seeded hash of its group_id, so adding rows never moves an existing group."""

    model_config = ConfigDict(extra="forbid")

    train: float = Field(default=0.8, gt=0, le=1)
    val: float = Field(default=0.1, ge=0, le=1)
    test: float = Field(default=0.1, ge=0, le=1)

    @model_validator(mode="after")
    def _fractions_sum_to_one(self) -> SplitConfig:
        total = self.train + self.val + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"train + val + test must be 1, got {self.train} + {self.val} + {self.test} = {total:g}"
            )
        return self


class BenchmarkFiles(BaseModel):
    """Evaluation files in a source's native format, parsed with that source's parser."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="Which parser reads them, e.g. medqa, medmcqa, pubmedqa")
    paths: list[str] = Field(min_length=1, description="Globs relative to the project root unless absolute")

    @field_validator("source")
    @classmethod
    def _known_source(cls, source: str) -> str:
        return _known_source_name(source)


class DecontaminationConfig(BaseModel):
    """Drop training rows that contain too much of an evaluation item (held-out test rows and
    benchmark files): containment = shared word n-grams / the item's n-grams."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    ngram: int = Field(default=8, ge=2, le=32, description="Words per n-gram")
    threshold: float = Field(
        default=0.5, gt=0, le=1, description="Containment at or above which a training row is contaminated"
    )
    against_test_split: bool = Field(default=True, description="Treat the held-out test split as evaluation material")
    against_evaluation_benchmarks: bool = Field(
        default=True,
        description="Treat every evaluation.benchmarks set (all its rows) as evaluation material, so no item "
        "the benchmark asks can be trained on",
    )
    benchmarks: list[BenchmarkFiles] = Field(
        default_factory=list, description="Further benchmark files, beyond evaluation.benchmarks, to keep out of training"
    )
    max_items_per_ngram: int = Field(
        default=50,
        ge=1,
        description="An n-gram shared by more evaluation items than this is boilerplate "
        "('which of the following is the most likely') and is not evidence of contamination",
    )


class WeightBucket(BaseModel):
    model_config = ConfigDict(extra="forbid")

    share: float = Field(gt=0, le=1, description="Target share of the train split")
    sources: list[str] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, sources: list[str]) -> list[str]:
        return [_known_source_name(s) for s in sources]


class WeightsConfig(BaseModel):
    """Target shares of the TRAIN split per bucket of sources, reached by downsampling the
    over-represented buckets (never by duplicating rows). Sources in no bucket pass unchanged;
    val and test are never resampled."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    buckets: dict[str, WeightBucket] = Field(
        default_factory=lambda: {
            "reasoning": WeightBucket(share=0.75, sources=["medmcqa", "pubmedqa"]),
            "conversational": WeightBucket(share=0.25, sources=["meddialog_en", "healthcaremagic", "icliniq"]),
        }
    )

    @model_validator(mode="after")
    def _buckets_are_consistent(self) -> WeightsConfig:
        seen: dict[str, str] = {}
        for bucket, spec in self.buckets.items():
            for source in spec.sources:
                if source in seen:
                    raise ValueError(f"source {source!r} is in both buckets {seen[source]!r} and {bucket!r}")
                seen[source] = bucket
        total = sum(spec.share for spec in self.buckets.values())
        if self.buckets and abs(total - 1.0) > 1e-6:
            shares = ", ".join(f"{name}={spec.share}" for name, spec in self.buckets.items())
            raise ValueError(f"bucket shares must sum to 1, got {shares} (sum {total:g})")
        return self


class ExportConfig(BaseModel):
    """JSONL SFT views written per split under <storage>/exports."""

    model_config = ConfigDict(extra="forbid")

    templates: list[Literal["instruction", "role", "messages"]] = Field(
        default_factory=lambda: ["instruction", "role", "messages"],
        description="instruction = seed template A (Question/Context/Answer); role = template B "
        "(<|user|> Patient: … <|assistant|> Doctor: …); messages = chat messages for the base model's template",
    )
    system_prompt: str | None = Field(
        default="You are a careful, compassionate medical assistant.",
        description="Filled from prompt.system_prompt (the system message of the chat view)",
    )


class DataConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    cleaning: CleaningConfig = Field(default_factory=CleaningConfig)
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    split: SplitConfig = Field(default_factory=SplitConfig)
    decontamination: DecontaminationConfig = Field(default_factory=DecontaminationConfig)
    weights: WeightsConfig = Field(default_factory=WeightsConfig)
    export: ExportConfig = Field(default_factory=ExportConfig)


def _known_source_name(source: str) -> str:
    known = list(SourcesConfig.model_fields)
    if source not in known:
        raise ValueError(f"unknown source {source!r}; known sources: {', '.join(known)}")
    return source
