"""The drift gate (real MiniLM) and the teacher-answer filters."""

from __future__ import annotations

import pytest

from medchat_pipeline.config import project_root
from medchat_pipeline.config.augment import DriftConfig, QualityFilterConfig
from medchat_pipeline.core.augment.lexicon import load_lexicon
from medchat_pipeline.core.distill.quality import (
    DriftCandidate,
    agreement,
    answer_problem,
    doses,
    drift_gate,
    fabricated_citations,
    gold_problem,
    negation_count,
    numbers,
)
from medchat_pipeline.core.similarity import paired_cosine

LEXICON = load_lexicon(project_root() / "configs" / "synonyms.yaml")
QUALITY = QualityFilterConfig()


@pytest.fixture(scope="module")
def similarity(embedding_model_dir):
    return lambda a, b: paired_cosine(a, b, str(embedding_model_dir))


def gate(similarity, parent: str, variant: str, augmentation: str = "paraphrase"):
    return drift_gate([DriftCandidate(parent, variant, augmentation)], LEXICON, DriftConfig(), similarity)[0]


PARENT = "I take metformin 500 mg twice a day and have no allergies. Can I also take ibuprofen for knee pain?"


def test_drift_gate_keeps_a_faithful_paraphrase(similarity):
    score, problem = gate(
        similarity, PARENT,
        "I have no allergies and take metformin 500 mg twice daily. Is it okay to also use ibuprofen for my knee pain?",
    )  # fmt: skip
    assert problem is None
    assert 0.75 <= score <= 0.995


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        (PARENT.replace("500 mg", "50 mg"), "dose_changed"),
        (PARENT.replace("have no allergies", "have allergies"), "negation_changed"),
        (PARENT.replace("ibuprofen", "naproxen"), "drug_changed"),
        (PARENT.replace("metformin", "glimepiride"), "drug_changed"),
        (PARENT.replace("twice a day", "2 times a day"), "number_changed"),
        (PARENT.upper(), "unchanged"),
    ],
)
def test_drift_gate_rejects_clinical_changes(similarity, variant, reason):
    _, problem = gate(similarity, PARENT, variant)
    assert problem is not None and problem[0] == reason, problem


def test_drift_gate_rejects_a_change_of_topic(similarity):
    _, problem = gate(similarity, "What usually causes knee pain in runners?", "How do I bake sourdough bread at home?")
    assert problem[0] == "similarity_too_low"


def test_embedding_alone_misses_a_dose_change_the_fact_check_catches(similarity):
    changed = PARENT.replace("500 mg", "50 mg")
    assert float(similarity([PARENT], [changed])[0]) > 0.9  # why the gate checks facts, not only cosine
    assert gate(similarity, PARENT, changed)[1][0] == "dose_changed"


def test_split_variant_may_drop_facts_but_not_add_them(similarity):
    parent = "I take metformin 500 mg. What causes my tiredness and how is it treated?"
    assert gate(similarity, parent, "What causes my tiredness while taking metformin 500 mg?", "split")[1] is None
    _, problem = gate(similarity, parent, "What causes my tiredness on metformin 1000 mg?", "split")
    assert problem[0] == "dose_changed"


def test_perturbation_may_change_age_only():
    parent = "A 45-year-old man on warfarin 5 mg with an INR of 3.2"
    ok = drift_gate([DriftCandidate(parent, parent.replace("45", "48"), "perturb")], LEXICON, DriftConfig(), lambda a, b: [0.99])
    assert ok[0][1] is None
    lab = drift_gate([DriftCandidate(parent, parent.replace("3.2", "2.3"), "perturb")], LEXICON, DriftConfig(), lambda a, b: [0.99])
    assert lab[0][1][0] == "number_changed"


def test_fact_extractors():
    assert doses("Take 500mg, then 2 tablets and 10 mL") == {"500 mg": 1, "2 tablet": 1, "10 ml": 1}
    assert numbers("HbA1c 7.2%, 1,000 units, vitamin B12") == {"7.2": 1, "1000": 1}
    assert negation_count("I don't have fever, no cough, and I'm not dizzy") == 3


def test_fabricated_pmid_and_doi_are_detected():
    context = "PMID 12621137. A randomized trial (doi:10.1056/NEJMoa021633) of aspirin."
    invented = "A trial (PMID: 99887766) and https://doi.org/10.1000/fake.123 show benefit."
    assert fabricated_citations(invented, context) == {"pmid:99887766", "doi:10.1000/fake.123"}
    faithful = "As reported (PMID: 12621137; doi:10.1056/NEJMoa021633), aspirin helps."
    assert fabricated_citations(faithful, context) == set()
    assert answer_problem(invented, context, QUALITY)[0] == "fabricated_citation"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "empty_answer"),
        ("I'm not sure, but it might be a virus.", "hedging"),
        ("As an AI language model, I cannot diagnose you.", "refusal"),
        ("Y", "too_short"),
        ("x" * 7000, "too_long"),
        ("Это может быть простуда, обратитесь к врачу.", "not_english"),
        ("Rest, fluids and paracetamol 500 mg every 6 hours as needed.", None),
    ],
)
def test_answer_filters(answer, reason):
    problem = answer_problem(answer, "", QUALITY)
    assert (problem[0] if problem else None) == reason


def test_gold_answer_filtering():
    options = ["Erythromycin ointment", "Ketotifen eye drops", "Warm compresses", "Fluorometholone eye drops"]
    assert gold_problem("mcq", "Allergic conjunctivitis.\nFinal Answer: B) Ketotifen eye drops", "B", options) is None
    assert gold_problem("mcq", "Final Answer: C", "B", options)[0] == "wrong_answer"
    assert gold_problem("mcq", "It depends on many things.", "B", options)[0] == "no_final_answer"
    assert gold_problem("yes_no_maybe", "The trial showed benefit. Final Answer: yes", "yes", None) is None
    assert gold_problem("yes_no_maybe", "Final Answer: no", "yes", None)[0] == "wrong_answer"
    assert gold_problem("qa", "anything", None, None) is None


def test_teacher_agreement():
    assert agreement(["B", "B", "C"]) == pytest.approx(2 / 3)
    assert agreement(["yes", None]) is None
