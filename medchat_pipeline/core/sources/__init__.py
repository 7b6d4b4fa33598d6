"""Source parsers: publisher-native files (or a HuggingFace hub dataset) → raw QAC rows + rejects.

Each source module exposes `parse_files(paths, options) -> ParseResult` and
`parse_hub(hub, options) -> ParseResult`; SOURCES maps the asset-level source name to its module.
Parsing only validates structure (missing fields, wrong types, broken JSON/XML, bad encoding, empty
answers); text cleaning, length bounds and PII scrubbing happen afterwards in core.clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass
class ParseResult:
    source: str
    qac: pl.DataFrame  # conforms to schema.QAC_SCHEMA
    rejects: pl.DataFrame  # conforms to schema.REJECT_SCHEMA
    read: int  # source records read: a dialogue, a PMID, a QA pair, a JSON line or list item
    stats: dict[str, int] = field(default_factory=dict)  # source-specific counters for metadata
