"""PubMedQA (PQA-L ori_pqal.json, PQA-A ori_pqaa.json, PQA-U ori_pqau.json) → yes_no_maybe / qa rows.

A file is one JSON object keyed by PMID; each value has QUESTION, CONTEXTS (abstract sections),
LABELS (their section names), LONG_ANSWER (the abstract's conclusion) and, in PQA-L and PQA-A,
final_decision. One row per PMID (group_id = source_id = PMID):

    context  = "BACKGROUND: …\\nMETHODS: …\\nRESULTS: …"    (one line per abstract section)
    answer   = "<long answer>\\nFinal Answer: yes"           kind yes_no_maybe, answer_key yes/no/maybe
    rationale = the long answer

PQA-U has no final_decision: its rows are kind qa with the long answer alone (still a valid
question → answer triple). `stats` counts the variant of each record (labeled, artificial,
unlabeled, by the keys it carries). `read` counts PMIDs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from medchat_pipeline.config.sources import HubDataset, NoOptions
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    RecordRejected,
    field,
    iter_hub_rows,
    load_json_document,
    require_decodable,
    text_field,
)

SOURCE = "pubmedqa"
FILE_GLOBS = ("*.json",)  # native files, when a folder is given
DECISIONS = ("yes", "no", "maybe")


def parse_files(paths: list[Path], options: NoOptions | None = None) -> ParseResult:
    out = Collector(SOURCE)
    for path in paths:
        try:
            document = load_json_document(path)
        except RecordRejected as exc:
            out.read += 1
            out.reject(path.name, exc.reason, exc.detail)
            continue
        if not isinstance(document, dict):
            out.read += 1
            out.reject(path.name, "wrong_type", f"top level is {type(document).__name__}, expected an object keyed by PMID")
            continue
        for pmid, record in document.items():
            with out.record(pmid, record):
                add_record(out, pmid, record)
    return out.result()


def variant(record: dict) -> str:
    if "final_decision" not in record:
        return "unlabeled"
    return "labeled" if "reasoning_required_pred" in record else "artificial"


def add_record(out: Collector, pmid: str, record: dict) -> None:
    require_decodable(record, f"PMID {pmid}")
    question = text_field(record, "QUESTION", empty_reason="empty_question")
    contexts = field(record, "CONTEXTS", list)
    labels = field(record, "LABELS", list, required=False) or []
    if not all(isinstance(c, str) for c in contexts) or not all(isinstance(label, str) for label in labels):
        raise RecordRejected("wrong_type", "CONTEXTS and LABELS must be lists of strings")
    if labels and len(labels) != len(contexts):
        raise RecordRejected("malformed_contexts", f"{len(contexts)} CONTEXTS but {len(labels)} LABELS")
    context = "\n".join(
        f"{label.strip()}: {text.strip()}" if label.strip() else text.strip()
        for label, text in zip(labels or [""] * len(contexts), contexts, strict=True)
        if text.strip()
    )
    long_answer = text_field(record, "LONG_ANSWER", required=False) or ""
    decision = field(record, "final_decision", str, required=False)
    out.stats[f"variant_{variant(record)}"] += 1
    if decision is None:
        if not long_answer:
            raise RecordRejected("empty_answer", "no LONG_ANSWER and no final_decision")
        out.add(source_id=pmid, group_id=pmid, kind="qa", context=context, question=question, answer=long_answer)
        return
    decision = decision.strip().lower()
    if decision not in DECISIONS:
        raise RecordRejected("invalid_answer_key", f"final_decision {decision!r} is not yes/no/maybe")
    answer = f"{long_answer}\nFinal Answer: {decision}" if long_answer else f"Final Answer: {decision}"
    out.add(
        source_id=pmid,
        group_id=pmid,
        kind="yes_no_maybe",
        context=context,
        question=question,
        answer=answer,
        rationale=long_answer or None,
        answer_key=decision,
    )


def parse_hub(hub: HubDataset, options: NoOptions | None = None) -> ParseResult:
    return parse_hub_rows(iter_hub_rows(hub), options)


def parse_hub_rows(rows: Iterable[tuple[str, int, dict]], options: NoOptions | None = None) -> ParseResult:
    """qiaojin/PubMedQA rows: pubid, question, context {contexts, labels, meshes, reasoning_*},
    long_answer, final_decision (absent in pqa_unlabeled) — renamed to the native keys."""
    out = Collector(SOURCE)
    for split, index, row in rows:
        pmid = str(row.get("pubid")) if isinstance(row, dict) and row.get("pubid") is not None else f"{split}/{index}"
        with out.record(pmid, row):
            add_record(out, pmid, native_record(row))
    return out.result()


def native_record(row: dict) -> dict:
    context = field(row, "context", dict)
    record = {
        "QUESTION": row.get("question"),
        "CONTEXTS": context.get("contexts"),
        "LABELS": context.get("labels"),
        "LONG_ANSWER": row.get("long_answer"),
    }
    if row.get("final_decision") is not None:
        record["final_decision"] = row["final_decision"]
    if "reasoning_required_pred" in context:
        record["reasoning_required_pred"] = context["reasoning_required_pred"]
    return record
