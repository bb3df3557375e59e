"""Donations, projects and the partner API through HTTP, with every refusal."""

from datetime import timedelta
from typing import Any

import pytest

from greenapp.services.partners import create_partner
from tests.api.conftest import TODAY, AsUser, Client, problem

PROJECT = {
    "title": {"en": "Trees for Ningxia", "zh-CN": "宁夏种树"},
    "story": {"en": "Planting saxaul on the desert edge.", "zh-CN": "在沙漠边缘种植梭梭。"},
    "goal_kind": "money",
    "goal_amount": 1_000_000,
    "goal_currency": "CNY",
    "starts_on": str(TODAY - timedelta(days=30)),
    "ends_on": str(TODAY + timedelta(days=30)),
    "min_steps": 3000,
}


def partner_key(client: Client, name: str = "Green Trust") -> dict[str, str]:
    runtime = client.app.state.runtime
    _, key = create_partner(runtime.store, runtime.ctx, name)
    return {"X-API-Key": key}


def new_project(
    client: Client, key: dict[str, str], rate: int = 100, budget: int = 10_000, **fields: Any
) -> tuple[str, str]:
    created = client.post("/api/v1/partner/projects", json={**PROJECT, **fields}, headers=key)
    assert created.status_code == 201, created.text
    project_id = created.json()["project_id"]
    sponsor = client.post(
        f"/api/v1/partner/projects/{project_id}/sponsors",
        json={"name": "Ant Green Fund", "currency": "CNY", "rate_minor_per_10k_steps": rate},
        headers=key,
    ).json()
    if budget:
        funded = client.post(
            f"/api/v1/partner/sponsors/{sponsor['sponsor_id']}/fundings",
            json={"currency": "CNY", "amount_minor": budget},
            headers={**key, "Idempotency-Key": f"fund-{project_id}"},
        )
        assert funded.status_code == 201, funded.text
    return project_id, sponsor["sponsor_id"]


def walker(client: Client, as_user: AsUser, user: str, steps: int = 12000) -> dict[str, str]:
    headers = as_user(user)
    client.put("/api/v1/me/profile", json={"region": "CN", "locale": "zh-CN"}, headers=headers)
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": steps}, headers=headers)
    return headers


def donate(
    client: Client, headers: dict[str, str], project_id: str, key: str = "k1", day: Any = TODAY
) -> Any:
    return client.post(
        "/api/v1/donations",
        json={"project_id": project_id, "date": str(day)},
        headers={**headers, "Idempotency-Key": key},
    )


