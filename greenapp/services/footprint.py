"""A person's footprint for a period: totals, the day series, equivalents, streak, standing."""

from dataclasses import dataclass
from datetime import date, timedelta

from greenapp.domain.activity import baseline_car
from greenapp.domain.equivalents import Equivalent, equivalents
from greenapp.domain.footprint import DayTotals, Standing, Totals, totals
from greenapp.domain.money import Money
from greenapp.domain.people import Profile
from greenapp.domain.periods import period_bounds
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, StoreTx

STREAK_LOOKBACK_DAYS = 3660


@dataclass(frozen=True, slots=True)
class DonatedTotals:
    donations: int
    steps: int
    kg: float
    raised: list[Money]


@dataclass(frozen=True, slots=True)
class Footprint:
    period: str
    first: date
    last: date
    profile: Profile
    totals: Totals
    series: list[DayTotals]
    equivalents: tuple[Equivalent, ...]
    streak_days: int
    standing: Standing | None
    factor_set_version: str
    donated: DonatedTotals


def footprint(store: ActivityStore, ctx: Context, user_id: str, period: str) -> Footprint:
    def work(tx: StoreTx) -> Footprint:
        profile = tx.person(user_id) or Profile()
        today = profile.today(ctx.now())
        first, last = period_bounds(period, today)
        series = tx.day_totals(user_id, first, last)
        summed = totals(series)
        car = baseline_car(ctx.factors, profile, today)
        active = tx.active_days(user_id, today - timedelta(days=STREAK_LOOKBACK_DAYS))
        standing = (
            tx.standing(user_id, profile.region, first, last) if profile.leaderboard else None
        )
        return Footprint(
            period=period,
            first=series[0].day if period == "all" and series else first,
            last=last,
            profile=profile,
            totals=summed,
            series=series,
            equivalents=equivalents(summed.kg, ctx.factors, profile.region, today.year, car),
            streak_days=active.streak(today),
            standing=standing,
            factor_set_version=ctx.factors.version,
            donated=DonatedTotals(*tx.person_donations(user_id, first, last)),
        )

    return store.read(work)
