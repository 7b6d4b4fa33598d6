"""The plain QAC export: {"context","question","answer",…} as JSONL and CSV, merged and training sets."""

from __future__ import annotations

import json

import polars as pl

from medchat_pipeline.defs.exports import qac_exports
from medchat_pipeline.defs.resources import MedchatConfig

MERGED = pl.DataFrame([
    {"id": "a1", "source": "medqa", "source_id": "1", "group_id": "g1", "kind": "mcq", "context": "",
     "question": "Which drug thins blood?", "answer": "Heparin", "rationale": None, "options": ["Aspirin", "Heparin"],
     "answer_key": "B", "subject": "pharmacology", "split": "train"},
    {"id": "b2", "source": "meddialog_en", "source_id": "2", "group_id": "g2", "kind": "dialogue_turn",
     "context": "Patient: I cough, \"dry\".\nDoctor: Since when?", "question": "Two weeks.",
     "answer": "Get a chest X-ray.", "rationale": None, "options": None, "answer_key": None, "subject": None,
     "split": "test"},
])


def test_qac_exports_write_jsonl_and_csv_of_the_merged_and_training_sets(isolated_storage):
    training = MERGED.filter(pl.col("split") == "train").with_columns(pl.lit("original").alias("origin"))
    manifest = qac_exports(medchat=MedchatConfig(), merged_qac=MERGED, training_mix=training).value
    files = manifest["files"]
    assert files["merged"]["rows"] == 2 and files["training"]["rows"] == 1
    assert files["merged"]["splits"] == {"test": 1, "train": 1}
    first = json.loads(open(files["merged"]["jsonl"]).readline())
    assert list(first)[:3] == ["context", "question", "answer"]  # the notes' triple comes first
    assert first["options"] == ["Aspirin", "Heparin"] and first["answer_key"] == "B"
    csv = pl.read_csv(files["merged"]["csv"])
    assert csv.columns[:3] == ["context", "question", "answer"]
    assert csv["context"][1] == MERGED["context"][1]  # quotes and newlines survive the CSV round trip
    assert json.loads(csv["options"][0]) == ["Aspirin", "Heparin"]
    assert pl.read_csv(files["training"]["csv"])["origin"].to_list() == ["original"]
    assert str(isolated_storage) in files["merged"]["csv"]
