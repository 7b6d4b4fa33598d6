"""`data.sources:` — where each source's native files or hub dataset is, and how to read it.

Every source has the same shape:

    medmcqa:
      enabled: true
      mode: local                  # local = native files below; hub = the HuggingFace dataset below
      paths: [medchat_pipeline/demo_data/medmcqa/*.json]   # globs, relative to the project root
      hub: {id: openlifescienceai/medmcqa, splits: [train], revision: null}
      options: {include_explanation: true}                 # source-specific, see each *Options model

The defaults are the demo profile: the small synthetic samples bundled in medchat_pipeline/demo_data.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEMO_DATA = "medchat_pipeline/demo_data"

DialogueMode = Literal["first_pair", "all_pairs", "last_turn"]

_ENV_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


def expand_env(pattern: str) -> str:
    """`${VAR}` and `${VAR:-default}` in a path, shell style, so one profile can read a data folder that
    each machine keeps elsewhere (e.g. `${MEDCHAT_SHARED_DATA:-../shared/data}/medqa/*.jsonl`)."""

    def value(match: re.Match) -> str:
        name, default = match.group("name"), match.group("default")
        found = os.environ.get(name)
        if found:
            return found
        if default is None:
            raise ValueError(f"path {pattern!r} uses ${{{name}}}, which is not set; set it or write ${{{name}:-<default>}}")
        return default

    return _ENV_REFERENCE.sub(value, pattern)


class HubDataset(BaseModel):
    """A dataset on the HuggingFace hub, read with datasets.load_dataset(id, config, split=…, revision=…,
    data_dir=…). `id` may also be a local folder laid out like the hub repository (tests, mirrors)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Hub dataset id, e.g. openlifescienceai/medmcqa")
    config: str | None = Field(default=None, description="Dataset config (subset) name, e.g. pqa_labeled")
    splits: list[str] = Field(default_factory=lambda: ["train"], min_length=1)
    revision: str | None = Field(default=None, description="Commit sha or tag; pin it for reproducible runs")
    data_dir: str | None = Field(
        default=None,
        description="Folder of the repository to read (its split subfolders or split-named files), e.g. "
        "processed.en with revision refs/convert/parquet: the hub's parquet export of a script dataset",
    )


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DialogueOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dialogue_mode: DialogueMode = Field(
        default="first_pair",
        description="first_pair: the first patient→doctor exchange only (one row per dialogue, avoids "
        "overweighting long conversations); all_pairs: every exchange, prior turns as context; "
        "last_turn: the last doctor turn with the full history as context",
    )


class MCQOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include_explanation: bool = Field(
        default=True, description='Append " - Explanation: …" to the answer when the item has one'
    )


MimicTemplate = Literal["dose", "route", "frequency", "strength", "timing"]


class MimicOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    templates: list[MimicTemplate] = Field(
        default_factory=lambda: ["dose", "route", "frequency"],
        min_length=1,
        description="Which templated question to ask about each prescription (one row per template "
        "whose answer field is present)",
    )
    max_diagnoses: int = Field(default=5, ge=0, description="Diagnoses (by seq_num) listed in the context")


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    mode: Literal["local", "hub"] = "local"
    paths: list[str] = Field(
        default_factory=list,
        description="Native files: globs relative to the project root unless absolute; ${VAR} and "
        "${VAR:-default} are read from the environment",
    )
    hub: HubDataset | None = None

    @model_validator(mode="after")
    def _mode_has_its_inputs(self):
        if not self.enabled:
            return self
        if self.mode == "local" and not self.paths:
            raise ValueError(
                "mode is local but paths is empty: list the native files (globs relative to the "
                "project root), or set mode: hub with a hub: {id: …} entry, or enabled: false"
            )
        if self.mode == "hub" and self.hub is None:
            raise ValueError("mode is hub but no hub: {id: …, config: …, splits: […]} is given")
        return self

    def resolve_paths(self, root: Path) -> list[Path]:
        """Expand the globs (sorted, de-duplicated). A glob that matches nothing is an error: a
        typo in a path must not silently shrink the training data."""
        found: list[Path] = []
        for pattern in map(expand_env, self.paths):
            full = pattern if Path(pattern).is_absolute() else str(root / pattern)
            matches = sorted(Path(p) for p in glob.glob(full, recursive=True) if Path(p).is_file())
            if not matches:
                raise FileNotFoundError(f"no file matches {pattern!r} (looked under {root})")
            found.extend(m for m in matches if m not in found)
        return found


