"""Giving a day's steps to a charity project, and what sponsors credit for them.

A donation gives one counted day (one per person per day) to an open project. Each sponsor of
the project credits steps × its rate, in whole minor units rounded down, and never more than
what is left of its budget; a sponsor with nothing left credits nothing. When no sponsor has
budget left the project is exhausted and refuses donations.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from greenapp.domain.activity import StepDay
from greenapp.domain.errors import Conflict, RuleBroken
from greenapp.domain.money import Money, steps_to_money

# ISO 4217 minor-unit digits where they are not 2.
MINOR_DIGITS: Final = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3}
GOAL_KINDS: Final = ("money", "steps", "kg")
DONATION_WINDOW_DAYS: Final = 7


@dataclass(frozen=True, slots=True)
class Project:
    project_id: str
    partner_id: str
    title: dict[str, str]  # locale -> text (zh-CN, en)
    story: dict[str, str]
    goal_kind: str
    goal_amount: int  # minor units for money, steps, or whole kg
    goal_currency: str | None
    starts_on: date
    ends_on: date
    min_steps: int


@dataclass(frozen=True, slots=True)
class Sponsor:
    sponsor_id: str
    project_id: str
    name: str
    rate: Money  # per 10,000 steps
    budget_left: Money


@dataclass(frozen=True, slots=True)
class Credit:
    sponsor_id: str
    sponsor_name: str
    money: Money


@dataclass(frozen=True, slots=True)
class Donation:
    donation_id: str
    user_id: str
    project_id: str
    day: date
    steps: int
    km: float
    kg: float
    kg_low: float
    kg_high: float
    factor_set_version: str
    credits: tuple[Credit, ...]
    created_at: datetime
    locale: str


def check_project(project: Project) -> Project:
    if project.goal_kind not in GOAL_KINDS:
        raise RuleBroken(f"goal_kind {project.goal_kind!r} is not one of: {', '.join(GOAL_KINDS)}")
    if project.goal_amount <= 0:
        raise RuleBroken("goal_amount must be positive")
    if (project.goal_kind == "money") != (project.goal_currency is not None):
        raise RuleBroken("a money goal needs goal_currency, and only a money goal has one")
    if project.goal_currency is not None:
        Money(project.goal_currency, 0)
    if project.ends_on < project.starts_on:
        raise RuleBroken(f"ends_on {project.ends_on} is before starts_on {project.starts_on}")
    if project.min_steps < 0:
        raise RuleBroken("min_steps must not be negative")
    for field, texts in (("title", project.title), ("story", project.story)):
        if not any(t.strip() for t in texts.values()):
            raise RuleBroken(f"a project needs a {field} in zh-CN or en")
    return project


def refuse_if_not_donatable(
    project: Project,
    sponsors: Sequence[Sponsor],
    day: StepDay | None,
    asked_day: date,
    today: date,
    already_donated: bool,
    accepted_on: date | None = None,
) -> StepDay:
    """Return the day to donate, or raise naming the first rule it breaks.

    ``accepted_on`` is the date a reviewer accepted the day's appeal, when one did.
    """
    if not project.starts_on <= today <= project.ends_on:
        raise RuleBroken(
            f"project {project.project_id} takes donations from {project.starts_on} "
            f"to {project.ends_on}"
        )
    if outside_donation_window(asked_day, today, accepted_on):
        accepted = (
            ""
            if accepted_on is None
            else f", or {DONATION_WINDOW_DAYS} days from the acceptance of its appeal on "
            f"{accepted_on}"
        )
        raise RuleBroken(
            f"{asked_day} is outside the donation window: the last "
            f"{DONATION_WINDOW_DAYS} days up to {today}{accepted}"
        )
    if already_donated:
        raise Conflict(f"the steps of {asked_day} have already been donated")
    if day is None:
        raise RuleBroken(f"no steps are recorded for {asked_day}")
    if day.status != "counted":
        raise RuleBroken(f"the steps of {asked_day} were flagged ({'; '.join(day.reasons)})")
    if day.steps < project.min_steps:
        raise RuleBroken(
            f"{day.steps} steps is below this project's minimum of {project.min_steps}"
        )
    if not any(s.budget_left.minor > 0 for s in sponsors):
        raise Conflict(f"project {project.project_id}'s sponsors have no budget left")
    return day


def outside_donation_window(asked_day: date, today: date, accepted_on: date | None = None) -> bool:
    """Whether ``asked_day`` cannot be donated ``today``.

    A day is donated within DONATION_WINDOW_DAYS of itself. A day whose appeal was accepted
    later counts the window from the acceptance instead, so a slow review costs no one the
    chance to give it.
    """
    opened = asked_day if accepted_on is None else max(asked_day, accepted_on)
    return asked_day > today or opened < today - timedelta(days=DONATION_WINDOW_DAYS)


def credits_for(steps: int, sponsors: Sequence[Sponsor]) -> tuple[Credit, ...]:
    """Each sponsor's credit for ``steps``, capped at its budget left; zero credits left out."""
    credits = []
    for sponsor in sponsors:
        earned = steps_to_money(steps, sponsor.rate)
        paid = min(earned.minor, max(sponsor.budget_left.minor, 0))
        if paid > 0:
            credits.append(Credit(sponsor.sponsor_id, sponsor.name, Money(earned.currency, paid)))
    return tuple(credits)


THANKS: Final = {
    "en": "Thank you! Your {steps} steps on {day} raised {money} for “{title}” and avoided "
    "about {kg} kg CO2e.",
    "zh-CN": "谢谢你！你在 {day} 走的 {steps} 步为“{title}”筹得 {money}，"
    "并减少了约 {kg} 千克二氧化碳当量排放。",
}


def thank_you(donation: Donation, project: Project) -> str:
    locale = donation.locale if donation.locale in THANKS else "en"
    title = project.title.get(locale) or next(t for t in project.title.values() if t)
    money = ", ".join(format_money(m) for m in credit_totals(donation.credits)) or "—"
    return THANKS[locale].format(
        steps=f"{donation.steps:,}", day=donation.day, money=money, title=title,
        kg=f"{donation.kg:.2f}",
    )  # fmt: skip


def format_money(money: Money) -> str:
    """Minor units shown as major units, with the currency code (100 CNY minor -> 1.00 CNY)."""
    digits = MINOR_DIGITS.get(money.currency, 2)
    if digits == 0:
        return f"{money.minor:,} {money.currency}"
    major, minor = divmod(money.minor, 10**digits)
    return f"{major:,}.{minor:0{digits}d} {money.currency}"


def credit_totals(credits: Sequence[Credit]) -> list[Money]:
    by_currency: dict[str, Money] = {}
    for credit in credits:
        c = credit.money
        by_currency[c.currency] = by_currency.get(c.currency, Money(c.currency, 0)) + c
    return sorted(by_currency.values())