def test_a_donation_records_steps_carbon_and_sponsor_money(client: Client, as_user: AsUser) -> None:
    project_id, sponsor_id = new_project(client, partner_key(client), rate=100)
    headers = walker(client, as_user, "mei", steps=12345)
    response = donate(client, headers, project_id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["steps"] == 12345
    # 100 fen per 10,000 steps, rounded down to whole fen: 12345 × 100 // 10000 = 123
    assert body["credits"] == [
        {"sponsor_id": sponsor_id, "sponsor": "Ant Green Fund", "currency": "CNY",
         "amount_minor": 123}
    ]  # fmt: skip
    assert body["money"] == [{"currency": "CNY", "amount_minor": 123}]
    assert body["kg_co2e"] > 0
    assert body["kg_low"] <= body["kg_co2e"] <= body["kg_high"]
    assert len(body["factor_set_version"]) == 16
    assert "1.23 CNY" in body["thank_you"]
    assert "宁夏种树" in body["thank_you"]
    assert body["certificate_url"] == f"/donations/{body['donation_id']}/certificate"
    mine = client.get(f"/api/v1/donations/{body['donation_id']}", headers=headers).json()
    assert mine == body


def test_a_retry_returns_the_same_donation_and_changes_nothing(
    client: Client, as_user: AsUser
) -> None:
    project_id, _ = new_project(client, partner_key(client))
    headers = walker(client, as_user, "mei")
    first = donate(client, headers, project_id)
    again = donate(client, headers, project_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    progress = client.get(f"/api/v1/projects/{project_id}").json()["progress"]
    assert (progress["donations"], progress["steps"]) == (1, 12000)


def _unchanged(client: Client, project_id: str, before: dict[str, Any]) -> None:
    assert client.get(f"/api/v1/projects/{project_id}").json() == before


def test_refusals_say_why_and_change_nothing(client: Client, as_user: AsUser) -> None:
    key = partner_key(client)
    project_id, _ = new_project(client, key)
    headers = walker(client, as_user, "mei", steps=12000)
    few = walker(client, as_user, "few", steps=1000)
    before = client.get(f"/api/v1/projects/{project_id}").json()
    cases = [
        (donate(client, headers, "pj_missing"), 404, "no project 'pj_missing'"),
        (donate(client, few, project_id), 422, "below this project's minimum of 3000"),
        (donate(client, headers, project_id, day=TODAY - timedelta(days=3)), 422,
         "no steps are recorded"),
        (donate(client, headers, project_id, day=TODAY - timedelta(days=20)), 422,
         "outside the donation window"),
        (client.post("/api/v1/donations", json={"project_id": project_id, "date": str(TODAY)},
                     headers=headers), 422, "Idempotency-Key"),
        (client.post("/api/v1/donations", json={"project_id": project_id}, headers=headers),
         400, "date"),
    ]  # fmt: skip
    for response, status, words in cases:
        assert words in str(problem(response, status)["detail"])
    _unchanged(client, project_id, before)


def test_one_donation_per_person_per_day(client: Client, as_user: AsUser) -> None:
    key = partner_key(client)
    first_project, _ = new_project(client, key)
    second_project, _ = new_project(client, key)
    headers = walker(client, as_user, "mei")
    assert donate(client, headers, first_project, key="a").status_code == 201
    before = client.get(f"/api/v1/projects/{second_project}").json()
    body = problem(donate(client, headers, second_project, key="b"), 409)
    assert "already been donated" in str(body["detail"])
    _unchanged(client, second_project, before)


def test_a_key_reused_for_another_donation_is_refused(client: Client, as_user: AsUser) -> None:
    key = partner_key(client)
    first_project, _ = new_project(client, key)
    second_project, _ = new_project(client, key)
    headers = walker(client, as_user, "mei")
    donate(client, headers, first_project, key="same")
    body = problem(donate(client, headers, second_project, key="same"), 409)
    assert "already used for another donation" in str(body["detail"])


def test_a_flagged_day_cannot_be_donated(client: Client, as_user: AsUser) -> None:
    project_id, _ = new_project(client, partner_key(client))
    headers = as_user("flag")
    client.put(
        f"/api/v1/me/steps/{TODAY}",
        json={"steps": 9000, "device_distance_m": 90000},
        headers=headers,
    )
    assert "were flagged" in str(problem(donate(client, headers, project_id), 422)["detail"])


def test_a_closed_project_refuses(client: Client, as_user: AsUser) -> None:
    ended: dict[str, Any] = {
        "starts_on": str(TODAY - timedelta(days=60)),
        "ends_on": str(TODAY - timedelta(days=1)),
    }
    project_id, _ = new_project(client, partner_key(client), **ended)
    assert client.get(f"/api/v1/projects/{project_id}").json()["status"] == "ended"
    headers = walker(client, as_user, "mei")
    assert "takes donations from" in str(
        problem(donate(client, headers, project_id), 422)["detail"]
    )


def test_a_budget_is_never_overspent_and_then_the_project_says_so(
    client: Client, as_user: AsUser
) -> None:
    # 100 fen per 10,000 steps and a budget of 250 fen: two donations of 12,000 steps take
    # 120 each, the third gets the 10 left, the fourth is refused.
    project_id, _ = new_project(client, partner_key(client), rate=100, budget=250)
    paid = []
    for n in range(3):
        response = donate(client, walker(client, as_user, f"w{n}"), project_id)
        paid.append(response.json()["money"][0]["amount_minor"])
    assert paid == [120, 120, 10]
    view = client.get(f"/api/v1/projects/{project_id}").json()
    assert view["status"] == "budget_exhausted"
    assert view["sponsors"][0]["budget_left_minor"] == 0
    body = problem(donate(client, walker(client, as_user, "late"), project_id), 409)
    assert "no budget left" in str(body["detail"])
    assert view["progress"]["raised"] == [{"currency": "CNY", "amount_minor": 250}]


def test_the_footprint_shows_what_the_person_gave(client: Client, as_user: AsUser) -> None:
    project_id, _ = new_project(client, partner_key(client), rate=200)
    headers = walker(client, as_user, "mei", steps=15000)
    donate(client, headers, project_id)
    given = client.get("/api/v1/me/footprint?period=week", headers=headers).json()["donations"]
    assert given["donations"] == 1
    assert given["steps"] == 15000
    assert given["raised"] == [{"currency": "CNY", "amount_minor": 300}]
    assert given["kg_co2e"] > 0


def test_projects_are_public_and_show_progress(client: Client, as_user: AsUser) -> None:
    project_id, _ = new_project(client, partner_key(client), rate=100)
    donate(client, walker(client, as_user, "a1"), project_id)
    listed = client.get("/api/v1/projects").json()
    one = next(p for p in listed if p["project_id"] == project_id)
    assert one["title"] == {"en": "Trees for Ningxia", "zh-CN": "宁夏种树"}
    assert one["progress"]["donors"] == 1
    assert one["progress"]["goal_reached_share"] == pytest.approx(120 / 1_000_000)
    problem(client.get("/api/v1/projects/pj_nothing"), 404)


# The partner API


def test_partner_calls_need_a_valid_key(client: Client) -> None:
    assert "X-API-Key" in str(problem(client.get("/api/v1/partner/projects"), 401)["detail"])
    bad = {"X-API-Key": "gak_000000000000_" + "x" * 40}
    assert "unknown or revoked" in str(
        problem(client.get("/api/v1/partner/projects", headers=bad), 401)["detail"]
    )


def test_a_revoked_key_stops_working(client: Client) -> None:
    key = partner_key(client)
    second = client.post("/api/v1/partner/keys", headers=key).json()["api_key"]
    key_id = second.split("_")[1]
    assert client.delete(f"/api/v1/partner/keys/{key_id}", headers=key).status_code == 204
    problem(client.get("/api/v1/partner/projects", headers={"X-API-Key": second}), 401)
    assert client.get("/api/v1/partner/projects", headers=key).status_code == 200


def test_one_partner_cannot_read_or_change_another_s_projects(
    client: Client, as_user: AsUser
) -> None:
    mine, theirs = partner_key(client, "Mine"), partner_key(client, "Theirs")
    project_id, sponsor_id = new_project(client, theirs)
    donate(client, walker(client, as_user, "mei"), project_id)
    assert client.get("/api/v1/partner/projects", headers=mine).json() == []
    before = client.get(f"/api/v1/projects/{project_id}").json()
    attempts = [
        client.put(f"/api/v1/partner/projects/{project_id}", json=PROJECT, headers=mine),
        client.post(f"/api/v1/partner/projects/{project_id}/sponsors",
                    json={"name": "x", "currency": "CNY", "rate_minor_per_10k_steps": 1},
                    headers=mine),
        client.post(f"/api/v1/partner/sponsors/{sponsor_id}/fundings",
                    json={"currency": "CNY", "amount_minor": 5},
                    headers={**mine, "Idempotency-Key": "steal"}),
    ]  # fmt: skip
    for response in attempts:
        problem(response, 404)
    _unchanged(client, project_id, before)
    report = client.get("/api/v1/partner/reports/donations?group=project", headers=mine).json()
    assert report["rows"] == []
    theirs_report = client.get(
        "/api/v1/partner/reports/donations?group=project", headers=theirs
    ).json()
    assert [r["key"] for r in theirs_report["rows"]] == [project_id]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"goal_kind": "hugs"}, "goal_kind 'hugs'"),
        ({"goal_currency": None}, "needs goal_currency"),
        ({"goal_currency": "yuan"}, "ISO 4217"),
        ({"ends_on": str(TODAY - timedelta(days=90))}, "is before starts_on"),
        ({"title": {"en": " "}}, "needs a title"),
    ],
)
def test_a_bad_project_is_refused(client: Client, change: dict[str, Any], words: str) -> None:
    key = partner_key(client)
    response = client.post("/api/v1/partner/projects", json={**PROJECT, **change}, headers=key)
    assert words in str(problem(response, 422)["detail"])
    assert client.get("/api/v1/partner/projects", headers=key).json() == []


