"""Per source, malformed records we wrote (fixtures/malformed/<source>/), each with its expected
rejection reason, and the valid records beside them kept. Nothing is dropped silently."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from medchat_pipeline.core.data.sources import SOURCES
from medchat_pipeline_tests.conftest import FIXTURES

MALFORMED = FIXTURES / "malformed"

EXPECTED = {
    "meddialog_en": (
        {
            None: "unparsed_text",
            "broken/2": "missing_field",
            "broken/3": "malformed_dialogue",
            "broken/4": "no_patient_doctor_pair",
            "broken/5": "bad_encoding",
            "broken/6#0": "empty_answer",
        },
        {"broken/1#0", "broken/1.2#0"},  # id 1 repeats: both dialogues kept, the second as 1.2
    ),
    "healthcaremagic": (
        {
            "items/1": "missing_field",
            "items/2": "wrong_type",
            "items/3": "empty_answer",
            "items/4": "empty_question",
            "items/5": "wrong_type",
            "items/6": "bad_encoding",
            "not_a_list.json": "wrong_type",
            "truncated.json": "broken_json",
        },
        {"items/0#0"},
    ),
    "icliniq": (
        {
            "evals_chat/2": "broken_json",
            "evals_chat/3": "bad_encoding",
            "evals_chat/4": "missing_field",
            "evals_chat/5": "malformed_dialogue",
            "evals_chat/6": "empty_answer",
            "evals_chat/8": "no_patient_doctor_pair",
            "native/1": "missing_field",
            "native/2": "empty_answer",
        },
        {"evals_chat/1#0", "native/0#0"},
    ),
    "medmcqa": (
        {
            "dev/2": "broken_json",
            "dev/3": "bad_encoding",
            "demo-0004": "unlabeled_test_item",
            "demo-0005": "invalid_answer_key",
            "demo-0006": "wrong_type",
            "demo-0007": "missing_field",
            "demo-0008": "empty_answer",
            "demo-0009": "empty_question",
            "demo-0010": "invalid_answer_key",
            "dev/12": "answer_not_in_options",
            "dev/13": "ambiguous_answer",
            "dev/14": "malformed_question",
            "dev/15": "wrong_type",
            "demo-0016": "bad_encoding",  # a lone-surrogate \\udce9 escape: valid JSON, not valid text
        },
        {"demo-0001", "dev/11"},
    ),
    "medqa": (
        {
            "test/2": "broken_json",
            "test/3": "invalid_answer_key",
            "test/4": "missing_field",
            "test/5": "malformed_options",
            "test/6": "inconsistent_answer",
            "test/7": "wrong_type",
            "test/8": "wrong_type",
        },
        {"test/1"},
    ),
    "pubmedqa": (
        {
            "a_list.json": "wrong_type",
            "truncated.json": "broken_json",
            "90000002": "missing_field",
            "90000003": "wrong_type",
            "90000004": "malformed_contexts",
            "90000005": "invalid_answer_key",
            "90000006": "empty_answer",
            "90000007": "empty_question",
            "90000008": "wrong_type",
        },
        {"90000001", "90000009", "90000010"},
    ),
    "medquad": (
        {
            "empty_broken.xml": "truncated_xml",
            "DemoSource/0000010-1": "truncated_xml",
            "DemoSource/0000010-2": "truncated_xml",
            "DemoSource/0000011-1": "bad_encoding",
            "DemoSource/0000012-1": "malformed_xml",
            "DemoSource/0000012-2": "malformed_xml",
            "DemoSource/0000009-2": "empty_answer",
            "DemoSource/0000009-3": "empty_question",
            "DemoSource/0000009-4": "empty_answer",
        },
        {"DemoSource/0000009-1"},
    ),
    "drugehrqa": (
        {
            "drugehrqa/query5/3": "empty_answer",
            "drugehrqa/query5/4": "empty_question",
            "drugehrqa/query5/5": "bad_encoding",
            "drugehrqa/query5/6": "malformed_csv_row",
            "drugehrqa/query5/7": "malformed_csv_row",
        },
        {"drugehrqa/query5/2", "drugehrqa/query5/8"},
    ),
    "mimic_iv_medications": (
        {
            "prescriptions/2": "missing_field",
            "prescriptions/3": "missing_field",
            "prescriptions/4": "no_medication_details",
            "prescriptions/5": "bad_encoding",
        },
        {"prescriptions/1/dose", "prescriptions/1/route", "prescriptions/1/frequency", "prescriptions/6/route"},
    ),
}
# Sources where one record yields at most one row, so read = kept + rejected exactly.
ONE_ROW_PER_RECORD = {"healthcaremagic", "icliniq", "medmcqa", "medqa", "pubmedqa", "medquad", "drugehrqa", "meddialog_en"}


def _files(source: str) -> list[Path]:
    return sorted(p for p in (MALFORMED / source).rglob("*") if p.is_file())


@pytest.mark.parametrize("source", list(EXPECTED))
def test_each_malformed_record_has_its_reason(source):
    expected_rejects, expected_kept = EXPECTED[source]
    result = SOURCES[source].parse_files(_files(source))
    got = dict(zip(result.rejects["source_id"], result.rejects["reason"], strict=True))
    assert got == expected_rejects
    assert set(result.qac["source_id"]) == expected_kept
    assert (result.rejects["source"] == source).all() and (result.rejects["stage"] == "parse").all()
    assert (result.rejects["detail"].str.len_chars() > 0).all()
    if source in ONE_ROW_PER_RECORD:
        assert result.read == result.qac.height + result.rejects.height


def test_rejects_keep_the_offending_record_inspectable():
    result = SOURCES["medmcqa"].parse_files(_files("medmcqa"))
    broken = result.rejects.filter(pl.col("source_id") == "dev/2").row(0, named=True)
    assert broken["record"].startswith('{"question": "truncated line')
    undecodable = result.rejects.filter(pl.col("source_id") == "dev/3").row(0, named=True)
    assert "scurvy caf\ufffd" in undecodable["record"]


def test_selfbiorag_answer_matched_ignoring_case_and_spacing():
    result = SOURCES["medmcqa"].parse_files(_files("medmcqa"))
    row = result.qac.filter(pl.col("source_id") == "dev/11").row(0, named=True)
    assert (row["answer_key"], row["answer"], row["options"]) == ("B", "Pancreas", ["Liver", "Pancreas", "Spleen", "Kidney"])
    assert row["group_id"].startswith("medmcqa:q")


def test_pubmedqa_edge_rows():
    result = SOURCES["pubmedqa"].parse_files(_files("pubmedqa"))
    rows = {r["source_id"]: r for r in result.qac.iter_rows(named=True)}
    assert rows["90000009"]["kind"] == "qa" and rows["90000009"]["answer"] == "Exercise improved sleep quality."
    assert rows["90000010"]["answer"] == "Final Answer: no" and rows["90000010"]["answer_key"] == "no"
    assert rows["90000001"]["context"] == "BACKGROUND: Sleep complaints are common.\nMETHODS: Adults were randomized to exercise or control."


def test_drugehrqa_group_from_sql_when_question_lacks_admission():
    result = SOURCES["drugehrqa"].parse_files(_files("drugehrqa"))
    rows = {r["source_id"]: r for r in result.qac.iter_rows(named=True)}
    assert rows["drugehrqa/query5/8"]["group_id"] == "mimic3-hadm/190106"
    assert rows["drugehrqa/query5/8"]["answer"] == "10, UNIT"  # Answer_Structured when Multimodal_Answer is blank
    assert rows["drugehrqa/query5/2"]["group_id"] == "mimic3-hadm/190101"
    assert rows["drugehrqa/query5/2"]["rationale"].startswith("SELECT PRESCRIPTIONS.ROUTE")
