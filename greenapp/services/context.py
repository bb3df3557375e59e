"""What every use case needs besides the store: the factors, the rules and the clock."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from greenapp.domain.lookup import FactorTable
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepRules


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
