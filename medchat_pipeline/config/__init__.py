"""Pipeline configuration: one YAML profile in configs/, validated by pydantic before any work.

    cfg = load_config("demo")          # configs/demo.yaml
    cfg = load_config("path/to/x.yaml")

Each section has its own model in this package (data, teachers, augment, training, evaluation).
Errors name the offending key and say what to change, e.g.
`training.quantization: 4-bit QLoRA needs CUDA; use quantization: none on CPU`.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from medchat_pipeline.config.augment import AugmentConfig, DistillConfig, MixConfig, ReviewConfig
from medchat_pipeline.config.automation import AutomationConfig, PromotionConfig, RunsConfig
from medchat_pipeline.config.data import DataConfig
from medchat_pipeline.config.evaluation import EvaluationConfig
from medchat_pipeline.config.prompt import PromptConfig, fill_prompt_copies
from medchat_pipeline.config.safety import SafetyConfig
from medchat_pipeline.config.serving import ServingConfig
from medchat_pipeline.config.teachers import TeachersConfig
from medchat_pipeline.config.training import TrainingConfig


class ConfigError(ValueError):
    """A profile that cannot run, with a message that says what to change."""


class PipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: str = Field(description="Profile name, e.g. demo or medgemma-27b")
    storage_dir: str = Field(
        default=".medchat",
        description="Where assets, caches, adapters and reports live; relative paths are resolved "
        "against the project root. A UPath URL (s3://…, gs://…) is allowed for frames.",
    )
    seed: int = 13
    prompt: PromptConfig = Field(default_factory=PromptConfig)
    data: DataConfig = Field(default_factory=DataConfig)
    teachers: TeachersConfig = Field(default_factory=TeachersConfig)
    augment: AugmentConfig = Field(default_factory=AugmentConfig)
    distill: DistillConfig = Field(default_factory=DistillConfig)
    mix: MixConfig = Field(default_factory=MixConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    serving: ServingConfig = Field(default_factory=ServingConfig)
    safety: SafetyConfig = Field(default_factory=SafetyConfig)
    automation: AutomationConfig = Field(default_factory=AutomationConfig)
    runs: RunsConfig = Field(default_factory=RunsConfig)
    promotion: PromotionConfig = Field(default_factory=PromotionConfig)

    @model_validator(mode="after")
    def _one_prompt_setup(self) -> PipelineConfig:
        fill_prompt_copies(self)
        # Training's escalation examples use the deployment's numbers and triage cases (job files carry them).
        escalation = self.training.escalation_examples
        escalation.cases_file = escalation.cases_file or self.safety.triage.cases_file
        escalation.extra_dev_sets = dict(self.safety.triage.extra_dev_sets)
        escalation.emergency_numbers = self.safety.emergency_numbers
        return self

    def storage_path(self, *parts: str) -> Path:
        """A local path under the storage dir (MEDCHAT_STORAGE_DIR overrides the profile)."""
        base = Path(os.environ.get("MEDCHAT_STORAGE_DIR") or self.storage_dir)
        if not base.is_absolute():
            base = project_root() / base
        return base.joinpath(*parts)


def project_root() -> Path:
    """The repository root: MEDCHAT_PROJECT_ROOT, else the folder holding configs/ above this file."""
    env = os.environ.get("MEDCHAT_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "configs").is_dir() and (parent / "pyproject.toml").exists():
            return parent
    return Path.cwd()


def configs_dir() -> Path:
    return project_root() / "configs"


def available_profiles() -> list[str]:
    """YAML files in configs/ that declare a `profile:` (prices.yaml, synonyms.yaml … are data)."""
    names = []
    for path in sorted(configs_dir().glob("*.yaml")):
        try:
            declares_profile = "profile" in (yaml.safe_load(path.read_text()) or {})
        except yaml.YAMLError:
            declares_profile = False
        if declares_profile:
            names.append(path.stem)
    return names


def profile_path(profile_or_path: str) -> Path:
    candidate = Path(profile_or_path)
    if candidate.is_file():
        return candidate
    if candidate.suffix in (".yaml", ".yml") or len(candidate.parts) > 1:
        raise ConfigError(
            f"profile file {profile_or_path!r} does not exist"
            + (f" (resolved against {Path.cwd()})" if not candidate.is_absolute() else "")
            + f"; give a YAML path or one of the profiles in {configs_dir()}: {', '.join(available_profiles())}"
        )
    path = configs_dir() / f"{profile_or_path}.yaml"
    if not path.exists():
        raise ConfigError(
            f"unknown profile {profile_or_path!r}: no {path}. Available: {', '.join(available_profiles())}"
        )
    return path


def load_config(profile_or_path: str | None = None, overrides: dict | None = None) -> PipelineConfig:
    """Load and validate a profile (default: $MEDCHAT_PROFILE or 'demo')."""
    path = profile_path(profile_or_path or os.environ.get("MEDCHAT_PROFILE", "demo"))
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read as a profile: {exc}") from exc
    if raw is None or raw == {}:
        raise ConfigError(f"{path} is empty: a profile needs at least `profile: <name>` (see configs/demo.yaml)")
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path}: a profile is a mapping of sections (profile:, data:, training: …), "
            f"but this file holds a {type(raw).__name__}"
        )
    raw.setdefault("profile", path.stem)
    if overrides:
        raw = _deep_merge(raw, overrides)
    try:
        return PipelineConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_explain(path, exc)) from None


def check_inputs(cfg: PipelineConfig) -> None:
    """What pydantic cannot see: every local input the profile names must exist now.

    Globs of enabled local sources (and of decontamination benchmark files) must each match a file;
    `medchat run --plan` and every `medchat run` call this before any work starts."""
    problems = []
    root = project_root()
    for name, source in cfg.data.sources.enabled().items():
        if source.mode == "local":
            try:
                source.resolve_paths(root)
            except (FileNotFoundError, ValueError) as exc:  # ValueError: an unset ${VAR} in a path
                problems.append(f"data.sources.{name}.paths: {exc}; fix the glob or set enabled: false")
    for number, benchmark in enumerate(cfg.data.decontamination.benchmarks):
        for pattern in benchmark.paths:
            full = pattern if Path(pattern).is_absolute() else str(root / pattern)
            if not glob.glob(full, recursive=True):
                problems.append(f"data.decontamination.benchmarks[{number}].paths: no file matches {pattern!r} (looked under {root})")
    if problems:
        raise ConfigError(f"profile {cfg.profile!r} names inputs that do not exist:\n" + "\n".join(f"  - {p}" for p in problems))


def _deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _explain(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s) in the profile:"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  - {where}: {msg}")
    return "\n".join(lines)
