"""Emission-factor records and the rules every source-table row must follow.

The rules are written out for people in emission_factors/FORMAT.md; this module is where they
are enforced, so a bad row fails the build with its reason.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from greenapp.domain import vocabulary as v
from greenapp.domain.errors import InvalidFactorRow, UnknownUnit
from greenapp.domain.units import range_to_canonical, to_canonical

FACTOR_COLUMNS: Final = (
    "factor_id",
    "quantity",
    "region",
    "mode",
    "vehicle_class",
    "fuel",
    "population",
    "year",
    "edition",
    "value",
    "unit",
    "basis",
    "scope",
    "low",
    "high",
    "uncertainty_pct",
    "uncertainty_source",
    "source_id",
    "source_ref",
    "evidence",
    "note",
    "use",
)
SOURCE_COLUMNS: Final = (
    "source_id",
    "publisher",
    "title",
    "edition",
    "url",
    "licence",
    "accessed",
    "note",
)
USES: Final = {
    "default": "used by lookups",
    "alternative": "kept for comparison; lookups skip it",
}

_FACTOR_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_\-]+)+$")
_SOURCE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^(https?://|docs/)\S+$")  # docs/: the project's own method notes
_FIRST_YEAR, _LAST_YEAR = 1990, 2100


@dataclass(frozen=True, slots=True)
class Source:
    source_id: str
    publisher: str
    title: str
    edition: str
    url: str
    licence: str
    accessed: str
    note: str


@dataclass(frozen=True, slots=True)
class Factor:
    """One published figure, with its value converted to the quantity's canonical unit."""

    factor_id: str
    quantity: str
    region: str
    mode: str | None
    vehicle_class: str | None
    fuel: str | None
    population: str | None
    year: int
    edition: str
    value: float
    unit: str
    low: float
    high: float
    basis: str | None
    scope: str | None
    published_value: str
    published_unit: str
    uncertainty_pct: float | None
    uncertainty_source: str
    source_id: str
    source_ref: str
    evidence: str
    note: str
    use: str

    @property
    def gas(self) -> str | None:
        """'CO2e' or 'CO2' for emission figures, None for the rest."""
        if "CO2e" in self.unit:
            return "CO2e"
        return "CO2" if "CO2" in self.unit else None


def parse_source_row(row: Mapping[str, str]) -> Source:
    values = {name: (row.get(name) or "").strip() for name in SOURCE_COLUMNS}
    if not _SOURCE_ID.match(values["source_id"]):
        raise InvalidFactorRow(
            f"source_id {values['source_id']!r} must be a lowercase slug like 'gb-desnz-2025'"
        )
    for required in ("publisher", "title", "edition", "url", "licence"):
        if not values[required]:
            raise InvalidFactorRow(f"{required} is empty")
    if not _URL.match(values["url"]):
        raise InvalidFactorRow(
            f"url {values['url']!r} is neither an http(s) address nor a docs/ path"
        )
    return Source(**values)


def parse_factor_row(row: Mapping[str, str]) -> Factor:
    """Check one source-table row and return it as a Factor in canonical units."""
    cell = {name: (row.get(name) or "").strip() for name in FACTOR_COLUMNS}
    quantity = _one_of(cell, "quantity", v.QUANTITIES)
    region = _one_of(cell, "region", v.REGIONS)
    mode, vehicle_class, fuel = _travel_fields(cell, quantity)
    population = _required_if(cell, "population", v.POPULATIONS, quantity in v.PEOPLE_QUANTITIES)
    basis = _required_if(cell, "basis", v.BASES, quantity in v.PER_DISTANCE)
    scope = _required_if(cell, "scope", v.SCOPES, quantity in v.EMISSION_QUANTITIES)
    value_published = _number(cell, "value")
    try:
        value, unit = to_canonical(quantity, value_published, cell["unit"])
    except UnknownUnit as error:
        raise InvalidFactorRow(error.detail) from None
    low, high, pct = _uncertainty(cell, quantity, value_published, value)
    if not _FACTOR_ID.match(cell["factor_id"]):
        raise InvalidFactorRow(
            f"factor_id {cell['factor_id']!r} must be lowercase and dot-separated"
        )
    for required in ("edition", "uncertainty_source", "source_id"):
        if not cell[required]:
            raise InvalidFactorRow(f"{required} is empty")
    return Factor(
        factor_id=cell["factor_id"],
        quantity=quantity,
        region=region,
        mode=mode,
        vehicle_class=vehicle_class,
        fuel=fuel,
        population=population,
        year=_year(cell),
        edition=cell["edition"],
        value=value,
        unit=unit,
        low=low,
        high=high,
        basis=basis,
        scope=scope,
        published_value=cell["value"],
        published_unit=cell["unit"],
        uncertainty_pct=pct,
        uncertainty_source=cell["uncertainty_source"],
        source_id=cell["source_id"],
        source_ref=cell["source_ref"],
        evidence=_one_of(cell, "evidence", v.EVIDENCE),
        note=cell["note"],
        use=_one_of({"use": cell["use"] or "default"}, "use", USES),
    )


