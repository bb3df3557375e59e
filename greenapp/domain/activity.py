"""A day's steps and a trip, turned into stored records with their savings.

Everything here is arithmetic on a report, a profile and the factor table; storing the result
and refusing duplicates is the service's job.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from greenapp.domain.errors import RuleBroken
from greenapp.domain.lookup import FactorTable, TravelFactor
from greenapp.domain.people import Profile
from greenapp.domain.savings import NOTHING_SAVED, CarShare, Saving, steps_saving, trip_saving
from greenapp.domain.step_checks import StepReport, StepRules, Track, flags
from greenapp.domain.walking import Walked, device_step_length, step_length, walked

# Modes a trip can be made by, and what it can have replaced.
TRIP_MODES: Final = ("walk", "bicycle", "ebike", "bus", "coach", "metro", "tram", "rail")
REPLACEABLE: Final = ("car", "taxi", "motorbike", "none")
# The longest believable single trip by each mode, in km.
MAX_TRIP_KM: Final = {"walk": 100.0, "bicycle": 400.0, "ebike": 200.0}
MAX_OTHER_TRIP_KM: Final = 2000.0


@dataclass(frozen=True, slots=True)
class StepDay:
    day: date
    steps: int
    device_distance_m: float | None
    track: Track | None
    distance_km: float
    distance_low_km: float
    distance_high_km: float
    step_rule: str
    step_factor_ids: tuple[str, ...]
    status: str  # counted | flagged
    reasons: tuple[str, ...]
    saving: Saving
    factor_set_version: str

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return self.step_factor_ids + self.saving.factor_ids


@dataclass(frozen=True, slots=True)
class TripReport:
    day: date
    mode: str
    replaced: str
    distance_km: float | None = None
    track: Track | None = None


@dataclass(frozen=True, slots=True)
class Trip:
    trip_id: str
    day: date
    mode: str
    replaced: str
    distance_km: float
    saving: Saving
    factor_set_version: str


def evaluate_day(
    report: StepReport, profile: Profile, table: FactorTable, rules: StepRules, share: CarShare
) -> StepDay:
    """The day's distance and carbon avoided; a flagged day keeps its distance and saves nothing."""
    reasons = flags(report, rules)
    distance = _walked(report, profile, table, bool(reasons))
    if reasons or report.steps == 0:
        saving = NOTHING_SAVED
    else:
        car, walk = baseline_car(table, profile, report.day), _mode(table, profile, report, "walk")
        saving = steps_saving(distance.km, distance.low_km, distance.high_km, share, car, walk)
    return StepDay(
        day=report.day,
        steps=report.steps,
        device_distance_m=report.device_distance_m,
        track=report.track,
        distance_km=distance.km,
        distance_low_km=distance.low_km,
        distance_high_km=distance.high_km,
        step_rule=distance.step_length.rule,
        step_factor_ids=tuple(f.factor_id for f in distance.step_length.factors),
        status="flagged" if reasons else "counted",
        reasons=reasons,
        saving=saving,
        factor_set_version=table.version,
    )


def evaluate_accepted_day(
    day: StepDay, profile: Profile, table: FactorTable, share: CarShare
) -> StepDay:
    """A flagged day counted after a reviewer accepted its appeal.

    The distance comes from the step length, never from a device distance the rules doubted,
    and the saving is computed as for any counted day.
    """
    report = StepReport(day.day, day.steps, day.device_distance_m, day.track)
    distance = _walked(report, profile, table, flagged=True)
    car, walk = baseline_car(table, profile, day.day), _mode(table, profile, report, "walk")
    return replace(
        day,
        distance_km=distance.km,
        distance_low_km=distance.low_km,
        distance_high_km=distance.high_km,
        step_rule=distance.step_length.rule,
        step_factor_ids=tuple(f.factor_id for f in distance.step_length.factors),
        status="counted",
        reasons=(),
        saving=steps_saving(distance.km, distance.low_km, distance.high_km, share, car, walk),
        factor_set_version=table.version,
    )


def evaluate_trip(
    trip_id: str, report: TripReport, profile: Profile, table: FactorTable, rules: StepRules
) -> Trip:
    km = trip_distance(report, rules)
    used = table.travel_factor(report.mode, profile.region, report.day.year)
    replaced = _replaced(table, profile, report)
    return Trip(
        trip_id=trip_id,
        day=report.day,
        mode=report.mode,
        replaced=report.replaced,
        distance_km=km,
        saving=trip_saving(km, used, replaced),
        factor_set_version=table.version,
    )


def baseline_car(table: FactorTable, profile: Profile, day: date) -> TravelFactor:
    """The person's own car, or the region's average car where parts of it are unknown."""
    return table.travel_factor(
        "car", profile.region, day.year, vehicle_class=profile.car.size, fuel=profile.car.fuel
    )


def trip_distance(report: TripReport, rules: StepRules) -> float:
    if report.mode not in TRIP_MODES:
        raise RuleBroken(f"mode {report.mode!r} is not one of: {', '.join(TRIP_MODES)}")
    if report.replaced not in REPLACEABLE:
        raise RuleBroken(f"replaced {report.replaced!r} is not one of: {', '.join(REPLACEABLE)}")
    if report.distance_km is None and report.track is None:
        raise RuleBroken("a trip needs distance_km or a track")
    km = report.distance_km if report.distance_km is not None else _track_km(report.track)
    longest = MAX_TRIP_KM.get(report.mode, MAX_OTHER_TRIP_KM)
    if not 0 < km <= longest:
        raise RuleBroken(f"distance {km:g} km is outside 0–{longest:g} km for a {report.mode} trip")
    if report.mode == "walk" and report.track is not None:
        too_fast = flags(StepReport(report.day, 1, track=report.track), rules)
        if too_fast:
            raise RuleBroken(f"a walk whose {too_fast[0]}")
    return km


def _track_km(track: Track | None) -> float:
    return 0.0 if track is None else track.distance_m / 1000


def _walked(report: StepReport, profile: Profile, table: FactorTable, flagged: bool) -> Walked:
    device = report.device_distance_m
    if device is not None and report.steps > 0 and not flagged:
        return walked(report.steps, device_step_length(report.steps, device))
    length = step_length(table, profile.region, report.day.year, profile.height_cm, profile.sex)
    return walked(report.steps, length)


def _mode(table: FactorTable, profile: Profile, report: StepReport, mode: str) -> TravelFactor:
    return table.travel_factor(mode, profile.region, report.day.year)


def _replaced(table: FactorTable, profile: Profile, report: TripReport) -> TravelFactor | None:
    if report.replaced == "none":
        return None
    if report.replaced == "car":
        return baseline_car(table, profile, report.day)
    return table.travel_factor(report.replaced, profile.region, report.day.year)
