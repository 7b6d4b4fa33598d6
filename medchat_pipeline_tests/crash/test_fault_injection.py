"""Fault injection on real processes: the runner `medchat run` uses, killed, filled and corrupted.

Each run is a real process (fault_graph.py: a four-asset graph of the real one's shape, run by the same
runner, IO manager, pools, teacher cache and checkpoint code) against one real SQLite Dagster instance
(the project's dagster.yaml) and real files. Faults are injected at chosen points of a step (the step
writes a marker there and waits), with real signals; then plain runs (no flag, no manual step) must bring
the pipeline back, and the suite checks from the instance and the files (inspect_instance.py):
  - 0 wedged runs: nothing left STARTED, no pool slot held;
  - 0 successes on stale data: nothing materialized after an ancestor failed in the same invocation,
    nothing left out of date or unreadable, the adapter and report name the current training data;
  - 0 lost or altered committed artifacts: every finished adapter folder keeps its bytes;
  - committed work reused, not redone: the recovery run materializes only what the fault undid.

Faults 1-3 are chained, so that each run recovers the one before it and is faulted one step further on,
and one plain run recovers the last (a run costs seconds of CPU, and CI has little to spare); 4 and 5 are
each followed by one plain run:
  1. kill -9 in teacher_answers (holding the teacher_api slot), after rows was committed;
  2. Ctrl-C (SIGINT to the process group, as a terminal sends it) in training, while checkpoint-2 is being
     written (checkpoint-1 committed);
  3. kill -9 in training (holding the gpu slot) while checkpoint-2 is being written;
  4. a full disk as rows is written (a small tmpfs filled up; where mount is not permitted, RLIMIT_FSIZE:
     a file over 1 MiB fails with EFBIG, as on a full disk), then space comes back;
  5. a truncated Parquet file (teacher_answers[a]) and a corrupt teacher cache, which the plain run after
     them must go through to rebuild that partition.
Elsewhere: the error naming an unreadable file, its asset and the rebuild command (test_atomic_and_config.py),
a corrupt model cache (test_caches.py) and kill -9 inside the real trainer's checkpoint save
(test_training_crash.py), the last two on the real model. Recovery times go to $MEDCHAT_FAULT_REPORT (JSON) when set.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from medchat_pipeline.config import project_root
from medchat_pipeline.core.data.source_version import frame_content_version
from medchat_pipeline.defs.run_recovery import slots_held
from medchat_pipeline_tests.crash import fault_graph
from medchat_pipeline_tests.crash.inspect_instance import inspect

DISK_LIMIT = 1 << 20  # RLIMIT_FSIZE where tmpfs cannot be mounted; the big `rows` is larger
BIG_ROWS = "40000"  # rows the full-disk run writes under RLIMIT_FSIZE (1.7 MB of Parquet)


@dataclass
class World:
    root: Path
    env: dict
    timings: list[dict] = field(default_factory=list)
    artifacts: dict[str, str] = field(default_factory=dict)
    mounted: list[Path] = field(default_factory=list)

    @property
    def storage(self) -> Path:
        return self.root / "storage"

    def source(self, text: str) -> None:
        (self.root / "source.txt").write_text(text)

    def state(self) -> dict:
        with dg.DagsterInstance.from_config(self.env["DAGSTER_HOME"]) as instance:
            return inspect(instance, fault_graph.defs, fault_graph.VERSION, self.storage)

    def slots(self) -> dict:
        with dg.DagsterInstance.from_config(self.env["DAGSTER_HOME"]) as instance:
            return slots_held(instance)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    # On a tmpfs when there is one: fsync (every atomic write, every SQLite commit) costs nothing there.
    shm = Path("/dev/shm")
    base = Path(tempfile.mkdtemp(prefix="faults-", dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path_factory.mktemp("faults")
    home = base / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((project_root() / "dagster.yaml").read_text())  # pools limited to 1
    env = {**os.environ, "FAULT_ROOT": str(base), "DAGSTER_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("FAULT_HOLD", None)
    world = World(base, env)
    world.source("version 1")
    yield world
    for mount in world.mounted:
        subprocess.run(["umount", "-l", str(mount)], check=False)
    report = os.environ.get("MEDCHAT_FAULT_REPORT")
    if report:
        Path(report).write_text(json.dumps({"root": str(base), "faults": world.timings}, indent=2))
    shutil.rmtree(base, ignore_errors=True)


class Run:
    """One runner process in its own process group (so a Ctrl-C can reach the group, as from a terminal)."""

    def __init__(self, world: World, *args: str, hold: str | None = None, rows: str | None = None,
                 file_size_limit: int | None = None) -> None:
        self.world = world
        (world.root / "held").unlink(missing_ok=True)
        env = {**world.env, **({"FAULT_HOLD": hold} if hold else {}), **({"FAULT_ROWS": rows} if rows else {})}
        self.out = world.root / f"run-{time.time_ns()}"
        preexec = None
        if file_size_limit:
            import resource

            def preexec():
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

        self.started = time.monotonic()
        with open(f"{self.out}.stdout", "w") as stdout, open(f"{self.out}.stderr", "w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "medchat_pipeline_tests.crash.fault_graph", *args], cwd=project_root(), env=env,
                stdout=stdout, stderr=stderr, start_new_session=True, preexec_fn=preexec,
            )
        self.seconds = 0.0

    def held(self, timeout: float = 120) -> None:
        """Wait until the step reached its fault point."""
        marker = self.world.root / "held"
        deadline = time.monotonic() + timeout
        while not marker.exists():
            assert self.process.poll() is None, f"ended (rc {self.process.returncode}) before the fault point:\n{self.stderr()}"
            assert time.monotonic() < deadline, f"fault point not reached:\n{self.stderr()}"
            time.sleep(0.05)
        self.faulted_after = time.monotonic() - self.started

    def kill9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.wait()

    def wait(self, timeout: float = 300) -> int:
        rc = self.process.wait(timeout=timeout)
        self.seconds = time.monotonic() - self.started
        return rc

    def stderr(self) -> str:
        return Path(f"{self.out}.stderr").read_text()[-4000:]

    def summary(self) -> dict:
        lines = Path(f"{self.out}.stdout").read_text().strip().splitlines()
        return json.loads(lines[-1]) if lines else {}

    def recovered_predecessor(self) -> None:
        text = self.stderr()
        assert "recovered run" in text and "is gone" in text and "marked FAILURE" in text, text


def expected_weights_sha(version: str) -> str:
    """What fault_graph's training makes from data of this version, uninterrupted."""
    weights = version.encode()
    for step in range(1, fault_graph.STEPS + 1):
        weights = hashlib.sha256(weights + f"step {step}".encode()).digest() * 4096
    return hashlib.sha256(weights).hexdigest()


