"""Carbon avoided: km × (factor of what was replaced − factor of what was used).

Both factors are on the default basis (see lookup.DEFAULT_SCOPE), so a saving never mixes
bases. Ranges combine the ends that widen them: the low end uses the replaced mode's low
factor and the used mode's high one, the high end the opposite.
"""

from dataclasses import dataclass

from greenapp.domain.lookup import Fallback, TravelFactor


@dataclass(frozen=True, slots=True)
class CarShare:
    """The share of plain walked distance counted as replacing driving (docs/method.md)."""

    share: float
    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.share <= self.high <= 1:
            raise ValueError("a car share needs 0 <= low <= share <= high <= 1")


@dataclass(frozen=True, slots=True)
class Saving:
    kg: float
    low: float
    high: float
    rule: str
    factor_ids: tuple[str, ...] = ()
    fallbacks: tuple[str, ...] = ()  # each fallback used, described for people


NOTHING_SAVED = Saving(0.0, 0.0, 0.0, "replaced_nothing")


def trip_saving(km: float, used: TravelFactor, replaced: TravelFactor | None) -> Saving:
    """What ``km`` by ``used`` avoided against ``replaced`` (None: it replaced nothing)."""
    if replaced is None:
        return NOTHING_SAVED
    return Saving(
        kg=km * (replaced.value - used.value),
        low=km * (replaced.low - used.high),
        high=km * (replaced.high - used.low),
        rule=f"replaced_{replaced.mode}",
        factor_ids=replaced.factor_ids + used.factor_ids,
        fallbacks=describe_fallbacks(replaced.fallbacks + used.fallbacks),
    )


def steps_saving(
    km: float, low_km: float, high_km: float, share: CarShare, car: TravelFactor, walk: TravelFactor
) -> Saving:
    """A day's plain steps: only ``share`` of the walked km counts as replacing the car."""
    return Saving(
        kg=km * share.share * (car.value - walk.value),
        low=low_km * share.low * (car.low - walk.high),
        high=high_km * share.high * (car.high - walk.low),
        rule="steps_share_of_walking",
        factor_ids=car.factor_ids + walk.factor_ids,
        fallbacks=describe_fallbacks(car.fallbacks + walk.fallbacks),
    )


def describe_fallbacks(fallbacks: tuple[Fallback, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fallback.describe() for fallback in fallbacks))
