"""Where the money went: payments partners record, what charities confirm the money bought,
reports of what is owed, paid and outstanding, and the chain from a donation's steps to the
money paid for it.

A payer's owner (the partner that added the sponsor, or that set the challenge) records its
payments; a project's own partner confirms what was bought. Another partner's ids answer 404,
as in the rest of the partner API, with a detail that does not repeat the id. A retry with the
same Idempotency-Key and body returns the first record; the same key with another body is
refused (409).
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from greenapp.domain.activity import StepDay
from greenapp.domain.donations import Donation, Project
from greenapp.domain.errors import Conflict, NotFound
from greenapp.domain.money import Money
from greenapp.domain.partners import Partner
from greenapp.domain.payouts import (
    Account,
    AccountMonth,
    Balance,
    Confirmation,
    MonthLine,
    Payer,
    Payment,
    PledgeState,
    balances,
    check_confirmation,
    check_payment,
    cover,
    month_of,
    monthly,
    report_months,
)
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, StoreTx


@dataclass(frozen=True, slots=True)
class PaymentIn:
    """A payment as a partner sends it."""

    money: Money
    reference: str
    paid_on: date


@dataclass(frozen=True, slots=True)
class Payouts:
    """Owed, paid and outstanding up to the report's last month, and month by month."""

    totals: list[Balance]
    months: list[MonthLine]


@dataclass(frozen=True, slots=True)
class ProjectPayouts:
    project: Project
    payouts: Payouts
    confirmations: list[Confirmation]


@dataclass(frozen=True, slots=True)
class PayerPayouts:
    payer: Payer
    project_id: str
    payouts: Payouts


@dataclass(frozen=True, slots=True)
class PayoutReport:
    first_month: str
    last_month: str
    projects: list[ProjectPayouts]
    payers: list[PayerPayouts]


@dataclass(frozen=True, slots=True)
class ProjectMoney:
    """What a project is owed and was paid, per currency, and what the money bought."""

    balances: list[Balance]
    confirmations: list[Confirmation]


@dataclass(frozen=True, slots=True)
class Chain:
    """A donation from its steps to the money paid for it."""

    donation: Donation
    project: Project
    day: StepDay | None  # the donated day as recorded now; None once the donor erased it
    pledges: list[PledgeState]


def pay_sponsor(
    store: ActivityStore,
    ctx: Context,
    partner: Partner,
    sponsor_id: str,
    paid: PaymentIn,
    key: str,
) -> tuple[Payment, bool]:
    """Record a payment from a sponsor to its project."""

    def work(tx: StoreTx) -> tuple[Payment, bool]:
        payer = _own_payer(tx, partner, "sponsor", sponsor_id)
        assert payer.project_id is not None  # a sponsor belongs to one project
        return _record_payment(tx, ctx, payer, payer.project_id, paid, key)

    return store.write(work)


def pay_challenge(
    store: ActivityStore,
    ctx: Context,
    partner: Partner,
    challenge_id: str,
    project_id: str,
    paid: PaymentIn,
    key: str,
) -> tuple[Payment, bool]:
    """Record a payment from a team challenge's sponsor to one of the projects it owes."""

    def work(tx: StoreTx) -> tuple[Payment, bool]:
        payer = _own_payer(tx, partner, "challenge", challenge_id)
        if tx.project(project_id) is None:
            raise NotFound(f"no project {project_id!r}")
        return _record_payment(tx, ctx, payer, project_id, paid, key)

    return store.write(work)


def _record_payment(
    tx: StoreTx,
    ctx: Context,
    payer: Payer,
    project_id: str,
    paid: PaymentIn,
    key: str,
) -> tuple[Payment, bool]:
    money, reference, paid_on = paid.money, paid.reference, paid.paid_on
    fingerprint = _fingerprint(payer.kind, payer.payer_id, project_id, money.currency,
                               money.minor, reference, paid_on)  # fmt: skip
    earlier = tx.payment_by_key(payer.partner_id, key)
    if earlier is not None:
        if earlier[0] != fingerprint:
            raise Conflict(f"Idempotency-Key {key!r} was already used for another payment")
        return earlier[1], False
    balance = tx.account_balance(Account(payer.kind, payer.payer_id, project_id, money.currency))
    outstanding = Money(money.currency, balance.outstanding_minor)
    checked = check_payment(money, payer, reference, paid_on, ctx.latest_day(), outstanding)
    recorded = Payment(
        payment_id=f"pm_{uuid.uuid4().hex[:16]}",
        partner_id=payer.partner_id,
        payer_kind=payer.kind,
        payer_id=payer.payer_id,
        project_id=project_id,
        money=money,
        reference=checked,
        paid_on=paid_on,
        created_at=ctx.now(),
    )
    tx.add_payment(recorded, key, fingerprint)
    return recorded, True


