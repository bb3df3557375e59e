"""Putting kg CO2e into terms people picture, each from a cited figure in the factor table."""

from dataclasses import dataclass

from greenapp.domain.errors import FactorNotFound
from greenapp.domain.factors import Factor
from greenapp.domain.lookup import FactorQuery, FactorTable, TravelFactor

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True, slots=True)
class Equivalent:
    kind: str  # tree_days | km_not_driven | resident_days
    value: float
    unit: str
    explanation: str
    factors: tuple[Factor, ...]

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return tuple(factor.factor_id for factor in self.factors)


def equivalents(
    kg: float, table: FactorTable, region: str, year: int, car: TravelFactor
) -> tuple[Equivalent, ...]:
    """Every equivalent the tables can give for ``kg``; one whose figure is missing is left out."""
    found: list[Equivalent] = []
    for make in (_tree_days, _resident_days):
        try:
            found.append(make(kg, table, region, year))
        except FactorNotFound:
            continue
    if car.value > 0:
        found.append(
            Equivalent(
                "km_not_driven",
                kg / car.value,
                "km",
                f"km driven in the {car.mode} this saving was counted against",
                car.factors,
            )
        )
    return tuple(found)


def _tree_days(kg: float, table: FactorTable, region: str, year: int) -> Equivalent:
    tree = table.find(FactorQuery("tree_uptake", region, year)).factor
    per_day = tree.value / DAYS_PER_YEAR
    return Equivalent(
        "tree_days",
        kg / per_day,
        "tree-days",
        "days of CO2 uptake by one young urban tree (averaged over its first ten years)",
        (tree,),
    )


def _resident_days(kg: float, table: FactorTable, region: str, year: int) -> Equivalent:
    person = table.find(FactorQuery("per_capita_emissions", region, year)).factor
    per_day_kg = person.value * 1000 / DAYS_PER_YEAR
    return Equivalent(
        "resident_days",
        kg / per_day_kg,
        "days",
        "days of an average resident's fossil CO2 emissions in the region",
        (person,),
    )
