"""Every operation against missing, expired, tampered and other people's credentials."""

import base64
import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from greenapp.settings import Settings
from greenapp.web.auth import API_AUDIENCE
from tests.api.conftest import TODAY, AsUser, Client, problem
from tests.api.test_challenges import challenge as challenge_body
from tests.api.test_giving import donate, new_project, partner_key, walker

PUBLIC = {"/healthz", "/api/v1/factors", "/api/v1/projects", "/api/v1/projects/{project_id}"}


def _operations(client: Client) -> list[tuple[str, str]]:
    schema = client.get("/schema/openapi.json").json()
    return [(m.upper(), p) for p, item in schema["paths"].items() for m in item
            if m in ("get", "put", "post", "delete")]  # fmt: skip


@pytest.fixture
def victim(client: Client, as_user: AsUser) -> dict[str, Any]:
    key = partner_key(client, "Victim Trust")
    project_id, sponsor_id = new_project(client, key)
    headers = walker(client, as_user, "victim", steps=7777)
    donation = donate(client, headers, project_id).json()
    team = client.post("/api/v1/teams", json={"name": "Victims", "kind": "family"},
                       headers=headers).json()  # fmt: skip
    challenge = client.post("/api/v1/partner/challenges", json=challenge_body(team["invite_code"]),
                            headers={**key, "Idempotency-Key": "v"}).json()  # fmt: skip
    yesterday = TODAY - timedelta(days=1)
    client.put(f"/api/v1/me/steps/{yesterday}", json={"steps": 7777, "device_distance_m": 77_777},
               headers=headers)  # fmt: skip
    appealed = client.post(
        "/api/v1/me/appeals",
        headers=headers,
        json={"date": str(yesterday), "reason": "the victim's own words"},
    )
    return {"key": key, "project_id": project_id, "sponsor_id": sponsor_id,
            "donation_id": donation["donation_id"], "headers": headers,
            "team_id": team["team_id"], "challenge_id": challenge["challenge_id"],
            "appeal_id": appealed.json()["appeal_id"]}  # fmt: skip


