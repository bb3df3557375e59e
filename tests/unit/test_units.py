import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenapp.domain.errors import UnknownUnit
from greenapp.domain.units import range_to_canonical, to_canonical


@pytest.mark.parametrize(
    ("quantity", "value", "unit", "expected", "canonical"),
    [
        # US EPA: 8,887 g CO2 per gallon of gasoline -> kg per litre.
        ("fuel_combustion", 8887, "g CO2/gal", 8.887 / 3.785411784, "kg CO2/L"),
        ("travel_emissions", 400, "g CO2/mile", 0.4 / 1.609344, "kg CO2/km"),
        ("travel_emissions", 108.1, "g CO2/km", 0.1081, "kg CO2/km"),
        ("grid_intensity", 823.149, "lb CO2/MWh", 823.149 * 0.45359237 / 1000, "kg CO2/kWh"),
        ("grid_intensity", 0.5703, "t CO2/MWh", 0.5703, "kg CO2/kWh"),
        ("grid_intensity", 582, "g CO2e/kWh", 0.582, "kg CO2e/kWh"),
        ("ev_energy_use", 30, "kWh/100mi", 0.3 / 1.609344, "kWh/km"),
        ("fuel_consumption", 22.2, "mpg_us", 235.2145833 / 22.2, "L/100km"),
        ("step_length", 2.5, "ft", 0.762, "m"),
        ("tree_uptake", 36.4, "lb C/tree/10yr", 36.4 * 0.45359237 * 44 / 12 / 10, "kg CO2/tree/yr"),
        ("tree_uptake", 0.060, "t CO2/tree/10yr", 6.0, "kg CO2/tree/yr"),
    ],
)
def test_published_units_convert_exactly(
    quantity: str, value: float, unit: str, expected: float, canonical: str
) -> None:
    converted, unit_out = to_canonical(quantity, value, unit)
    assert converted == pytest.approx(expected, rel=1e-9)
    assert unit_out == canonical


def test_a_unit_foreign_to_the_quantity_is_refused_with_the_accepted_list() -> None:
    with pytest.raises(UnknownUnit, match="accepted: kWh/km"):
        to_canonical("ev_energy_use", 1.0, "kg CO2e/km")


def test_mpg_range_keeps_low_below_high() -> None:
    low, high = range_to_canonical("fuel_consumption", 20.0, 25.0, "mpg_us")
    assert low < high
    assert high == pytest.approx(235.2145833 / 20.0)


@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_per_mile_conversion_preserves_order(a: float, b: float) -> None:
    ca, _ = to_canonical("travel_emissions", a, "g CO2e/mile")
    cb, _ = to_canonical("travel_emissions", b, "g CO2e/mile")
    low, high = sorted((a, b))
    assert to_canonical("travel_emissions", low, "g CO2e/mile")[0] <= max(ca, cb)
    assert min(ca, cb) == to_canonical("travel_emissions", low, "g CO2e/mile")[0]
    assert max(ca, cb) == to_canonical("travel_emissions", high, "g CO2e/mile")[0]
