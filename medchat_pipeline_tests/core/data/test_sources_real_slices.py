"""Every record of the real slices in ../shared/data, parsed with exact expected counts.

The counts come from reading the files (see ../shared/data/PROVENANCE.md): e.g. the 20 MedlinePlus
drug documents hold 201 QA pairs whose answers the publisher removed, and the one MedMCQA test line
has no cop (unlabeled).
"""

from __future__ import annotations

import polars as pl
import pytest

from medchat_pipeline.config.sources import DialogueOptions
from medchat_pipeline.core.data.schema import KINDS, QAC_SCHEMA, REJECT_SCHEMA, reason_counts
from medchat_pipeline.core.data.sources import SOURCES


def _check_frames(result) -> None:
    assert dict(result.qac.schema) == QAC_SCHEMA
    assert dict(result.rejects.schema) == REJECT_SCHEMA
    assert result.qac["kind"].is_in(KINDS).all()
    assert result.qac["id"].null_count() == 0 and result.qac["group_id"].null_count() == 0
    assert (result.qac["question"].str.strip_chars() != "").all()
    assert (result.qac["answer"].str.strip_chars() != "").all()
    assert result.qac["source_id"].n_unique() == result.qac.height
    assert (result.rejects["stage"] == "parse").all()


@pytest.mark.parametrize(
    ("mode", "rows"), [("first_pair", 320), ("all_pairs", 321), ("last_turn", 320)]
)
def test_meddialog_both_files(shared_data, mode, rows):
    paths = sorted((shared_data / "meddialog").glob("*.txt"))
    result = SOURCES["meddialog_en"].parse_files(paths, DialogueOptions(dialogue_mode=mode))
    _check_frames(result)
    assert result.read == 20 + 300  # dialogues
    assert result.qac.height == rows  # covid id=1 has two exchanges; id=19 has doctor→doctor, merged
    assert result.rejects.is_empty()
    assert result.stats["merged_consecutive_turns"] == 1
    assert result.stats["widget_prompt_stripped"] == 3
    assert result.qac["group_id"].n_unique() == 320
    assert (result.qac["kind"] == "dialogue_turn").all()


def test_meddialog_multi_turn_context(shared_data):
    path = shared_data / "meddialog" / "covid_dialogue_english_sample.txt"
    result = SOURCES["meddialog_en"].parse_files([path], DialogueOptions(dialogue_mode="all_pairs"))
    first, second = result.qac.filter(pl.col("group_id") == "covid_dialogue_english_sample/1").sort("source_id").rows(named=True)
    assert first["context"] == ""
    assert second["context"].startswith("Patient: Hello doctor, I get a cough") and "\nDoctor: Hello, I understand" in second["context"]
    assert second["question"].startswith("Thank you doctor,")
    last = SOURCES["meddialog_en"].parse_files([path], DialogueOptions(dialogue_mode="last_turn"))
    row = last.qac.filter(pl.col("group_id") == "covid_dialogue_english_sample/1").row(0, named=True)
    assert row == {**second, "id": row["id"]}
    merged = result.qac.filter(pl.col("group_id") == "covid_dialogue_english_sample/19").row(0, named=True)
    assert merged["answer"].startswith("In brief: Respiratory illness") and "In brief: No" in merged["answer"]
    # bare CRs inside an utterance are line breaks, never record boundaries
    assert not result.qac["answer"].str.contains("\r").any()


def test_healthcaremagic_genmedgpt(shared_data):
    result = SOURCES["healthcaremagic"].parse_files([shared_data / "chatdoctor_genmedgpt5k" / "chatdoctor5k_sample.json"])
    _check_frames(result)
    assert (result.read, result.qac.height, result.rejects.height) == (300, 300, 0)
    assert result.qac["source_id"][0] == "chatdoctor5k_sample/0#0"
    assert result.qac["question"][0].startswith("Doctor, I have been experiencing some discomfort in my abdomen")


def test_icliniq_evals_chat(shared_data):
    path = shared_data / "icliniq" / "third_party_derived" / "icliniq_openai_evals_chat_sample.jsonl"
    result = SOURCES["icliniq"].parse_files([path])
    _check_frames(result)
    assert (result.read, result.qac.height, result.rejects.height) == (300, 300, 0)
    assert result.qac["question"][0].startswith("Hello doctor,I had mumps five months ago")


