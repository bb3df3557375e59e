"""The payout ledger on a real DuckDB file: sponsors' credits and challenges' matches and bonus
are owed, payments and confirmations are kept, and nothing is ever changed or deleted."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from greenapp.domain.donations import Credit, Donation, Project, Sponsor
from greenapp.domain.money import Money
from greenapp.domain.partners import Partner
from greenapp.domain.payouts import Account, Balance, Confirmation, Payment, cover
from greenapp.store.activity import sql
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.ports import StoreTx
from tests.challenge_rows import add_challenge, add_challenge_entry

NOW = datetime(2026, 11, 20, 8, tzinfo=UTC)
DAY = NOW.date()
PROJECT = Project("pj_1", "pt_charity", {"en": "School meals"}, {"en": "Lunches."}, "steps",
                  1_000_000, None, date(2026, 9, 1), date(2026, 12, 31), 0)  # fmt: skip
SPONSOR = Sponsor("sp_1", "pj_1", "Green Fund", Money("CNY", 100), Money("CNY", 0))


def _donation(n: int, steps: int, at: datetime) -> Donation:
    credit = Credit("sp_1", "Green Fund", Money("CNY", steps // 100))
    return Donation(f"d{n}", f"walker{n}", "pj_1", DAY, steps, steps * 0.0007, 0.1, 0.08, 0.12,
                    "0123456789abcdef", (credit,), at, "en")  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBActivityStore]:
    """A charity's project with a sponsor, two donations to it (credits of 100 and 200), and a
    company's challenge that matched the first with 150 and added a bonus of 50 with the second.
    """
    store = DuckDBActivityStore(tmp_path / "payouts.duckdb")

    def work(tx: StoreTx) -> None:
        for partner in (Partner("pt_charity", "Gansu Meals"), Partner("pt_company", "Company")):
            tx.add_partner(partner, NOW)
        tx.save_project(PROJECT, NOW)
        tx.add_sponsor("pt_charity", SPONSOR, NOW)
        tx.add_funding("f1", "sp_1", Money("CNY", 10_000), "fund", NOW)
        tx.add_donation(_donation(1, 10_000, NOW), "k1", "fp1")
        tx.add_donation(_donation(2, 20_000, NOW + timedelta(minutes=2)), "k2", "fp2")

    store.write(work)
    add_challenge(store, "ch_1", "pt_company", sponsor_name="Company Fund")
    add_challenge_entry(store, "ch_1", "d1", "pj_1", 150, NOW + timedelta(minutes=1))
    add_challenge_entry(store, "ch_1", "d2", "pj_1", 50, NOW + timedelta(minutes=3), kind="bonus")
    yield store
    store.close()


SPONSOR_ACCOUNT = Account("sponsor", "sp_1", "pj_1", "CNY")
CHALLENGE_ACCOUNT = Account("challenge", "ch_1", "pj_1", "CNY")


def test_credits_and_challenge_matches_and_bonus_are_owed(store: DuckDBActivityStore) -> None:
    def work(tx: StoreTx) -> tuple[Balance, Balance, list[Balance]]:
        return (tx.account_balance(SPONSOR_ACCOUNT), tx.account_balance(CHALLENGE_ACCOUNT),
                tx.project_balances("pj_1"))  # fmt: skip

    sponsor, challenge, project = store.read(work)
    assert sponsor == Balance("CNY", 300, 0)
    assert challenge == Balance("CNY", 200, 0)
    assert project == [Balance("CNY", 500, 0)]


def test_a_donation_s_pledges_know_what_their_account_owed_before_them(
    store: DuckDBActivityStore,
) -> None:
    found = store.read(lambda tx: tx.donation_pledges(["d2", "d1"]))
    assert [(p.donation_id, p.kind, p.payer_kind, p.payer_name, p.money.minor, before)
            for p, before in found] == [
        ("d1", "credit", "sponsor", "Green Fund", 100, 0),
        ("d1", "match", "challenge", "Company Fund", 150, 0),
        ("d2", "credit", "sponsor", "Green Fund", 200, 100),
        ("d2", "bonus", "challenge", "Company Fund", 50, 150),
    ]  # fmt: skip


def test_payments_are_kept_and_found_by_key_and_by_donation(store: DuckDBActivityStore) -> None:
    payment = Payment("pm_1", "pt_company", "challenge", "ch_1", "pj_1", Money("CNY", 170),
                      "ICBC-1", DAY, NOW + timedelta(hours=1))  # fmt: skip
    store.write(lambda tx: tx.add_payment(payment, "key-1", "fingerprint-1"))

    def work(tx: StoreTx) -> object:
        return (tx.payment_by_key("pt_company", "key-1"), tx.payment_by_key("pt_charity", "key-1"),
                tx.donation_payments(["d1"]), tx.donation_payments(["nothing"]),
                tx.account_balance(CHALLENGE_ACCOUNT))  # fmt: skip

    assert store.read(work) == (
        ("fingerprint-1", payment), None, [payment], [], Balance("CNY", 200, 170),
    )  # fmt: skip
    pledges = store.read(lambda tx: tx.donation_pledges(["d2"]))
    bonus, before = next((p, b) for p, b in pledges if p.kind == "bonus")
    assert cover(bonus, before, [payment]).paid_minor == 20


def test_a_partner_s_months_cover_its_payers_and_the_projects_paid_into_it(
    store: DuckDBActivityStore,
) -> None:
    payment = Payment("pm_1", "pt_charity", "sponsor", "sp_1", "pj_1", Money("CNY", 80),
                      "BOC-1", date(2026, 10, 31), NOW)  # fmt: skip
    store.write(lambda tx: tx.add_payment(payment, "key-1", "fingerprint-1"))
    charity = store.read(lambda tx: tx.partner_account_months("pt_charity"))
    company = store.read(lambda tx: tx.partner_account_months("pt_company"))
    owed = {(m.account, m.month): m.minor for m in charity[0]}
    assert owed == {(SPONSOR_ACCOUNT, "2026-11"): 300, (CHALLENGE_ACCOUNT, "2026-11"): 200}
    assert [(m.account, m.month, m.minor) for m in charity[1]] == [(SPONSOR_ACCOUNT, "2026-10", 80)]
    assert [(m.account, m.minor) for m in company[0]] == [(CHALLENGE_ACCOUNT, 200)]
    assert company[1] == []
    payers = store.read(lambda tx: tx.partner_payers("pt_company"))
    assert [(p.kind, p.payer_id, p.name, p.currency, p.project_id) for p in payers] == [
        ("challenge", "ch_1", "Company Fund", "CNY", None)
    ]


def test_confirmations_are_kept_per_project(store: DuckDBActivityStore) -> None:
    meals = Confirmation("cf_1", "pt_charity", "pj_1", "school meals", 30, Money("CNY", 90),
                         DAY, "", NOW)  # fmt: skip
    store.write(lambda tx: tx.add_confirmation(meals, "c-1", "fingerprint"))
    assert store.read(lambda tx: tx.project_confirmations("pj_1")) == [meals]
    assert store.read(lambda tx: tx.partner_confirmations("pt_charity")) == [meals]
    assert store.read(lambda tx: tx.confirmation_by_key("pt_charity", "c-1")) == (
        "fingerprint", meals,
    )  # fmt: skip


def test_payments_confirmations_and_the_challenge_ledger_are_append_only() -> None:
    """No statement of the store updates or deletes a payment, a confirmation or a pledge."""
    statements = " ".join(" ".join(value.split()) for name, value in vars(sql).items()
                          if name.isupper() and isinstance(value, str)).upper()  # fmt: skip
    for table in ("PAYMENTS", "CONFIRMATIONS", "CHALLENGE_LEDGER"):
        assert f"UPDATE {table}" not in statements
        assert f"DELETE FROM {table}" not in statements
    assert "INSERT INTO PAYMENTS" in statements
    assert "INSERT INTO CONFIRMATIONS" in statements
