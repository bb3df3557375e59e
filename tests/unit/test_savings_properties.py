"""Properties of the savings arithmetic that must hold for every input."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenapp.domain.activity import (
    REPLACEABLE,
    TRIP_MODES,
    TripReport,
    evaluate_day,
    evaluate_trip,
)
from greenapp.domain.lookup import FactorTable
from greenapp.domain.people import CAR_SIZES, Car, Profile
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepReport, StepRules
from greenapp.domain.vocabulary import REGIONS
from tests.tables import factor
from tests.unit.test_lookup import ev_use, grid

SHARE = CarShare(0.05, 0.02, 0.2)
RULES = StepRules()
DAY = date(2025, 6, 1)

profiles = st.builds(
    Profile,
    region=st.sampled_from(sorted(REGIONS)),
    height_cm=st.none() | st.floats(120, 210),
    sex=st.sampled_from([None, "female", "male"]),
    car=st.builds(
        Car,
        fuel=st.sampled_from(["unknown", "petrol", "diesel", "hybrid", "electric"]),
        size=st.sampled_from(sorted(CAR_SIZES)),
    ),
)
plausible_steps = st.integers(0, RULES.flag_above_steps)


@settings(max_examples=200)
@given(profile=profiles)
def test_zero_steps_save_zero(factor_table: FactorTable, profile: Profile) -> None:
    day = evaluate_day(StepReport(DAY, 0), profile, factor_table, RULES, SHARE)
    assert (day.saving.kg, day.saving.low, day.saving.high) == (0, 0, 0)


@settings(max_examples=200)
@given(profile=profiles, a=plausible_steps, b=plausible_steps)
def test_more_steps_never_save_less(
    factor_table: FactorTable, profile: Profile, a: int, b: int
) -> None:
    fewer, more = sorted((a, b))
    low = evaluate_day(StepReport(DAY, fewer), profile, factor_table, RULES, SHARE).saving
    high = evaluate_day(StepReport(DAY, more), profile, factor_table, RULES, SHARE).saving
    assert low.kg <= high.kg
    assert low.high <= high.high


@settings(max_examples=200)
@given(
    profile=profiles,
    mode=st.sampled_from(TRIP_MODES),
    km=st.floats(0.1, 99, allow_nan=False),
)
def test_a_trip_that_replaced_nothing_saves_nothing(
    factor_table: FactorTable, profile: Profile, mode: str, km: float
) -> None:
    trip = evaluate_trip("t", TripReport(DAY, mode, "none", km), profile, factor_table, RULES)
    assert (trip.saving.kg, trip.saving.low, trip.saving.high) == (0, 0, 0)


@settings(max_examples=200)
@given(
    profile=profiles,
    mode=st.sampled_from(TRIP_MODES),
    replaced=st.sampled_from([r for r in REPLACEABLE if r != "none"]),
    km=st.floats(0.1, 99, allow_nan=False),
)
def test_a_saving_range_holds_its_central_value(
    factor_table: FactorTable, profile: Profile, mode: str, replaced: str, km: float
) -> None:
    saving = evaluate_trip(
        "t", TripReport(DAY, mode, replaced, km), profile, factor_table, RULES
    ).saving
    assert saving.low <= saving.kg <= saving.high


def _ev_world(grid_kg_per_kwh: float) -> FactorTable:
    """A world with one electric car (0.2 kWh/km), walking at zero and a given grid."""
    walk = {
        "factor_id": "t.walk", "mode": "walk", "fuel": "", "basis": "pkm", "value": "0",
        "uncertainty_pct": "", "low": "0", "high": "0", "evidence": "M",
    }  # fmt: skip
    step = {
        "factor_id": "t.step", "quantity": "step_length", "mode": "", "vehicle_class": "",
        "fuel": "", "population": "all", "value": "0.7", "unit": "m", "basis": "", "scope": "",
    }  # fmt: skip
    rows = [
        ev_use("GB", "0.2"),
        grid("GB", 2025, repr(grid_kg_per_kwh)),
        walk,
        step,
    ]
    return FactorTable([factor(**r) for r in rows], "test")


@given(
    steps=st.integers(1, RULES.flag_above_steps),
    cleaner=st.floats(0.01, 1.0),
    dirtier_by=st.floats(0.01, 1.0),
)
def test_walking_instead_of_an_ev_saves_in_proportion_to_the_grid(
    steps: int, cleaner: float, dirtier_by: float
) -> None:
    profile = Profile(region="GB", car=Car("electric"))
    report = StepReport(DAY, steps)
    on_clean = evaluate_day(report, profile, _ev_world(cleaner), RULES, SHARE).saving
    on_dirty = evaluate_day(report, profile, _ev_world(cleaner + dirtier_by), RULES, SHARE).saving
    km = steps * 0.7 / 1000
    assert on_clean.kg == pytest.approx(km * SHARE.share * 0.2 * cleaner)
    assert on_dirty.kg > on_clean.kg
