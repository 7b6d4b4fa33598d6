"""Building pools that talk to the fake provider server, with short waits for tests."""

from __future__ import annotations

from medchat_pipeline.config import load_config
from medchat_pipeline.teachers import TeacherPool, TeacherRequest
from medchat_pipeline_tests.teachers.fake_provider_server import FakeProviderServer, fake_teachers_section

FAST = {"timeout_s": 2.0, "backoff": {"initial_s": 0.02, "max_s": 0.2, "jitter": 0.5}}


def set_fake_keys(monkeypatch, prefix: str, count: int) -> dict[str, str]:
    """Environment variables PREFIX_1..N holding recognisable fake secrets; returns alias → secret."""
    keys = {f"{prefix}_{i}": f"sk-{prefix.lower()}-secret-{i}-x9q7" for i in range(1, count + 1)}
    for alias, secret in keys.items():
        monkeypatch.setenv(alias, secret)
    return keys


def fake_pool(server: FakeProviderServer, provider: str = "openai", keys_env: str | None = None, **settings) -> TeacherPool:
    section = fake_teachers_section(server, provider=provider, keys_env=keys_env, **{**FAST, **settings})
    return TeacherPool.from_config(load_config("demo", overrides={"teachers": section}))


def prompts(count: int, prefix: str = "question") -> list[TeacherRequest]:
    return [TeacherRequest(id=f"{prefix}-{i}", prompt=f"{prefix} {i}") for i in range(count)]
