"""Donation reports for partners: per day, per project or per sponsor."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from greenapp.domain.errors import RuleBroken
from greenapp.domain.money import Money

REPORT_GROUPS: Final = ("day", "project", "sponsor")


@dataclass(frozen=True, slots=True)
class DonationLine:
    """One donation with one of its credits (or none), as the store lists them."""

    donation_id: str
    day: date
    project_id: str
    user_id: str
    steps: int
    kg: float
    sponsor_id: str | None
    money: Money | None


@dataclass(slots=True)
class ReportRow:
    key: str
    donations: int = 0
    steps: int = 0
    kg: float = 0.0
    money: dict[str, int] = field(default_factory=dict)  # currency -> minor units
    donors: set[str] = field(default_factory=set)
    _seen: set[str] = field(default_factory=set)

    def add(self, line: DonationLine) -> None:
        if line.donation_id not in self._seen:
            self._seen.add(line.donation_id)
            self.donations += 1
            self.steps += line.steps
            self.kg += line.kg
            self.donors.add(line.user_id)
        if line.money is not None:
            c = line.money.currency
            self.money[c] = self.money.get(c, 0) + line.money.minor


def donation_report(lines: Iterable[DonationLine], by: str) -> list[ReportRow]:
    if by not in REPORT_GROUPS:
        raise RuleBroken(f"group {by!r} is not one of: {', '.join(REPORT_GROUPS)}")
    rows: dict[str, ReportRow] = {}
    for line in lines:
        if by == "sponsor" and line.sponsor_id is None:
            continue  # a donation no sponsor credited has no row in a sponsor report
        key = {"day": str(line.day), "project": line.project_id}.get(by) or str(line.sponsor_id)
        rows.setdefault(key, ReportRow(key)).add(line)
    return [rows[k] for k in sorted(rows)]
