"""`data:` section — sources, cleaning, dedup, decontamination, mix weights and split."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


class DataConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    cleaning: CleaningConfig = Field(default_factory=CleaningConfig)
    dedup: DedupConfig = Field(default_factory=DedupConfig)
