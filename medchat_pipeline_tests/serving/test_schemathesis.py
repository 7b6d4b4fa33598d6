"""Property-based fuzzing of the running server against its own OpenAPI spec (schemathesis): valid and
invalid requests for every operation; never a 5xx, every status and body as documented, every
response with a request id.

Driven through schemathesis' strategies and hypothesis directly: its lazy pytest fixture loader
does not run under pytest 9.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def test_every_operation_answers_as_documented(running):
    schema = schemathesis.openapi.from_url(f"{running.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "POST /v1/chat/completions", "GET /v1/models", "GET /v1/models/{model_id}", "GET /healthz", "GET /readyz",
        "GET /metrics",
    }
    statuses: set[int] = set()
    for operation in operations:
        fuzz(operation, GenerationMode.POSITIVE, CHECKS, statuses)
        if len(operation.body):  # a body to get wrong (any string is a valid model id in a path)
            fuzz(operation, GenerationMode.NEGATIVE, [*CHECKS, negative_data_rejection], statuses)
    assert {200, 400, 404} <= statuses


def fuzz(operation, mode: GenerationMode, checks: list, statuses: set[int]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        response = case.call_and_validate(checks=checks, timeout=120)
        assert response.headers.get("x-request-id"), response.headers
        statuses.add(response.status_code)

    answers_as_documented()
