"""From a day's steps to the distance walked.

The distance is steps × step length. The step length comes, in this order of preference, from
the device's own measured distance (when it fits a human stride), from the person's height
times the published height ratio for their sex, or from the published population average.
"""

from dataclasses import dataclass

from greenapp.domain.factors import Factor
from greenapp.domain.lookup import FactorQuery, FactorTable, Fallback


@dataclass(frozen=True, slots=True)
class StepLength:
    metres: float
    low: float
    high: float
    rule: str  # device | height_ratio | population_average
    factors: tuple[Factor, ...] = ()
    fallbacks: tuple[Fallback, ...] = ()


@dataclass(frozen=True, slots=True)
class Walked:
    km: float
    low_km: float
    high_km: float
    step_length: StepLength


def step_length(
    table: FactorTable, region: str, year: int, height_cm: float | None, sex: str | None
) -> StepLength:
    """The published step length for a person, from height when known."""
    population = sex or "all"
    if height_cm is None:
        found = table.find(FactorQuery("step_length", region, year, population=population))
        f = found.factor
        return StepLength(f.value, f.low, f.high, "population_average", (f,), found.fallbacks)
    found = table.find(FactorQuery("step_length_ratio", region, year, population=population))
    f = found.factor
    metres = height_cm / 100
    return StepLength(
        metres * f.value, metres * f.low, metres * f.high, "height_ratio", (f,), found.fallbacks
    )


def device_step_length(steps: int, device_distance_m: float) -> StepLength:
    """The device's own measurement, taken as exact (its error is the device's)."""
    metres = device_distance_m / steps
    return StepLength(metres, metres, metres, "device")


def walked(steps: int, length: StepLength) -> Walked:
    return Walked(
        km=steps * length.metres / 1000,
        low_km=steps * length.low / 1000,
        high_km=steps * length.high / 1000,
        step_length=length,
    )
