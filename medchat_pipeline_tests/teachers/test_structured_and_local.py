"""Structured output with repair retries, and the offline local teacher (the real SmolLM2 model)."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from medchat_pipeline.config import load_config
from medchat_pipeline.teachers import TeacherPool, TeacherRequest
from medchat_pipeline_tests.teachers.helpers import fake_pool, set_fake_keys


class Paraphrases(BaseModel):
    paraphrases: list[str] = Field(min_length=2)


def repairing_reply(prompt: str, messages: list[dict[str, str]]) -> str:
    """Chatty broken JSON first; valid JSON once asked to repair."""
    if "could not be used" in prompt:
        return "```json\n" + json.dumps({"paraphrases": ["What is anaemia?", "Define anemia."]}) + "\n```"
    return 'Sure! {"paraphrases": ["What is anaemia?"'


def test_unparseable_json_is_repaired_within_the_bound(fake_provider, monkeypatch):
    set_fake_keys(monkeypatch, "FAKE", 1)
    fake_provider.reply = repairing_reply
    request = TeacherRequest(id="p", prompt="Paraphrase: What is anemia?", response_schema=Paraphrases)
    result = fake_pool(fake_provider, "openai", "FAKE_*").run([request], progress=False)[0]
    assert result.ok and result.attempts == 2
    assert result.parsed == Paraphrases(paraphrases=["What is anaemia?", "Define anemia."])
    repair_turns = fake_provider.hits[1].body["messages"]
    assert [m["role"] for m in repair_turns] == ["user", "assistant", "user"]
    assert "JSON schema" in repair_turns[-1]["content"]


def test_gemini_gets_the_native_response_schema_and_gives_up_after_the_bound(fake_provider, monkeypatch):
    set_fake_keys(monkeypatch, "FAKE", 1)
    fake_provider.reply = lambda prompt, messages: json.dumps({"paraphrases": ["only one"]})  # valid JSON, wrong shape
    request = TeacherRequest(id="p", prompt="Paraphrase: fever", response_schema=Paraphrases)
    result = fake_pool(fake_provider, "gemini", "FAKE_*", repair_retries=1).run([request], progress=False)[0]
    assert result.error_kind == "parse" and "Paraphrases" in result.error and result.attempts == 2
    generation = fake_provider.hits[0].body["generationConfig"]
    assert generation["responseMimeType"] == "application/json"
    assert "paraphrases" in json.dumps(generation.get("responseSchema") or generation.get("responseJsonSchema"))


def test_local_teacher_generates_in_batches_offline_and_caches(demo_model_dir):
    cfg = load_config("demo", overrides={"teachers": {"teachers": {"local": {"batch_size": 2, "torch_threads": 1, "params": {"max_new_tokens": 4}}}}})
    questions = ["What is anemia?", "What causes fever?", "Define hypertension."]
    requests = [TeacherRequest(id=f"q{i}", prompt=q) for i, q in enumerate(questions)]
    pool = TeacherPool.from_config(cfg)
    results = pool.run(requests, progress=False)
    assert [r.id for r in results] == [r.id for r in requests]
    assert all(r.ok and r.text and r.provider == "local" and r.key_alias == "none" for r in results)
    assert all(0 < r.usage["output_tokens"] <= 4 and r.usage["input_tokens"] > 5 for r in results)
    assert sorted(pool.teacher("local").provider.batch_sizes) == [1, 2]  # 3 prompts → batches of 2 + 1
    again = TeacherPool.from_config(cfg).run(requests, progress=False)
    assert all(r.cached for r in again) and [r.text for r in again] == [r.text for r in results]
