"""Property tests: whatever bytes a file holds, a parser never crashes, never drops a record
silently, and returns frames that can be written as Parquet."""

from __future__ import annotations

import io
import json

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medchat_pipeline.core.data.sources import SOURCES

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=12,
)
MCQ_KEYS = ["question", "opa", "opb", "opc", "opd", "cop", "exp", "id", "options", "answer_idx", "answer", "input", "chat", "instances"]
RECORDS = st.dictionaries(st.sampled_from(MCQ_KEYS), JSON_VALUES, max_size=8)
LINES = st.lists(
    st.one_of(
        RECORDS.map(lambda r: json.dumps(r).encode()),
        RECORDS.map(lambda r: json.dumps(r, ensure_ascii=False).encode()),
        st.binary(max_size=40),
    ),
    max_size=8,
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _parquet_roundtrip(frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)


@SETTINGS
@given(lines=LINES, source=st.sampled_from(["medmcqa", "medqa", "icliniq"]))
def test_json_lines_parsers_account_for_every_line(tmp_path, lines, source):
    path = tmp_path / "any.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    result = SOURCES[source].parse_files([path])
    non_blank = sum(1 for line in lines if line.replace(b"\n", b" ").strip())
    assert result.read == non_blank
    assert result.qac.height + result.rejects.height == result.read
    _parquet_roundtrip(result.qac)
    _parquet_roundtrip(result.rejects)


@SETTINGS
@given(body=st.lists(st.sampled_from([b"id=1", b"id=2", b"Dialogue", b"Patient:", b"Doctor:", b"", b"text \xe9", b"some words\r"]) | st.binary(max_size=12), max_size=25))
def test_meddialog_never_crashes_on_arbitrary_blocks(tmp_path, body):
    path = tmp_path / "any.txt"
    path.write_bytes(b"\n".join(body))
    result = SOURCES["meddialog_en"].parse_files([path])
    assert result.read == result.qac["group_id"].n_unique() + result.rejects.height
    _parquet_roundtrip(result.qac)
    _parquet_roundtrip(result.rejects)
