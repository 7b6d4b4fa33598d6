"""DrugEHRQA (PhysioNet, credentialed) → ehr rows, from its published file layout:
`structured_queries/queryN.csv` and `unstructured_queries/queryN.xlsx` (N = template 1..9), columns
NL_Question, SQL_Query, Answer_Structured, Answer_Unstructured, Multimodal_Answer.

question = NL_Question (the templated, upper-cased question, kept verbatim); answer = the first
non-empty of Multimodal_Answer, Answer_Structured, Answer_Unstructured, with the "(A,B)" list
wrapper removed ("A, B"); rationale = the MIMIC-III SQL that produced it; topic = the template file
(query3). group_id = the admission (HADM_ID in the question or the SQL), so one patient stay never
spans two splits. Each file is parsed on its own (a question present in both the structured and the
unstructured file yields two rows; exact-duplicate removal downstream merges identical ones).
`read` counts spreadsheet rows. The xlsx files need openpyxl.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from medchat_pipeline.config.sources import HubDataset, NoOptions
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    RecordRejected,
    has_undecodable,
    open_binary,
)

SOURCE = "drugehrqa"
FILE_GLOBS = ("*.csv", "*.xlsx")  # native files, when a folder is given
ANSWER_COLUMNS = ("Multimodal_Answer", "Answer_Structured", "Answer_Unstructured")
ADMISSION_IN_QUESTION = re.compile(r"ADMISSION ID\s*(\d+)", re.IGNORECASE)
ADMISSION_IN_SQL = re.compile(r"HADM_ID\s*=\s*['\"]?(\d+)", re.IGNORECASE)
EMPTY_ANSWERS = {"", "()", "nan", "none", "null"}


def parse_files(paths: list[Path], options: NoOptions | None = None) -> ParseResult:
    out = Collector(SOURCE)
    for path in paths:
        rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
        for line, row, problem in rows:
            record_id = f"{path.parent.name}/{path.stem}/{line}"
            if problem:
                out.read += 1
                out.reject(record_id, problem.reason, problem.detail, row)
                continue
            with out.record(record_id, row):
                add_row(out, record_id, path.stem, row)
    return out.result()


def _csv_rows(path: Path) -> Iterator[tuple[int, dict, RecordRejected | None]]:
    with open_binary(path) as fh:
        text = (line.decode("utf-8-sig", errors="surrogateescape") for line in fh)
        reader = csv.DictReader(text)
        for row in reader:
            line = reader.line_num
            if None in row or None in row.values():
                raw = {k: v for k, v in row.items() if k is not None}
                yield line, raw, RecordRejected("malformed_csv_row", f"line {line}: field count differs from the header")
            elif has_undecodable(row):
                safe = {k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for k, v in row.items()}
                yield line, safe, RecordRejected("bad_encoding", f"line {line}: not valid UTF-8")
            else:
                yield line, row, None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict, RecordRejected | None]]:
    try:
        import openpyxl
    except ImportError:
        raise RuntimeError(
            f"{path}: reading DrugEHRQA .xlsx files needs openpyxl (pip install openpyxl)"
        ) from None
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.active.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for line, values in enumerate(rows, start=2):
            if all(v is None for v in values):
                continue
            yield line, {h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=False) if h}, None
    finally:
        workbook.close()


def clean_answer(value: str) -> str:
    """"(ASPIRIN,HEPARIN)" → "ASPIRIN, HEPARIN"; a bare value is returned stripped."""
    value = value.strip()
    if value.startswith("(") and value.endswith(")"):
        value = ", ".join(part.strip().strip("'\"") for part in value[1:-1].split(",") if part.strip())
    return value


def add_row(out: Collector, record_id: str, template: str, row: dict) -> None:
    question = (row.get("NL_Question") or "").strip()
    if "NL_Question" not in row:
        raise RecordRejected("missing_field", "no NL_Question column")
    if not question:
        raise RecordRejected("empty_question", "NL_Question is blank")
    if not any(column in row for column in ANSWER_COLUMNS):
        raise RecordRejected("missing_field", f"none of the answer columns {ANSWER_COLUMNS}")
    answer = next(
        (clean_answer(row[c]) for c in ANSWER_COLUMNS if (row.get(c) or "").strip().lower() not in EMPTY_ANSWERS),
        "",
    )
    if not answer:
        raise RecordRejected("empty_answer", "every answer column is blank")
    sql = (row.get("SQL_Query") or "").strip()
    admission = ADMISSION_IN_QUESTION.search(question) or ADMISSION_IN_SQL.search(sql)
    out.add(
        source_id=record_id,
        group_id=f"mimic3-hadm/{admission.group(1)}" if admission else record_id,
        kind="ehr",
        question=question,
        answer=answer,
        rationale=sql or None,
        topic=template,
    )


def parse_hub(hub: HubDataset, options: NoOptions | None = None) -> ParseResult:
    raise ValueError("DrugEHRQA is credentialed (PhysioNet) and has no hub copy: use mode: local")
