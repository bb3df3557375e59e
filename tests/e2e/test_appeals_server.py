"""Appeals against a real server: from a flagged upload to a donation of the accepted day."""

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from greenapp.store.factors.build import BuildResult
from tests.e2e.conftest import Server

# 12,000 steps that the phone says covered 100 km: no human step is 8 m long.
DOUBTED = {"steps": 12000, "device_distance_m": 100_000}


@dataclass(frozen=True)
class Desk:
    server: Server
    partner: dict[str, str]
    reviewer: dict[str, str]
    project_id: str

    def person(self, user: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.server.token(user)}"}
        return httpx.Client(base_url=self.server.url, headers=headers, timeout=30)

    def review(self) -> httpx.Client:
        return httpx.Client(base_url=self.server.url, headers=self.reviewer, timeout=30)


def _partner(server: Server, *args: str) -> dict[str, str]:
    created = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "partner", "create", *args],
        env=server.env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {"X-API-Key": created.stdout.strip().splitlines()[-1]}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, built_factors: BuildResult) -> Iterator[Desk]:
    server = Server(tmp_path_factory.mktemp("appeals"), built_factors.path)
    partner = _partner(server, "Green Trust")
    reviewer = _partner(server, "Review Desk", "--reviewer")
    server.start()
    try:
        yield Desk(server, partner, reviewer, _project(server, partner))
    finally:
        server.stop()


def _project(server: Server, key: dict[str, str]) -> str:
    today = datetime.now(UTC).date()
    project = {"title": {"en": "Clean air"}, "story": {"en": "Filters for schools."},
               "goal_kind": "steps", "goal_amount": 1_000_000,
               "starts_on": str(today - timedelta(days=10)),
               "ends_on": str(today + timedelta(days=10))}  # fmt: skip
    with httpx.Client(base_url=server.url, headers=key) as client:
        project_id: str = client.post("/api/v1/partner/projects", json=project).json()["project_id"]
        sponsor = client.post(f"/api/v1/partner/projects/{project_id}/sponsors",
                              json={"name": "Sponsor", "currency": "CNY",
                                    "rate_minor_per_10k_steps": 100}).json()  # fmt: skip
        funded = client.post(f"/api/v1/partner/sponsors/{sponsor['sponsor_id']}/fundings",
                             json={"currency": "CNY", "amount_minor": 100_000},
                             headers={"Idempotency-Key": "budget"})  # fmt: skip
        assert funded.status_code == 201
    return project_id


def _flagged(person: httpx.Client) -> str:
    """Today's flagged upload in UTC (the WORLD region's zone, the server's clock)."""
    person.put("/api/v1/me/profile", json={"region": "WORLD"})
    today = str(datetime.now(UTC).date())
    recorded = person.put(f"/api/v1/me/steps/{today}", json=DOUBTED).json()
    assert (recorded["status"], recorded["kg_co2e_avoided"]) == ("flagged", 0), recorded
    return today


def _donate(person: httpx.Client, project_id: str, day: str, key: str) -> Any:
    return person.post("/api/v1/donations", json={"project_id": project_id, "date": day},
                       headers={"Idempotency-Key": key})  # fmt: skip


def test_a_flagged_day_appealed_and_accepted_is_counted_and_donated(desk: Desk) -> None:
    with desk.person("appellant") as person, desk.review() as review:
        day = _flagged(person)
        refused = _donate(person, desk.project_id, day, "too-soon")
        assert refused.status_code == 422
        assert "flagged" in refused.json()["detail"]

        made = person.post("/api/v1/me/appeals", json={"date": day, "reason": "a charity walk"})
        assert made.status_code == 201, made.text
        appeal_id = made.json()["appeal_id"]
        pending = review.get("/api/v1/review/appeals", params={"status": "pending"}).json()
        seen = next(a for a in pending if a["appeal_id"] == appeal_id)
        assert seen["evidence"]["device_distance_m"] == 100_000
        assert seen["reason"] == "a charity walk"

        decided = review.post(
            f"/api/v1/review/appeals/{appeal_id}/decision",
            json={"outcome": "accepted", "reason": "the route is plausible"},
        )
        assert decided.status_code == 201, decided.text

        mine = person.get("/api/v1/me/appeals").json()
        assert [(a["status"], a["decision_reason"]) for a in mine] == [
            ("accepted", "the route is plausible")
        ]
        totals = person.get("/api/v1/me/footprint", params={"period": "day"}).json()["totals"]
        assert totals["steps"] == 12000
        assert totals["kg_co2e_avoided"] > 0

        given = _donate(person, desk.project_id, day, "after-acceptance")
        assert given.status_code == 201, given.text
        assert given.json()["steps"] == 12000
        assert given.json()["kg_co2e"] == pytest.approx(totals["kg_co2e_avoided"])
        assert given.json()["money"] == [{"currency": "CNY", "amount_minor": 120}]


def test_a_rejected_day_stays_flagged_and_cannot_be_donated(desk: Desk) -> None:
    with desk.person("turned-down") as person, desk.review() as review:
        day = _flagged(person)
        appeal_id = person.post(
            "/api/v1/me/appeals", json={"date": day, "reason": "I walked"}
        ).json()["appeal_id"]
        decided = review.post(
            f"/api/v1/review/appeals/{appeal_id}/decision",
            json={"outcome": "rejected", "reason": "the speed is a car's"},
        )
        assert decided.status_code == 201, decided.text
        before = httpx.get(f"{desk.server.url}/api/v1/projects/{desk.project_id}").json()
        refused = _donate(person, desk.project_id, day, "rejected")
        assert refused.status_code == 422
        assert "flagged" in refused.json()["detail"]
        after = httpx.get(f"{desk.server.url}/api/v1/projects/{desk.project_id}").json()
        assert after == before
        totals = person.get("/api/v1/me/footprint", params={"period": "day"}).json()["totals"]
        assert totals["kg_co2e_avoided"] == 0


def test_the_sponsor_s_own_key_cannot_review(desk: Desk) -> None:
    with httpx.Client(base_url=desk.server.url, headers=desk.partner) as sponsor:
        refused = sponsor.get("/api/v1/review/appeals")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
