"""docker-compose.yml, the Dockerfile and docker/*.yaml describe one deployment, and that deployment works:
the compose topology, run as processes on a real PostgreSQL server, serves the code location, queues a
run that the daemon hands to the code server, keeps schedules and sensors in Postgres, and rebuilds
what an edited source file made stale with no one launching anything (the daemon's sensors, the custom
automation condition evaluated on the code server, the runs' records in Postgres). The whole rebuild
chain down to the benchmark report is e2e/test_rebuild_on_source_change.py, on the local deployment."""

from __future__ import annotations

import shutil
import time
import tomllib
from pathlib import Path

import dagster as dg
import pytest
import yaml

from medchat_pipeline.config import configs_dir
from medchat_pipeline_tests.deploy.compose import (
    DAGSTER_SERVICES,
    ROOT,
    read_compose,
    read_dockerfile,
    service_definitions,
)

# What a container network provides differently from loopback processes; everything else must be equal.
MAPPED_ENV = {
    "DAGSTER_POSTGRES_HOST", "DAGSTER_POSTGRES_PORT", "DAGSTER_POSTGRES_DB", "DAGSTER_CODE_SERVER_HOST",
    "DAGSTER_CODE_SERVER_PORT", "DAGSTER_HOME", "MEDCHAT_STORAGE_DIR", "MEDCHAT_PROJECT_ROOT", "DAGSTER_COMPUTE_LOG_DIR",
}


def _env_names(config) -> set[str]:
    """Every {env: NAME} in a Dagster YAML config."""
    if isinstance(config, dict):
        if set(config) == {"env"}:
            return {config["env"]}
        return set().union(*(_env_names(value) for value in config.values()))
    if isinstance(config, list):
        return set().union(*(_env_names(value) for value in config)) if config else set()
    return set()


def test_compose_and_dockerfile_describe_one_deployment():
    compose = read_compose()
    dockerfile = read_dockerfile()
    services = service_definitions(host_env={})
    instance_config = yaml.safe_load((ROOT / "docker" / "dagster.yaml").read_text())
    workspace = yaml.safe_load((ROOT / "docker" / "workspace.yaml").read_text())

    # One image for the three Dagster services, holding the instance and workspace files they name.
    for name in DAGSTER_SERVICES:
        assert compose["services"][name]["build"] == ".", f"{name} must run the project's image"
    home = dockerfile["env"]["DAGSTER_HOME"]
    copied = {(source, destination.rstrip("/")) for sources, destination in dockerfile["copies"] for source in sources}
    assert {("docker/dagster.yaml", home), ("docker/workspace.yaml", home)} <= copied
    for name in ("webserver", "daemon"):
        argv = services[name].argv
        assert argv[argv.index("-w") + 1] == f"{home}/workspace.yaml"

    # Every variable the instance and workspace read is set for every service that loads them.
    needed = _env_names(instance_config) | _env_names(workspace)
    for name, service in services.items():
        missing = needed - set(service.env)
        assert not missing, f"{name} lacks {sorted(missing)}"

    # The code server listens where the workspace looks, and its healthcheck asks that port.
    code = services["code"]
    assert code.argv[:3] == ["dagster", "code-server", "start"]
    port = code.argv[code.argv.index("-p") + 1]
    assert code.env["DAGSTER_CODE_SERVER_PORT"] == port and code.env["DAGSTER_CODE_SERVER_HOST"] == "code"
    assert compose["services"]["code"]["healthcheck"]["test"][-1] == port

    # Postgres is created with the credentials the instance logs in with.
    postgres_env = compose["services"]["postgres"]["environment"]
    assert postgres_env["POSTGRES_USER"] == code.env["DAGSTER_POSTGRES_USER"]
    assert postgres_env["POSTGRES_DB"] == code.env["DAGSTER_POSTGRES_DB"]
    assert postgres_env["POSTGRES_PASSWORD"] == compose["x-dagster-env"]["DAGSTER_POSTGRES_PASSWORD"]
    assert code.env["DAGSTER_POSTGRES_HOST"] == "postgres"

    # The code server (which executes runs) and the webserver (which shows step logs) share the storage volume.
    storage = dockerfile["env"]["MEDCHAT_STORAGE_DIR"]
    assert dockerfile["env"]["DAGSTER_COMPUTE_LOG_DIR"].startswith(storage + "/")
    for name in DAGSTER_SERVICES:
        assert f"storage:{storage}" in compose["services"][name]["volumes"]
    # API keys reach the code server only.
    assert [name for name in DAGSTER_SERVICES if "env_file" in compose["services"][name]] == ["code"]

    # The image installs the project, whose dependencies carry the Postgres and Kubernetes integrations.
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {dep.split("==")[0]: dep.split("==")[1] for dep in dependencies if "==" in dep}
    assert pins["dagster-postgres"] == pins["dagster-k8s"]
    assert pins["dagster"] == pins["dagster-webserver"] == pins["dagster-graphql"] == pins["dagster-pipes"]


