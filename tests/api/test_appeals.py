"""Appeals of flagged days over HTTP: the person appeals, a reviewer decides, with every refusal."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from greenapp.domain.appeals import REASON_MAX
from greenapp.domain.donations import DONATION_WINDOW_DAYS
from greenapp.services.partners import create_partner, grant_reviewer
from greenapp.settings import Settings
from greenapp.web.app import create_app
from tests.api.conftest import NOW, TODAY, AsUser, Client, problem
from tests.api.test_giving import donate, new_project, partner_key

# A phone that says 12,000 steps covered 100 km: 8.3 m a step, which no one walks.
DOUBTED = {"steps": 12000, "device_distance_m": 100_000}


def flagged_walker(client: Client, as_user: AsUser, user: str, day: date = TODAY) -> dict[str, str]:
    headers = as_user(user)
    client.put("/api/v1/me/profile", json={"region": "GB"}, headers=headers)
    recorded = client.put(f"/api/v1/me/steps/{day}", json=DOUBTED, headers=headers).json()
    assert recorded["status"] == "flagged", recorded
    assert recorded["kg_co2e_avoided"] == 0
    return headers


def appeal(
    client: Client, headers: dict[str, str], day: date = TODAY, reason: str = "I ran a race"
) -> Any:
    return client.post("/api/v1/me/appeals", json={"date": str(day), "reason": reason},
                       headers=headers)  # fmt: skip


def reviewer_key(client: Client, name: str = "Review Desk") -> dict[str, str]:
    runtime = client.app.state.runtime
    _, key = create_partner(runtime.store, runtime.ctx, name, reviewer=True)
    return {"X-API-Key": key}


def decide(
    client: Client, key: dict[str, str], appeal_id: str, outcome: str = "accepted",
    reason: str = "the race results show the distance",
) -> Any:  # fmt: skip
    return client.post(f"/api/v1/review/appeals/{appeal_id}/decision",
                       json={"outcome": outcome, "reason": reason}, headers=key)  # fmt: skip


def queue(client: Client, key: dict[str, str], status: str = "all") -> list[dict[str, Any]]:
    response = client.get("/api/v1/review/appeals", params={"status": status}, headers=key)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def day_of(client: Client, headers: dict[str, str], day: date = TODAY) -> dict[str, Any]:
    exported = client.get("/api/v1/me/export", headers=headers).json()
    found: dict[str, Any] = next(d for d in exported["days"] if d["date"] == str(day))
    return found


def test_an_appealed_day_accepted_by_a_reviewer_counts(client: Client, as_user: AsUser) -> None:
    headers = flagged_walker(client, as_user, "runner")
    made = appeal(client, headers, reason="  I ran   a half marathon ")
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["status"], body["reason"], body["date"]) == (
        "pending", "I ran a half marathon", str(TODAY),
    )  # fmt: skip
    assert (body["decision_reason"], body["decided_at"]) == (None, None)
    evidence = body["evidence"]
    assert (evidence["steps"], evidence["device_distance_m"]) == (12000, 100_000)
    assert "device distance gives 8.33 m per step" in evidence["rules"][0]

    again = appeal(client, headers, reason="I ran a half marathon")
    assert again.status_code == 200
    assert again.json() == body

    key = reviewer_key(client)
    pending = queue(client, key, "pending")
    assert [a["appeal_id"] for a in pending] == [body["appeal_id"]]
    assert pending[0]["evidence"] == evidence
    assert "runner" not in str(pending)  # a reviewer never learns who appealed

    decided = decide(client, key, body["appeal_id"])
    assert decided.status_code == 201, decided.text
    assert decided.json()["status"] == "accepted"
    mine = client.get("/api/v1/me/appeals", headers=headers).json()
    assert [(a["status"], a["decision_reason"]) for a in mine] == [
        ("accepted", "the race results show the distance")
    ]
    assert mine[0]["decided_at"].startswith(str(TODAY))
    assert queue(client, key, "pending") == []
    assert [a["status"] for a in queue(client, key, "decided")] == ["accepted"]

    day = day_of(client, headers)
    assert (day["status"], day["reasons"]) == ("counted", [])
    assert day["step_rule"] == "population_average"  # the step length, not the doubted 100 km
    assert 5 < day["distance_km"] < 12
    assert day["kg_co2e_avoided"] > 0
    footprint = client.get("/api/v1/me/footprint", params={"period": "day"}, headers=headers)
    assert footprint.json()["totals"]["kg_co2e_avoided"] == pytest.approx(day["kg_co2e_avoided"])
    resent = client.put(f"/api/v1/me/steps/{TODAY}", json=DOUBTED, headers=headers)
    assert resent.json()["status"] == "counted"  # the same report again changes nothing


def test_an_accepted_day_can_be_donated_and_a_rejected_one_cannot(
    client: Client, as_user: AsUser
) -> None:
    project_id, _ = new_project(client, partner_key(client), min_steps=1000)
    key = reviewer_key(client)
    lucky = flagged_walker(client, as_user, "lucky")
    unlucky = flagged_walker(client, as_user, "unlucky")
    refused = problem(donate(client, lucky, project_id), 422)
    assert "flagged" in str(refused["detail"])
    decide(client, key, appeal(client, lucky).json()["appeal_id"], "accepted")
    decide(client, key, appeal(client, unlucky).json()["appeal_id"], "rejected", "a car trip")

    given = donate(client, lucky, project_id)
    assert given.status_code == 201, given.text
    assert given.json()["steps"] == 12000
    assert given.json()["kg_co2e"] == pytest.approx(day_of(client, lucky)["kg_co2e_avoided"])

    before = client.get(f"/api/v1/projects/{project_id}").json()
    still = problem(donate(client, unlucky, project_id), 422)
    assert "flagged" in str(still["detail"])
    assert day_of(client, unlucky)["status"] == "flagged"
    assert client.get(f"/api/v1/projects/{project_id}").json() == before
    mine = client.get("/api/v1/me/appeals", headers=unlucky).json()
    assert [(a["status"], a["decision_reason"]) for a in mine] == [("rejected", "a car trip")]


def _snapshot(client: Client, headers: dict[str, str], key: dict[str, str]) -> Any:
    """What a refusal must leave as it was: the person's appeals and days, and the queue."""
    return (
        client.get("/api/v1/me/appeals", headers=headers).json(),
        client.get("/api/v1/me/export", headers=headers).json()["days"],
        queue(client, key),
    )


