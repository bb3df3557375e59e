"""The in-memory read model answers what the database answers, and never older than a write."""

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from greenapp.domain.activity import TripReport
from greenapp.domain.donations import Project
from greenapp.domain.lookup import FactorTable
from greenapp.domain.money import Money
from greenapp.domain.people import Profile
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepReport
from greenapp.services import activity, footprint, giving, partners, people
from greenapp.services.context import Context
from greenapp.store.activity.people_cache import PeopleCache, PersonRows, Standings
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.activity.tx import DuckDBTx

TODAY = date(2026, 11, 20)


def _context(factor_table: FactorTable) -> Context:
    return Context(factor_table, CarShare(0.05, 0.02, 0.2),
                   clock=lambda: datetime(2026, 11, 20, 20, tzinfo=UTC))  # fmt: skip


@pytest.fixture
def filled(tmp_path: Path, factor_table: FactorTable) -> DuckDBActivityStore:
    store = DuckDBActivityStore(tmp_path / "s.duckdb")
    ctx = _context(factor_table)
    partner, _ = partners.create_partner(store, ctx, "T")
    project = Project("pj_cache", partner.partner_id, {"en": "P"}, {"en": "S"}, "steps", 10**6,
                      None, TODAY - timedelta(days=40), TODAY + timedelta(days=3), 0)  # fmt: skip
    partners.save_project(store, ctx, partner, project, creating=True)
    sponsor = partners.add_sponsor(store, ctx, partner, "pj_cache", "S", Money("CNY", 30))
    partners.fund(store, ctx, partner, sponsor.sponsor_id, Money("CNY", 10**6), key="k")
    for n in range(6):
        user = f"c{n}"
        people.update_profile(store, ctx, user, Profile("GB"))
        for back in range(0, 25, n + 1):
            day = TODAY - timedelta(days=back)
            activity.record_steps(store, ctx, user, StepReport(day, 2000 + 300 * back))
            if back % 4 == 0:
                activity.record_trip(store, ctx, user, TripReport(day, "bus", "car", 3.0), None)
        giving.donate(store, ctx, user, "pj_cache", TODAY, key=f"d{n}")
    return store


def test_the_read_model_answers_what_the_database_answers(filled: DuckDBActivityStore) -> None:
    cursor = filled._db.cursor()
    cached, direct = DuckDBTx(cursor, PeopleCache()), DuckDBTx(cursor)
    periods = [(TODAY - timedelta(days=6), TODAY), (TODAY - timedelta(days=40), TODAY),
               (TODAY - timedelta(days=3), TODAY - timedelta(days=1))]  # fmt: skip
    for n in range(7):  # c6 has no rows at all
        user = f"c{n}"
        for first, last in periods:
            a, b = cached.day_totals(user, first, last), direct.day_totals(user, first, last)
            assert [(d.day, d.steps, d.status) for d in a] == [
                (d.day, d.steps, d.status) for d in b
            ]
            own_kg = cached._person_rows(user).kg(first, last)  # what standings rank by
            assert own_kg == pytest.approx(sum(d.kg for d in b))
            for x, y in zip(a, b, strict=True):
                assert (x.walked_km, x.trip_km) == pytest.approx((y.walked_km, y.trip_km))
                assert (x.kg, x.low, x.high) == pytest.approx((y.kg, y.low, y.high))
            assert (
                cached.person_donations(user, first, last)[:2]
                == direct.person_donations(user, first, last)[:2]
            )
            assert (
                cached.person_donations(user, first, last)[3]
                == direct.person_donations(user, first, last)[3]
            )
        since = TODAY - timedelta(days=30)
        cached_days, direct_days = cached.active_days(user, since), direct.active_days(user, since)
        assert cached_days.streak(TODAY) == direct_days.streak(TODAY)
        for day in (TODAY - timedelta(days=back) for back in range(31)):
            assert (day in cached_days) == (day in direct_days)
    cursor.close()
    filled.close()


def test_a_read_after_an_acknowledged_write_sees_it(
    filled: DuckDBActivityStore, factor_table: FactorTable
) -> None:
    ctx = _context(factor_table)
    first, last = TODAY - timedelta(days=1), TODAY
    for steps in range(30_000, 30_400, 20):
        activity.record_steps(filled, ctx, "c0", StepReport(TODAY, steps))
        days = filled.read(lambda tx: tx.day_totals("c0", first, last))
        assert days[-1].steps == steps
    filled.close()