def test_instance_yaml_validates_against_dagster_schema():
    """docker/dagster.yaml passes Dagster's own instance schema (storage, queue, launcher, logs, pools)."""
    from dagster._core.instance.config import dagster_instance_config

    config, _ = dagster_instance_config(str(ROOT / "docker"), config_filename="dagster.yaml")
    assert config["storage"]["postgres"]["postgres_db"]["port"] == {"env": "DAGSTER_POSTGRES_PORT"}
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"


ASSETS_QUERY = """
{ repositoriesOrError { ... on RepositoryConnection { nodes {
    name location { name }
    schedules { name scheduleState { id status } }
    sensors { name sensorState { id status } }
    assetNodes { assetKey { path } opNames isMaterializable isPartitioned partitionKeys dependencyKeys { path } }
} } } }
"""

STOP_SENSOR = """
mutation($id: String!) { stopSensor(id: $id) {
    __typename ... on StopSensorMutationResult { instigationState { status } } ... on PythonError { message } } }
"""

STOP_SCHEDULE = """
mutation($id: String!) { stopRunningSchedule(id: $id) {
    __typename ... on ScheduleStateResult { scheduleState { status } } ... on PythonError { message } } }
"""

START_SENSOR = """
mutation($selector: SensorSelector!) { startSensor(sensorSelector: $selector) {
    __typename ... on Sensor { sensorState { status } } ... on PythonError { message } } }
"""

SENSOR_TICKS = """
query($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {
    ... on Sensor { sensorState { ticks(limit: 20) { status timestamp } } } } }
"""

RUN_EVENTS = """
query($id: ID!) { runOrError(runId: $id) { ... on Run { status
    eventConnection { events { __typename ... on MaterializationEvent { assetKey { path } } } } } } }
"""


def _cheapest_source_step(nodes: list[dict]) -> tuple[list[list[str]], str | None]:
    """The assets of one step that reads only the sources (no materializable upstream), MedQuAD's where
    there is one per source or partition: the cheapest real step. Returns (asset keys, partition)."""
    materializable = {tuple(node["assetKey"]["path"]) for node in nodes if node["isMaterializable"]}
    candidates = [
        node for node in nodes
        if node["isMaterializable"] and not any(tuple(dep["path"]) in materializable for dep in node["dependencyKeys"])
    ]
    assert candidates, "no materializable asset reads the sources directly"

    def medquad_first(node):
        return "medquad" not in "/".join(node["assetKey"]["path"]) and "medquad" not in node["partitionKeys"]

    node = min(candidates, key=lambda node: (medquad_first(node), node["assetKey"]["path"]))
    # A multi-asset step materializes all its outputs together: select its siblings too.
    step = [other["assetKey"]["path"] for other in nodes if other["isMaterializable"] and other["opNames"] == node["opNames"]]
    partition = None
    if node["isPartitioned"]:
        partition = "medquad" if "medquad" in node["partitionKeys"] else node["partitionKeys"][0]
    return step, partition


INTERVAL_S = 5  # both sensors' minimum interval here (the defaults are 60 s / 30 s)


@pytest.fixture
def medquad_copy_profile(tmp_path) -> Path:
    """The demo profile with MedQuAD (the cheapest step's source) read from a copy the test may edit."""
    profile = yaml.safe_load((configs_dir() / "demo.yaml").read_text())
    medquad = tmp_path / "medquad"
    shutil.copytree(ROOT / "medchat_pipeline" / "demo_data" / "medquad", medquad)
    profile["data"]["sources"]["medquad"]["paths"] = [str(medquad / "**" / "*.xml")]
    profile["automation"] = {"observe_interval_s": INTERVAL_S, "evaluate_interval_s": INTERVAL_S}
    path = tmp_path / "demo-medquad-copy.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    return path


