"""A real server with a partner, for the reliability tests."""

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from greenapp.store.factors.build import BuildResult
from tests.e2e.conftest import Server


@pytest.fixture
def server(tmp_path: Path, built_factors: BuildResult) -> Iterator[tuple[Server, dict[str, str]]]:
    running = Server(tmp_path, built_factors.path)
    created = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "partner", "create", "Trust"],
        env=running.env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    running.start()
    key = {"X-API-Key": created.stdout.strip().splitlines()[-1]}
    yield running, key
    running.stop()


def make_project(server: Server, key: dict[str, str]) -> str:
    today = datetime.now(UTC).date()
    body = {"title": {"en": "P"}, "story": {"en": "S"}, "goal_kind": "steps",
            "goal_amount": 10**9, "starts_on": str(today - timedelta(days=40)),
            "ends_on": str(today + timedelta(days=5)), "min_steps": 0}  # fmt: skip
    project_id: str = httpx.post(
        f"{server.url}/api/v1/partner/projects", json=body, headers=key
    ).json()["project_id"]
    sponsor = httpx.post(f"{server.url}/api/v1/partner/projects/{project_id}/sponsors",
                         json={"name": "S", "currency": "CNY", "rate_minor_per_10k_steps": 7},
                         headers=key).json()  # fmt: skip
    httpx.post(f"{server.url}/api/v1/partner/sponsors/{sponsor['sponsor_id']}/fundings",
               json={"currency": "CNY", "amount_minor": 10**9},
               headers={**key, "Idempotency-Key": "b"})  # fmt: skip
    return project_id
