"""Calendar periods for footprint summaries, and the current streak of active days."""

import bisect
from array import array
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
    Days are kept as ordinals in flat arrays: years of history are a few kilobytes, with nothing
    for the garbage collector to walk.
    """

    __slots__ = ("_days", "_runs")

    def __init__(self, days: Iterable[date]) -> None:
        self._days = array("l", sorted({d.toordinal() for d in days}))
        self._runs = array("l")
        previous, run = 0, 0
        for ordinal in self._days:
            run = run + 1 if ordinal == previous + 1 else 1
            self._runs.append(run)
            previous = ordinal

    def with_day(self, day: date, active: bool) -> "ActiveDays":
        """A copy with ``day`` active or not; runs are counted again only from that day on."""
        ordinal = day.toordinal()
        i = bisect.bisect_left(self._days, ordinal)
        present = i < len(self._days) and self._days[i] == ordinal
        if active == present:
            return self
        changed = ActiveDays(())
        changed._days = array("l", self._days)
        if active:
            changed._days.insert(i, ordinal)
        else:
            del changed._days[i]
        changed._runs = self._runs[:i]
        previous, run = (changed._days[i - 1], changed._runs[i - 1]) if i else (0, 0)
        for ordinal in changed._days[i:]:
            run = run + 1 if ordinal == previous + 1 else 1
            changed._runs.append(run)
            previous = ordinal
        return changed

    def _run_ending(self, day: date) -> int:
        ordinal = day.toordinal()
        i = bisect.bisect_left(self._days, ordinal)
        return self._runs[i] if i < len(self._days) and self._days[i] == ordinal else 0

    def __contains__(self, day: date) -> bool:
        return self._run_ending(day) > 0

    def __len__(self) -> int:
        return len(self._days)

    def streak(self, today: date) -> int:
        """Days in a row with activity, ending today, or yesterday when today has none yet."""
        return self._run_ending(today) or self._run_ending(today - ONE_DAY)
