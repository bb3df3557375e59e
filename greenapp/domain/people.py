"""A person as the savings arithmetic sees them: where they live, how tall, what they drive."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from greenapp.domain.errors import RuleBroken
from greenapp.domain.vocabulary import FUELS, REGIONS

SEXES: Final = frozenset({"female", "male"})
CAR_SIZES: Final = frozenset({"average", "small", "medium", "large"})
LOCALES: Final = frozenset({"zh-CN", "en"})
# Heights outside this range are typing mistakes rather than people (WHO growth charts and
# record heights bound adults well inside it).
HEIGHT_RANGE_CM: Final = (50.0, 272.0)
# Where a person has not said their time zone, the one most of their region's people live in.
REGION_TIME_ZONES: Final = {
    "CN": "Asia/Shanghai",
    "GB": "Europe/London",
    "EU": "Europe/Paris",
    "US": "America/New_York",
    "WORLD": "UTC",
}


@dataclass(frozen=True, slots=True)
class Car:
    """The car a person would otherwise drive; unknown parts mean the region's average car."""

    fuel: str = "unknown"
    size: str = "average"


@dataclass(frozen=True, slots=True)
class Profile:
    region: str = "WORLD"
    height_cm: float | None = None
    sex: str | None = None
    car: Car = Car()
    locale: str = "en"
    easy_mode: bool = False
    leaderboard: bool = False
    time_zone: str | None = None

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or REGION_TIME_ZONES[self.region])

    def today(self, now: datetime) -> date:
        """The person's own calendar date at ``now``."""
        return now.astimezone(self.zone()).date()


def checked_profile(profile: Profile) -> Profile:
    """Return ``profile`` unchanged, or raise RuleBroken naming the first field that is wrong."""
    _one_of("region", profile.region, frozenset(REGIONS))
    _one_of("car.fuel", profile.car.fuel, frozenset(FUELS))
    _one_of("car.size", profile.car.size, CAR_SIZES)
    _one_of("locale", profile.locale, LOCALES)
    if profile.sex is not None:
        _one_of("sex", profile.sex, SEXES)
    if profile.time_zone is not None:
        try:
            ZoneInfo(profile.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise RuleBroken(
                f"time_zone {profile.time_zone!r} is not an IANA time zone such as 'Asia/Shanghai'"
            ) from None
    low, high = HEIGHT_RANGE_CM
    if profile.height_cm is not None and not low <= profile.height_cm <= high:
        raise RuleBroken(f"height_cm {profile.height_cm:g} is outside {low:g}–{high:g} cm")
    return profile


def _one_of(field: str, value: str, allowed: frozenset[str]) -> None:
    if value not in allowed:
        raise RuleBroken(f"{field} {value!r} is not one of: {', '.join(sorted(allowed))}")
