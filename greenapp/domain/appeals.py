"""Appeals of flagged days: a person asks, a reviewer decides, and every decision is kept.

A person may appeal a day the step checks flagged, once, with a short reason, within the
appeal window. A reviewer sees the day's evidence (the rules that fired and the figures they
saw) and accepts or rejects it, with a reason. A decision is final and is never changed: the log
of decisions only grows. An accepted day counts from then on and may be donated within the
normal donation window.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from greenapp.domain.activity import StepDay
from greenapp.domain.errors import Conflict, NotFound, RuleBroken
from greenapp.domain.people import Profile
from greenapp.domain.step_checks import Track

APPEAL_WINDOW_DAYS: Final = 30
REASON_MAX: Final = 500
OUTCOMES: Final = ("accepted", "rejected")


@dataclass(frozen=True, slots=True)
class Evidence:
    """The day as the step checks saw it when the person appealed: the figures and the rules
    that fired. Kept with the appeal, so the reviewer judges what the person appealed."""

    steps: int
    device_distance_m: float | None
    track: Track | None
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Appeal:
    appeal_id: str
    user_id: str
    day: date
    reason: str
    created_at: datetime
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Decision:
    appeal_id: str
    outcome: str  # accepted | rejected
    reason: str
    reviewer: str  # a partner's id with the reviewer role, or "operator"
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class AppealRecord:
    """An appeal with its decision, once it has one."""

    appeal: Appeal
    decision: Decision | None

    @property
    def status(self) -> str:
        return status_of(() if self.decision is None else (self.decision,))


def evidence_of(day: StepDay) -> Evidence:
    return Evidence(day.steps, day.device_distance_m, day.track, day.reasons)


def status_of(decisions: Sequence[Decision]) -> str:
    """pending, or the outcome of the appeal's decision."""
    return decisions[0].outcome if decisions else "pending"


def accepted_on(decisions: Sequence[Decision], profile: Profile) -> date | None:
    """The person's own date on which the appeal was accepted, if it was."""
    for decision in decisions:
        if decision.outcome == "accepted":
            return decision.decided_at.astimezone(profile.zone()).date()
    return None


def trimmed(reason: str) -> str:
    """A reason with its runs of white space made single spaces, as it is kept."""
    return " ".join(reason.split())


def checked_reason(reason: str, what: str) -> str:
    trimmed_reason = trimmed(reason)
    if not trimmed_reason or len(trimmed_reason) > REASON_MAX:
        raise RuleBroken(f"{what} is 1 to {REASON_MAX} characters")
    return trimmed_reason


def refuse_appeal(
    day: StepDay | None, asked_day: date, today: date, earlier: Sequence[Appeal], reason: str
) -> str:
    """The appeal's reason, trimmed, or raise naming the first rule the appeal breaks.

    ``earlier`` are the person's appeals of the same day.
    """
    if asked_day > today or asked_day < today - timedelta(days=APPEAL_WINDOW_DAYS):
        raise RuleBroken(
            f"{asked_day} is outside the appeal window: the last {APPEAL_WINDOW_DAYS} days "
            f"up to {today}"
        )
    if day is None:
        raise NotFound(f"no steps are recorded for {asked_day}")
    if earlier:
        raise Conflict(f"{asked_day} has already been appealed; each day is appealed once")
    if day.status != "flagged":
        raise RuleBroken(
            f"the steps of {asked_day} were not flagged, so there is nothing to appeal"
        )
    return checked_reason(reason, "an appeal's reason")


def refuse_decision(
    appeal: Appeal | None, decisions: Sequence[Decision], outcome: str, reason: str
) -> str:
    """The decision's reason, trimmed, or raise naming the first rule the decision breaks."""
    if appeal is None:
        raise NotFound("no such appeal")
    if decisions:
        raise Conflict(
            f"the appeal of {appeal.day} was already {decisions[0].outcome}; decisions are final"
        )
    if outcome not in OUTCOMES:
        raise RuleBroken(f"a decision is one of: {', '.join(OUTCOMES)}")
    return checked_reason(reason, "a decision's reason")
