"""Walking together: teams, joining by invite code, and team challenges a sponsor matches.

A team (a company, a class, a family, a neighbourhood) is joined with its invite code; a person
belongs to a few teams at most, and leaving keeps what they gave while a member. A challenge sets
the team a goal in steps or kg CO2e avoided over a date range. Its sponsor matches the members'
donations at a rate per 10,000 steps, up to a cap for the whole team, and may add a bonus once
the goal is met. Matches are capped at what is left, rounded down to a whole minor unit, so the
cap is never overspent; the bonus is paid once, or not at all when the cap has no room for it.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Final

from greenapp.domain.errors import Conflict, NotFound, RuleBroken
from greenapp.domain.money import Money, steps_to_money

TEAM_KINDS: Final = ("company", "class", "family", "neighbourhood", "other")
CHALLENGE_GOALS: Final = ("steps", "kg")
MAX_TEAMS_PER_PERSON: Final = 5
MAX_CHALLENGE_DAYS: Final = 366
# Invite codes avoid letters and digits that are easily misread (0/O, 1/I/L) when read aloud or
# copied from a poster.
INVITE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVITE_LENGTH: Final = 8
INVITE_CODE: Final = re.compile(rf"^[{INVITE_ALPHABET}]{{{INVITE_LENGTH}}}$")
NAME_MAX: Final = 80
NICKNAME_MAX: Final = 30


@dataclass(frozen=True, slots=True)
class Team:
    team_id: str
    name: str
    kind: str
    invite_code: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Membership:
    team_id: str
    user_id: str
    joined_at: datetime
    left_at: datetime | None = None
    on_leaderboard: bool = False  # shown on the team's boards only if they opted in
    nickname: str | None = None  # the name the boards show; only those who opted in have one

    @property
    def active(self) -> bool:
        return self.left_at is None


@dataclass(frozen=True, slots=True)
class Challenge:
    challenge_id: str
    team_id: str
    title: str
    goal_kind: str  # steps | kg
    goal_amount: int  # steps, or whole kg CO2e avoided
    starts_on: date
    ends_on: date
    sponsor_name: str
    rate: Money  # matched per 10,000 donated steps
    cap: Money  # the most the sponsor pays the whole team, bonus included
    bonus: Money | None  # paid once when the goal is met, if the cap still has room


@dataclass(frozen=True, slots=True)
class Progress:
    """What a team's members did within a challenge's dates while they were members."""

    steps: int
    kg: float
    kg_low: float
    kg_high: float
    matched: Money  # matches so far, bonus included
    bonus_paid: bool


@dataclass(frozen=True, slots=True)
class Match:
    """A challenge sponsor's money for one donation: its match, or the goal's bonus."""

    challenge_id: str
    sponsor_name: str
    kind: str  # match | bonus
    money: Money


@dataclass(frozen=True, slots=True)
class BoardRow:
    """A member who opted in, and what they donated within a challenge."""

    nickname: str
    steps: int
    kg: float
    donations: int


def invite_code(random_indexes: Iterable[int]) -> str:
    """An invite code from random numbers (each taken modulo the alphabet's size)."""
    code = "".join(INVITE_ALPHABET[i % len(INVITE_ALPHABET)] for i in random_indexes)
    if len(code) != INVITE_LENGTH:
        raise ValueError(f"an invite code takes {INVITE_LENGTH} random numbers")
    return code


def normalised_code(presented: str) -> str:
    """The code as typed, upper-cased and without spaces or dashes, or RuleBroken."""
    code = re.sub(r"[\s-]", "", presented).upper()
    if not INVITE_CODE.match(code):
        raise RuleBroken(
            f"an invite code is {INVITE_LENGTH} letters and digits, such as 'K7QX4MPA'"
        )
    return code


def check_nickname(on_leaderboard: bool, nickname: str | None) -> str | None:
    """The name a member is shown by on the team's boards: needed to opt in, else not kept."""
    if not on_leaderboard:
        return None
    trimmed = " ".join((nickname or "").split())
    if not trimmed or len(trimmed) > NICKNAME_MAX:
        raise RuleBroken(
            f"to be on the team's leaderboard, give a nickname of 1 to {NICKNAME_MAX} characters"
        )
    return trimmed


def check_team(name: str, kind: str) -> str:
    """The team's name, trimmed, or RuleBroken."""
    trimmed = " ".join(name.split())
    if not trimmed or len(trimmed) > NAME_MAX:
        raise RuleBroken(f"a team's name is 1 to {NAME_MAX} characters")
    if kind not in TEAM_KINDS:
        raise RuleBroken(f"a team's kind is one of: {', '.join(TEAM_KINDS)}")
    return trimmed


def refuse_join(
    team: Team | None, presented_code: str, memberships: Sequence[Membership], user_id: str
) -> None:
    """Raise naming the first rule a person joining ``team`` with ``presented_code`` breaks.

    ``memberships`` are the person's own, past and present.
    """
    code = normalised_code(presented_code)
    if team is None or team.invite_code != code:
        raise NotFound("no team has that invite code")
    active = [m for m in memberships if m.active and m.user_id == user_id]
    if any(m.team_id == team.team_id for m in active):
        raise Conflict(f"you are already a member of {team.name!r}")
    if len(active) >= MAX_TEAMS_PER_PERSON:
        raise RuleBroken(
            f"a person can be in at most {MAX_TEAMS_PER_PERSON} teams at once; leave one first"
        )


def refuse_leave(team_id: str, memberships: Sequence[Membership]) -> Membership:
    """The active membership to end, or NotFound."""
    for m in memberships:
        if m.team_id == team_id and m.active:
            return m
    raise NotFound(f"you are not a member of team {team_id!r}")


def check_challenge(challenge: Challenge) -> Challenge:
    """Return ``challenge`` if its goal, dates and money make sense, else raise RuleBroken."""
    c = challenge
    if not c.title.strip() or len(c.title) > NAME_MAX:
        raise RuleBroken(f"a challenge's title is 1 to {NAME_MAX} characters")
    if c.goal_kind not in CHALLENGE_GOALS:
        raise RuleBroken(f"a challenge's goal is one of: {', '.join(CHALLENGE_GOALS)}")
    if c.goal_amount <= 0:
        raise RuleBroken("a challenge's goal must be positive")
    if c.ends_on < c.starts_on:
        raise RuleBroken("a challenge ends on or after the day it starts")
    if (c.ends_on - c.starts_on).days + 1 > MAX_CHALLENGE_DAYS:
        raise RuleBroken(f"a challenge lasts at most {MAX_CHALLENGE_DAYS} days")
    if not c.sponsor_name.strip():
        raise RuleBroken("a challenge needs its sponsor's name")
    money = [c.rate, c.cap, *([c.bonus] if c.bonus is not None else [])]
    if any(m.currency != c.cap.currency for m in money):
        raise RuleBroken("a challenge's rate, cap and bonus are in one currency")
    if c.rate.minor <= 0 or c.cap.minor <= 0:
        raise RuleBroken("a challenge's rate and cap must be positive")
    if c.bonus is not None and not 0 < c.bonus.minor <= c.cap.minor:
        raise RuleBroken("a challenge's bonus is positive and within its cap")
    return c


def match_for(steps: int, challenge: Challenge, progress: Progress) -> Money:
    """The sponsor's match for a member's donation of ``steps``: the rate, rounded down, and
    never more than what is left of the cap."""
    earned = steps_to_money(steps, challenge.rate)
    left = challenge.cap.minor - progress.matched.minor
    return Money(challenge.cap.currency, max(0, min(earned.minor, left)))


def goal_met(challenge: Challenge, progress: Progress) -> bool:
    if challenge.goal_kind == "steps":
        return progress.steps >= challenge.goal_amount
    return progress.kg >= challenge.goal_amount


def bonus_due(challenge: Challenge, progress: Progress) -> Money | None:
    """The bonus to pay now: once, when the goal is met, cut to what is left of the cap."""
    if challenge.bonus is None or progress.bonus_paid or not goal_met(challenge, progress):
        return None
    left = challenge.cap.minor - progress.matched.minor
    paid = min(challenge.bonus.minor, left)
    return Money(challenge.cap.currency, paid) if paid > 0 else None


def counts_for(challenge: Challenge, membership: Membership, day: date) -> bool:
    """Whether a member's day counts for the challenge: within its dates and their membership.

    Days before joining or after leaving do not count; what a member gave while they belonged
    stays counted after they leave.
    """
    if not challenge.starts_on <= day <= challenge.ends_on:
        return False
    if membership.joined_at.date() > day:
        return False
    return membership.left_at is None or day <= membership.left_at.date()


def settle(
    challenge: Challenge, progress: Progress, steps: int, kg: tuple[float, float, float]
) -> tuple[tuple[Match, ...], Progress]:
    """A member's donation of ``steps`` (and ``kg`` avoided, with its range) within the
    challenge: the sponsor's match, the bonus if this donation meets the goal, and the
    progress after both. Neither is ever more than what is left of the cap."""
    c = challenge
    match = match_for(steps, c, progress)
    after = Progress(
        steps=progress.steps + steps,
        kg=progress.kg + kg[0],
        kg_low=progress.kg_low + kg[1],
        kg_high=progress.kg_high + kg[2],
        matched=Money(c.cap.currency, progress.matched.minor + match.minor),
        bonus_paid=progress.bonus_paid,
    )
    paid = [Match(c.challenge_id, c.sponsor_name, "match", match)] if match.minor else []
    bonus = bonus_due(c, after)
    if bonus is not None:
        paid.append(Match(c.challenge_id, c.sponsor_name, "bonus", bonus))
        after = replace(after, matched=after.matched + bonus, bonus_paid=True)
    return tuple(paid), after


def ranked(rows: Iterable[BoardRow]) -> list[BoardRow]:
    """Most steps donated first; ties by kg, then by nickname so the order is stable."""
    return sorted(rows, key=lambda r: (-r.steps, -r.kg, r.nickname))
