"""What SFT and GRPO runs share: the job-file entry point, the tracked MLflow run, resuming, and writing the
finished adapter.

Crash safety (see training/jobs.py for the folder layout): one process trains into a folder at a time
(`training_lock`); a folder whose adapter is finished is never trained again (`AdapterCommitted`);
checkpoints and the adapter appear complete or not at all (written under a temporary name, fsynced,
renamed); resume skips and quarantines incomplete checkpoints; a run killed after its last checkpoint
finishes from that checkpoint without training past max_steps.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from medchat_pipeline.config.training import GRPOSettings, SFTSettings
from medchat_pipeline.core.atomic import TMP_MARK, atomic_directory, atomic_write, fsync_directory, fsync_path
from medchat_pipeline.training.data import PreparedRows, prepare_rows
from medchat_pipeline.training.jobs import CHECKPOINT_MARKER, QUARANTINE, AdapterCommitted, TrainingJob, last_checkpoint
from medchat_pipeline.training.manifest import (
    adapter_fingerprint,
    code_version,
    git_state,
    model_fingerprint,
    read_manifest,
    write_manifest,
)
from medchat_pipeline.training.mlflow_store import ensure_sqlite_store
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


def load_rows(
    job: TrainingJob, max_train_rows: int | None, max_eval_rows: int | None, extra_train: pl.DataFrame | None = None
) -> PreparedRows:
    path = Path(job.train_data)
    if not path.exists():
        raise FileNotFoundError(f"train_data {path} does not exist")
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars/pyarrow raise several kinds on a damaged file
        raise ValueError(f"train_data {path} cannot be read ({exc}); rebuild it: medchat run --select training_mix+") from exc
    return prepare_rows(frame, max_train_rows, max_eval_rows, seed=job.seed, extra_train=extra_train)


@contextlib.contextmanager
def training_lock(job: TrainingJob, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the folder's lock: one trainer per folder. The kernel drops a flock when its process dies,
    so a killed trainer never leaves a stale lock."""
    Path(job.output_dir).mkdir(parents=True, exist_ok=True)
    fd = os.open(Path(job.output_dir) / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(f"another process is training into {job.output_dir}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def training_session(job: TrainingJob, reporter: Reporter, rows: PreparedRows, extra_params: dict) -> Iterator[Session]:
    """Take the folder's lock, open (or continue) the MLflow run, log the recipe and data fingerprints, mark
    it failed on error. Raises AdapterCommitted when the folder's adapter is already finished."""
    with training_lock(job, reporter.log):
        if job.adapter_committed:
            raise AdapterCommitted(job)
        with _open_session(job, reporter, rows, extra_params) as session:
            yield session


@contextlib.contextmanager
def _open_session(job: TrainingJob, reporter: Reporter, rows: PreparedRows, extra_params: dict) -> Iterator[Session]:
    cfg = job.training
    storage = Path(job.storage_dir)
    tracking_uri = cfg.mlflow.tracking_uri or default_tracking_uri(storage)
    ensure_sqlite_store(tracking_uri)
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
    resume_from = last_checkpoint(job.checkpoints_dir, on_quarantine=reporter.log)
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
    """Train (resuming from the last complete checkpoint, if any) and return the metrics every stage reports."""
    keep_log_dicts_off_stdout(trainer)
    write_checkpoints_atomically(trainer)
    if session.resume_from and _checkpoint_step(session.resume_from) >= trainer.args.max_steps:
        return finish_from_checkpoint(session, trainer)
    result = trainer.train(resume_from_checkpoint=session.resume_from)
    return {
        "train_loss": result.training_loss,
        "global_step": trainer.state.global_step,
        "train_runtime_s": result.metrics.get("train_runtime", 0.0),
    }


def _checkpoint_step(checkpoint: str) -> int:
    return int(Path(checkpoint).name.rsplit("-", 1)[1])


def finish_from_checkpoint(session: Session, trainer) -> dict:
    """The run was killed after its last checkpoint (step == max_steps) but before the adapter was written.
    The Trainer would resume from it and train one step more (max_steps 8 → 9); load it instead."""
    from transformers import TrainerState

    checkpoint = session.resume_from
    trainer._load_from_checkpoint(checkpoint)
    trainer.state = TrainerState.load_from_json(str(Path(checkpoint) / "trainer_state.json"))
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    session.reporter.log(f"{checkpoint} is the last step (max_steps {trainer.args.max_steps}): finishing from it without training")
    return {
        "train_loss": sum(losses) / len(losses) if losses else float("nan"),
        "global_step": trainer.state.global_step,
        "train_runtime_s": 0.0,
    }


def write_checkpoints_atomically(trainer) -> None:
    """Make the Trainer write each checkpoint-<step>/ under a temporary folder and rename it into place
    complete, with a marker listing its files (a kill or a full disk mid-save leaves no half checkpoint).

    The Trainer writes checkpoints to `<its output dir>/checkpoint-<step>`; during the save it is pointed at
    a temporary output dir, then the finished folder is moved beside the others and old ones rotated."""
    from transformers.trainer_utils import rotate_checkpoints

    save, output_dir = trainer._save_checkpoint, trainer._get_output_dir

    def save_atomically(model, trial):
        root = Path(output_dir(trial=trial))
        name = f"checkpoint-{trainer.state.global_step}"
        root.mkdir(parents=True, exist_ok=True)
        # Named like core.atomic's temporaries, so a later run sweeps it away if this process dies mid-save.
        staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}{TMP_MARK}{os.getpid()}-"))
        try:
            trainer._get_output_dir = lambda trial=None: str(staging)
            try:
                save(model, trial)
            finally:
                trainer._get_output_dir = output_dir
            written = staging / name
            files = {str(p.relative_to(written)): p.stat().st_size for p in written.rglob("*") if p.is_file()}
            atomic_write(written / CHECKPOINT_MARKER, json.dumps({"step": trainer.state.global_step, "files": files}))
            fsync_path(written)
            if (root / name).exists():  # an older copy of the same step (never resumed from): set it aside
                (root / QUARANTINE).mkdir(exist_ok=True)
                (root / name).rename(root / QUARANTINE / f"{name}-replaced-{time.strftime('%Y%m%dT%H%M%S')}")
            os.rename(written, root / name)
            fsync_directory(root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if trainer.args.save_total_limit:
            rotate_checkpoints(output_dir=str(root), save_total_limit=trainer.args.save_total_limit, use_mtime=True)

    trainer._save_checkpoint = save_atomically


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
    with atomic_directory(adapter_dir) as staging:
        trainer.save_model(str(staging))
        tokenizer.save_pretrained(str(staging))
        fingerprint = _write_manifest(session, staging, fingerprint=adapter_fingerprint(staging), metrics=metrics,
                                      loss_mode=loss_mode, parent=parent)
    cfg = job.training
    session.mlflow.log_metrics({f"final/{k}": v for k, v in metrics.items()}, step=trainer.state.global_step)
    session.mlflow.set_tags({"adapter_fingerprint": fingerprint, "adapter_dir": str(adapter_dir.resolve())})
    if cfg.mlflow.log_adapter:
        session.mlflow.log_artifacts(adapter_dir, "adapter")
    session.mlflow.finish(ok=True)
    session.reporter.result({"adapter_dir": str(adapter_dir.resolve()), "mlflow_run_id": session.mlflow.run_id, "metrics": metrics})
    return read_manifest(adapter_dir)


def _write_manifest(session: Session, staging: Path, fingerprint: str, metrics: dict, loss_mode: str, parent: dict | None) -> str:
    """manifest.json into the adapter's staging folder; it names the folder the adapter is renamed to."""
    job = session.job
    adapter_dir = job.adapter_dir
    commit, dirty = git_state()
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
    write_manifest(staging, manifest)
    return fingerprint


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
    _exit_with_parent()
    with open_reporter() as reporter:
        try:
            run(job, reporter)
        except AdapterCommitted as done:
            reporter.log(str(done))
            reporter.result({"adapter_dir": str(done.adapter_dir.resolve()), "reused": True})


def _exit_with_parent(poll_s: float = 2.0) -> None:
    """A trainer launched by Dagster Pipes stops when the process that launched it dies (`kill -9` of
    `medchat run`): an orphan would go on writing checkpoints into a folder the next run resumes from.
    (A pod's parent is its init process, which never changes: nothing happens there.)"""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
