"""Each person's own rows, kept in memory for the footprint, and never older than their writes.

A person's days, trips by day and donations are loaded with three statements on first use and
then answered from memory. Every unit of work that writes a person's rows names them; the writer
forgets those people after the commit and before it answers, so the next read reloads what was
just acknowledged. A load that raced a write is not kept: each person has a generation that a
forget moves on, and a load is stored only if the generation it started with is still current.
"""

import bisect
import sys
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date

from greenapp.domain.footprint import DayTotals, Standing
from greenapp.domain.money import Money
from greenapp.domain.people import Profile
from greenapp.domain.periods import ActiveDays

PEOPLE_KEPT = 20_000
STANDINGS_SECONDS = 60.0


DayRow = tuple[int, float, float, float, float, str]  # steps km kg low high status
TripDay = tuple[float, float, float, float]  # km kg low high, summed per day
DonationRow = tuple[date, int, float, tuple[Money, ...]]  # day steps kg money


class PersonRows:
    """One person's rows, arranged at load so that a period's answer costs what the period
    holds, not what the person's whole history holds: days are kept sorted and found by
    bisection, and the streak is read from runs counted once. Each day's figures are kept in
    flat arrays, one per column, so a year of history is a few kilobytes and nothing the garbage
    collector has to walk; DayTotals are made only for the days a period asks for."""

    __slots__ = ("_days", "_donation_days", "_donations", "_figures", "_status", "_steps",
                 "active", "profile")  # fmt: skip

    def __init__(
        self,
        profile: Profile | None,
        days: dict[date, DayRow],
        trips: dict[date, TripDay],
        donations: list[DonationRow],
    ) -> None:
        self.profile = profile
        ordered = sorted(days.keys() | trips.keys())
        self._days = array("l", (d.toordinal() for d in ordered))
        self._steps = array("q")
        self._figures = array("d")  # walked km, trip km, kg, low, high: five per day
        status: list[str | None] = []
        for day in ordered:
            steps, km, kg, low, high, day_status = days.get(day, _NO_STEPS)
            t_km, t_kg, t_low, t_high = trips.get(day, _NO_TRIPS)
            self._steps.append(steps)
            self._figures.extend((km, t_km, kg + t_kg, low + t_low, high + t_high))
            status.append(sys.intern(day_status) if day_status else None)
        self._status = tuple(status)
        counted = {d for d, row in days.items() if row[5] == "counted" and row[0] > 0}
        self.active = ActiveDays(counted | trips.keys())
        self._donations = sorted(donations, key=lambda d: d[0])
        self._donation_days = [d[0] for d in self._donations]

    def day_totals(self, first: date, last: date) -> list[DayTotals]:
        lo = bisect.bisect_left(self._days, first.toordinal())
        hi = bisect.bisect_right(self._days, last.toordinal(), lo)
        f = self._figures
        return [
            DayTotals(date.fromordinal(self._days[i]), self._steps[i], f[5 * i], f[5 * i + 1],
                      f[5 * i + 2], f[5 * i + 3], f[5 * i + 4], self._status[i])
            for i in range(lo, hi)
        ]  # fmt: skip

    def kg(self, first: date, last: date) -> float:
        lo = bisect.bisect_left(self._days, first.toordinal())
        hi = bisect.bisect_right(self._days, last.toordinal(), lo)
        return sum(self._figures[5 * lo + 2 : 5 * hi : 5])

    def donated(self, first: date, last: date) -> tuple[int, int, float, list[Money]]:
        lo = bisect.bisect_left(self._donation_days, first)
        chosen = self._donations[lo : bisect.bisect_right(self._donation_days, last, lo)]
        money: dict[str, int] = {}
        for *_, credits in chosen:
            for m in credits:
                money[m.currency] = money.get(m.currency, 0) + m.minor
        return (len(chosen), sum(d[1] for d in chosen), sum(d[2] for d in chosen),
                [Money(c, v) for c, v in sorted(money.items())])  # fmt: skip


_NO_STEPS: DayRow = (0, 0.0, 0.0, 0.0, 0.0, "")
_NO_TRIPS: TripDay = (0.0, 0.0, 0.0, 0.0)


class PeopleCache:
    def __init__(self, kept: int = PEOPLE_KEPT) -> None:
        self._kept = kept
        self._rows: OrderedDict[str, PersonRows] = OrderedDict()
        self._generation: dict[str, int] = {}
        self._epoch = 0  # moves on when everyone is forgotten at once
        self._lock = threading.Lock()

    def get(self, user_id: str, load: Callable[[], PersonRows]) -> PersonRows:
        with self._lock:
            rows = self._rows.get(user_id)
            if rows is not None:
                self._rows.move_to_end(user_id)
                return rows
            started = (self._epoch, self._generation.get(user_id, 0))
        rows = load()
        with self._lock:
            if started == (self._epoch, self._generation.get(user_id, 0)):
                self._rows[user_id] = rows
                if len(self._rows) > self._kept:
                    self._rows.popitem(last=False)
        return rows

    def forget(self, user_ids: Iterable[str]) -> None:
        with self._lock:
            for user_id in user_ids:
                self._rows.pop(user_id, None)
                self._generation[user_id] = self._generation.get(user_id, 0) + 1

    def forget_everyone(self) -> None:
        with self._lock:
            self._rows.clear()
            self._epoch += 1


class Standings:
    """Opted-in people's totals per region and period, refreshed at most once a minute.

    The asking person's own total is always taken fresh from their rows, so their own writes
    show at once; the others' totals may be up to a minute old, or a little more while one
    request refreshes them: the others meanwhile rank against the totals already kept, so a
    refresh is one query, not one per request that arrives during it.
    """

    def __init__(self, seconds: float = STANDINGS_SECONDS) -> None:
        self._seconds = seconds
        self._totals: dict[tuple[str, date, date], tuple[float, dict[str, float], list[float]]] = {}
        self._refreshing: set[tuple[str, date, date]] = set()
        self._lock = threading.Lock()

    def standing(
        self,
        region: str,
        first: date,
        last: date,
        user_id: str,
        own_kg: float,
        load: Callable[[], list[tuple[str, float]]],
    ) -> Standing:
        key = (region, first, last)
        with self._lock:
            cached = self._totals.get(key)
            stale = cached is None or time.monotonic() - cached[0] > self._seconds
            refresh = stale and (cached is None or key not in self._refreshing)
            if refresh:
                self._refreshing.add(key)
        if refresh:
            try:
                rows = dict(load())
                cached = (time.monotonic(), rows, sorted(rows.values()))
                with self._lock:
                    self._totals[key] = cached
            finally:
                with self._lock:
                    self._refreshing.discard(key)
        assert cached is not None
        _, by_user, ordered = cached
        others = len(ordered) - (1 if user_id in by_user else 0)
        below = bisect.bisect_left(ordered, own_kg)
        old = by_user.get(user_id)
        if old is not None and old < own_kg:
            below -= 1  # the person's older total is in the list; they do not rank against it
        return Standing(region, others + 1, 100.0 * max(below, 0) / max(others, 1))