def test_appeal_refusals_say_why_and_change_nothing(client: Client, as_user: AsUser) -> None:
    headers = flagged_walker(client, as_user, "refused")
    client.put(f"/api/v1/me/steps/{TODAY - timedelta(days=1)}", json={"steps": 8000},
               headers=headers)  # fmt: skip
    client.put(f"/api/v1/me/steps/{TODAY - timedelta(days=2)}", json=DOUBTED, headers=headers)
    assert appeal(client, headers, reason="first").status_code == 201
    key = reviewer_key(client)
    before = _snapshot(client, headers, key)
    cases = [
        (appeal(client, headers, TODAY + timedelta(days=3)), 422, "outside the appeal window"),
        (appeal(client, headers, TODAY - timedelta(days=31)), 422, "outside the appeal window"),
        (appeal(client, headers, TODAY - timedelta(days=3)), 404, "no steps are recorded"),
        (appeal(client, headers, TODAY - timedelta(days=1)), 422, "were not flagged"),
        (appeal(client, headers, reason="a different story"), 409, "already been appealed"),
        (appeal(client, headers, TODAY - timedelta(days=2), reason="   "), 422,
         "1 to 500 characters"),
        (client.post("/api/v1/me/appeals", json={"date": str(TODAY)}, headers=headers), 400,
         "reason"),
        (client.post("/api/v1/me/appeals", json={"date": str(TODAY), "reason": "x",
                                                 "urgent": True}, headers=headers), 400,
         "urgent"),
    ]  # fmt: skip
    for response, status, words in cases:
        assert words in str(problem(response, status)["detail"]), response.text
    assert _snapshot(client, headers, key) == before


def test_a_reason_too_long_is_refused(client: Client, as_user: AsUser) -> None:
    headers = flagged_walker(client, as_user, "wordy")
    key = reviewer_key(client)
    before = _snapshot(client, headers, key)
    refused = appeal(client, headers, reason="x" * (REASON_MAX + 1))
    assert "1 to 500 characters" in str(problem(refused, 422)["detail"])
    assert _snapshot(client, headers, key) == before
    assert appeal(client, headers, reason="x" * REASON_MAX).status_code == 201


