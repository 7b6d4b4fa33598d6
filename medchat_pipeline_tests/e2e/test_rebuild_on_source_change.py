"""Change-driven rebuilds end to end: with a real `dagster-daemon` running, one edited source file is
observed and everything it made stale is rebuilt, each asset once, with no one launching anything,
up to a refreshed benchmark report, its weak areas and the promotion decision.

Two deployments, one body: a SQLite instance with `dagster-daemon run` (the local default), and the
compose topology (code server, webserver, daemon) on a real PostgreSQL server (deploy/fixtures.py).
CI runs the SQLite one; on Postgres the whole chain costs about as much again (1007 s at load 6-10 here), so
there CI checks the same machinery on one step (deploy/test_compose.py: an edited source file observed
by the daemon, its step rebuilt once by the automation sensor on the code server, nothing else run),
and this test's Postgres case runs when MEDCHAT_REBUILD_POSTGRES=1 (its figures are in RESULTS.md).
The demo profile is shrunk (demo_graph.py), and its medqa source reads a copy of the demo file that the
test edits. On SQLite the graph's first materialization is the session's `demo_graph`, which the main-job
test also reads (one `medchat run` for both; this test runs after it). The figures (time from the edit to the refreshed report, runs, rebuilt assets)
are printed as one JSON line and written to $MEDCHAT_REBUILD_RESULTS when set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest

from medchat_pipeline.config import project_root
from medchat_pipeline_tests.e2e.demo_graph import AUTOMATION_INTERVAL_S as INTERVAL_S
from medchat_pipeline_tests.e2e.demo_graph import DemoGraph, medchat, write_profile

# What one medqa edit must rebuild (per the issue), each once; other assets may follow when they read these.
MUST_REBUILD = {
    ("source_qac", "medqa"), ("merged_qac", None), ("augmented_qac", "medqa"), ("distilled_qac", "medqa"),
    ("training_mix", None), ("sft_lora_adapter", None), ("grpo_adapter", None), ("benchmark_report", None),
    ("weak_areas", None), ("serving_champion", None),
}  # fmt: skip
UNFINISHED = ("QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING")


@contextmanager
def sqlite_deployment(graph: DemoGraph):
    """The session's materialized demo graph (SQLite, pools of 1); `dagster-daemon run` starts on demand."""
    processes: list[subprocess.Popen] = []
    log_path = graph.home / "daemon.log"

    def start_automation() -> None:
        log = log_path.open("w")
        daemon = Path(sys.executable).with_name("dagster-daemon")
        processes.append(subprocess.Popen([str(daemon), "run", "-w", str(graph.home / "workspace.yaml")], env=graph.env,
                                          cwd=project_root(), stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True))  # fmt: skip

    def logs() -> str:
        return log_path.read_text(errors="replace")[-4000:] if log_path.exists() else ""

    try:
        yield graph.env, graph.home, start_automation, logs
    finally:
        for process in processes:
            stop_process_group(process)


@contextmanager
def postgres_deployment(start_topology, profile: Path):
    """The compose topology on Postgres, its sensors stopped until the graph is materialized once."""
    topology = start_topology(database="rebuild_e2e", extra_env={"MEDCHAT_PROFILE": str(profile)})
    sensors = topology.graphql(SENSORS_QUERY)["repositoriesOrError"]["nodes"][0]
    for sensor in sensors["sensors"]:
        if sensor["sensorState"]["status"] == "RUNNING":
            topology.graphql(STOP_SENSOR, {"id": sensor["sensorState"]["id"]})

    def start_automation() -> None:
        for sensor in sensors["sensors"]:
            selector = {"repositoryLocationName": sensors["location"]["name"], "repositoryName": sensors["name"],
                        "sensorName": sensor["name"]}  # fmt: skip
            started = topology.graphql(START_SENSOR, {"selector": selector})["startSensor"]
            assert started.get("sensorState", {}).get("status") == "RUNNING", started

    env = {**os.environ, **topology.env, "DAGSTER_HOME": str(topology.dagster_home), "MEDCHAT_PROFILE": str(profile),
           "MEDCHAT_STORAGE_DIR": str(topology.storage_dir)}  # fmt: skip
    yield env, topology.dagster_home, start_automation, topology.logs


SENSORS_QUERY = """
{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } sensors { name sensorState { id status } } } } } }
"""
STOP_SENSOR = "mutation($id: String!) { stopSensor(id: $id) { __typename } }"
START_SENSOR = """
mutation($selector: SensorSelector!) { startSensor(sensorSelector: $selector) {
    __typename ... on Sensor { sensorState { status } } ... on PythonError { message } } }
"""