def test_a_partner_updates_its_project(client: Client) -> None:
    key = partner_key(client)
    project_id, _ = new_project(client, key)
    changed = {**PROJECT, "min_steps": 5000}
    body = client.put(f"/api/v1/partner/projects/{project_id}", json=changed, headers=key).json()
    assert body["min_steps"] == 5000


def test_funding_is_idempotent_and_in_the_sponsor_s_currency(client: Client) -> None:
    key = partner_key(client)
    project_id, sponsor_id = new_project(client, key, budget=0)
    url = f"/api/v1/partner/sponsors/{sponsor_id}/fundings"
    fund = {**key, "Idempotency-Key": "f1"}
    first = client.post(url, json={"currency": "CNY", "amount_minor": 500}, headers=fund)
    again = client.post(url, json={"currency": "CNY", "amount_minor": 500}, headers=fund)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["budget_left_minor"] == 500
    problem(client.post(url, json={"currency": "CNY", "amount_minor": 9}, headers=fund), 409)
    wrong = client.post(
        url, json={"currency": "USD", "amount_minor": 9}, headers={**key, "Idempotency-Key": "f2"}
    )
    assert "is in CNY, not USD" in str(problem(wrong, 422)["detail"])
    problem(client.post(url, json={"currency": "CNY", "amount_minor": 9}, headers=key), 422)
    view = client.get(f"/api/v1/projects/{project_id}").json()
    assert view["sponsors"][0]["budget_left_minor"] == 500


