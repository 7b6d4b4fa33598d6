"""What SFT and GRPO runs share: the job-file entry point, the tracked MLflow run, resuming, and writing the
finished adapter."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from medchat_pipeline.config.training import GRPOSettings, SFTSettings
from medchat_pipeline.training.data import PreparedRows, prepare_rows
from medchat_pipeline.training.jobs import TrainingJob, last_checkpoint
from medchat_pipeline.training.manifest import (
    adapter_fingerprint,
    code_version,
    git_state,
    model_fingerprint,
    read_manifest,
    write_manifest,
)
from medchat_pipeline.training.recipe import recipe_hash, torch_dtype
from medchat_pipeline.training.tracking import (
    MlflowRun,
    Reporter,
    TrackingCallback,
    default_tracking_uri,
    open_reporter,
)


@dataclass
class Session:
    job: TrainingJob
    reporter: Reporter
    mlflow: MlflowRun
    callback: TrackingCallback
    rows: PreparedRows
    recipe_hash: str
    resume_from: str | None


def load_rows(job: TrainingJob, max_train_rows: int | None, max_eval_rows: int | None) -> PreparedRows:
    path = Path(job.train_data)
    if not path.exists():
        raise FileNotFoundError(f"train_data {path} does not exist")
    return prepare_rows(pl.read_parquet(path), max_train_rows, max_eval_rows, seed=job.seed)


@contextlib.contextmanager
def training_session(job: TrainingJob, reporter: Reporter, rows: PreparedRows, extra_params: dict) -> Iterator[Session]:
    """Open (or continue) the MLflow run, log the recipe and data fingerprints, mark it failed on error."""
    cfg = job.training
    storage = Path(job.storage_dir)
    tracking_uri = cfg.mlflow.tracking_uri or default_tracking_uri(storage)
    run_hash = recipe_hash(cfg, job.stage)
    tags = {"stage": job.stage, "recipe_hash": run_hash, "base_model": cfg.base_model}
    if job.dagster:
        tags.update({f"dagster.{k}": str(v) for k, v in job.dagster.items()})
    mlflow = MlflowRun(
        tracking_uri,
        cfg.mlflow.experiment,
        artifact_root=storage / "mlflow" / "artifacts",
        run_id_file=job.mlflow_run_id_file,
        run_name=f"{job.stage}-{run_hash}",
        tags=tags,
    )
    resume_from = last_checkpoint(job.checkpoints_dir)
    reporter.log(
        f"{job.stage}: MLflow run {mlflow.run_id} ({'continued' if mlflow.resumed else 'new'}) at {tracking_uri}; "
        + (f"resuming from {resume_from}" if resume_from else "starting fresh")
        + f"; {rows.train.height} train / {rows.val.height} val rows"
    )
    mlflow.log_params(
        {
            "recipe": cfg.model_dump(exclude={"k8s"}),
            "recipe_hash": run_hash,
            "data": {
                "fingerprint": rows.fingerprint,
                "train_rows": rows.train.height,
                "eval_rows": rows.val.height,
                "skipped": rows.skipped or "none",
            },
            "upstream": {u["asset_key"]: u.get("data_version") for u in job.upstream},
            **extra_params,
        }
    )
    callback = TrackingCallback(mlflow, reporter)
    session = Session(job, reporter, mlflow, callback, rows, run_hash, resume_from)
    try:
        yield session
    except BaseException:
        mlflow.finish(ok=False)
        raise


def run_trainer(session: Session, trainer) -> dict:
    """Train (resuming from the last checkpoint, if any) and return the metrics every stage reports."""
    keep_log_dicts_off_stdout(trainer)
    result = trainer.train(resume_from_checkpoint=session.resume_from)
    return {
        "train_loss": result.training_loss,
        "global_step": trainer.state.global_step,
        "train_runtime_s": result.metrics.get("train_runtime", 0.0),
    }


def keep_log_dicts_off_stdout(trainer) -> None:
    """The Trainer writes every log dict to stdout (through its progress bar, or print() when bars are
    off); TrackingCallback already sends each one to the reporter (Dagster / Pipes log) and MLflow, and
    `medchat run` keeps stdout for its JSON summary. Keep the bar, drop the printing."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    class ProgressBarOnly(ProgressCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            return None

    trainer.remove_callback(PrinterCallback)
    if trainer.pop_callback(ProgressCallback) is not None:
        trainer.add_callback(ProgressBarOnly())


