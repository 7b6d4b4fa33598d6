"""The unified (context, question, answer) row, its rejects table, and the helpers that keep them.

Every frame that travels between assets is one of these two shapes. Columns beyond the QAC core
(`split`, `origin`, `parent_id`, …) are optional and listed in OPTIONAL_COLUMNS so that every stage
agrees on their names and types.
"""

from __future__ import annotations

import hashlib

import polars as pl

KINDS = ("dialogue_turn", "qa", "mcq", "yes_no_maybe", "ehr")
SPLITS = ("train", "val", "test")

QAC_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),  # stable content hash, see qac_id()
    "source": pl.String(),  # asset-level source name, e.g. "medmcqa"
    "source_id": pl.String(),  # the publisher's id (PMID, MCQ uuid, dialogue id + turn, …)
    "group_id": pl.String(),  # unit that never crosses splits (dialogue, PMID, document, MCQ)
    "kind": pl.String(),  # one of KINDS
    "context": pl.String(),  # "" when there is none, never null
    "question": pl.String(),
    "answer": pl.String(),
    "rationale": pl.String(),  # explanation / chain of thought, null when absent
    "options": pl.List(pl.String()),  # MCQ options in letter order (index 0 = "A"), null otherwise
    "answer_key": pl.String(),  # "A".."E" for mcq, "yes"/"no"/"maybe" for yes_no_maybe
    "subject": pl.String(),
    "topic": pl.String(),
}

# Columns added by later stages. Same name, same type everywhere.
OPTIONAL_COLUMNS: dict[str, pl.DataType] = {
    "split": pl.String(),  # one of SPLITS, set by merged_qac
    "origin": pl.String(),  # original | augmented | distilled | synthetic
    "parent_id": pl.String(),  # id of the row a variant or teacher answer was made from
    "augmentation": pl.String(),  # paraphrase | split | perturb | synonym | synth
    "teacher": pl.String(),  # "provider/model" that wrote the answer
}

REJECT_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "source_id": pl.String(),  # null when the record is too broken to have one
    "stage": pl.String(),  # parse | clean | dedup | decontaminate | augment | distill | review …
    "reason": pl.String(),  # short machine-readable reason, e.g. "empty_answer"
    "detail": pl.String(),  # human-readable explanation
    "record": pl.String(),  # the offending raw record (truncated), for debugging
}

RECORD_SNIPPET_CHARS = 2000


def qac_id(source: str, context: str, question: str, answer: str) -> str:
    """Stable content hash of a row: the same text from the same source always gets the same id."""
    digest = hashlib.blake2b(digest_size=8)
    for part in (source, context, question, answer):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def empty_qac(extra: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    return pl.DataFrame(schema={**QAC_SCHEMA, **(extra or {})})


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECT_SCHEMA)


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """Cast to the QAC schema (plus any known optional columns present), adding missing core
    columns as nulls and ordering them canonically. Unknown columns are an error, not a drop."""
    target = dict(schema or QAC_SCHEMA)
    for name in df.columns:
        if name not in target:
            if name in OPTIONAL_COLUMNS:
                target[name] = OPTIONAL_COLUMNS[name]
            else:
                raise ValueError(f"column {name!r} is not part of the QAC schema or its optional columns")
    exprs = [
        (pl.col(name) if name in df.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in target.items()
    ]
    return df.select(exprs)


def reject_row(
    source: str, source_id: str | None, stage: str, reason: str, detail: str = "", record: object = None
) -> dict:
    """One rejects-table row. `record` is stored as text, truncated, so broken input stays inspectable."""
    text = record if isinstance(record, str) or record is None else repr(record)
    if text is not None and len(text) > RECORD_SNIPPET_CHARS:
        text = text[:RECORD_SNIPPET_CHARS] + "…"
    return {
        "source": source,
        "source_id": source_id,
        "stage": stage,
        "reason": reason,
        "detail": detail,
        "record": text,
    }


def rejects_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=REJECT_SCHEMA) if rows else empty_rejects()


def reason_counts(rejects: pl.DataFrame) -> dict[str, int]:
    if rejects.is_empty():
        return {}
    counts = rejects.group_by("reason").len().sort("reason")
    return dict(zip(counts["reason"].to_list(), counts["len"].to_list()))
