"""Fixtures for teacher-gateway tests: a started fake provider server per test."""

from __future__ import annotations

import pytest

from medchat_pipeline_tests.teachers.fake_provider_server import FakeProviderServer, start_fake_provider_server


@pytest.fixture
def fake_provider() -> FakeProviderServer:
    server = start_fake_provider_server()
    yield server
    server.stop()
