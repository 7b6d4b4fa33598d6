"""Dagster wiring for the evaluation part of the graph: the benchmark report and its weak areas."""

import shutil
from datetime import datetime, timezone

import dagster as dg
import polars as pl

from medchat_pipeline.core.evaluation.benchmark import WEAK_AREA_SCHEMA
from medchat_pipeline.defs.io_manager import frame_output
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.teachers import TeachersResource
from medchat_pipeline.training.mlflow_store import ensure_sqlite_store


def mlflow_tracking_uri(cfg, *manifests: dict) -> str:
    """An adapter manifest's tracking URI, else the training config's, else SQLite under storage."""
    for manifest in manifests:
        if manifest.get("mlflow_tracking_uri"):
            return manifest["mlflow_tracking_uri"]
    training = cfg.training
    configured = getattr(training, "mlflow_tracking_uri", None) or getattr(
        getattr(training, "mlflow", None), "tracking_uri", None
    )
    if configured:
        return configured
    path = cfg.storage_path("mlflow", "mlflow.db")
    ensure_sqlite_store(f"sqlite:///{path}")  # built whole, or a damaged one set aside (training/mlflow_store.py)
    return f"sqlite:///{path}"


@dg.asset(
    group_name="evaluation",
    kinds={"pytorch", "mlflow", "html"},
    pool="gpu",
    ins={
        "base_model": dg.AssetIn(key=dg.AssetKey("base_model")),
        "sft_lora_adapter": dg.AssetIn(key=dg.AssetKey("sft_lora_adapter")),
        "grpo_adapter": dg.AssetIn(key=dg.AssetKey("grpo_adapter")),
        "merged_qac": dg.AssetIn(key=dg.AssetKey("merged_qac")),
    },
    description="Base vs SFT vs GRPO side by side: MCQ accuracy (generative + log-likelihood) on the "
    "configured benchmark sets and the held-out test split, free-text metrics, safety, bootstrap 95% "
    "intervals; Markdown/HTML report, figures JSON, clinician rating sheet, MLflow run.",
)
def benchmark_report(
    context: dg.AssetExecutionContext, medchat: MedchatConfig, teachers: TeachersResource, base_model: dict,
    sft_lora_adapter: dict, grpo_adapter: dict, merged_qac: pl.DataFrame,
) -> dg.Output[dict]:
    from medchat_pipeline.evaluation.benchmark_report import headline_metrics, run_benchmark_report
    from medchat_pipeline.evaluation.evaluate import ModelSpec

    cfg = medchat.cfg
    specs = [
        ModelSpec("base", base_model["model_path"]),
        ModelSpec("sft", sft_lora_adapter["base_model_path"], sft_lora_adapter["adapter_dir"]),
        ModelSpec("grpo", grpo_adapter["base_model_path"], grpo_adapter["adapter_dir"]),
    ]
    run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{context.run_id[:8]}"
    tracking_uri = mlflow_tracking_uri(cfg, grpo_adapter, sft_lora_adapter)
    outcome = run_benchmark_report(cfg, specs, merged_qac, run_id, cfg.storage_path("reports"), tracking_uri,
                                   grpo_adapter.get("mlflow_run_id"),
                                   judge_pool=teachers.pool() if cfg.evaluation.judge_teacher or cfg.evaluation.teachers else None,
                                   stages=[{"model": "sft", **sft_lora_adapter}, {"model": "grpo", **grpo_adapter}])
    shutil.copyfile(outcome.paths["weak_areas"], cfg.storage_path("reports", "weak_areas.csv"))
    manifest = {"run_id": run_id, "mlflow_run_id": outcome.mlflow_run_id, "models": outcome.report.figures["models"],
                **outcome.paths, "weak_areas_latest": str(cfg.storage_path("reports", "weak_areas.csv"))}
    headline = {k: v for k, v in headline_metrics(outcome.run.figures).items() if k.count("/") == 2}
    return dg.Output(
        manifest,
        metadata={
            "report": dg.MetadataValue.md(outcome.report.markdown_inline),
            "report_html": dg.MetadataValue.path(outcome.paths["html"]),
            "figures_json": dg.MetadataValue.path(outcome.paths["figures"]),
            "throughput": dg.MetadataValue.json(outcome.run.throughput),
            "items": dg.MetadataValue.json(outcome.set_stats),
            "weak_areas": len(outcome.run.weak_areas),
            "mlflow_run_id": outcome.mlflow_run_id or "",
            **{k: float(v) for k, v in headline.items()},
        },
    )


@dg.asset(
    group_name="evaluation",
    kinds={"polars"},
    description="Subjects/topics where the most-trained model's accuracy is below evaluation.weak_area_threshold "
    "(source, subject, topic, metric, value, n, threshold); read by scheduled re-distillation.",
)
def weak_areas(benchmark_report: dict) -> dg.Output[pl.DataFrame]:
    frame = pl.read_csv(benchmark_report["weak_areas"], schema=WEAK_AREA_SCHEMA)
    return frame_output(frame, metadata={"rows": len(frame), "csv": dg.MetadataValue.path(benchmark_report["weak_areas"])})


defs = dg.Definitions(assets=[benchmark_report, weak_areas])
