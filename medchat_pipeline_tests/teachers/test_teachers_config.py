"""The `teachers:` section: demo defaults, key discovery and helpful validation errors."""

from __future__ import annotations

import pytest

from medchat_pipeline.config import ConfigError, load_config
from medchat_pipeline.teachers.keys import keys_from_env, redact
from medchat_pipeline.teachers.prices import PriceTable


def test_demo_profile_defaults_to_the_offline_local_teacher():
    from medchat_pipeline.models import DEMO_BASE_MODEL

    teachers = load_config("demo").teachers
    assert teachers.default == "local"
    assert teachers.teachers["local"].provider == "local" and teachers.teachers["local"].model == DEMO_BASE_MODEL
    assert teachers.teachers["gemini"].keys_env == "Gemini_COS30018_*"
    assert teachers.teachers["nvidia"].keys_env == "NVIDIA_COS30018_*"
    assert teachers.teachers["nvidia"].base_url == "https://integrate.api.nvidia.com/v1"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"default": "gpt"}, "default teacher 'gpt' is not defined"),
        ({"teachers": {"vllm": {"provider": "openai", "model": "m"}}}, "provider openai needs base_url"),
        ({"teachers": {"gemini": {"quota_pool": "paid"}}}, "quota_pool 'paid' is not in quota_pools"),
        ({"quota_pools": {"p": {"rpm": 0}}}, "quota_pools.p.rpm"),
        ({"quota_pools": {"p": {"daily_reset_tz": "Mars/Olympus"}}}, "unknown time zone 'Mars/Olympus'"),
        ({"teachers": {"local": {"keys_env": "X_*"}}}, "provider local uses no API keys"),
        ({"concurency": 3}, "teachers.concurency"),
    ],
)
def test_bad_sections_say_what_to_change(section, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_config("demo", overrides={"teachers": section})


def test_keys_come_from_matching_variable_names_in_natural_order(caplog):
    environ = {"NVIDIA_COS30018_10": "k10", "NVIDIA_COS30018_2": "k2", "NVIDIA_COS30018_3": " ", "OTHER": "x"}
    keys = keys_from_env("NVIDIA_COS30018_*", environ)
    assert [k.alias for k in keys] == ["NVIDIA_COS30018_2", "NVIDIA_COS30018_10"]
    assert "k2" not in repr(keys) and "k10" not in str(keys[1])
    assert "NVIDIA_COS30018_3 is empty" in caplog.text
    assert redact("failed with key k10 at url") == "failed with key [redacted-key] at url"
    assert keys_from_env("Gemini_COS30018_*", {}) == [] and "no API keys found" in caplog.text


def test_price_table_is_versioned_and_prices_cached_tokens():
    from medchat_pipeline.config import project_root

    table = PriceTable.load(project_root() / load_config("demo").teachers.prices_path)
    assert table.version and table.currency == "USD"
    usage = {"input_tokens": 1_000_000, "cached_tokens": 400_000, "output_tokens": 100_000}
    price = table.price("gemini", "gemini-2.5-flash")
    assert table.cost("gemini", "gemini-2.5-flash", usage) == pytest.approx(
        (600_000 * price.input + 400_000 * price.cached_input + 100_000 * price.output) / 1e6
    )
    assert table.cost("local", "anything", usage) == 0.0


def test_the_teachers_resource_builds_the_pool_of_the_active_profile():
    from medchat_pipeline.defs.resources import MedchatConfig
    from medchat_pipeline.defs.teachers import TeachersResource, defs
    from medchat_pipeline.teachers import TeacherPool

    assert isinstance(defs.resources["teachers"], TeachersResource)
    resource = TeachersResource(medchat=MedchatConfig(profile="demo"))
    pool = resource.pool()
    assert isinstance(pool, TeacherPool) and pool is resource.pool()
    assert pool.config.default == "local" and pool.cache.path.name == "teacher_cache.sqlite"
