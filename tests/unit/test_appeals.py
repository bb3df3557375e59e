"""Appeals of flagged days: who may appeal what, final decisions, and an accepted day counted."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from greenapp.domain.activity import StepDay, evaluate_accepted_day, evaluate_day
from greenapp.domain.appeals import (
    REASON_MAX,
    Appeal,
    Decision,
    Evidence,
    accepted_on,
    evidence_of,
    refuse_appeal,
    refuse_decision,
    status_of,
)
from greenapp.domain.donations import outside_donation_window
from greenapp.domain.errors import Conflict, NotFound, RuleBroken
from greenapp.domain.lookup import FactorTable
from greenapp.domain.people import Profile
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepReport, StepRules

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 20, tzinfo=UTC)
SHARE = CarShare(0.05, 0.02, 0.2)
EVIDENCE = Evidence(62_000, None, None, ("62000 steps is more than a marathon day",))


@pytest.fixture
def flagged(factor_table: FactorTable) -> StepDay:
    day = evaluate_day(StepReport(TODAY, 62_000), Profile("GB"), factor_table, StepRules(), SHARE)
    assert day.status == "flagged"
    return day


def test_a_flagged_day_can_be_appealed_once_within_the_window(flagged: StepDay) -> None:
    day = flagged
    reason = refuse_appeal(day, TODAY, TODAY, [], "  I ran a   marathon ")
    assert reason == "I ran a marathon"
    earlier = Appeal("ap_1", "ana", TODAY, "marathon", NOW, evidence_of(day))
    with pytest.raises(Conflict):
        refuse_appeal(day, TODAY, TODAY, [earlier], "again")
    with pytest.raises(RuleBroken):
        refuse_appeal(day, date(2026, 10, 1), TODAY, [], "too late")
    with pytest.raises(NotFound):
        refuse_appeal(None, TODAY, TODAY, [], "no such day")
    with pytest.raises(RuleBroken):
        refuse_appeal(day, TODAY, TODAY, [], "x" * (REASON_MAX + 1))
    counted = replace(day, status="counted", reasons=())
    with pytest.raises(RuleBroken):
        refuse_appeal(counted, TODAY, TODAY, [], "nothing to appeal")


def test_a_decision_is_final_and_needs_a_reason() -> None:
    appeal = Appeal("ap_1", "ana", TODAY, "marathon", NOW, EVIDENCE)
    assert status_of([]) == "pending"
    assert refuse_decision(appeal, [], "accepted", " race results checked ") == (
        "race results checked"
    )
    decided = Decision("ap_1", "rejected", "no evidence", "operator", NOW)
    assert status_of([decided]) == "rejected"
    with pytest.raises(Conflict):
        refuse_decision(appeal, [decided], "accepted", "changed my mind")
    with pytest.raises(RuleBroken):
        refuse_decision(appeal, [], "maybe", "unsure")
    with pytest.raises(RuleBroken):
        refuse_decision(appeal, [], "accepted", "   ")
    with pytest.raises(NotFound):
        refuse_decision(None, [], "accepted", "which one?")


def test_an_accepted_day_saves_what_a_counted_day_of_the_same_steps_saves(
    factor_table: FactorTable,
) -> None:
    profile = Profile("GB", height_cm=172.0)
    report = StepReport(TODAY, 62_000, device_distance_m=200_000.0)  # doubted twice over
    day = evaluate_day(report, profile, factor_table, StepRules(), SHARE)
    assert day.status == "flagged"
    assert day.saving.kg == 0
    accepted = evaluate_accepted_day(day, profile, factor_table, SHARE)
    lenient = StepRules(flag_above_steps=100_000)
    counted = evaluate_day(StepReport(TODAY, 62_000), profile, factor_table, lenient, SHARE)
    assert (accepted.status, accepted.reasons) == ("counted", ())
    assert accepted.distance_km == pytest.approx(counted.distance_km)  # the step length, not 200 km
    assert accepted.saving == counted.saving
    assert accepted.saving.kg > 0


def test_the_evidence_is_the_day_as_the_checks_saw_it(flagged: StepDay) -> None:
    evidence = evidence_of(flagged)
    assert (evidence.steps, evidence.device_distance_m, evidence.track) == (62_000, None, None)
    assert evidence.rules == flagged.reasons
    assert "marathon" in evidence.rules[0]


def test_an_acceptance_is_dated_in_the_person_s_own_time_zone() -> None:
    late_evening_utc = datetime(2026, 11, 20, 20, tzinfo=UTC)  # 04:00 next day in Shanghai
    accepted = Decision("ap_1", "accepted", "checked", "operator", late_evening_utc)
    rejected = Decision("ap_2", "rejected", "no evidence", "operator", late_evening_utc)
    assert accepted_on([accepted], Profile("CN")) == date(2026, 11, 21)
    assert accepted_on([accepted], Profile("GB")) == date(2026, 11, 20)
    assert accepted_on([rejected], Profile("CN")) is None
    assert accepted_on([], Profile("CN")) is None


def test_an_accepted_day_s_donation_window_counts_from_its_acceptance() -> None:
    day = TODAY - timedelta(days=20)
    assert outside_donation_window(day, TODAY)
    assert outside_donation_window(day, TODAY, accepted_on=TODAY - timedelta(days=8))
    assert not outside_donation_window(day, TODAY, accepted_on=TODAY - timedelta(days=7))
    assert not outside_donation_window(day, TODAY, accepted_on=TODAY)
    recent = TODAY - timedelta(days=3)
    assert not outside_donation_window(recent, TODAY, accepted_on=TODAY - timedelta(days=20))
    future = TODAY + timedelta(days=1)
    assert outside_donation_window(future, TODAY, accepted_on=TODAY)
