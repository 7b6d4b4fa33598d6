"""Text cleaning for parsed QAC rows: whitespace, HTML, length bounds and PII scrubbing.

Everything here is column-wise polars; the only per-row Python is html.unescape on the (few) cells
that still hold an entity after the common named ones were replaced, and the blake2b id hash.
Slices of CHUNK_ROWS rows are cleaned on THREADS threads (polars releases the GIL while it works).

    result = clean_qac(parsed.qac, cfg.data.cleaning)
    result.kept      # QAC rows, cleaned, ids recomputed from the cleaned text
    result.rejects   # REJECT_SCHEMA rows, stage "clean", one reason per rejected row
    result.stats     # {"in", "kept", "rejected", "pii_email", "pii_phone", "pii_url", "pii_name", …}
"""

from __future__ import annotations

import hashlib
import html
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from medchat_pipeline.config.data import CleaningConfig
from medchat_pipeline.core.data.schema import RECORD_SNIPPET_CHARS, REJECT_SCHEMA, conform

STAGE = "clean"
CHUNK_ROWS = 25_000
THREADS = 2
TEXT_COLUMNS = ("context", "question", "answer", "rationale")
LABEL_COLUMNS = ("subject", "topic")

# Only tag-shaped text counts as HTML, so "<5 mg" or "a > b" in clinical prose survive.
HTML_TAG = r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"
HTML_LINE_BREAK = r"(?i)<br\s*/?>|</p\s*>"
# Inline formatting vanishes without a trace ("<b>rest</b>." → "rest."); other tags separate words.
HTML_INLINE_TAG = r"(?i)</?(?:b|i|u|em|strong|span|a|font|sup|sub|small|big|mark|abbr|code)(?:\s[^<>]*)?/?>"
HTML_ENTITY = r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
COMMON_ENTITIES = {
    "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&#39;": "'", "&nbsp;": " ",
}
# Control characters, zero-width marks, and the private-use range (our own scrubbing markers live there).
INVISIBLE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\ue000-\uf8ff]"
_ODD_SPACES = ["\t", "\u00a0", *(chr(c) for c in range(0x2000, 0x200B)), "\u202f", "\u205f", "\u3000"]
_ODD_SPACE = r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
_SPACE = r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
# Runs that are not already one plain space: matching every single space would rewrite all text.
HORIZONTAL_SPACE = rf"{_ODD_SPACE}{_SPACE}*| {_SPACE}+"

