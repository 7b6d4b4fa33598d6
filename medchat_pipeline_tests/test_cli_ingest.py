"""`medchat ingest` end to end, as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from medchat_pipeline.config import project_root
from medchat_pipeline.core.data.schema import QAC_SCHEMA, REJECT_SCHEMA
from medchat_pipeline_tests.conftest import FIXTURES

MEDCHAT = Path(sys.executable).parent / "medchat"


def ingest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(MEDCHAT), "ingest", *args], capture_output=True, text=True, cwd=project_root(), timeout=120)


def test_ingest_real_medquad_folder(shared_data, tmp_path):
    done = ingest("medquad", str(shared_data / "medquad"), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(summary) == {"source", "read", "kept", "rejected", "reasons"}
    assert (summary["source"], summary["read"]) == ("medquad", 571)
    assert summary["reasons"]["empty_answer"] == 201
    # parse kept 370; whatever cleaning rejects is counted, not dropped
    assert summary["kept"] + summary["rejected"] - summary["reasons"]["empty_answer"] == 370
    qac = pl.read_parquet(tmp_path / "qac.parquet")
    rejects = pl.read_parquet(tmp_path / "rejects.parquet")
    assert qac.height == summary["kept"] and rejects.height == summary["rejected"]
    assert dict(qac.select(list(QAC_SCHEMA)).schema) == QAC_SCHEMA
    assert dict(rejects.schema) == REJECT_SCHEMA
    assert set(rejects["stage"]) <= {"parse", "clean"}


def test_ingest_dialogue_mode_and_malformed_rows(tmp_path):
    broken = FIXTURES / "malformed" / "meddialog_en" / "broken.txt"
    demo = project_root() / "medchat_pipeline" / "demo_data" / "meddialog_en" / "demo_dialogues_en.txt"
    done = ingest("meddialog_en", str(broken), str(demo), "--dialogue-mode", "all_pairs", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["read"] == 8 + 16
    assert {k: v for k, v in summary["reasons"].items() if k in {"unparsed_text", "missing_field", "malformed_dialogue", "no_patient_doctor_pair", "bad_encoding", "empty_answer"}} == {
        "unparsed_text": 1, "missing_field": 1, "malformed_dialogue": 1, "no_patient_doctor_pair": 1, "bad_encoding": 1, "empty_answer": 1,
    }
    qac = pl.read_parquet(tmp_path / "out" / "qac.parquet")
    # all_pairs: the demo's multi-turn dialogue (id 7) gives two rows, the second with the history as context
    second = qac.filter(pl.col("source_id") == "demo_dialogues_en/7#1").row(0, named=True)
    assert second["context"].startswith("Patient: Hello doctor, when I stand up quickly")


def test_ingest_errors_are_one_line_and_non_zero(tmp_path):
    unknown = ingest("webmd", str(tmp_path), "--out", str(tmp_path / "o"))
    assert unknown.returncode != 0
    assert unknown.stderr.strip().splitlines() == ["Error: unknown source 'webmd'; choose one of: meddialog_en, healthcaremagic, icliniq, medmcqa, medqa, pubmedqa, medquad, drugehrqa, mimic_iv_medications"]
    missing = ingest("medqa", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o"))
    assert missing.returncode != 0
    assert missing.stderr.strip().splitlines() == [f"Error: no such file or folder: {tmp_path / 'nope.jsonl'}"]
    wrong_mode = ingest("medqa", str(FIXTURES / "malformed" / "medqa" / "test.jsonl"), "--dialogue-mode", "all_pairs", "--out", str(tmp_path / "o"))
    assert wrong_mode.returncode != 0 and "--dialogue-mode applies to" in wrong_mode.stderr
    no_rx = ingest("mimic_iv_medications", str(FIXTURES / "malformed" / "medqa"), "--out", str(tmp_path / "o"))
    assert no_rx.returncode != 0 and len(no_rx.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
