"""Calendar periods for footprint summaries, and the current streak of active days."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

from greenapp.domain.errors import RuleBroken

PERIODS: Final = ("day", "week", "month", "year", "all")
# "all" starts at a date before any record the service can hold.
EPOCH: Final = date(2000, 1, 1)
ONE_DAY: Final = timedelta(days=1)


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


class ActiveDays:
    """Days with activity, each with the length of the run of consecutive days it ends.

    The runs are counted once, so the current streak is a lookup whatever the history's length.
    """

    __slots__ = ("_run_ending",)

    def __init__(self, days: Iterable[date]) -> None:
        self._run_ending: dict[date, int] = {}
        for day in sorted(set(days)):
            self._run_ending[day] = self._run_ending.get(day - ONE_DAY, 0) + 1

    def __contains__(self, day: date) -> bool:
        return day in self._run_ending

    def __len__(self) -> int:
        return len(self._run_ending)

    def streak(self, today: date) -> int:
        """Days in a row with activity, ending today, or yesterday when today has none yet."""
        return self._run_ending.get(today) or self._run_ending.get(today - ONE_DAY, 0)
