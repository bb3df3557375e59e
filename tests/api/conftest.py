from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from greenapp.settings import Settings
from greenapp.store.factors.build import BuildResult
from greenapp.web.app import create_app
from greenapp.web.auth import make_token

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
Client = TestClient[Litestar]
AsUser = Callable[[str], dict[str, str]]


@pytest.fixture
def settings(tmp_path: Path, built_factors: BuildResult, database_url: str | None) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        factors_db=built_factors.path,
        db=tmp_path / "greenapp.duckdb",
        jwt_secret="a-test-secret-that-is-long-enough-for-hs256",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[Client]:
    with TestClient(create_app(settings, clock=lambda: NOW)) as test_client:
        yield test_client


@pytest.fixture
def as_user(settings: Settings) -> AsUser:
    def headers(user_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(settings, user_id)}"}

    return headers


def problem(response: httpx.Response, status: int) -> dict[str, object]:
    """Assert ``response`` is RFC 9457 problem+json with ``status`` and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert str(body["type"]).startswith("/problems/")
    assert body["detail"]
    return body
