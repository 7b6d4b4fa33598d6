"""docker-compose.yml, the Dockerfile and docker/*.yaml describe one deployment, and that deployment works:
the compose topology, run as processes on a real PostgreSQL server, serves the code location, queues a
run that the daemon hands to the code server, and keeps schedules and sensors in Postgres."""

from __future__ import annotations

import tomllib

import dagster as dg
import pytest
import yaml

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


@pytest.mark.slow
def test_compose_topology_serves_queues_and_runs_on_postgres(compose_topology):
    topology = compose_topology

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
    with topology.instance() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        states = {state.name: state.status.value for state in instance.all_instigator_state()}
        assert all(states[s["name"]] == "STOPPED" for s in schedules + sensors), states

    # A run submitted through the webserver is queued, dequeued by the daemon, executed by the code server.
    step, partition = _cheapest_source_step(repository["assetNodes"])
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