@pytest.mark.slow
def test_compose_topology_serves_queues_runs_and_rebuilds_on_postgres(start_compose_topology, medquad_copy_profile):
    topology = start_compose_topology(extra_env={"MEDCHAT_PROFILE": str(medquad_copy_profile)})

    # The processes ran compose's commands and environment; only addresses and folders were mapped.
    for name, running in topology.services.items():
        service = running.service
        changed_env = {what.removeprefix("env ") for what in service.mapped if what.startswith("env ")}
        assert changed_env <= MAPPED_ENV, f"{name}: unexpected differences {changed_env - MAPPED_ENV}"
        mapped_values = {container for container, _local in service.mapped.values()}
        assert len(service.local_argv) == len(service.argv)
        assert all(a == b or a in mapped_values for a, b in zip(service.argv, service.local_argv, strict=True))

    # The webserver lists the code server's assets, schedules and sensors: the package's own definitions.
    from medchat_pipeline.definitions import defs

    repositories = topology.graphql(ASSETS_QUERY)["repositoriesOrError"]["nodes"]
    (repository,) = [repo for repo in repositories if repo["location"]["name"] == "medchat_pipeline"]
    served_assets = {"/".join(node["assetKey"]["path"]) for node in repository["assetNodes"]}
    expected_assets = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert served_assets == expected_assets
    assert {s["name"] for s in repository["schedules"]} == {s.name for s in defs.schedules or []}
    assert {s["name"] for s in repository["sensors"]} == {s.name for s in defs.sensors or []}
    assert repository["schedules"] and repository["sensors"]

    # Turning the running schedules and sensors off through the webserver is stored in Postgres, where the
    # daemon reads it (and leaves the queue to the run below).
    schedules = [s for s in repository["schedules"] if s["scheduleState"]["status"] == "RUNNING"]
    sensors = [s for s in repository["sensors"] if s["sensorState"]["status"] == "RUNNING"]
    assert schedules and sensors, "a schedule and a sensor run by default"
    for schedule in schedules:
        stopped = topology.graphql(STOP_SCHEDULE, {"id": schedule["scheduleState"]["id"]})
        assert stopped["stopRunningSchedule"]["scheduleState"]["status"] == "STOPPED", stopped
    for sensor in sensors:
        stopped = topology.graphql(STOP_SENSOR, {"id": sensor["sensorState"]["id"]})
        assert stopped["stopSensor"]["instigationState"]["status"] == "STOPPED", stopped
    # A sensor tick the daemon had already begun can write its state back after the stop (seen once at load
    # average 12: the observation sensor read DECLARED_IN_CODE again); a user would stop it again, so do we.
    deadline = time.monotonic() + 60
    with topology.instance() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        while True:
            states = {state.name: state.status.value for state in instance.all_instigator_state()}
            running_again = [s for s in sensors if states[s["name"]] != "STOPPED"]
            if not running_again or time.monotonic() > deadline:
                break
            for sensor in running_again:
                topology.graphql(STOP_SENSOR, {"id": sensor["sensorState"]["id"]})
            time.sleep(2)
        assert all(states[s["name"]] == "STOPPED" for s in schedules + sensors), states

    # The source observation sensor back on (it records data versions and launches no run), so the run
    # below reads an observed version of its source, as every run after `medchat run`'s first does.
    selector = {"repositoryLocationName": "medchat_pipeline", "repositoryName": repository["name"]}
    start_sensor(topology, {**selector, "sensorName": "source_observation_sensor"})
    step, partition = _cheapest_source_step(repository["assetNodes"])
    assert partition == "medquad" and ["source_qac"] in step, step
    observed = topology.wait_for("the first observation of raw_source[medquad]",
                                 lambda: _observed_version(topology, "medquad"), timeout=120)  # fmt: skip

    # A run submitted through the webserver is queued, dequeued by the daemon, executed by the code server.
    run_id = topology.client().submit_job_execution(
        "__ASSET_JOB", repository_location_name="medchat_pipeline", repository_name=repository["name"],
        asset_selection=step, tags={"dagster/partition": partition} if partition else None,
    )
    assert topology.wait_for_run(run_id, timeout=420) == "SUCCESS", topology.logs()
    events = topology.graphql(RUN_EVENTS, {"id": run_id})["runOrError"]["eventConnection"]["events"]
    kinds = [event["__typename"] for event in events]
    # Only the daemon's queued-run coordinator moves a run from QUEUED to STARTING.
    assert {"RunEnqueuedEvent", "RunStartingEvent", "RunStartEvent"} <= set(kinds), kinds
    assert kinds.index("RunEnqueuedEvent") < kinds.index("RunStartingEvent") < kinds.index("RunStartEvent"), kinds
    materialized = [e["assetKey"]["path"] for e in events if e["__typename"] == "MaterializationEvent"]
    assert sorted(materialized) == sorted(step)
    with topology.instance() as instance:
        for path in step:
            record = instance.get_latest_materialization_event(dg.AssetKey(path))
            assert record is not None and record.run_id == run_id
    # Step logs went to the shared storage volume the webserver reads them from.
    assert any((topology.storage_dir / "compute_logs").rglob("*.err")) or any(
        (topology.storage_dir / "compute_logs").rglob("*.out")
    )

    # Change-driven rebuild: with the automation sensor on, nothing is stale (the other sources' steps were
    # never built: missing is not stale), so no run starts; one edited MedQuAD file is observed and its step
    # is rebuilt once, by the daemon, from the new version; nothing else runs, nothing fails.
    automation = {**selector, "sensorName": "rebuild_stale_assets"}
    started_at = time.time()
    start_sensor(topology, automation)
    wait_for_ticks(topology, automation, after=started_at, count=2)
    assert runs_since(topology, started_at) == [], topology.logs()

    edited_at = time.time()
    medquad_file = sorted((medquad_copy_profile.parent / "medquad").rglob("*.xml"))[0]
    # Saved whole (temp file + rename), as editors save: the sensor must not hash a half-written file.
    edited = medquad_file.with_suffix(".tmp")
    edited.write_text(medquad_file.read_text().replace("</Answer>", " Ask a doctor when in doubt.</Answer>", 1))
    edited.replace(medquad_file)
    rebuilt = topology.wait_for("the daemon's rebuild of source_qac[medquad]",
                                lambda: runs_since(topology, edited_at), timeout=300, interval=2)  # fmt: skip
    assert topology.wait_for_run(rebuilt[0].run_id, timeout=300) == "SUCCESS", topology.logs()
    finished_at = time.time()
    wait_for_ticks(topology, automation, after=finished_at, count=2)
    runs = runs_since(topology, edited_at)
    described = [(r.run_id[:8], r.status.value, r.tags.get("dagster/partition"), sorted(k.to_user_string() for k in r.asset_selection or ())) for r in runs]
    assert [run.status.value for run in runs] == ["SUCCESS"], f"{described}\n{topology.logs()}"
    (run,) = runs
    assert run.tags.get("dagster/sensor_name") == "rebuild_stale_assets" and run.tags["dagster/partition"] == "medquad"
    assert sorted(key.path for key in run.asset_selection) == sorted(step)
    with topology.instance() as instance:
        latest = instance.get_latest_materialization_event(dg.AssetKey("source_qac"))
        new_version = _observed_version(topology, "medquad")
        assert new_version != observed
        assert latest.run_id == run.run_id
        assert latest.asset_materialization.metadata["source_data_version"].value == new_version
    print(f"postgres rebuild: edit -> source_qac[medquad] rebuilt in {finished_at - edited_at:.1f} s")


