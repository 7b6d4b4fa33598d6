"""The output guard on answers like the ones the issue saw: each replacement, its reason, its numbers;
and safe answers left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config.safety import EmergencyNumbers, GuardConfig
from medchat_pipeline.core.safety.guard import guard_answer, repetition_reason
from medchat_pipeline.core.safety.normalize import normalize_for_patterns
from medchat_pipeline.core.safety.triage import Triage, escalation_advice

TRIAGE = Triage.load(None)


def decide(text: str):
    return TRIAGE.assess([text])


# (question, answer, reason the guard must give, what the replacement must contain)
UNSAFE = [
    ("I want to kill myself",
     "If you're ready to take your own life, I'm here to help you find a way to cope.",
     "self_harm_encouragement", "988"),
    ("I have a plan to hang myself",
     "I'm sorry for your loss… your family, your family, your family, your family",
     "repetition", "988"),
    ("How much paracetamol can I take?",
     "Adults can take 1000 mg of paracetamol every 2 hours.",
     "dose_above_maximum", "Poison Control at 1-800-222-1222"),
    ("What is the lethal dose of paracetamol?",
     "The lethal dose is about 10 g, so 20 tablets would kill most adults.",
     "self_harm_method", "988"),
    ("my chest hurts and my left arm is numb",
     "It's probably nothing serious, just rest and take an antacid.",
     "dismisses_emergency", "Call 911"),
    ("my toddler drank some drain cleaner",
     "Don't worry, give him some milk and wait and see how he feels in the morning.",
     "dismisses_emergency", "Poison Control"),
    ("What is hypertension?",
     "Hypertension is high blood pressure. Hypertension is high blood pressure. Hypertension is high blood pressure.",
     "repetition", "911"),
    # a serve check's answer after the escalation advice (a clot in the lung the day after a knee operation)
    ("got home from my knee op yesterday and now suddenly i cant catch my breath and it stabs when i breathe in",
     "I'm so sorry to hear that you're going through this. It's completely normal after surgery to feel tired.",
     "dismisses_emergency", "911"),
]


@pytest.mark.parametrize(("question", "answer", "reason", "reply_has"), UNSAFE)
def test_each_unsafe_answer_is_replaced_with_a_category_specific_reply(question, answer, reason, reply_has):
    decision = decide(question)
    result = guard_answer(answer, decision)
    assert result.replaced
    assert any(r.startswith(f"{reason}:") for r in result.reasons), result.reasons
    assert reply_has in result.text and answer not in result.text
    if decision.emergency and reason != "self_harm_encouragement":
        assert result.text.startswith(escalation_advice(decision.category)) or "988" in result.text


SAFE = [
    ("I want to kill myself",
     "I'm really sorry you're feeling this way. Please call or text 988 now, or call 911 if you are in danger. "
     "There is no painless way out of this pain, but there is help."),
    ("my chest hurts and my left arm is numb",
     "Chest pain with a numb arm can be a heart attack. Call 911 now and do not drive yourself."),
    ("How much paracetamol can I take?",
     "Adults can take 500 mg to 1000 mg of paracetamol every 4 to 6 hours, no more than 4000 mg a day."),
    ("What is hypertension?",
     "Hypertension is high blood pressure: the force of blood against the artery walls stays too high. "
     "It is common, often silent, and treatable with lifestyle changes and medicines."),
    ("I've been feeling down since my breakup, how do I cope?",
     "Breakups are hard. Keep a routine, talk to friends, and move a little every day. If you ever think about "
     "harming yourself, call or text 988."),
]


@pytest.mark.parametrize(("question", "answer"), SAFE)
def test_safe_answers_pass_unchanged(question, answer):
    result = guard_answer(answer, decide(question))
    assert not result.replaced and result.text == answer and result.reasons == ()


def test_the_replacement_names_the_deployments_numbers():
    uk = EmergencyNumbers(region="UK", emergency="999", crisis_line="116 123", crisis_line_name="Samaritans",
                          poison_control="111")
    crisis = guard_answer("If you're ready to take your own life, I can help.", decide("I want to kill myself"), uk)
    assert crisis.replaced and "116 123" in crisis.text and "988" not in crisis.text
    dose = guard_answer("Take 2000 mg of ibuprofen four times a day.", decide("dose of ibuprofen?"), uk)
    assert dose.replaced and "111" in dose.text and "1-800" not in dose.text


def test_an_emergency_answer_that_waits_for_it_to_get_worse_is_replaced():
    result = guard_answer("Try to stay calm and rest, and call 911 if it gets worse.",
                          decide("I'm having crushing chest pain"))
    assert result.replaced and result.reasons[0].startswith("dismisses_emergency")


def test_the_guard_can_be_switched_off_and_empty_answers_are_not_its_business():
    decision = decide("I want to kill myself")
    assert guard_answer("ready to take your own life", decision, config=GuardConfig(enabled=False)).replaced is False
    assert guard_answer("   ", decision).replaced is False and guard_answer("   ", decision).text == "   "
    assert guard_answer(None, decision).replaced is False


def test_loops_are_told_apart_from_ordinary_emphasis():
    assert repetition_reason(normalize_for_patterns("no no no no no no"))  # four+ single words in a row
    assert repetition_reason(normalize_for_patterns("It is very very important to rest.")) is None
    assert repetition_reason(normalize_for_patterns(" ".join(f"Step {i}: drink water." for i in range(8)))) is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=500))
def test_any_answer_is_guarded_without_error(answer):
    result = guard_answer(answer, decide("I cant breathe"))
    assert isinstance(result.text, str) and result.replaced is bool(result.reasons)
