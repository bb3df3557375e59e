"""Summing a person's days for a period."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


class DayTotals(NamedTuple):
    """One day of a person's activity: plain steps and trips together.

    A named tuple rather than a frozen dataclass: a footprint makes one per day of its period on
    every request, and a tuple is several times cheaper to make.
    """

    day: date
    steps: int
    walked_km: float
    trip_km: float
    kg: float
    low: float
    high: float
    status: str | None  # the step day's status, None when only trips were recorded


@dataclass(frozen=True, slots=True)
class Totals:
    days: int
    steps: int
    km: float
    kg: float
    low: float
    high: float


def totals(series: Sequence[DayTotals]) -> Totals:
    steps, km, kg, low, high = 0, 0.0, 0.0, 0.0, 0.0
    for d in series:
        steps += d.steps
        km += d.walked_km + d.trip_km
        kg += d.kg
        low += d.low
        high += d.high
    return Totals(len(series), steps, km, kg, low, high)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a person's saving stands among the opted-in people of their region."""

    region: str
    people: int
    percentile: float  # share of the others who saved less, 0-100