def _same_answers(store: DuckDBActivityStore, user: str) -> None:
    """The read model's rows for ``user`` (as patched) against a fresh load from the database."""
    cursor = store._db.cursor()
    kept = store._people.get(user, lambda: pytest.fail(f"{user} is not in memory"))
    fresh = DuckDBTx(cursor, PeopleCache())._person_rows(user)
    everything = (date(2000, 1, 1), TODAY)
    for first, last in (everything, (TODAY - timedelta(days=6), TODAY)):
        a, b = kept.day_totals(first, last), fresh.day_totals(first, last)
        assert [(d.day, d.steps, d.status) for d in a] == [(d.day, d.steps, d.status) for d in b]
        for x, y in zip(a, b, strict=True):
            assert tuple(x[2:7]) == pytest.approx(tuple(y[2:7]))
        assert kept.kg(first, last) == pytest.approx(fresh.kg(first, last))
        assert kept.donated(first, last)[:2] == fresh.donated(first, last)[:2]
        assert kept.donated(first, last)[3] == fresh.donated(first, last)[3]
    for back in range(40):
        day = TODAY - timedelta(days=back)
        assert (day in kept.active) == (day in fresh.active)
        assert kept.active.streak(day) == fresh.active.streak(day)
    assert kept.profile == fresh.profile
    cursor.close()


def test_after_each_write_the_patched_read_model_answers_what_a_fresh_load_does(
    filled: DuckDBActivityStore, factor_table: FactorTable
) -> None:
    ctx = _context(factor_table)
    user = "c2"  # a day in three, some with trips, and a donation today
    writes: list[Callable[[], object]] = [
        lambda: activity.record_steps(filled, ctx, user, StepReport(TODAY, 40_000)),  # a day kept
        lambda: activity.record_steps(
            filled, ctx, user, StepReport(TODAY - timedelta(days=1), 7000)
        ),  # a new day, between
        lambda: activity.record_steps(
            filled, ctx, user, StepReport(TODAY - timedelta(days=2), 0)
        ),  # a day, not active
        lambda: activity.record_trip(
            filled, ctx, user, TripReport(TODAY - timedelta(days=2), "metro", "car", 9.0), None
        ),
        lambda: activity.record_trip(
            filled, ctx, user, TripReport(TODAY - timedelta(days=4), "bus", "car", 2.0), None
        ),
        lambda: activity.record_trip(  # a second trip the same day adds to the first
            filled, ctx, user, TripReport(TODAY - timedelta(days=4), "bicycle", "car", 5.0), None
        ),
        lambda: giving.donate(filled, ctx, user, "pj_cache", TODAY - timedelta(days=1), key="x"),
        lambda: people.update_profile(filled, ctx, user, Profile("GB", leaderboard=False)),
    ]
    for write in writes:
        footprint.footprint(filled, ctx, user, "week")  # the person's rows are in memory
        write()
        _same_answers(filled, user)
    filled.close()


def test_a_load_that_raced_a_write_is_not_kept() -> None:
    cache = PeopleCache()
    empty = PersonRows(None, {}, {}, [])
    fresh = PersonRows(None, {TODAY: (5, 0.0, 0.0, 0.0, 0.0, "counted")}, {}, [])

    def racing_load() -> PersonRows:
        cache.forget(["p"])  # a write commits while the old rows are being read
        return empty

    assert cache.get("p", racing_load) is empty
    assert cache.get("p", lambda: fresh) is fresh  # reloaded, not the raced copy
    assert cache.get("p", lambda: empty) is fresh  # now kept
    cache.forget_everyone()
    assert cache.get("p", lambda: empty) is empty


def test_while_one_request_refreshes_standings_the_others_rank_against_the_kept_totals() -> None:
    standings = Standings(seconds=0.0)  # every total is stale at once
    month = (TODAY.replace(day=1), TODAY)
    first = standings.standing("GB", *month, "a", 1.0, lambda: [("a", 1.0), ("b", 2.0)])
    assert first.people == 2
    started, release = threading.Event(), threading.Event()

    def slow_load() -> list[tuple[str, float]]:
        started.set()
        release.wait()
        return [("a", 1.0), ("b", 2.0), ("c", 3.0)]

    def second_load() -> list[tuple[str, float]]:
        raise AssertionError("a second refresh ran while the first was under way")

    refreshing = threading.Thread(target=standings.standing, args=("GB", *month, "a", 1.0,
                                                                      slow_load))  # fmt: skip
    refreshing.start()
    started.wait()
    assert standings.standing("GB", *month, "b", 2.0, second_load).people == 2  # the kept ones
    release.set()
    refreshing.join()
    fresh = standings.standing("GB", *month, "c", 3.0, lambda: [("c", 3.0), ("a", 1.0), ("b", 2.0)])
    assert (fresh.people, fresh.percentile) == (3, 100.0)
