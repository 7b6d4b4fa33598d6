"""Cheap steps start fast: loading the code location (what every launched run does before its first step)
imports none of the training libraries nor the triage's patterns; they load where they are used."""

import subprocess
import sys

# The training libraries, and the triage's pattern layer (it compiles about a thousand regular expressions at import,
# 1.2 s of CPU: every run worker, code server and daemon paid it before the distill step imported its router lazily).
HEAVY = ("torch", "transformers", "peft", "bitsandbytes", "trl", "mlflow", "medchat_pipeline.core.safety.patterns")


def test_loading_the_code_location_imports_no_training_library():
    code = "import sys, medchat_pipeline.definitions; print(' '.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    loaded = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"imported at load time: {loaded.stdout.strip()}"


def test_the_tracking_callback_is_still_a_trainer_callback():
    from transformers import TrainerCallback

    from medchat_pipeline.training.tracking import TrackingCallback

    assert issubclass(TrackingCallback, TrainerCallback) and TrackingCallback.on_log is not TrainerCallback.on_log


def test_launched_runs_fork_each_step_from_a_server_that_loaded_the_code_once(tmp_path, monkeypatch):
    """A run Dagster launches (UI, sensor, backfill) executes each step in its own process, forked from a server
    that imported the code location once per run (`runs.start_method: forkserver`), not a fresh interpreter per step."""
    import importlib
    import os

    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from medchat_pipeline.config import project_root
    from medchat_pipeline.config.automation import RunsConfig
    from medchat_pipeline.definitions import PRELOAD, run_executor

    for module in PRELOAD:  # the forkserver skips a module it cannot import: every step would then import it again
        importlib.import_module(module)
    assert run_executor(RunsConfig(executor="in_process")) is dg.in_process_executor

    monkeypatch.setenv("MEDCHAT_PROFILE", "demo")
    monkeypatch.setenv("MEDCHAT_STORAGE_DIR", str(tmp_path / "storage"))
    repository = ReconstructableRepository.for_module("medchat_pipeline.definitions", "defs",
                                                      working_directory=str(project_root()))  # fmt: skip
    job = repository.get_reconstructable_job("__ASSET_JOB")
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        result = dg.execute_job(job, instance, asset_selection=[dg.AssetKey("source_qac"), dg.AssetKey("source_rejects")],
                                tags={"dagster/partition": "medqa"})  # fmt: skip
        assert result.success
        events = [e for e in instance.all_logs(result.run_id) if e.is_dagster_event]
    messages = " ".join(e.user_message for e in events)
    assert "multiprocess executor" in messages
    started = {e.step_key: e.dagster_event.pid for e in events if e.dagster_event.event_type_value == "STEP_START"}
    assert {"parse_source", "source_qac_no_empty_answers", "source_qac_schema_conforms"} <= set(started)
    assert os.getpid() not in started.values() and len(set(started.values())) == len(started)  # one process a step
