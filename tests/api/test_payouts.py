"""Where the money went, through HTTP: payments, confirmations, the payout report, a donation's
pledges and its certificate, with every refusal."""

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from greenapp.services.partners import create_partner
from greenapp.settings import Settings
from greenapp.web.app import create_app
from tests.api.conftest import AsUser, Client, problem
from tests.challenge_rows import add_challenge, add_challenge_entry

OCTOBER = datetime(2026, 10, 15, 8, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
TODAY = NOVEMBER.date()
PROJECT = {
    "title": {"en": "School meals in Gansu", "zh-CN": "甘肃学校午餐"},
    "story": {"en": "Hot lunches for village schools.", "zh-CN": "为乡村学校提供热午餐。"},
    "goal_kind": "money", "goal_amount": 1_000_000, "goal_currency": "CNY",
    "starts_on": "2026-09-01", "ends_on": "2026-12-31", "min_steps": 0,
}  # fmt: skip


class Clock:
    """The service's clock: set by the test, and a microsecond later at every reading, so that
    records keep the order they were made in."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self._ticks = itertools.count()

    def __call__(self) -> datetime:
        return self.at + timedelta(microseconds=next(self._ticks))


@pytest.fixture
def clock() -> Clock:
    return Clock(NOVEMBER)


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[Client]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def partner(client: Client, name: str) -> tuple[str, dict[str, str]]:
    runtime = client.app.state.runtime
    made, key = create_partner(runtime.store, runtime.ctx, name)
    return made.partner_id, {"X-API-Key": key}


def project_with_sponsor(client: Client, key: dict[str, str], sponsor: str = "Green Fund",
                         rate: int = 100) -> tuple[str, str]:  # fmt: skip
    project_id = client.post("/api/v1/partner/projects", json=PROJECT, headers=key).json()[
        "project_id"
    ]
    sponsor_id = client.post(
        f"/api/v1/partner/projects/{project_id}/sponsors",
        json={"name": sponsor, "currency": "CNY", "rate_minor_per_10k_steps": rate},
        headers=key,
    ).json()["sponsor_id"]
    funded = client.post(
        f"/api/v1/partner/sponsors/{sponsor_id}/fundings",
        json={"currency": "CNY", "amount_minor": 1_000_000},
        headers={**key, "Idempotency-Key": f"fund-{sponsor_id}"},
    )
    assert funded.status_code == 201, funded.text
    return project_id, sponsor_id


def give(
    client: Client, as_user: AsUser, user: str, project_id: str, steps: int, day: date
) -> tuple[dict[str, str], dict[str, Any]]:
    """A person records ``steps`` on ``day`` and gives them to the project."""
    headers = as_user(user)
    client.put("/api/v1/me/profile", json={"region": "CN", "locale": "en", "time_zone": "UTC"},
               headers=headers)  # fmt: skip
    client.put(f"/api/v1/me/steps/{day}", json={"steps": steps}, headers=headers)
    given = client.post("/api/v1/donations", json={"project_id": project_id, "date": str(day)},
                        headers={**headers, "Idempotency-Key": f"give-{day}"})  # fmt: skip
    assert given.status_code == 201, given.text
    return headers, given.json()


def pay(client: Client, key: dict[str, str], sponsor_id: str, amount: int, idem: str,
        reference: str = "BOC-0001", paid_on: date = TODAY,
        currency: str = "CNY") -> Any:  # fmt: skip
    body = {"amount_minor": amount, "currency": currency, "reference": reference,
            "paid_on": str(paid_on)}  # fmt: skip
    return client.post(f"/api/v1/partner/sponsors/{sponsor_id}/payments", json=body,
                       headers={**key, "Idempotency-Key": idem})  # fmt: skip


def confirm(client: Client, key: dict[str, str], project_id: str, amount: int, idem: str,
            **change: Any) -> Any:  # fmt: skip
    body = {"item": "school meals", "quantity": 30, "amount_minor": amount, "currency": "CNY",
            "delivered_on": str(TODAY), "note": "hot lunches for a week", **change}  # fmt: skip
    return client.post(f"/api/v1/partner/projects/{project_id}/confirmations", json=body,
                       headers={**key, "Idempotency-Key": idem})  # fmt: skip


def books(client: Client, key: dict[str, str]) -> Any:
    """Everything the partner's payout report shows, to check a refusal changed nothing."""
    return client.get("/api/v1/partner/payouts?from=2026-01", headers=key).json()


def pledges(client: Client, headers: dict[str, str], donation: dict[str, Any]) -> Any:
    return client.get(f"/api/v1/donations/{donation['donation_id']}", headers=headers).json()[
        "pledges"
    ]


def _status(pledge: dict[str, Any]) -> tuple[int, int, str, list[tuple[str, int]]]:
    return (pledge["owed_minor"], pledge["paid_minor"], pledge["status"],
            [(p["reference"], p["amount_minor"]) for p in pledge["payments"]])  # fmt: skip


# Payments


def test_payments_pay_the_oldest_pledges_first(client: Client, as_user: AsUser) -> None:
    _, key = partner(client, "Gansu Meals")
    project_id, sponsor_id = project_with_sponsor(client, key)
    # 100 fen per 10,000 steps: pledges of 100, 200 and 300 fen, in that order.
    given = [give(client, as_user, f"w{n}", project_id, steps, TODAY)
             for n, steps in enumerate([10_000, 20_000, 30_000])]  # fmt: skip
    assert [_status(p) for _, d in given for p in d["pledges"]] == [
        (100, 0, "owed", []), (200, 0, "owed", []), (300, 0, "owed", []),
    ]  # fmt: skip
    first = pay(client, key, sponsor_id, 250, "nov-1", reference=" BOC-0001 ")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["payer_kind"], body["payer_id"], body["project_id"]) == (
        "sponsor", sponsor_id, project_id,
    )  # fmt: skip
    assert (body["amount_minor"], body["currency"], body["reference"], body["paid_on"]) == (
        250, "CNY", "BOC-0001", str(TODAY),
    )  # fmt: skip
    assert [_status(pledges(client, h, d)[0]) for h, d in given] == [
        (100, 100, "paid", [("BOC-0001", 100)]),
        (200, 150, "partly_paid", [("BOC-0001", 150)]),
        (300, 0, "owed", []),
    ]
    assert pay(client, key, sponsor_id, 350, "nov-2", reference="BOC-0002").status_code == 201
    assert [_status(pledges(client, h, d)[0]) for h, d in given] == [
        (100, 100, "paid", [("BOC-0001", 100)]),
        (200, 200, "paid", [("BOC-0001", 150), ("BOC-0002", 50)]),
        (300, 300, "paid", [("BOC-0002", 300)]),
    ]
    assert books(client, key)["projects"][0]["totals"] == [
        {"currency": "CNY", "owed_minor": 600, "paid_minor": 600, "outstanding_minor": 0}
    ]


