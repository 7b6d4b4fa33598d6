"""One benchmark run end to end: items → every model → report files, weak areas, rating sheet, MLflow.

This is what the `benchmark_report` asset and `medchat evaluate` call; it knows nothing of Dagster.

Files written under `out_dir` (one folder per run):
  report.md, plots/*.png, report.html (self-contained), figures.json,
  results.parquet (every output and per-item score), safety.parquet, weak_areas.csv,
  human_eval_sheet.csv (a copy also lands in <reports>/human_eval/ for clinicians),
  judge.parquet when evaluation.judge_teacher is set.
Ratings are read back from <reports>/human_ratings/*.csv.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from medchat_pipeline.core.atomic import atomic_path
from medchat_pipeline.core.evaluation import benchmark, human_eval, judge, report, safety_sets
from medchat_pipeline.core.evaluation.reference_points import TEACHER_PREFIX, reference_point_blocks
from medchat_pipeline.core.safety.triage_report import triage_report_blocks
from medchat_pipeline.evaluation.evaluate import BenchmarkRun, ModelSpec, benchmark_models
from medchat_pipeline.teachers import TeacherPool

MLFLOW_EXPERIMENT = "medchat-evaluation"


@dataclass
class BenchmarkOutcome:
    run: BenchmarkRun
    report: report.Report
    paths: dict[str, str]
    set_stats: dict[str, dict]
    mlflow_run_id: str | None


def run_benchmark_report(
    cfg, specs: list[ModelSpec], merged_qac: pl.DataFrame | None, run_id: str, reports_dir: Path,
    tracking_uri: str | None = None, reward_run_id: str | None = None, judge_pool=None,
    stages: list[dict] | None = None,
) -> BenchmarkOutcome:
    """Evaluate `specs` (in order: base first, most-trained last) and write the run's report.

    `judge_pool` (a teachers TeacherPool) is needed only when evaluation.judge_teacher is set.
    `stages` are the trained models' training metrics ({"model", "stage", "metrics"}), shown beside
    what each stage changed in the benchmark.
    """
    evaluation = cfg.evaluation
    items, set_stats = benchmark.load_benchmark_sets(evaluation, cfg.data.sources, cfg.seed)
    if merged_qac is not None and (evaluation.test_split_items or evaluation.test_split_items_per_source):
        heldout, unscorable = benchmark.heldout_items(merged_qac, evaluation.test_split_items, cfg.seed,
                                                      evaluation.test_split_items_per_source)
        test_rows = merged_qac.filter(pl.col("split") == "test").height
        set_stats[benchmark.HELDOUT_SET] = {"parsed": test_rows, "parse_rejects": 0, "unscorable": unscorable,
                                            "scorable": test_rows - unscorable, "used": heldout.height, "skipped": ""}
        items = pl.concat([items, heldout], how="vertical_relaxed")
    safety_prompts = safety_sets.safety_prompts(evaluation, cfg.safety.triage.cases_file, cfg.seed)
    if items.is_empty() and not safety_prompts:
        raise ValueError("no benchmark items: configure evaluation.benchmarks or give merged_qac a test split")
    if evaluation.judge_teacher and judge_pool is None:
        raise ValueError(f"evaluation.judge_teacher is {evaluation.judge_teacher!r} but no teacher pool was given")

    out_dir = reports_dir / run_id
    out_dir.mkdir(parents=True, exist_ok=True)
    run = benchmark_models(specs, items, safety_prompts, evaluation, cfg.seed, cache_dir=reports_dir / ".cache")
    if evaluation.judge_teacher:
        requests = judge.judge_requests(run.results, evaluation.judge_teacher, evaluation.judge_items)
        graded = judge.judge_rows(requests, judge_pool.run(requests))
        _write(graded.write_parquet, out_dir / "judge.parquet")
        extra = pl.DataFrame(judge.judge_figures(graded, evaluation.bootstrap_resamples, cfg.seed),
                             schema=benchmark.FIGURE_SCHEMA)
        run.figures = pl.concat([run.figures, extra])

    sheet = human_eval.human_eval_sheet(run.results, evaluation.human_eval_items, cfg.seed, run_id)
    sheet_path = reports_dir / "human_eval" / f"human_eval_sheet_{run_id}.csv"
    sheet_path.parent.mkdir(parents=True, exist_ok=True)
    _write(sheet.write_csv, sheet_path)
    shutil.copyfile(sheet_path, out_dir / "human_eval_sheet.csv")
    ratings_dir = reports_dir / "human_ratings"
    ratings_dir.mkdir(parents=True, exist_ok=True)
    ratings, rating_rejects, _ = human_eval.read_ratings(ratings_dir)
    if rating_rejects.height:
        _write(rating_rejects.write_csv, out_dir / "human_ratings_rejects.csv")

    if evaluation.teachers:  # after the judge and the rating sheet, which are about our models
        add_teacher_results(run, items, judge_pool or TeacherPool.from_config(cfg), cfg, reports_dir / ".cache")
    curves = reward_curves(tracking_uri, reward_run_id) if tracking_uri and reward_run_id else {}
    inputs = report.ReportInputs(
        run_id=run_id,
        models=[{"name": s.name, "model_path": s.model_path, "adapter_dir": s.adapter_dir} for s in specs],
        figures=run.figures,
        comparisons=run.comparisons,
        weak_areas=run.weak_areas,
        weak_area_threshold=evaluation.weak_area_threshold,
        throughput=run.throughput,
        set_stats=set_stats,
        bertscore_baseline=run.bertscore_baseline,
        human_ratings=human_eval.summarize_ratings(ratings, evaluation.bootstrap_resamples, cfg.seed),
        human_sheet=str(sheet_path),
        reward_curves=curves,
        stages=stages or [],
        extra_blocks=reference_point_blocks(run.figures, [*[s.name for s in specs], *teacher_models(run)],
                                            set_sources(cfg), run.throughput)
        + triage_report_blocks(cfg, run.safety),
    )
    last = specs[-1]
    built = report.build_report(inputs, report.lm_eval_command(last.model_path, last.adapter_dir,
                                                               str(out_dir / "lm_eval")))
    paths = report.write_report(built, out_dir)
    _write(run.results.write_parquet, out_dir / "results.parquet")
    _write(run.safety.write_parquet, out_dir / "safety.parquet")
    _write(run.weak_areas.write_csv, out_dir / "weak_areas.csv")
    paths.update(results=str(out_dir / "results.parquet"), safety=str(out_dir / "safety.parquet"),
                 weak_areas=str(out_dir / "weak_areas.csv"), human_eval_sheet=str(sheet_path))
    mlflow_run_id = log_to_mlflow(tracking_uri, run_id, built, out_dir) if tracking_uri else None
    return BenchmarkOutcome(run, built, paths, set_stats, mlflow_run_id)


def add_teacher_results(run: BenchmarkRun, items: pl.DataFrame, pool, cfg, cache_dir: Path) -> None:
    """The teachers the student was distilled from, on the same choice items through the gateway (cached),
    added to the run's results, figures and throughput as "teacher:<name>" models."""
    from medchat_pipeline.evaluation.teachers import evaluate_teachers, teacher_items
    from medchat_pipeline.models import embedding_model_path

    evaluation = cfg.evaluation
    asked = teacher_items(items, evaluation.teacher_max_items, cfg.seed)
    results, throughput = evaluate_teachers(asked, pool, evaluation.teachers, evaluation, str(embedding_model_path()),
                                            cache_dir)
    run.results = pl.concat([run.results, results], how="diagonal_relaxed")
    run.throughput.update(throughput)
    teacher_figures = benchmark.summarize(results, run.safety.clear(), evaluation.bootstrap_resamples, cfg.seed)
    run.figures = pl.concat([run.figures, teacher_figures.filter(pl.col("section") != "baseline")])


