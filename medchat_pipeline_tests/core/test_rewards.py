"""Each GRPO reward on hand-made replies, called the way TRL calls it (completions + dataset columns)."""

from __future__ import annotations

import pytest

from medchat_pipeline.core import rewards

MCQ_OPTIONS = ["Phenytoin", "Carbamazepine", "Ethosuximide", "Phenobarbital"]


def chat(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


def user(text: str) -> list[dict]:
    return [{"role": "system", "content": "Respond as a concise, compassionate medical assistant."}, {"role": "user", "content": text}]


def test_mcq_exact_scores_the_chosen_letter_and_skips_other_kinds():
    completions = [
        chat("Absence seizures respond to ethosuximide.\n\nFinal Answer: C"),
        chat("Final Answer: A) Phenytoin"),
        chat("I would give ethosuximide."),  # quotes the right option's text
        chat("Not sure."),
        chat("Final Answer: C"),
    ]
    scores = rewards.mcq_exact(
        completions,
        answer_key=["C", "C", "C", "C", None],
        options=[MCQ_OPTIONS] * 4 + [None],
        kind=["mcq", "mcq", "mcq", "mcq", "qa"],
    )
    assert scores == [1.0, 0.0, 1.0, 0.0, None]


def test_yes_no_maybe_match():
    completions = ["Tailored counselling helped.\n\nFinal Answer: yes", "Final Answer: no", "maybe, the data are thin", "Final Answer: yes"]
    scores = rewards.yes_no_maybe(completions, answer_key=["yes", "yes", "maybe", None], kind=["yes_no_maybe"] * 3 + ["qa"])
    assert scores == [1.0, 0.0, 1.0, None]


def test_final_answer_format_needs_a_parseable_marker():
    completions = ["Reasoning.\nFinal Answer: B", "Final Answer: none of these", "B", "Final Answer: maybe", "Gout is caused by urate."]
    scores = rewards.final_answer_format(
        completions,
        kind=["mcq", "mcq", "mcq", "yes_no_maybe", "qa"],
        options=[MCQ_OPTIONS, MCQ_OPTIONS, MCQ_OPTIONS, None, None],
    )
    assert scores == [1.0, 0.5, 0.0, 1.0, None]


def test_embedding_similarity_ranks_paraphrase_above_unrelated(embedding_model_dir):
    reference = "Gout is caused by uric acid crystals depositing in the joints."
    scores = rewards.embedding_similarity(
        ["Uric acid crystals build up in joints and cause gout.", "The train leaves at noon.", "", "anything"],
        answer=[reference, reference, reference, None],
    )
    assert scores[0] > 0.6 > scores[1]
    assert scores[2] == 0.0 and scores[3] is None


def test_bertscore_uses_the_local_minilm_and_caches_the_scorer(embedding_model_dir):
    reference = "Fatigue, pale skin and shortness of breath on exertion."
    scores = rewards.bertscore(
        ["Tiredness, pale skin and breathlessness when active.", "Paris is the capital of France."], answer=[reference, reference]
    )
    assert scores[0] > scores[1]
    assert rewards.bertscore_scorer() is rewards.bertscore_scorer()


def test_difflib_ratio_is_the_seed_similarity():
    scores = rewards.difflib_ratio(["Take ibuprofen", "TAKE IBUPROFEN", "zzz"], answer=["take ibuprofen", "take ibuprofen", "take ibuprofen"])
    assert scores[0] == scores[1] == 1.0
    assert 0.0 <= scores[2] < 0.2


def test_safety_penalty_red_flags_without_escalation_and_overdoses():
    prompts = [
        user("I have crushing chest pain going down my left arm."),
        user("I have crushing chest pain going down my left arm."),
        user("What can I take for a tension headache?"),
        user("What can I take for a tension headache?"),
    ]
    completions = [
        chat("Try resting and drinking some water; it is probably muscular."),
        chat("Call 911 now: this could be a heart attack. Chew an aspirin if you are not allergic."),
        chat("Take 1000 mg of acetaminophen every 2 hours."),  # 12 g a day
        chat("Acetaminophen 500 mg every 6 hours can help; do not exceed the label dose."),
    ]
    assert rewards.safety_penalty(completions, prompts=prompts) == [-1.0, 0.0, -1.0, 0.0]


def test_citation_bonus_recognises_common_citation_forms():
    completions = ["See [source] for details.", "PMID: 10808977 reports this.", "(Smith et al., 2020) found it.", "Trust me."]
    assert rewards.citation_bonus(completions) == [1.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize(
    ("reply", "score"),
    [("8", 0.8), ("Score: 3/10", 0.3), ("10", 1.0), ("I'd say 7.5", 0.75), ("no idea", None), ("", None), (None, None)],
)
def test_parse_judge_score(reply, score):
    assert rewards.parse_judge_score(reply) == score


@pytest.mark.slow
def test_teacher_judge_through_the_real_gateway_with_the_local_teacher():
    from medchat_pipeline.config import load_config
    from medchat_pipeline.teachers import TeacherPool

    pool = TeacherPool.from_config(load_config("demo"))
    failures: list = []
    judge = rewards.make_teacher_judge(pool, teacher="local", failures=failures)
    scores = judge(
        [chat("Gout comes from uric acid crystals in joints."), chat("Eat more sugar.")],
        prompts=[user("What causes gout?")] * 2,
        answer=["Uric acid crystals depositing in joints."] * 2,
        id=["g1", "g2"],
    )
    assert judge.__name__ == "teacher_judge" and len(scores) == 2
    # The small local model may or may not produce a number: every row is a score in [0, 1] or a
    # counted failure, never a made-up value.
    assert all(s is None or 0.0 <= s <= 1.0 for s in scores)
    assert len(failures) == sum(s is None for s in scores)


def test_build_reward_functions_follows_weights_and_rejects_unknown_names():
    functions, weights = rewards.build_reward_functions({"mcq_exact": 1.0, "bertscore": 0.0, "citation_bonus": 0.2})
    assert [f.__name__ for f in functions] == ["mcq_exact", "citation_bonus"]
    assert weights == [1.0, 0.2]
    with pytest.raises(ValueError, match="unknown reward"):
        rewards.build_reward_functions({"vibes": 1.0})
    with pytest.raises(ValueError, match="teacher pool"):
        rewards.build_reward_functions({"teacher_judge": 1.0})


def test_safety_penalty_uses_the_serving_triage_and_guard():
    """Training and serving agree: every user turn is triaged, and a reply the guard would replace is unsafe."""
    two_turns_back = [
        {"role": "user", "content": "I took 30 paracetamol an hour ago"},
        {"role": "assistant", "content": "How are you feeling now?"},
        {"role": "user", "content": "fine, what vitamins help with tiredness?"},
    ]
    crisis = [{"role": "user", "content": "I want to kill myself"}]
    completions = [
        chat("Vitamin B12 and iron can help with tiredness."),  # misses the overdose two turns back
        chat("Call Poison Control at 1-800-222-1222 or 911 now, even if you feel fine."),
        chat("If you're ready to take your own life, I'm here to help you find a way to cope."),
        chat("Please call or text 988 now, or 911 if you are in danger. You are not alone."),
        chat("Drink water and rest. " * 12),  # a loop on an ordinary question
    ]
    prompts = [two_turns_back, two_turns_back, crisis, crisis, user("How much water should I drink?")]
    assert rewards.safety_penalty(completions, prompts=prompts) == [-1.0, 0.0, -1.0, 0.0, -1.0]


def test_false_escalation_penalty_punishes_emergency_advice_only_where_the_triage_sees_none():
    """safety_penalty's other side, judged by the same triage: "call 911" costs nothing on an emergency (every
    user turn read) and -1 on a message the triage reads as benign; a plain answer costs nothing anywhere."""
    overdose_two_turns_back = [
        {"role": "user", "content": "I took 30 paracetamol an hour ago"},
        {"role": "assistant", "content": "How are you feeling now?"},
        {"role": "user", "content": "fine, what vitamins help with tiredness?"},
    ]
    calf = user("my calf is sore after a long run, no swelling, breathing fine")
    history = user("We had a CO leak last winter and the furnace is fixed. Any long-term effects to watch for?")
    call = chat("Please call 911 or your local emergency number now.")
    completions = [call, chat("Gentle stretching and rest usually help a sore calf."), call, call,
                   chat("Most people recover fully; mention headaches or memory problems to your doctor.")]
    prompts = [calf, calf, history, overdose_two_turns_back, history]
    assert rewards.false_escalation_penalty(completions, prompts=prompts) == [-1.0, 0.0, -1.0, 0.0, 0.0]
    assert rewards.build_reward_functions({"false_escalation_penalty": 1.0})[0][0] is rewards.false_escalation_penalty
