"""The PostgreSQL activity store, for several server processes sharing one database.

Each unit of work runs in its own SERIALIZABLE transaction on a pooled connection, so every
rule a unit checks before it writes (a budget not overspent, a key used once, a count that only
grows) holds as if units ran one at a time, across all processes: PostgreSQL aborts a unit whose
reads another committed unit invalidated, and the unit is run again from the start. Units that
spend one project's budget or one challenge's cap also take a row lock first, so they queue
instead of aborting. No process keeps anyone's rows in memory (the embedded store's read
model), so a person whose next request reaches another process still reads their own
acknowledged write; only the region standings are kept, up to a minute, as on DuckDB.
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg import IsolationLevel, errors
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from greenapp.domain.donations import Sponsor
from greenapp.domain.errors import RuleBroken
from greenapp.domain.footprint import Standing
from greenapp.domain.teams import Challenge, Progress
from greenapp.store.activity.people_cache import Standings
from greenapp.store.activity.store import NothingInMemory
from greenapp.store.activity.tx import DuckDBTx
from greenapp.store.ports import ExportResult, Preload, StoreTx, StoreUnavailable
from greenapp.store.postgres import sql
from greenapp.store.postgres.migrations import MIGRATIONS

T = TypeVar("T")
log = logging.getLogger(__name__)

# A unit aborted by a conflicting one is run again; this many times before the error stands.
ATTEMPTS = 30
RETRIED = (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation)
WAIT_FOR_CONNECTION = 10.0  # seconds a unit waits for a pooled connection before giving up


class PostgresTx(DuckDBTx):
    """A unit of work on PostgreSQL: the same operations as on DuckDB, with PostgreSQL's
    statements, and without the single-process write batch and read model."""

    sql = sql.Statements()

    def __init__(
        self, connection: psycopg.Connection[Any], writing: bool, standings: Standings
    ) -> None:
        super().__init__(connection, standings=standings)  # type: ignore[arg-type]
        self._writing = writing  # reads run read-only, where there is nothing to lock

    @property
    def cursor(self) -> Any:
        raise RuleBroken(
            "bulk ingest of CSV files is for the embedded DuckDB store; on PostgreSQL, load "
            "history with COPY (see docs/deploy.md)"
        )

    def sponsors(self, project_id: str) -> list[Sponsor]:
        if self._writing:
            self._read(self.sql.LOCK_SPONSORS, {"project_id": project_id})
        return super().sponsors(project_id)

    def standing(self, user_id: str, region: str, first: date, last: date) -> Standing | None:
        """As on DuckDB: the person's own total fresh, the others' kept for up to a minute by
        this process (see Standings), instead of ranking the whole region on every request."""
        assert self._standings is not None
        own = self._one(self.sql.PERSON_KG, {"user_id": user_id, "first": first, "last": last})
        params = {"region": region, "first": first, "last": last}
        return self._standings.standing(
            region, first, last, user_id, float(own[0]) if own else 0.0,
            lambda: [(r[0], r[1]) for r in self._all(self.sql.REGION_TOTALS, params)],
        )  # fmt: skip

    def challenge_progress(self, challenge: Challenge) -> Progress:
        if self._writing:
            self._read(self.sql.LOCK_CHALLENGE, {"challenge_id": challenge.challenge_id})
        return super().challenge_progress(challenge)


class _WholeNumeric(Loader):
    """NUMERIC arrives only as sum() over BIGINT columns (the schema has no NUMERIC column), so
    it is whole: load it as int, as DuckDB's sums are."""

    def load(self, data: Any) -> int | Decimal:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else value


def _configure(connection: psycopg.Connection[Any]) -> None:
    connection.adapters.register_loader("numeric", _WholeNumeric)
    connection.execute("SET TIME ZONE 'UTC'")
    connection.commit()


class PostgresActivityStore:
    def __init__(
        self, url: str, pool_size: int = 10, wait_for_connection: float = WAIT_FOR_CONNECTION
    ) -> None:
        self.url = url
        self._pool = ConnectionPool(
            url, min_size=1, max_size=pool_size, configure=_configure, open=True,
            kwargs={"autocommit": True}, name="greenapp", timeout=wait_for_connection,
        )  # fmt: skip
        self._threads = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="pg-unit")
        with self._pool.connection() as connection:
            migrate(connection)
        self._standings = Standings()
        self.commits = 0
        self.retries = 0  # units run again after a conflict, for benchmarks and tests

    def read(self, work: Callable[[StoreTx], T]) -> T:
        try:
            with self._pool.connection() as connection:
                # Applied by the transaction's own BEGIN: no extra round trip.
                connection.isolation_level = IsolationLevel.REPEATABLE_READ
                connection.read_only = True
                with connection.transaction():
                    return work(PostgresTx(connection, False, self._standings))
        except PoolClosed:
            raise  # the store was closed: a fault in greenapp, not the database's state
        except psycopg.OperationalError as error:
            raise _unavailable(error) from error

    def write(self, work: Callable[[StoreTx], T], preload: Preload | None = None) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self._pool.connection() as connection:
                    connection.isolation_level = IsolationLevel.SERIALIZABLE
                    connection.read_only = False
                    with connection.transaction():
                        result = work(PostgresTx(connection, True, self._standings))
                self.commits += 1
                return result
            except RETRIED as conflict:
                if attempt == ATTEMPTS:
                    raise StoreUnavailable(
                        "too many requests are changing the same records at once; try again"
                    ) from conflict
                self.retries += 1
                time.sleep(random.uniform(0, 0.002 * attempt))  # let the other unit finish
            except PoolClosed:
                raise
            except psycopg.OperationalError as error:
                raise _unavailable(error) from error
        raise AssertionError("unreachable")  # pragma: no cover

    async def write_async(self, work: Callable[[StoreTx], T], preload: Preload | None = None) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self.write, work, preload)

    def export_research(
        self, factors_db: Path, out: Path, k: int, parquet_dir: Path | None = None
    ) -> ExportResult:
        from greenapp.store.postgres.export import export_research

        return export_research(self._pool, factors_db, out, k, parquet_dir)

    def memory_view(self) -> "NothingInMemory":
        return NothingInMemory()

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        self._pool.close()


def _unavailable(error: psycopg.OperationalError) -> StoreUnavailable:
    log.warning("PostgreSQL unavailable: %s", error)
    if isinstance(error, PoolTimeout):
        return StoreUnavailable("greenapp is busy: no database connection was free; try again")
    return StoreUnavailable("greenapp cannot reach its database just now; try again")


def migrate(connection: psycopg.Connection[Any]) -> list[int]:
    """Apply every migration not yet recorded, one process at a time; return those applied."""
    done = []
    with connection.transaction():
        connection.execute(sql.MIGRATION_LOCK)
        connection.execute(sql.CREATE_MIGRATIONS)
        rows = connection.execute("SELECT version FROM schema_migrations").fetchall()
        applied = {row[0] for row in rows}
        for version, name, statements in MIGRATIONS:
            if version in applied:
                continue
            connection.execute(statements)
            connection.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
            )
            done.append(version)
    return done