def test_decision_refusals_say_why_and_change_nothing(client: Client, as_user: AsUser) -> None:
    headers = flagged_walker(client, as_user, "waiting")
    key = reviewer_key(client)
    appeal_id = appeal(client, headers).json()["appeal_id"]
    plain_partner = partner_key(client, "Sponsor Only")
    before = _snapshot(client, headers, key)
    cases = [
        (decide(client, key, appeal_id, "maybe"), 422, "accepted, rejected"),
        (decide(client, key, appeal_id, reason=" "), 422, "1 to 500 characters"),
        (decide(client, key, appeal_id, reason="x" * (REASON_MAX + 1)), 422, "1 to 500"),
        (decide(client, key, "ap_000000000000"), 404, "no such appeal"),
        (decide(client, plain_partner, appeal_id), 403, "reviewer role"),
        (decide(client, {}, appeal_id), 401, "X-API-Key"),
        (decide(client, {"X-API-Key": "gak_000000000000_" + "A" * 43}, appeal_id), 401,
         "unknown or revoked"),
        (client.post(f"/api/v1/review/appeals/{appeal_id}/decision",
                     json={"outcome": "accepted"}, headers=key), 400, "reason"),
    ]  # fmt: skip
    for response, status, words in cases:
        assert words in str(problem(response, status)["detail"]), response.text
    assert _snapshot(client, headers, key) == before
    assert day_of(client, headers)["status"] == "flagged"


def test_a_decision_is_final(client: Client, as_user: AsUser) -> None:
    headers = flagged_walker(client, as_user, "decided")
    key = reviewer_key(client)
    appeal_id = appeal(client, headers).json()["appeal_id"]
    assert decide(client, key, appeal_id, "rejected", "the track shows a car").status_code == 201
    before = _snapshot(client, headers, key)
    for outcome in ("accepted", "rejected"):
        refused = decide(client, key, appeal_id, outcome, "on second thoughts")
        assert "decisions are final" in str(problem(refused, 409)["detail"])
    assert _snapshot(client, headers, key) == before
    assert day_of(client, headers)["status"] == "flagged"


def test_only_keys_the_operator_made_reviewers_review(client: Client, as_user: AsUser) -> None:
    headers = flagged_walker(client, as_user, "watched")
    appeal(client, headers)
    key = reviewer_key(client)
    issued = client.post("/api/v1/partner/keys", headers=key).json()["api_key"]
    another = {"X-API-Key": issued}  # a key the reviewer partner issued itself
    for response in (
        client.get("/api/v1/review/appeals", headers=another),
        client.get("/api/v1/review/appeals", headers=partner_key(client, "Plain")),
    ):
        body = problem(response, 403)
        assert body["type"] == "/problems/forbidden"
        assert "watched" not in response.text
        assert "I ran a race" not in response.text
    problem(client.get("/api/v1/review/appeals"), 401)

    runtime = client.app.state.runtime
    grant_reviewer(runtime.store, issued.split("_")[1])
    assert len(queue(client, another, "pending")) == 1
    revoked = client.delete(f"/api/v1/partner/keys/{issued.split('_')[1]}", headers=key)
    assert revoked.status_code == 204
    problem(client.get("/api/v1/review/appeals", headers=another), 401)


def test_the_review_queue_filters_and_refuses_unknown_statuses(
    moving_client: Client, as_user: AsUser, clock: "Clock"
) -> None:
    client = moving_client
    key = reviewer_key(client)
    made = []  # six appeals an hour apart: their random ids are unlikely to sort the same way
    for n in range(6):
        clock.now = NOW - timedelta(hours=6 - n)
        made.append(appeal(client, flagged_walker(client, as_user, f"q{n}")).json()["appeal_id"])
    decided = made[1::2]
    for appeal_id in decided:
        decide(client, key, appeal_id)
    assert [a["appeal_id"] for a in queue(client, key, "pending")] == made[0::2]
    assert [a["appeal_id"] for a in queue(client, key, "decided")] == decided
    assert [a["appeal_id"] for a in queue(client, key, "all")] == made
    assert [a["appeal_id"] for a in queue(client, key)] == made
    two = client.get("/api/v1/review/appeals", params={"status": "all", "limit": 2}, headers=key)
    assert [a["appeal_id"] for a in two.json()] == made[:2]
    default = client.get("/api/v1/review/appeals", headers=key).json()
    assert [a["appeal_id"] for a in default] == made[0::2]  # pending unless asked otherwise
    wrong = client.get("/api/v1/review/appeals", params={"status": "open"}, headers=key)
    assert "pending, decided, all" in str(problem(wrong, 422)["detail"])
    problem(client.get("/api/v1/review/appeals", params={"limit": 0}, headers=key), 400)


