"""Limits: body size and rate, each with a clear problem+json answer."""

from collections.abc import Iterator
from dataclasses import replace
from typing import cast

import jwt
import pytest
from litestar import Litestar, get
from litestar.testing import TestClient
from litestar.types import Scope

from greenapp.settings import Settings
from greenapp.web.app import create_app
from greenapp.web.limits import RateLimit, bucket_of
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


def test_the_rate_limit_starts_afresh_each_minute() -> None:
    @get("/ping", sync_to_thread=False)
    def ping() -> str:
        return "pong"

    now = [120.0]
    app = Litestar([ping], middleware=[RateLimit(2, clock=lambda: now[0])])
    with TestClient(app) as c:
        assert [c.get("/ping").status_code for _ in range(3)] == [200, 200, 429]
        assert c.get("/ping").headers["retry-after"] == "60"
        now[0] = 179.5
        assert c.get("/ping").status_code == 429
        now[0] = 180.0
        assert c.get("/ping").status_code == 200


def test_buckets_are_the_partner_key_then_the_token_subject_then_the_address() -> None:
    token = jwt.encode({"sub": "walker-1"}, "k" * 32, algorithm="HS256")
    key = "gak_0123456789ab_" + "s" * 43

    def scope(*headers: tuple[bytes, bytes]) -> Scope:
        return cast(Scope, {"headers": list(headers), "client": ("10.0.0.7", 5)})

    assert bucket_of(scope((b"x-api-key", key.encode()))).startswith("partner:")
    assert bucket_of(scope((b"authorization", f"Bearer {token}".encode()))) == "person:walker-1"
    assert bucket_of(scope((b"authorization", b"Bearer not.a.jwt"))) == "address:10.0.0.7"
    assert bucket_of(scope()) == "address:10.0.0.7"
