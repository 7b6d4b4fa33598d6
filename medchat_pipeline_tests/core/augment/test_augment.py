"""Augmentation core: messy-list parsing, splitting, perturbation, synonyms, synthesis, and a whole
partition through the real drift gate with counts that add up."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config import project_root
from medchat_pipeline.config.augment import (
    AugmentConfig,
    PerturbConfig,
    QualityFilterConfig,
)
from medchat_pipeline.core.augment.lexicon import (
    LexiconError,
    load_lexicon,
    parse_lexicon,
)
from medchat_pipeline.core.augment.partition import augment_partition
from medchat_pipeline.core.augment.rules import (
    apply_synonyms,
    assign_answer,
    plan_perturbation,
    split_by_rule,
    underrepresented_topics,
)
from medchat_pipeline.core.augment.teacher_text import (
    parse_qa_pairs,
    parse_teacher_list,
)
from medchat_pipeline.core.similarity import paired_cosine
from medchat_pipeline_tests.core.generation_fixtures import (
    DIALOGUE_ROW,
    MCQ_ROW,
    ScriptedTeacher,
    qac_frame,
    qac_row,
)

LEXICON = load_lexicon(project_root() / "configs" / "synonyms.yaml")
TWO = ["What is the right ibuprofen dose for a child?", "How much ibuprofen can a child safely take?"]


@pytest.mark.parametrize(
    "text",
    [
        'Sure! Here are 2 paraphrases:\n\n1. "What is the right ibuprofen dose for a child?"\n'
        "2. **How much ibuprofen can a child safely take?**\n\nI hope this helps!",
        '```json\n["What is the right ibuprofen dose for a child?", "How much ibuprofen can a child safely take?"]\n```',
        '{"paraphrases": [{"text": "What is the right ibuprofen dose for a child?"}, '
        '{"text": "How much ibuprofen can a child safely take?"}]}',
        "- What is the right ibuprofen dose for a child?\n* How much ibuprofen can a child safely take?",
        "Paraphrase 1: What is the right ibuprofen dose for a child?\nParaphrase 2: How much ibuprofen can a child safely take?",
        '"What is the right ibuprofen dose for a child?" "How much ibuprofen can a child safely take?"',
        "1) What is the right ibuprofen dose for a child? 2) How much ibuprofen can a child safely take?",
        "Here you go:\nWhat is the right ibuprofen dose for a child?\nHow much ibuprofen can a child safely take?",
        "1. What is the right ibuprofen dose for a child?\n2. How much ibuprofen can a child safely take?\n"
        "3. what is the right ibuprofen dose for a child?\nLet me know if you need more.",
    ],
)
def test_parse_teacher_list_handles_messy_shapes(text):
    assert parse_teacher_list(text) == TWO


def test_parse_teacher_list_respects_max_items_and_empty_input():
    assert parse_teacher_list("1. " + TWO[0] + "\n2. " + TWO[1], max_items=1) == TWO[:1]
    assert parse_teacher_list("") == []
    assert parse_teacher_list("Sure! Here are the paraphrases:") == []


ITEM = st.text(alphabet=st.sampled_from("abcdefghij klmnop?,"), min_size=10, max_size=40).map(
    lambda s: "Why " + " ".join(s.split()) + "?"
)


@settings(max_examples=60, deadline=None)
@given(items=st.lists(ITEM, min_size=2, max_size=4, unique_by=str.lower), shape=st.sampled_from(["json", "numbered", "bullets", "preamble"]))
def test_parse_teacher_list_round_trips_rendered_lists(items, shape):
    rendered = {
        "json": json.dumps(items),
        "numbered": "\n".join(f"{i + 1}. {item}" for i, item in enumerate(items)),
        "bullets": "\n".join(f"- {item}" for item in items),
        "preamble": "Here are some paraphrases:\n" + "\n".join(f"{i + 1}) {item}" for i, item in enumerate(items)),
    }[shape]
    assert parse_teacher_list(rendered) == items


def test_qa_pairs_from_json_and_from_text():
    assert parse_qa_pairs('Here:\n[{"Question": "What is gout?", "answer": "A form of arthritis."}]') == [
        ("What is gout?", "A form of arthritis.")
    ]
    text = "Q: What is gout?\nA: A form of\narthritis.\n\nQ: Is it painful?\nA: Yes, attacks hurt."
    assert parse_qa_pairs(text) == [("What is gout?", "A form of arthritis."), ("Is it painful?", "Yes, attacks hurt.")]


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("What causes migraines and how are they treated?", ["What causes migraines?", "How are they treated?"]),
        ("Is ibuprofen safe in pregnancy? Can I take paracetamol instead?",
         ["Is ibuprofen safe in pregnancy?", "Can I take paracetamol instead?"]),
        ("What are the causes and treatment of headache?", []),  # not clear enough for rules: the teacher's job
        ("Is 500 mg of amoxicillin enough?", []),
    ],
)  # fmt: skip
def test_split_by_rule_only_splits_clear_conjunctions(question, parts):
    assert split_by_rule(question) == parts


def test_assign_answer_pairs_each_part_with_its_sentences():
    answer = "Migraines are caused by genetic factors. Treatment includes triptans. See your doctor."
    causes, treatment = assign_answer(["What causes migraines?", "How are they treated?"], answer)
    assert "caused" in causes and "triptans" not in causes
    assert "triptans" in treatment and "genetic" not in treatment
    assert "See your doctor." in causes and "See your doctor." in treatment


PROTECTED = "No allergies. Takes warfarin 5 mg daily; INR 2.4; denies chest pain."


@settings(max_examples=80, deadline=None)
@given(age=st.integers(min_value=1, max_value=110), seed=st.integers(0, 10_000))
def test_perturbation_keeps_age_in_band_and_clinical_facts(age, seed):
    cfg = PerturbConfig()
    text = f"A {age}-year-old man. {PROTECTED}"
    plan = plan_perturbation([text], random.Random(seed), cfg, LEXICON)
    out = plan.apply(text)
    assert out.endswith(PROTECTED)  # allergies, medication, dose, lab value and negation untouched
    if age in plan.ages:
        new_age = plan.ages[age]
        band = next((lo, hi) for lo, hi in zip(cfg.age_bands, cfg.age_bands[1:]) if lo <= age < hi)
        assert band[0] <= new_age < band[1] and abs(new_age - age) <= cfg.age_jitter_years
        assert f"A {new_age}-year-old woman." in out


def test_perturbation_leaves_sex_when_the_condition_depends_on_it():
    text = "My wife is 32 years old and pregnant. Is paracetamol 500 mg safe for her?"
    plan = plan_perturbation([text], random.Random(0), PerturbConfig(), LEXICON)
    assert not plan.swap_sex
    assert "pregnant" in plan.apply(text) and "wife" in plan.apply(text)


def test_perturbation_swaps_names_and_pronouns_consistently():
    texts = ["", "My son John is 8 and has a cough.", "John should rest; give him fluids."]
    plan = plan_perturbation(texts, random.Random(3), PerturbConfig(), LEXICON)
    context, question, answer = (plan.apply(t) for t in texts)
    new_name = plan.names["John"]
    assert question.startswith(f"My daughter {new_name} is") and answer.startswith(f"{new_name} should rest; give her")


def test_real_lexicon_keeps_forbidden_pairs_out_of_reach():
    for term, alternatives in LEXICON.alternatives.items():
        assert not any(LEXICON.is_forbidden(term, alt) for alt in alternatives)
    assert LEXICON.is_forbidden("cold", "flu") and LEXICON.is_forbidden("Flu", "COLD")


def test_lexicon_with_a_forbidden_pair_in_a_safe_group_is_refused():
    with pytest.raises(LexiconError, match="forbidden pair"):
        parse_lexicon({"safe_groups": [["cold", "flu", "chill"]], "forbidden_pairs": [["cold", "flu"]]})


WORDS = ["cold", "flu", "pain", "ache", "medicine", "medication", "I", "have", "a", "and", "my", "belly", "doctor", "migraine", "headache"]


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=15), seed=st.integers(0, 1000))
def test_forbidden_synonyms_are_never_applied(words, seed):
    text = " ".join(words)
    out, swaps = apply_synonyms(text, LEXICON, random.Random(seed), max_swaps=3)
    assert all(not LEXICON.is_forbidden(old, new) for old, new in swaps)
    for term in ("cold", "flu", "migraine", "headache"):  # members of forbidden pairs never appear from nowhere
        assert out.split().count(term) == text.split().count(term)


def test_synonyms_swap_safe_terms_and_keep_case():
    out, swaps = apply_synonyms("Which Medicine helps my pain?", LEXICON, random.Random(1), max_swaps=2)
    assert out == "Which Medication helps my ache?" and swaps == [("medicine", "medication"), ("pain", "ache")]


def test_underrepresented_topics_counts_subject_topic_pairs():
    rows = [qac_row("medmcqa", f"Q{i} about anatomy?", "A", subject="Anatomy") for i in range(5)]
    rows += [qac_row("medmcqa", "Q about dental caries?", "A", subject="Dental", topic="Caries")]
    rows += [qac_row("medmcqa", f"Q{i} about eyes?", "A", subject="Ophthalmology") for i in range(2)]
    topics = underrepresented_topics(qac_frame(rows), max_count=3, limit=5)
    assert topics == [("Dental", "Caries", 1), ("Ophthalmology", None, 2)]


@pytest.fixture(scope="module")
def similarity(embedding_model_dir):
    return lambda a, b: paired_cosine(a, b, str(embedding_model_dir))


def test_augment_partition_counts_add_up_and_rejects_carry_reasons(similarity):
    pain = qac_row("healthcaremagic", "Which medicine helps my back pain after lifting?", "Rest and paracetamol 500 mg.",
                   kind="dialogue_turn", subject="Orthopedics")  # fmt: skip
    rows = qac_frame([DIALOGUE_ROW, pain, {**MCQ_ROW, "source": "healthcaremagic"},
                      qac_row("healthcaremagic", "Is this a held-out question?", "Yes.", split="test")])  # fmt: skip

    def respond(request):
        if request.id.startswith("paraphrase") and "back pain" in request.prompt:
            # one faithful paraphrase and one that swaps the drug context: the gate must keep one, drop one
            return ("Here are 2 paraphrases:\n1. What medication helps my back pain after lifting something?\n"
                    "2. Does ibuprofen 400 mg help my back pain after lifting?")  # fmt: skip
        if request.id.startswith("paraphrase") and "itchy" in request.prompt:
            return None  # a provider failure: kept as a reject with the gateway's error kind
        if request.id.startswith("paraphrase"):
            return "Sure! I can't think of any."
        if request.id.startswith("split"):
            return "1. What causes tiredness in a 45-year-old man taking metformin 500 mg?\n2. How is that tiredness treated?"
        if request.id.startswith("synth"):
            return json.dumps([{"question": "What is frozen shoulder?", "answer": "A stiff, painful shoulder capsule."},
                               {"question": "Can frozen shoulder heal?", "answer": "I'm not sure, maybe."}])  # fmt: skip
        raise AssertionError(request.id)

    teacher = ScriptedTeacher(respond)
    result = augment_partition(
        rows, "healthcaremagic", teacher, similarity, LEXICON, AugmentConfig(), QualityFilterConfig(), seed=13, all_rows=rows
    )
    kept, rejects = result.kept, result.rejects
    assert result.produced == kept.height + rejects.height and kept.height > 0 and rejects.height > 0
    assert not any("held-out" in r.prompt for r in teacher.requests)  # test rows never reach the teacher
    assert set(kept["split"]) <= {"train", "val"}
    reasons = set(rejects["reason"])
    assert {"teacher_server", "unparseable_list", "hedging"} <= reasons
    assert "drug_changed" in reasons or "dose_changed" in reasons
    paraphrases = kept.filter(kept["augmentation"] == "paraphrase")
    assert paraphrases["question"].to_list() == ["What medication helps my back pain after lifting something?"]
    assert paraphrases["answer"].to_list() == ["Rest and paracetamol 500 mg."]  # a paraphrase keeps its answer
    assert paraphrases["parent_id"].to_list() == [pain["id"]]
    assert set(kept["origin"]) == {"augmented", "synthetic"}
    synth = kept.filter(kept["origin"] == "synthetic")
    assert synth["question"].to_list() == ["What is frozen shoulder?"] and synth["subject"].to_list() == ["Ophthalmology"]  # rarest, ties by name
    splits = kept.filter(kept["augmentation"] == "split")
    assert splits.height == 2 and "adjusting metformin" in splits["answer"][1]
    assert kept["id"].n_unique() == kept.height


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mix": {"distilled_share": 1.5}}, "mix.distilled_share"),
        ({"distill": {"schedule_cron": "every monday"}}, "distill.schedule_cron: schedule_cron 'every monday' is not a valid cron"),
        ({"augment": {"drift": {"bounds": {"paraphrase": {"min": 0.9, "max": 0.8}}}}},
         "augment.drift.bounds.paraphrase: similarity bounds need min < max"),
        ({"augment": {"drift": {"bounds": {"rewrite": {"min": 0.5}}}}}, "unknown augmentation(s) ['rewrite']"),
        ({"distill": {"teachers": []}}, "at least one teacher"),
        ({"augment": {"paraphrase_count": 3}}, "augment.paraphrase_count"),
    ],
)  # fmt: skip
def test_config_errors_name_the_key(overrides, message):
    from medchat_pipeline.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config("demo", overrides=overrides)
