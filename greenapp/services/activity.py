"""Recording a day's steps and a trip: check, compute, store, in one unit of work."""

import hashlib
import uuid
from collections.abc import Callable

from greenapp.domain.activity import (
    StepDay,
    Trip,
    TripReport,
    evaluate_day,
    evaluate_trip,
    trip_distance,
)
from greenapp.domain.errors import Conflict
from greenapp.domain.people import Profile
from greenapp.domain.step_checks import StepReport, refuse_if_impossible
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, ActivityTx, Preload


def record_steps(store: ActivityStore, ctx: Context, user_id: str, report: StepReport) -> StepDay:
    """Store the day's cumulative count. Sending the same report again changes nothing."""
    return store.write(*steps_upload(ctx, user_id, report))


def steps_upload(
    ctx: Context, user_id: str, report: StepReport
) -> tuple[Callable[[ActivityTx], StepDay], Preload]:
    """The unit of work behind ``record_steps``, for a caller that waits for it its own way."""

    def work(tx: ActivityTx) -> StepDay:
        recorded = tx.step_day(user_id, report.day)
        if recorded is not None and _same_report(recorded, report):
            return recorded
        refuse_if_impossible(
            report, ctx.latest_day(), recorded.steps if recorded else None, ctx.rules
        )
        profile = tx.person(user_id) or Profile()
        day = evaluate_day(report, profile, ctx.factors, ctx.rules, ctx.car_share)
        tx.save_step_day(user_id, day, ctx.now())
        return day

    return work, Preload(people=(user_id,), step_days=((user_id, report.day),))


def record_trip(
    store: ActivityStore, ctx: Context, user_id: str, report: TripReport, key: str | None
) -> tuple[Trip, bool]:
    """Store a trip; with the same idempotency key the first answer is returned, not a copy.

    Returns the trip and whether it was created by this call.
    """
    refuse_if_impossible(StepReport(report.day, 0), ctx.latest_day(), None, ctx.rules)
    trip_distance(report, ctx.rules)  # refuse a bad trip before it reaches the writer
    fingerprint = _fingerprint(report)
    key = key or uuid.uuid4().hex

    def work(tx: ActivityTx) -> tuple[Trip, bool]:
        earlier = tx.trip_by_key(user_id, key)
        if earlier is not None:
            earlier_fingerprint, trip = earlier
            if earlier_fingerprint != fingerprint:
                raise Conflict(f"Idempotency-Key {key!r} was already used for a different trip")
            return trip, False
        profile = tx.person(user_id) or Profile()
        trip = evaluate_trip(uuid.uuid4().hex, report, profile, ctx.factors, ctx.rules)
        tx.add_trip(user_id, key, fingerprint, trip, ctx.now())
        return trip, True

    return store.write(work, Preload(people=(user_id,), trip_keys=((user_id, key),)))


def _same_report(recorded: StepDay, report: StepReport) -> bool:
    return (recorded.steps, recorded.device_distance_m, recorded.track) == (
        report.steps,
        report.device_distance_m,
        report.track,
    )


def _fingerprint(report: TripReport) -> str:
    return hashlib.sha256(repr(report).encode()).hexdigest()
