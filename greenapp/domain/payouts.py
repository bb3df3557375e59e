"""Where the money went: what payers owe for donations, what they paid, and what it bought.

Each sponsor's credit for a donation, and each team challenge's match or bonus, is a pledge:
money one payer owes one project for one donation. Partners record the payments they make, with
their bank's reference, and the charity confirms what the money bought (meals, trees…). All
three only ever grow, in integer minor units.

A payer, a project and a currency make an account. Payments are allocated to the account's
pledges first in, first out, both in the order they were recorded: the oldest pledge is paid
first, and a payment larger than one pledge goes on to the next. A payment is never more than
the account has outstanding, so a pledge recorded after a payment is never covered by it, and a
pledge once covered stays covered by the same payments.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from greenapp.domain.donations import format_money
from greenapp.domain.errors import Conflict, RuleBroken
from greenapp.domain.money import Money

REFERENCE_MAX: Final = 100
ITEM_MAX: Final = 80
NOTE_MAX: Final = 500
MONTH: Final = re.compile(r"^(\d{4})-(\d{2})$")
REPORT_MONTHS_MAX: Final = 120


@dataclass(frozen=True, slots=True)
class Payer:
    """A sponsor of one project, or a team challenge's sponsor (who may owe several)."""

    kind: str  # sponsor | challenge
    payer_id: str
    partner_id: str  # the partner that owns it, and alone records its payments
    name: str
    currency: str
    project_id: str | None  # a sponsor's project; None for a challenge


@dataclass(frozen=True, slots=True, order=True)
class Account:
    """What one payer owes one project in one currency: payments are allocated within it."""

    payer_kind: str
    payer_id: str
    project_id: str
    currency: str


@dataclass(frozen=True, slots=True)
class Pledge:
    """A credit or a challenge's match or bonus: money owed to a project for one donation."""

    entry_id: str
    kind: str  # credit | match | bonus
    payer_kind: str
    payer_id: str
    payer_name: str
    project_id: str
    donation_id: str
    money: Money
    created_at: datetime

    @property
    def account(self) -> Account:
        return Account(self.payer_kind, self.payer_id, self.project_id, self.money.currency)


@dataclass(frozen=True, slots=True)
class Payment:
    payment_id: str
    partner_id: str
    payer_kind: str
    payer_id: str
    project_id: str
    money: Money
    reference: str
    paid_on: date
    created_at: datetime

    @property
    def account(self) -> Account:
        return Account(self.payer_kind, self.payer_id, self.project_id, self.money.currency)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The charity's word on what some of the money paid to a project bought."""

    confirmation_id: str
    partner_id: str
    project_id: str
    item: str
    quantity: int
    money: Money
    delivered_on: date
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Cover:
    """The part of one payment that went to one pledge."""

    payment_id: str
    reference: str
    paid_on: date
    minor: int


@dataclass(frozen=True, slots=True)
class PledgeState:
    pledge: Pledge
    covers: tuple[Cover, ...] = ()

    @property
    def paid_minor(self) -> int:
        return sum(c.minor for c in self.covers)

    @property
    def outstanding_minor(self) -> int:
        return self.pledge.money.minor - self.paid_minor

    @property
    def status(self) -> str:
        if self.paid_minor == 0:
            return "owed"
        return "paid" if self.outstanding_minor == 0 else "partly_paid"


@dataclass(frozen=True, slots=True)
class Balance:
    currency: str
    owed_minor: int
    paid_minor: int

    @property
    def outstanding_minor(self) -> int:
        return self.owed_minor - self.paid_minor


@dataclass(frozen=True, slots=True)
class AccountMonth:
    """Money pledged or paid in one account in one month (YYYY-MM), as the store sums it."""

    account: Account
    month: str
    minor: int


@dataclass(frozen=True, slots=True)
class MonthLine:
    """One month of an account or a project: what was pledged and paid in it, and what was
    outstanding at its end (everything owed so far less everything paid so far)."""

    month: str
    currency: str
    owed_minor: int
    paid_minor: int
    outstanding_minor: int


def check_payment(
    money: Money, payer: Payer, reference: str, paid_on: date, today: date, outstanding: Money
) -> str:
    """The payment's reference, trimmed, or raise naming the first rule it breaks.

    ``outstanding`` is what the account has outstanding before this payment.
    """
    if money.minor <= 0:
        raise RuleBroken("amount_minor must be positive")
    if money.currency != payer.currency:
        raise RuleBroken(
            f"{payer.kind} {payer.payer_id} pays in {payer.currency}, not {money.currency}"
        )
    trimmed = reference.strip()
    if not 1 <= len(trimmed) <= REFERENCE_MAX:
        raise RuleBroken(f"a payment's reference is 1 to {REFERENCE_MAX} characters")
    if paid_on > today:
        raise RuleBroken(f"paid_on {paid_on} is after today ({today})")
    if money.minor > outstanding.minor:
        raise Conflict(
            f"{format_money(money)} is more than the {format_money(outstanding)} "
            f"{payer.kind} {payer.payer_id} has outstanding"
        )
    return trimmed