PLACEHOLDERS = {"email": "[EMAIL]", "phone": "[PHONE]", "url": "[URL]", "name": "[NAME]"}
PII_PATTERNS = {
    "url": r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]]+",
    "email": r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b",
    # Separated groups (555-123-4567, (555) 123 4567, +44 20 7946 0958) or 10+ bare digits.
    # Doses, years and lab values ("500 mg", "2019", "120/80") have neither shape.
    "phone": r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?|\b\d{2,5}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b"
    r"|\+?\b\d{10,13}\b",
}
# What each PII pattern cannot match without (a cheap scan that lets most values skip the regex).
_PII_TRIGGERS = {
    "url": lambda values: values.str.contains_any(["http", "www."], ascii_case_insensitive=True),
    "email": lambda values: values.str.contains("@", literal=True),
    "phone": lambda values: values.str.contains(r"\d"),
}
# Greeting / self-introduction phrases after which a capitalized word is taken to be a name.
_GREETING = r"(?i:\b(?:hi|hello|hey|dear|greetings|good\s+(?:morning|afternoon|evening)))"
_TITLE = r"(?i:dr|doctor|mr|mrs|ms|miss|prof|professor)\.?"
_INTRO = r"(?i:i\s+am|i'm|im|this\s+is|my\s+name\s+is|it's|it\s+is)"
_MY_NAME_IS = r"(?i:\bmy\s+name\s+is|\bname's)"
_NAME = r"(?P<name>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)?)"
NAME_PATTERNS = (
    # "Dear Dr. Smith", "Hi Doctor Jane Roe"
    rf"(?P<pre>{_GREETING}[,!.]?\s+{_TITLE}\s+){_NAME}(?P<post>)",
    # "Hi, I am John", "Hello, this is Sarah"
    rf"(?P<pre>{_GREETING}[,!.]?\s+{_INTRO}\s+){_NAME}(?P<post>)",
    # "Hello Sarah," — the punctuation after the name tells it from "Hello Please help"
    rf"(?P<pre>{_GREETING}\s+){_NAME}(?P<post>\s*[,!.:;\n])",
    # "my name is John Smith" anywhere
    rf"(?P<pre>{_MY_NAME_IS}\s+){_NAME}(?P<post>)",
)
# The regex engine has no look-ahead, so candidates are bracketed with private-use characters
# first, and those whose first word is a common capitalized non-name are unbracketed again.
_OPEN, _CLOSE = "\ue001", "\ue002"
_NOT_NAMES = (
    "doctor|doc|dr|sir|sirs|madam|mam|maam|ma'am|there|all|everyone|everybody|team|friend|friends|"
    "please|thanks|thank|thankyou|good|my|me|we|our|us|you|your|he|she|his|her|they|their|it|its|"
    "this|that|these|those|what|why|how|when|where|which|who|can|could|would|should|will|may|"
    "might|is|are|was|were|am|do|does|did|have|has|had|i|im|iam|just|so|and|but|also|actually|"
    "recently|today|yesterday|since|sorry|ok|okay|yes|no|well|again|regarding|about|respected|"
    "sister|brother|mother|father|mom|dad|son|daughter|wife|husband|baby|girlfriend|boyfriend|"
    "morning|afternoon|evening|night|concerned|worried|suffering|having|getting|pregnant|female|male"
)
_NOT_A_NAME = rf"{_OPEN}(?P<word>(?i:{_NOT_NAMES})\b[^{_CLOSE}]*){_CLOSE}"
_CANDIDATE = rf"{_OPEN}[^{_CLOSE}]*{_CLOSE}"
# What any name rewrite needs: a greeting or "my name is" starts every NAME_PATTERNS match, and the
# unbracketing and placeholder steps only touch text holding _OPEN. One scan for these lets the
# other values (most patient text) skip the six rewrites.
_NAME_TRIGGER = rf"{_GREETING}|{_MY_NAME_IS}|{_OPEN}"


@dataclass
class CleanResult:
    kept: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict[str, int] = field(default_factory=dict)


# Text that normalize_whitespace would change holds one of these; most text holds none, and one
# scan for them all is cheaper than the rewrites it lets those values skip.
_UNNORMALIZED = rf"\r|{INVISIBLE}|{_ODD_SPACE}| {_SPACE}| \n|\n |\n\n\n|\A\s|\s\z"


def normalize_whitespace(expr: pl.Expr) -> pl.Expr:
    """Unify line endings, drop invisible characters, collapse runs of spaces, trim every line and
    keep at most one blank line: lists and paragraphs survive, hard-wrapped indentation does not."""
    return _where_matches(
        expr,
        _UNNORMALIZED,
        lambda e: _where_any(e, ["\r"], lambda e: e.str.replace_all(r"\r\n?", "\n"))
        .pipe(_where_matches, INVISIBLE, lambda e: e.str.replace_all(INVISIBLE, ""))
        .pipe(_where_any, [" " * 2, *_ODD_SPACES], lambda e: e.str.replace_all(HORIZONTAL_SPACE, " "))
        .pipe(_where_any, [" \n", "\n "], lambda e: e.str.replace_all(r" ?\n ?", "\n"))
        .pipe(_where_any, ["\n" * 3], lambda e: e.str.replace_all(r"\n{3,}", "\n\n"))
        .str.strip_chars(),
    )


def strip_html(expr: pl.Expr) -> pl.Expr:
    """Tags out (line-breaking ones become newlines), then entities decoded: tags first, so an
    escaped "&lt;b&gt;" in the source stays visible text."""
    tags = _where_any(
        expr,
        ["<"],
        lambda e: e.str.replace_all(HTML_LINE_BREAK, "\n").str.replace_all(HTML_INLINE_TAG, "").str.replace_all(HTML_TAG, " "),
    )
    return _where_any(
        tags,
        ["&"],
        lambda e: e.str.replace_many(list(COMMON_ENTITIES), list(COMMON_ENTITIES.values())).map_batches(
            _unescape_rare_entities, return_dtype=pl.String
        ),
    )