def teacher_models(run: BenchmarkRun) -> list[str]:
    return sorted(m for m in run.throughput if m.startswith(TEACHER_PREFIX))


def set_sources(cfg) -> dict[str, str]:
    """Benchmark set → the source its items come from (held-out sets: heldout/<source>)."""
    sources = {name: bench.source for name, bench in cfg.evaluation.benchmarks.items()}
    if cfg.evaluation.dosage_calculation:
        sources[benchmark.DOSAGE_SET] = benchmark.DOSAGE_SET
    return sources


def headline_metrics(figures: pl.DataFrame) -> dict[str, float]:
    """Flat `<set>/<metric>/<model>` (+ `/<subject>` for breakdowns) → value, for MLflow and metadata."""
    out = {}
    for row in figures.iter_rows(named=True):
        if row["value"] is None or row["value"] != row["value"]:
            continue
        parts = [row["set"], row["metric"], row["model"]] + ([] if row["subject"] == benchmark.ALL else [row["subject"]])
        out["/".join(re.sub(r"[^A-Za-z0-9_.\- ]", "_", p) for p in parts)] = float(row["value"])
    return out


def comparison_metrics(comparisons: pl.DataFrame) -> dict[str, float]:
    """`compare/<model>_vs_<versus>/<set>/<metric>` → paired difference (and `/low`, `/high`): what each
    stage changed, as MLflow metrics."""
    out = {}
    for row in comparisons.iter_rows(named=True):
        name = "/".join(re.sub(r"[^A-Za-z0-9_.\- ]", "_", p) for p in
                        ("compare", f"{row['model']}_vs_{row['versus']}", row["set"], row["metric"]))
        for suffix, column in (("", "difference"), ("/low", "low"), ("/high", "high")):
            if row[column] is not None and row[column] == row[column]:
                out[name + suffix] = float(row[column])
    return out


