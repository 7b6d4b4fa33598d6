"""MedDialog-EN raw txt (and CovidDialog-EN, same format) → dialogue_turn rows.

A file is a sequence of blocks, each opened by an `id=N` line: a URL, `Description` + title,
`Dialogue` + alternating bare `Patient:` / `Doctor:` marker lines, each followed by its utterance.
Files are streamed block by block, split on "\\n" only: CovidDialog utterances hold bare CRs that
are line breaks inside a turn, not record boundaries.

Ids restart in every file (qa_en_1.txt, qa_en_2.txt, …), so a dialogue is `<file stem>/<id>`.
An id repeated inside a file (CovidDialog has two different consultations numbered 18) keeps both
dialogues: the second is `<file stem>/<id>.2`, and `repeated_dialogue_ids` counts them.
The Description (a title, or in HealthTap items a copy of the first patient turn) is not used:
it is not part of the conversation. `read` counts dialogues; in all_pairs mode a dialogue yields one
row per exchange.

Hub: the legacy `medical_dialog` dataset is a loading script, which recent `datasets` releases no
longer run; point hub.revision at its parquet conversion (e.g. "refs/convert/parquet") or use a
parquet copy with the same columns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from medchat_pipeline.config.sources import DialogueOptions, HubDataset
from medchat_pipeline.core.data.sources.dialogue import DOCTOR, PATIENT, add_dialogue
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    RecordRejected,
    field,
    iter_hub_rows,
    open_binary,
    require_decodable,
)

SOURCE = "meddialog_en"
FILE_GLOBS = ("*.txt", "*.txt.gz")  # native files, when a folder is given
ID_LINE = re.compile(rb"^id=(\d+)\s*$")
MARKERS = {"Patient:": PATIENT, "Doctor:": DOCTOR}
# healthcaremagic.com's chat widget text that leaked into the start of many patient turns
WIDGET_PROMPT = re.compile(
    r"^\s*Hi, may I answer your health queries right now \?\s*Please type( your query( here)?)?[.\s]*",
    re.IGNORECASE,
)


def parse_files(paths: list[Path], options: DialogueOptions | None = None) -> ParseResult:
    options = options or DialogueOptions()
    out = Collector(SOURCE)
    for path in paths:
        seen: Counter[str] = Counter()
        for line_no, raw_id, lines in iter_blocks(path):
            if raw_id is None:
                _reject_preamble(out, path, lines)
                continue
            seen[raw_id] += 1
            dialogue_id = f"{path.stem}/{raw_id}" + (f".{seen[raw_id]}" if seen[raw_id] > 1 else "")
            if seen[raw_id] > 1:
                out.stats["repeated_dialogue_ids"] += 1
            raw_text = b"\n".join(lines).decode("utf-8", errors="replace")
            with out.record(dialogue_id, raw_text):
                add_dialogue(out, dialogue_id, _block_turns(lines, out, path, line_no), options.dialogue_mode)
    return out.result()


def iter_blocks(path: Path) -> Iterator[tuple[int, str | None, list[bytes]]]:
    """(line number, dialogue id or None for text before the first block, raw lines) per block."""
    block_id: str | None = None
    start, lines = 1, []
    with open_binary(path) as fh:
        for line_no, raw in enumerate(fh, start=1):
            line = raw.rstrip(b"\n")
            match = ID_LINE.match(line.rstrip(b"\r"))
            if match:
                if block_id is not None or lines:
                    yield start, block_id, lines
                block_id, start, lines = match.group(1).decode(), line_no, []
            else:
                lines.append(line)
    if block_id is not None or lines:
        yield start, block_id, lines


def _reject_preamble(out: Collector, path: Path, lines: list[bytes]) -> None:
    """Non-blank text before the first `id=` line is a record we could not read: count and reject it."""
    if any(line.strip() for line in lines):
        out.read += 1
        text = b"\n".join(lines).decode("utf-8", errors="replace")
        out.reject(None, "unparsed_text", f"{path.name}: text before the first id= line", text)


def _block_turns(lines: list[bytes], out: Collector, path: Path, line_no: int) -> list[tuple[str, str]]:
    try:
        text_lines = [line.decode("utf-8") for line in lines]
    except UnicodeDecodeError as exc:
        raise RecordRejected("bad_encoding", f"{path.name} block at line {line_no}: {exc.reason}") from None
    text_lines = [line.replace("\r\n", "\n").replace("\r", "\n") for line in text_lines]
    try:
        dialogue_at = next(i for i, line in enumerate(text_lines) if line.strip() == "Dialogue")
    except StopIteration:
        raise RecordRejected("missing_field", "no 'Dialogue' section") from None

    turns: list[tuple[str, list[str]]] = []
    for line in text_lines[dialogue_at + 1 :]:
        speaker = MARKERS.get(line.strip())
        if speaker:
            turns.append((speaker, []))
        elif turns:
            turns[-1][1].append(line)
        elif line.strip():
            raise RecordRejected("malformed_dialogue", "text before the first Patient:/Doctor: marker")
    return [(speaker, _utterance(speaker, body, out)) for speaker, body in turns]


def _utterance(speaker: str, body: list[str], out: Collector) -> str:
    text = "\n".join(body).strip()
    if speaker == PATIENT:
        stripped = WIDGET_PROMPT.sub("", text, count=1)
        if stripped != text:
            out.stats["widget_prompt_stripped"] += 1
            text = stripped
    return text


def parse_hub(hub: HubDataset, options: DialogueOptions | None = None) -> ParseResult:
    return parse_hub_rows(iter_hub_rows(hub), options)


def parse_hub_rows(rows: Iterable[tuple[str, int, dict]], options: DialogueOptions | None = None) -> ParseResult:
    """Rows of the hub's `medical_dialog` dataset: config `en` (dialogue_id, file_name,
    dialogue_turns {speaker: 0=Patient/1=Doctor, utterance}) or `processed.en` (description,
    utterances prefixed "patient: " / "doctor: ")."""
    options = options or DialogueOptions()
    out = Collector(SOURCE)
    for split, index, row in rows:
        dialogue_id = _hub_dialogue_id(split, index, row)
        with out.record(
            dialogue_id, row):
            add_dialogue(out, dialogue_id, hub_turns(row, out), options.dialogue_mode
        )
    return out.result()


def _hub_dialogue_id(split: str, index: int, row: dict) -> str:
    if isinstance(row, dict) and row.get("dialogue_id") is not None:
        return f"{row.get('file_name') or split}/{row['dialogue_id']}"
    return f"{split}/{index}"


def hub_turns(row: dict, out: Collector) -> list[tuple[str, str]]:
    require_decodable(row, "hub row")
    if isinstance(row, dict) and "utterances" in row:
        turns = []
        for utterance in field(row, "utterances", list):
            if not isinstance(utterance, str):
                raise RecordRejected("wrong_type", "utterances must be strings")
            speaker, _, text = utterance.partition(": ")
            if speaker.lower() not in (PATIENT, DOCTOR):
                raise RecordRejected("malformed_dialogue", f"utterance without a speaker prefix: {utterance[:60]!r}")
            turns.append((speaker.lower(), _utterance(speaker.lower(), [text], out)))
        return turns
    raw = field(row, "dialogue_turns", (dict, list))
    if isinstance(raw, dict):  # datasets stores a Sequence of dicts as a dict of lists
        speakers, utterances = raw.get("speaker") or [], raw.get("utterance") or []
        if len(speakers) != len(utterances):
            raise RecordRejected("malformed_dialogue", f"{len(speakers)} speakers for {len(utterances)} utterances")
        raw = [{"speaker": s, "utterance": u} for s, u in zip(speakers, utterances, strict=True)]
    turns = []
    for turn in raw:
        speaker = field(turn, "speaker", (int, str))
        speaker = {0: PATIENT, 1: DOCTOR}.get(speaker) if isinstance(speaker, int) else speaker.lower().rstrip(":")
        if speaker not in (PATIENT, DOCTOR):
            raise RecordRejected("malformed_dialogue", f"unknown speaker {turn.get('speaker')!r}")
        turns.append((speaker, _utterance(speaker, [field(turn, "utterance", str)], out)))
    return turns