def _where_any(expr: pl.Expr, needles: list[str], transform) -> pl.Expr:
    """Apply `transform` only to the values containing one of `needles` (a cheap literal scan):
    most text has no tag, entity or odd space, and a regex rewrite of it all would cost the most."""
    return _where(expr, lambda values: values.str.contains_any(needles), transform)


def _where_matches(expr: pl.Expr, pattern: str, transform) -> pl.Expr:
    """Apply `transform` only to the values where `pattern` matches (transform must leave the others
    unchanged)."""
    return _where(expr, lambda values: values.str.contains(pattern), transform)


def _where(expr: pl.Expr, select, transform) -> pl.Expr:
    def apply(values: pl.Series) -> pl.Series:
        mask = select(values).fill_null(False)
        if not mask.any():
            return values
        changed = values.filter(mask).to_frame("v").select(transform(pl.col("v"))).to_series()
        return values.scatter(mask.arg_true(), changed)

    return expr.map_batches(apply, return_dtype=pl.String)


# Dead bytes a string column may hold, as a share of its live ones, before it is copied out.
_MAX_DEAD_SHARE = 0.25


def _compacted(values: pl.Series) -> pl.Series:
    """`values`, copied into fresh buffers when those it holds carry more than _MAX_DEAD_SHARE dead
    bytes per live one. Polars strings point into shared byte buffers; replacing some values (the
    cleaning's scatters) keeps the old bytes alive beside the new ones, and keeping a slice's text
    for the whole run (dedup reads all rows at once) would keep that dead weight too. A column whose
    values share bytes (parquet dictionary pages) holds less than its payload and is left as it is."""
    arrow = values.to_arrow(compat_level=pl.CompatLevel.newest())
    chunks = arrow.chunks if hasattr(arrow, "chunks") else [arrow]
    # A string-view array's buffers: validity, the 16-byte views, then the data buffers.
    held = sum(buffer.size for chunk in chunks for buffer in chunk.buffers()[2:] if buffer is not None)
    live = values.str.len_bytes().sum() or 0
    if held <= live * (1 + _MAX_DEAD_SHARE):
        return values
    # pad_end(0) changes no value but writes each one out anew.
    return values.str.pad_end(0)


def _unescape_rare_entities(values: pl.Series) -> pl.Series:
    mask = values.str.contains(HTML_ENTITY).fill_null(False)
    if not mask.any():
        return values
    unescaped = values.filter(mask).map_elements(html.unescape, return_dtype=pl.String)
    return values.scatter(mask.arg_true(), unescaped)


def scrub_pii(expr: pl.Expr, kinds: list[str]) -> pl.Expr:
    for kind in ("url", "email", "phone"):
        if kind in kinds:
            expr = _where(expr, _PII_TRIGGERS[kind], _replacing(PII_PATTERNS[kind], PLACEHOLDERS[kind]))
    if "name" in kinds:
        expr = _where_matches(expr, _NAME_TRIGGER, lambda e: _bracket_names(e).str.replace_all(_CANDIDATE, PLACEHOLDERS["name"]))
    return expr


def _replacing(pattern: str, replacement: str):
    return lambda expr: expr.str.replace_all(pattern, replacement)


def _bracket_names(expr: pl.Expr) -> pl.Expr:
    for pattern in NAME_PATTERNS:
        expr = expr.str.replace_all(pattern, f"${{pre}}{_OPEN}${{name}}{_CLOSE}${{post}}")
    return expr.str.replace_all(_NOT_A_NAME, "${word}")


