"""What every use case needs besides the store: the factors, the rules and the clock."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from greenapp.domain.lookup import FactorTable
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepRules

EARLIEST_TIME_ZONE = timedelta(hours=14)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Context:
    factors: FactorTable
    car_share: CarShare
    rules: StepRules = field(default_factory=StepRules)
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    def latest_day(self) -> date:
        """The latest calendar date anywhere on Earth now (UTC+14), so no one's today is future."""
        return (self.clock() + EARLIEST_TIME_ZONE).date()
