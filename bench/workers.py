"""Footprint reads and step uploads on PostgreSQL with 1 and 2 server processes, beside the
embedded DuckDB store's one process, all on this machine and in one run.

    .venv/bin/python -m bench.workers [--quick] [--people N] [--days D]

The same people and history go into both stores. PostgreSQL runs durably (fsync and synchronous
commit on, its defaults), as DuckDB commits are. Ceilings, measured in the same run: /healthz
with the same wrk script (for reads), and committed single-row upserts from one connection to
each database (for writes). Each configuration uploads for its own people, so every count
rises and none is refused. Results go to bench/RESULTS.md (not with --quick).
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psycopg

from bench.__main__ import (
    LUA_GET,
    LUA_PUT,
    RESULTS,
    Load,
    Row,
    populate,
    script,
    single_row_upserts,
    start_server,
    table,
    warm,
    wrk,
)
from greenapp.settings import default_factor_sources
from greenapp.store.factors.build import build_factor_db
from greenapp.store.postgres.store import PostgresActivityStore
from tests import postgres

FOOTPRINT = "/api/v1/me/footprint?period=month"
COPIED = ("people", "step_days")


@dataclass(frozen=True)
class Size:
    people: int
    days: int
    seconds: int


@dataclass(frozen=True)
class Config:
    name: str
    database_url: str | None
    workers: int


def copy_to_postgres(duckdb_path: Path, url: str, work: Path) -> None:
    """The populated tables, moved into PostgreSQL with COPY (CSV, arrays in {…} form)."""
    PostgresActivityStore(url, pool_size=1).close()  # migrations
    with duckdb.connect(str(duckdb_path), read_only=True) as source, psycopg.connect(url) as db:
        for name in COPIED:
            described = source.execute(f"DESCRIBE {name}").fetchall()
            columns = [c[0] for c in described]
            listed = {c[0] for c in described if "[]" in c[1]}
            select = ", ".join(
                f"'{{' || array_to_string({c}, ',') || '}}'" if c in listed else c for c in columns
            )
            csv = work / f"{name}.csv"
            source.execute(f"COPY (SELECT {select} FROM {name}) TO '{csv}' (HEADER false)")
            with db.cursor().copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
                                  ) as copy, csv.open("rb") as rows:  # fmt: skip
                while chunk := rows.read(1 << 20):
                    copy.write(chunk)
        db.commit()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")


def postgres_upserts(url: str, seconds: float) -> float:
    """The PostgreSQL write ceiling: committed single-row upserts from one connection."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE ceiling (k TEXT PRIMARY KEY, n INTEGER)")
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            db.execute(
                "INSERT INTO ceiling VALUES (%s, %s) ON CONFLICT (k) DO UPDATE SET n = excluded.n",
                (f"k{done % 5000}", done),
            )
            done += 1
        return done / (time.perf_counter() - started)


def serve(work: Path, factors: Path, config: Config) -> tuple[subprocess.Popen[bytes], str]:
    database = {"GREENAPP_DATABASE_URL": config.database_url} if config.database_url else {}
    return start_server(work, factors, {"GREENAPP_WORKERS": str(config.workers), **database}, 60)


def measure(
    work: Path, factors: Path, config: Config, size: Size, readers: list[str], writers: list[str]
) -> dict[str, Load]:
    process, url = serve(work, factors, config)
    try:
        hello = script(work, "hello", readers, LUA_GET.format(path="/healthz"))
        loads = {"hello": wrk(url, size.seconds, 64, hello)}
        warm(url, readers + writers, FOOTPRINT)  # everyone's first request is behind them
        reading = script(work, "reading", readers, LUA_GET.format(path=FOOTPRINT))
        loads["reads"] = wrk(url, size.seconds, 64, reading)
        today = datetime.now(UTC).date()
        upload = LUA_PUT.format(path=f"/api/v1/me/steps/{today}")
        loads["uploads"] = wrk(url, size.seconds, 64, script(work, "uploads", writers, upload))
    finally:
        os.killpg(process.pid, 15)
        process.wait()
    return loads


def run(size: Size) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp, postgres.cluster(durable=True) as server:
        work = Path(tmp)
        factors = build_factor_db(default_factor_sources(), work / "factors.duckdb").path
        populate(work / "greenapp.duckdb", "p", size.people, size.days)
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
            admin.execute("CREATE DATABASE ceiling")
        url = postgres.with_database(server, "bench")
        copy_to_postgres(work / "greenapp.duckdb", url, work)
        ceilings = {
            "duckdb": single_row_upserts(work, min(size.seconds, 5)),
            "postgresql": postgres_upserts(postgres.with_database(server, "ceiling"),
                                           min(size.seconds, 5)),
        }  # fmt: skip
        configs = [Config("DuckDB, 1 process", None, 1),
                   Config("PostgreSQL, 1 worker", url, 1),
                   Config("PostgreSQL, 2 workers", url, 2)]  # fmt: skip
        readers = [f"p{i}" for i in range(min(size.people, 2000))]
        rows: list[Row] = []
        for n, config in enumerate(configs):
            writers = [f"p{i}" for i in range(2000 + 500 * n, 2500 + 500 * n)]
            loads = measure(work, factors, config, size, readers, writers)
            rows += _rows(
                config, loads, ceilings["postgresql" if config.database_url else "duckdb"]
            )
    return rows


def _rows(config: Config, loads: dict[str, Load], upsert_ceiling: float) -> list[Row]:
    hello, reads, uploads = loads["hello"], loads["reads"], loads["uploads"]
    return [
        Row(f"{config.name}: GET {FOOTPRINT}, 64 connections",
            f"{reads.rate:,.0f} req/s (p99 {reads.p99_ms:.1f} ms)",
            f"{hello.rate:,.0f} req/s (/healthz, same script)", reads.rate / hello.rate, "–"),
        Row(f"{config.name}: PUT /api/v1/me/steps/{{date}}, 64 connections",
            f"{uploads.rate:,.0f} uploads/s (p99 {uploads.p99_ms:.1f} ms)"
            f"{f' ({uploads.refused:,} not 2xx)' if uploads.refused else ''}",
            f"{upsert_ceiling:,.0f}/s (single-row committed upsert, same database)",
            uploads.rate / upsert_ceiling, "–"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.workers")
    parser.add_argument("--quick", action="store_true", help="a small data set and short runs")
    parser.add_argument("--people", type=int, help="people in the data set (default 20,000)")
    parser.add_argument("--days", type=int, help="days of history each (default 90)")
    args = parser.parse_args()
    size = Size(4000, 30, 2) if args.quick else Size(20_000, 90, 8)
    size = Size(args.people or size.people, args.days or size.days, size.seconds)
    if size.people < 3500:
        sys.exit("--people must be at least 3,500: readers and each run's writers are distinct")
    printed = table(run(size))
    print(printed)
    if not args.quick:
        versions = (f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
                    f"psycopg {psycopg.__version__}")  # fmt: skip
        with RESULTS.open("a") as out:
            out.write(
                f"\n## Several workers on PostgreSQL, {size.people:,} people × {size.days} days "
                f"({datetime.now(UTC):%Y-%m-%d})\n\nCommand: `.venv/bin/python -m bench.workers"
                f"{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}`. Machine: "
                f"{os.cpu_count()} cores, {platform.machine()}; {versions}; PostgreSQL with "
                f"fsync and synchronous commit on; wrk with 2 threads on the same machine.\n\n"
                f"{printed}\n"
            )


if __name__ == "__main__":
    main()