def content_ids(df: pl.DataFrame) -> pl.Series:
    """core.data.schema.qac_id for every row, byte for byte, with the join done column-wise."""
    joined = df.select(
        pl.concat_str(
            [pl.col(c).fill_null("") for c in ("source", "context", "question", "answer")],
            separator="\x1f",
        )
        + "\x1f"
    ).to_series()
    blake2b = hashlib.blake2b
    # As Binary the values reach Python as their UTF-8 bytes, with no str built and encoded again.
    return pl.Series(
        "id", [blake2b(text, digest_size=8).hexdigest() for text in joined.cast(pl.Binary)], dtype=pl.String
    )


def clean_qac(df: pl.DataFrame, cfg: CleaningConfig | None = None) -> CleanResult:
    """Clean every text column, scrub PII from patient text, enforce length bounds, recompute ids.
    Works through the frame in slices of CHUNK_ROWS, THREADS at a time, so intermediate columns stay
    small."""
    cfg = cfg or CleaningConfig()
    frame = conform(df)
    if frame.is_empty():
        return CleanResult(kept=frame, rejects=pl.DataFrame(schema=REJECT_SCHEMA), stats=_stats(0, 0, {}))
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        starts = range(0, frame.height, CHUNK_ROWS)
        parts = list(pool.map(lambda start: _clean_chunk(frame.slice(start, CHUNK_ROWS), cfg), starts))
    kept = pl.concat([p.kept for p in parts])
    pii_counts = {k: sum(p.stats[k] for p in parts) for k in parts[0].stats if k.startswith("pii_")}
    return CleanResult(
        kept=kept,
        rejects=pl.concat([p.rejects for p in parts]),
        stats=_stats(frame.height, kept.height, pii_counts),
    )


def _clean_chunk(frame: pl.DataFrame, cfg: CleaningConfig) -> CleanResult:
    def clean_text(expr: pl.Expr) -> pl.Expr:
        return normalize_whitespace(strip_html(expr) if cfg.strip_html else expr)

    frame = frame.with_columns(pl.col("context").fill_null("")).with_columns(
        *(clean_text(pl.col(c)).alias(c) for c in TEXT_COLUMNS),
        *(normalize_whitespace(pl.col(c)).alias(c) for c in LABEL_COLUMNS),
    )
    frame = _clean_options(frame, clean_text)
    frame, pii_counts = _scrub_patient_text(frame, cfg)
    frame = frame.with_columns(_reject_reason(cfg).alias("_reason"))
    kept = frame.filter(pl.col("_reason").is_null()).drop("_reason")
    kept = kept.with_columns(content_ids(kept), *(_compacted(kept[c]) for c in TEXT_COLUMNS))
    rejects = _rejects(frame.filter(pl.col("_reason").is_not_null()))
    return CleanResult(kept=kept, rejects=rejects, stats=_stats(frame.height, kept.height, pii_counts))


def _clean_options(frame: pl.DataFrame, clean_text) -> pl.DataFrame:
    """Clean MCQ options as one flat column (list.eval runs per row and is far slower), then
    regroup them in their original order."""
    if frame["options"].null_count() == frame.height:
        return frame
    flat = (
        frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), "options")
        .filter(pl.col("options").is_not_null())
        .explode("options")
        .with_columns(clean_text(pl.col("options")).alias("options"))
        .group_by("_row", maintain_order=True)
        .agg(pl.col("options").drop_nulls())
    )
    cleaned = frame.with_row_index("_row").drop("options").join(flat, on="_row", how="left", maintain_order="left")
    return cleaned.drop("_row").select(frame.columns)


def _scrub_patient_text(frame: pl.DataFrame, cfg: CleaningConfig) -> tuple[pl.DataFrame, dict[str, int]]:
    """Scrub the configured columns of patient-written rows only (other rows never meet the regex
    engine). Replacements are counted as the placeholders each kind adds."""
    columns = [c for c in cfg.pii_columns if c in frame.columns]
    if not cfg.pii_kinds or not columns:
        return frame, {}
    is_patient = frame.select(pl.col("kind").is_in(cfg.pii_row_kinds).fill_null(False)).to_series()
    patient = frame.select(columns).filter(is_patient)
    scrubbed = patient.select(normalize_whitespace(scrub_pii(pl.col(c), list(cfg.pii_kinds))).alias(c) for c in columns)
    counts = {
        f"pii_{kind}": _placeholder_count(scrubbed, columns, kind) - _placeholder_count(patient, columns, kind)
        for kind in ("url", "email", "phone", "name")
        if kind in cfg.pii_kinds
    }
    # Written back in place: re-sorting the whole frame would copy every column.
    at = is_patient.arg_true()
    return frame.with_columns(frame[c].clone().scatter(at, scrubbed[c]) for c in columns), counts


