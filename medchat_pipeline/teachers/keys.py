"""API keys from environment variables, known only by their aliases (the variable names).

The secret lives in `ApiKey.secret`, which has no repr; everything that is logged, cached or
written uses `alias`. `redact()` scrubs any known secret out of text that came from elsewhere
(SDK exception messages echo request details) before it reaches a result or a log line.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

NO_KEY_ALIAS = "none"  # OpenAI-compatible servers without auth (vLLM, Ollama, llama.cpp)

_KNOWN_SECRETS: set[str] = set()


@dataclass(frozen=True)
class ApiKey:
    alias: str
    secret: str = field(repr=False)

    def __post_init__(self) -> None:
        if self.secret and self.alias != NO_KEY_ALIAS:
            _KNOWN_SECRETS.add(self.secret)

    def __str__(self) -> str:
        return self.alias


def _natural_order(name: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def keys_from_env(pattern: str, environ: dict[str, str] | None = None) -> list[ApiKey]:
    """Keys whose variable names match the glob, in natural order (…_2 before …_10); empty ones skipped."""
    env = os.environ if environ is None else environ
    names = sorted((name for name in env if fnmatch.fnmatchcase(name, pattern)), key=_natural_order)
    keys = []
    for name in names:
        value = env[name].strip()
        if value:
            keys.append(ApiKey(alias=name, secret=value))
        else:
            log.warning("key variable %s is empty; skipped", name)
    if not keys:
        log.warning("no API keys found in environment variables matching %r", pattern)
    return keys


def redact(text: str) -> str:
    """Replace every secret this process has loaded with a placeholder."""
    for secret in _KNOWN_SECRETS:
        if secret in text:
            text = text.replace(secret, "[redacted-key]")
    return text
