"""Training under faults, on the real demo model: `kill -9` during a checkpoint save, a half checkpoint left
by older code, a kill after the last checkpoint, and a rerun of a finished folder."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from medchat_pipeline.config import project_root
from medchat_pipeline.training.jobs import AdapterCommitted, TrainingJob, last_checkpoint
from medchat_pipeline.training.manifest import read_manifest
from medchat_pipeline.training.sft import run_sft
from medchat_pipeline_tests.training.conftest import tiny_recipe, training_mix_frame

pytestmark = pytest.mark.slow


@pytest.fixture
def mlflow_uri(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'mlflow.db'}"


def _job(tmp_path: Path, demo_model_dir: Path, mlflow_uri: str) -> TrainingJob:
    data = tmp_path / "training_mix.parquet"
    training_mix_frame().write_parquet(data)
    recipe = tiny_recipe(mlflow_uri)
    recipe = recipe.model_copy(update={"sft": recipe.sft.model_copy(update={"max_steps": 2, "save_steps": 1})})
    job = TrainingJob(
        stage="sft", training=recipe, base_model_path=str(demo_model_dir), train_data=str(data),
        output_dir=str(tmp_path / "sft"), storage_dir=str(tmp_path),
    )
    job.save()
    return job


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_kill_during_a_checkpoint_save_then_resume_finishes_at_max_steps_and_the_adapter_never_changes(
    tmp_path, demo_model_dir, mlflow_uri
):
    job = _job(tmp_path, demo_model_dir, mlflow_uri)
    checkpoints = job.checkpoints_dir
    trainer = subprocess.Popen(
        [sys.executable, "-m", "medchat_pipeline.training.sft", "--config", str(Path(job.output_dir) / "job.json")],
        cwd=project_root(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # kill -9 the moment the second checkpoint is being written (its temporary folder exists).
    deadline = time.monotonic() + 900
    caught = None
    while trainer.poll() is None and time.monotonic() < deadline:
        staging = list(checkpoints.glob(".checkpoint-2.tmp-*")) if checkpoints.is_dir() else []
        if staging:
            os.kill(trainer.pid, signal.SIGKILL)
            caught = staging[0]
            break
        time.sleep(0.005)
    trainer.wait()
    assert caught is not None, "the trainer finished or stalled before its second checkpoint save"
    assert not (checkpoints / "checkpoint-2").exists()  # never half there
    assert (checkpoints / "checkpoint-1" / "medchat_checkpoint.json").is_file()
    # Older code left half checkpoints (only a README after a full disk): resume must skip and quarantine them.
    (checkpoints / "checkpoint-7").mkdir()
    (checkpoints / "checkpoint-7" / "README.md").write_text("cut short")

    manifest = run_sft(job)
    assert manifest["resumed_from_checkpoint"].endswith("checkpoint-1")
    assert manifest["metrics"]["global_step"] == 2
    assert not caught.exists()  # the dead writer's temporary is gone
    assert (checkpoints / "quarantine").is_dir() and any((checkpoints / "quarantine").glob("checkpoint-7-*"))
    adapter = Path(manifest["adapter_dir"])
    before = _digest(adapter)

    # The folder is finished: a rerun of the same job never trains it again or touches it.
    with pytest.raises(AdapterCommitted):
        run_sft(job)
    assert _digest(adapter) == before

    # A kill after the last checkpoint but before the adapter was renamed into place (here: the same folder
    # without its adapter): the rerun finishes from checkpoint-2 and does not train step 3.
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    os.rename(Path(job.output_dir) / "checkpoints", crashed / "checkpoints")
    finishing = job.model_copy(update={"output_dir": str(crashed)})
    assert last_checkpoint(finishing.checkpoints_dir).endswith("checkpoint-2")
    finished = run_sft(finishing)
    assert finished["metrics"]["global_step"] == 2
    assert finished["resumed_from_checkpoint"].endswith("checkpoint-2")
    assert not (finishing.checkpoints_dir / "checkpoint-3").exists()
    # Same weights as the run that was not interrupted there: checkpoint-2 is the adapter at step 2.
    assert read_manifest(finished["adapter_dir"])["adapter_fingerprint"] == manifest["adapter_fingerprint"]
