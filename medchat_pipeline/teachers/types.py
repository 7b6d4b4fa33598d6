"""What goes into and comes out of the teacher gateway. Keys never appear here: only their aliases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TeacherRequest:
    id: str  # caller's id; results come back in request order with the same id
    prompt: str | None = None  # a plain prompt, or …
    messages: list[dict[str, str]] | None = None  # … chat messages [{"role", "content"}]
    teacher: str | None = None  # a teacher name from the `teachers:` config; None = the default teacher
    params: dict[str, Any] = field(default_factory=dict)  # temperature, max_tokens, top_p, …
    n: int = 1  # completions wanted; texts holds n items
    template_version: str = "v1"  # prompt-template version, part of the cache key
    response_schema: Any = None  # a pydantic model class: parse JSON into it (with repair retries)


@dataclass
class TeacherResult:
    id: str
    texts: list[str] = field(default_factory=list)  # n completions ([] on failure)
    provider: str | None = None  # gemini | nvidia | openai | local
    model: str | None = None
    key_alias: str | None = None  # e.g. "NVIDIA_COS30018_2" — the variable's name, never its value
    usage: dict[str, int] = field(default_factory=dict)  # input_tokens, output_tokens, cached_tokens
    cost: float = 0.0  # USD from configs/prices.yaml
    latency_s: float = 0.0
    cached: bool = False  # every completion came from the cache (cost then is 0: nothing was paid now)
    attempts: int = 0  # provider calls made for this item (retries and repairs included)
    parsed: Any = None  # response_schema instance(s) when a schema was requested
    error_kind: str | None = None  # rate_limited | quota_exhausted | auth | server | timeout | malformed | …
    error: str | None = None  # human-readable, key-free

    @property
    def ok(self) -> bool:
        return self.error_kind is None

    @property
    def text(self) -> str | None:
        return self.texts[0] if self.texts else None
