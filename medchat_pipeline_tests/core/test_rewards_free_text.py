"""The free-text rewards of the design notes: exact match on short EHR answers, the hybrid
exact/BERTScore reward, the factual-error penalty and the reasoning-structure reward."""

from __future__ import annotations

from medchat_pipeline.config.training import RewardWeights
from medchat_pipeline.core import rewards

# Short answers in the shapes the EHR-derived sources produce (DrugEHRQA, MIMIC-IV medication rows).
EHR_REFS = ["Metoprolol tartrate 25 mg PO", "intravenous", "Furosemide 40 mg", "twice daily"]


def test_short_answer_exact_normalizes_units_routes_and_the_final_answer_line():
    replies = [
        "Final Answer: metoprolol tartrate 25mg by mouth.",  # same answer, other spellings
        "IV",
        "Furosemide 20 mg",  # wrong dose
        "BID",
    ]
    assert rewards.short_answer_exact(replies, answer=EHR_REFS, kind=["qa"] * 4) == [1.0, 1.0, 0.0, 1.0]


def test_short_answer_exact_leaves_long_references_and_choice_rows_to_other_rewards():
    long_ref = "Fatigue, pale skin, shortness of breath on exertion, brittle nails and cold hands and feet."
    scores = rewards.short_answer_exact(["Fatigue.", "Final Answer: B", "x"], answer=[long_ref, "B", None],
                                        kind=["qa", "mcq", "qa"])
    assert scores == [None, None, None]


def test_hybrid_uses_exact_match_for_short_references_and_bertscore_for_long_ones():
    long_ref = "A cough that lingers for a few weeks after a cold is common; see a doctor if it lasts beyond eight weeks."
    scores = rewards.hybrid_exact_bertscore(
        ["Metoprolol tartrate 25 mg orally", "Furosemide 20 mg", long_ref, "Bananas are yellow fruit grown in the tropics.", ""],
        answer=[EHR_REFS[0], EHR_REFS[2], long_ref, long_ref, long_ref],
        kind=["qa"] * 5,
    )
    assert scores[:2] == [1.0, 0.0]
    assert scores[2] > 0.99 and scores[3] < scores[2] and scores[4] == 0.0


def test_factual_error_penalty_for_contradicting_doses_and_drugs_only():
    replies = [
        "Take metoprolol 50 mg twice daily.",  # dose contradicts 25 mg
        "Start amoxicillin.",  # names a drug, none of the reference's
        "Metoprolol 25 mg, and check the heart rate first.",  # agrees
        "Rest and drink fluids.",  # silent on the facts: no contradiction
    ]
    refs = ["Metoprolol 25 mg twice daily"] * 4
    assert rewards.factual_error_penalty(replies, answer=refs, kind=["qa"] * 4) == [-1.0, -1.0, 0.0, 0.0]
    assert rewards.factual_error_penalty(["Final Answer: C"], answer=["C"], kind=["mcq"]) == [None]


def test_reasoning_structure_rewards_ordered_differential_steps():
    ordered = ("She presents with fever and a stiff neck. The differential includes meningitis versus migraine. "
               "A lumbar puncture confirms it, because the CSF shows neutrophils. Therefore the most likely "
               "diagnosis is bacterial meningitis.")
    shuffled = "Therefore it is meningitis. Consider migraine. She presents with fever."
    scores = rewards.reasoning_structure([ordered, shuffled, "Meningitis."])
    assert scores[0] == 1.0 and 0 < scores[1] < 0.75 and scores[2] == 0.0


def test_every_reward_weight_names_a_reward_function():
    weights = {name: 1.0 for name in RewardWeights().model_dump() if name != "teacher_judge"}
    functions, chosen = rewards.build_reward_functions(weights)
    assert [f.__name__ for f in functions] == list(weights) and chosen == [1.0] * len(weights)
