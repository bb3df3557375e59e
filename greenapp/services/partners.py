"""What partners do: keys, projects, sponsors, funding and donation reports.

Every use case takes the partner the key belongs to and refuses to touch another partner's
records, answering as if they did not exist (404), so a key reveals nothing about others.
"""

import secrets
import uuid
from dataclasses import replace
from datetime import date

from greenapp.domain.donations import Project, Sponsor, check_project
from greenapp.domain.errors import Conflict, Forbidden, NotAuthenticated, NotFound, RuleBroken
from greenapp.domain.money import Money
from greenapp.domain.partners import (
    REVIEWER,
    Partner,
    compose_key,
    key_digest,
    key_matches,
    parse_key,
)
from greenapp.domain.reports import ReportRow, donation_report
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, StoreTx


def create_partner(
    store: ActivityStore, ctx: Context, name: str, reviewer: bool = False
) -> tuple[Partner, str]:
    """A new partner and its first API key (shown once; only a digest is kept).

    With ``reviewer`` the key also reviews appeals. Only the operator creates partners, so
    only the operator hands out the role.
    """
    if not name.strip():
        raise RuleBroken("a partner needs a name")
    partner = Partner(f"pt_{uuid.uuid4().hex[:12]}", name.strip())
    key_id, secret = _new_key()

    def work(tx: StoreTx) -> None:
        tx.add_partner(partner, ctx.now())
        tx.add_api_key(key_id, partner.partner_id, key_digest(secret), ctx.now())
        if reviewer:
            tx.grant_role(key_id, REVIEWER)

    store.write(work)
    return partner, compose_key(key_id, secret)


def issue_key(store: ActivityStore, ctx: Context, partner_id: str) -> str:
    key_id, secret = _new_key()
    store.write(lambda tx: tx.add_api_key(key_id, partner_id, key_digest(secret), ctx.now()))
    return compose_key(key_id, secret)


def revoke_key(store: ActivityStore, ctx: Context, partner_id: str, key_id: str) -> None:
    if not store.write(lambda tx: tx.revoke_api_key(key_id, partner_id, ctx.now())):
        raise NotFound(f"no active key {key_id!r} for this partner")


def grant_reviewer(store: ActivityStore, key_id: str) -> None:
    """Let an active key review appeals (the operator's command; granting twice is harmless)."""

    def work(tx: StoreTx) -> None:
        stored = tx.api_key(key_id)
        if stored is None or stored.revoked:
            raise NotFound(f"no active API key {key_id!r}")
        tx.grant_role(key_id, REVIEWER)

    store.write(work)


def authenticate(store: ActivityStore, presented: str | None) -> Partner:
    return _authenticated(store, presented)[0]


def authenticate_reviewer(store: ActivityStore, presented: str | None) -> Partner:
    """The partner whose key is presented, when that key carries the reviewer role."""
    partner, key_id = _authenticated(store, presented)
    if REVIEWER not in store.read(lambda tx: tx.key_roles(key_id)):
        raise Forbidden(
            "this API key does not have the reviewer role; the operator grants it with "
            "`greenapp partner grant-reviewer KEY_ID`"
        )
    return partner


def _authenticated(store: ActivityStore, presented: str | None) -> tuple[Partner, str]:
    """The key's partner and the key's id, or NotAuthenticated."""
    if not presented:
        raise NotAuthenticated("send the partner API key in the X-API-Key header")
    parsed = parse_key(presented)
    if parsed is None:
        raise NotAuthenticated("that is not a greenapp partner API key")
    key_id, secret = parsed

    def work(tx: StoreTx) -> Partner | None:
        stored = tx.api_key(key_id)
        if stored is None or not key_matches(stored, secret):
            return None
        return tx.partner(stored.partner_id)

    partner = store.read(work)
    if partner is None:
        raise NotAuthenticated("the API key is unknown or revoked")
    return partner, key_id


def save_project(
    store: ActivityStore, ctx: Context, partner: Partner, project: Project, creating: bool
) -> Project:
    checked = check_project(replace(project, partner_id=partner.partner_id))

    def work(tx: StoreTx) -> Project:
        if not creating:
            _own_project(tx, partner, checked.project_id)
        tx.save_project(checked, ctx.now())
        return checked

    return store.write(work)


def new_project_id() -> str:
    return f"pj_{uuid.uuid4().hex[:12]}"


def add_sponsor(
    store: ActivityStore, ctx: Context, partner: Partner, project_id: str, name: str, rate: Money
) -> Sponsor:
    if not name.strip():
        raise RuleBroken("a sponsor needs a name")
    if rate.minor <= 0:
        raise RuleBroken("rate_minor_per_10k_steps must be positive")
    sponsor = Sponsor(f"sp_{uuid.uuid4().hex[:12]}", project_id, name.strip(), rate,
                      Money(rate.currency, 0))  # fmt: skip

    def work(tx: StoreTx) -> Sponsor:
        _own_project(tx, partner, project_id)
        tx.add_sponsor(partner.partner_id, sponsor, ctx.now())
        return sponsor

    return store.write(work)


def fund(
    store: ActivityStore, ctx: Context, partner: Partner, sponsor_id: str, money: Money, key: str
) -> tuple[Sponsor, bool]:
    """Add ``money`` to a sponsor's budget; a retry with the same key adds nothing."""
    if money.minor <= 0:
        raise RuleBroken("amount_minor must be positive")

    def work(tx: StoreTx) -> tuple[Sponsor, bool]:
        sponsor = _own_sponsor(tx, partner, sponsor_id)
        if money.currency != sponsor.rate.currency:
            raise RuleBroken(
                f"sponsor {sponsor_id} is in {sponsor.rate.currency}, not {money.currency}"
            )
        earlier = tx.funding_by_key(sponsor_id, key)
        if earlier is not None:
            if earlier[1] != money:
                raise Conflict(f"Idempotency-Key {key!r} was already used for another amount")
            return sponsor, False
        tx.add_funding(uuid.uuid4().hex, sponsor_id, money, key, ctx.now())
        return _own_sponsor(tx, partner, sponsor_id), True

    return store.write(work)


def report(
    store: ActivityStore, partner: Partner, by: str, first: date, last: date
) -> list[ReportRow]:
    if last < first:
        raise RuleBroken(f"to {last} is before from {first}")
    lines = store.read(lambda tx: tx.partner_donation_lines(partner.partner_id, first, last))
    return donation_report(lines, by)


def own_project(store: ActivityStore, partner: Partner, project_id: str) -> Project:
    return store.read(lambda tx: _own_project(tx, partner, project_id))


def _own_project(tx: StoreTx, partner: Partner, project_id: str) -> Project:
    project = tx.project(project_id)
    if project is None or project.partner_id != partner.partner_id:
        raise NotFound(f"no project {project_id!r} for this partner")
    return project


def _own_sponsor(tx: StoreTx, partner: Partner, sponsor_id: str) -> Sponsor:
    found = tx.sponsor(sponsor_id)
    if found is None or found[0] != partner.partner_id:
        raise NotFound(f"no sponsor {sponsor_id!r} for this partner")
    return found[1]


def _new_key() -> tuple[str, str]:
    return secrets.token_hex(6), secrets.token_urlsafe(32)
