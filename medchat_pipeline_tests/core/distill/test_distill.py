"""Distillation core: prompts, CoT split, gold filtering, labels, several teachers, weak areas, preference pairs."""

from __future__ import annotations

import polars as pl
import pytest

from medchat_pipeline.config.augment import DistillConfig
from medchat_pipeline.core.distill.partition import (
    cot_prompt,
    distill_partition,
    parse_ranking,
    preference_pairs,
    read_weak_areas,
    response_prompt,
    split_rationale,
    weak_area_ids,
)
from medchat_pipeline_tests.core.generation_fixtures import (
    DIALOGUE_ROW,
    MCQ_ROW,
    UNLABELED_ROW,
    YES_NO_ROW,
    ScriptedTeacher,
    qac_frame,
    qac_row,
)


def test_prompts_say_what_the_issue_asks():
    assert response_prompt(DIALOGUE_ROW).startswith("As a doctor, answer accurately")
    cot = cot_prompt(MCQ_ROW)
    assert cot.startswith("Explain step-by-step like a doctor, then conclude with 'Final Answer:'")
    assert "B. Ketotifen eye drops" in cot and "letter of the correct option" in cot
    assert "Context:\nPMID 12621137" in cot_prompt(YES_NO_ROW)


def test_split_rationale():
    text = "1. Seasonal itch suggests allergy.\n2. Mast-cell stabiliser fits.\n**Final Answer: B) Ketotifen eye drops"
    assert split_rationale(text) == ("1. Seasonal itch suggests allergy.\n2. Mast-cell stabiliser fits.", "B) Ketotifen eye drops")
    assert split_rationale("No conclusion here.") == (None, None)


def _two_teachers(request):
    """teacher_a is right on the MCQ and yes/no, teacher_b is wrong on the MCQ and invents a PMID."""
    wrong = request.teacher == "teacher_b"
    if "itchy" in request.prompt:
        return "Spring allergy.\nFinal Answer: " + ("C) Warm compresses" if wrong else "B) Ketotifen eye drops")
    if "aspirin" in request.prompt:
        cite = " (PMID: 99887766)" if wrong else " (PMID 12621137)"
        return f"The trial found fewer adenomas{cite}.\nFinal Answer: yes"
    if "vitamin D" in request.prompt:
        return "Fewer falls were seen.\nFinal Answer: yes"
    if "tiredness" in request.prompt:
        if request.id.startswith("cot"):
            return "Check glucose and haemoglobin first." if wrong else "Check glucose.\nFinal Answer: blood tests"
        return "Tiredness may come from high sugar; get blood tests and review metformin with your doctor."
    raise AssertionError(request.prompt)


def test_distill_partition_filters_on_gold_and_records_teachers():
    rows = qac_frame([MCQ_ROW, YES_NO_ROW, UNLABELED_ROW, DIALOGUE_ROW, qac_row("medqa", "held-out?", "x", split="test")])
    cfg = DistillConfig(teachers=["teacher_a", "teacher_b"], max_questions_per_partition=None)
    teacher = ScriptedTeacher(_two_teachers)
    result = distill_partition(rows, "mixed", teacher, cfg)
    kept, rejects = result.kept, result.rejects
    # 3 labeled rows × (response + cot) × 2 teachers + 1 unlabeled × label × 2 teachers = 14 outputs
    assert len(teacher.requests) == 14 and result.produced == 14 == kept.height + rejects.height
    assert not any("held-out" in r.prompt for r in teacher.requests)
    assert sorted(rejects["reason"].to_list()) == sorted(
        ["wrong_answer"] * 2 + ["fabricated_citation"] * 2 + ["no_final_answer"]
    )
    assert set(kept["teacher"]) == {"test/teacher_a", "test/teacher_b"}
    mcq = kept.filter(pl.col("parent_id") == MCQ_ROW["id"])
    assert set(mcq["teacher"]) == {"test/teacher_a"} and set(mcq["answer_key"]) == {"B"}
    assert mcq["teacher_agreement"].to_list() == [0.5, 0.5]
    cot = mcq.filter(pl.col("distill_mode") == "cot")
    assert cot["rationale"].to_list() == ["Spring allergy."] and cot["answer"].to_list() == ["B) Ketotifen eye drops"]
    label = kept.filter(pl.col("parent_id") == UNLABELED_ROW["id"])
    assert label["distill_mode"].to_list() == ["label", "label"] and set(label["answer_key"]) == {"yes"}
    assert set(kept["origin"]) == {"distilled"} and kept["id"].n_unique() == kept.height


