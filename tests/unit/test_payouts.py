"""Where the money went: the payment and confirmation rules, first-in-first-out allocation and
the monthly summaries."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenapp.domain.errors import Conflict, RuleBroken
from greenapp.domain.money import Money
from greenapp.domain.payouts import (
    Account,
    AccountMonth,
    Balance,
    Payer,
    Payment,
    Pledge,
    allocate,
    balances,
    check_confirmation,
    check_payment,
    cover,
    monthly,
    parse_month,
    pledge_order,
    report_months,
)

TODAY = date(2026, 11, 20)
T0 = datetime(2026, 11, 1, tzinfo=UTC)
SPONSOR = Payer("sponsor", "sp_1", "pt_1", "Green Fund", "CNY", "pj_1")


def _pledge(n: int, minor: int, payer_id: str = "sp_1", currency: str = "CNY") -> Pledge:
    return Pledge(f"e{n:03d}", "credit", "sponsor", payer_id, "Green Fund", "pj_1", f"d{n}",
                  Money(currency, minor), T0 + timedelta(minutes=n))  # fmt: skip


def _payment(n: int, minor: int, payer_id: str = "sp_1", currency: str = "CNY") -> Payment:
    return Payment(f"pm{n:03d}", "pt_1", "sponsor", payer_id, "pj_1", Money(currency, minor),
                   f"REF-{n}", TODAY, T0 + timedelta(hours=n))  # fmt: skip


# The payment rules


def test_a_payment_within_what_is_outstanding_is_accepted_with_its_reference_trimmed() -> None:
    reference = check_payment(Money("CNY", 500), SPONSOR, "  BOC-0042 ", TODAY, TODAY,
                              Money("CNY", 500))  # fmt: skip
    assert reference == "BOC-0042"


@pytest.mark.parametrize(
    ("money", "reference", "paid_on", "error", "words"),
    [
        (Money("CNY", 0), "R", TODAY, RuleBroken, "must be positive"),
        (Money("CNY", -5), "R", TODAY, RuleBroken, "must be positive"),
        (Money("USD", 100), "R", TODAY, RuleBroken, "pays in CNY, not USD"),
        (Money("CNY", 100), "   ", TODAY, RuleBroken, "1 to 100 characters"),
        (Money("CNY", 100), "x" * 101, TODAY, RuleBroken, "1 to 100 characters"),
        (Money("CNY", 100), "R", TODAY + timedelta(days=1), RuleBroken, "is after today"),
        (Money("CNY", 501), "R", TODAY, Conflict, "more than the 5.00 CNY"),
    ],
)
def test_a_payment_breaking_a_rule_is_refused(
    money: Money, reference: str, paid_on: date, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        check_payment(money, SPONSOR, reference, paid_on, TODAY, Money("CNY", 500))


def test_a_reference_of_a_hundred_characters_after_trimming_is_accepted() -> None:
    long = " " + "x" * 100 + " "
    assert check_payment(Money("CNY", 1), SPONSOR, long, TODAY, TODAY, Money("CNY", 1)) == "x" * 100


# The confirmation rules


def _confirm(item: str = "school meals", quantity: int = 10, minor: int = 300,
             delivered_on: date = TODAY, note: str = "", paid: int = 1000,
             confirmed: int = 700) -> tuple[str, str]:  # fmt: skip
    return check_confirmation(item, quantity, Money("CNY", minor), delivered_on, note, TODAY,
                              Money("CNY", paid), Money("CNY", confirmed))  # fmt: skip


def test_a_confirmation_up_to_what_was_paid_is_accepted() -> None:
    assert _confirm(item="  school   meals ", note=" for 10 children ") == (
        "school meals",
        "for 10 children",
    )


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"item": " "}, RuleBroken, "1 to 80 characters"),
        ({"item": "x" * 81}, RuleBroken, "1 to 80 characters"),
        ({"quantity": 0}, RuleBroken, "quantity must be positive"),
        ({"minor": 0}, RuleBroken, "amount_minor must be positive"),
        ({"delivered_on": TODAY + timedelta(days=1)}, RuleBroken, "is after today"),
        ({"note": "n" * 501}, RuleBroken, "at most 500"),
        ({"minor": 301}, Conflict, "more than was paid: 10.00 CNY paid, 7.00 CNY already"),
    ],
)
def test_a_confirmation_breaking_a_rule_is_refused(
    change: dict[str, object], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        _confirm(**change)  # type: ignore[arg-type]


# Allocation


def test_payments_cover_the_oldest_pledges_first_and_split_across_pledges() -> None:
    pledges = [_pledge(1, 100), _pledge(2, 50), _pledge(3, 80)]
    payments = [_payment(1, 120), _payment(2, 40)]
    states = allocate(pledges, payments)
    assert [(s.paid_minor, s.status) for s in states] == [
        (100, "paid"), (50, "paid"), (10, "partly_paid"),
    ]  # fmt: skip
    assert [(c.reference, c.minor) for c in states[1].covers] == [("REF-1", 20), ("REF-2", 30)]
    assert [(c.reference, c.minor) for c in states[2].covers] == [("REF-2", 10)]
    assert states[2].outstanding_minor == 70


def test_accounts_are_kept_apart() -> None:
    pledges = [_pledge(1, 100, "sp_1"), _pledge(2, 100, "sp_2"), _pledge(3, 100, "sp_1", "USD")]
    states = allocate(pledges, [_payment(1, 100, "sp_2")])
    assert [s.status for s in states] == ["owed", "paid", "owed"]


def test_cover_of_one_pledge_agrees_with_allocating_them_all() -> None:
    pledges = [_pledge(1, 100), _pledge(2, 50), _pledge(3, 80)]
    payments = [_payment(1, 120), _payment(2, 40)]
    assert cover(pledges[2], 150, payments) == allocate(pledges, payments)[2]


ACCOUNTS = [("sp_1", "CNY"), ("sp_2", "CNY"), ("sp_1", "USD")]


@st.composite
def _ledgers(draw: st.DrawFn) -> tuple[list[Pledge], list[Payment]]:
    pledges = [
        _pledge(n, draw(st.integers(1, 500)), *ACCOUNTS[draw(st.integers(0, 2))])
        for n in range(draw(st.integers(0, 25)))
    ]
    payments = [
        _payment(n, draw(st.integers(1, 800)), *ACCOUNTS[draw(st.integers(0, 2))])
        for n in range(draw(st.integers(0, 8)))
    ]
    order = draw(st.permutations(range(len(pledges))))
    return [pledges[i] for i in order], payments


@given(_ledgers())
def test_allocation_never_pays_more_than_was_paid_or_pledged_and_is_first_in_first_out(
    ledgers: tuple[list[Pledge], list[Payment]],
) -> None:
    pledges, payments = ledgers
    states = allocate(pledges, payments)
    assert [s.pledge for s in states] == pledges
    paid: dict[Account, int] = defaultdict(int)
    owed: dict[Account, int] = defaultdict(int)
    for payment in payments:
        paid[payment.account] += payment.money.minor
    for pledge in pledges:
        owed[pledge.account] += pledge.money.minor
    allocated: dict[Account, int] = defaultdict(int)
    per_payment: dict[str, int] = defaultdict(int)
    for state in states:
        assert 0 <= state.paid_minor <= state.pledge.money.minor
        allocated[state.pledge.account] += state.paid_minor
        for part in state.covers:
            assert part.minor > 0
            per_payment[part.payment_id] += part.minor
    for account in owed | paid:
        assert allocated[account] == min(owed[account], paid[account])
    for payment in payments:
        assert per_payment[payment.payment_id] <= payment.money.minor
    for account in owed:
        in_order = sorted((s for s in states if s.pledge.account == account),
                          key=lambda s: pledge_order(s.pledge))  # fmt: skip
        unpaid_seen = False
        for state in in_order:
            if unpaid_seen:
                assert state.paid_minor == 0, "a later pledge was paid before an earlier one"
            unpaid_seen = unpaid_seen or state.outstanding_minor > 0


# Months


def _line(month: str, minor: int, currency: str = "CNY") -> AccountMonth:
    return AccountMonth(Account("sponsor", "sp_1", "pj_1", currency), month, minor)


def test_months_show_owed_paid_and_outstanding_carried_from_before_the_first() -> None:
    owed = [_line("2026-08", 1000), _line("2026-10", 300), _line("2026-12", 99),
            _line("2026-10", 10, "USD")]  # fmt: skip
    paid = [_line("2026-09", 400), _line("2026-11", 500), _line("2026-10", 7, "USD")]
    lines = monthly(owed, paid, "2026-09", "2026-11")
    assert [(m.month, m.currency, m.owed_minor, m.paid_minor, m.outstanding_minor)
            for m in lines] == [
        ("2026-09", "CNY", 0, 400, 600),
        ("2026-10", "CNY", 300, 0, 900),
        ("2026-10", "USD", 10, 7, 3),
        ("2026-11", "CNY", 0, 500, 400),
        ("2026-11", "USD", 0, 0, 3),
    ]  # fmt: skip
    assert balances(owed, paid, "2026-11") == [Balance("CNY", 1300, 900), Balance("USD", 10, 7)]


def test_a_month_is_written_yyyy_mm() -> None:
    assert parse_month("2026-02") == "2026-02"
    for wrong in ("2026-13", "2026-00", "2026-2", "Nov 2026"):
        with pytest.raises(RuleBroken, match="YYYY-MM"):
            parse_month(wrong)


def test_a_report_covers_a_year_to_this_month_unless_told() -> None:
    assert report_months(None, None, TODAY) == ("2025-12", "2026-11")
    assert report_months(None, "2026-01", TODAY) == ("2025-02", "2026-01")
    assert report_months("2026-03", "2026-03", TODAY) == ("2026-03", "2026-03")
    with pytest.raises(RuleBroken, match="is after to"):
        report_months("2026-05", "2026-04", TODAY)
    with pytest.raises(RuleBroken, match="at most 120 months"):
        report_months("2000-01", "2026-01", TODAY)
