"""Teams: making one, joining with its invite code, leaving, and the teams a person is in."""

import secrets
import uuid
from dataclasses import dataclass

from greenapp.domain.errors import Conflict, NotFound
from greenapp.domain.teams import (
    INVITE_ALPHABET,
    INVITE_LENGTH,
    Membership,
    Team,
    check_nickname,
    check_team,
    invite_code,
    normalised_code,
    refuse_join,
    refuse_leave,
)
from greenapp.services.challenges import ChallengeView, team_challenges
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, StoreTx

CODE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class MyTeam:
    team: Team
    membership: Membership
    members: int  # active members, the person included


@dataclass(frozen=True, slots=True)
class TeamView:
    mine: MyTeam
    challenges: list[ChallengeView]


def create_team(
    store: ActivityStore,
    ctx: Context,
    user_id: str,
    name: str,
    kind: str,
    on_leaderboard: bool = False,
    nickname: str | None = None,
) -> MyTeam:
    """A new team with its creator as the first member."""
    checked = check_team(name, kind)
    shown_as = check_nickname(on_leaderboard, nickname)

    def work(tx: StoreTx) -> MyTeam:
        for _ in range(CODE_ATTEMPTS):
            code = _new_code()
            if tx.team_by_code(code) is None:
                break
        else:  # pragma: no cover - 31^8 codes make this all but impossible
            raise Conflict("could not find a free invite code; try again")
        now = ctx.now()
        team = Team(f"tm_{uuid.uuid4().hex[:12]}", checked, kind, code, user_id, now)
        refuse_join(team, code, tx.memberships_of(user_id), user_id)
        tx.add_team(team)
        membership = Membership(team.team_id, user_id, now, None, shown_as is not None, shown_as)
        tx.add_membership(membership)
        return MyTeam(team, membership, 1)

    return store.write(work)


def join_team(
    store: ActivityStore,
    ctx: Context,
    user_id: str,
    presented_code: str,
    on_leaderboard: bool = False,
    nickname: str | None = None,
) -> MyTeam:
    """Join the team with ``presented_code``; on its boards, by nickname, if they opt in."""
    code = normalised_code(presented_code)
    shown_as = check_nickname(on_leaderboard, nickname)

    def work(tx: StoreTx) -> MyTeam:
        team = tx.team_by_code(code)
        refuse_join(team, code, tx.memberships_of(user_id), user_id)
        assert team is not None
        membership = Membership(team.team_id, user_id, ctx.now(), None, shown_as is not None,
                                shown_as)  # fmt: skip
        tx.add_membership(membership)
        return MyTeam(team, membership, tx.active_members(team.team_id))

    return store.write(work)


def leave_team(store: ActivityStore, ctx: Context, user_id: str, team_id: str) -> None:
    """End the person's membership; what they gave while a member stays counted."""

    def work(tx: StoreTx) -> None:
        refuse_leave(team_id, tx.memberships_of(user_id))
        tx.end_membership(team_id, user_id, ctx.now())

    store.write(work)


def my_teams(store: ActivityStore, user_id: str) -> list[MyTeam]:
    def work(tx: StoreTx) -> list[MyTeam]:
        mine = []
        for membership in tx.memberships_of(user_id):
            team = tx.team(membership.team_id)
            if membership.active and team is not None:
                mine.append(MyTeam(team, membership, tx.active_members(team.team_id)))
        return mine

    return store.read(work)


def team_view(store: ActivityStore, ctx: Context, user_id: str, team_id: str) -> TeamView:
    """A team as one of its members sees it: its challenges, their progress and boards."""

    def work(tx: StoreTx) -> TeamView:
        team = tx.team(team_id)
        stay = next((m for m in tx.memberships_of(user_id)
                     if m.team_id == team_id and m.active), None)  # fmt: skip
        if team is None or stay is None:
            raise NotFound(f"you are not a member of team {team_id!r}")
        mine = MyTeam(team, stay, tx.active_members(team_id))
        return TeamView(mine, team_challenges(tx, ctx, team_id))

    return store.read(work)


def _new_code() -> str:
    return invite_code(secrets.randbelow(len(INVITE_ALPHABET)) for _ in range(INVITE_LENGTH))
