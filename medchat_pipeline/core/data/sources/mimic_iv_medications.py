"""MIMIC-IV (PhysioNet, credentialed) hosp tables → templated medication questions (kind ehr).

Input: `hosp/prescriptions.csv[.gz]` (required) and, when given, `pharmacy` (frequency),
`admissions`, `patients`, `diagnoses_icd` + `d_icd_diagnoses` (context). Other tables in the paths
(a whole hosp/ folder) are ignored and counted in stats. Everything is done in polars, so a full
prescriptions table (millions of rows) is one vectorized pass, not a Python loop.

Each prescription row yields one row per configured template whose answer field is present
(options.templates: dose, route, frequency, strength, timing), with a structured context:

    Patient: F, 72 years
    Admission 24181354: URGENT, admitted 2196-02-24 14:38:00, discharged 2196-03-04 14:02:00
    Diagnoses: Coronary atherosclerosis of native coronary artery; Hypertension, unspecified
    Medication order: Lorazepam; strength 1mg Tab; form TAB; dose 1 mg; route PO; 2 doses per 24 h; …

    question: What dose of Lorazepam was ordered for this patient?
    answer:   1 mg of Lorazepam.

group_id = the admission (hadm_id): one stay never spans two splits. `read` counts prescription
rows; a row without hadm_id or drug, with undecodable bytes, or with none of the templates' fields
is rejected with that reason.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from medchat_pipeline.config.sources import HubDataset, MimicOptions
from medchat_pipeline.core.data.schema import (
    conform,
    empty_qac,
    qac_id,
    reject_row,
    rejects_frame,
)
from medchat_pipeline.core.data.sources.records import ParseResult

SOURCE = "mimic_iv_medications"
FILE_GLOBS = ("*.csv", "*.csv.gz")  # native files, when a folder is given
TABLES = ("prescriptions", "pharmacy", "admissions", "patients", "diagnoses_icd", "d_icd_diagnoses")
REQUIRED_COLUMNS = {
    "prescriptions": ("subject_id", "hadm_id", "drug"),
    "pharmacy": ("pharmacy_id", "frequency"),
    "admissions": ("hadm_id",),
    "patients": ("subject_id",),
    "diagnoses_icd": ("hadm_id", "icd_code", "icd_version"),
    "d_icd_diagnoses": ("icd_code", "icd_version", "long_title"),
}
ROUTES = {
    "PO": "by mouth (PO)",
    "IV": "intravenously (IV)",
    "IV DRIP": "by intravenous infusion (IV drip)",
    "IV BOLUS": "as an intravenous bolus",
    "SC": "subcutaneously (SC)",
    "SUBCUT": "subcutaneously",
    "IM": "intramuscularly (IM)",
    "PR": "rectally (PR)",
    "NG": "through a nasogastric tube (NG)",
    "TP": "topically (TP)",
    "INHALATION": "by inhalation",
    "SL": "sublingually (SL)",
}


def table_name(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".gz", ".csv"):
        name = name.removesuffix(suffix)
    return name


def read_tables(paths: list[Path]) -> tuple[dict[str, pl.DataFrame], list[str]]:
    """The tables this loader uses (all columns as strings, invalid UTF-8 kept as U+FFFD so the
    affected rows can be rejected), and the names of the files it ignored."""
    used = [path for path in paths if table_name(path) in TABLES]
    ignored = [path.name for path in paths if table_name(path) not in TABLES]
    if not any(table_name(path) == "prescriptions" for path in used):
        raise ValueError("mimic_iv_medications needs hosp/prescriptions.csv or .csv.gz among the paths")
    tables: dict[str, pl.DataFrame] = {}
    for path in used:
        name = table_name(path)
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
        missing = [c for c in REQUIRED_COLUMNS[name] if c not in frame.columns]
        if missing:
            raise ValueError(f"{path}: MIMIC-IV {name} table lacks column(s) {missing}; found {frame.columns}")
        tables[name] = pl.concat([tables[name], frame], how="diagonal") if name in tables else frame
    return tables, ignored


def _col(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A column that may be absent from a partial extract (then null) with blanks as null."""
    if name not in frame.columns:
        return pl.lit(None, dtype=pl.String)
    return pl.when(pl.col(name).str.strip_chars() == "").then(None).otherwise(pl.col(name).str.strip_chars())


