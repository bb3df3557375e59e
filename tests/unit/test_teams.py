"""Teams and challenges: joining, the sponsor's matches, the cap and the bonus."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenapp.domain.errors import Conflict, NotFound, RuleBroken
from greenapp.domain.money import Money
from greenapp.domain.teams import (
    MAX_TEAMS_PER_PERSON,
    Challenge,
    Membership,
    Progress,
    Team,
    bonus_due,
    check_challenge,
    check_team,
    counts_for,
    invite_code,
    match_for,
    normalised_code,
    refuse_join,
    refuse_leave,
)

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
TEAM = Team("tm_1", "Class 3B", "class", "K7QX4MPA", "teacher", NOW)
CHALLENGE = Challenge(
    "ch_1", "tm_1", "November walk", "steps", 1_000_000, date(2026, 11, 1), date(2026, 11, 30),
    "Green Fund", Money("CNY", 100), Money("CNY", 5_000), Money("CNY", 500),
)  # fmt: skip


def _progress(steps: int = 0, matched: int = 0, bonus_paid: bool = False) -> Progress:
    return Progress(steps, 0.0, 0.0, 0.0, Money("CNY", matched), bonus_paid)


def test_invite_codes_use_an_alphabet_that_reads_aloud_without_confusion() -> None:
    code = invite_code(range(8))
    assert code == "23456789"
    assert normalised_code(" k7qx-4mpa ") == "K7QX4MPA"
    for wrong in ("K7QX4MP", "K7QX4MP0", "K7QX4MPI", ""):
        with pytest.raises(RuleBroken):
            normalised_code(wrong)


def test_a_team_needs_a_name_and_a_known_kind() -> None:
    assert check_team("  Class   3B ", "class") == "Class 3B"
    with pytest.raises(RuleBroken):
        check_team("   ", "class")
    with pytest.raises(RuleBroken):
        check_team("Choir", "band")


def test_joining_takes_the_right_code_once_and_a_few_teams_at_most() -> None:
    refuse_join(TEAM, "k7qx4mpa", [], "ana")  # passes
    with pytest.raises(NotFound):
        refuse_join(TEAM, "K7QX4MPB", [], "ana")
    with pytest.raises(NotFound):
        refuse_join(None, "K7QX4MPA", [], "ana")
    member = Membership("tm_1", "ana", NOW)
    with pytest.raises(Conflict):
        refuse_join(TEAM, "K7QX4MPA", [member], "ana")
    refuse_join(TEAM, "K7QX4MPA", [replace(member, left_at=NOW)], "ana")  # may come back
    full = [Membership(f"tm_{n}", "ana", NOW) for n in range(10, 10 + MAX_TEAMS_PER_PERSON)]
    with pytest.raises(RuleBroken):
        refuse_join(TEAM, "K7QX4MPA", full, "ana")


def test_only_a_member_can_leave() -> None:
    member = Membership("tm_1", "ana", NOW)
    assert refuse_leave("tm_1", [member]) == member
    with pytest.raises(NotFound):
        refuse_leave("tm_1", [replace(member, left_at=NOW)])


def test_a_member_s_days_count_between_joining_and_leaving_within_the_dates() -> None:
    joined = Membership("tm_1", "ana", datetime(2026, 11, 10, 8, tzinfo=UTC))
    left = replace(joined, left_at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    assert not counts_for(CHALLENGE, joined, date(2026, 11, 9))
    assert counts_for(CHALLENGE, joined, date(2026, 11, 10))
    assert counts_for(CHALLENGE, left, date(2026, 11, 20))  # what they gave stays counted
    assert not counts_for(CHALLENGE, left, date(2026, 11, 21))
    assert not counts_for(CHALLENGE, joined, date(2026, 12, 1))


@pytest.mark.parametrize(
    "change",
    [
        {"title": " "},
        {"goal_kind": "money"},
        {"goal_amount": 0},
        {"ends_on": date(2026, 10, 31)},
        {"ends_on": date(2027, 12, 31)},
        {"rate": Money("GBP", 100)},
        {"cap": Money("CNY", 0)},
        {"bonus": Money("CNY", 6_000)},
        {"sponsor_name": ""},
    ],
)
def test_a_challenge_that_makes_no_sense_is_refused(change: dict[str, object]) -> None:
    check_challenge(CHALLENGE)
    with pytest.raises(RuleBroken):
        check_challenge(replace(CHALLENGE, **change))  # type: ignore[arg-type]


def test_a_match_is_the_rate_rounded_down_within_what_is_left() -> None:
    assert match_for(12_345, CHALLENGE, _progress()) == Money("CNY", 123)
    assert match_for(12_345, CHALLENGE, _progress(matched=4_950)) == Money("CNY", 50)
    assert match_for(12_345, CHALLENGE, _progress(matched=5_000)) == Money("CNY", 0)


@given(st.lists(st.integers(min_value=0, max_value=100_000), max_size=200), st.booleans())
def test_matches_and_the_bonus_never_exceed_the_cap_and_the_bonus_is_paid_once(
    donations: list[int], bonus_first: bool
) -> None:
    progress = _progress()
    bonuses = 0
    for steps in donations:
        due = bonus_due(CHALLENGE, progress) if bonus_first else None
        match = match_for(steps, CHALLENGE, progress)
        assert 0 <= match.minor <= steps * 100 // 10_000
        progress = replace(progress, steps=progress.steps + steps,
                           matched=progress.matched + match)  # fmt: skip
        due = due or bonus_due(CHALLENGE, progress)
        if due is not None:
            bonuses += 1
            progress = replace(progress, matched=progress.matched + due, bonus_paid=True)
        assert progress.matched.minor <= CHALLENGE.cap.minor
    assert bonuses <= 1
    if bonuses:
        assert progress.steps >= CHALLENGE.goal_amount


def test_the_bonus_comes_once_the_goal_is_met_and_only_as_far_as_the_cap_allows() -> None:
    assert bonus_due(CHALLENGE, _progress(steps=999_999)) is None
    assert bonus_due(CHALLENGE, _progress(steps=1_000_000)) == Money("CNY", 500)
    assert bonus_due(CHALLENGE, _progress(steps=1_000_000, matched=4_800)) == Money("CNY", 200)
    assert bonus_due(CHALLENGE, _progress(steps=1_000_000, matched=5_000)) is None
    assert bonus_due(CHALLENGE, _progress(steps=2_000_000, bonus_paid=True)) is None
    kg_goal = replace(CHALLENGE, goal_kind="kg", goal_amount=10)
    done = replace(_progress(), kg=10.0)
    assert bonus_due(kg_goal, done) == Money("CNY", 500)