def save_adapter(session: Session, trainer, tokenizer, metrics: dict, loss_mode: str, parent: dict | None) -> dict:
    """Save the adapter + tokenizer + manifest.json, log the directory to MLflow, close the run."""
    job = session.job
    adapter_dir = job.adapter_dir
    adapter_dir.mkdir(parents=True, exist_ok=True)
    trainer.save_model(str(adapter_dir))
    tokenizer.save_pretrained(str(adapter_dir))
    commit, dirty = git_state()
    fingerprint = adapter_fingerprint(adapter_dir)
    cfg = job.training
    tracking_uri = cfg.mlflow.tracking_uri or default_tracking_uri(Path(job.storage_dir))
    all_metrics = {**session.callback.last, **metrics}
    manifest = {
        "stage": job.stage,
        "adapter_dir": str(adapter_dir.resolve()),
        "adapter_fingerprint": fingerprint,
        "base_model": {
            "spec": cfg.base_model,
            "path": job.base_model_path,
            "revision": cfg.base_model_revision,
            "fingerprint": model_fingerprint(job.base_model_path, cfg.base_model_revision),
        },
        "parent_adapter": parent,
        "recipe": cfg.model_dump(),
        "recipe_hash": session.recipe_hash,
        "loss_mode": loss_mode,
        "code_version": code_version(),
        "git_commit": commit,
        "git_dirty": dirty,
        "mlflow": {"tracking_uri": tracking_uri, "experiment": cfg.mlflow.experiment, "run_id": session.mlflow.run_id},
        "dagster": job.dagster,
        "data": {
            "train_rows": session.rows.train.height,
            "eval_rows": session.rows.val.height,
            "skipped": session.rows.skipped,
            "fingerprint": session.rows.fingerprint,
        },
        "metrics": all_metrics,
        "non_finite_logs": session.callback.non_finite,
        "resumed_from_checkpoint": session.resume_from,
        "upstream": job.upstream,
    }
    write_manifest(adapter_dir, manifest)
    session.mlflow.log_metrics({f"final/{k}": v for k, v in metrics.items()}, step=trainer.state.global_step)
    session.mlflow.set_tags({"adapter_fingerprint": fingerprint, "adapter_dir": str(adapter_dir.resolve())})
    if cfg.mlflow.log_adapter:
        session.mlflow.log_artifacts(adapter_dir, "adapter")
    session.mlflow.finish(ok=True)
    session.reporter.result({"adapter_dir": str(adapter_dir.resolve()), "mlflow_run_id": session.mlflow.run_id, "metrics": metrics})
    return read_manifest(adapter_dir)


def trainer_args(job: TrainingJob, settings: SFTSettings | GRPOSettings) -> dict:
    """Trainer arguments both stages take alike from their settings section, and the machine-dependent ones."""
    return {
        "output_dir": str(job.checkpoints_dir),
        "max_steps": settings.max_steps,
        "learning_rate": settings.learning_rate,
        "lr_scheduler_type": settings.lr_scheduler_type,
        "per_device_train_batch_size": settings.per_device_train_batch_size,
        "gradient_accumulation_steps": settings.gradient_accumulation_steps,
        "activation_checkpointing": settings.gradient_checkpointing,
        "logging_steps": settings.logging_steps,
        "save_strategy": "steps",
        "save_steps": settings.save_steps,
        "save_total_limit": settings.save_total_limit,
        **training_device_args(job),
    }


def training_device_args(job: TrainingJob) -> dict:
    """Trainer arguments that depend on the machine: CPU vs CUDA, precision."""
    import torch

    cfg = job.training
    on_cuda = cfg.uses_cuda()
    dtype = torch_dtype(cfg)
    return {
        "use_cpu": not on_cuda,
        "bf16": dtype == torch.bfloat16,
        "fp16": dtype == torch.float16,
        "dataloader_pin_memory": on_cuda,
        "optim": "adamw_torch_fused" if on_cuda else "adamw_torch",
        "report_to": "none",
        "seed": job.seed,
    }


def run_job_file(
    run: Callable[[TrainingJob, Reporter], dict], argv: list[str] | None, *, prog: str, description: str
) -> None:
    """The `python -m medchat_pipeline.training.<stage> --config job.json` entry point of every stage."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--config", required=True, help="job file (JSON or YAML) matching medchat_pipeline.training.jobs.TrainingJob")
    job = TrainingJob.load(parser.parse_args(argv).config)
    with open_reporter() as reporter:
        run(job, reporter)
