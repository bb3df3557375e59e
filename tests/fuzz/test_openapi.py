"""Schemathesis over every operation of the service's own OpenAPI schema, on a real server.

No 5xx, every answer matches the schema where the schema describes it, and every refusal is
RFC 9457 problem+json.
"""

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from greenapp.store.factors.build import BuildResult
from tests.e2e.conftest import Server


@pytest.fixture(scope="module")
def fuzzed(
    tmp_path_factory: pytest.TempPathFactory, built_factors: BuildResult
) -> Iterator[tuple[Server, dict[str, str]]]:
    server = Server(tmp_path_factory.mktemp("fuzz"), built_factors.path,
                    extra_env={"GREENAPP_RATE_LIMIT_PER_MINUTE": "1000000"})  # fmt: skip
    created = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "partner", "create", "Fuzz Trust",
         "--reviewer"],  # the review API is fuzzed too
        env=server.env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    server.start()
    headers = {
        "Authorization": f"Bearer {server.token('fuzzer')}",
        "X-API-Key": created.stdout.strip().splitlines()[-1],
    }
    yield server, headers
    server.stop()


def _check(case: Any, server: Server, headers: dict[str, str]) -> None:
    response = case.call(base_url=server.url, headers=headers)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", "")
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), response.text
        assert response.json()["detail"]


def test_every_operation(fuzzed: tuple[Server, dict[str, str]]) -> None:
    server, headers = fuzzed
    schema = schemathesis.openapi.from_url(f"{server.url}/schema/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 15
    calls: list[int] = []
    for operation in operations:

        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def fuzz(case: Any) -> None:
            calls.append(1)
            _check(case, server, headers)

        fuzz()
    assert len(calls) >= 5 * len(operations)
