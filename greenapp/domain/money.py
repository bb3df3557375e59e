"""Money as an integer count of the currency's minor unit (fen, pence, cents), never a float."""

import re
from dataclasses import dataclass
from typing import Final

from greenapp.domain.errors import RuleBroken

CURRENCY: Final = re.compile(r"^[A-Z]{3}$")  # ISO 4217 alphabetic code
STEPS_PER_RATE_UNIT: Final = 10_000  # sponsors' rates are per 10,000 steps


@dataclass(frozen=True, slots=True, order=True)
class Money:
    currency: str
    minor: int

    def __post_init__(self) -> None:
        if not CURRENCY.match(self.currency):
            raise RuleBroken(f"currency {self.currency!r} is not an ISO 4217 code such as 'CNY'")
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise RuleBroken("money is a whole number of minor units")

    def __add__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.currency, self.minor + other.minor)

    def __sub__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.currency, self.minor - other.minor)

    def _same_currency(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise RuleBroken(f"cannot combine {self.currency} with {other.currency}")


def steps_to_money(steps: int, rate_per_10k_steps: Money) -> Money:
    """A sponsor's credit for ``steps``, rounded down to a whole minor unit (never overpaid)."""
    return Money(
        rate_per_10k_steps.currency, steps * rate_per_10k_steps.minor // STEPS_PER_RATE_UNIT
    )
