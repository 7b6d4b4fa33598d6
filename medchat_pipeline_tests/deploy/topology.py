"""The compose topology (code server, webserver, daemon) started as processes against a real PostgreSQL
server, in docker-compose.yml's order: the code server first, until its compose healthcheck passes,
then the webserver and the daemon. Talks to it the way a user does: GraphQL over HTTP, through
dagster-graphql's client where it has the call.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from medchat_pipeline_tests.deploy.compose import (
    ROOT,
    ComposeService,
    LocalMapping,
    RunningService,
    install_dagster_home,
    map_service,
    read_compose,
    service_definitions,
    start_service,
    stop_service,
)
from medchat_pipeline_tests.deploy.postgres import PostgresServer, free_port

LOCATION = "medchat_pipeline"


class TopologyError(RuntimeError):
    pass


@dataclass
class ComposeTopology:
    """A running topology. `env` is the environment the Dagster processes share (a DagsterInstance for
    this topology: `with topology.instance() as instance`)."""

    postgres: PostgresServer
    database: str
    dagster_home: Path
    storage_dir: Path
    webserver_port: int
    code_server_port: int
    services: dict[str, RunningService]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.webserver_port}"

    @property
    def env(self) -> dict[str, str]:
        return self.services["daemon"].service.local_env

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
        response = httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=timeout)
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise TopologyError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def client(self):
        from dagster_graphql import DagsterGraphQLClient

        return DagsterGraphQLClient("127.0.0.1", port_number=self.webserver_port, timeout=60)

    @contextmanager
    def instance(self):
        """The topology's DagsterInstance (Postgres storage), loaded from its DAGSTER_HOME."""
        import dagster as dg

        keys = [key for key in self.env if key.startswith("DAGSTER_")]
        saved = {key: os.environ.get(key) for key in keys}
        os.environ.update({key: self.env[key] for key in keys})
        try:
            with dg.DagsterInstance.from_config(str(self.dagster_home)) as instance:
                yield instance
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{running.log_tail()}" for name, running in self.services.items())

    def check_alive(self) -> None:
        for name, running in self.services.items():
            if running.process.poll() is not None:
                raise TopologyError(f"{name} exited with {running.process.returncode}\n{self.logs()}")

    def wait_for(self, what: str, predicate, timeout: float, interval: float = 1.0):
        """Poll predicate() until it returns something truthy; fail with the services' logs."""
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                found = predicate()
                if found:
                    return found
            except httpx.HTTPError as exc:  # not listening yet; anything else is a real failure
                last_error = exc
            time.sleep(interval)
        raise TopologyError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last_error})\n{self.logs()}")

    def wait_for_run(self, run_id: str, timeout: float = 300) -> str:
        """Wait until a run ends; returns its final status (SUCCESS, FAILURE or CANCELED)."""
        query = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"

        def finished():
            status = self.graphql(query, {"id": run_id})["runOrError"].get("status")
            return status if status in ("SUCCESS", "FAILURE", "CANCELED") else None

        return self.wait_for(f"run {run_id}", finished, timeout)


WORKSPACE_QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } }
} } } }
"""

DAEMON_HEALTH_QUERY = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"


def _location_loaded(topology: ComposeTopology) -> bool:
    entries = topology.graphql(WORKSPACE_QUERY)["workspaceOrError"]["locationEntries"]
    for entry in entries:
        if entry["name"] == LOCATION and entry["loadStatus"] == "LOADED":
            if entry["locationOrLoadError"]["__typename"] == "PythonError":
                raise TopologyError(f"code location failed to load: {entry['locationOrLoadError']['message']}")
            return True
    return False


def _daemons_healthy(topology: ComposeTopology) -> bool:
    statuses = topology.graphql(DAEMON_HEALTH_QUERY)["instance"]["daemonHealth"]["allDaemonStatuses"]
    required = [status for status in statuses if status["required"]]
    return bool(required) and all(status["healthy"] for status in required)


def healthcheck_argv(service: str, port: int) -> list[str]:
    """The service's compose healthcheck command, pointed at the local port."""
    test = read_compose()["services"][service]["healthcheck"]["test"]
    argv = list(test[1:]) if test[0] == "CMD" else ["sh", "-c", test[1]]
    if "-p" in argv:
        argv[argv.index("-p") + 1] = str(port)
    return argv


def _code_server_healthy(argv: list[str], env: dict[str, str], running: RunningService) -> bool:
    # A definitions import error leaves the server up and unhealthy for good: say so now, not at the timeout.
    if "Error while importing code" in running.log_tail(200_000):
        raise TopologyError(f"the code server could not load the definitions:\n{running.log_tail()}")
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(argv, env=env, capture_output=True, timeout=60).returncode == 0


@contextmanager
def run_compose_topology(
    postgres: PostgresServer,
    database: str,
    extra_env: dict[str, str] | None = None,
    workdir: Path | None = None,
    startup_timeout: float = 240,
) -> Iterator[ComposeTopology]:
    """Start code server, webserver and daemon with docker-compose.yml's commands and environment on
    `database` of `postgres` (created fresh), stop them (process groups) on exit.

    extra_env: variables set on the host side of compose interpolation (e.g. MEDCHAT_PROFILE, read as
    ${MEDCHAT_PROFILE:-demo}) and, for names the services do not set, added to all three services
    (e.g. MEDCHAT_CONFIG_DIR for a test profile).
    """
    extra_env = dict(extra_env or {})
    postgres.create_database(database)
    workdir = Path(workdir or tempfile.mkdtemp(prefix="medchat-compose-"))
    dagster_home, storage_dir, log_dir = workdir / "dagster_home", workdir / "storage", workdir / "logs"
    for folder in (dagster_home, storage_dir, log_dir):
        folder.mkdir(parents=True, exist_ok=True)
    install_dagster_home(dagster_home)

    code_port, webserver_port = free_port(), free_port()
    host_env = {**os.environ, "DAGSTER_POSTGRES_PASSWORD": postgres.password, **extra_env}
    mapping = LocalMapping(
        ports={"code": code_port, "webserver": webserver_port},
        env={**postgres.dagster_env(database), "DAGSTER_CODE_SERVER_HOST": "127.0.0.1",
             "DAGSTER_CODE_SERVER_PORT": str(code_port)},
        folders={"/opt/dagster/home": str(dagster_home), "/opt/medchat/storage": str(storage_dir), "/opt/medchat": str(ROOT)},
    )
    services: dict[str, ComposeService] = {}
    for name, service in service_definitions(host_env).items():
        service = map_service(service, mapping)
        for key, value in extra_env.items():
            service.local_env.setdefault(key, value)
        services[name] = service

    running: dict[str, RunningService] = {}
    topology = ComposeTopology(postgres, database, dagster_home, storage_dir, webserver_port, code_port, running)
    try:
        running["code"] = start_service(services["code"], log_dir)
        health = healthcheck_argv("code", code_port)
        topology.wait_for(
            "the code server's healthcheck",
            lambda: _code_server_healthy(health, services["code"].local_env, running["code"]),
            startup_timeout,
            interval=2,
        )
        running["webserver"] = start_service(services["webserver"], log_dir)
        running["daemon"] = start_service(services["daemon"], log_dir)
        topology.wait_for("the code location in the webserver", lambda: _location_loaded(topology), startup_timeout)
        topology.wait_for("healthy daemons", lambda: _daemons_healthy(topology), startup_timeout, interval=2)
        yield topology
    finally:
        for name in ("daemon", "webserver", "code"):
            if name in running:
                stop_service(running[name])
