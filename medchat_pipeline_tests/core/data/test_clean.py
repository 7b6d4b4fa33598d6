"""core.data.clean: whitespace, HTML, length bounds, PII placeholders, ids recomputed, counts conserved."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config.data import CleaningConfig
from medchat_pipeline.core.data.clean import clean_qac
from medchat_pipeline.core.data.schema import REJECT_SCHEMA, qac_id


def qac(question: str, answer: str = "Rest and fluids.", context: str = "", kind: str = "dialogue_turn", **extra) -> dict:
    return {
        "source": "healthcaremagic",
        "source_id": extra.pop("source_id", "r1"),
        "group_id": "g1",
        "kind": kind,
        "context": context,
        "question": question,
        "answer": answer,
        **extra,
    }


def clean_one(row: dict, cfg: CleaningConfig | None = None) -> dict:
    result = clean_qac(pl.DataFrame([row]), cfg)
    assert result.kept.height == 1, result.rejects.to_dicts()
    return result.kept.row(0, named=True)


def test_whitespace_is_normalized_but_paragraphs_and_lists_survive():
    row = clean_one(qac("  What   is\tit?\u200b ", answer="Line one\r\n   \n \n\n  - item\t\t two  \n   - item three"))
    assert row["question"] == "What is it?"
    assert row["answer"] == "Line one\n\n- item two\n- item three"


def test_html_tags_are_stripped_and_entities_decoded_without_eating_clinical_signs():
    row = clean_one(
        qac(
            "Is a dose &lt;5 mg safe when BP &gt; 140?",
            answer="Take <b>rest</b>.<br>Then&nbsp;see &#8212; your doctor &amp; nurse &eacute;",
        )
    )
    assert row["question"] == "Is a dose <5 mg safe when BP > 140?"
    assert row["answer"] == "Take rest.\nThen see — your doctor & nurse é"


def test_mcq_options_are_cleaned_too():
    row = clean_one(qac("Which drug is used?", answer="Aspirin", kind="mcq", options=[" <i>Aspirin</i> ", "Heparin\n"]))
    assert row["options"] == ["Aspirin", "Heparin"]


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("Hi, I am John. My chest hurts.", "Hi, I am [NAME]. My chest hurts.", "name"),
        ("Dear Dr. Smith, my chest hurts.", "Dear Dr. [NAME], my chest hurts.", "name"),
        ("Hello Sarah, my chest hurts.", "Hello [NAME], my chest hurts.", "name"),
        ("Hi doctor, my name is Jane Roe and I cough.", "Hi doctor, my name is [NAME] and I cough.", "name"),
        ("Mail me at jane.roe+med@example.co.uk please.", "Mail me at [EMAIL] please.", "email"),
        ("Call +1 (555) 123-4567 or 555.987.6543 today.", "Call [PHONE] or [PHONE] today.", "phone"),
        ("See https://example.com/a?b=1 and www.clinic.org/x for my report.", "See [URL] and [URL] for my report.", "url"),
    ],
)
def test_pii_in_patient_text_is_replaced_and_counted(text, expected, kind):
    result = clean_qac(pl.DataFrame([qac(text)]))
    assert result.kept["question"].to_list() == [expected]
    assert result.stats[f"pii_{kind}"] == expected.count(f"[{kind.upper()}]")


@pytest.mark.parametrize(
    "text",
    [
        "Hi, Thanks for your reply. Hello Doctor, I take 500 mg since 2019; BP 120/80, sugar 7.8.",
        "Hello, Please help. Hi, My son has fever of 102 for 3 days.",
        "Good morning Doctor, I am worried about my 10-year-old.",
    ],
)
def test_pii_scrubbing_leaves_ordinary_text_alone(text):
    result = clean_qac(pl.DataFrame([qac(text)]))
    assert result.kept["question"].to_list() == [text]
    assert sum(v for k, v in result.stats.items() if k.startswith("pii_")) == 0


def test_pii_scrubbing_covers_dialogue_context_but_not_doctor_answers_or_other_kinds():
    rows = [
        qac("I feel dizzy.", answer="Hi, I am Dr. Adams, call 555-123-4567.", context="Patient: Hello Sarah, see you.\nDoctor: ok"),
        qac("Mail x@example.com about Hello Sarah, ok?", kind="qa", source_id="r2"),
    ]
    kept = clean_qac(pl.DataFrame(rows)).kept.sort("source_id")
    assert kept["context"][0] == "Patient: Hello [NAME], see you.\nDoctor: ok"
    assert kept["answer"][0] == "Hi, I am Dr. Adams, call 555-123-4567."
    assert kept["question"][1] == "Mail x@example.com about Hello Sarah, ok?"


def test_pii_kinds_are_configurable():
    cfg = CleaningConfig(pii_kinds=["email"])
    row = clean_one(qac("Hi, I am John, mail john@example.com or call 555-123-4567."), cfg)
    assert row["question"] == "Hi, I am John, mail [EMAIL] or call 555-123-4567."


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (qac("<p> </p>"), "empty_after_cleaning"),
        (qac("What is it?", answer="   \n "), "empty_after_cleaning"),
        (qac("Why?"), "too_short_question"),
        (qac("What is this rash? " * 600), "too_long_question"),
        (qac("What is this rash?", answer="word " * 3000), "too_long_answer"),
        (qac("What is this rash?", context="ctx " * 6000), "too_long_context"),
    ],
)
def test_rows_outside_bounds_are_rejected_with_a_reason(row, reason):
    result = clean_qac(pl.DataFrame([row]))
    assert result.kept.is_empty()
    assert result.rejects.schema == pl.Schema(REJECT_SCHEMA)
    rejected = result.rejects.row(0, named=True)
    assert (rejected["stage"], rejected["reason"], rejected["source_id"]) == ("clean", reason, "r1")
    assert rejected["record"].startswith('{"id":') and '"source":"healthcaremagic"' in rejected["record"]


def test_answer_bounds_are_configurable():
    cfg = CleaningConfig(min_answer_chars=10, max_context_chars=5)
    result = clean_qac(pl.DataFrame([qac("What is it?", answer="Short"), qac("What is it?", context="too long", source_id="r2")]), cfg)
    assert sorted(result.rejects["reason"].to_list()) == ["too_long_context", "too_short_answer"]


def test_bounds_must_be_ordered():
    with pytest.raises(ValueError, match="min_question_chars"):
        CleaningConfig(min_question_chars=50, max_question_chars=10)


def test_id_is_recomputed_from_the_cleaned_text():
    row = clean_one(qac("  What   is it? ", answer="<b>Rest</b>", id="stale"))
    assert row["id"] == qac_id("healthcaremagic", "", "What is it?", "Rest")


printable = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(printable, printable, printable), max_size=12))
def test_every_row_is_kept_or_rejected(rows):
    frame = pl.DataFrame(
        [qac(q, answer=a, context=c, source_id=str(i)) for i, (q, a, c) in enumerate(rows)],
        schema={"source": pl.String, "source_id": pl.String, "group_id": pl.String, "kind": pl.String,
                "context": pl.String, "question": pl.String, "answer": pl.String},
    )
    result = clean_qac(frame)
    assert result.kept.height + result.rejects.height == frame.height
    assert result.stats["in"] == result.stats["kept"] + result.stats["rejected"] == frame.height
    assert sorted(result.kept["source_id"].to_list() + result.rejects["source_id"].to_list()) == sorted(
        frame["source_id"].to_list()
    )
