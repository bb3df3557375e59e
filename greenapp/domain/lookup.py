"""Finding the factor for a question, with explicit fallbacks, and the electric-vehicle rule.

Fallbacks are tried in a fixed order and every one used is reported, so a caller can always
say which figure it used and why:

1. vehicle class -> ``average`` and fuel -> ``unknown`` (staying in the asked region),
2. region -> ``WORLD``,
3. year -> the latest earlier edition, else the earliest later one.

An electric car's (or e-bike's) factor is never read from a per-km row: it is the vehicle's
kWh/km times the region's grid intensity for the year, each found with the same fallbacks.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from greenapp.domain.errors import FactorNotFound
from greenapp.domain.factors import Factor
from greenapp.domain.vocabulary import WORLD

# The default basis for savings: direct (tank-to-wheel) emissions; per vehicle-km for cars and
# taxis (the driver alone, so one vehicle-km is one person-km), per passenger-km for shared modes.
DEFAULT_SCOPE: Final = "ttw"
# Which grid figure matches each vehicle scope when electricity drives the vehicle.
GRID_SCOPE_FOR: Final = {"ttw": "generation", "lifecycle": "lifecycle"}
VEHICLE_BASIS: Final = {"car": "vkm", "taxi": "vkm", "motorbike": "vkm"}
ELECTRIC_MODES: Final = frozenset({"ebike"})


@dataclass(frozen=True, slots=True)
class FactorQuery:
    quantity: str
    region: str
    year: int
    mode: str | None = None
    vehicle_class: str | None = None
    fuel: str | None = None
    population: str | None = None
    scope: str | None = None
    basis: str | None = None


@dataclass(frozen=True, slots=True)
class Fallback:
    """One step away from what was asked."""

    kind: str  # region | year | vehicle_class | fuel
    asked: str
    used: str

    def describe(self) -> str:
        return f"{self.kind} {self.asked} not published; used {self.used}"


@dataclass(frozen=True, slots=True)
class Found:
    factor: Factor
    fallbacks: tuple[Fallback, ...] = ()


@dataclass(frozen=True, slots=True)
class TravelFactor:
    """Emissions per km of one way of travelling, ready for the savings arithmetic."""

    mode: str
    value: float
    low: float
    high: float
    unit: str
    basis: str
    scope: str
    rule: str  # "published" or "electricity_via_grid"
    factors: tuple[Factor, ...]
    fallbacks: tuple[Fallback, ...] = field(default=())

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return tuple(factor.factor_id for factor in self.factors)


ANSWERS_KEPT: Final = 10_000


class FactorTable:
    """An in-memory, read-only view of one factor-set version."""

    def __init__(self, factors: Iterable[Factor], version: str) -> None:
        self.version = version
        self._by_quantity: dict[str, list[Factor]] = {}
        for factor in factors:
            if factor.use == "default":
                self._by_quantity.setdefault(factor.quantity, []).append(factor)
        # The table never changes, so each distinct question is answered once; the questions
        # are a few hundred combinations of region, year, mode and car.
        self._answers: dict[FactorQuery, Found | FactorNotFound] = {}

    def find(self, query: FactorQuery) -> Found:
        answer = self._answers.get(query)
        if answer is None:
            try:
                answer = self._search(query)
            except FactorNotFound as missing:
                answer = missing
            if len(self._answers) >= ANSWERS_KEPT:
                self._answers.clear()
            self._answers[query] = answer
        if isinstance(answer, FactorNotFound):
            raise FactorNotFound(str(answer))
        return answer

    def _search(self, query: FactorQuery) -> Found:
        for region, fallbacks in _widening(query):
            rows = [f for f in self._by_quantity.get(query.quantity, []) if _matches(f, region)]
            if rows:
                factor, year_fallback = _closest_edition(rows, query.year)
                return Found(factor, fallbacks + year_fallback)
        raise FactorNotFound(f"no {query.quantity} factor for {_describe(query)}")

    def travel_factor(
        self,
        mode: str,
        region: str,
        year: int,
        vehicle_class: str | None = None,
        fuel: str | None = None,
        scope: str = DEFAULT_SCOPE,
    ) -> TravelFactor:
        """The per-km factor of ``mode``, on the default basis unless ``scope`` says otherwise."""
        vehicle_class = vehicle_class or "average"
        if fuel == "electric" or mode in ELECTRIC_MODES:
            return self._electric(mode, region, year, vehicle_class, scope)
        basis = VEHICLE_BASIS.get(mode, "pkm")
        if fuel is None and mode in VEHICLE_BASIS:
            fuel = "unknown"
        found = self.find(
            FactorQuery(
                "travel_emissions",
                region,
                year,
                mode,
                vehicle_class,
                fuel,
                scope=scope,
                basis=basis,
            )
        )
        f = found.factor
        return TravelFactor(
            mode, f.value, f.low, f.high, f.unit, basis, scope, "published", (f,), found.fallbacks
        )

    def _electric(
        self, mode: str, region: str, year: int, vehicle_class: str, scope: str
    ) -> TravelFactor:
        if scope not in GRID_SCOPE_FOR:
            raise FactorNotFound(
                f"no grid intensity matches scope {scope!r} for an electric {mode}"
            )
        energy = self.find(
            FactorQuery("ev_energy_use", region, year, mode, vehicle_class, fuel="electric")
        )
        grid = self.find(FactorQuery("grid_intensity", region, year, scope=GRID_SCOPE_FOR[scope]))
        e, g = energy.factor, grid.factor
        return TravelFactor(
            mode=mode,
            value=e.value * g.value,
            low=e.low * g.low,
            high=e.high * g.high,
            unit=g.unit.replace("/kWh", "/km"),
            basis=VEHICLE_BASIS.get(mode, "vkm"),
            scope=scope,
            rule="electricity_via_grid",
            factors=(e, g),
            fallbacks=energy.fallbacks + grid.fallbacks,
        )


def _widening(query: FactorQuery) -> Iterator[tuple[FactorQuery, tuple[Fallback, ...]]]:
    """The asked query, then each documented fallback, most specific first."""
    regions = [query.region] if query.region == WORLD else [query.region, WORLD]
    for region in regions:
        region_step = () if region == query.region else (Fallback("region", query.region, region),)
        for fuel in _options(query.fuel, "unknown"):
            for vehicle_class in _options(query.vehicle_class, "average"):
                steps: tuple[Fallback, ...] = region_step
                if fuel != query.fuel:
                    steps += (Fallback("fuel", str(query.fuel), str(fuel)),)
                if vehicle_class != query.vehicle_class:
                    steps += (
                        Fallback("vehicle_class", str(query.vehicle_class), str(vehicle_class)),
                    )
                yield _replace(query, region, vehicle_class, fuel), steps


def _options(asked: str | None, general: str) -> list[str | None]:
    return [asked] if asked in (None, general) else [asked, general]


def _replace(
    query: FactorQuery, region: str, vehicle_class: str | None, fuel: str | None
) -> FactorQuery:
    return FactorQuery(
        query.quantity,
        region,
        query.year,
        query.mode,
        vehicle_class,
        fuel,
        query.population,
        query.scope,
        query.basis,
    )


def _matches(factor: Factor, query: FactorQuery) -> bool:
    """Exact match on every field; an unstated fuel matches rows of no fuel or of all fuels."""
    same = (
        factor.region == query.region
        and factor.mode == query.mode
        and factor.vehicle_class == query.vehicle_class
        and factor.population == query.population
        and factor.scope == query.scope
        and factor.basis == query.basis
    )
    if query.fuel is None:
        return same and factor.fuel in (None, "unknown")
    return same and factor.fuel == query.fuel


def _closest_edition(rows: list[Factor], year: int) -> tuple[Factor, tuple[Fallback, ...]]:
    earlier = [f for f in rows if f.year <= year]
    if earlier:
        best = max(earlier, key=_edition_rank)
    else:
        best = min(rows, key=lambda f: (f.year, f.factor_id))
    if best.year == year or best.evidence == "M":  # method definitions hold for every year
        return best, ()
    direction = "latest earlier" if best.year < year else "earliest later"
    return best, (Fallback("year", str(year), f"{best.year} ({direction} edition)"),)


_EVIDENCE_RANK: Final = {"P": 4, "T": 3, "D": 2, "M": 2, "S": 1}


def _edition_rank(factor: Factor) -> tuple[int, int, str]:
    # Newest year first; within a year, the better-evidenced row; then a stable order.
    return factor.year, _EVIDENCE_RANK[factor.evidence], factor.factor_id


def _describe(query: FactorQuery) -> str:
    parts = [f"{name}={value}" for name, value in _fields(query) if value is not None]
    return ", ".join(parts)


def _fields(query: FactorQuery) -> list[tuple[str, object]]:
    return [
        ("region", query.region),
        ("year", query.year),
        ("mode", query.mode),
        ("vehicle_class", query.vehicle_class),
        ("fuel", query.fuel),
        ("population", query.population),
        ("scope", query.scope),
        ("basis", query.basis),
    ]