def _one_of(
    cell: Mapping[str, str], column: str, allowed: Mapping[str, str] | frozenset[str]
) -> str:
    value = cell[column]
    if value not in allowed:
        choices = ", ".join(sorted(allowed))
        raise InvalidFactorRow(f"{column} {value!r} is not one of: {choices}")
    return value


def _required_if(
    cell: Mapping[str, str],
    column: str,
    allowed: Mapping[str, str] | frozenset[str],
    required: bool,
) -> str | None:
    if not cell[column]:
        if required:
            raise InvalidFactorRow(f"{column} is required for {cell['quantity']}")
        return None
    if not required:
        raise InvalidFactorRow(f"{column} must be empty for {cell['quantity']}")
    return _one_of(cell, column, allowed)


def _travel_fields(
    cell: Mapping[str, str], quantity: str
) -> tuple[str | None, str | None, str | None]:
    if quantity not in v.TRAVEL_QUANTITIES:
        about_fuel = quantity in v.FUEL_QUANTITIES
        for column in (
            ("mode", "vehicle_class") if about_fuel else ("mode", "vehicle_class", "fuel")
        ):
            if cell[column]:
                raise InvalidFactorRow(f"{column} must be empty for {quantity}")
        return None, None, _one_of(cell, "fuel", v.FUELS) if about_fuel else None
    mode = _one_of(cell, "mode", v.MODES)
    vehicle_class = cell["vehicle_class"] or "average"
    if vehicle_class not in v.VEHICLE_CLASSES:
        choices = ", ".join(sorted(v.VEHICLE_CLASSES))
        raise InvalidFactorRow(f"vehicle_class {vehicle_class!r} is not one of: {choices}")
    fuel = _one_of(cell, "fuel", v.FUELS) if cell["fuel"] else None
    return mode, vehicle_class, fuel


def _number(cell: Mapping[str, str], column: str) -> float:
    text = cell[column]
    try:
        number = float(text)
    except ValueError:
        raise InvalidFactorRow(f"{column} {text!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise InvalidFactorRow(f"{column} {text!r} must be a finite number, zero or more")
    return number


def _year(cell: Mapping[str, str]) -> int:
    text = cell["year"]
    if not text.isdigit() or not _FIRST_YEAR <= int(text) <= _LAST_YEAR:
        raise InvalidFactorRow(
            f"year {text!r} must be a year between {_FIRST_YEAR} and {_LAST_YEAR}"
        )
    return int(text)


def _uncertainty(
    cell: Mapping[str, str], quantity: str, published: float, canonical: float
) -> tuple[float, float, float | None]:
    """Return the canonical low and high, and the stated percentage if there is one."""
    has_low, has_high = bool(cell["low"]), bool(cell["high"])
    if has_low != has_high:
        raise InvalidFactorRow("low and high must be given together")
    pct = _number(cell, "uncertainty_pct") if cell["uncertainty_pct"] else None
    if pct is not None and pct > 100:
        raise InvalidFactorRow(f"uncertainty_pct {pct} is over 100")
    if has_low:
        low_published, high_published = _number(cell, "low"), _number(cell, "high")
        if not low_published <= published <= high_published:
            raise InvalidFactorRow(
                f"value {published} is not within low {low_published} and high {high_published}"
            )
        low, high = range_to_canonical(quantity, low_published, high_published, cell["unit"])
        return low, high, pct
    if pct is None:
        raise InvalidFactorRow("give low and high, or uncertainty_pct")
    return canonical * (1 - pct / 100), canonical * (1 + pct / 100), pct
