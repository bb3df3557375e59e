"""Real headless Chromium (Debian's, driven by Playwright) against a real greenapp server."""

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ViewportSize, sync_playwright

from greenapp.store.factors.build import BuildResult
from tests.e2e.conftest import Server

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass(frozen=True)
class World:
    """A running server with one person, one project and one donation to show, its sponsor's
    pledge paid, and what the money bought confirmed."""

    server: Server
    token: str
    project_id: str
    donation_id: str
    team_id: str
    reviewer: dict[str, str]  # a partner key with the reviewer role
    payment_reference: str

    def api(self, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.get(f"{self.server.url}{path}", headers=headers).json()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = shutil.which("chromium")
    assert found, "Debian's chromium is installed by ./run test (apt-get install chromium)"
    return found


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, built_factors: BuildResult) -> Iterator[World]:
    server = Server(tmp_path_factory.mktemp("pages"), built_factors.path)
    created = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "partner", "create", "Green Steps"],
        env=server.env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    key = {"X-API-Key": created.stdout.strip().splitlines()[-1]}
    reviewing = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "partner", "create", "Review Desk",
         "--reviewer"], env=server.env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    reviewer = {"X-API-Key": reviewing.stdout.strip().splitlines()[-1]}
    server.start()
    try:
        yield _populate(server, key, reviewer)
    finally:
        server.stop()


def _populate(server: Server, key: dict[str, str], reviewer: dict[str, str]) -> World:
    url = server.url
    today = datetime.now(UTC).date()
    project = {
        "title": {"en": "Saxaul for the desert edge", "zh-CN": "沙漠边缘种梭梭"},
        "story": {"en": "Each donation helps plant saxaul.", "zh-CN": "每次捐步都帮助种下梭梭。"},
        "goal_kind": "money", "goal_amount": 500_000, "goal_currency": "CNY",
        "starts_on": str(today - timedelta(days=30)), "ends_on": str(today + timedelta(days=30)),
        "min_steps": 1000,
    }  # fmt: skip
    project_id = httpx.post(f"{url}/api/v1/partner/projects", json=project, headers=key).json()[
        "project_id"
    ]
    sponsor = httpx.post(
        f"{url}/api/v1/partner/projects/{project_id}/sponsors",
        json={"name": "Sponsor", "currency": "CNY", "rate_minor_per_10k_steps": 100},
        headers=key,
    ).json()
    httpx.post(
        f"{url}/api/v1/partner/sponsors/{sponsor['sponsor_id']}/fundings",
        json={"currency": "CNY", "amount_minor": 100_000},
        headers={**key, "Idempotency-Key": "budget"},
    )
    token = server.token("page-reader")
    person = {"Authorization": f"Bearer {token}"}
    profile = {"region": "CN", "height_cm": 165, "sex": "female", "locale": "zh-CN",
               "time_zone": "UTC", "car": {"fuel": "petrol"}}  # fmt: skip
    httpx.put(f"{url}/api/v1/me/profile", json=profile, headers=person)
    for back, steps in enumerate([9100, 7400, 12050, 5300, 8800]):
        day = today - timedelta(days=back)
        httpx.put(f"{url}/api/v1/me/steps/{day}", json={"steps": steps}, headers=person)
    team = httpx.post(f"{url}/api/v1/teams", headers=person, json={
        "name": "Class 3B", "kind": "class", "on_leaderboard": True, "nickname": "Mei",
    }).json()  # fmt: skip
    challenge = {
        "invite_code": team["invite_code"], "title": "Walk to school week", "goal_kind": "steps",
        "goal_amount": 50_000, "starts_on": str(today), "ends_on": str(today + timedelta(days=6)),
        "sponsor_name": "Lakeside Bank", "currency": "CNY", "rate_minor_per_10k_steps": 150,
        "cap_minor": 20_000, "bonus_minor": 5_000,
    }  # fmt: skip
    httpx.post(f"{url}/api/v1/partner/challenges", json=challenge,
               headers={**key, "Idempotency-Key": "challenge"})  # fmt: skip
    trip = {"date": str(today), "mode": "metro", "distance_km": 8, "replaced": "car"}
    httpx.post(f"{url}/api/v1/me/trips", json=trip, headers={**person, "Idempotency-Key": "t"})
    donation = httpx.post(
        f"{url}/api/v1/donations",
        json={"project_id": project_id, "date": str(today)},
        headers={**person, "Idempotency-Key": "d"},
    ).json()
    owed = donation["credits"][0]["amount_minor"]
    reference = "BOC-2026-0042"
    payment = {"amount_minor": owed, "currency": "CNY", "reference": reference,
               "paid_on": str(today)}  # fmt: skip
    paid = httpx.post(f"{url}/api/v1/partner/sponsors/{sponsor['sponsor_id']}/payments",
                      json=payment, headers={**key, "Idempotency-Key": "paid"})  # fmt: skip
    assert paid.status_code == 201, paid.text
    bought = {"item": "saxaul seedlings", "quantity": 3, "amount_minor": owed,
              "currency": "CNY", "delivered_on": str(today)}  # fmt: skip
    confirmed = httpx.post(f"{url}/api/v1/partner/projects/{project_id}/confirmations",
                           json=bought, headers={**key, "Idempotency-Key": "bought"})  # fmt: skip
    assert confirmed.status_code == 201, confirmed.text
    return World(server, token, project_id, donation["donation_id"], team["team_id"], reviewer,
                 reference)  # fmt: skip
