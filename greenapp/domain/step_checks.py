"""Is a day's step count believable? Refusals change nothing; flags keep the day but count none.

A refusal is input that cannot be right (a day in the future, a count that went down, more
steps than anyone takes); the request is refused and nothing is stored. A flag is a day that
may be real but should not earn savings (a device distance no human stride explains, a track
that moved at a vehicle's speed); the day is stored with its reasons and saves nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from greenapp.domain.errors import Conflict, RuleBroken


@dataclass(frozen=True, slots=True)
class StepRules:
    """Limits, each documented with its source in docs/method.md#plausibility."""

    window_days: int = 30
    daily_cap: int = 100_000
    flag_above_steps: int = 50_000
    min_step_m: float = 0.3
    max_step_m: float = 2.0
    max_on_foot_kmh: float = 15.0
    max_burst_kmh: float = 45.0
    max_steps_per_hour: int = 12_000
    max_identical_hours: int = 3


@dataclass(frozen=True, slots=True)
class Track:
    """What the phone says about the day's GPS track, summarised on the phone."""

    distance_m: float
    moving_seconds: float
    max_speed_kmh: float


@dataclass(frozen=True, slots=True)
class StepReport:
    day: date
    steps: int
    device_distance_m: float | None = None
    track: Track | None = None
    hourly: tuple[int, ...] = ()  # the phone's counts per hour of the day, when it sends them


def refuse_if_impossible(
    report: StepReport, today: date, recorded_steps: int | None, rules: StepRules
) -> None:
    """Raise RuleBroken or Conflict for a report that must not be stored.

    ``today`` is the latest date anywhere on Earth, so a person east of UTC is never refused
    their own today.
    """
    if report.day > today:
        raise RuleBroken(f"{report.day} is in the future (the latest date anywhere is {today})")
    oldest = today - timedelta(days=rules.window_days)
    if report.day < oldest:
        raise RuleBroken(
            f"{report.day} is older than the {rules.window_days}-day window (oldest {oldest})"
        )
    if report.steps < 0:
        raise RuleBroken("steps must not be negative")
    if report.steps > rules.daily_cap:
        raise RuleBroken(f"steps {report.steps} is above the daily cap of {rules.daily_cap}")
    if recorded_steps is not None and report.steps < recorded_steps:
        raise Conflict(
            f"the count for {report.day} is already {recorded_steps}; "
            "a day's count only grows (send the phone's cumulative count)"
        )


def flags(report: StepReport, rules: StepRules) -> tuple[str, ...]:
    """Reasons this day should count no savings; empty when it is believable."""
    reasons: list[str] = []
    if report.steps > rules.flag_above_steps:
        reasons.append(
            f"{report.steps} steps is more than a marathon day ({rules.flag_above_steps}); "
            "kept but not counted"
        )
    if report.device_distance_m is not None and report.steps > 0:
        stride = report.device_distance_m / report.steps
        if not rules.min_step_m <= stride <= rules.max_step_m:
            reasons.append(
                f"device distance gives {stride:.2f} m per step, outside a human step of "
                f"{rules.min_step_m:g}–{rules.max_step_m:g} m"
            )
    if report.track is not None:
        reasons.extend(_vehicle_speeds(report.track, rules))
    reasons.extend(_machine_like(report, rules))
    return tuple(reasons)


def _machine_like(report: StepReport, rules: StepRules) -> list[str]:
    """What a shaken phone or a stepping machine leaves in the hourly counts."""
    hourly = report.hourly
    reasons = []
    busiest = max(hourly, default=0)
    if busiest > rules.max_steps_per_hour:
        hour = hourly.index(busiest)
        reasons.append(
            f"hour {hour} had {busiest} steps, more than sustained running allows "
            f"({rules.max_steps_per_hour} an hour, 200 a minute)"
        )
    if sum(hourly) > report.steps:
        reasons.append(
            f"the hourly counts add up to {sum(hourly)}, more than the day's {report.steps}"
        )
    run = _longest_identical_run(hourly)
    if run[0] > rules.max_identical_hours:
        reasons.append(
            f"{run[0]} hours in a row with exactly {run[1]} steps each, as a shaken phone counts"
        )
    return reasons


def _longest_identical_run(hourly: tuple[int, ...]) -> tuple[int, int]:
    """(length, count) of the longest run of equal non-zero hourly counts."""
    best = (0, 0)
    length = 0
    for n, count in enumerate(hourly):
        length = length + 1 if n and count == hourly[n - 1] and count > 0 else 1
        if count > 0 and length > best[0]:
            best = (length, count)
    return best


def _vehicle_speeds(track: Track, rules: StepRules) -> list[str]:
    reasons = []
    if track.moving_seconds > 0:
        average = track.distance_m / track.moving_seconds * 3.6
        if average > rules.max_on_foot_kmh:
            reasons.append(
                f"track moved at {average:.1f} km/h on average, faster than on foot "
                f"({rules.max_on_foot_kmh:g} km/h)"
            )
    if track.max_speed_kmh > rules.max_burst_kmh:
        reasons.append(
            f"track reached {track.max_speed_kmh:g} km/h, a vehicle's speed "
            f"(above {rules.max_burst_kmh:g} km/h)"
        )
    return reasons