class DialogueSourceConfig(SourceConfig):
    options: DialogueOptions = Field(default_factory=DialogueOptions)


class MCQSourceConfig(SourceConfig):
    options: MCQOptions = Field(default_factory=MCQOptions)


class PlainSourceConfig(SourceConfig):
    options: NoOptions = Field(default_factory=NoOptions)


class CredentialedSourceConfig(SourceConfig):
    """DrugEHRQA and MIMIC-IV live behind PhysioNet credentials: local files only."""

    @field_validator("mode")
    @classmethod
    def _local_only(cls, mode: str) -> str:
        if mode != "local":
            raise ValueError("this credentialed dataset has no hub copy; use mode: local with paths")
        return mode


class DrugEHRQASourceConfig(CredentialedSourceConfig):
    options: NoOptions = Field(default_factory=NoOptions)


class MimicSourceConfig(CredentialedSourceConfig):
    options: MimicOptions = Field(default_factory=MimicOptions)


def _demo(source: str, *patterns: str) -> list[str]:
    return [f"{DEMO_DATA}/{source}/{pattern}" for pattern in patterns]


class SourcesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meddialog_en: DialogueSourceConfig = Field(
        default_factory=lambda: DialogueSourceConfig(
            paths=_demo("meddialog_en", "*.txt"),
            hub=HubDataset(id="medical_dialog", revision="refs/convert/parquet", data_dir="processed.en"),
        )
    )
    healthcaremagic: DialogueSourceConfig = Field(
        default_factory=lambda: DialogueSourceConfig(
            paths=_demo("healthcaremagic", "*.json"),
            hub=HubDataset(id="lavita/ChatDoctor-HealthCareMagic-100k"),
        )
    )
    icliniq: DialogueSourceConfig = Field(
        default_factory=lambda: DialogueSourceConfig(
            paths=_demo("icliniq", "*.json", "*.jsonl"), hub=HubDataset(id="lavita/ChatDoctor-iCliniq")
        )
    )
    medmcqa: MCQSourceConfig = Field(
        default_factory=lambda: MCQSourceConfig(
            paths=_demo("medmcqa", "*.json"), hub=HubDataset(id="openlifescienceai/medmcqa")
        )
    )
    medqa: MCQSourceConfig = Field(
        default_factory=lambda: MCQSourceConfig(
            paths=_demo("medqa", "*.jsonl"),
            hub=HubDataset(id="GBaker/MedQA-USMLE-4-options", splits=["train"]),
        )
    )
    pubmedqa: PlainSourceConfig = Field(
        default_factory=lambda: PlainSourceConfig(
            paths=_demo("pubmedqa", "*.json"), hub=HubDataset(id="qiaojin/PubMedQA", config="pqa_labeled")
        )
    )
    medquad: PlainSourceConfig = Field(
        default_factory=lambda: PlainSourceConfig(
            paths=_demo("medquad", "**/*.xml"), hub=HubDataset(id="lavita/MedQuAD")
        )
    )
    drugehrqa: DrugEHRQASourceConfig = Field(
        default_factory=lambda: DrugEHRQASourceConfig(paths=_demo("drugehrqa", "**/*.csv"))
    )
    mimic_iv_medications: MimicSourceConfig = Field(
        default_factory=lambda: MimicSourceConfig(paths=_demo("mimic_iv_medications", "hosp/*.csv"))
    )

    def enabled(self) -> dict[str, SourceConfig]:
        return {name: getattr(self, name) for name in type(self).model_fields if getattr(self, name).enabled}