def reward_curves(tracking_uri: str, run_id: str) -> dict[str, list[tuple[int, float]]]:
    """Every metric of the (GRPO) run whose name contains 'reward', as (step, value) points."""
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    keys = [k for k in client.get_run(run_id).data.metrics if "reward" in k]
    return {k: [(m.step, m.value) for m in sorted(client.get_metric_history(run_id, k), key=lambda m: m.step)]
            for k in keys}


def log_to_mlflow(tracking_uri: str, run_id: str, built: report.Report, out_dir: Path) -> str:
    """Figures as metrics, the report folder as artifacts; returns the MLflow run id."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    if mlflow.get_experiment_by_name(MLFLOW_EXPERIMENT) is None:
        # Artifacts beside the reports, not in ./mlruns under whatever folder the run started in.
        artifact_root = out_dir.parent / "mlflow_artifacts"
        artifact_root.mkdir(parents=True, exist_ok=True)
        mlflow.create_experiment(MLFLOW_EXPERIMENT, artifact_location=artifact_root.resolve().as_uri())
    mlflow.set_experiment(MLFLOW_EXPERIMENT)
    figures = pl.DataFrame(built.figures["figures"]) if built.figures["figures"] else None
    with mlflow.start_run(run_name=f"benchmark-{run_id}") as active:
        if figures is not None:
            mlflow.log_metrics(headline_metrics(figures))
        mlflow.log_metrics(comparison_metrics(pl.DataFrame(built.figures["comparisons"],
                                                           schema=benchmark.COMPARISON_SCHEMA)))
        mlflow.log_dict(report.finite(built.figures), "figures.json")
        mlflow.log_artifacts(str(out_dir), artifact_path="report")
        return active.info.run_id


def _write(writer, path: Path) -> None:
    """Write through a temporary file renamed into place (core.atomic): a crash or a full disk never
    leaves a cut-short report file behind."""
    with atomic_path(path) as temporary:
        writer(temporary)
