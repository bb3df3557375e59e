"""The PostgreSQL store against the embedded one: the same activity gives the same research
export, and its rules hold across concurrent units of work."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, cast

import duckdb
import psycopg
import pytest

from greenapp.domain.activity import TripReport
from greenapp.domain.donations import Project
from greenapp.domain.errors import Conflict
from greenapp.domain.lookup import FactorTable
from greenapp.domain.money import Money
from greenapp.domain.people import Car, Profile
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepReport, Track
from greenapp.services import activity, giving, partners, people
from greenapp.services.context import Context
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.build import BuildResult
from greenapp.store.ports import ActivityStore, StoreUnavailable
from greenapp.store.postgres.store import PostgresActivityStore
from tests import postgres

TODAY = date(2026, 11, 20)
WALKERS = [f"walker-{n}" for n in range(12)]
EXPORTED = ("daily_activity", "trips", "donations", "projects", "region_daily", "mode_monthly")


def _fill(store: ActivityStore, ctx: Context) -> None:
    partner, _ = partners.create_partner(store, ctx, "Trust")
    opens, closes = TODAY - timedelta(days=30), TODAY + timedelta(days=5)
    project = Project("pj_same", partner.partner_id, {"en": "Trees"}, {"en": "Plant."}, "steps",
                      10**7, None, opens, closes, 1000)  # fmt: skip
    partners.save_project(store, ctx, partner, project, creating=True)
    sponsor = partners.add_sponsor(store, ctx, partner, "pj_same", "S", Money("CNY", 50))
    partners.fund(store, ctx, partner, sponsor.sponsor_id, Money("CNY", 10**6), key="b")
    for n, user in enumerate(WALKERS):
        people.update_profile(store, ctx, user, Profile("GB", car=Car("petrol", "medium")))
        for back in range(3):
            track = Track(3000, 2400, 9) if n % 2 else None
            report = StepReport(TODAY - timedelta(days=back), 4000 + 500 * n, track=track)
            activity.record_steps(store, ctx, user, report)
        activity.record_trip(store, ctx, user, TripReport(TODAY, "bus", "car", 5.0), f"t-{n}")
        if n % 3 == 0:
            giving.donate(store, ctx, user, "pj_same", TODAY, key=f"d-{n}")


def _table(path: Path, name: str) -> list[tuple[Any, ...]]:
    """A table of the export without its pseudonyms (random in every export), sorted. Sums of
    doubles are rounded to 9 places: rows copied in another order sum in another order."""
    with duckdb.connect(str(path), read_only=True) as db:
        columns = [c[0] for c in db.execute(f"DESCRIBE {name}").fetchall() if c[0] != "pseudonym"]
        rows = db.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
    rounded = [tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows]
    return sorted(rounded, key=repr)


@pytest.fixture
def ctx(factor_table: FactorTable) -> Context:
    return Context(factor_table, CarShare(0.05, 0.02, 0.2),
                   clock=lambda: datetime(2026, 11, 20, 20, tzinfo=UTC))  # fmt: skip


def test_both_stores_write_the_same_research_export(
    tmp_path: Path, ctx: Context, postgres_server: str, built_factors: BuildResult
) -> None:
    embedded = DuckDBActivityStore(tmp_path / "store.duckdb")
    shared = PostgresActivityStore(postgres.fresh_database(postgres_server), pool_size=2)
    exports = {}
    for name, store in (("duckdb", embedded), ("postgresql", shared)):
        try:
            _fill(store, ctx)
            exports[name] = tmp_path / f"{name}.duckdb"
            store.export_research(built_factors.path, exports[name], k=3)
        finally:
            store.close()
    for table in EXPORTED:
        from_duckdb = _table(exports["duckdb"], table)
        assert from_duckdb, table
        assert _table(exports["postgresql"], table) == from_duckdb, table


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    def outcome(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Conflict as refused:
            return refused

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(outcome, calls))


def test_concurrent_donations_on_postgresql_never_overspend(
    ctx: Context, postgres_server: str
) -> None:
    store = PostgresActivityStore(postgres.fresh_database(postgres_server), pool_size=16)
    try:
        partner, _ = partners.create_partner(store, ctx, "T")
        opens, closes = TODAY - timedelta(days=5), TODAY + timedelta(days=5)
        project = Project("pj_race", partner.partner_id, {"en": "P"}, {"en": "S"}, "steps",
                          10**6, None, opens, closes, 0)  # fmt: skip
        partners.save_project(store, ctx, partner, project, creating=True)
        sponsor = partners.add_sponsor(store, ctx, partner, "pj_race", "S", Money("CNY", 100))
        partners.fund(store, ctx, partner, sponsor.sponsor_id, Money("CNY", 750), key="f")
        donors = [f"d{n}" for n in range(16)]
        for user_id in donors:
            activity.record_steps(store, ctx, user_id, StepReport(TODAY, 10_000))
        answers = _race([partial(giving.donate, store, ctx, u, "pj_race", TODAY, f"k-{u}")
                         for u in donors])  # fmt: skip
        paid = [sum(c.money.minor for c in a[0].credits) for a in answers if isinstance(a, tuple)]
        assert sorted(paid) == [50] + [100] * 7  # 750 fen: seven full credits and one of 50
        assert all("no budget left" in str(a) for a in answers if not isinstance(a, tuple))
        assert store.read(lambda tx: tx.sponsors("pj_race"))[0].budget_left == Money("CNY", 0)
    finally:
        store.close()


def test_writes_are_serializable_and_reads_one_read_only_snapshot(postgres_server: str) -> None:
    store = PostgresActivityStore(postgres.fresh_database(postgres_server), pool_size=1)
    try:

        def settings_seen(tx: Any) -> Any:
            return tx._one("SELECT current_setting('transaction_isolation'), "
                           "current_setting('transaction_read_only')", {})  # fmt: skip

        assert store.write(settings_seen) == ("serializable", "off")
        assert store.read(settings_seen) == ("repeatable read", "on")
        assert store.write(settings_seen) == ("serializable", "off")  # the same pooled connection
    finally:
        store.close()


def test_a_unit_that_finds_no_free_connection_is_refused_as_unavailable(
    postgres_server: str,
) -> None:
    store = PostgresActivityStore(postgres.fresh_database(postgres_server), pool_size=1,
                                  wait_for_connection=0.3)  # fmt: skip
    held, release = threading.Event(), threading.Event()

    def hold(tx: Any) -> None:
        held.set()
        release.wait(10)

    holder = threading.Thread(target=store.write, args=(hold,))
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(StoreUnavailable, match="no database connection was free"):
            store.read(lambda tx: tx.person("ana"))
    finally:
        release.set()
        holder.join()
    assert store.read(lambda tx: tx.person("ana")) is None  # served again once one is free
    store.close()


def test_a_lost_database_connection_is_unavailable_then_replaced(postgres_server: str) -> None:
    url = postgres.fresh_database(postgres_server)
    store = PostgresActivityStore(url, pool_size=1)
    try:
        backend = store.read(lambda tx: cast(Any, tx)._one("SELECT pg_backend_pid()", {}))[0]
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        with pytest.raises(StoreUnavailable, match="cannot reach its database"):
            store.read(lambda tx: tx.person("ana"))
        assert store.read(lambda tx: tx.person("ana")) is None  # the pool opened a new one
    finally:
        store.close()