def assert_whole(world: World, run: Run, fault: str, redone: set[str]) -> dict:
    """A plain run after a fault finished, and the instance and files are whole (see the module docstring)."""
    rc = run.wait()
    assert rc == 0, f"{fault}: the plain run after it failed\n{run.stderr()}"
    summary = run.summary()
    assert not summary["failed"] and not summary["skipped"], summary
    state = world.state()
    assert state["in_progress"] == [], f"{fault}: wedged runs {state['in_progress']}"
    assert state["slots"] == {}, f"{fault}: slots still held {state['slots']}"
    assert state["out_of_date"] == {}, f"{fault}: left stale or unreadable {state['out_of_date']}"
    assert state["stale_successes"] == [], f"{fault}: materialized on stale data {state['stale_successes']}"
    for folder, digest in world.artifacts.items():
        assert state["artifacts"].get(folder) == digest, f"{fault}: committed {folder} lost or altered"
    world.artifacts = state["artifacts"]
    # The adapter and the report were made from the training data as it is now, and trained to the end.
    assets = world.storage / "assets"
    current = frame_content_version(pl.concat([pl.read_parquet(assets / "teacher_answers" / f"{p}.parquet") for p in "ab"]))
    adapter, report = (json.loads((assets / f"{name}.json").read_text()) for name in ("adapter", "report"))
    manifest = json.loads((Path(adapter["adapter_dir"]) / "manifest.json").read_text())
    assert manifest["input_version"] == report["input_version"] == current, f"{fault}: lineage {manifest} vs {current}"
    assert manifest["global_step"] == fault_graph.STEPS and manifest["weights_sha256"] == expected_weights_sha(current)
    assert set(summary["assets"]) <= redone, f"{fault}: redid {sorted(set(summary['assets']) - redone)}"
    world.timings.append({"fault": fault, "recovery_run_s": round(run.seconds, 1), "rematerialized": summary["assets"],
                          "reused": summary["reused"], "recovered_runs": len(summary["recovered_runs"])})
    return summary


def built(world: World) -> None:
    """A completed build to fault (the first test leaves one; a test run alone makes its own)."""
    if not (world.storage / "assets" / "report.json").exists():
        assert Run(world).wait() == 0
        world.artifacts = world.state()["artifacts"]


