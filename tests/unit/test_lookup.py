"""Fallbacks and the electric-vehicle rule, on small synthetic tables."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenapp.domain.errors import FactorNotFound
from greenapp.domain.factor_set import set_problems
from greenapp.domain.lookup import FactorQuery, FactorTable, Fallback
from tests.tables import factor


def car(region: str, year: int, value: str, **cells: str) -> dict[str, str]:
    fid = ".".join(
        [
            "t",
            region.lower(),
            str(year),
            cells.get("vehicle_class", "average"),
            cells.get("fuel", "unknown"),
        ]
    )
    return {
        "factor_id": fid,
        "region": region,
        "year": str(year),
        "edition": str(year),
        "value": value,
        **cells,
    }


def grid(region: str, year: int, value: str) -> dict[str, str]:
    return {
        "factor_id": f"t.grid.{region.lower()}.{year}",
        "quantity": "grid_intensity",
        "region": region,
        "mode": "",
        "vehicle_class": "",
        "fuel": "",
        "year": str(year),
        "edition": str(year),
        "value": value,
        "unit": "kg CO2e/kWh",
        "basis": "",
        "scope": "generation",
    }


def ev_use(
    region: str, value: str, mode: str = "car", vehicle_class: str = "average"
) -> dict[str, str]:
    return {
        "factor_id": f"t.ev.{region.lower()}.{mode}.{vehicle_class}",
        "quantity": "ev_energy_use",
        "region": region,
        "mode": mode,
        "vehicle_class": vehicle_class,
        "fuel": "electric",
        "value": value,
        "unit": "kWh/km",
        "basis": "",
        "scope": "",
    }


def table(*rows: dict[str, str]) -> FactorTable:
    return FactorTable([factor(**cells) for cells in rows], version="test")


CARS = table(
    car("GB", 2024, "0.17"),
    car("GB", 2025, "0.16"),
    car("GB", 2025, "0.14", vehicle_class="small", fuel="petrol"),
    car("GB", 2025, "0.15", fuel="petrol"),
    car("WORLD", 2022, "0.20"),
    grid("GB", 2023, "0.20"),
    grid("GB", 2025, "0.177"),
    grid("WORLD", 2023, "0.48"),
    ev_use("GB", "0.2"),
    ev_use("WORLD", "0.18"),
)


def test_an_exact_match_uses_no_fallback() -> None:
    found = CARS.travel_factor("car", "GB", 2025, "small", "petrol")
    assert found.value == pytest.approx(0.14)
    assert found.fallbacks == ()
    assert found.basis == "vkm"
    assert found.rule == "published"


def test_a_missing_size_class_falls_back_to_the_average_of_that_fuel() -> None:
    found = CARS.travel_factor("car", "GB", 2025, "large", "petrol")
    assert found.value == pytest.approx(0.15)
    assert found.fallbacks == (Fallback("vehicle_class", "large", "average"),)


def test_a_missing_fuel_falls_back_to_the_average_car_of_the_region() -> None:
    found = CARS.travel_factor("car", "GB", 2025, "average", "diesel")
    assert found.value == pytest.approx(0.16)
    assert found.fallbacks == (Fallback("fuel", "diesel", "unknown"),)


def test_a_missing_region_falls_back_to_world_and_says_so() -> None:
    found = CARS.travel_factor("car", "CN", 2025)
    assert found.factors[0].region == "WORLD"
    assert Fallback("region", "CN", "WORLD") in found.fallbacks
    assert Fallback("year", "2025", "2022 (latest earlier edition)") in found.fallbacks


def test_a_missing_year_uses_the_latest_earlier_edition() -> None:
    found = CARS.find(FactorQuery("grid_intensity", "GB", 2024, scope="generation"))
    assert found.factor.value == pytest.approx(0.20)
    assert found.fallbacks == (Fallback("year", "2024", "2023 (latest earlier edition)"),)


def test_a_year_before_every_edition_uses_the_earliest_later_one() -> None:
    found = CARS.find(FactorQuery("grid_intensity", "GB", 2019, scope="generation"))
    assert found.factor.year == 2023
    assert found.fallbacks == (Fallback("year", "2019", "2023 (earliest later edition)"),)


def test_nothing_anywhere_raises_factor_not_found() -> None:
    with pytest.raises(FactorNotFound, match="no travel_emissions factor for region=GB"):
        CARS.travel_factor("bus", "GB", 2025)


def test_an_electric_car_is_its_energy_use_times_the_grid_of_the_year() -> None:
    in_2025 = CARS.travel_factor("car", "GB", 2025, fuel="electric")
    in_2023 = CARS.travel_factor("car", "GB", 2023, fuel="electric")
    assert in_2025.rule == "electricity_via_grid"
    assert in_2025.value == pytest.approx(0.2 * 0.177)
    assert in_2023.value == pytest.approx(0.2 * 0.20)
    assert in_2025.unit == "kg CO2e/km"
    assert in_2025.factor_ids == ("t.ev.gb.car.average", "t.grid.gb.2025")


def test_an_electric_car_in_a_region_without_figures_uses_world_energy_and_grid() -> None:
    found = CARS.travel_factor("car", "US", 2025, fuel="electric")
    assert found.value == pytest.approx(0.18 * 0.48)
    assert [f.kind for f in found.fallbacks].count("region") == 2


def test_the_electric_range_multiplies_the_ranges() -> None:
    found = CARS.travel_factor("car", "GB", 2025, fuel="electric")
    assert found.low == pytest.approx(0.2 * 0.9 * 0.177 * 0.9)
    assert found.high == pytest.approx(0.2 * 1.1 * 0.177 * 1.1)


@given(st.floats(min_value=0.0, max_value=2.0), st.floats(min_value=0.0, max_value=2.0))
def test_the_electric_factor_follows_the_grid(low_grid: float, high_grid: float) -> None:
    low_grid, high_grid = sorted((low_grid, high_grid))
    cleaner = table(ev_use("GB", "0.2"), grid("GB", 2025, repr(low_grid)))
    dirtier = table(ev_use("GB", "0.2"), grid("GB", 2025, repr(high_grid)))
    a = cleaner.travel_factor("car", "GB", 2025, fuel="electric").value
    b = dirtier.travel_factor("car", "GB", 2025, fuel="electric").value
    assert a <= b


def test_method_rows_hold_for_every_year_without_a_fallback() -> None:
    walk = table(car("GB", 2020, "0", mode="walk", basis="pkm", evidence="M", uncertainty_pct="0"))
    found = walk.travel_factor("walk", "GB", 2031)
    assert found.value == 0
    assert found.fallbacks == ()


def test_alternative_rows_are_never_used_by_lookups() -> None:
    t = table(
        car("GB", 2025, "0.16"),
        {**car("GB", 2025, "0.99"), "factor_id": "t.alt", "use": "alternative"},
    )
    assert t.travel_factor("car", "GB", 2025).value == pytest.approx(0.16)


def test_two_default_rows_for_one_question_are_a_set_problem() -> None:
    rows = [
        factor(**car("GB", 2025, "0.16")),
        factor(**{**car("GB", 2025, "0.17"), "factor_id": "t.x"}),
    ]
    problems = set_problems(rows, {"test-source"})
    assert problems == [
        (1, "same lookup key as 't.gb.2025.average.unknown'; mark one of them use=alternative")
    ]


def test_unknown_sources_and_repeated_ids_are_set_problems() -> None:
    rows = [
        factor(**car("GB", 2025, "0.16")),
        factor(**car("GB", 2024, "0.16", factor_id="t.gb.2025.average.unknown")),
    ]
    reasons = [reason for _, reason in set_problems(rows, set())]
    assert "source_id 'test-source' is not in sources/" in reasons
    assert "factor_id 't.gb.2025.average.unknown' is used twice" in reasons
