"""MedMCQA → mcq rows, from the native JSON lines or the self-biorag third-party lines.

- Native (train.json / dev.json / test.json — JSON lines despite the name): question, opa–opd,
  cop 1–4 (1 = opa), exp, subject_name, topic_name, id (uuid), choice_type. The test file has no
  cop/exp: those items are unlabeled (evaluation only, answers withheld) and cannot become a
  triple, so they are rejected with reason `unlabeled_test_item`. group_id = the MedMCQA id.
- Hub (openlifescienceai/medmcqa): same columns, but cop is 0–3 and −1 on test (exp "").
- self-biorag (dmis-lab): {"instances": {"input": "QUESTION: …\\nOption A: …\\n…\\nOption: ",
  "output": correct option text}}. Every line shares the id "seed_task_9999", so a row is
  `<file stem>/<line>`; the letter is recovered by matching output to an option (exact, then
  case/whitespace-insensitive), and group_id hashes the question and options.

`read` counts JSON lines (or hub rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from medchat_pipeline.config.sources import HubDataset, MCQOptions
from medchat_pipeline.core.data.sources.mcq import add_mcq, normalize, question_group_id
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    RecordRejected,
    field,
    iter_hub_rows,
    iter_json_line_records,
    require_decodable,
    text_field,
)

SOURCE = "medmcqa"
FILE_GLOBS = ("*.json", "*.jsonl")  # native files, when a folder is given
OPTION_KEYS = ("opa", "opb", "opc", "opd")
SELFBIORAG_INPUT = re.compile(
    r"^QUESTION: (?P<question>.*?)\nOption A: (?P<a>.*?)\nOption B: (?P<b>.*?)\n"
    r"Option C: (?P<c>.*?)\nOption D: (?P<d>.*?)\nOption:\s*$",
    re.DOTALL,
)


def parse_files(paths: list[Path], options: MCQOptions | None = None) -> ParseResult:
    options = options or MCQOptions()
    out = Collector(SOURCE)
    for path in paths:
        for line_id, record, raw in iter_json_line_records(out, path):
            if isinstance(record, dict) and "instances" in record:
                with out.record(line_id, raw):
                    add_selfbiorag(out, line_id, record, options)
            else:
                record_id = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else line_id
                with out.record(record_id, raw):
                    add_native(out, record, cop_base=1, options=options)
    return out.result()


def add_native(out: Collector, record: dict, *, cop_base: int, options: MCQOptions) -> None:
    """One MedMCQA item; cop_base is 1 for the native files (cop 1–4) and 0 for the hub (cop 0–3)."""
    require_decodable(record, "record")
    item_id = text_field(record, "id", empty_reason="missing_field")
    question = field(record, "question", str)
    choices = [field(record, key, str) for key in OPTION_KEYS]
    cop = field(record, "cop", int, required=False)
    if cop is None or cop == -1:
        raise RecordRejected("unlabeled_test_item", "no correct option (cop): a test item, evaluation only")
    if not cop_base <= cop < cop_base + len(OPTION_KEYS):
        raise RecordRejected("invalid_answer_key", f"cop={cop}, expected {cop_base}–{cop_base + 3}")
    add_mcq(
        out,
        source_id=item_id,
        group_id=item_id,
        question=question,
        options=choices,
        answer_index=cop - cop_base,
        explanation=field(record, "exp", str, required=False),
        include_explanation=options.include_explanation,
        subject=text_field(record, "subject_name", required=False) or None,
        topic=text_field(record, "topic_name", required=False) or None,
    )


def add_selfbiorag(out: Collector, line_id: str, record: dict, options: MCQOptions) -> None:
    instance = field(record, "instances", dict)
    match = SELFBIORAG_INPUT.match(field(instance, "input", str))
    if not match:
        raise RecordRejected("malformed_question", "input is not 'QUESTION: …\\nOption A: … Option D: …\\nOption: '")
    choices = [match.group(letter) for letter in "abcd"]
    index = match_option(field(instance, "output", str), choices)
    add_mcq(
        out,
        source_id=line_id,
        group_id=question_group_id(SOURCE, match.group("question"), choices),
        question=match.group("question"),
        options=choices,
        answer_index=index,
        explanation=None,
        include_explanation=options.include_explanation,
    )


def match_option(output: str, choices: list[str]) -> int:
    """The index of the option whose text is `output`: exact first, then ignoring case and spacing."""
    for key in (lambda text: text, normalize):
        hits = [i for i, choice in enumerate(choices) if key(choice) == key(output)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise RecordRejected("ambiguous_answer", f"output {output[:60]!r} matches options {hits}")
    raise RecordRejected("answer_not_in_options", f"output {output[:60]!r} matches no option")


def parse_hub(hub: HubDataset, options: MCQOptions | None = None) -> ParseResult:
    return parse_hub_rows(iter_hub_rows(hub), options)


def parse_hub_rows(rows: Iterable[tuple[str, int, dict]], options: MCQOptions | None = None) -> ParseResult:
    options = options or MCQOptions()
    out = Collector(SOURCE)
    for split, index, row in rows:
        record_id = row.get("id") if isinstance(row, dict) and isinstance(row.get("id"), str) else f"{split}/{index}"
        with out.record(record_id, row):
            add_native(out, row, cop_base=0, options=options)
    return out.result()