def _with_context_tables(rx: pl.DataFrame, tables: dict[str, pl.DataFrame], options: MimicOptions) -> pl.DataFrame:
    if "pharmacy" in tables:
        frequency = tables["pharmacy"].select("pharmacy_id", pl.col("frequency").alias("_frequency"))
        rx = rx.join(frequency.unique("pharmacy_id", keep="first"), on="pharmacy_id", how="left")
    if "patients" in tables:
        patients = tables["patients"]
        rx = rx.join(
            patients.select("subject_id", _col(patients, "gender").alias("_gender"), _col(patients, "anchor_age").alias("_age"))
            .unique("subject_id", keep="first"),
            on="subject_id",
            how="left",
        )
    if "admissions" in tables:
        adm = tables["admissions"]
        rx = rx.join(
            adm.select(
                "hadm_id",
                _col(adm, "admission_type").alias("_admission_type"),
                _col(adm, "admittime").alias("_admittime"),
                _col(adm, "dischtime").alias("_dischtime"),
            ).unique("hadm_id", keep="first"),
            on="hadm_id",
            how="left",
        )
    if "diagnoses_icd" in tables and options.max_diagnoses:
        rx = rx.join(_diagnoses(tables, options.max_diagnoses), on="hadm_id", how="left")
    return rx


def _diagnoses(tables: dict[str, pl.DataFrame], limit: int) -> pl.DataFrame:
    dx = tables["diagnoses_icd"]
    if "d_icd_diagnoses" in tables:
        dx = dx.join(tables["d_icd_diagnoses"].select("icd_code", "icd_version", "long_title"), on=["icd_code", "icd_version"], how="left")
    title = pl.coalesce(_col(dx, "long_title"), pl.format("ICD-{} {}", pl.col("icd_version"), pl.col("icd_code")))
    seq = pl.col("seq_num").cast(pl.Int64, strict=False) if "seq_num" in dx.columns else pl.lit(0)
    return (
        dx.with_columns(title.alias("_title"), seq.alias("_seq"))
        .sort("hadm_id", "_seq")
        .group_by("hadm_id", maintain_order=True)
        .agg(pl.col("_title").head(limit).str.join("; ").alias("_diagnoses"))
    )


def _order_line(rx: pl.DataFrame) -> pl.Expr:
    def part(template: str, *names: str) -> pl.Expr:
        return pl.format(template, *(_col(rx, n) for n in names))

    return pl.concat_str(
        [
            pl.lit("Medication order: ") + _col(rx, "drug"),
            part("strength {}", "prod_strength"),
            part("form {}", "form_rx"),
            pl.concat_str([part("dose {}", "dose_val_rx"), _col(rx, "dose_unit_rx")], separator=" ", ignore_nulls=True),
            part("route {}", "route"),
            part("doses per 24 h: {}", "doses_per_24_hrs"),
            pl.format("frequency {}", pl.col("_frequency")) if "_frequency" in rx.columns else pl.lit(None, pl.String),
            part("started {}", "starttime"),
            part("stopped {}", "stoptime"),
        ],
        separator="; ",
        ignore_nulls=True,
    )


def _context(rx: pl.DataFrame) -> pl.Expr:
    def optional(template: str, *names: str) -> pl.Expr:
        if not all(n in rx.columns for n in names):
            return pl.lit(None, pl.String)
        return pl.format(template, *(pl.col(n) for n in names))

    patient = pl.concat_str(
        [pl.col("_gender") if "_gender" in rx.columns else pl.lit(None, pl.String),
         optional("{} years", "_age")],
        separator=", ",
        ignore_nulls=True,
    )
    admission = pl.concat_str(
        [
            pl.format("Admission {}", _col(rx, "hadm_id")),
            pl.concat_str(
                [
                    pl.col("_admission_type") if "_admission_type" in rx.columns else pl.lit(None, pl.String),
                    optional("admitted {}", "_admittime"),
                    optional("discharged {}", "_dischtime"),
                ],
                separator=", ",
                ignore_nulls=True,
            ),
        ],
        separator=": ",
        ignore_nulls=True,
    )
    return pl.concat_str(
        [
            pl.when(patient != "").then(pl.lit("Patient: ") + patient),
            admission,
            optional("Diagnoses: {}", "_diagnoses"),
            _order_line(rx),
        ],
        separator="\n",
        ignore_nulls=True,
    )