def _placeholder_count(frame: pl.DataFrame, columns: list[str], kind: str) -> int:
    total = frame.select(
        pl.sum_horizontal(
            pl.col(c).fill_null("").str.count_matches(PLACEHOLDERS[kind], literal=True).sum() for c in columns
        )
    ).item()
    return int(total or 0)


def _reject_reason(cfg: CleaningConfig) -> pl.Expr:
    """The first bound a row breaks, as (reason, detail); null when the row is kept."""
    q_len = pl.col("question").fill_null("").str.len_chars()
    a_len = pl.col("answer").fill_null("").str.len_chars()
    c_len = pl.col("context").str.len_chars()
    checks = [
        (q_len == 0, "empty_after_cleaning", pl.lit("question is empty after cleaning")),
        (a_len == 0, "empty_after_cleaning", pl.lit("answer is empty after cleaning")),
        (q_len < cfg.min_question_chars, "too_short_question",
         pl.format("question has {} chars, minimum is {}", q_len, pl.lit(cfg.min_question_chars))),
        (q_len > cfg.max_question_chars, "too_long_question",
         pl.format("question has {} chars, maximum is {}", q_len, pl.lit(cfg.max_question_chars))),
        (a_len < cfg.min_answer_chars, "too_short_answer",
         pl.format("answer has {} chars, minimum is {}", a_len, pl.lit(cfg.min_answer_chars))),
        (a_len > cfg.max_answer_chars, "too_long_answer",
         pl.format("answer has {} chars, maximum is {}", a_len, pl.lit(cfg.max_answer_chars))),
        (c_len > cfg.max_context_chars, "too_long_context",
         pl.format("context has {} chars, maximum is {}", c_len, pl.lit(cfg.max_context_chars))),
    ]
    reason: pl.Expr = pl.lit(None, dtype=pl.Struct({"reason": pl.String, "detail": pl.String}))
    for condition, name, detail in reversed(checks):
        reason = pl.when(condition).then(pl.struct(reason=pl.lit(name), detail=detail)).otherwise(reason)
    return reason


def _rejects(rejected: pl.DataFrame) -> pl.DataFrame:
    return rows_to_rejects(
        rejected.drop("_reason"),
        STAGE,
        rejected["_reason"].struct.field("reason"),
        rejected["_reason"].struct.field("detail"),
    )


def rows_to_rejects(
    rows: pl.DataFrame, stage: str, reason: str | pl.Series, detail: str | pl.Series
) -> pl.DataFrame:
    """REJECT_SCHEMA rows for whole QAC rows dropped by a stage; the row itself, as JSON, is the record."""
    if rows.is_empty():
        return pl.DataFrame(schema=REJECT_SCHEMA)

    def column(value: str | pl.Series) -> pl.Series:
        return value if isinstance(value, pl.Series) else pl.repeat(value, rows.height, eager=True)

    as_json = pl.struct(rows.columns).struct.json_encode()
    record = rows.select(
        pl.when(as_json.str.len_chars() > RECORD_SNIPPET_CHARS)
        .then(as_json.str.slice(0, RECORD_SNIPPET_CHARS) + "…")
        .otherwise(as_json)
    )
    return pl.DataFrame(
        {
            "source": rows["source"],
            "source_id": rows["source_id"],
            "stage": column(stage),
            "reason": column(reason),
            "detail": column(detail),
            "record": record.to_series(),
        }
    ).cast(REJECT_SCHEMA)


def _stats(n_in: int, n_kept: int, pii_counts: dict[str, int]) -> dict[str, int]:
    return {"in": n_in, "kept": n_kept, "rejected": n_in - n_kept, **pii_counts}