def test_reports_group_by_day_project_and_sponsor_in_json_and_csv(
    client: Client, as_user: AsUser
) -> None:
    key = partner_key(client)
    project_id, sponsor_id = new_project(client, key, rate=100)
    for user, steps in [("r1", 10000), ("r2", 20000)]:
        donate(client, walker(client, as_user, user, steps=steps), project_id)
    url = "/api/v1/partner/reports/donations"
    by_day = client.get(f"{url}?group=day", headers=key).json()
    assert by_day["rows"] == [
        {"key": str(TODAY), "donations": 2, "donors": 2, "steps": 30000,
         "kg_co2e": pytest.approx(by_day["rows"][0]["kg_co2e"]),
         "money": [{"currency": "CNY", "amount_minor": 300}]},
    ]  # fmt: skip
    by_sponsor = client.get(f"{url}?group=sponsor", headers=key).json()
    assert [r["key"] for r in by_sponsor["rows"]] == [sponsor_id]
    csv_text = client.get(f"{url}?group=project&format=csv", headers=key)
    assert csv_text.headers["content-type"].startswith("text/csv")
    lines = csv_text.text.splitlines()
    assert lines[0] == "project,donations,donors,steps,kg_co2e,currency,amount_minor"
    assert lines[1].startswith(f"{project_id},2,2,30000,")
    assert lines[1].endswith(",CNY,300")
    problem(client.get(f"{url}?group=week", headers=key), 422)


def test_the_certificate_page_shows_the_donation_in_the_donor_s_language(
    client: Client, as_user: AsUser
) -> None:
    project_id, _ = new_project(client, partner_key(client), rate=100)
    body = donate(client, walker(client, as_user, "mei", steps=12345), project_id).json()
    page = client.get(body["certificate_url"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in page.text
    assert "捐步证书" in page.text
    assert "12,345" in page.text
    assert "1.23 CNY" in page.text
    english = client.get(body["certificate_url"] + "?lang=en").text
    assert "Donation certificate" in english
    assert "Trees for Ningxia" in english
    missing = client.get("/donations/nothing/certificate")
    assert missing.status_code == 404
    assert "no donation" in missing.text