def test_medmcqa_native_and_selfbiorag(shared_data):
    root = shared_data / "medmcqa"
    paths = [root / "train.json", root / "test.json", root / "third_party_converted" / "selfbiorag_medmcqa_dev_sample.jsonl"]
    result = SOURCES["medmcqa"].parse_files(paths)
    _check_frames(result)
    assert result.read == 302
    assert result.qac.height == 301
    assert reason_counts(result.rejects) == {"unlabeled_test_item": 1}
    assert result.rejects["source_id"][0] == "50682996-2eb8-467a-b5fb-840f6b36e235"
    native = result.qac.filter(pl.col("source_id") == "2dcc2e22-d5f4-464b-b84a-b1a78002c090").row(0, named=True)
    assert native["answer_key"] == "C"  # cop 3 → opc
    assert native["answer"].startswith("It has a segmented, double-stranded RNA genome - Explanation: Rotavirus")
    assert native["subject"] == "Microbiology" and native["topic"] is None
    selfbiorag = result.qac.filter(pl.col("source_id").str.starts_with("selfbiorag"))
    assert selfbiorag.height == 300
    # every recovered letter points at the option whose text is the answer
    assert all(opts[ord(key) - 65] == answer for opts, key, answer in selfbiorag.select("options", "answer_key", "answer").iter_rows())
    assert selfbiorag["answer_key"].value_counts().height == 4


def test_medqa(shared_data):
    result = SOURCES["medqa"].parse_files([shared_data / "medqa" / "us_test_sample.jsonl"])
    _check_frames(result)
    assert (result.read, result.qac.height, result.rejects.height) == (300, 300, 0)
    assert (result.qac["options"].list.len() == 5).all()
    assert dict(result.qac["subject"].value_counts().iter_rows()) == {"step1": 162, "step2&3": 138}
    assert result.qac["group_id"].n_unique() == 300


def test_pubmedqa_three_variants(shared_data):
    paths = sorted((shared_data / "pubmedqa").glob("*.json"))
    result = SOURCES["pubmedqa"].parse_files(paths)
    _check_frames(result)
    assert (result.read, result.qac.height, result.rejects.height) == (452, 452, 0)
    assert result.stats == {"variant_labeled": 450, "variant_artificial": 1, "variant_unlabeled": 1}
    labels = result.qac.filter(pl.col("kind") == "yes_no_maybe")["answer_key"].value_counts()
    assert dict(labels.iter_rows()) == {"yes": 245 + 1, "no": 153, "maybe": 52}
    unlabeled = result.qac.filter(pl.col("source_id") == "14499029").row(0, named=True)
    assert unlabeled["kind"] == "qa" and unlabeled["answer_key"] is None and "Final Answer" not in unlabeled["answer"]
    row = result.qac.filter(pl.col("source_id") == "10808977").row(0, named=True)
    assert row["context"].startswith("BACKGROUND: Telephone counseling")
    assert row["answer"].endswith("\nFinal Answer: yes") and row["group_id"] == "10808977"


def test_medquad_three_layouts(shared_data):
    paths = sorted((shared_data / "medquad").glob("*/*.xml"))
    result = SOURCES["medquad"].parse_files(paths)
    _check_frames(result)
    assert result.read == 571  # QA pairs: CDC 270 + health topics 100 + drugs 201
    assert result.qac.height == 370
    assert reason_counts(result.rejects) == {"empty_answer": 201}
    assert dict(result.qac["subject"].value_counts().iter_rows()) == {"CDC": 270, "MPlusHealthTopics": 100}
    assert result.qac["group_id"].n_unique() == 59 + 100
    # CDC and MedlinePlus documents share ids: group ids keep them apart
    assert {"CDC/0000001", "MPlusHealthTopics/0000004"} <= set(result.qac["group_id"])
    assert "'" in result.qac.filter(pl.col("source_id") == "MPlusHealthTopics/0000004-1")["answer"][0]