def _url(path: str, v: dict[str, Any]) -> str:
    values = {
        "project_id": v["project_id"],
        "sponsor_id": v["sponsor_id"],
        "donation_id": v["donation_id"],
        "day": str(TODAY),
        "key_id": "000000000000",
        "team_id": v["team_id"],
        "challenge_id": v["challenge_id"],
        "appeal_id": v["appeal_id"],
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


PAYMENT = {"amount_minor": 1, "currency": "CNY", "reference": "R-1", "paid_on": str(TODAY)}
# Bodies that would be accepted, so that a refusal is about who asks, not about the body.
BODIES: dict[str, dict[str, Any]] = {
    "/steps/": {"steps": 1},
    "/sponsors/": PAYMENT,
    "/challenges/": {**PAYMENT, "project_id": "pj_000000000000"},
    "/confirmations": {"item": "meals", "quantity": 1, "amount_minor": 1, "currency": "CNY",
                       "delivered_on": str(TODAY)},
}  # fmt: skip


def _call(client: Client, method: str, url: str, headers: dict[str, str]) -> Any:
    body = next((b for part, b in BODIES.items() if part in url and "fundings" not in url), {})
    return client.request(
        method, url, headers={**headers, "Idempotency-Key": "authorisation"}, json=body
    )


def _bad_tokens(settings_secret: str) -> dict[str, dict[str, str]]:
    past = datetime.now(UTC) - timedelta(hours=1)
    expired = jwt.encode({"sub": "victim", "exp": past, "aud": API_AUDIENCE}, settings_secret,
                         algorithm="HS256")  # fmt: skip
    good = jwt.encode({"sub": "someone", "exp": past + timedelta(days=2), "aud": API_AUDIENCE},
                      settings_secret, algorithm="HS256")  # fmt: skip
    head, _, signature = good.split(".")
    claims = json.dumps({"sub": "victim", "aud": API_AUDIENCE, "exp": 4102444800})
    forged = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    wrong_key = jwt.encode({"sub": "victim", "exp": past + timedelta(days=2),
                            "aud": API_AUDIENCE}, "x" * 40, algorithm="HS256")  # fmt: skip
    return {
        "none": {},
        "expired": {"Authorization": f"Bearer {expired}"},
        "tampered": {"Authorization": f"Bearer {head}.{forged}.{signature}"},
        "wrong key": {"Authorization": f"Bearer {wrong_key}"},
        "garbage partner key": {"X-API-Key": "gak_000000000000_" + "A" * 43},
    }


def test_without_valid_credentials_nothing_but_public_reads_answers(
    client: Client, victim: dict[str, Any], settings: Any
) -> None:
    operations = _operations(client)
    assert len(operations) >= 15
    for label, headers in _bad_tokens(settings.jwt_secret).items():
        for method, path in operations:
            if path in PUBLIC:
                continue
            response = _call(client, method, _url(path, victim), headers)
            assert response.status_code == 401, (label, method, path, response.text)
            assert "7777" not in response.text
            assert victim["donation_id"] not in response.text


def test_another_person_sees_nothing_of_the_victim(
    client: Client, victim: dict[str, Any], as_user: AsUser
) -> None:
    intruder = as_user("intruder")
    for method, path in _operations(client):
        if not path.startswith(("/api/v1/me", "/api/v1/teams")) and "donation_id" not in path:
            continue
        if method == "DELETE":
            continue
        response = _call(client, method, _url(path, victim), intruder)
        assert response.status_code in (200, 201, 400, 404, 422), (method, path, response.text)
        assert "7777" not in response.text, (method, path)
        assert "victim" not in response.text, (method, path)
    mine = client.get("/api/v1/me/export", headers=victim["headers"]).json()
    assert [d["steps"] for d in mine["days"]] == [7777, 7777]
    assert [a["appeal_id"] for a in mine["appeals"]] == [victim["appeal_id"]]


def test_another_partner_s_key_opens_nothing_of_the_victim_s(
    client: Client, victim: dict[str, Any]
) -> None:
    other = partner_key(client, "Other Trust")
    for method, path in _operations(client):
        if not path.startswith("/api/v1/partner") or path == "/api/v1/partner/keys":
            continue
        response = _call(client, method, _url(path, victim), other)
        if "{" in path:
            assert response.status_code in (400, 404), (method, path, response.text)
        assert victim["project_id"] not in response.text, (method, path)
        assert victim["sponsor_id"] not in response.text, (method, path)
        assert victim["challenge_id"] not in response.text, (method, path)


def test_a_remembered_token_is_still_refused_once_it_expires(
    client: Client, settings: Settings
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=2)
    token = jwt.encode({"sub": "brief", "exp": soon, "iat": datetime.now(UTC), "aud": API_AUDIENCE},
                       settings.token_secret(), algorithm="HS256")  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me/profile", headers=headers).status_code == 200
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    problem(client.get("/api/v1/me/profile", headers=headers), 401)


def test_a_remembered_token_with_one_byte_changed_is_verified_afresh(
    client: Client, as_user: AsUser
) -> None:
    headers = as_user("careful")
    assert client.get("/api/v1/me/profile", headers=headers).status_code == 200
    token = headers["Authorization"].removeprefix("Bearer ")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    problem(client.get("/api/v1/me/profile", headers={"Authorization": f"Bearer {flipped}"}), 401)


def test_a_partner_key_without_the_reviewer_role_reviews_nothing(
    client: Client, victim: dict[str, Any]
) -> None:
    reviewing = [(m, p) for m, p in _operations(client) if p.startswith("/api/v1/review")]
    assert len(reviewing) == 2
    for key in (victim["key"], partner_key(client, "Other Trust")):
        for method, path in reviewing:
            response = _call(client, method, _url(path, victim), key)
            assert response.status_code == 403, (method, path, response.text)
            assert "victim" not in response.text
    appeals = client.get("/api/v1/me/appeals", headers=victim["headers"]).json()
    assert [a["status"] for a in appeals] == ["pending"]
