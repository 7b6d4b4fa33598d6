from __future__ import annotations

import os

import pytest

from medchat_pipeline_tests.e2e.demo_graph import DemoGraph, materialize_demo_graph


@pytest.fixture(scope="session")
def demo_graph(tmp_path_factory) -> DemoGraph:
    """The shrunk demo graph, materialized once (demo_graph.py); the rebuild test edits it afterwards."""
    return materialize_demo_graph(tmp_path_factory.mktemp("demo_graph"), dict(os.environ))