def test_a_retry_returns_the_first_payment_and_a_reused_key_is_refused(
    client: Client, as_user: AsUser
) -> None:
    _, key = partner(client, "Gansu Meals")
    project_id, sponsor_id = project_with_sponsor(client, key)
    give(client, as_user, "w1", project_id, 30_000, TODAY)
    first = pay(client, key, sponsor_id, 200, "same")
    again = pay(client, key, sponsor_id, 200, "same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    before = books(client, key)
    assert before["projects"][0]["totals"][0]["paid_minor"] == 200
    for changed in (pay(client, key, sponsor_id, 100, "same"),
                    pay(client, key, sponsor_id, 200, "same", reference="BOC-9")):  # fmt: skip
        body = problem(changed, 409)
        assert "Idempotency-Key 'same' was already used for another payment" in str(body["detail"])
    assert books(client, key) == before


def test_payment_refusals_say_why_and_change_nothing(client: Client, as_user: AsUser) -> None:
    _, key = partner(client, "Gansu Meals")
    _, other_key = partner(client, "Someone Else")
    project_id, sponsor_id = project_with_sponsor(client, key)
    _, others_sponsor = project_with_sponsor(client, other_key)
    give(client, as_user, "w1", project_id, 30_000, TODAY)  # 300 fen owed
    assert pay(client, key, sponsor_id, 100, "first").status_code == 201  # 200 outstanding
    url = f"/api/v1/partner/sponsors/{sponsor_id}/payments"
    good = {"amount_minor": 50, "currency": "CNY", "reference": "R-1", "paid_on": str(TODAY)}
    before, others_before = books(client, key), books(client, other_key)
    cases = [
        (pay(client, key, sponsor_id, 201, "k1"), 409,
         "2.01 CNY is more than the 2.00 CNY sponsor"),
        (pay(client, key, sponsor_id, 50, "k2", currency="USD"), 422, "pays in CNY, not USD"),
        (pay(client, key, sponsor_id, 50, "k3", currency="yuan"), 422, "ISO 4217"),
        (pay(client, key, sponsor_id, 50, "k4", paid_on=TODAY + timedelta(days=2)), 422,
         "is after today"),
        (pay(client, key, sponsor_id, 50, "k5", reference="   "), 422, "1 to 100 characters"),
        (pay(client, key, sponsor_id, 50, "k6", reference="R" * 101), 422,
         "1 to 100 characters"),
        (pay(client, key, others_sponsor, 50, "k7"), 404,
         "no sponsor with that id for this partner"),
        (pay(client, other_key, sponsor_id, 50, "k8"), 404, "no sponsor with that id"),
        (pay(client, key, "sp_missing", 50, "k9"), 404, "no sponsor with that id"),
        (client.post(url, json=good, headers=key), 422, "Idempotency-Key"),
        (pay(client, key, sponsor_id, 0, "k10"), 400, "amount_minor"),
        (client.post(url, json={**good, "extra": 1}, headers={**key, "Idempotency-Key": "k11"}),
         400, "extra"),
    ]  # fmt: skip
    for response, status, words in cases:
        assert words in str(problem(response, status)["detail"]), response.text
    assert books(client, key) == before
    assert books(client, other_key) == others_before


# Confirmations


def test_confirmations_never_add_up_to_more_than_was_paid(client: Client, as_user: AsUser) -> None:
    _, key = partner(client, "Gansu Meals")
    _, other_key = partner(client, "Someone Else")
    project_id, sponsor_id = project_with_sponsor(client, key, rate=200)
    others_project, _ = project_with_sponsor(client, other_key)
    give(client, as_user, "w1", project_id, 30_000, TODAY)  # 600 fen owed
    pay(client, key, sponsor_id, 500, "paid")
    first = confirm(client, key, project_id, 400, "meals-1", item="  school   meals ")
    assert first.status_code == 201, first.text
    recorded = {k: v for k, v in first.json().items() if k not in ("confirmation_id", "created_at")}
    assert recorded == {
        "project_id": project_id, "item": "school meals", "quantity": 30, "currency": "CNY",
        "amount_minor": 400, "delivered_on": str(TODAY), "note": "hot lunches for a week",
    }  # fmt: skip
    again = confirm(client, key, project_id, 400, "meals-1", item="  school   meals ")
    assert (again.status_code, again.json()) == (200, first.json())
    before = books(client, key)
    cases = [
        (confirm(client, key, project_id, 101, "k1"), 409,
         "more than was paid: 5.00 CNY paid, 4.00 CNY already confirmed"),
        (confirm(client, key, project_id, 10, "k2", currency="USD"), 409, "0.00 USD paid"),
        (confirm(client, key, project_id, 10, "k3", delivered_on=str(TODAY + timedelta(days=2))),
         422, "is after today"),
        (confirm(client, key, project_id, 10, "k4", item=" "), 422, "1 to 80 characters"),
        (confirm(client, key, project_id, 10, "k5", note="n" * 501), 422, "at most 500"),
        (confirm(client, key, project_id, 10, "k6", quantity=0), 400, "quantity"),
        (confirm(client, key, others_project, 10, "k7"), 404,
         "no project with that id for this partner"),
        (confirm(client, other_key, project_id, 10, "k8"), 404, "no project with that id"),
        (confirm(client, key, project_id, 50, "meals-1"), 409,
         "already used for another confirmation"),
        (client.post(f"/api/v1/partner/projects/{project_id}/confirmations",
                     json={"item": "x", "quantity": 1, "amount_minor": 1, "currency": "CNY",
                           "delivered_on": str(TODAY)}, headers=key), 422, "Idempotency-Key"),
    ]  # fmt: skip
    for response, status, words in cases:
        assert words in str(problem(response, status)["detail"]), response.text
    assert books(client, key) == before
    assert confirm(client, key, project_id, 100, "meals-2").status_code == 201


# Challenges: their matches and bonus are owed, and their owner pays them


def test_a_challenge_s_matches_are_owed_and_its_owner_pays_them(
    client: Client, as_user: AsUser
) -> None:
    _, charity = partner(client, "Gansu Meals")
    company_id, company = partner(client, "Walking Company")
    project_id, _ = project_with_sponsor(client, charity)
    store = client.app.state.runtime.store
    add_challenge(store, "ch_autumn", company_id, sponsor_name="Walking Company Fund")
    headers, donation = give(client, as_user, "w1", project_id, 20_000, TODAY)
    after = datetime.fromisoformat(donation["created_at"]) + timedelta(seconds=1)
    add_challenge_entry(store, "ch_autumn", donation["donation_id"], project_id, 150, after)
    add_challenge_entry(store, "ch_autumn", donation["donation_id"], project_id, 50,
                        after + timedelta(seconds=1), kind="bonus")  # fmt: skip
    assert [(p["kind"], p["payer"], p["owed_minor"], p["status"])
            for p in pledges(client, headers, donation)] == [
        ("credit", "Green Fund", 200, "owed"),
        ("match", "Walking Company Fund", 150, "owed"),
        ("bonus", "Walking Company Fund", 50, "owed"),
    ]  # fmt: skip
    url = "/api/v1/partner/challenges/ch_autumn/payments"
    body = {"project_id": project_id, "amount_minor": 180, "currency": "CNY",
            "reference": "ICBC-77", "paid_on": str(TODAY)}  # fmt: skip
    paid = client.post(url, json=body, headers={**company, "Idempotency-Key": "c1"})
    assert paid.status_code == 201, paid.text
    assert (paid.json()["payer_kind"], paid.json()["payer_id"]) == ("challenge", "ch_autumn")
    assert [_status(p) for p in pledges(client, headers, donation)[1:]] == [
        (150, 150, "paid", [("ICBC-77", 150)]),
        (50, 30, "partly_paid", [("ICBC-77", 30)]),
    ]
    before = books(client, company), books(client, charity)
    cases = [
        (client.post(url, json={**body, "amount_minor": 21},
                     headers={**company, "Idempotency-Key": "c2"}), 409, "more than the 0.20 CNY"),
        (client.post(url, json={**body, "currency": "USD"},
                     headers={**company, "Idempotency-Key": "c3"}), 422, "pays in CNY, not USD"),
        (client.post(url, json={**body, "project_id": "pj_missing"},
                     headers={**company, "Idempotency-Key": "c4"}), 404, "no project"),
        (client.post(url, json=body, headers={**charity, "Idempotency-Key": "c5"}), 404,
         "no challenge with that id for this partner"),
        (client.post("/api/v1/partner/challenges/ch_missing/payments", json=body,
                     headers={**company, "Idempotency-Key": "c6"}), 404, "no challenge"),
    ]  # fmt: skip
    for response, status, words in cases:
        assert words in str(problem(response, status)["detail"]), response.text
    assert (books(client, company), books(client, charity)) == before
    # The charity sees what the challenge owes its project; the company, what its challenge owes.
    charity_books, company_books = books(client, charity), books(client, company)
    assert charity_books["projects"][0]["totals"] == [
        {"currency": "CNY", "owed_minor": 400, "paid_minor": 180, "outstanding_minor": 220}
    ]
    assert company_books["projects"] == []
    assert [(p["payer_kind"], p["payer_id"], p["project_id"], p["totals"])
            for p in company_books["payers"]] == [
        ("challenge", "ch_autumn", project_id,
         [{"currency": "CNY", "owed_minor": 200, "paid_minor": 180, "outstanding_minor": 20}]),
    ]  # fmt: skip


# The report


def test_the_report_gives_owed_paid_and_outstanding_month_by_month_in_json_and_csv(
    client: Client, as_user: AsUser, clock: Clock
) -> None:
    partner_id, key = partner(client, "Gansu Meals")
    project_id, sponsor_id = project_with_sponsor(client, key)
    store = client.app.state.runtime.store
    add_challenge(store, "ch_autumn", partner_id)
    # October: a pledge of 100 from the sponsor and a match of 50; the sponsor pays 60.
    clock.at = OCTOBER
    _, october = give(client, as_user, "w1", project_id, 10_000, OCTOBER.date())
    add_challenge_entry(store, "ch_autumn", october["donation_id"], project_id, 50,
                        OCTOBER + timedelta(minutes=1))  # fmt: skip
    assert pay(client, key, sponsor_id, 60, "oct", "OCT-S", OCTOBER.date()).status_code == 201
    # November: a pledge of 200 and a match of 100; the sponsor pays 200, the challenge 120.
    clock.at = NOVEMBER
    _, november = give(client, as_user, "w2", project_id, 20_000, TODAY)
    add_challenge_entry(store, "ch_autumn", november["donation_id"], project_id, 100,
                        NOVEMBER + timedelta(minutes=1))  # fmt: skip
    assert pay(client, key, sponsor_id, 200, "nov", "NOV-S").status_code == 201
    challenge_payment = {"project_id": project_id, "amount_minor": 120, "currency": "CNY",
                         "reference": "NOV-C", "paid_on": str(TODAY)}  # fmt: skip
    assert client.post("/api/v1/partner/challenges/ch_autumn/payments", json=challenge_payment,
                       headers={**key, "Idempotency-Key": "nov-c"}).status_code == 201  # fmt: skip
    assert confirm(client, key, project_id, 300, "meals").status_code == 201

    report = client.get("/api/v1/partner/payouts?from=2026-10&to=2026-11", headers=key).json()
    assert (report["partner_id"], report["first_month"], report["last_month"]) == (
        partner_id, "2026-10", "2026-11",
    )  # fmt: skip
    [project] = report["projects"]
    assert project["project_id"] == project_id
    assert project["months"] == [
        {"month": "2026-10", "currency": "CNY", "owed_minor": 150, "paid_minor": 60,
         "outstanding_minor": 90},
        {"month": "2026-11", "currency": "CNY", "owed_minor": 300, "paid_minor": 320,
         "outstanding_minor": 70},
    ]  # fmt: skip
    assert project["totals"] == [
        {"currency": "CNY", "owed_minor": 450, "paid_minor": 380, "outstanding_minor": 70}
    ]
    assert [(c["item"], c["quantity"], c["amount_minor"]) for c in project["confirmations"]] == [
        ("school meals", 30, 300)
    ]
    payers = {(p["payer_kind"], p["payer_id"]): p for p in report["payers"]}
    assert set(payers) == {("sponsor", sponsor_id), ("challenge", "ch_autumn")}
    assert [(m["month"], m["owed_minor"], m["paid_minor"], m["outstanding_minor"])
            for m in payers[("sponsor", sponsor_id)]["months"]] == [
        ("2026-10", 100, 60, 40), ("2026-11", 200, 200, 40),
    ]  # fmt: skip
    assert [(m["month"], m["owed_minor"], m["paid_minor"], m["outstanding_minor"])
            for m in payers[("challenge", "ch_autumn")]["months"]] == [
        ("2026-10", 50, 0, 50), ("2026-11", 100, 120, 30),
    ]  # fmt: skip

    november_only = client.get("/api/v1/partner/payouts?from=2026-11", headers=key).json()
    assert [(m["month"], m["owed_minor"], m["paid_minor"], m["outstanding_minor"])
            for m in november_only["projects"][0]["months"]] == [
        ("2026-11", 300, 320, 70),
    ]  # fmt: skip

    csv = client.get("/api/v1/partner/payouts?from=2026-10&to=2026-11&format=csv", headers=key)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == [
        "row,payer_kind,payer_id,payer,project_id,month,currency,owed_minor,paid_minor,"
        "outstanding_minor,item,quantity,amount_minor,delivered_on",
        f"project,,,,{project_id},2026-10,CNY,150,60,90,,,,",
        f"project,,,,{project_id},2026-11,CNY,300,320,70,,,,",
        f"payer,sponsor,{sponsor_id},Green Fund,{project_id},2026-10,CNY,100,60,40,,,,",
        f"payer,sponsor,{sponsor_id},Green Fund,{project_id},2026-11,CNY,200,200,40,,,,",
        f"payer,challenge,ch_autumn,Walkers' Fund,{project_id},2026-10,CNY,50,0,50,,,,",
        f"payer,challenge,ch_autumn,Walkers' Fund,{project_id},2026-11,CNY,100,120,30,,,,",
        f"confirmation,,,,{project_id},2026-11,CNY,,,,school meals,30,300,{TODAY}",
    ]


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("from=2026-13", 422, "is not a month"),
        ("from=2026-11&to=2026-10", 422, "is after to"),
        ("from=2000-01&to=2026-11", 422, "at most 120 months"),
        ("format=xml", 422, "format 'xml'"),
        ("to=November", 400, "matching regex"),
    ],
)
def test_a_bad_report_query_is_refused(client: Client, query: str, status: int, words: str) -> None:
    _, key = partner(client, "Gansu Meals")
    response = client.get(f"/api/v1/partner/payouts?{query}", headers=key)
    assert words in str(problem(response, status)["detail"])


