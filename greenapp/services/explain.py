"""Live numbers for the explainer pages, read from the factor table the service uses."""

from dataclasses import dataclass
from typing import Final

from greenapp.domain.errors import FactorNotFound
from greenapp.domain.factors import Factor
from greenapp.domain.lookup import FactorQuery, FactorTable, TravelFactor
from greenapp.domain.vocabulary import MODES

REGIONS_SHOWN: Final = ("CN", "GB", "US", "EU", "WORLD")
STEPS_SHOWN: Final = 10_000


@dataclass(frozen=True, slots=True)
class RegionWalk:
    region: str
    car: TravelFactor
    step_m: float
    km_per_10k_steps: float
    kg_if_all_replaced: float
    kg_counted: float


@dataclass(frozen=True, slots=True)
class RegionEv:
    region: str
    ev: TravelFactor
    petrol: TravelFactor


@dataclass(frozen=True, slots=True)
class RegionFactors:
    region: str
    rows: list[TravelFactor]


def walking_by_region(table: FactorTable, year: int, share: float) -> list[RegionWalk]:
    rows = []
    for region in REGIONS_SHOWN:
        car = table.travel_factor("car", region, year)
        walk = table.travel_factor("walk", region, year)
        step = table.find(FactorQuery("step_length", region, year, population="all")).factor
        km = STEPS_SHOWN * step.value / 1000
        saved = km * (car.value - walk.value)
        rows.append(RegionWalk(region, car, step.value, km, saved, saved * share))
    return rows


def electric_by_region(table: FactorTable, year: int) -> list[RegionEv]:
    return [
        RegionEv(
            region,
            table.travel_factor("car", region, year, fuel="electric"),
            table.travel_factor("car", region, year, fuel="petrol"),
        )
        for region in REGIONS_SHOWN
    ]


def factors_by_region(table: FactorTable, year: int) -> list[RegionFactors]:
    out = []
    for region in REGIONS_SHOWN:
        rows = []
        for mode in MODES:
            try:
                rows.append(table.travel_factor(mode, region, year))
            except FactorNotFound:
                continue
        out.append(RegionFactors(region, rows))
    return out


def people_figures(table: FactorTable, year: int) -> tuple[Factor, list[Factor]]:
    tree = table.find(FactorQuery("tree_uptake", "WORLD", year)).factor
    residents = [
        table.find(FactorQuery("per_capita_emissions", region, year)).factor
        for region in REGIONS_SHOWN
    ]
    return tree, residents
