"""The current streak, counted once from runs, against walking back day by day."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from greenapp.domain.periods import ActiveDays

TODAY = date(2026, 11, 20)


def walked_back(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


@given(st.sets(st.integers(min_value=-5, max_value=60), max_size=50))
def test_the_streak_is_the_walk_back_from_today(offsets: set[int]) -> None:
    days = {TODAY - timedelta(days=n) for n in offsets}
    assert ActiveDays(days).streak(TODAY) == walked_back(days, TODAY)


def test_a_decade_of_daily_activity_is_one_streak() -> None:
    decade = [TODAY - timedelta(days=n) for n in range(3653)]
    assert ActiveDays(decade).streak(TODAY) == 3653
    assert ActiveDays(decade[1:]).streak(TODAY) == 3652  # nothing yet today: up to yesterday
    assert ActiveDays(decade[2:]).streak(TODAY) == 0


@given(
    st.sets(st.integers(min_value=0, max_value=40), max_size=30),
    st.integers(min_value=-2, max_value=42),
    st.booleans(),
)
def test_marking_one_day_counts_the_runs_as_a_fresh_count_does(
    offsets: set[int], changed: int, active: bool
) -> None:
    days = {TODAY - timedelta(days=n) for n in offsets}
    day = TODAY - timedelta(days=changed)
    expected = ActiveDays(days | {day} if active else days - {day})
    patched = ActiveDays(days).with_day(day, active)
    for n in range(-3, 45):
        asked = TODAY - timedelta(days=n)
        assert (asked in patched) == (asked in expected)
        assert patched.streak(asked) == expected.streak(asked)
