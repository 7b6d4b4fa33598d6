"""ChatDoctor iCliniq-10k → dialogue_turn rows, from either shape it is found in:

- native: one JSON list of {"input": patient question, "answer_icliniq": the real doctor's answer,
  "answer_chatgpt", "answer_chatdoctor"}; only the iCliniq doctor's answer is used (the other two
  are model outputs, not ground truth). A row is `<file stem>/<list index>`.
- the third-party OpenAI-evals chat lines: {"chat": [{"input": [{"role", "content"}, …],
  "ideal": answer}]}; user → patient, assistant → doctor, system messages skipped, and `ideal` is
  the final doctor turn. A row is `<file stem>/<line number>` (`.k` for the k-th chat sample of a line).

The shape is chosen per file: a file whose first byte is "[" is the native list, otherwise JSON lines.
`read` counts list items or JSON lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from medchat_pipeline.config.sources import DialogueOptions, HubDataset
from medchat_pipeline.core.data.sources.dialogue import DOCTOR, PATIENT, add_dialogue, add_exchange
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    RecordRejected,
    field,
    is_json_list_document,
    iter_hub_rows,
    iter_json_line_records,
    iter_json_list,
    parse_split_index_rows,
)

SOURCE = "icliniq"
FILE_GLOBS = ("*.json", "*.jsonl")  # native files, when a folder is given
ROLES = {"user": PATIENT, "assistant": DOCTOR}


def parse_files(paths: list[Path], options: DialogueOptions | None = None) -> ParseResult:
    options = options or DialogueOptions()
    out = Collector(SOURCE)
    for path in paths:
        if is_json_list_document(path):
            for record_id, item in iter_json_list(out, path):
                with out.record(record_id, item):
                    add_native(out, record_id, item, options.dialogue_mode)
            continue
        for record_id, record, raw in iter_json_line_records(out, path):
            with out.record(record_id, raw):
                add_evals_chat(out, record_id, record, options.dialogue_mode)
    return out.result()


def add_native(out: Collector, record_id: str, item: dict, mode: str) -> None:
    add_exchange(out, record_id, item, "input", "answer_icliniq", mode)


def add_evals_chat(out: Collector, record_id: str, record: dict, mode: str) -> None:
    samples = field(record, "chat", list)
    if not samples:
        raise RecordRejected("missing_field", "'chat' is empty")
    for k, sample in enumerate(samples):
        turns = []
        for message in field(sample, "input", list):
            role = field(message, "role", str)
            if role == "system":
                out.stats["system_messages_skipped"] += 1
                continue
            if role not in ROLES:
                raise RecordRejected("malformed_dialogue", f"unknown role {role!r}")
            turns.append((ROLES[role], field(message, "content", str)))
        ideal = field(sample, "ideal", (str, list))
        if isinstance(ideal, list):
            if not ideal or not isinstance(ideal[0], str):
                raise RecordRejected("wrong_type", "'ideal' must be a string or a list of strings")
            ideal = ideal[0]
        if not ideal.strip():
            raise RecordRejected("empty_answer", "'ideal' is blank")
        add_dialogue(out, record_id if k == 0 else f"{record_id}.{k}", [*turns, (DOCTOR, ideal)], mode)


def parse_hub(hub: HubDataset, options: DialogueOptions | None = None) -> ParseResult:
    return parse_hub_rows(iter_hub_rows(hub), options)


def parse_hub_rows(rows: Iterable[tuple[str, int, dict]], options: DialogueOptions | None = None) -> ParseResult:
    """Hub copies (lavita/ChatDoctor-iCliniq) have the native columns."""
    mode = (options or DialogueOptions()).dialogue_mode
    return parse_split_index_rows(SOURCE, rows, lambda out, record_id, row: add_native(out, record_id, row, mode))
