"""`medchat evaluate --model DIR [--adapter DIR]...`: the benchmark report outside Dagster."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import click


@click.command("evaluate")
@click.option("--model", "model", default=None,
              help="Base model: a local directory, a hub id, or a 'package:file.gguf' spec. Default: the demo "
              "model (SmolLM2-135M-Instruct).")
@click.option("--adapter", "adapters", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="PEFT adapter directory on top of --model; repeat to compare several (each named after its "
              "folder, in the order given).")
@click.option("--qac", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A QAC Parquet file with a `split` column (e.g. the merged_qac asset): its test split is "
              "evaluated too.")
@click.option("--profile", default=None, help="Profile whose evaluation: section applies (default: $MEDCHAT_PROFILE "
              "or demo).")
@click.option("--max-items", type=int, default=None, help="Override evaluation.max_items_per_set.")
@click.option("--reports-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the run folder is written (default: <storage_dir>/reports).")
@click.option("--mlflow-uri", default=None, help="MLflow tracking URI to log the figures to (default: none).")
@click.option("--judge", "judge_teacher", default=None,
              help="Teacher name (teachers: config) that grades answers on the 1–5 rubric (default: the "
              "profile's evaluation.judge_teacher, usually off).")
def command(model, adapters, qac, profile, max_items, reports_dir, mlflow_uri, judge_teacher) -> None:
    """Benchmark a base model and its adapters side by side: multiple-choice accuracy (generative
    'Final Answer: X' and option log-likelihood) on the profile's benchmark sets and the held-out
    split, free-text metrics, safety checks, bootstrap 95% intervals.

    \b
    Writes <reports-dir>/<run id>/: report.md, report.html, figures.json, results.parquet,
    safety.parquet, weak_areas.csv, human_eval_sheet.csv; prints their paths and the matching
    lm-evaluation-harness command as one JSON object.

    \b
    Example:
      medchat evaluate --adapter .medchat/adapters/sft --adapter .medchat/adapters/grpo --max-items 16
    """
    import polars as pl

    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.evaluation.benchmark_report import run_benchmark_report
    from medchat_pipeline.evaluation.evaluate import ModelSpec
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc).replace("\n", " ")) from None
    overrides = {k: v for k, v in {"max_items_per_set": max_items, "judge_teacher": judge_teacher}.items() if v}
    if overrides:
        cfg = cfg.model_copy(update={"evaluation": cfg.evaluation.model_copy(update=overrides)})
    judge_pool = None
    if cfg.evaluation.judge_teacher:
        from medchat_pipeline.teachers import TeacherPool

        judge_pool = TeacherPool.from_config(cfg)
    model_path = resolve_base_model(model or DEMO_BASE_MODEL)
    specs = [ModelSpec("base", model_path)] + [ModelSpec(a.name, model_path, str(a)) for a in adapters]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise click.ClickException(f"adapter folders need distinct names to label the report, got {names}")
    merged = pl.read_parquet(qac) if qac else None
    run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-cli"
    outcome = run_benchmark_report(cfg, specs, merged, run_id, reports_dir or cfg.storage_path("reports"), mlflow_uri,
                                   judge_pool=judge_pool)
    click.echo(json.dumps({**outcome.paths, "lm_eval": outcome.report.figures["lm_eval_command"],
                           "mlflow_run_id": outcome.mlflow_run_id}, indent=2))