def confirm(
    store: ActivityStore,
    ctx: Context,
    partner: Partner,
    confirmation: Confirmation,
    key: str,
) -> tuple[Confirmation, bool]:
    """Record what some of the money paid to one of the partner's projects bought.

    ``confirmation`` carries what the partner sent; its id, partner and time are set here.
    """
    c = confirmation
    fingerprint = _fingerprint(c.project_id, c.item, c.quantity, c.money.currency, c.money.minor,
                               c.delivered_on, c.note)  # fmt: skip

    def work(tx: StoreTx) -> tuple[Confirmation, bool]:
        project = tx.project(c.project_id)
        if project is None or project.partner_id != partner.partner_id:
            raise NotFound("no project with that id for this partner")
        earlier = tx.confirmation_by_key(partner.partner_id, key)
        if earlier is not None:
            if earlier[0] != fingerprint:
                raise Conflict(f"Idempotency-Key {key!r} was already used for another confirmation")
            return earlier[1], False
        currency = c.money.currency
        paid = sum(
            b.paid_minor for b in tx.project_balances(c.project_id) if b.currency == currency
        )
        confirmed = sum(k.money.minor for k in tx.project_confirmations(c.project_id)
                        if k.money.currency == currency)  # fmt: skip
        item, note = check_confirmation(
            c.item, c.quantity, c.money, c.delivered_on, c.note, ctx.latest_day(),
            Money(currency, paid), Money(currency, confirmed),
        )  # fmt: skip
        recorded = Confirmation(
            confirmation_id=f"cf_{uuid.uuid4().hex[:16]}",
            partner_id=partner.partner_id,
            project_id=c.project_id,
            item=item,
            quantity=c.quantity,
            money=c.money,
            delivered_on=c.delivered_on,
            note=note,
            created_at=ctx.now(),
        )
        tx.add_confirmation(recorded, key, fingerprint)
        return recorded, True

    return store.write(work)


def report(
    store: ActivityStore, ctx: Context, partner: Partner, first: str | None, last: str | None
) -> PayoutReport:
    """Per project of the partner's, and per payer of the partner's and project it owes:
    owed, paid and outstanding, month by month from ``first`` to ``last`` (YYYY-MM)."""
    start, end = report_months(first, last, ctx.today())
    books = store.read(lambda tx: _Books.of(tx, partner.partner_id))

    def payouts(wanted: Callable[[Account], bool]) -> Payouts:
        owed = [line for line in books.owed if wanted(line.account)]
        paid = [line for line in books.paid if wanted(line.account)]
        return Payouts(balances(owed, paid, end), monthly(owed, paid, start, end))

    projects = [
        ProjectPayouts(
            project,
            payouts(partial(_in_project, project.project_id)),
            books.confirmed_in(project.project_id, start, end),
        )
        for project in books.projects
    ]
    payers = [
        PayerPayouts(payer, project_id, payouts(partial(_in_account, payer, project_id)))
        for payer in books.payers
        for project_id in books.projects_owed_by(payer)
    ]
    return PayoutReport(start, end, projects, payers)


@dataclass(frozen=True, slots=True)
class _Books:
    """What a partner's payout report is made from."""

    projects: list[Project]
    payers: list[Payer]
    owed: list[AccountMonth]
    paid: list[AccountMonth]
    confirmations: list[Confirmation]

    @classmethod
    def of(cls, tx: StoreTx, partner_id: str) -> "_Books":
        owed, paid = tx.partner_account_months(partner_id)
        return cls(tx.projects(partner_id), tx.partner_payers(partner_id), owed, paid,
                   tx.partner_confirmations(partner_id))  # fmt: skip

    def confirmed_in(self, project_id: str, first: str, last: str) -> list[Confirmation]:
        """A project's confirmations of things delivered in the months ``first`` to ``last``."""
        return [
            c
            for c in self.confirmations
            if c.project_id == project_id and first <= month_of(c.delivered_on) <= last
        ]

    def projects_owed_by(self, payer: Payer) -> list[str]:
        """The projects a payer owes or has paid; a sponsor's own project in any case."""
        found = {line.account.project_id for line in self.owed + self.paid
                 if _is_payer(payer, line.account)}  # fmt: skip
        if payer.project_id is not None:
            found.add(payer.project_id)
        return sorted(found)


def _is_payer(payer: Payer, account: Account) -> bool:
    return (account.payer_kind, account.payer_id) == (payer.kind, payer.payer_id)


def _in_project(project_id: str, account: Account) -> bool:
    return account.project_id == project_id


def _in_account(payer: Payer, project_id: str, account: Account) -> bool:
    return _is_payer(payer, account) and account.project_id == project_id


def project_money(store: ActivityStore, project_id: str) -> ProjectMoney:
    def work(tx: StoreTx) -> ProjectMoney:
        return ProjectMoney(tx.project_balances(project_id), tx.project_confirmations(project_id))

    return store.read(work)


def chain(store: ActivityStore, donation_id: str) -> Chain:
    def work(tx: StoreTx) -> Chain:
        donation = tx.donation(donation_id)
        project = None if donation is None else tx.project(donation.project_id)
        if donation is None or project is None:
            raise NotFound(f"no donation {donation_id!r}")
        day = tx.step_day(donation.user_id, donation.day)
        return Chain(donation, project, day, pledge_states(tx, [donation_id]).get(donation_id, []))

    return store.read(work)


def pledges_of(store: ActivityStore, donation_ids: Sequence[str]) -> dict[str, list[PledgeState]]:
    """Each donation's pledges with the payments that paid them, by donation id."""
    return store.read(lambda tx: pledge_states(tx, donation_ids))


def pledge_states(tx: StoreTx, donation_ids: Sequence[str]) -> dict[str, list[PledgeState]]:
    if not donation_ids:
        return {}
    payments = tx.donation_payments(donation_ids)
    states: dict[str, list[PledgeState]] = {}
    for pledge, owed_before in tx.donation_pledges(donation_ids):
        states.setdefault(pledge.donation_id, []).append(cover(pledge, owed_before, payments))
    return states


def _own_payer(tx: StoreTx, partner: Partner, kind: str, payer_id: str) -> Payer:
    payer = tx.payer(kind, payer_id)
    if payer is None or payer.partner_id != partner.partner_id:
        raise NotFound(f"no {kind} with that id for this partner")
    return payer


def _fingerprint(*fields: object) -> str:
    """A digest of a request's fields, to tell a retry from another request with the same key."""
    return hashlib.sha256(json.dumps([str(f) for f in fields]).encode()).hexdigest()
