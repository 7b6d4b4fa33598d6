"""MedQuAD XML → qa rows, one per <QAPair>, from any of its collection folders (CDC, GARD, NIDDK,
MedlinePlus health topics / drugs / herbs / ADAM, …; both the <UMLS> and the <FocusAnnotations>
document layouts).

group_id = "<Document source>/<Document id>" and source_id = "<Document source>/<qid>" (ids
restart in each collection), subject = the collection (Document source), topic = the question type (qtype).
The three MedlinePlus subsets (ADAM, Drugs, Herbs) ship with their answers removed for copyright
reasons: those pairs are rejected as `empty_answer`. A file that is not well-formed XML (truncated
or otherwise broken) or not valid UTF-8 rejects every <QAPair> found in its raw text, each with its
qid when one can be read, and parsing goes on with the next file. `read` counts QA pairs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from medchat_pipeline.config.sources import HubDataset, NoOptions
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    RecordRejected,
    field,
    iter_hub_rows,
    open_binary,
    require_decodable,
    text_field,
)

SOURCE = "medquad"
FILE_GLOBS = ("*.xml",)  # native files, when a folder is given
QA_PAIR_TAG = re.compile(rb"<QAPair\b")
QID_ATTR = re.compile(rb'<Question\b[^>]*\bqid="([^"]*)"')
SOURCE_ATTR = re.compile(rb'<Document\b[^>]*\bsource="([^"]*)"')


def parse_files(paths: list[Path], options: NoOptions | None = None) -> ParseResult:
    out = Collector(SOURCE)
    for path in paths:
        with open_binary(path) as fh:
            data = fh.read()
        try:
            data.decode("utf-8")
            root = ET.fromstring(data)
        except UnicodeDecodeError as exc:
            _reject_file(out, path, data, "bad_encoding", f"{path.name}: not valid UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        except ET.ParseError as exc:
            reason = "truncated_xml" if _ends_early(data, exc) else "malformed_xml"
            _reject_file(out, path, data, reason, f"{path.name}: {exc}")
            continue
        _add_document(out, path, root)
    return out.result()


def _ends_early(data: bytes, exc: ET.ParseError) -> bool:
    """Expat reports a truncated document at (or right after) its last line."""
    line, _ = exc.position
    return "no element found" in str(exc) or line >= data.rstrip().count(b"\n") + 1


def _reject_file(out: Collector, path: Path, data: bytes, reason: str, detail: str) -> None:
    collection_attr = SOURCE_ATTR.search(data)
    collection = collection_attr.group(1).decode("utf-8", "replace") if collection_attr else path.parent.name
    starts = [m.start() for m in QA_PAIR_TAG.finditer(data)]
    if not starts:
        out.read += 1
        out.reject(path.name, reason, detail + " (no <QAPair> could be located)", data.decode("utf-8", "replace"))
        return
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(data)
        qid = QID_ATTR.search(data, start, end)
        out.read += 1
        out.reject(
            f"{collection}/{qid.group(1).decode('utf-8', 'replace')}" if qid else f"{collection}/{path.name}#{k + 1}",
            reason,
            detail,
            data[start:end].decode("utf-8", "replace"),
        )


def _text(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _add_document(out: Collector, path: Path, root: ET.Element) -> None:
    collection = root.get("source") or path.parent.name
    group_id = f"{collection}/{root.get('id') or path.stem}"
    pairs = root.findall("./QAPairs/QAPair")
    if not pairs:
        out.stats["documents_without_qa_pairs"] += 1
    for k, pair in enumerate(pairs, start=1):
        question = pair.find("Question")
        qid = question.get("qid") if question is not None else None
        source_id = f"{collection}/{qid}" if qid else f"{group_id}-{pair.get('pid') or k}"
        record = ET.tostring(pair, encoding="unicode")
        with out.record(source_id, record):
            topic = question.get("qtype") if question is not None else None
            _add_pair(out, source_id, group_id, _text(question), _text(pair.find("Answer")), subject=collection, topic=topic)


def _add_pair(
    out: Collector, source_id: str, group_id: str, question: str, answer: str, *, subject: str, topic: str | None
) -> None:
    if not question:
        raise RecordRejected("empty_question", "the <Question> element is missing or blank")
    if not answer:
        raise RecordRejected("empty_answer", "the <Answer> element is missing or blank")
    out.add(source_id=source_id, group_id=group_id, kind="qa", question=question, answer=answer, subject=subject, topic=topic or None)


def parse_hub(hub: HubDataset, options: NoOptions | None = None) -> ParseResult:
    return parse_hub_rows(iter_hub_rows(hub), options)


def parse_hub_rows(rows: Iterable[tuple[str, int, dict]], options: NoOptions | None = None) -> ParseResult:
    """lavita/MedQuAD (document_id, document_source, question_id, question_type, question, answer, …)
    or keivalya/MedQuad-MedicalQnADataset (qtype, Question, Answer)."""
    out = Collector(SOURCE)
    for split, index, row in rows:
        source_id = _hub_source_id(row) or f"{split}/{index}"
        with out.record(source_id, row):
            _add_hub_row(out, source_id, row)
    return out.result()


def _hub_source_id(row: dict) -> str | None:
    """"<collection>/<qid>", like the native files, when the row carries them."""
    if not isinstance(row, dict) or not row.get("question_id"):
        return None
    return f"{row['document_source']}/{row['question_id']}" if row.get("document_source") else str(row["question_id"])


def _add_hub_row(out: Collector, source_id: str, row: dict) -> None:
    require_decodable(row, source_id)
    if "Question" in row:
        question, answer = field(row, "Question", str), field(row, "Answer", str, required=False) or ""
        group_id, subject, topic = source_id, None, text_field(row, "qtype", required=False)
    else:
        question, answer = field(row, "question", str), field(row, "answer", str, required=False) or ""
        subject = text_field(row, "document_source", required=False)
        document = field(row, "document_id", (str, int), required=False)
        group_id = f"{subject}/{document}" if document is not None else source_id
        topic = text_field(row, "question_type", required=False)
    _add_pair(out, source_id, group_id, question.strip(), answer.strip(), subject=subject, topic=topic)
