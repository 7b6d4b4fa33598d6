"""ChatDoctor HealthCareMagic-100k (and GenMedGPT-5k, the same schema) → dialogue_turn rows.

Native file: one JSON list of {"instruction", "input": patient message, "output": doctor reply}.
The instruction is the same system prompt on every row ("If you are a doctor, please answer …")
and is not part of the dialogue. Rows have no id: a row is `<file stem>/<list index>`.
`read` counts list items.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from medchat_pipeline.config.sources import DialogueOptions, HubDataset
from medchat_pipeline.core.data.sources.dialogue import add_exchange
from medchat_pipeline.core.data.sources.records import (
    Collector,
    ParseResult,
    iter_hub_rows,
    iter_json_list,
    parse_split_index_rows,
)

SOURCE = "healthcaremagic"
FILE_GLOBS = ("*.json",)  # native files, when a folder is given


def parse_files(paths: list[Path], options: DialogueOptions | None = None) -> ParseResult:
    options = options or DialogueOptions()
    out = Collector(SOURCE)
    for path in paths:
        for record_id, item in iter_json_list(out, path):
            with out.record(record_id, item):
                add_item(out, record_id, item, options.dialogue_mode)
    return out.result()


def add_item(out: Collector, record_id: str, item: dict, mode: str) -> None:
    add_exchange(out, record_id, item, "input", "output", mode)


def parse_hub(hub: HubDataset, options: DialogueOptions | None = None) -> ParseResult:
    return parse_hub_rows(iter_hub_rows(hub), options)


def parse_hub_rows(rows: Iterable[tuple[str, int, dict]], options: DialogueOptions | None = None) -> ParseResult:
    """Hub copies (lavita/ChatDoctor-HealthCareMagic-100k, …) have the native columns."""
    mode = (options or DialogueOptions()).dialogue_mode
    return parse_split_index_rows(SOURCE, rows, lambda out, record_id, row: add_item(out, record_id, row, mode))
