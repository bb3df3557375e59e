"""Appeals of flagged days: a person appeals, a reviewer decides, and an accepted day counts.

The reviewer is a partner whose API key carries the reviewer role, or the operator at the
command line. A decision and, when it accepts, the day counted again are one unit of work, so
the log and the person's footprint never disagree.
"""

import uuid
from datetime import date
from typing import Final

from greenapp.domain.activity import evaluate_accepted_day
from greenapp.domain.appeals import (
    Appeal,
    AppealRecord,
    Decision,
    accepted_on,
    evidence_of,
    refuse_appeal,
    refuse_decision,
    trimmed,
)
from greenapp.domain.errors import RuleBroken
from greenapp.domain.people import Profile
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, StoreTx

OPERATOR: Final = "operator"  # the reviewer recorded for decisions made at the command line
REVIEW_STATUSES: Final = ("pending", "decided", "all")
REVIEW_LIMIT_MAX: Final = 500


def appeal_day(
    store: ActivityStore, ctx: Context, user_id: str, day: date, reason: str
) -> tuple[AppealRecord, bool]:
    """Appeal the person's flagged ``day``; the same appeal again returns the first.

    Returns the appeal and whether this call made it.
    """

    def work(tx: StoreTx) -> tuple[AppealRecord, bool]:
        earlier = tx.appeals_of_day(user_id, day)
        if earlier and earlier[0].reason == trimmed(reason):
            return _with_decision(tx, earlier[0]), False
        profile = tx.person(user_id) or Profile()
        step_day = tx.step_day(user_id, day)
        checked = refuse_appeal(step_day, day, profile.today(ctx.now()), earlier, reason)
        assert step_day is not None  # refuse_appeal refuses a day with no steps
        appeal = Appeal(f"ap_{uuid.uuid4().hex[:12]}", user_id, day, checked, ctx.now(),
                        evidence_of(step_day))  # fmt: skip
        tx.add_appeal(appeal)
        return AppealRecord(appeal, None), True

    return store.write(work)


def decide(
    store: ActivityStore, ctx: Context, appeal_id: str, outcome: str, reason: str, reviewer: str
) -> AppealRecord:
    """Record the reviewer's final decision; an accepted day counts from now on."""

    def work(tx: StoreTx) -> AppealRecord:
        appeal = tx.appeal(appeal_id)
        checked = refuse_decision(appeal, tx.decisions(appeal_id), outcome, reason)
        assert appeal is not None  # refuse_decision refuses an unknown appeal
        decision = Decision(appeal_id, outcome, checked, reviewer, ctx.now())
        tx.add_decision(decision)
        if outcome == "accepted":
            _count_the_day(tx, ctx, appeal)
        return AppealRecord(appeal, decision)

    return store.write(work)


def _count_the_day(tx: StoreTx, ctx: Context, appeal: Appeal) -> None:
    """Save the appealed day as counted, through the store's step-day path (the read model
    is patched with it). A day erased or no longer flagged is left as it is."""
    day = tx.step_day(appeal.user_id, appeal.day)
    if day is None or day.status != "flagged":
        return
    profile = tx.person(appeal.user_id) or Profile()
    counted = evaluate_accepted_day(day, profile, ctx.factors, ctx.car_share)
    tx.save_step_day(appeal.user_id, counted, ctx.now())


def my_appeals(store: ActivityStore, user_id: str) -> list[AppealRecord]:
    return store.read(lambda tx: tx.appeals_of(user_id))


def review_queue(store: ActivityStore, status: str, limit: int) -> list[AppealRecord]:
    """Appeals for a reviewer, the oldest first: ``pending``, ``decided`` or ``all``."""
    if status not in REVIEW_STATUSES:
        raise RuleBroken(f"status {status!r} is not one of: {', '.join(REVIEW_STATUSES)}")
    if not 1 <= limit <= REVIEW_LIMIT_MAX:
        raise RuleBroken(f"limit is 1 to {REVIEW_LIMIT_MAX}")
    return store.read(lambda tx: tx.appeals_for_review(status, limit))


def acceptance_date(tx: StoreTx, user_id: str, day: date, profile: Profile) -> date | None:
    """The person's date on which an appeal of ``day`` was accepted, if one was."""
    for appeal in tx.appeals_of_day(user_id, day):
        found = accepted_on(tx.decisions(appeal.appeal_id), profile)
        if found is not None:
            return found
    return None


def _with_decision(tx: StoreTx, appeal: Appeal) -> AppealRecord:
    decisions = tx.decisions(appeal.appeal_id)
    return AppealRecord(appeal, decisions[0] if decisions else None)
