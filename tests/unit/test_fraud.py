"""What a shaken phone, a stepping machine or a car leaves behind is flagged; people are not."""

from datetime import date

import pytest

from greenapp.domain.step_checks import StepReport, StepRules, Track, flags

DAY = date(2026, 11, 20)
RULES = StepRules()


def _day(
    hourly: list[int], track: Track | None = None, distance: float | None = None
) -> tuple[str, ...]:
    return flags(StepReport(DAY, sum(hourly), distance, track, tuple(hourly)), RULES)


PEOPLE = {
    "office day": [0] * 7 + [900, 1400, 300, 250, 600, 1100, 200, 350, 280, 500, 1300, 700,
                             400, 150, 60, 0, 0],
    "evening run of 75 minutes": [0] * 7 + [800, 1200, 300, 200, 500, 900, 200, 300, 200, 400,
                                            1000, 10400, 3100, 200, 100, 0, 0],
    "marathon morning": [0] * 6 + [500, 10300, 10900, 10500, 9700, 2400, 800, 400, 600, 900, 700,
                                   500, 300, 200, 100, 0, 0, 0],
    "long hike": [0] * 6 + [300, 4200, 5100, 4800, 5300, 4900, 2100, 4700, 5000, 4400, 1800, 600,
                            300, 100, 0, 0, 0, 0],
}  # fmt: skip


@pytest.mark.parametrize("series", PEOPLE.values(), ids=list(PEOPLE))
def test_people_walking_and_running_are_not_flagged(series: list[int]) -> None:
    steps = sum(series)
    assert _day(series, Track(steps * 0.8, steps / 2, 18), steps * 0.78) == ()


def test_a_shaken_phone_is_flagged() -> None:
    shaker = [0] * 8 + [6000] * 8 + [0] * 8
    (reason,) = _day(shaker)
    assert "8 hours in a row with exactly 6000 steps" in reason


def test_counting_faster_than_running_is_flagged() -> None:
    reasons = _day([0] * 10 + [15000] + [0] * 13)
    assert any("hour 10 had 15000 steps" in r for r in reasons)


def test_a_phone_that_counts_without_moving_is_flagged() -> None:
    reasons = _day([0] * 9 + [3000, 4100, 3900] + [0] * 12, distance=300)
    assert any("m per step, outside a human step" in r for r in reasons)


def test_a_car_trip_is_flagged() -> None:
    series = [0] * 8 + [2000, 1500] + [0] * 14
    reasons = _day(series, Track(42000, 2400, 95))
    assert any("faster than on foot" in r for r in reasons)
    assert any("a vehicle's speed" in r for r in reasons)


def test_hourly_counts_must_fit_the_day() -> None:
    report = StepReport(DAY, 1000, hourly=(800, 900))
    assert any("add up to 1700" in r for r in flags(report, RULES))
