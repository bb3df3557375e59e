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
    flat arrays, so a year of history is a few kilobytes and nothing the garbage collector has
    to walk; DayTotals are made only for the days a period asks for.

    A PersonRows never changes once made: the ``with_`` methods return a patched copy, which the
    writer puts in place of the old one after a commit (see PeopleCache.committed).
    """

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
        self._figures = array("d")  # FIGURES per day: the steps' part, then the trips'
        status: list[str | None] = []
        for day in ordered:
            steps, km, kg, low, high, day_status = days.get(day, _NO_STEPS)
            self._steps.append(steps)
            self._figures.extend((km, kg, low, high, *trips.get(day, _NO_TRIPS)))
            status.append(sys.intern(day_status) if day_status else None)
        self._status = status
        counted = {d for d, row in days.items() if row[5] == "counted" and row[0] > 0}
        self.active = ActiveDays(counted | trips.keys())
        self._donations = sorted(donations, key=lambda d: d[0])
        self._donation_days = [d[0] for d in self._donations]

    def day_totals(self, first: date, last: date) -> list[DayTotals]:
        lo, hi = self._between(first, last)
        return [self._totals(i) for i in range(lo, hi)]

    def _totals(self, i: int) -> DayTotals:
        km, kg, low, high, t_km, t_kg, t_low, t_high = self._figures[FIGURES * i : FIGURES * i + 8]
        return DayTotals(date.fromordinal(self._days[i]), self._steps[i], km, t_km, kg + t_kg,
                         low + t_low, high + t_high, self._status[i])  # fmt: skip

    def kg(self, first: date, last: date) -> float:
        lo, hi = self._between(first, last)
        f = self._figures
        return sum(f[FIGURES * lo + 1 : FIGURES * hi : FIGURES]) + sum(
            f[FIGURES * lo + 5 : FIGURES * hi : FIGURES]
        )

    def _between(self, first: date, last: date) -> tuple[int, int]:
        lo = bisect.bisect_left(self._days, first.toordinal())
        return lo, bisect.bisect_right(self._days, last.toordinal(), lo)

    def donated(self, first: date, last: date) -> tuple[int, int, float, list[Money]]:
        lo = bisect.bisect_left(self._donation_days, first)
        chosen = self._donations[lo : bisect.bisect_right(self._donation_days, last, lo)]
        money: dict[str, int] = {}
        for *_, credits in chosen:
            for m in credits:
                money[m.currency] = money.get(m.currency, 0) + m.minor
        return (len(chosen), sum(d[1] for d in chosen), sum(d[2] for d in chosen),
                [Money(c, v) for c, v in sorted(money.items())])  # fmt: skip

    def with_profile(self, profile: Profile) -> "PersonRows":
        patched = self._copy()
        patched.profile = profile
        return patched

    def with_step_day(self, day: date, row: DayRow) -> "PersonRows":
        """A copy with ``day``'s steps replaced by ``row`` (its trips are kept)."""
        patched, i = self._copy_with_day(day)
        steps, km, kg, low, high, status = row
        patched._steps[i] = steps
        patched._figures[FIGURES * i : FIGURES * i + 4] = array("d", (km, kg, low, high))
        patched._status[i] = sys.intern(status) if status else None
        return patched._with_activity(day, i)

    def with_trip(self, day: date, trip: TripDay) -> "PersonRows":
        """A copy with one more trip on ``day``."""
        patched, i = self._copy_with_day(day)
        at = FIGURES * i + 4
        sums = [a + b for a, b in zip(patched._figures[at : at + 4], trip, strict=True)]
        patched._figures[at : at + 4] = array("d", sums)
        return patched._with_activity(day, i)

    def with_donation(self, donation: DonationRow) -> "PersonRows":
        patched = self._copy()
        at = bisect.bisect_right(patched._donation_days, donation[0])
        patched._donations.insert(at, donation)
        patched._donation_days.insert(at, donation[0])
        return patched

    def _with_activity(self, day: date, i: int) -> "PersonRows":
        active = (self._status[i] == "counted" and self._steps[i] > 0) or self._figures[
            FIGURES * i + 4
        ] > 0
        self.active = self.active.with_day(day, active)
        return self

    def _copy_with_day(self, day: date) -> tuple["PersonRows", int]:
        """A copy that has a row for ``day`` (empty if it is new), and that row's index."""
        patched = self._copy()
        ordinal = day.toordinal()
        i = bisect.bisect_left(patched._days, ordinal)
        if i == len(patched._days) or patched._days[i] != ordinal:
            patched._days.insert(i, ordinal)
            patched._steps.insert(i, 0)
            patched._figures[FIGURES * i : FIGURES * i] = array("d", [0.0] * FIGURES)
            patched._status.insert(i, None)
        return patched, i

    def _copy(self) -> "PersonRows":
        patched = PersonRows.__new__(PersonRows)
        patched.profile = self.profile
        patched._days = array("l", self._days)
        patched._steps = array("q", self._steps)
        patched._figures = array("d", self._figures)
        patched._status = list(self._status)
        patched.active = self.active
        patched._donations = list(self._donations)
        patched._donation_days = list(self._donation_days)
        return patched


FIGURES = 8  # km, kg, low, high of the steps; km, kg, low, high of the trips
_NO_STEPS: DayRow = (0, 0.0, 0.0, 0.0, 0.0, "")
_NO_TRIPS: TripDay = (0.0, 0.0, 0.0, 0.0)
Patch = Callable[[PersonRows], PersonRows]


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

    def committed(self, patches: dict[str, list[Patch]], forgotten: Iterable[str]) -> None:
        """After a commit: patch the rows kept of the people it changed, forget the others.

        Either way each person's generation moves on, so a load that read before the commit
        is not kept.
        """
        with self._lock:
            for user_id, changes in patches.items():
                self._generation[user_id] = self._generation.get(user_id, 0) + 1
                rows = self._rows.get(user_id)
                if rows is not None:
                    for change in changes:
                        rows = change(rows)
                    self._rows[user_id] = rows
        self.forget(forgotten)

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
