"""Limits: body size and rate, each with a clear problem+json answer."""

from collections.abc import Iterator
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from greenapp.settings import Settings
from greenapp.web.app import create_app
from tests.api.conftest import NOW, TODAY, AsUser, Client, problem


def test_a_body_over_64_kib_is_refused(client: Client, as_user: AsUser) -> None:
    huge = '{"steps": 1, "pad": "' + "x" * 70_000 + '"}'
    response = client.put(
        f"/api/v1/me/steps/{TODAY}",
        content=huge,
        headers={**as_user("big"), "content-type": "application/json"},
    )
    body = problem(response, 413)
    assert body["detail"]


@pytest.fixture
def strict(settings: Settings) -> Iterator[Client]:
    with TestClient(create_app(replace(settings, rate_limit_per_minute=5), clock=lambda: NOW)) as c:
        yield c


def test_each_person_has_their_own_rate_limit(strict: Client, as_user: AsUser) -> None:
    busy, calm = as_user("busy"), as_user("calm")
    codes = [strict.get("/api/v1/me/profile", headers=busy).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    refused = strict.get("/api/v1/me/profile", headers=busy)
    problem(refused, 429)
    assert refused.headers.get("retry-after") or refused.headers.get("ratelimit-reset")
    assert strict.get("/api/v1/me/profile", headers=calm).status_code == 200


def test_each_partner_key_has_its_own_rate_limit(strict: Client) -> None:
    from tests.api.test_giving import partner_key

    key = partner_key(strict)
    codes = [strict.get("/api/v1/partner/projects", headers=key).status_code for _ in range(6)]
    assert codes[-1] == 429
    assert strict.get("/healthz").status_code == 200