def test_distill_caps_questions_and_puts_weak_areas_first():
    rows = qac_frame([qac_row("medmcqa", f"Question {i} about the kidney?", "a", subject="Physiology") for i in range(6)]
                     + [qac_row("medmcqa", "Which nerve supplies the deltoid?", "Axillary", subject="Anatomy")])  # fmt: skip
    weak = pl.DataFrame({"source": ["medmcqa"], "subject": ["anatomy"], "topic": [""]})
    priority = weak_area_ids(rows, weak)
    assert len(priority) == 1
    teacher = ScriptedTeacher(lambda r: "An answer from the teacher.")
    cfg = DistillConfig(modes=["response"], max_questions_per_partition=2, weak_area_extra_questions=1)
    result = distill_partition(rows, "medmcqa", teacher, cfg, priority_ids=priority)
    assert len(teacher.requests) == 3 and result.stats["weak_area_questions"] == 1
    assert {(r.params["max_tokens"], r.params["max_new_tokens"]) for r in teacher.requests} == {(cfg.max_tokens,) * 2}
    assert any("deltoid" in r.prompt for r in teacher.requests)


def test_read_weak_areas(tmp_path):
    path = tmp_path / "weak_areas.csv"
    assert read_weak_areas(path).is_empty()
    path.write_text(
        "source,subject,topic,metric,value,n,threshold\n"
        "medmcqa,Anatomy,,accuracy,0.31,40,0.5\nmedmcqa,Physiology,,accuracy,0.72,40,0.5\n"
    )
    assert read_weak_areas(path)["subject"].to_list() == ["Anatomy"]
    path.write_text("source,subject\nmedmcqa,Anatomy\n")
    with pytest.raises(ValueError, match="lacks column"):
        read_weak_areas(path)


@pytest.mark.parametrize(
    ("text", "n", "ranking"),
    [
        ("2 > 1", 2, [1, 0]),
        ("Ranking: 3 > 1 > 2", 3, [2, 0, 1]),
        ("[2, 3, 1]", 3, [1, 2, 0]),
        ("Answer 2 is the best.", 2, [1, 0]),
        ("1. Answer 3\n2. Answer 1\n3. Answer 2", 3, [2, 0, 1]),
        ("Both answers are fine.", 2, None),
        ("", 2, None),
    ],
)
def test_parse_ranking(text, n, ranking):
    assert parse_ranking(text, n) == ranking


def test_preference_pairs_from_a_judge_ranking():
    rows = qac_frame([DIALOGUE_ROW, {**YES_NO_ROW, "source": "healthcaremagic"}])
    teacher = ScriptedTeacher(_two_teachers)
    distilled = distill_partition(rows, "healthcaremagic", teacher, DistillConfig(teachers=["teacher_a"])).kept
    judge = ScriptedTeacher(lambda r: "2 > 1" if "tiredness" in r.prompt else "I cannot rank these.")
    result = preference_pairs(distilled, judge, DistillConfig(judge_teacher="judge"))
    assert result.kept.height == 1 and result.rejects["reason"].to_list() == ["unparseable_ranking"]
    pair = result.kept.row(0, named=True)
    candidates = distilled.filter(pl.col("parent_id") == DIALOGUE_ROW["id"]).sort("id")
    assert pair["chosen_id"] == candidates["id"][1] and pair["rejected_id"] == candidates["id"][0]
    assert pair["judge"] == "test/judge" and pair["chosen"] != pair["rejected"]


def test_pubmedqa_unlabeled_rows_arrive_as_qa_and_get_a_yes_no_label():
    unlabeled = qac_row("pubmedqa", "Is vitamin D supplementation associated with fewer falls in older adults?",
                        "Supplementation was associated with fewer falls.", kind="qa", context="A cohort of 2,000 adults.")
    labeled_qa = qac_row("medquad", "What is gout?", "A form of arthritis.", kind="qa")
    teacher = ScriptedTeacher(lambda r: "Fewer falls were seen.\nFinal Answer: yes" if "vitamin D" in r.prompt else "Gout is arthritis.")
    result = distill_partition(qac_frame([unlabeled, labeled_qa]), "mixed", teacher, DistillConfig(modes=["response", "label"]))
    label = result.kept.filter(pl.col("distill_mode") == "label").row(0, named=True)
    assert label["parent_id"] == unlabeled["id"] and label["kind"] == "yes_no_maybe" and label["answer_key"] == "yes"
    assert "yes, no or maybe" in next(r.prompt for r in teacher.requests if "vitamin D" in r.prompt)
    assert result.kept.filter(pl.col("parent_id") == labeled_qa["id"])["distill_mode"].to_list() == ["response"]
