"""MLflow tracking and live reporting for the trainers.

Runs go to a local sqlite store under storage by default (no server); every hyperparameter, every
logged metric (per-reward GRPO curves included), the dataset fingerprints and the adapter directory are
recorded. A retried materialization continues the same MLflow run (its id is kept beside the
checkpoints), so one adapter is one run.

When the entry point was launched through Dagster Pipes, the same log lines and metrics also stream to
Dagster (`open_reporter`).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

logger = logging.getLogger("medchat_pipeline.training")

PARAM_VALUE_LIMIT = 500


def default_tracking_uri(storage_dir: Path) -> str:
    path = storage_dir / "mlflow"
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'mlflow.db'}"


class Reporter:
    """Where a trainer's progress goes besides MLflow: the Python log (plain runs) or Dagster (Pipes runs)."""

    def log(self, message: str) -> None:
        logger.info(message)

    def metrics(self, step: int, values: dict[str, float]) -> None:
        logger.info("step %s: %s", step, ", ".join(f"{k}={v:.4g}" for k, v in sorted(values.items())))

    def result(self, payload: dict) -> None:
        logger.info("result: %s", payload)


class PipesReporter(Reporter):
    def __init__(self, pipes) -> None:
        self.pipes = pipes

    def log(self, message: str) -> None:
        self.pipes.log.info(message)

    def metrics(self, step: int, values: dict[str, float]) -> None:
        self.pipes.report_custom_message({"type": "metrics", "step": step, "values": values})

    def result(self, payload: dict) -> None:
        self.pipes.report_custom_message({"type": "result", **payload})


@contextlib.contextmanager
def open_reporter() -> Iterator[Reporter]:
    """A Pipes-backed reporter when launched by a Dagster Pipes client, else one writing to the log."""
    from dagster_pipes import DAGSTER_PIPES_CONTEXT_ENV_VAR, open_dagster_pipes

    if os.environ.get(DAGSTER_PIPES_CONTEXT_ENV_VAR):
        with open_dagster_pipes() as pipes:
            yield PipesReporter(pipes)
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        yield Reporter()


def _flatten(prefix: str, value, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out[prefix] = str(value)[:PARAM_VALUE_LIMIT]


def flatten_params(params: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    _flatten("", params, out)
    return out


class MlflowRun:
    """One MLflow run, created or resumed, driven through MlflowClient (no global fluent state)."""

    def __init__(self, tracking_uri: str, experiment: str, artifact_root: Path, run_id_file: Path, run_name: str, tags: dict[str, str]):
        from mlflow.tracking import MlflowClient

        self.client = MlflowClient(tracking_uri=tracking_uri)
        self.tracking_uri = tracking_uri
        found = self.client.get_experiment_by_name(experiment)
        if found is None:
            artifact_root.mkdir(parents=True, exist_ok=True)
            experiment_id = self.client.create_experiment(experiment, artifact_location=artifact_root.resolve().as_uri())
        else:
            experiment_id = found.experiment_id
        previous = run_id_file.read_text().strip() if run_id_file.exists() else None
        if previous and self._exists(previous):
            self.run_id = previous
            self.client.update_run(self.run_id, status="RUNNING")
            self.resumed = True
        else:
            self.run_id = self.client.create_run(experiment_id, run_name=run_name, tags=tags).info.run_id
            run_id_file.parent.mkdir(parents=True, exist_ok=True)
            run_id_file.write_text(self.run_id)
            self.resumed = False

    def _exists(self, run_id: str) -> bool:
        from mlflow.exceptions import MlflowException

        try:
            self.client.get_run(run_id)
        except MlflowException:
            return False
        return True

    def log_params(self, params: dict) -> None:
        from mlflow.entities import Param

        existing = self.client.get_run(self.run_id).data.params
        # MLflow params are write-once: a resumed run keeps the values it started with.
        fresh = [Param(k, v) for k, v in flatten_params(params).items() if k not in existing]
        for start in range(0, len(fresh), 100):
            self.client.log_batch(self.run_id, params=fresh[start : start + 100])

    def log_metrics(self, values: dict[str, float], step: int) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        metrics = [Metric(_metric_name(k), float(v), now, step) for k, v in values.items()]
        if metrics:
            self.client.log_batch(self.run_id, metrics=metrics)

    def set_tags(self, tags: dict[str, str]) -> None:
        for key, value in tags.items():
            self.client.set_tag(self.run_id, key, str(value)[:PARAM_VALUE_LIMIT])

    def log_artifacts(self, directory: Path, artifact_path: str) -> None:
        self.client.log_artifacts(self.run_id, str(directory), artifact_path)

    def finish(self, ok: bool) -> None:
        self.client.set_terminated(self.run_id, status="FINISHED" if ok else "FAILED")


def _metric_name(name: str) -> str:
    # MLflow allows letters, digits, _ - . / and spaces; TRL's names already fit, other characters become _.
    return re.sub(r"[^\w\-./ ]", "_", name)


def numeric_logs(logs: dict) -> dict[str, float]:
    return {
        k: float(v)
        for k, v in logs.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v))
    }


def __getattr__(name: str):
    # TrackingCallback subclasses transformers' TrainerCallback, and importing transformers pulls in torch,
    # peft and bitsandbytes (~9 s). Everything else here (Reporter, MLflow) is needed by steps that never
    # train, e.g. every Dagster step that imports defs/training.py; so the class is built on first use.
    if name == "TrackingCallback":
        return _tracking_callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _tracking_callback_class() -> type:
    from transformers import TrainerCallback

    class TrackingCallback(TrainerCallback):
        """Sends every Trainer log (loss, eval_loss, rewards/<name>/mean, …) to MLflow and the reporter,
        and keeps the last value of each for the manifest. Non-finite values are logged as such to the
        reporter and counted, since MLflow rejects them."""

        def __init__(self, run: MlflowRun, reporter: Reporter) -> None:
            self.run = run
            self.reporter = reporter
            self.last: dict[str, float] = {}
            self.non_finite: dict[str, int] = {}

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = logs or {}
            values = numeric_logs(logs)
            for key, value in logs.items():
                if isinstance(value, float) and not math.isfinite(value):
                    self.non_finite[key] = self.non_finite.get(key, 0) + 1
                    self.reporter.log(f"step {state.global_step}: {key} is {value}")
            if not values:
                return
            self.last.update(values)
            self.run.log_metrics(values, step=state.global_step)
            self.reporter.metrics(state.global_step, values)

    return TrackingCallback
