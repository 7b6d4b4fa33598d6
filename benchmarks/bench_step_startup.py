"""Step start-up of a cheap data asset: from launching a run to the step's first log line.

    .venv/bin/python benchmarks/bench_step_startup.py --before /path/to/older/checkout [--after PATH] [--repeats 3]

Each measurement starts `dagster asset materialize` (one source_qac partition of the demo profile,
medqa) in a new process under its own temporary DAGSTER_HOME and storage, as a launched run is. Its
executor runs each step in a fresh process that loads the code location again; the step start-up is
the time from that step process's launch (STEP_WORKER_STARTING in the event log) to the step's first
user log line ("parsing medqa ..."). Also reported: the run start-up (process launch to that line)
and the run's CPU seconds (user + system), which vary less than wall time on a shared machine. The same command runs against two source
trees, alternating: `--before` (a checkout of an older commit, e.g. `git worktree add --detach
/tmp/before <commit>`, put first on PYTHONPATH) and `--after` (default: this checkout). Both parse the same files, so the two runs' source_qac data versions are compared too.

Results go to benchmarks/RESULTS.md under "## Dagster graph and automation (issue 10, issue 13 parts 2, 3, 7)".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
MODULES = ("torch", "transformers", "peft", "bitsandbytes", "trl", "mlflow")


def one_start(tree: Path) -> dict:
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as storage:
        env = {**os.environ, "DAGSTER_HOME": home, "MEDCHAT_STORAGE_DIR": storage, "PYTHONPATH": str(tree),
               "MEDCHAT_PROFILE": "demo", "PYTHONWARNINGS": "ignore"}  # fmt: skip
        command = [str(Path(sys.executable).with_name("dagster")), "asset", "materialize", "-m",
                   "medchat_pipeline.definitions", "--select", "source_qac,source_rejects", "--partition", "medqa"]  # fmt: skip
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        launched = time.time()
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=900)
        total = time.time() - launched
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"run failed in {tree}:\n{done.stderr[-3000:]}")
        worker, first_log, version = read_back(home, tree)
        return {"step_startup_s": round(first_log - worker, 2), "run_startup_s": round(first_log - launched, 2),
                "total_s": round(total, 2), "cpu_s": round(cpu, 2),
                "data_version": version,
                "heavy_modules_loaded": loaded_modules(tree, env)}  # fmt: skip


def read_back(home: str, tree: Path) -> tuple[float, float, str]:
    """From the run's event log: when the parse step's worker process was launched, when that step wrote
    its first log line ("parsing medqa ..."), and source_qac's data version."""
    code = (
        "import json, dagster as dg\n"
        f"inst = dg.DagsterInstance.from_config({home!r})\n"
        "[run] = inst.get_run_records()\n"
        "events = inst.all_logs(run.dagster_run.run_id)\n"
        "worker = [e.timestamp for e in events if e.dagster_event and e.dagster_event.event_type_value == 'STEP_WORKER_STARTING'\n"
        "          and e.step_key == 'parse_source']\n"
        "logs = [e.timestamp for e in events if e.user_message.startswith('parsing medqa')]\n"
        "rec = inst.get_latest_data_version_record(dg.AssetKey('source_qac'), partition_key='medqa')\n"
        "print(json.dumps([min(worker), min(logs), rec.asset_materialization.tags['dagster/data_version']]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})  # fmt: skip
    worker, first_log, version = json.loads(out.stdout.strip().splitlines()[-1])
    return worker, first_log, version


def loaded_modules(tree: Path, env: dict) -> list[str]:
    """Which heavy modules loading the code location imports (what every launched step pays for)."""
    code = f"import sys, medchat_pipeline.definitions; print(','.join(m for m in {MODULES!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().splitlines()[-1].split(",") if m] if out.stdout.strip() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="source tree of the older commit")
    parser.add_argument("--after", type=Path, default=HERE, help="source tree of the newer commit (default: this one)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per side, alternating")
    args = parser.parse_args()
    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    results: dict[str, list[dict]] = {name: [] for name in sides}
    for _ in range(args.repeats):
        for name, tree in sides.items():
            results[name].append(one_start(tree))
            print(name, results[name][-1], file=sys.stderr)
    summary = {
        name: {"step_startup_s_median": statistics.median(r["step_startup_s"] for r in runs),
               "step_startup_s": [r["step_startup_s"] for r in runs],
               "run_startup_s": [r["run_startup_s"] for r in runs], "total_s": [r["total_s"] for r in runs],
               "cpu_s": [r["cpu_s"] for r in runs],
               "heavy_modules_loaded": runs[0]["heavy_modules_loaded"]}  # fmt: skip
        for name, runs in results.items()
    }
    versions = {r["data_version"] for runs in results.values() for r in runs}
    summary["outputs_equal"] = len(versions) == 1
    summary["load_average_1m"] = os.getloadavg()[0]
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