def _templates(rx: pl.DataFrame) -> dict[str, tuple[pl.Expr, pl.Expr, pl.Expr]]:
    """template → (field-present condition, question, answer)."""
    drug = _col(rx, "drug")
    dose = pl.concat_str([_col(rx, "dose_val_rx"), _col(rx, "dose_unit_rx")], separator=" ", ignore_nulls=True)
    route = _col(rx, "route")
    route_text = route.replace_strict(ROUTES, default=pl.format("by route {}", route), return_dtype=pl.String)
    frequency_col = pl.col("_frequency") if "_frequency" in rx.columns else pl.lit(None, pl.String)
    per_day = _col(rx, "doses_per_24_hrs")
    frequency = pl.coalesce(frequency_col, pl.format("{} dose(s) per 24 hours", per_day))
    strength = _col(rx, "prod_strength")
    start, stop = _col(rx, "starttime"), _col(rx, "stoptime")
    return {
        "dose": (
            _col(rx, "dose_val_rx").is_not_null(),
            pl.format("What dose of {} was ordered for this patient?", drug),
            pl.format("{} of {}.", dose, drug),
        ),
        "route": (
            route.is_not_null(),
            pl.format("How was {} to be administered to this patient?", drug),
            pl.format("{} was given {}.", drug, route_text),
        ),
        "frequency": (
            frequency.is_not_null(),
            pl.format("How often was {} to be given to this patient?", drug),
            pl.format("{}: {}.", drug, frequency),
        ),
        "strength": (
            strength.is_not_null(),
            pl.format("What product strength of {} was dispensed for this patient?", drug),
            pl.format("{} {}.", drug, strength),
        ),
        "timing": (
            start.is_not_null(),
            pl.format("When was {} started for this patient, and when was it stopped?", drug),
            pl.concat_str(
                [pl.format("{} was started {}", drug, start), pl.format("stopped {}", stop)],
                separator=" and ",
                ignore_nulls=True,
            )
            + pl.lit("."),
        ),
    }


def parse_files(paths: list[Path], options: MimicOptions | None = None) -> ParseResult:
    options = options or MimicOptions()
    tables, ignored = read_tables(paths)
    prescription_columns = tables["prescriptions"].columns
    rx = _with_context_tables(tables["prescriptions"].with_row_index("_row", offset=1), tables, options)
    templates = {name: spec for name, spec in _templates(rx).items() if name in options.templates}
    any_field = pl.any_horizontal([condition for condition, _, _ in templates.values()])
    undecodable = pl.any_horizontal([pl.col(c).str.contains("\ufffd", literal=True) for c in prescription_columns])
    rx = rx.with_columns(
        pl.when(undecodable.fill_null(False))
        .then(pl.lit("bad_encoding"))
        .when(_col(rx, "hadm_id").is_null() | _col(rx, "drug").is_null())
        .then(pl.lit("missing_field"))
        .when(~any_field.fill_null(False))
        .then(pl.lit("no_medication_details"))
        .alias("_reason")
    )
    rejected = rx.filter(pl.col("_reason").is_not_null()).select("_row", "_reason", *prescription_columns)
    kept = rx.filter(pl.col("_reason").is_null())
    context = _context(kept)
    rows = [
        kept.filter(condition).select(
            pl.format("prescriptions/{}/{}", pl.col("_row"), pl.lit(name)).alias("source_id"),
            pl.format("mimic4-hadm/{}", _col(kept, "hadm_id")).alias("group_id"),
            context.alias("context"),
            question.alias("question"),
            answer.alias("answer"),
            pl.lit(name).alias("topic"),
        )
        for name, (condition, question, answer) in _templates(kept).items()
        if name in options.templates
    ]
    qac = pl.concat(rows) if rows else empty_qac().select("source_id", "group_id", "context", "question", "answer", "topic")
    ids = [qac_id(SOURCE, c, q, a) for c, q, a in zip(qac["context"], qac["question"], qac["answer"], strict=True)]
    qac = qac.with_columns(
        pl.Series("id", ids, dtype=pl.String), pl.lit(SOURCE).alias("source"), pl.lit("ehr").alias("kind")
    )
    rejects = []
    for row in rejected.to_dicts():
        reason = row.pop("_reason")
        rejects.append(reject_row(SOURCE, f"prescriptions/{row.pop('_row')}", "parse", reason, _REASON_DETAIL[reason], row))
    stats = {f"template_{name}": int(qac.filter(pl.col("topic") == name).height) for name in options.templates}
    if ignored:
        stats["ignored_files"] = len(ignored)
    return ParseResult(
        source=SOURCE,
        qac=conform(qac),
        rejects=rejects_frame(rejects),
        read=rx.height,
        stats=stats,
    )


_REASON_DETAIL = {
    "bad_encoding": "the row holds bytes that are not valid UTF-8",
    "missing_field": "hadm_id or drug is blank",
    "no_medication_details": "none of the configured templates' fields (dose, route, frequency, …) is present",
}


def parse_hub(hub: HubDataset, options: MimicOptions | None = None) -> ParseResult:
    raise ValueError("MIMIC-IV is credentialed (PhysioNet) and has no hub copy: use mode: local")
