"""Shared plumbing for the source parsers: collecting rows and rejects, reading files record by
record (JSON lines streamed, JSON documents, gzip transparently), and typed field access.

A parser maps one source record to QAC rows or raises RecordRejected; the Collector turns that into
a rejects row with the source id and reason, so nothing is dropped silently and no other exception
is swallowed.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl

from medchat_pipeline.core.data.schema import (
    QAC_SCHEMA,
    empty_qac,
    qac_id,
    reject_row,
    rejects_frame,
)

# Lone surrogates: left by errors="surrogateescape" for invalid bytes, or written as "\\udXXX"
# escapes in JSON. Neither is text that Parquet (UTF-8) can hold.
UNDECODABLE = re.compile("[\ud800-\udfff]")


@dataclass
class ParseResult:
    source: str
    qac: pl.DataFrame  # conforms to schema.QAC_SCHEMA
    rejects: pl.DataFrame  # conforms to schema.REJECT_SCHEMA
    read: int  # source records read: a dialogue, a PMID, a QA pair, a JSON line or list item
    stats: dict[str, int] = field(default_factory=dict)  # source-specific counters for metadata


class RecordRejected(Exception):
    """This record cannot become a valid triple. `reason` is a short machine-readable key."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class Collector:
    """Accumulates one source's QAC rows, rejects, records read and counters."""

    def __init__(self, source: str):
        self.source = source
        self.rows: list[dict] = []
        self.rejects: list[dict] = []
        self.read = 0
        self.stats: Counter[str] = Counter()

    def add(
        self,
        *,
        source_id: str,
        group_id: str,
        kind: str,
        question: str,
        answer: str,
        context: str = "",
        rationale: str | None = None,
        options: list[str] | None = None,
        answer_key: str | None = None,
        subject: str | None = None,
        topic: str | None = None,
    ) -> None:
        self.rows.append(
            {
                "id": qac_id(self.source, context, question, answer),
                "source": self.source,
                "source_id": source_id,
                "group_id": group_id,
                "kind": kind,
                "context": context,
                "question": question,
                "answer": answer,
                "rationale": rationale,
                "options": options,
                "answer_key": answer_key,
                "subject": subject,
                "topic": topic,
            }
        )

    def reject(self, source_id: str | None, reason: str, detail: str = "", record: object = None) -> None:
        self.rejects.append(reject_row(self.source, source_id, "parse", reason, detail, record))

    @contextmanager
    def record(self, source_id: str | None, raw: object) -> Iterator[None]:
        """Count one source record; a RecordRejected raised while building its rows becomes a
        reject with this source id and the raw record. Any other exception propagates.

            with out.record(record_id, raw):
                add_item(out, record_id, item)
        """
        self.read += 1
        try:
            yield
        except RecordRejected as exc:
            self.reject(source_id, exc.reason, exc.detail, raw)

    def result(self) -> ParseResult:
        qac = pl.DataFrame(self.rows, schema=QAC_SCHEMA) if self.rows else empty_qac()
        return ParseResult(
            source=self.source, qac=qac, rejects=rejects_frame(self.rejects), read=self.read, stats=dict(self.stats)
        )


def open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_text(path: Path) -> str:
    """The whole file as text. Invalid UTF-8 bytes survive as lone surrogates, so the records that
    hold them can be rejected one by one (see require_decodable) instead of losing the whole file."""
    with open_binary(path) as fh:
        return fh.read().decode("utf-8-sig", errors="surrogateescape")


def has_undecodable(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii() and UNDECODABLE.search(value) is not None
    if isinstance(value, dict):
        return any(has_undecodable(v) for v in value.values())
    if isinstance(value, list):
        return any(has_undecodable(v) for v in value)
    return False


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any, str | None, RecordRejected | None]]:
    """Stream a JSON-lines file: (line number, parsed object or None, raw text, problem or None).
    Blank lines are not records and are skipped."""
    with open_binary(path) as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield line_no, None, raw.decode("utf-8", errors="replace"), RecordRejected(
                    "bad_encoding", f"line {line_no}: not valid UTF-8 ({exc.reason} at byte {exc.start})"
                )
                continue
            try:
                yield line_no, json.loads(text), text, None
            except json.JSONDecodeError as exc:
                yield line_no, None, text, RecordRejected("broken_json", f"line {line_no}: {exc.msg} at column {exc.colno}")


