"""core.data.templates: seed templates A and B, chat messages, JSONL export per split with a manifest."""

from __future__ import annotations

import json

import polars as pl
import pytest

from medchat_pipeline.core.data.templates import export_jsonl, render

ROWS = pl.DataFrame(
    [
        {"id": "a1", "source": "medqa", "split": "train", "context": "", "question": "Which drug thins blood?",
         "answer": "Heparin", "options": ["Aspirin", "Heparin"]},
        {"id": "b2", "source": "meddialog_en", "split": "test", "context": "Patient: I cough.\nDoctor: Since when?",
         "question": "Two weeks.", "answer": "Get a chest X-ray.", "options": None},
    ]
)


def test_template_a_instruction_omits_empty_context():
    views = render(ROWS, "instruction").rows_by_key("id", named=True, unique=True)
    assert views["a1"]["text"] == "Question: Which drug thins blood?\nA. Aspirin\nB. Heparin\nAnswer: Heparin"
    assert views["b2"]["text"] == (
        "Question: Two weeks.\nContext: Patient: I cough.\nDoctor: Since when?\nAnswer: Get a chest X-ray."
    )
    assert views["b2"]["prompt"] + views["b2"]["completion"] == views["b2"]["text"]


def test_template_b_role_based():
    views = render(ROWS, "role").rows_by_key("id", named=True, unique=True)
    assert views["a1"]["text"] == (
        "<|user|> Patient: Which drug thins blood?\nA. Aspirin\nB. Heparin<|end|>\n<|assistant|> Doctor: Heparin<|end|>"
    )
    assert views["b2"]["prompt"].startswith("<|user|> Patient: Two weeks.\nContext: Patient: I cough.")
    assert views["b2"]["template"] == "role"


def test_chat_messages_with_and_without_system_prompt():
    with_system = render(ROWS, "messages", system_prompt="Be careful.").rows_by_key("id", named=True, unique=True)
    assert with_system["b2"]["messages"] == [
        {"role": "system", "content": "Be careful."},
        {"role": "user", "content": "Patient: I cough.\nDoctor: Since when?\n\nTwo weeks."},
        {"role": "assistant", "content": "Get a chest X-ray."},
    ]
    without = render(ROWS, "messages").row(0, named=True)
    assert [m["role"] for m in without["messages"]] == ["user", "assistant"]


def test_unknown_template_is_an_error():
    with pytest.raises(ValueError, match="unknown template"):
        render(ROWS, "alpaca")


def test_export_writes_one_jsonl_per_template_and_split_and_records_the_template(tmp_path):
    manifest = export_jsonl(ROWS, tmp_path, ["instruction", "messages"], system_prompt=None)
    assert manifest["templates"] == ["instruction", "messages"]
    assert manifest["files"]["instruction"]["train"]["rows"] == 1
    assert manifest["files"]["messages"]["val"]["rows"] == 0
    lines = (tmp_path / "messages" / "test.jsonl").read_text().splitlines()
    record = json.loads(lines[0])
    assert record["template"] == "messages" and record["messages"][-1]["content"] == "Get a chest X-ray."
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
