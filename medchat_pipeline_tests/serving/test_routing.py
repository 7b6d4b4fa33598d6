"""The router on realistic questions, the failover rule, routing evaluation, and the serving config."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config import ConfigError, load_config
from medchat_pipeline.config.safety import EmergencyNumbers
from medchat_pipeline.config.serving import FailoverConfig, RouteCost, RouterConfig, ServingConfig
from medchat_pipeline.core.safety.triage import escalation_advice
from medchat_pipeline.serving.routing import (
    Router,
    build_router,
    count_questions,
    evaluate_routing,
    failover_reason,
    source_labelled_questions,
)

ROUTER = Router()

# (question, expected route, why) — phrased the way patients and students actually ask.
SIMPLE = [
    ("What is hypertension?", "definition"),
    ("Define tachycardia.", "definition"),
    ("What are the side effects of metformin?", "drug facts"),
    ("What does HbA1c stand for?", "abbreviation"),
    ("What are the symptoms of appendicitis?", "symptoms of a named disease"),
    ("How is type 2 diabetes diagnosed?", "general diagnostics, not a personal case"),
    ("What is the usual adult dose of amoxicillin?", "the design notes' 'dose of' trigger"),
    ("Who is at risk for Anaplasmosis? ?", "MedQuAD phrasing with a doubled question mark"),
    ("What is a stroke?", "general knowledge about an emergency topic is not an emergency"),
    ("What is suicide?", "education about suicide is not a crisis (the triage says why)"),
    ("What causes migraines?", "causes of a named condition"),
]
COMPLEX = [
    ("I have fever + rash, what's wrong?", "the design notes' diagnostic example"),
    ("I've had a headache, nausea and blurred vision for three days. Should I be worried?", "multi-symptom case"),
    ("My 2 year old weighs 12 kg, how much ibuprofen can I give her?", "pediatric dosing"),
    ("Can I take ibuprofen with my blood pressure medicine?", "interaction for one person"),
    (
        "Hello doctor, I am 45 and have had pain in my lower back for 2 weeks, plus numbness in my leg. "
        "What could be causing this and do I need an MRI?",
        "case history, two questions",
    ),
    ("Doctor, I think I might have chlamydia. What tests do I need?", "personal diagnostic question"),
    ("I'm pregnant and have a sore throat. Is it safe to take paracetamol?", "pregnancy + medication"),
]
EMERGENCIES = [
    ("I'm having crushing chest pain spreading to my left arm", "cardiac"),
    ("My dad's face is drooping and he has slurred speech", "stroke"),
    ("I want to kill myself", "self_harm"),
    ("My son swallowed 20 of my sleeping pills", "overdose_poisoning"),
    ("My throat is closing after a bee sting and I can't breathe", "anaphylaxis"),
]


@pytest.mark.parametrize(("question", "why"), SIMPLE)
def test_simple_factual_questions_go_to_the_small_model(question, why):
    decision = ROUTER.route(question)
    assert decision.route == "small", f"{why}: {decision.explain()}"
    assert not decision.emergency and decision.escalation_advice is None


@pytest.mark.parametrize(("question", "why"), COMPLEX)
def test_diagnostic_dosing_and_multi_part_questions_go_to_the_large_model(question, why):
    decision = ROUTER.route(question)
    assert decision.route == "large", f"{why}: {decision.explain()}"
    assert decision.score >= decision.threshold
    assert decision.reasons, "a large route must say why"


@pytest.mark.parametrize(("question", "category"), EMERGENCIES)
def test_emergencies_go_to_the_large_model_with_escalation_advice(question, category):
    decision = ROUTER.route(question)
    assert decision.route == "large" and decision.emergency
    assert decision.red_flags == (category,) and decision.triage.category == category
    assert decision.escalation_advice == escalation_advice(category)
    assert any(word in decision.escalation_advice for word in ("911", "988", "Poison Control"))
    assert f"EMERGENCY[{category}]" in decision.explain()


def test_the_triage_reads_every_turn_and_route_many_agrees_with_route():
    conversation = ["my grandad is 79", "he started slurring his words 20 minutes ago", "should he have a nap?"]
    decision = ROUTER.route(conversation)
    assert decision.emergency and decision.triage.category == "stroke" and decision.route == "large"
    questions = [q for q, _ in SIMPLE + COMPLEX + EMERGENCIES] + [conversation]
    assert [d.to_dict() for d in ROUTER.route_many(questions)] == [ROUTER.route(q).to_dict() for q in questions]


def test_escalation_advice_names_the_profiles_emergency_numbers():
    uk = EmergencyNumbers(region="UK", emergency="999", crisis_line="116 123", crisis_line_name="Samaritans",
                          poison_control="111")
    router = Router(RouterConfig(), numbers=uk)
    assert "999" in router.route("I think I'm having a heart attack").escalation_advice
    crisis = router.route("I want to kill myself").escalation_advice
    assert "116 123" in crisis and "Samaritans" in crisis and "988" not in crisis
    assert "111" in router.route("my son ate rat poison").escalation_advice


def test_build_router_uses_the_latest_triage_model_or_says_it_falls_back(isolated_storage):
    router = build_router(load_config("demo"))
    assert router.triage.fallback_reason and "no triage model has been materialized" in router.triage.fallback_reason
    assert router.route("I cant breathe").emergency  # the patterns still decide


def test_an_emergency_overrides_a_forced_small_route():
    decision = ROUTER.route("I have chest pain and shortness of breath", force="small")
    assert decision.route == "large" and decision.forced == "small" and decision.emergency


def test_forcing_a_route_is_recorded_in_the_reasons():
    decision = ROUTER.route("What is anemia?", force="large")
    assert decision.route == "large"
    assert [r.feature for r in decision.reasons][-1] == "forced"


def test_reasons_name_the_matched_words_and_the_score_is_their_sum():
    decision = ROUTER.route("I have fever and a rash for three days, what's wrong?")
    by_feature = {r.feature: r for r in decision.reasons}
    assert {"diagnostic", "personal_case", "multiple_symptoms", "symptom_duration"} <= set(by_feature)
    assert "fever" in by_feature["multiple_symptoms"].detail and "rash" in by_feature["multiple_symptoms"].detail
    assert by_feature["symptom_duration"].detail == "for three days"
    assert decision.score == pytest.approx(sum(r.weight for r in decision.reasons))
    assert json.loads(json.dumps(decision.to_dict()))["route"] == "large"


def test_simple_phrasing_counts_only_where_a_clause_starts():
    decision = ROUTER.route("My knee aches when I stand for an hour and swells at night. Why does my knee do this?")
    assert "simple_phrasing" not in {r.feature for r in decision.reasons}
    assert decision.route == "large"


def test_keyword_lists_weights_and_threshold_come_from_config():
    strict = Router(RouterConfig(large_threshold=-5.0))
    assert strict.route("What is anemia?").route == "large"
    custom = Router(RouterConfig(simple_cues=["quick question"], simple_cue_weight=-3.0, personal_weight=1.0))
    decision = custom.route("Quick question: I have a cough, what could be causing it?")
    assert {r.feature: r.weight for r in decision.reasons}["simple_phrasing"] == -3.0
    assert decision.route == "small"
    prefix = Router(RouterConfig(diagnostic_cues=["diagnos*"]))
    assert prefix.route("Can you diagnose this?").reasons[0].detail == "diagnose"


def test_count_questions_ignores_empty_question_marks():
    assert count_questions("Who is at risk for X? ?") == 1
    assert count_questions("Is it serious? Do I need antibiotics? ") == 2
    assert count_questions("no question here") == 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_routes_without_error_and_emergencies_are_always_large(text):
    decision = ROUTER.route(text)
    assert decision.route in ("small", "large")
    assert decision.score == pytest.approx(sum(r.weight for r in decision.reasons))
    if decision.emergency:
        assert decision.route == "large" and decision.escalation_advice


# ----------------------------------------------------------------------------- failover


@pytest.mark.parametrize(
    "answer",
    [
        "I'm not sure what is causing your symptoms.",
        "I\u2019m not sure, but it could be a viral infection.",  # curly apostrophe
        "As an AI, I cannot give medical advice about this.",
        "I don't know the answer to that question, sorry.",
        "It is hard to say without an examination.",
    ],
)
def test_hedging_or_refusing_small_answers_fail_over(answer):
    reason = failover_reason(answer)
    assert reason is not None and reason.kind == "hedging"


def test_empty_cut_off_and_looping_answers_fail_over():
    assert failover_reason("").kind == "too_short"
    assert failover_reason(None).kind == "too_short"
    assert failover_reason("Anemia is").kind == "too_short"  # cut off at max_new_tokens
    loop = "Drink water and rest. " * 12
    reason = failover_reason(loop)
    assert reason is not None and reason.kind == "repetition"


def test_confident_answers_are_sent_as_they_are():
    answer = (
        "Anemia is a condition in which you lack enough healthy red blood cells to carry adequate oxygen "
        "to your tissues. If you're not sure whether you have it, a simple blood test can tell."
    )
    assert failover_reason(answer) is None  # "if you're not sure" is advice, not the model hedging
    assert failover_reason("I'm not sure.", FailoverConfig(enabled=False)) is None
    custom = FailoverConfig(hedging_phrases=["consult a specialist"])
    assert failover_reason("Please consult a specialist about this rash.", custom).kind == "hedging"


# ----------------------------------------------------------------------------- evaluation


def test_evaluate_routing_reports_accuracy_confusion_and_the_cost_mix():
    questions = [q for q, _ in SIMPLE[:4]] + [q for q, _ in COMPLEX[:3]] + ["Is it bad?"]
    labels = ["small"] * 4 + ["large"] * 4
    small_cost, large_cost = RouteCost(cost_usd=0.0001, latency_s=0.2), RouteCost(cost_usd=0.0015, latency_s=1.2)
    report = evaluate_routing(questions, labels, ROUTER, small_cost, large_cost, failover_rate=0.1)

    routes = [ROUTER.route(q).route for q in questions]
    assert report.n == 8
    assert report.confusion == {"small->small": 4, "small->large": 0, "large->small": 1, "large->large": 3}
    assert report.accuracy == pytest.approx(7 / 8)
    assert report.large_recall == pytest.approx(3 / 4) and report.small_recall == 1.0
    share_small = routes.count("small") / 8
    assert report.share_small == pytest.approx(share_small)
    expected_cost = share_small * (0.0001 + 0.1 * 0.0015) + (1 - share_small) * 0.0015
    assert report.expected_cost_usd == pytest.approx(expected_cost)
    assert report.cost_saving == pytest.approx(1 - expected_cost / 0.0015)
    assert report.expected_latency_s < report.all_large_latency_s
    assert [m["question"] for m in report.mistakes] == ["Is it bad?"]
    assert json.dumps(report.to_dict())


def test_evaluate_routing_rejects_bad_labels_with_clear_messages():
    cost = RouteCost(cost_usd=0.0, latency_s=0.0)
    with pytest.raises(ValueError, match="one label per question"):
        evaluate_routing(["a", "b"], ["small"], ROUTER, cost, cost)
    with pytest.raises(ValueError, match="'medium'"):
        evaluate_routing(["a"], ["medium"], ROUTER, cost, cost)
    with pytest.raises(ValueError, match="no labelled questions"):
        evaluate_routing([], [], ROUTER, cost, cost)
    report = evaluate_routing(["What is anemia?"], ["small"], ROUTER, cost, cost)
    assert math.isnan(report.large_recall) and report.cost_saving == 0.0


def test_routing_on_real_questions_matches_their_source(shared_data):
    """MedQuAD asks encyclopedia questions (small); iCliniq and ChatDoctor patients describe their case (large)."""
    questions, labels, counts = source_labelled_questions(shared_data)
    cfg = ServingConfig()
    report = evaluate_routing(questions, labels, ROUTER, cfg.small_cost, cfg.large_cost)
    assert counts["medquad"] > 500 and counts["icliniq"] >= 300 and counts["chatdoctor"] >= 300
    assert labels == ["small"] * counts["medquad"] + ["large"] * (counts["icliniq"] + counts["chatdoctor"])
    assert report.small_recall >= 0.95, report.mistakes[:5]
    assert report.large_recall >= 0.90, report.mistakes[:5]
    assert report.accuracy >= 0.93


# ----------------------------------------------------------------------------- config


def test_demo_profile_has_a_valid_serving_section():
    serving = load_config("demo").serving
    assert serving.host == "127.0.0.1" and serving.large.backend == "teacher"
    assert serving.system_prompt == "Respond as a concise, compassionate medical assistant."


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"host": "0.0.0.0"}, "auth_token_env"),
        ({"auth_token_env": "sk-live-123 secret"}, "environment variable NAME"),
        ({"router": {"simple_cues": ["what is", "  "]}}, "empty keyword"),
        ({"router": {"emergency_topic_terms": ["stroke", " "]}}, "empty keyword"),
        ({"large": {"backend": "local", "teacher": "gemini"}}, "backend: teacher"),
        ({"small": {"device": "tpu"}}, "serving.small.device"),
        ({"routerr": {}}, "serving.routerr"),
    ],
)
def test_bad_serving_config_is_refused_with_a_message_that_says_what_to_change(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config("demo", overrides={"serving": override})


def test_remote_host_is_allowed_with_a_token_variable():
    cfg = ServingConfig(host="0.0.0.0", auth_token_env="MEDCHAT_API_TOKEN")
    assert cfg.auth_token_env == "MEDCHAT_API_TOKEN"
