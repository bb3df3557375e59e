import re

import pytest

from greenapp.domain.errors import InvalidFactorRow
from greenapp.domain.factors import parse_factor_row, parse_source_row
from tests.tables import TEST_SOURCE, row


def test_a_valid_row_is_converted_to_the_canonical_unit() -> None:
    factor = parse_factor_row(row(value="167.25", unit="g CO2e/km", uncertainty_pct="10"))
    assert factor.value == pytest.approx(0.16725)
    assert factor.unit == "kg CO2e/km"
    assert factor.published_value == "167.25"
    assert (factor.low, factor.high) == pytest.approx((0.16725 * 0.9, 0.16725 * 1.1))
    assert factor.gas == "CO2e"
    assert factor.use == "default"


def test_low_and_high_are_converted_too() -> None:
    factor = parse_factor_row(
        row(value="400", unit="g CO2/mile", low="360", high="440", uncertainty_pct="")
    )
    assert factor.low == pytest.approx(0.360 / 1.609344)
    assert factor.high == pytest.approx(0.440 / 1.609344)


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"quantity": "speed"}, "quantity 'speed' is not one of"),
        ({"region": "UK"}, "region 'UK' is not one of"),
        ({"mode": "plane"}, "mode 'plane' is not one of"),
        ({"mode": ""}, "mode '' is not one of"),
        ({"fuel": "coal"}, "fuel 'coal' is not one of"),
        ({"vehicle_class": "huge"}, "vehicle_class 'huge' is not one of"),
        ({"value": "0,16"}, "value '0,16' is not a number"),
        ({"value": "-1"}, "must be a finite number, zero or more"),
        ({"value": "nan"}, "must be a finite number, zero or more"),
        ({"unit": "kg CO2e/kWh"}, "unit 'kg CO2e/kWh' is not accepted for travel_emissions"),
        ({"basis": ""}, "basis is required for travel_emissions"),
        ({"scope": "tailpipe"}, "scope 'tailpipe' is not one of"),
        ({"year": "25"}, "year '25' must be a year"),
        ({"uncertainty_pct": ""}, "give low and high, or uncertainty_pct"),
        ({"low": "0.1"}, "low and high must be given together"),
        ({"low": "0.3", "high": "0.4"}, "value 0.2 is not within low 0.3 and high 0.4"),
        ({"uncertainty_pct": "150"}, "uncertainty_pct 150.0 is over 100"),
        ({"uncertainty_source": ""}, "uncertainty_source is empty"),
        ({"evidence": "X"}, "evidence 'X' is not one of"),
        ({"factor_id": "Car Petrol"}, "factor_id 'Car Petrol' must be lowercase"),
        ({"use": "maybe"}, "use 'maybe' is not one of"),
    ],
)
def test_a_bad_row_is_refused_with_its_reason(cells: dict[str, str], reason: str) -> None:
    with pytest.raises(InvalidFactorRow, match=re.escape(reason)):
        parse_factor_row(row(**cells))


def test_columns_that_do_not_apply_must_be_empty() -> None:
    grid = {"quantity": "grid_intensity", "unit": "kg CO2e/kWh", "basis": "", "scope": "generation"}
    with pytest.raises(InvalidFactorRow, match="mode must be empty for grid_intensity"):
        parse_factor_row(row(**grid))
    clean = parse_factor_row(row(**grid, mode="", vehicle_class="", fuel=""))
    assert clean.mode is None
    with pytest.raises(InvalidFactorRow, match="basis must be empty for grid_intensity"):
        parse_factor_row(row(**{**grid, "basis": "vkm"}, mode="", vehicle_class="", fuel=""))


def test_people_figures_need_a_population() -> None:
    step = {
        "quantity": "step_length_ratio",
        "mode": "",
        "vehicle_class": "",
        "fuel": "",
        "unit": "ratio",
        "basis": "",
        "scope": "",
        "value": "0.41",
    }
    with pytest.raises(InvalidFactorRow, match="population is required for step_length_ratio"):
        parse_factor_row(row(**step))
    assert parse_factor_row(row(**step, population="female")).population == "female"


def test_a_source_needs_a_real_address() -> None:
    assert parse_source_row(TEST_SOURCE).publisher == "Test publisher"
    with pytest.raises(InvalidFactorRow, match=r"url 'www\.gov\.uk' is neither"):
        parse_source_row({**TEST_SOURCE, "url": "www.gov.uk"})
    with pytest.raises(InvalidFactorRow, match=r"licence is empty"):
        parse_source_row({**TEST_SOURCE, "licence": ""})


def test_a_fuel_figure_names_its_fuel_but_no_mode() -> None:
    petrol = {
        "quantity": "fuel_combustion",
        "mode": "",
        "vehicle_class": "",
        "fuel": "petrol",
        "unit": "g CO2/gal",
        "value": "8887",
        "basis": "",
    }
    assert parse_factor_row(row(**petrol)).fuel == "petrol"
    with pytest.raises(InvalidFactorRow, match="fuel '' is not one of"):
        parse_factor_row(row(**{**petrol, "fuel": ""}))
    with pytest.raises(InvalidFactorRow, match="mode must be empty for fuel_combustion"):
        parse_factor_row(row(**{**petrol, "mode": "car"}))
