"""A shared commit reads its units' rows together and writes their step days together; what it
stores must be exactly what one unit at a time would store."""

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
import pytest

from greenapp.domain.activity import StepDay, TripReport, evaluate_day
from greenapp.domain.donations import Project
from greenapp.domain.errors import Conflict, RuleBroken
from greenapp.domain.lookup import FactorTable
from greenapp.domain.money import Money
from greenapp.domain.people import Profile
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepReport, StepRules, Track
from greenapp.domain.teams import Challenge
from greenapp.services import activity, challenges, giving, partners, people, rights, teams
from greenapp.services.context import Context
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.activity.tx import DuckDBTx, WriteBatch
from greenapp.store.ports import Preload, StoreTx
from greenapp.store.storage import WRITE_CONFIG

T = TypeVar("T")
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 20, tzinfo=UTC)
SHARE = CarShare(0.05, 0.02, 0.2)


def _records(table: FactorTable) -> list[tuple[str, StepDay]]:
    """Step days of several kinds, with one person-day saved twice."""
    rules = StepRules()
    reports = [
        ("ana", StepReport(TODAY, 4000)),
        ("ana", StepReport(TODAY - timedelta(days=1), 9000, device_distance_m=6100.0)),
        ("bo", StepReport(TODAY, 12000, track=Track(8000.0, 5400.0, 6.5))),
        ("bo", StepReport(TODAY, 80_000)),  # flagged, and a second save of the same day
        ("cy", StepReport(TODAY, 0)),
    ]
    return [(u, evaluate_day(r, Profile("GB"), table, rules, SHARE)) for u, r in reports]


