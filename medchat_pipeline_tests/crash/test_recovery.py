"""Runs whose process is gone are recovered; a run blocked on a pool waits without spinning and stops
on the first Ctrl-C. Real processes against one real (SQLite) instance with the project's dagster.yaml."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import psutil
import pytest
from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter

from medchat_pipeline.config import project_root
from medchat_pipeline.defs.run_recovery import LocalRunLauncher, recover_abandoned_runs, slots_held


@pytest.fixture
def dagster_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((project_root() / "dagster.yaml").read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def _start(mode: str, tmp_path: Path, name: str, sleep: float) -> tuple[subprocess.Popen, Path]:
    started = tmp_path / f"{name}.started"
    env = {
        **os.environ,
        "POOL_GRAPH_STARTED": str(started),
        "POOL_GRAPH_SLEEP": str(sleep),
        "POOL_GRAPH_STORAGE": str(tmp_path / "storage"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "medchat_pipeline_tests.crash.pool_graph", mode],
        env=env, cwd=project_root(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    return process, started


def _wait_for(predicate, timeout: float = 120.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _cpu_seconds_over(process: subprocess.Popen, seconds: float) -> float:
    proc = psutil.Process(process.pid)
    before = sum(proc.cpu_times()[:2])
    time.sleep(seconds)
    return sum(proc.cpu_times()[:2]) - before


def test_a_killed_run_is_marked_failed_and_its_pool_slot_freed(dagster_home, tmp_path):
    holder, started = _start("run", tmp_path, "holder", sleep=600)
    _wait_for(started.exists, what="the pooled step to start")
    with dg.DagsterInstance.get() as instance:
        assert any("gpu" in pools for pools in slots_held(instance).values())
        holder.kill()  # kill -9: no cleanup, the run stays STARTED holding the only gpu slot
        holder.wait()
        [stuck] = instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED]))
        # The daemon's run monitoring (through the launcher dagster.yaml configures) sees the same thing.
        assert isinstance(instance.run_launcher, LocalRunLauncher)
        health = instance.run_launcher.check_run_worker_health(stuck.dagster_run)
        assert health.status.value == "FAILED" and "is gone" in health.msg
        recovered = recover_abandoned_runs(instance)
        assert [(r.run_id, r.freed_slots) for r in recovered] == [(stuck.dagster_run.run_id, {"gpu": 1})]
        assert "is gone" in recovered[0].reason
        assert instance.get_run_by_id(stuck.dagster_run.run_id).status == DagsterRunStatus.FAILURE
        assert slots_held(instance) == {}
        assert recover_abandoned_runs(instance) == []  # idempotent
    # The next run goes straight through.
    follower, _ = _start("run", tmp_path, "follower", sleep=0)
    out, _ = follower.communicate(timeout=300)
    assert follower.returncode == 0, out


def test_a_run_blocked_on_a_pool_says_why_sleeps_and_stops_on_the_first_ctrl_c(dagster_home, tmp_path):
    holder, started = _start("run", tmp_path, "holder", sleep=600)
    _wait_for(started.exists, what="the pooled step to start")
    waiter, waiter_started = _start("run", tmp_path, "waiter", sleep=0)
    lines: list[str] = []
    try:
        while not any("Held by" in line for line in lines):
            line = waiter.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines) + waiter.stdout.readline() + waiter.stdout.readline()
        assert "waiting for pool gpu (limit 1)" in text
        assert f"pid {holder.pid}" in text and "dagster instance concurrency set gpu 2" in text
        assert _cpu_seconds_over(waiter, 3.0) < 0.6  # asleep, not spinning
        waiter.send_signal(signal.SIGINT)  # one Ctrl-C, no second one: it must stop on this one
        # 6 s here when idle; the bound is generous because it timed out at 30 s at load average 12
        out, _ = waiter.communicate(timeout=90)
        assert waiter.returncode == 130 and "interrupted" in out
        assert not waiter_started.exists()
    finally:
        holder.kill()
        waiter.kill()


def test_inside_a_run_dagsters_own_pool_wait_sleeps_and_honours_sigterm(dagster_home, tmp_path):
    holder, started = _start("run", tmp_path, "holder", sleep=600)
    _wait_for(started.exists, what="the pooled step to start")
    blocked, blocked_started = _start("direct", tmp_path, "blocked", sleep=0)
    try:
        with dg.DagsterInstance.get() as instance:
            _wait_for(lambda: len(slots_held(instance)) == 2, what="the second run to queue for the slot")
        assert _cpu_seconds_over(blocked, 3.0) < 0.6
        blocked.send_signal(signal.SIGTERM)
        out, _ = blocked.communicate(timeout=30)
        assert blocked.returncode == 130 and "interrupted" in out, out
        assert not blocked_started.exists()
        with dg.DagsterInstance.get() as instance:
            assert len(slots_held(instance)) == 1  # the interrupted run left no queued claim behind
    finally:
        holder.kill()
        blocked.kill()


def test_the_first_ctrl_c_in_a_step_stops_the_run_frees_the_slot_and_launches_nothing_more(dagster_home, tmp_path):
    running, started = _start("run", tmp_path, "running", sleep=600)
    _wait_for(started.exists, what="the pooled step to start")
    running.send_signal(signal.SIGINT)
    out, _ = running.communicate(timeout=60)
    assert running.returncode == 130 and "interrupted" in out, out
    assert "[2/2]" not in out  # after_gpu's stage was never launched
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED])) == []
        assert slots_held(instance) == {}
