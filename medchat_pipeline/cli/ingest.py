"""`medchat ingest SOURCE PATH... --out DIR`: parse one source's native files, clean, write Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import click

DIALOGUE_SOURCES = ("meddialog_en", "healthcaremagic", "icliniq")


@click.command("ingest")
@click.argument("source")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for qac.parquet and rejects.parquet (created if needed).")
@click.option(
    "--dialogue-mode",
    type=click.Choice(["first_pair", "all_pairs", "last_turn"]),
    default=None,
    help="Dialogue sources only: first_pair (first patient→doctor exchange), all_pairs (every exchange, "
    "earlier turns as context) or last_turn (last doctor reply, full history). Default: the profile's.",
)
@click.option("--profile", default=None, help="Profile whose source options and cleaning bounds apply (default: $MEDCHAT_PROFILE or demo).")
def command(source: str, paths: tuple[Path, ...], out_dir: Path, dialogue_mode: str | None, profile: str | None) -> None:
    """Parse SOURCE's native files at PATH... into (context, question, answer) rows, clean them, and
    write DIR/qac.parquet (kept rows) and DIR/rejects.parquet (parse + clean rejects, each with a
    reason). A PATH may be a folder: its files with the source's native extensions are read.

    \b
    SOURCE: meddialog_en, healthcaremagic, icliniq, medmcqa, medqa, pubmedqa, medquad, drugehrqa,
            mimic_iv_medications
    Prints one JSON line: {"source", "read", "kept", "rejected", "reasons": {reason: count}}
      read     source records read: a dialogue (MedDialog), a list item or JSON line (ChatDoctor,
               MedMCQA, MedQA), a PMID (PubMedQA), a QA pair (MedQuAD), a spreadsheet row
               (DrugEHRQA) or a prescription row (MIMIC-IV)
      kept     QAC rows written. One record may yield several rows (all_pairs dialogues, one row
               per MIMIC-IV question template), so read = kept + rejected only holds for
               one-row-per-record sources.
      rejected parse rejects + clean rejects; reasons counts them by reason.

    \b
    Example:
      medchat ingest medqa data/medqa/us_test.jsonl --out out/medqa
      medchat ingest meddialog_en raw/ --dialogue-mode all_pairs --out out/meddialog
    """
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.core.data.sources import SOURCES

    if source not in SOURCES:
        raise click.ClickException(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
    if dialogue_mode and source not in DIALOGUE_SOURCES:
        raise click.ClickException(f"--dialogue-mode applies to {', '.join(DIALOGUE_SOURCES)} only, not {source}")
    files = _expand(paths, SOURCES[source].FILE_GLOBS)
    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc).replace("\n", " ")) from None
    options = getattr(cfg.data.sources, source).options
    if dialogue_mode:
        options = options.model_copy(update={"dialogue_mode": dialogue_mode})

    import polars as pl

    from medchat_pipeline.core.data.clean import clean_qac
    from medchat_pipeline.core.data.schema import reason_counts

    try:
        parsed = SOURCES[source].parse_files(files, options)
    except (ValueError, RuntimeError, OSError) as exc:
        raise click.ClickException(f"{source}: {exc}".replace("\n", " ")) from None
    cleaned = clean_qac(parsed.qac, cfg.data.cleaning)
    rejects = pl.concat([parsed.rejects, cleaned.rejects])
    out_dir.mkdir(parents=True, exist_ok=True)
    cleaned.kept.write_parquet(out_dir / "qac.parquet")
    rejects.write_parquet(out_dir / "rejects.parquet")
    summary = {
        "source": source,
        "read": parsed.read,
        "kept": cleaned.kept.height,
        "rejected": rejects.height,
        "reasons": reason_counts(rejects),
    }
    click.echo(json.dumps(summary))


def _expand(paths: tuple[Path, ...], globs: tuple[str, ...]) -> list[Path]:
    """Files as given; a folder becomes its files (recursively) matching the source's native globs."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted({f for pattern in globs for f in path.rglob(pattern) if f.is_file()})
            if not found:
                raise click.ClickException(f"no {' / '.join(globs)} file under {path}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise click.ClickException(f"no such file or folder: {path}")
    return files