def test_another_partner_s_report_shows_nothing_of_yours(client: Client, as_user: AsUser) -> None:
    _, key = partner(client, "Gansu Meals")
    _, other = partner(client, "Someone Else")
    project_id, sponsor_id = project_with_sponsor(client, key)
    give(client, as_user, "w1", project_id, 20_000, TODAY)
    pay(client, key, sponsor_id, 100, "p")
    theirs = client.get("/api/v1/partner/payouts", headers=other).json()
    assert (theirs["projects"], theirs["payers"]) == ([], [])


# Pages and the donation's JSON


def test_the_project_page_shows_owed_paid_outstanding_and_what_was_bought(
    client: Client, as_user: AsUser
) -> None:
    _, key = partner(client, "Gansu Meals")
    project_id, sponsor_id = project_with_sponsor(client, key, rate=200)
    # The page is cached for a few seconds per query, so this first look asks for easy mode.
    page = client.get(f"/projects/{project_id}?lang=en&easy=1").text
    assert "Nothing is owed to this project yet." in page
    give(client, as_user, "w1", project_id, 30_000, TODAY)
    pay(client, key, sponsor_id, 450, "p")
    confirm(client, key, project_id, 400, "c", quantity=1200, note="")
    page = client.get(f"/projects/{project_id}?lang=en").text
    assert "Where the money went" in page
    row = page.split('<table id="payouts">')[1].split("</table>")[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    assert cells == ["6.00 CNY", "4.50 CNY", "1.50 CNY"]
    assert f"1,200 × school meals for 4.00 CNY, delivered on {TODAY}" in page
    chinese = client.get(f"/projects/{project_id}?lang=zh-CN").text
    assert "善款去向" in chinese
    assert "赞助方应付" in chinese


def test_the_certificate_shows_the_chain_from_steps_to_money_paid(
    client: Client, as_user: AsUser
) -> None:
    _, key = partner(client, "Gansu Meals")
    project_id, sponsor_id = project_with_sponsor(client, key)
    _, donation = give(client, as_user, "w1", project_id, 12_345, TODAY)
    url = donation["certificate_url"] + "?lang=en"
    response = client.get(url)
    # Short: whether the money is paid changes when a partner records a payment.
    assert response.headers["cache-control"] == "public, max-age=60"
    page = response.text
    assert f"12,345 steps walked on {TODAY}" in page
    assert "Verified: a counted day" in page
    assert f"{donation['kg_co2e']:.2f} kg CO2e avoided" in page
    assert donation["factor_set_version"] in page
    assert "Green Fund owes 1.23 CNY for these steps" in page
    assert "Not paid yet" in page
    pay(client, key, sponsor_id, 100, "p1", reference="BOC-0042")
    page = client.get(url).text
    assert "Partly paid: 1.00 CNY of 1.23 CNY" in page
    assert f"1.00 CNY paid on {TODAY}, reference BOC-0042" in page
    pay(client, key, sponsor_id, 23, "p2", reference="BOC-0043")
    page = client.get(url).text
    assert "Paid</strong>" in page
    assert f"0.23 CNY paid on {TODAY}, reference BOC-0043" in page


def test_a_donation_retry_and_the_export_carry_the_pledges_as_paid_now(
    client: Client, as_user: AsUser
) -> None:
    _, key = partner(client, "Gansu Meals")
    project_id, sponsor_id = project_with_sponsor(client, key)
    headers, _ = give(client, as_user, "w1", project_id, 30_000, TODAY)
    pay(client, key, sponsor_id, 300, "p", reference="BOC-1")
    retried = client.post("/api/v1/donations", json={"project_id": project_id, "date": str(TODAY)},
                          headers={**headers, "Idempotency-Key": f"give-{TODAY}"})  # fmt: skip
    assert retried.status_code == 200
    paid = [(300, 300, "paid", [("BOC-1", 300)])]
    assert [_status(p) for p in retried.json()["pledges"]] == paid
    exported = client.get("/api/v1/me/export", headers=headers).json()["donations"]
    assert [_status(p) for p in exported[0]["pledges"]] == paid


def test_the_certificate_says_how_the_day_stands_now(client: Client, as_user: AsUser) -> None:
    _, key = partner(client, "Gansu Meals")
    project_id, _ = project_with_sponsor(client, key)
    headers, donation = give(client, as_user, "w1", project_id, 12_000, TODAY)
    url = donation["certificate_url"] + "?lang=en"
    # A later, higher count whose device distance gives a 10 m step is flagged.
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 13_000, "device_distance_m": 130_000},
               headers=headers)  # fmt: skip
    assert "Flagged since it was given: " in client.get(url).text
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    page = client.get(url).text
    assert "Verified: a counted day when it was given" in page
    assert "Green Fund owes 1.20 CNY for these steps" in page