def test_kill_9_and_ctrl_c_at_each_stage_then_one_plain_run_finishes(world):
    world.source("version 2")  # new data (the first build when the suite runs whole): everything is built
    run = Run(world, hold="teacher_answers")
    run.held()
    run.kill9()
    assert any("teacher_api" in pools for pools in world.slots().values())  # the wedge the next run must clear
    world.timings.append({"fault": "kill -9 in teacher_answers (teacher_api slot held, rows committed)",
                          "faulted_after_s": round(run.faulted_after, 1)})

    run = Run(world, hold="inside-checkpoint-2")
    run.held()
    run.recovered_predecessor()
    assert "up to date: rows (reused)" in run.stderr()  # committed before the kill: not redone
    [folder] = [p for p in (world.storage / "adapters" / "sft").iterdir() if not (p / "adapter").exists()]
    assert any(p.name.startswith(".checkpoint-2.tmp-") for p in (folder / "checkpoints").iterdir())
    interrupted_at = time.monotonic()
    os.killpg(run.process.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
    assert run.wait(timeout=60) == 130, run.stderr()
    stopped_in = time.monotonic() - interrupted_at
    assert run.summary()["interrupted"] and "report" not in run.summary()["assets"], run.summary()
    state = world.state()
    assert state["in_progress"] == [] and state["slots"] == {}, state  # the first Ctrl-C alone ends the run cleanly
    assert [p.name for p in (folder / "checkpoints").iterdir()] == ["checkpoint-1"]  # its half save removed
    world.timings.append({"fault": "Ctrl-C in training while checkpoint-2 is written",
                          "faulted_after_s": round(run.faulted_after, 1), "stopped_in_s": round(stopped_in, 1)})

    run = Run(world, hold="inside-checkpoint-2")
    run.held()
    run.kill9()
    assert any("gpu" in pools for pools in world.slots().values())
    half = [p.name for p in (folder / "checkpoints").iterdir() if p.name.startswith(".checkpoint-2.tmp-")]
    assert half and not (folder / "checkpoints" / "checkpoint-2").exists()  # never half in place
    world.timings.append({"fault": "kill -9 in training while checkpoint-2 is written (gpu slot held)",
                          "faulted_after_s": round(run.faulted_after, 1)})

    final = Run(world)
    assert_whole(world, final, "kill -9 x2 and Ctrl-C (chained)", redone={"adapter", "report"})
    final.recovered_predecessor()
    manifest = json.loads((folder / "adapter" / "manifest.json").read_text())
    assert manifest["resumed_from_checkpoint"].endswith("checkpoint-1")  # the half-written checkpoint-2 was not used
    assert not any(p.name.startswith(".") for p in (folder / "checkpoints").iterdir())  # the dead writer's temporary swept


def _fill_storage_disk(world: World) -> Path | None:
    """Move the storage folder onto a small tmpfs and fill it; None where mounting is not permitted."""
    moved = world.root / "storage.before"
    world.storage.rename(moved)
    world.storage.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(world.storage)],
                                 capture_output=True).returncode == 0
    except OSError:  # no mount command at all
        mounted = False
    if not mounted:
        world.storage.rmdir()
        moved.rename(world.storage)
        return None
    world.mounted.append(world.storage)
    shutil.copytree(moved, world.storage, dirs_exist_ok=True)
    shutil.rmtree(moved)
    filler = world.storage / "filler.bin"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * (64 << 10))
                handle.flush()
        except OSError:  # ENOSPC: the disk is full
            pass
    return filler


def test_full_disk_fails_the_write_keeps_the_old_value_and_runs_nothing_downstream(world):
    built(world)
    rows_file = world.storage / "assets" / "rows.parquet"
    before = rows_file.read_bytes()
    world.source("version 3")
    filler = _fill_storage_disk(world)
    run = Run(world, rows=None if filler else BIG_ROWS, file_size_limit=None if filler else DISK_LIMIT)
    assert run.wait() == 1, run.stderr()
    summary = run.summary()
    assert any(s in run.stderr() for s in ("No space left", "File too large")), run.stderr()
    assert summary["failed"] == ["rows"] and set(summary["skipped"]) == {"teacher_answers", "adapter", "report"}, summary
    assert rows_file.read_bytes() == before  # the last good copy, whole
    assert not [p for p in rows_file.parent.iterdir() if ".tmp-" in p.name]  # no temporary left behind
    state = world.state()
    assert state["in_progress"] == [] and state["slots"] == {} and state["stale_successes"] == [], state
    assert "rows" in state["out_of_date"]  # the source changed: not fresh until a run succeeds
    world.timings.append({"fault": "full disk as rows is written (" + ("tmpfs" if filler else "RLIMIT_FSIZE") + ")",
                          "failed_run_s": round(run.seconds, 1)})

    if filler:
        filler.unlink()  # space is back
    assert_whole(world, Run(world), "full disk", redone={"rows", "teacher_answers", "adapter", "report"})


def test_truncated_parquet_and_a_corrupt_teacher_cache_are_rebuilt_and_the_adapter_reused(world):
    built(world)
    stored = world.storage / "assets" / "teacher_answers" / "a.parquet"
    stored.write_bytes(stored.read_bytes()[:100])  # cut short (a copy that ran out of space, a crash elsewhere)
    cache = world.storage / "teacher_cache.sqlite"
    with open(cache, "r+b") as handle:
        handle.write(b"\x5a" * 4096)
    adapters = sorted((world.storage / "adapters" / "sft").iterdir())
    assert "teacher_answers[a]" in world.state()["out_of_date"]  # unreadable: never taken for fresh

    summary = assert_whole(world, Run(world), "truncated Parquet + corrupt teacher cache",
                           redone={"teacher_answers", "adapter", "report"})
    assert "rows" in summary["reused"]
    assert list(world.storage.glob("teacher_cache.sqlite.corrupt-*"))  # set aside, a fresh cache started
    # The same answers again, so the same content-addressed adapter folder, reused: nothing trained.
    assert sorted((world.storage / "adapters" / "sft").iterdir()) == adapters
