"""Team challenges: a sponsor sets a team a goal and matches its members' donations.

A partner makes a challenge for a team it was given the invite code of. Matches are settled
with each donation, in the donation's own unit of work (see giving.donation_unit), so a cap and
a bonus are checked in the order donations commit, never against a stale total.
"""

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from greenapp.domain.errors import Conflict, NotFound, RuleBroken
from greenapp.domain.partners import Partner
from greenapp.domain.teams import (
    BoardRow,
    Challenge,
    Progress,
    check_challenge,
    goal_met,
    normalised_code,
    ranked,
)
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, StoreTx

# The earliest "today" anywhere on Earth is 12 hours behind UTC.
LATEST_TIME_ZONE = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class ChallengeView:
    challenge: Challenge
    team_name: str
    status: str  # upcoming | running | ended
    progress: Progress
    goal_met: bool
    board: list[BoardRow]  # only members who opted in; empty for the sponsor's view

    @property
    def goal_share(self) -> float:
        done = self.progress.steps if self.challenge.goal_kind == "steps" else self.progress.kg
        return done / self.challenge.goal_amount


def create_challenge(
    store: ActivityStore,
    ctx: Context,
    partner: Partner,
    invite_code: str,
    challenge: Challenge,
    key: str,
) -> tuple[ChallengeView, bool]:
    """A partner's new challenge for the team with ``invite_code``; a retry with ``key``
    returns the first. Returns the challenge's view and whether it was created now."""
    code = normalised_code(invite_code)
    fingerprint = hashlib.sha256(repr((code, challenge)).encode()).hexdigest()

    def work(tx: StoreTx) -> tuple[ChallengeView, bool]:
        earlier = tx.challenge_by_key(partner.partner_id, key)
        if earlier is not None:
            if earlier[0] != fingerprint:
                raise Conflict(f"Idempotency-Key {key!r} was already used for another challenge")
            return _view(tx, ctx, earlier[1], with_board=False), False
        team = tx.team_by_code(code)
        if team is None:
            raise NotFound("no team has that invite code")
        earliest_today = (ctx.now() - LATEST_TIME_ZONE).date()
        if challenge.starts_on < earliest_today:
            raise RuleBroken(f"a challenge cannot start in the past (before {earliest_today})")
        made = replace(challenge, challenge_id=f"ch_{uuid.uuid4().hex[:12]}", team_id=team.team_id)
        tx.add_challenge(check_challenge(made), partner.partner_id, key, fingerprint, ctx.now())
        return _view(tx, ctx, made, with_board=False), True

    check_challenge(challenge)
    return store.write(work)


def partner_challenges(store: ActivityStore, ctx: Context, partner: Partner) -> list[ChallengeView]:
    def work(tx: StoreTx) -> list[ChallengeView]:
        mine = tx.partner_challenges(partner.partner_id)
        return [_view(tx, ctx, c, with_board=False) for c in mine]

    return store.read(work)


def partner_challenge(
    store: ActivityStore, ctx: Context, partner: Partner, challenge_id: str
) -> ChallengeView:
    def work(tx: StoreTx) -> ChallengeView:
        found = tx.challenge(challenge_id)
        if found is None or found[0] != partner.partner_id:
            raise NotFound("this partner has no challenge with that id")
        return _view(tx, ctx, found[1], with_board=False)

    return store.read(work)


def team_challenges(tx: StoreTx, ctx: Context, team_id: str) -> list[ChallengeView]:
    """A team's challenges as its members see them, boards included."""
    return [_view(tx, ctx, c, with_board=True) for c in tx.team_challenges(team_id)]


def _view(tx: StoreTx, ctx: Context, challenge: Challenge, with_board: bool) -> ChallengeView:
    team = tx.team(challenge.team_id)
    progress = tx.challenge_progress(challenge)
    board = ranked(tx.challenge_board(challenge.challenge_id)) if with_board else []
    today = ctx.today()
    status = (
        "upcoming" if today < challenge.starts_on
        else "ended" if today > challenge.ends_on
        else "running"
    )  # fmt: skip
    return ChallengeView(challenge, team.name if team else "", status, progress,
                         goal_met(challenge, progress), board)  # fmt: skip
