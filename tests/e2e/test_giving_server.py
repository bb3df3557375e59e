"""Donations against a real server: many at once never overspend a budget, nor a team
challenge's cap, and its bonus is paid once."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from greenapp.store.factors.build import BuildResult
from tests.e2e.conftest import Server

DONORS = 30
RATE = 100  # fen per 10,000 steps
BUDGET = 1000  # fen: enough for about eight donations of 12,000 steps


@pytest.fixture(scope="module")
def giving(
    tmp_path_factory: pytest.TempPathFactory, built_factors: BuildResult
) -> Iterator[tuple[Server, dict[str, str]]]:
    server = Server(tmp_path_factory.mktemp("giving"), built_factors.path)
    created = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "partner", "create", "Green Trust"],
        env=server.env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("gak_")
    server.start()
    yield server, {"X-API-Key": key}
    server.stop()


def _project(server: Server, key: dict[str, str], budget: int = BUDGET) -> str:
    today = datetime.now(UTC).date()
    project = {
        "title": {"en": "Clean air"},
        "story": {"en": "Filters for schools."},
        "goal_kind": "steps",
        "goal_amount": 1_000_000,
        "starts_on": str(today - timedelta(days=1)),
        "ends_on": str(today + timedelta(days=10)),
    }
    project_id: str = httpx.post(
        f"{server.url}/api/v1/partner/projects", json=project, headers=key
    ).json()["project_id"]
    sponsor = httpx.post(
        f"{server.url}/api/v1/partner/projects/{project_id}/sponsors",
        json={"name": "Sponsor", "currency": "CNY", "rate_minor_per_10k_steps": RATE},
        headers=key,
    ).json()
    funded = httpx.post(
        f"{server.url}/api/v1/partner/sponsors/{sponsor['sponsor_id']}/fundings",
        json={"currency": "CNY", "amount_minor": budget},
        headers={**key, "Idempotency-Key": "budget"},
    )
    assert funded.status_code == 201
    return project_id


def _ready_donor(server: Server, user: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {server.token(user)}"}
    today = datetime.now(UTC).date()
    httpx.put(f"{server.url}/api/v1/me/profile", json={"region": "WORLD"}, headers=headers)
    httpx.put(f"{server.url}/api/v1/me/steps/{today}", json={"steps": 12000}, headers=headers)
    return headers


def _donate_all(server: Server, calls: list[tuple[dict[str, str], str, str]]) -> list[Any]:
    answers: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))
    today = datetime.now(UTC).date()

    def call(n: int, headers: dict[str, str], project_id: str, key: str) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            start.wait()
            answers[n] = client.post(
                "/api/v1/donations",
                json={"project_id": project_id, "date": str(today)},
                headers={**headers, "Idempotency-Key": key},
            )

    threads = [threading.Thread(target=call, args=(n, *c)) for n, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_simultaneous_donations_never_overspend_a_budget(
    giving: tuple[Server, dict[str, str]],
) -> None:
    server, key = giving
    project_id = _project(server, key)
    donors = [_ready_donor(server, f"d{n}") for n in range(DONORS)]
    answers = _donate_all(server, [(h, project_id, "give") for h in donors])
    accepted = [a.json() for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert all(a.status_code == 409 for a in refused)
    assert all("no budget left" in a.json()["detail"] for a in refused)
    paid = sum(m["amount_minor"] for d in accepted for m in d["money"])
    assert paid == BUDGET
    view = httpx.get(f"{server.url}/api/v1/projects/{project_id}").json()
    assert view["sponsors"][0]["budget_left_minor"] == 0
    assert view["progress"]["raised"] == [{"currency": "CNY", "amount_minor": BUDGET}]
    assert view["progress"]["donations"] == len(accepted)
    assert view["progress"]["steps"] == sum(d["steps"] for d in accepted)
    assert view["progress"]["kg_co2e"] == pytest.approx(sum(d["kg_co2e"] for d in accepted))


CAP, BONUS = 1000, 200  # fen: five matches (600) meet the goal, the bonus, then 120 and 80


def test_a_whole_team_donating_at_once_never_overspends_a_challenge(
    giving: tuple[Server, dict[str, str]],
) -> None:
    server, key = giving
    project_id = _project(server, key, budget=1_000_000)
    donors = [_ready_donor(server, f"member{n}") for n in range(DONORS)]
    team = httpx.post(f"{server.url}/api/v1/teams", json={"name": "Ward 9", "kind": "company"},
                      headers=donors[0]).json()  # fmt: skip
    for headers in donors[1:]:
        joined = httpx.post(f"{server.url}/api/v1/teams/join",
                            json={"invite_code": team["invite_code"]}, headers=headers)  # fmt: skip
        assert joined.status_code == 201, joined.text
    today = datetime.now(UTC).date()
    challenge = {
        "invite_code": team["invite_code"], "title": "Ward 9 walks", "goal_kind": "steps",
        "goal_amount": 5 * 12000, "starts_on": str(today), "ends_on": str(today),
        "sponsor_name": "Harbour Bank", "currency": "CNY", "rate_minor_per_10k_steps": RATE,
        "cap_minor": CAP, "bonus_minor": BONUS,
    }  # fmt: skip
    made = httpx.post(f"{server.url}/api/v1/partner/challenges", json=challenge,
                      headers={**key, "Idempotency-Key": "ward9"})  # fmt: skip
    assert made.status_code == 201, made.text

    answers = _donate_all(server, [(h, project_id, "give") for h in donors])
    assert [a.status_code for a in answers] == [201] * DONORS
    paid = [(m["kind"], m["amount_minor"]) for a in answers for m in a.json()["matches"]]
    assert sum(amount for _, amount in paid) == CAP
    assert [p for p in paid if p[0] == "bonus"] == [("bonus", BONUS)]
    assert sorted(amount for kind, amount in paid if kind == "match") == [80] + [120] * 6
    view = httpx.get(f"{server.url}/api/v1/partner/challenges/{made.json()['challenge_id']}",
                     headers=key).json()  # fmt: skip
    progress = view["progress"]
    assert (progress["matched_minor"], progress["bonus_paid"]) == (CAP, True)
    assert progress["steps"] == DONORS * 12000


def test_concurrent_retries_of_one_key_make_one_donation(
    giving: tuple[Server, dict[str, str]],
) -> None:
    server, key = giving
    project_id = _project(server, key)
    headers = _ready_donor(server, "retrier")
    answers = _donate_all(server, [(headers, project_id, "one-tap")] * 12)
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 11 + [201]
    assert len({a.json()["donation_id"] for a in answers}) == 1
    view = httpx.get(f"{server.url}/api/v1/projects/{project_id}").json()
    assert view["progress"]["donations"] == 1


def test_the_partner_command_works_beside_the_server_only_on_postgresql(
    giving: tuple[Server, dict[str, str]], tmp_path: Path
) -> None:
    server, _ = giving
    result = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "partner", "create", "Late"],
        env=server.env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if server.database_url is not None:  # every process is a peer of PostgreSQL
        assert result.returncode == 0, result.stderr
        key = {"X-API-Key": result.stdout.strip().splitlines()[-1]}
        assert httpx.get(f"{server.url}/api/v1/partner/projects", headers=key).json() == []
        return
    assert result.returncode == 1  # one process writes a DuckDB file
    assert "stop greenapp serve first" in result.stderr


def test_one_person_giving_one_day_from_many_devices_gives_once(
    giving: tuple[Server, dict[str, str]],
) -> None:
    server, key = giving
    first, second = _project(server, key), _project(server, key)
    headers = _ready_donor(server, "many-phones")
    calls = [(headers, first if n % 2 else second, f"phone-{n}") for n in range(10)]
    answers = _donate_all(server, calls)
    made = [a for a in answers if a.status_code == 201]
    assert len(made) == 1
    assert all(a.status_code == 409 for a in answers if a.status_code != 201)
    totals = [httpx.get(f"{server.url}/api/v1/projects/{p}").json()["progress"]["donations"]
              for p in (first, second)]  # fmt: skip
    assert sum(totals) == 1