def check_confirmation(
    item: str,
    quantity: int,
    money: Money,
    delivered_on: date,
    note: str,
    today: date,
    paid: Money,
    confirmed: Money,
) -> tuple[str, str]:
    """The item and note, trimmed, or raise naming the first rule the confirmation breaks.

    ``paid`` and ``confirmed`` are what the project was paid and has confirmed so far, in the
    confirmation's currency: what was bought never adds up to more than what was paid.
    """
    trimmed = " ".join(item.split())
    if not 1 <= len(trimmed) <= ITEM_MAX:
        raise RuleBroken(f"an item is 1 to {ITEM_MAX} characters, such as 'school meals'")
    if quantity <= 0:
        raise RuleBroken("quantity must be positive")
    if money.minor <= 0:
        raise RuleBroken("amount_minor must be positive")
    if delivered_on > today:
        raise RuleBroken(f"delivered_on {delivered_on} is after today ({today})")
    if len(note.strip()) > NOTE_MAX:
        raise RuleBroken(f"a note is at most {NOTE_MAX} characters")
    if confirmed.minor + money.minor > paid.minor:
        raise Conflict(
            f"{format_money(money)} more would confirm more than was paid: "
            f"{format_money(paid)} paid, {format_money(confirmed)} already confirmed"
        )
    return trimmed, note.strip()


def cover(pledge: Pledge, owed_before: int, payments: Iterable[Payment]) -> PledgeState:
    """The pledge with the parts of ``payments`` that paid it.

    ``owed_before`` is the sum of the account's pledges recorded before this one, and
    ``payments`` are in the order they were recorded (other accounts' are passed over).
    """
    start, end = owed_before, owed_before + pledge.money.minor
    covers = []
    paid_before = 0
    for payment in payments:
        if payment.account != pledge.account:
            continue
        paid_after = paid_before + payment.money.minor
        part = min(paid_after, end) - max(paid_before, start)
        if part > 0:
            covers.append(Cover(payment.payment_id, payment.reference, payment.paid_on, part))
        paid_before = paid_after
        if paid_before >= end:
            break
    return PledgeState(pledge, tuple(covers))


def pledge_order(pledge: Pledge) -> tuple[datetime, str]:
    """The order pledges were recorded in (the store orders them the same way)."""
    return pledge.created_at, pledge.entry_id


def payment_order(payment: Payment) -> tuple[datetime, str]:
    return payment.created_at, payment.payment_id


def allocate(pledges: Sequence[Pledge], payments: Sequence[Payment]) -> list[PledgeState]:
    """Every pledge with what paid it, first in, first out per account; in the given order."""
    in_order = sorted(payments, key=payment_order)
    by_account: dict[Account, list[Payment]] = {}
    for payment in in_order:
        by_account.setdefault(payment.account, []).append(payment)
    owed_so_far: dict[Account, int] = {}
    states: dict[str, PledgeState] = {}
    for pledge in sorted(pledges, key=pledge_order):
        before = owed_so_far.get(pledge.account, 0)
        states[pledge.entry_id] = cover(pledge, before, by_account.get(pledge.account, ()))
        owed_so_far[pledge.account] = before + pledge.money.minor
    return [states[p.entry_id] for p in pledges]


def parse_month(text: str) -> str:
    """A month written YYYY-MM, or RuleBroken."""
    found = MONTH.match(text)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise RuleBroken(f"{text!r} is not a month written YYYY-MM, such as '2026-11'")
    return text


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:]) - 1


def add_months(month: str, count: int) -> str:
    index = _index(month) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_from(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def report_months(first: str | None, last: str | None, today: date) -> tuple[str, str]:
    """The months a report covers: ``last`` defaults to this month, ``first`` to the eleven
    months before it (a year in all)."""
    end = parse_month(last) if last else month_of(today)
    start = parse_month(first) if first else add_months(end, -11)
    if start > end:
        raise RuleBroken(f"from {start} is after to {end}")
    if _index(end) - _index(start) + 1 > REPORT_MONTHS_MAX:
        raise RuleBroken(f"a report covers at most {REPORT_MONTHS_MAX} months")
    return start, end


def monthly(
    owed: Iterable[AccountMonth], paid: Iterable[AccountMonth], first: str, last: str
) -> list[MonthLine]:
    """Month by month from ``first`` to ``last``, per currency: owed, paid and outstanding.

    Outstanding counts everything before ``first`` too. A currency's lines start at its first
    month with money owed or paid; months after ``last`` are left out.
    """
    owed_by: dict[tuple[str, str], int] = {}
    paid_by: dict[tuple[str, str], int] = {}
    for lines, into in ((owed, owed_by), (paid, paid_by)):
        for line in lines:
            if line.month <= last:
                key = (line.account.currency, line.month)
                into[key] = into.get(key, 0) + line.minor
    result = []
    for currency in sorted({c for c, _ in owed_by | paid_by}):
        months = [m for c, m in owed_by | paid_by if c == currency]
        outstanding = sum(v for (c, m), v in owed_by.items() if c == currency and m < first)
        outstanding -= sum(v for (c, m), v in paid_by.items() if c == currency and m < first)
        for month in months_from(max(first, min(months)), last):
            o, p = owed_by.get((currency, month), 0), paid_by.get((currency, month), 0)
            outstanding += o - p
            result.append(MonthLine(month, currency, o, p, outstanding))
    return sorted(result, key=lambda line: (line.month, line.currency))


def balances(
    owed: Iterable[AccountMonth], paid: Iterable[AccountMonth], last: str
) -> list[Balance]:
    """Everything owed and paid up to the end of ``last``, per currency."""
    totals: dict[str, list[int]] = {}
    for column, lines in ((0, owed), (1, paid)):
        for line in lines:
            if line.month <= last:
                totals.setdefault(line.account.currency, [0, 0])[column] += line.minor
    return [Balance(c, o, p) for c, (o, p) in sorted(totals.items())]


def balances_of(owed: Iterable[Money], paid: Iterable[Money]) -> list[Balance]:
    """Sums of money owed and paid as one balance per currency."""
    totals: dict[str, list[int]] = {}
    for column, amounts in ((0, owed), (1, paid)):
        for money in amounts:
            totals.setdefault(money.currency, [0, 0])[column] += money.minor
    return [Balance(c, o, p) for c, (o, p) in sorted(totals.items())]