def stop_process_group(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def edit_every_medqa_question(profile: Path) -> None:
    """One source file changes: every question gains a sentence, so its training rows change too."""
    medqa_file = next((profile.parent / "medqa").glob("*.jsonl"))
    records = [json.loads(line) for line in medqa_file.read_text().splitlines() if line.strip()]
    for record in records:
        record["question"] += " The patient asks for a clear answer."
    medqa_file.write_text("".join(json.dumps(r) + "\n" for r in records))


def materialized_since(instance: dg.DagsterInstance, since: float) -> Counter:
    counts: Counter = Counter()
    for key in instance.get_asset_keys():
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, after_timestamp=since), limit=1000)
        counts.update((key.to_user_string(), r.partition_key) for r in records.records)
    return counts


def wait_until_settled(env: dict, home: Path, since: float, logs, timeout: float) -> dict:
    """Poll until the promotion decision is written after `since`, no run is unfinished, and no new run was
    created for three automation intervals."""
    deadline, quiet_since, seen_runs = time.monotonic() + timeout, None, -1
    report_at = None
    while time.monotonic() < deadline:
        with instance_for(env, home) as instance:
            runs = instance.get_run_records(filters=dg.RunsFilter(created_after=_datetime(since)))
            done = materialized_since(instance, since)
            if report_at is None and done[("benchmark_report", None)]:
                [record] = instance.fetch_materializations(
                    dg.AssetRecordsFilter(asset_key=dg.AssetKey("benchmark_report"), after_timestamp=since), limit=1
                ).records
                report_at = record.timestamp
        unfinished = [r for r in runs if r.dagster_run.status.value in UNFINISHED]
        if done[("serving_champion", None)] and not unfinished:
            if len(runs) != seen_runs:
                seen_runs, quiet_since = len(runs), time.monotonic()
            elif time.monotonic() - quiet_since > 3 * INTERVAL_S + 5:
                return {"runs": runs, "materialized": done, "report_at": report_at}
        time.sleep(2)
    raise AssertionError(f"not settled after {timeout:.0f} s\n{logs()}")


@contextmanager
def instance_for(env: dict, home: Path):
    keys = [k for k in env if k.startswith("DAGSTER_")]
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: env[k] for k in keys})
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield instance
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _datetime(timestamp: float):
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


FULL_CHAIN_ON_POSTGRES = os.environ.get("MEDCHAT_REBUILD_POSTGRES") == "1"


@pytest.mark.slow
@pytest.mark.parametrize("backend", [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.skipif(not FULL_CHAIN_ON_POSTGRES, reason=(
        "the whole rebuild chain on Postgres runs with MEDCHAT_REBUILD_POSTGRES=1; CI checks the Postgres "
        "rebuild on one step in deploy/test_compose.py"))),
])  # fmt: skip
def test_one_changed_source_file_refreshes_the_report_with_no_one_launching_anything(backend, tmp_path, request):
    if backend == "postgres":  # the fixtures only for this case: it skips without PostgreSQL binaries
        profile = write_profile(tmp_path)
        deployment = postgres_deployment(request.getfixturevalue("start_compose_topology"), profile)
    else:  # the session's demo graph, already materialized once by `medchat run` (the main-job test reads it)
        graph = request.getfixturevalue("demo_graph")
        profile, deployment = graph.profile, sqlite_deployment(graph)
    with deployment as (env, home, start_automation, logs):
        first = graph.first_run if backend == "sqlite" else medchat("run", "--log-level", "WARNING", env=env)
        assert first.returncode == 0, first.stderr[-4000:]
        started_at = time.time()
        start_automation()
        time.sleep(4 * INTERVAL_S)  # the daemon's first ticks: nothing is stale, so nothing may run
        with instance_for(env, home) as instance:
            assert instance.get_run_records(filters=dg.RunsFilter(created_after=_datetime(started_at))) == [], logs()

        edited_at = time.time()
        edit_every_medqa_question(profile)
        settled = wait_until_settled(env, home, edited_at, logs, timeout=2400)

    runs, done = settled["runs"], settled["materialized"]
    failed = [r.dagster_run.run_id for r in runs if r.dagster_run.status.value != "SUCCESS"]
    assert failed == [], f"failed runs: {failed}\n{logs()}"
    assert MUST_REBUILD <= set(done), sorted(MUST_REBUILD - set(done))
    assert all(count == 1 for count in done.values()), {k: c for k, c in done.items() if c != 1}
    assert {p for _, p in done} <= {"medqa", None}, "a source partition other than medqa was rebuilt"
    figures = {
        "backend": backend,
        "edit_to_report_s": round(settled["report_at"] - edited_at, 1),
        "runs": len(runs),
        "failed_runs": len(failed),
        "rebuilt": sorted(f"{k}[{p}]" if p else k for k, p in done),
        "launched_by": sorted({r.dagster_run.tags.get("dagster/sensor_name", "?") for r in runs}),
    }
    print(json.dumps(figures))
    if os.environ.get("MEDCHAT_REBUILD_RESULTS"):
        with open(os.environ["MEDCHAT_REBUILD_RESULTS"], "a") as handle:
            handle.write(json.dumps(figures) + "\n")