def test_appeals_are_in_the_export_and_erasure_keeps_only_the_decision(
    client: Client, as_user: AsUser
) -> None:
    headers = flagged_walker(client, as_user, "leaving")
    key = reviewer_key(client)
    appeal_id = appeal(client, headers, reason="my own words").json()["appeal_id"]
    decide(client, key, appeal_id, "rejected", "no evidence of a race")
    exported = client.get("/api/v1/me/export", headers=headers).json()["appeals"]
    assert [(a["appeal_id"], a["reason"], a["status"], a["decision_reason"]) for a in exported] == [
        (appeal_id, "my own words", "rejected", "no evidence of a race")
    ]
    assert client.delete("/api/v1/me", headers=headers).status_code == 204

    assert client.get("/api/v1/me/appeals", headers=headers).json() == []
    kept = queue(client, key, "decided")
    assert [(a["appeal_id"], a["reason"], a["decision_reason"]) for a in kept] == [
        (appeal_id, "", "no evidence of a race")
    ]
    runtime = client.app.state.runtime
    stored = runtime.store.read(lambda tx: tx.appeal(appeal_id))
    assert stored.user_id.startswith("erased-")
    assert stored.reason == ""
    assert [d.outcome for d in runtime.store.read(lambda tx: tx.decisions(appeal_id))] == [
        "rejected"
    ]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def moving_client(settings: Settings, clock: Clock) -> Iterator[Client]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def test_an_accepted_day_is_donated_within_the_window_from_its_acceptance(
    moving_client: Client, as_user: AsUser, clock: Clock
) -> None:
    client = moving_client
    project_id, _ = new_project(client, partner_key(client), min_steps=1000)
    key = reviewer_key(client)
    day = TODAY - timedelta(days=2)
    headers = flagged_walker(client, as_user, "slow-review", day)
    appeal_id = appeal(client, headers, day).json()["appeal_id"]

    clock.now = NOW + timedelta(days=20)  # the review takes its time
    decide(client, key, appeal_id)
    accepted_on = clock.now.date()
    last = accepted_on + timedelta(days=DONATION_WINDOW_DAYS)
    clock.now = datetime.combine(last + timedelta(days=1), NOW.time(), UTC)
    before = client.get(f"/api/v1/projects/{project_id}").json()
    late = problem(donate(client, headers, project_id, day=day), 422)
    assert f"acceptance of its appeal on {accepted_on}" in str(late["detail"])
    assert client.get(f"/api/v1/projects/{project_id}").json() == before

    clock.now = datetime.combine(last, NOW.time(), UTC)
    given = donate(client, headers, project_id, day=day)
    assert given.status_code == 201, given.text
    assert given.json()["date"] == str(day)


def test_an_old_day_without_an_accepted_appeal_keeps_the_ordinary_window(
    moving_client: Client, as_user: AsUser, clock: Clock
) -> None:
    client = moving_client
    project_id, _ = new_project(client, partner_key(client), min_steps=1000)
    key = reviewer_key(client)
    day = TODAY - timedelta(days=2)
    rejected = flagged_walker(client, as_user, "rejected-late", day)
    counted = as_user("counted-late")
    client.put(f"/api/v1/me/steps/{day}", json={"steps": 9000}, headers=counted)
    decide(client, key, appeal(client, rejected, day).json()["appeal_id"], "rejected", "no")
    clock.now = NOW + timedelta(days=DONATION_WINDOW_DAYS)  # the day is 9 days old
    for headers in (rejected, counted):
        refused = problem(donate(client, headers, project_id, day=day), 422)
        assert "outside the donation window" in str(refused["detail"])
        assert "acceptance" not in str(refused["detail"])


def test_the_footprint_page_shows_each_appeal_and_the_reviewer_s_reason(
    client: Client, as_user: AsUser
) -> None:
    headers = flagged_walker(client, as_user, "reader")
    client.put(f"/api/v1/me/steps/{TODAY - timedelta(days=1)}", json=DOUBTED, headers=headers)
    key = reviewer_key(client)
    client.post("/session", headers=headers)
    assert "Your appeals" not in client.get("/me/footprint").text
    decided = appeal(client, headers, reason="<b>a race</b>").json()["appeal_id"]
    waiting = appeal(client, headers, TODAY - timedelta(days=1)).json()["appeal_id"]
    decide(client, key, decided, "accepted", "the race results & map agree")

    page = client.get("/me/footprint", params={"lang": "en"}).text
    assert "Your appeals" in page
    shown = page.split(f'id="appeal-{decided}"')[1].split("</div>")[0]
    assert str(TODAY) in shown
    assert "Accepted: the day counts" in shown
    assert "Reviewer&#39;s reason: the race results &amp; map agree" in shown
    assert "You wrote: &lt;b&gt;a race&lt;/b&gt;" in shown  # the person's words, escaped
    pending = page.split(f'id="appeal-{waiting}"')[1].split("</div>")[0]
    assert "Waiting for a reviewer" in pending
    assert "Reviewer" not in pending
    chinese = client.get("/me/footprint", params={"lang": "zh-CN"}).text
    assert "我的申诉" in chinese
    assert "已通过：这一天计入" in chinese
    assert "审核理由：the race results &amp; map agree" in chinese
