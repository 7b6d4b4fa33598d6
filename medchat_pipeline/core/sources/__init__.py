"""Source parsers: publisher-native files (or a HuggingFace hub dataset) → raw QAC rows + rejects.

Each source module exposes `parse_files(paths, options) -> ParseResult` and
`parse_hub(hub, options) -> ParseResult` (the hub row mapping is `parse_hub_rows(rows, options)`,
fed (split, index, row) tuples, so it can be tested on datasets.Dataset.from_list rows);
SOURCES maps the asset-level source name to its module, and parse_source() runs one source as
its config says. Parsing only validates structure (missing fields, wrong types, broken JSON/XML,
bad encoding, empty answers); text cleaning, length bounds and PII scrubbing happen afterwards in
core.clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import polars as pl


@dataclass
class ParseResult:
    source: str
    qac: pl.DataFrame  # conforms to schema.QAC_SCHEMA
    rejects: pl.DataFrame  # conforms to schema.REJECT_SCHEMA
    read: int  # source records read: a dialogue, a PMID, a QA pair, a JSON line or list item
    stats: dict[str, int] = field(default_factory=dict)  # source-specific counters for metadata


# The parser modules import ParseResult from here, so they are imported after it is defined.
from medchat_pipeline.core.sources import (  # noqa: E402
    drugehrqa,
    healthcaremagic,
    icliniq,
    meddialog_en,
    medmcqa,
    medqa,
    medquad,
    mimic_iv_medications,
    pubmedqa,
)

SOURCES: dict[str, ModuleType] = {
    "meddialog_en": meddialog_en,
    "healthcaremagic": healthcaremagic,
    "icliniq": icliniq,
    "medmcqa": medmcqa,
    "medqa": medqa,
    "pubmedqa": pubmedqa,
    "medquad": medquad,
    "drugehrqa": drugehrqa,
    "mimic_iv_medications": mimic_iv_medications,
}


def parse_source(name: str, source_cfg, root: Path) -> ParseResult:
    """Parse one source as configured (a config.sources.SourceConfig): its local files, globs
    resolved against `root`, or its hub dataset."""
    if name not in SOURCES:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCES)}")
    module = SOURCES[name]
    if source_cfg.mode == "hub":
        return module.parse_hub(source_cfg.hub, source_cfg.options)
    return module.parse_files(source_cfg.resolve_paths(root), source_cfg.options)
