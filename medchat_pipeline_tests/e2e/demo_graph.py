"""The demo graph as the end-to-end tests run it: the demo profile shrunk to fit CI (three sources, one
teacher question per partition, two training steps, two items of two benchmark sets, a two-fold triage model on the
hand-written cases), with the medqa source reading a copy of the demo file that the rebuild test edits,
materialized once per session by `medchat run` on a fresh SQLite instance. The main-job test reads that
materialization; the rebuild test then edits the source and lets the daemon rebuild what went stale (so the
first materialization is paid once).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from medchat_pipeline.config import configs_dir, project_root

ENABLED = ("medqa", "pubmedqa", "healthcaremagic")
ALL_SOURCES = (
    "meddialog_en", "healthcaremagic", "icliniq", "medmcqa", "medqa",
    "pubmedqa", "medquad", "drugehrqa", "mimic_iv_medications",
)
SHRINK = {
    "augment": {"methods": ["paraphrase", "synonym"], "max_questions_per_partition": 1, "max_tokens": 32},
    "distill": {"modes": ["response", "cot"], "max_questions_per_partition": 1, "max_tokens": 32,
                "preference_max_questions": 1},
    "training": {"sft": {"max_steps": 2, "eval_steps": 2, "save_steps": 2},
                 "grpo": {"max_steps": 1, "save_steps": 1}},
    "evaluation": {"max_items_per_set": 2, "test_split_items": 2, "max_new_tokens": 8,
                   "free_text_max_new_tokens": 8, "bootstrap_resamples": 100, "safety_checks": False,
                   "dosage_calculation": False, "human_eval_items": 2, "teacher_max_items": 1},
    # The hand-written families only (no spent blind sets): the triage model trains in a quarter of the time; its
    # figures on the shipped settings are checked by defs/test_safety_assets.py and benchmarks/bench_triage.py.
    "safety": {"triage": {"folds": 2, "extra_dev_sets": {}}},
    # The daemon's rebuild runs execute their steps in the run worker: each of the chain's nine runs saves starting a
    # forkserver that imports the code location again (about 5 s of CPU a run on this box). The default (multiprocess,
    # forkserver) is launched by defs/test_step_startup.py and by the compose topology's rebuild (deploy/test_compose.py).
    "runs": {"executor": "in_process"},
}  # fmt: skip
BENCHMARKS = ("medqa", "mmlu_medical")
AUTOMATION_INTERVAL_S = 5  # both sensors: a short interval keeps the rebuild test short (defaults 60 s / 30 s)


def merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def write_profile(folder: Path) -> Path:
    """The shrunk demo profile in `folder`, its medqa source reading `folder`/medqa (a copy of the demo file)."""
    profile = merge(yaml.safe_load((configs_dir() / "demo.yaml").read_text()), SHRINK)
    for source in ALL_SOURCES:
        profile["data"]["sources"][source]["enabled"] = source in ENABLED
    # Two benchmark sets of the four: one read from the shared data, one shipped (evaluation/ tests cover the rest).
    profile["evaluation"]["benchmarks"] = {k: profile["evaluation"]["benchmarks"][k] for k in BENCHMARKS}
    medqa = folder / "medqa"
    shutil.copytree(project_root() / "medchat_pipeline" / "demo_data" / "medqa", medqa)
    profile["data"]["sources"]["medqa"]["paths"] = [str(medqa / "*.jsonl")]
    profile["automation"] = {"observe_interval_s": AUTOMATION_INTERVAL_S, "evaluate_interval_s": AUTOMATION_INTERVAL_S}
    profile["profile"] = "demo-e2e"
    path = folder / "demo-e2e.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


def medchat(*args: str, env: dict, timeout: float = 2400) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("medchat")
    return subprocess.run([str(command), *args], env=env, cwd=project_root(), capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


@dataclass
class DemoGraph:
    profile: Path
    home: Path  # DAGSTER_HOME: `medchat run` wrote its dagster.yaml (SQLite); workspace.yaml for the daemon
    storage: Path
    env: dict
    first_run: subprocess.CompletedProcess


def materialize_demo_graph(folder: Path, base_env: dict) -> DemoGraph:
    profile = write_profile(folder)
    home, storage = folder / "dagster_home", folder / "storage"
    home.mkdir()
    location = {"module_name": "medchat_pipeline.definitions", "location_name": "medchat_pipeline",
                "working_directory": str(project_root())}  # fmt: skip
    (home / "workspace.yaml").write_text(yaml.safe_dump({"load_from": [{"python_module": location}]}))
    env = {**base_env, "DAGSTER_HOME": str(home), "MEDCHAT_PROFILE": str(profile), "MEDCHAT_STORAGE_DIR": str(storage)}
    run = medchat("run", "--log-level", "WARNING", env=env)
    return DemoGraph(profile, home, storage, env, run)
