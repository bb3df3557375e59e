"""The real factor tables: published figures, derived rows, coverage and the EV rule on them."""

import math
import re
from typing import Any

import duckdb
import pytest

from greenapp.domain.lookup import FactorQuery, FactorTable
from greenapp.domain.vocabulary import MODES
from greenapp.store.factors.build import BuildResult

# (factor_id, the figure as the publisher prints it, its unit, the edition)
PUBLISHED = [
    # UK DESNZ greenhouse gas reporting conversion factors 2025, flat file
    ("gb.desnz2025.car.petrol.average.ttw", "0.16272", "kg CO2e/km", "2025"),
    ("gb.desnz2025.bus.average_local.ttw", "0.10385", "kg CO2e/km", "2025"),
    ("gb.desnz2025.electricity.generation", "0.177", "kg CO2e/kWh", "2025"),
    # US EPA fact sheet EPA-420-F-11-041: 8,887 g CO2 per gallon of gasoline
    ("us.epa2011.fuel.petrol.ttw", "8887", "g CO2/gal", None),
    # China MEE and NBS: national average CO2 factor of electricity for 2023
    ("cn.mee2023.grid.national.generation", "0.5306", "kg CO2/kWh", None),
    # EEA indicator: average new car in 2022
    ("eu.eea2022.car.unknown.average.ttw", "108.1", "g CO2/km", None),
]


def _rows(
    result: BuildResult, sql: str, params: list[object] | None = None
) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(result.path), read_only=True) as db:
        return db.execute(sql, params or []).fetchall()


@pytest.mark.parametrize(("factor_id", "value", "unit", "edition"), PUBLISHED)
def test_published_figures_are_stored_as_printed(
    built_factors: BuildResult, factor_id: str, value: str, unit: str, edition: str | None
) -> None:
    rows = _rows(
        built_factors,
        "SELECT published_value, published_unit, edition FROM factors WHERE factor_id = ?",
        [factor_id],
    )
    assert rows, f"{factor_id} is missing"
    published_value, published_unit, stored_edition = rows[0]
    assert (published_value, published_unit) == (value, unit)
    if edition is not None:
        assert stored_edition == edition


def test_a_published_figure_is_converted_exactly(factor_table: FactorTable) -> None:
    petrol = factor_table.find(
        FactorQuery("fuel_combustion", "US", 2011, fuel="petrol", scope="ttw")
    ).factor
    assert petrol.value == pytest.approx(8.887 / 3.785411784, rel=1e-12)
    assert petrol.unit == "kg CO2/L"


FACTOR_ID = r"[a-z0-9_]+(?:\.[a-z0-9_]+)*"
DERIVED_PRODUCT = re.compile(rf"^derived: ({FACTOR_ID}) × ({FACTOR_ID})")
DERIVED_MEAN = re.compile(r"^derived: mean\(([a-z0-9_., ]+)\)")
# The factor that turns (input a × input b), in canonical units, into the derived row's unit.
PRODUCT_SCALE = {("fuel_consumption", "fuel_combustion"): 1 / 100}


def test_every_derived_row_equals_its_stated_arithmetic(built_factors: BuildResult) -> None:
    rows = _rows(built_factors, "SELECT factor_id, quantity, value, note FROM factors")
    by_id = {r[0]: r for r in rows}
    checked = 0
    for factor_id, _, value, note in rows:
        if product := DERIVED_PRODUCT.match(note or ""):
            a, b = (by_id[i] for i in product.groups())
            scale = PRODUCT_SCALE.get((a[1], b[1]), 1.0)
            assert value == pytest.approx(a[2] * b[2] * scale, rel=1e-4), factor_id
            checked += 1
        elif mean := DERIVED_MEAN.match(note or ""):
            inputs = [by_id[i.strip()][2] for i in mean.group(1).split(",")]
            assert value == pytest.approx(sum(inputs) / len(inputs), rel=1e-4), factor_id
            checked += 1
    assert checked >= 5


REGIONS = ["CN", "GB", "US", "EU"]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_mode_has_a_factor_in_every_region(
    factor_table: FactorTable, region: str, mode: str
) -> None:
    found = factor_table.travel_factor(mode, region, 2025)
    assert found.value >= 0
    assert found.low <= found.value <= found.high


@pytest.mark.parametrize("region", REGIONS)
def test_every_region_has_people_figures(factor_table: FactorTable, region: str) -> None:
    for quantity in ("per_capita_emissions", "tree_uptake", "grid_intensity"):
        scope = "generation" if quantity == "grid_intensity" else None
        assert factor_table.find(FactorQuery(quantity, region, 2025, scope=scope)).factor
    for population in ("female", "male", "all"):
        for quantity in ("step_length", "step_length_ratio"):
            q = FactorQuery(quantity, region, 2025, population=population)
            assert factor_table.find(q).factor.value > 0


def test_a_uk_electric_car_is_desnz_kwh_per_km_times_the_uk_grid(
    factor_table: FactorTable,
) -> None:
    # DESNZ 2025: 0.20656 kWh per km for the average battery electric car, 0.177 kg CO2e per kWh
    ev = factor_table.travel_factor("car", "GB", 2025, fuel="electric")
    assert ev.rule == "electricity_via_grid"
    assert ev.value == pytest.approx(0.20656 * 0.177, rel=1e-9)
    assert [f.published_value for f in ev.factors] == ["0.20656", "0.177"]


def test_the_same_car_saves_more_on_a_dirtier_grid(factor_table: FactorTable) -> None:
    gb_2023 = factor_table.travel_factor("car", "GB", 2023, fuel="electric")
    gb_2025 = factor_table.travel_factor("car", "GB", 2025, fuel="electric")
    # DESNZ 2023: 0.24363 kWh/km and 0.20707 kg CO2e/kWh
    assert gb_2023.value == pytest.approx(0.24363 * 0.20707, rel=1e-9)
    assert gb_2023.value > gb_2025.value


def test_a_region_without_a_figure_falls_back_to_world_and_says_so(
    factor_table: FactorTable,
) -> None:
    metro = factor_table.travel_factor("metro", "CN", 2025)
    assert metro.factors[0].region == "WORLD"
    assert [(f.kind, f.asked, f.used) for f in metro.fallbacks] == [("region", "CN", "WORLD")]


def test_a_later_year_uses_the_latest_earlier_edition(factor_table: FactorTable) -> None:
    car = factor_table.travel_factor("car", "GB", 2027, fuel="petrol")
    assert car.factors[0].factor_id == "gb.desnz2025.car.petrol.average.ttw"
    assert [(f.kind, f.asked, f.used) for f in car.fallbacks] == [
        ("year", "2027", "2025 (latest earlier edition)")
    ]
    older = factor_table.travel_factor("car", "GB", 2024, fuel="petrol")
    assert older.factors[0].published_value == "0.1645"  # DESNZ 2024 edition


def test_no_factor_is_both_unverified_and_silent(built_factors: BuildResult) -> None:
    """A secondary or derived figure must say in its note where it came from."""
    rows = _rows(
        built_factors,
        "SELECT factor_id FROM factors WHERE evidence IN ('S', 'D', 'T') AND "
        "length(coalesce(note, '')) < 20",
    )
    assert rows == []


def test_every_range_contains_its_value(built_factors: BuildResult) -> None:
    rows = _rows(built_factors, "SELECT factor_id, low, value, high FROM factors")
    bad = [r[0] for r in rows if not (r[1] <= r[2] <= r[3]) or math.isnan(r[2])]
    assert bad == []