def start_sensor(topology, selector: dict) -> None:
    started = topology.graphql(START_SENSOR, {"selector": selector})["startSensor"]
    assert started.get("sensorState", {}).get("status") == "RUNNING", started


def wait_for_ticks(topology, selector: dict, after: float, count: int) -> None:
    """Wait until the daemon has finished `count` ticks of a sensor started after `after`."""

    def ticked():
        state = topology.graphql(SENSOR_TICKS, {"selector": selector})["sensorOrError"]["sensorState"]
        done = [t for t in state["ticks"] if t["timestamp"] > after and t["status"] in ("SUCCESS", "SKIPPED")]
        failed = [t for t in state["ticks"] if t["timestamp"] > after and t["status"] == "FAILURE"]
        assert not failed, f"{selector['sensorName']} failed a tick\n{topology.logs()}"
        return len(done) >= count

    topology.wait_for(f"{count} ticks of {selector['sensorName']}", ticked, timeout=30 * INTERVAL_S, interval=1)


def runs_since(topology, since: float) -> list[dg.DagsterRun]:
    from datetime import datetime, timezone

    with topology.instance() as instance:
        created_after = datetime.fromtimestamp(since, tz=timezone.utc)
        return instance.get_runs(filters=dg.RunsFilter(created_after=created_after))


def _observed_version(topology, source: str) -> str | None:
    with topology.instance() as instance:
        record = instance.get_latest_data_version_record(dg.AssetKey("raw_source"), is_source=True, partition_key=source)
        return record.asset_observation.tags.get("dagster/data_version") if record and record.asset_observation else None
