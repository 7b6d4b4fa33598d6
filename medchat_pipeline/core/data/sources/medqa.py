"""MedQA (USMLE) → mcq rows.

Native JSON lines: question, options {"A": …, "E": …} (4 or 5), answer_idx (letter), answer (its
text), meta_info ("step1" | "step2&3", kept as subject). Items carry no id: a row is
`<file stem>/<line>` and group_id hashes the question and options. An answer text that disagrees with
options[answer_idx] is an item whose label cannot be trusted: rejected as `inconsistent_answer`.
Hub copies: GBaker/MedQA-USMLE-4-options (options as a dict, like native) and bigbio/med_qa
`*_source` configs (options as a list of {key, value}). `read` counts JSON lines (or hub rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from medchat_pipeline.config.sources import HubDataset, MCQOptions
from medchat_pipeline.core.data.sources.mcq import (
    LETTERS,
    add_mcq,
    normalize,
    question_group_id,
)
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    RecordRejected,
    field,
    iter_hub_rows,
    iter_json_line_records,
    parse_split_index_rows,
    require_decodable,
    text_field,
)

SOURCE = "medqa"
FILE_GLOBS = ("*.jsonl", "*.jsonl.gz")  # native files, when a folder is given


def parse_files(paths: list[Path], options: MCQOptions | None = None) -> ParseResult:
    options = options or MCQOptions()
    out = Collector(SOURCE)
    for path in paths:
        for record_id, record, raw in iter_json_line_records(out, path):
            with out.record(record_id, raw):
                add_item(out, record_id, record, options)
    return out.result()


def option_list(raw: dict | list) -> list[str]:
    """Options in letter order from {"A": text, …} or [{"key": "A", "value": text}, …]."""
    if isinstance(raw, list):
        if not all(isinstance(o, dict) and isinstance(o.get("key"), str) for o in raw):
            raise RecordRejected("malformed_options", "options list entries must be {key, value}")
        raw = {o["key"]: o.get("value") for o in raw}
    # a hub dataset mixing 4- and 5-option rows fills the missing letter with None
    raw = {key: value for key, value in raw.items() if value is not None}
    keys = sorted(raw)
    if keys != list(LETTERS[: len(keys)]) or len(keys) < 2:
        raise RecordRejected("malformed_options", f"option letters {keys}, expected A, B, C, …")
    if not all(isinstance(raw[k], str) for k in keys):
        raise RecordRejected("wrong_type", "every option must be a string")
    return [raw[k] for k in keys]


def add_item(out: Collector, record_id: str, record: dict, options: MCQOptions) -> None:
    require_decodable(record, record_id)
    question = field(record, "question", str)
    choices = option_list(field(record, "options", (dict, list)))
    letter = text_field(record, "answer_idx", empty_reason="missing_field").upper()
    if letter not in LETTERS[: len(choices)]:
        raise RecordRejected("invalid_answer_key", f"answer_idx {letter!r} for {len(choices)} options")
    index = LETTERS.index(letter)
    answer_text = field(record, "answer", str, required=False)
    if answer_text is not None and normalize(answer_text) != normalize(choices[index]):
        raise RecordRejected(
            "inconsistent_answer", f"answer {answer_text[:60]!r} is not option {letter} {choices[index][:60]!r}"
        )
    add_mcq(
        out,
        source_id=record_id,
        group_id=question_group_id(SOURCE, question, choices),
        question=question,
        options=choices,
        answer_index=index,
        explanation=None,
        include_explanation=options.include_explanation,
        subject=text_field(record, "meta_info", required=False) or None,
    )


def parse_hub(hub: HubDataset, options: MCQOptions | None = None) -> ParseResult:
    return parse_hub_rows(iter_hub_rows(hub), options)


def parse_hub_rows(rows: Iterable[tuple[str, int, dict]], options: MCQOptions | None = None) -> ParseResult:
    options = options or MCQOptions()
    return parse_split_index_rows(SOURCE, rows, lambda out, record_id, row: add_item(out, record_id, row, options))
