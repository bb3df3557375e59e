"""The embedded DuckDB activity store.

DuckDB allows one writing process per file and a transaction conflicts with another that
changed the same row, so all writes go through one writer thread. Requests hand it a unit of
work and wait; the writer runs every unit waiting at that moment in a single transaction
(group commit), so concurrent requests share one commit instead of paying one each. Within the
commit, the rows the units said they would read are read with one statement for all of them,
and the step days they save are written with one statement (see WriteBatch), because on DuckDB
a statement costs about the same for one row as for hundreds. A unit that
fails is rolled back with its whole batch, and the batch's other units are then run one by one,
so one bad request never sinks another. Reads use a cursor per thread and see committed data.
"""

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from greenapp.store.activity import sql
from greenapp.store.activity.backup import BackupInfo, backup
from greenapp.store.activity.migrations import MIGRATIONS
from greenapp.store.activity.people_cache import PeopleCache, Standings
from greenapp.store.activity.tx import DuckDBTx, KnownRows, WriteBatch
from greenapp.store.ports import ExportResult, NotInMemory, Preload, StoreTx
from greenapp.store.research.export import export_research
from greenapp.store.storage import WRITE_CONFIG

T = TypeVar("T")
BATCH_LIMIT = 256


@dataclass(slots=True)
class _Job:
    work: Callable[[StoreTx], Any]
    preload: Preload | None = None
    done: Future[Any] = field(default_factory=Future)
    # Set for a caller awaiting on an event loop: its future is settled on that loop, together
    # with the rest of the batch's, in one wake-up of the loop.
    waiter: "tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]] | None" = None


class DuckDBActivityStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = duckdb.connect(str(path), config=dict(WRITE_CONFIG))
        migrate(self._db)
        self._local = threading.local()
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._writer_cursor = self._db.cursor()
        self._writer = threading.Thread(target=self._write_loop, name="activity-writer")
        self._writer.start()
        self._closed = False
        self._people = PeopleCache()
        self._known = KnownRows()  # the writer's own; see _run_together
        self._standings = Standings()
        self.commits = 0  # transactions committed by the writer, for benchmarks and tests

    def read(self, work: Callable[[StoreTx], T]) -> T:
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._db.cursor()
        return work(DuckDBTx(cursor, self._people, self._standings))

    def read_from_memory(self, work: Callable[[StoreTx], T]) -> T:
        """Run ``work`` on the read model alone; NotInMemory if it needs the database."""
        return work(DuckDBTx(self._db, self._people, self._standings, memory_only=True))

    def memory_view(self) -> "MemoryView":
        return MemoryView(self)

    def write(self, work: Callable[[StoreTx], T], preload: Preload | None = None) -> T:
        return self.submit(work, preload).result()

    def submit(self, work: Callable[[StoreTx], T], preload: Preload | None = None) -> Future[T]:
        """``write`` without waiting: the future is done once the unit's commit is."""
        if self._closed:
            raise RuntimeError("the activity store is closed")
        job = _Job(work, preload)
        self._jobs.put(job)
        return job.done

    async def write_async(self, work: Callable[[StoreTx], T], preload: Preload | None = None) -> T:
        if self._closed:
            raise RuntimeError("the activity store is closed")
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(work, preload, waiter=(loop, waiter)))
        return await waiter

    def export_research(
        self, factors_db: Path, out: Path, k: int, parquet_dir: Path | None = None
    ) -> ExportResult:
        """A consistent snapshot for researchers, taken while writes go on (see research/)."""
        return export_research(self._db, factors_db, out, k, parquet_dir)

    def backup(self, out: Path) -> BackupInfo:
        """A consistent copy of the whole store, taken while writes go on."""
        return backup(self._db, out)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)
        self._writer.join()
        self._db.close()

    def _write_loop(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < BATCH_LIMIT:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._run(batch)
                    return
                batch.append(job)
            self._run(batch)

    def _run(self, batch: list[_Job]) -> None:
        if len(batch) > 1 and self._run_together(batch):
            return
        for job in batch:
            self._run_together([job])

    def _run_together(self, batch: list[_Job]) -> bool:
        """Run ``batch`` in one transaction; True when it committed and answered every job.

        A unit that fails before asking for any change (a refused request, typically) fails on
        its own and the others go on; any other failure rolls the whole batch back.
        """
        cursor = self._writer_cursor
        batch_view = WriteBatch(self._known)
        tx = DuckDBTx(cursor, batch=batch_view)
        outcomes: list[tuple[bool, Any]] = []
        cursor.begin()
        try:
            tx.preload(_together(job.preload for job in batch))
            for job in batch:
                outcomes.append(_attempt(job, tx))
            tx.flush()
            cursor.commit()
            self.commits += 1
        except Exception as error:
            cursor.rollback()
            if len(batch) == 1:
                _answer([(batch[0], False, error)])
                return True
            return False
        # Bring the read model up to this commit (patching what it keeps, forgetting what it
        # cannot patch) before anyone hears it is done, so no one reads older than their own
        # acknowledged write.
        if tx.touched_everyone:
            self._people.forget_everyone()
            self._known.clear()
        else:
            patched = batch_view.patches
            unpatched = (tx.touched - patched.keys()) | batch_view.forgotten
            self._people.committed(patched, unpatched)
            self._known.committed(batch_view)
        _answer([(job, ok, outcome) for job, (ok, outcome) in zip(batch, outcomes, strict=True)])
        return True


def _answer(answers: list[tuple[_Job, bool, Any]]) -> None:
    """Settle each job's future: thread waiters at once, each event loop's in one call."""
    on_loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]] = {}
    for job, ok, outcome in answers:
        if job.waiter is None:
            if ok:
                job.done.set_result(outcome)
            else:
                job.done.set_exception(outcome)
        else:
            loop, waiter = job.waiter
            on_loops.setdefault(loop, []).append((waiter, ok, outcome))
    for loop, settled in on_loops.items():
        # A closed loop has no one waiting any more; the work is committed all the same.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, settled)


