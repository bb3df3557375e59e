"""Calendar periods for footprint summaries, and the current streak of active days."""

from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from typing import Final

from greenapp.domain.errors import RuleBroken

PERIODS: Final = ("day", "week", "month", "year", "all")
# "all" starts at a date before any record the service can hold.
EPOCH: Final = date(2000, 1, 1)


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of the period that contains ``today``.

    Weeks start on Monday (ISO 8601).
    """
    if period == "day":
        return today, today
    if period == "week":
        return today - timedelta(days=today.weekday()), today
    if period == "month":
        return today.replace(day=1), today
    if period == "year":
        return today.replace(month=1, day=1), today
    if period == "all":
        return EPOCH, today
    raise RuleBroken(f"period {period!r} is not one of: {', '.join(PERIODS)}")


def current_streak(active: AbstractSet[date], today: date) -> int:
    """Days in a row with activity, ending today, or yesterday when today has none yet."""
    day = today if today in active else today - timedelta(days=1)
    streak = 0
    while day in active:
        streak += 1
        day -= timedelta(days=1)
    return streak
