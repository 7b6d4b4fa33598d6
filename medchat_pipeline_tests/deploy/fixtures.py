"""Fixtures for the Postgres-backed deployment: a real PostgreSQL server and the compose topology
(code server, webserver, daemon) running as processes against it. A pytest plugin, registered once in
medchat_pipeline_tests/conftest.py (`pytest_plugins`), so every test directory can use them (e.g. the
change-driven rebuilds of e2e/ with the daemon running):

    def test_x(compose_topology):                      # demo profile, fresh database
        topology.graphql(...), topology.client(), topology.wait_for_run(run_id), topology.instance()

    def test_y(start_compose_topology):                # your own environment / database
        topology = start_compose_topology(database="rebuild", extra_env={"MEDCHAT_PROFILE": "demo"})
"""

from __future__ import annotations

import os
import re

import pytest

from medchat_pipeline_tests.deploy.postgres import PostgresCluster, PostgresServer, find_pg_bindir
from medchat_pipeline_tests.deploy.topology import ComposeTopology, run_compose_topology


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """One real PostgreSQL server for the session (initdb into a temp folder, a free loopback port).
    Skips when the binaries are absent, except under CI=true (.ci/run installs them), where it fails."""
    bindir = find_pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found; apt-get install postgresql or set MEDCHAT_PG_BINDIR"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with PostgresCluster(bindir) as server:
        yield server


@pytest.fixture
def start_compose_topology(postgres_server, tmp_path_factory, request):
    """A factory: start_compose_topology(database=None, extra_env=None) -> ComposeTopology, started now
    and stopped at the end of the test. Each call gets a fresh database (default: named after the test)."""
    stack = []

    def start(database: str | None = None, extra_env: dict[str, str] | None = None) -> ComposeTopology:
        name = database or re.sub(r"\W+", "_", request.node.name).lower()[:40] + f"_{len(stack)}"
        context = run_compose_topology(
            postgres_server, name, extra_env=extra_env, workdir=tmp_path_factory.mktemp("compose")
        )
        topology = context.__enter__()
        stack.append(context)
        return topology

    yield start
    while stack:
        stack.pop().__exit__(None, None, None)


@pytest.fixture
def compose_topology(start_compose_topology) -> ComposeTopology:
    """The compose topology on the demo profile and a fresh database."""
    return start_compose_topology()