def _settle(settled: list[tuple["asyncio.Future[Any]", bool, Any]]) -> None:
    for waiter, ok, outcome in settled:
        if waiter.cancelled():
            continue  # the caller went away; the work is committed all the same
        if ok:
            waiter.set_result(outcome)
        else:
            waiter.set_exception(outcome)


def _attempt(job: _Job, tx: DuckDBTx) -> tuple[bool, Any]:
    writes = tx.writes
    try:
        return True, job.work(tx)
    except duckdb.Error:
        raise
    except Exception as refusal:
        if tx.writes != writes:
            raise
        return False, refusal


def _together(preloads: Iterable[Preload | None]) -> Preload:
    wanted = [p for p in preloads if p is not None]
    return Preload(
        people=tuple(u for p in wanted for u in p.people),
        step_days=tuple(k for p in wanted for k in p.step_days),
        donation_keys=tuple(k for p in wanted for k in p.donation_keys),
        donated_days=tuple(k for p in wanted for k in p.donated_days),
        trip_keys=tuple(k for p in wanted for k in p.trip_keys),
        challenge_days=tuple(k for p in wanted for k in p.challenge_days),
    )


class NothingInMemory:
    """A store's view that answers nothing from memory: every call raises NotInMemory, and the
    caller goes to the store itself. The PostgreSQL store's view, which keeps no read model."""

    def read(self, work: Callable[[StoreTx], T]) -> T:
        raise NotInMemory

    def write(self, work: Callable[[StoreTx], T], preload: Preload | None = None) -> T:
        raise NotInMemory

    async def write_async(self, work: Callable[[StoreTx], T], preload: Preload | None = None) -> T:
        raise NotInMemory

    def export_research(
        self, factors_db: Path, out: Path, k: int, parquet_dir: Path | None = None
    ) -> ExportResult:
        raise NotInMemory

    def memory_view(self) -> "NothingInMemory":
        return self

    def close(self) -> None:
        raise NotInMemory


class MemoryView(NothingInMemory):
    """The store as seen from memory only: for answering on the event loop without blocking."""

    def __init__(self, store: DuckDBActivityStore) -> None:
        self._store = store

    def read(self, work: Callable[[StoreTx], T]) -> T:
        return self._store.read_from_memory(work)


def migrate(db: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied now."""
    db.execute(sql.CREATE_MIGRATIONS)
    applied = {row[0] for row in db.execute(sql.APPLIED_MIGRATIONS).fetchall()}
    done = []
    for version, name, statements in MIGRATIONS:
        if version in applied:
            continue
        db.begin()
        try:
            db.execute(statements)
            db.execute(sql.RECORD_MIGRATION, {"version": version, "name": name})
            db.commit()
        except Exception:
            db.rollback()
            raise
        done.append(version)
    return done