def iter_json_line_records(out: Collector, path: Path) -> Iterator[tuple[str, Any, str]]:
    """(record id `<file stem>/<line number>`, parsed record, raw text) for each JSON line of the
    file. A line that is not UTF-8 or not JSON counts as one record read and is rejected here."""
    for line_no, record, raw, problem in iter_json_lines(path):
        record_id = f"{path.stem}/{line_no}"
        if problem:
            out.read += 1
            out.reject(record_id, problem.reason, problem.detail, raw)
            continue
        yield record_id, record, raw


def load_json_document(path: Path) -> Any:
    """A whole-file JSON document (list or object). Raises RecordRejected('broken_json') when it
    does not parse."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordRejected("broken_json", f"{path.name}: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def iter_json_list(out: Collector, path: Path) -> Iterator[tuple[str, Any]]:
    """(record id, item) for each item of a JSON-list file. A file that is not a JSON list at all
    counts as one record read and is rejected whole."""
    try:
        items = load_json_document(path)
    except RecordRejected as exc:
        out.read += 1
        out.reject(path.name, exc.reason, exc.detail)
        return
    if not isinstance(items, list):
        out.read += 1
        out.reject(path.name, "wrong_type", f"{path.name}: top level is {type(items).__name__}, expected a list")
        return
    for index, item in enumerate(items):
        yield f"{path.stem}/{index}", item


def is_json_list_document(path: Path) -> bool:
    """True when the file is one JSON list (first non-blank byte "["); otherwise it is read as JSON
    lines. Used where a source ships both shapes (iCliniq native list vs. the evals-chat lines)."""
    with open_binary(path) as fh:
        for raw in fh:
            stripped = raw.lstrip(b"\xef\xbb\xbf").strip()
            if stripped:
                return stripped.startswith(b"[")
    return False


def field(record: Any, key: str, kind: type | tuple[type, ...] = str, *, required: bool = True) -> Any:
    """record[key] checked for type. Missing/None → RecordRejected('missing_field') when required."""
    if not isinstance(record, dict):
        raise RecordRejected("wrong_type", f"record is {type(record).__name__}, expected an object")
    value = record.get(key)
    if value is None:
        if required:
            raise RecordRejected("missing_field", f"{key!r} is missing")
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and bool not in _as_tuple(kind):
        expected = "/".join(t.__name__ for t in _as_tuple(kind))
        raise RecordRejected("wrong_type", f"{key!r} is {type(value).__name__}, expected {expected}")
    return value


def text_field(record: Any, key: str, *, empty_reason: str | None = None, required: bool = True) -> str | None:
    """A string field, stripped. Blank → RecordRejected(empty_reason) when one is given."""
    value = field(record, key, str, required=required)
    if value is None:
        return None
    value = value.strip()
    if not value and empty_reason:
        raise RecordRejected(empty_reason, f"{key!r} is blank")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def require_decodable(record: Any, where: str) -> None:
    if has_undecodable(record):
        raise RecordRejected("bad_encoding", f"{where}: contains bytes (or escapes) that are not valid UTF-8 text")


def iter_hub_rows(hub) -> Iterator[tuple[str, int, dict]]:
    """(split, row index, row) for every configured split of a hub dataset (config.sources.HubDataset).
    Needs the hub (or a warm HF cache), or a local folder laid out like the repository as hub.id
    (medchat_pipeline_tests/core/data/test_hub_loading.py loads those offline)."""
    import datasets

    for split in hub.splits:
        dataset = datasets.load_dataset(hub.id, hub.config, split=split, revision=hub.revision, data_dir=hub.data_dir)
        for index, row in enumerate(dataset):
            yield split, index, row


def parse_split_index_rows(
    source: str, rows: Iterable[tuple[str, int, dict]], add_row: Callable[[Collector, str, dict], None]
) -> ParseResult:
    """Collect hub rows that carry no id of their own: each is `<split>/<row index>`, built by
    add_row(out, record id, row)."""
    out = Collector(source)
    for split, index, row in rows:
        record_id = f"{split}/{index}"
        with out.record(record_id, row):
            add_row(out, record_id, row)
    return out.result()