def _rows(path: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute("SELECT * FROM step_days ORDER BY user_id, day").fetchall()


def test_a_shared_commit_stores_exactly_what_single_saves_store(
    tmp_path: Path, factor_table: FactorTable
) -> None:
    saves = _records(factor_table)
    later = [(u, replace(r, steps=r.steps + 500)) for u, r in saves]  # the same lists, updated
    rounds = [saves, later, saves[:2]]  # new rows, rows kept with their lists, then back again
    one_by_one, together = tmp_path / "one.duckdb", tmp_path / "together.duckdb"
    DuckDBActivityStore(one_by_one).close()
    with duckdb.connect(str(one_by_one), config=dict(WRITE_CONFIG)) as db:
        plain = DuckDBTx(db)
        for batch in rounds:
            for user_id, record in batch:
                plain.save_step_day(user_id, record, NOW)

    store = DuckDBActivityStore(together)
    for batch in rounds:

        def save_all(tx: StoreTx, batch: list[tuple[str, StepDay]] = batch) -> None:
            for user_id, record in batch:
                tx.save_step_day(user_id, record, NOW)

        store.write(save_all, Preload(step_days=tuple((u, r.day) for u, r in batch)))
    store.close()

    assert _rows(together) == _rows(one_by_one)
    revisions = {(r[0], r[1]): r[-2] for r in _rows(together)}
    assert revisions[("bo", TODAY)] == 4  # two saves a round, one row


def test_within_a_shared_commit_every_read_sees_the_step_days_saved_before_it(
    tmp_path: Path, factor_table: FactorTable
) -> None:
    (user_id, first), *_ = _records(factor_table)
    store = DuckDBActivityStore(tmp_path / "s.duckdb")
    store.close()
    with duckdb.connect(str(tmp_path / "s.duckdb"), config=dict(WRITE_CONFIG)) as db:
        tx = DuckDBTx(db, batch=WriteBatch())
        db.begin()
        tx.save_step_day(user_id, first, NOW)
        assert tx.step_day(user_id, TODAY) == first  # from the pending rows
        assert [d.steps for d in tx.person_step_days(user_id)] == [4000]  # SQL, after a flush
        db.rollback()
    assert _rows(tmp_path / "s.duckdb") == []


def test_concurrent_uploads_share_commits_and_each_sees_its_own_earlier_count(
    tmp_path: Path, factor_table: FactorTable
) -> None:
    store = DuckDBActivityStore(tmp_path / "c.duckdb")
    ctx = Context(factor_table, SHARE, clock=lambda: NOW)
    walkers = [f"w{n}" for n in range(48)]
    for user_id in walkers:
        people.update_profile(store, ctx, user_id, Profile("GB"))
    commits_before = store.commits
    start = threading.Barrier(len(walkers))
    refused: list[str] = []

    def walk(user_id: str) -> None:
        start.wait()
        for steps in (1000, 2500, 2500, 4000):  # the repeat changes nothing
            activity.record_steps(store, ctx, user_id, StepReport(TODAY, steps))
        try:
            activity.record_steps(store, ctx, user_id, StepReport(TODAY, 3000))
        except Exception as lower:  # a lower count than recorded is refused
            refused.append(type(lower).__name__)

    threads = [threading.Thread(target=walk, args=(u,)) for u in walkers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared = store.commits - commits_before
    store.close()

    rows = {str(r[0]): r for r in _rows(tmp_path / "c.duckdb")}
    assert sorted(rows) == sorted(walkers)
    assert all(r[2] == 4000 and r[-2] == 3 for r in rows.values())  # three changes each
    assert refused == ["Conflict"] * len(walkers)
    assert shared < 4 * len(walkers)


def _behind_a_held_writer(store: DuckDBActivityStore, calls: list[Callable[[], None]]) -> int:
    """Run ``calls`` at once from threads while the writer is held, so that their units of work
    queue up and meet in one batch; returns the commits made once the writer is let go."""
    gate, queued = threading.Event(), threading.Barrier(len(calls) + 1)

    def run(call: Callable[[], None]) -> None:
        queued.wait()
        call()

    holder = threading.Thread(target=store.write, args=(lambda tx: gate.wait(),))
    holder.start()
    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    queued.wait()
    time.sleep(0.2)  # the units reach the writer's queue
    before = store.commits
    gate.set()
    for t in [holder, *threads]:
        t.join()
    return store.commits - before


def test_a_refusal_fails_alone_and_the_rest_still_share_one_commit(tmp_path: Path) -> None:
    store = DuckDBActivityStore(tmp_path / "r.duckdb")
    outcomes: dict[int, str] = {}

    def unit(n: int) -> Callable[[StoreTx], None]:
        def work(tx: StoreTx) -> None:
            if n % 4 == 0:
                raise RuleBroken(f"unit {n} is refused before it changes anything")
            tx.save_person(f"p{n}", Profile("GB"), NOW)

        return work

    def submit(n: int) -> None:
        try:
            store.write(unit(n))
            outcomes[n] = "ok"
        except RuleBroken:
            outcomes[n] = "refused"

    commits = _behind_a_held_writer(store, [partial(submit, n) for n in range(20)])
    assert commits == 2  # the holder's, then one for all twenty
    store.close()
    assert outcomes == {n: "refused" if n % 4 == 0 else "ok" for n in range(20)}
    with duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM people").fetchone() == (15,)


def test_what_the_writer_remembers_follows_erasure_and_bulk_work(
    tmp_path: Path, factor_table: FactorTable
) -> None:
    store = DuckDBActivityStore(tmp_path / "k.duckdb")
    ctx = Context(factor_table, SHARE, clock=lambda: NOW)
    try:
        activity.record_steps(store, ctx, "ana", StepReport(TODAY, 9000))
        with pytest.raises(Conflict):  # the writer knows the 9,000 it wrote
            activity.record_steps(store, ctx, "ana", StepReport(TODAY, 5000))

        rights.erase_me(store, "ana")  # once erased, a new count starts afresh
        assert activity.record_steps(store, ctx, "ana", StepReport(TODAY, 5000)).steps == 5000

        def bulk(tx: StoreTx) -> None:  # bulk work on the raw cursor, as the ingest does
            cast(DuckDBTx, tx).cursor.execute("UPDATE step_days SET steps = 7000")

        store.write(bulk)
        with pytest.raises(Conflict):  # what the writer knew before bulk work is not trusted
            activity.record_steps(store, ctx, "ana", StepReport(TODAY, 6000))
    finally:
        store.close()


def test_donations_in_one_shared_commit_never_overspend_or_count_twice(
    tmp_path: Path, factor_table: FactorTable
) -> None:
    store = DuckDBActivityStore(tmp_path / "d.duckdb")
    ctx = Context(factor_table, SHARE, clock=lambda: NOW)
    partner, _ = partners.create_partner(store, ctx, "T")
    project = Project("pj_batch", partner.partner_id, {"en": "P"}, {"en": "S"}, "steps", 10**6,
                      None, TODAY - timedelta(days=5), TODAY + timedelta(days=5), 0)  # fmt: skip
    partners.save_project(store, ctx, partner, project, creating=True)
    # 100 fen per 10,000 steps: each donor's 10,000 steps earn 100 fen, and 750 fen pay for 7.5
    sponsor = partners.add_sponsor(store, ctx, partner, "pj_batch", "S", Money("CNY", 100))
    partners.fund(store, ctx, partner, sponsor.sponsor_id, Money("CNY", 750), key="f")
    donors = [f"d{n}" for n in range(12)]
    for user_id in donors:
        activity.record_steps(store, ctx, user_id, StepReport(TODAY, 10_000))

    calls = [(u, f"k-{u}") for u in donors] + [("d0", "k-d0"), ("d1", "another-key")]
    answers: list[tuple[str, str, int]] = []

    def give(user_id: str, key: str) -> None:
        try:
            donation, created = giving.donate(store, ctx, user_id, "pj_batch", TODAY, key)
            paid = sum(c.money.minor for c in donation.credits)
            answers.append((user_id, "created" if created else "repeated", paid))
        except Conflict:
            answers.append((user_id, "refused", 0))

    shared = _behind_a_held_writer(store, [partial(give, *c) for c in calls])
    try:
        created = [a for a in answers if a[1] == "created"]
        assert sum(paid for *_, paid in created) == 750  # seven full credits and one of 50
        assert sorted(paid for *_, paid in created) == [50] + [100] * 7
        assert len(created) == 8
        assert len({user_id for user_id, *_ in created}) == 8  # at most one day's gift each
        same_key = sorted(a[1:] for a in answers if a[0] == "d0")
        assert same_key in ([("created", 100), ("repeated", 100)], [("refused", 0)] * 2)
        assert sorted(a[1] for a in answers if a[0] == "d1") in (
            ["created", "refused"], ["refused", "refused"],
        )  # fmt: skip
        left = store.read(lambda tx: tx.sponsors("pj_batch"))[0].budget_left
        assert left == Money("CNY", 0)
        assert shared <= 3  # the holder's commit and the donations' shared one (or two)
    finally:
        store.close()
    with duckdb.connect(str(tmp_path / "d.duckdb"), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM donations").fetchone() == (8,)
        assert db.execute(
            "SELECT sum(amount_minor) FROM money_ledger WHERE kind = 'credit'"
        ).fetchone() == (750,)


def test_a_trip_retried_within_one_shared_commit_is_recorded_once(
    tmp_path: Path, factor_table: FactorTable
) -> None:
    store = DuckDBActivityStore(tmp_path / "t.duckdb")
    ctx = Context(factor_table, SHARE, clock=lambda: NOW)
    bus = TripReport(TODAY, "bus", "car", 6.0)
    calls = [("kim", "same"), ("kim", "same"), ("kim", "other"), ("lee", "same")]
    answers: list[tuple[str, str, bool]] = []

    def record(user_id: str, key: str) -> None:
        trip, created = activity.record_trip(store, ctx, user_id, bus, key)
        answers.append((user_id, trip.trip_id, created))

    assert _behind_a_held_writer(store, [partial(record, *c) for c in calls]) == 2
    store.close()
    kims = [a for a in answers if a[0] == "kim"]
    assert sorted(created for *_, created in kims) == [False, True, True]
    assert len({trip_id for _, trip_id, _ in kims}) == 2  # the retry answered with the first
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as db:
        rows = db.execute("SELECT user_id, idempotency_key FROM trips ORDER BY ALL").fetchall()
    assert rows == [("kim", "other"), ("kim", "same"), ("lee", "same")]


def _on_a_loop_of_its_own(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` on a new event loop in a thread of its own (another test may have left a
    loop running in this one)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


def test_writers_on_an_event_loop_are_answered_there_and_one_that_left_stops_nothing(
    tmp_path: Path,
) -> None:
    store = DuckDBActivityStore(tmp_path / "a.duckdb")

    def save(user_id: str) -> Callable[[StoreTx], str]:
        def work(tx: StoreTx) -> str:
            tx.save_person(user_id, Profile("GB"), NOW)
            return user_id

        return work

    async def answered() -> list[str]:
        return list(await asyncio.gather(*(store.write_async(save(f"a{n}")) for n in range(5))))

    assert _on_a_loop_of_its_own(answered()) == [f"a{n}" for n in range(5)]

    gate = threading.Event()
    holder = threading.Thread(target=store.write, args=(lambda tx: gate.wait(),))
    holder.start()  # the writer waits while a caller queues work and goes away

    async def leave() -> None:
        waiting = asyncio.ensure_future(store.write_async(save("gone")))
        await asyncio.sleep(0.05)
        waiting.cancel()

    _on_a_loop_of_its_own(leave())  # its loop is closed before the writer answers
    gate.set()
    holder.join()
    assert store.submit(save("after")).result(timeout=10) == "after"  # the writer is still there
    store.close()
    with duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True) as db:
        saved = {r[0] for r in db.execute("SELECT user_id FROM people").fetchall()}
    assert saved == {f"a{n}" for n in range(5)} | {"gone", "after"}


def test_a_team_s_donations_in_one_shared_commit_keep_within_the_cap_and_pay_one_bonus(
    tmp_path: Path, factor_table: FactorTable
) -> None:
    path = tmp_path / "c.duckdb"
    store = DuckDBActivityStore(path)
    ctx = Context(factor_table, SHARE, clock=lambda: NOW)
    partner, _ = partners.create_partner(store, ctx, "T")
    project = Project("pj_team", partner.partner_id, {"en": "P"}, {"en": "S"}, "steps", 10**6,
                      None, TODAY - timedelta(days=5), TODAY + timedelta(days=5), 0)  # fmt: skip
    partners.save_project(store, ctx, partner, project, creating=True)
    sponsor = partners.add_sponsor(store, ctx, partner, "pj_team", "S", Money("CNY", 1))
    partners.fund(store, ctx, partner, sponsor.sponsor_id, Money("CNY", 10_000), key="f")
    members = [f"m{n}" for n in range(12)]
    team = teams.create_team(store, ctx, members[0], "Ward 9", "company")
    for user_id in members:
        activity.record_steps(store, ctx, user_id, StepReport(TODAY, 10_000))
        if user_id != members[0] and user_id != "m11":
            teams.join_team(store, ctx, user_id, team.team.invite_code)
    # 100 fen per 10,000 steps; the goal is met by the fourth donation; the cap of 650 fen
    # pays four matches (400), the bonus (200), then 50.
    terms = Challenge("", "", "Ward 9 walks", "steps", 40_000, TODAY, TODAY, "Harbour Bank",
                      Money("CNY", 100), Money("CNY", 650), Money("CNY", 200))  # fmt: skip
    made, _ = challenges.create_challenge(store, ctx, partner, team.team.invite_code, terms, "c")
    matched: list[tuple[str, int]] = []

    def give(user_id: str) -> None:
        _, created = giving.donate(store, ctx, user_id, "pj_team", TODAY, f"k-{user_id}")
        assert created

    def join_late() -> None:  # m11 joins within the same commit; its donation may count
        teams.join_team(store, ctx, "m11", team.team.invite_code)

    _behind_a_held_writer(store, [partial(give, u) for u in members] + [join_late])
    store.close()
    with duckdb.connect(str(path)) as db:
        rows = db.execute("SELECT kind, amount_minor FROM challenge_ledger").fetchall()
        matched = sorted((kind, int(amount)) for kind, amount in rows)
        assert sum(amount for _, amount in matched) == 650
        assert matched == [("bonus", 200), ("match", 50)] + [("match", 100)] * 4
        assert db.execute("SELECT count(*) FROM donations").fetchone() == (12,)
        with pytest.raises(duckdb.ConstraintException):  # the database refuses a second bonus
            db.execute(
                "INSERT INTO challenge_ledger VALUES ($id, $c, 'bonus', 1, 'CNY', 'd', 'p', now())",
                {"id": f"{made.challenge.challenge_id}:bonus", "c": made.challenge.challenge_id},
            )
