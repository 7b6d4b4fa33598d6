"""Source parsers: publisher-native files (or a HuggingFace hub dataset) → raw QAC rows + rejects.

Each source module exposes `parse_files(paths, options) -> ParseResult` and
`parse_hub(hub, options) -> ParseResult` (the hub row mapping is `parse_hub_rows(rows, options)`,
fed (split, index, row) tuples, so it can be tested on datasets.Dataset.from_list rows);
SOURCES maps the asset-level source name to its module, and parse_source() runs one source as
its config says. Parsing only validates structure (missing fields, wrong types, broken JSON/XML,
bad encoding, empty answers); text cleaning, length bounds and PII scrubbing happen afterwards in
core.data.clean.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from medchat_pipeline.core.data.sources import (
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
from medchat_pipeline.core.data.sources.records import ParseResult

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
