"""Bulk ingest and research export at volume, each against DuckDB's own ceiling for the work.

    .venv/bin/python bench/ingest_export.py [--rows 10000000]

The ingest is the command an operator runs, `greenapp ingest steps FILE`, in a child process, so
its wall time (interpreter start-up included) and its peak memory (the child's maximum resident
set) are what the operator would see.

Ingest ceiling: one DuckDB `CREATE TABLE AS SELECT` over the same Parquet file with the same
join (each row's person from `people`, then the factors the ingest looks up once per combination)
computing the same 23 columns with the same expressions (the ingest's own DAY_RECORDS), into a
table without a key: no checks, no duplicates, no comparison with stored days, no primary key.
For reference the run also measures the same statement as an INSERT into an empty store's
step_days, whose primary key and index every ingest must maintain.

Export ceiling: DuckDB copying the tables the export reads (step_days, trips, donations, projects
and the factor tables) as they are into a new DuckDB file, in one transaction; with --parquet,
also `COPY` of the same tables to Parquet.

Both ceilings are measured in the same run, on the same machine, so the ratios compare like
with like.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepRules
from greenapp.settings import Settings, default_factor_sources
from greenapp.store.activity import ingest_sql
from greenapp.store.activity.ingest import IngestPlan, look_up_factors, record_parameters
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.build import build_factor_db
from greenapp.store.factors.reader import load_factor_table
from greenapp.store.storage import STORAGE_VERSION, WRITE_CONFIG

DAYS = 20
SOURCE_TABLES = ("step_days", "trips", "donations", "projects")
FACTOR_TABLES = ("sources", "factors", "factor_set")
CEILING_ROWS = """
SELECT f."user" AS user_id, f.date AS day, year(f.date) AS year, f.steps, f.distance_m,
       p.region, p.sex, p.height_cm, p.car_fuel, p.car_size
FROM read_parquet($path) f JOIN people p ON p.user_id = f."user"
"""
CEILING_YEARS = "SELECT DISTINCT year(date) FROM read_parquet($path)"


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    peak_bytes: int
    output: str


def make_file(path: Path, rows: int, latest: str) -> None:
    users = max(rows // DAYS, 1)
    duckdb.execute(
        f"""
        COPY (
            SELECT 'p' || (i % {users}) AS user,
                   $latest::DATE - CAST(i // {users} AS INTEGER) AS date,
                   3000 + (i * 7919) % 12000 AS steps,
                   CASE WHEN i % 5 = 0 THEN (3000 + (i * 7919) % 12000) * 0.7 END AS distance_m,
                   ['CN', 'GB', 'US', 'EU', 'WORLD'][1 + (i % {users}) % 5] AS region
            FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT parquet)
        """,
        {"latest": latest},
    )


def greenapp(args: list[str], env: dict[str, str]) -> Run:
    """Run the greenapp command in a child process: its wall time and peak resident memory."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "greenapp.cli.main", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"greenapp {' '.join(args)} failed:\n{output}")
    return Run(seconds, usage.ru_maxrss * 1024, output)


def ceiling_ingest(file: Path, store: Path, plan: IngestPlan) -> float:
    with duckdb.connect(str(store), config=dict(WRITE_CONFIG)) as db:
        years = [row[0] for row in db.execute(CEILING_YEARS, {"path": str(file)}).fetchall()]
        look_up_factors(db, "ceiling", plan.table, years)
        statement = "CREATE TABLE ceiling_days AS " + ingest_sql.day_records(CEILING_ROWS)
        started = time.perf_counter()
        db.execute(statement.format(run="ceiling"), {**record_parameters(plan), "path": str(file)})
        seconds = time.perf_counter() - started
        db.execute("DROP TABLE ceiling_days")
    return seconds


def primary_key_insert(file: Path, store: Path, plan: IngestPlan, work: Path) -> float:
    empty = work / "empty.duckdb"
    DuckDBActivityStore(empty).close()
    with duckdb.connect(str(empty), config=dict(WRITE_CONFIG)) as db:
        db.execute(f"ATTACH '{store}' AS ingested (READ_ONLY)")
        db.execute("INSERT INTO people SELECT * FROM ingested.people")
        db.execute("DETACH ingested")
        years = [row[0] for row in db.execute(CEILING_YEARS, {"path": str(file)}).fetchall()]
        look_up_factors(db, "floor", plan.table, years)
        statement = (
            f"INSERT INTO step_days ({ingest_sql.STEP_DAY_COLUMNS}) "
            + ingest_sql.day_records(CEILING_ROWS)
        )
        started = time.perf_counter()
        db.execute(statement.format(run="floor"), {**record_parameters(plan), "path": str(file)})
        return time.perf_counter() - started


def ceiling_export(store: Path, factors: Path, out: Path, parquet: Path | None) -> float:
    started = time.perf_counter()
    with duckdb.connect(str(store), config=dict(WRITE_CONFIG)) as db:
        db.execute(f"ATTACH '{out}' AS copy (STORAGE_VERSION '{STORAGE_VERSION}')")
        db.execute(f"ATTACH '{factors}' AS factor_db (READ_ONLY)")
        db.begin()
        for table in SOURCE_TABLES:
            db.execute(f"CREATE TABLE copy.{table} AS SELECT * FROM {table}")
        for table in FACTOR_TABLES:
            db.execute(f"CREATE TABLE copy.{table} AS SELECT * FROM factor_db.main.{table}")
        db.commit()
        if parquet is not None:
            parquet.mkdir()
            tables = [*SOURCE_TABLES, *(f"factor_db.main.{name}" for name in FACTOR_TABLES)]
            for table in tables:
                target = parquet / f"{table.split('.')[-1]}.parquet"
                db.execute(f"COPY {table} TO '{target}' (FORMAT parquet)")
    return time.perf_counter() - started


def export(store_path: Path, factors: Path, out: Path, parquet: Path | None) -> float:
    store = DuckDBActivityStore(store_path)
    try:
        started = time.perf_counter()
        store.export_research(factors, out, 10, parquet)
        return time.perf_counter() - started
    finally:
        store.close()


def reported_seconds(output: str) -> float:
    """The command's own figure: from opening the store to the summary."""
    found = re.search(r"rows in ([0-9.]+) s", output)
    assert found, output
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    rows = args.rows
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "data"
        env = {**os.environ, "GREENAPP_DATA_DIR": str(data)}
        settings = Settings.from_env(env)
        factors = build_factor_db(default_factor_sources(), settings.factors_db).path
        table = load_factor_table(factors)
        now = datetime.now(UTC)
        file = work / "steps.parquet"
        make_file(file, rows, str(now.date() - timedelta(days=1)))
        share = CarShare(
            settings.walk_car_share, settings.walk_car_share_low, settings.walk_car_share_high
        )
        plan = IngestPlan(table, StepRules(), share, now.date(), None, now)

        # Each measurement is followed at once by its ceiling, so both see the same machine.
        load_before = os.getloadavg()[0]
        ingest = greenapp(["ingest", "steps", str(file)], env)
        assert f"{rows:,} new days" in ingest.output, ingest.output
        ingest_ceiling = ceiling_ingest(file, settings.db, plan)
        pk_insert = primary_key_insert(file, settings.db, plan, work)
        again = greenapp(["ingest", "steps", str(file)], env)
        assert f"{rows:,} unchanged" in again.output, again.output
        export_s = export(settings.db, factors, work / "research.duckdb", None)
        export_ceiling = ceiling_export(settings.db, factors, work / "copy.duckdb", None)
        export_parquet_s = export(settings.db, factors, work / "r2.duckdb", work / "research")
        export_parquet_ceiling = ceiling_export(
            settings.db, factors, work / "copy2.duckdb", work / "copy"
        )
        load_after = os.getloadavg()[0]

    print(
        f"rows: {rows:,}; duckdb {duckdb.__version__}; {os.cpu_count()} cores; "
        f"load average {load_before:.1f} before, {load_after:.1f} after"
    )
    print(
        f"ingest: {ingest.seconds:.1f} s = {rows / ingest.seconds:,.0f} rows/s "
        f"(its own figure, after start-up: {reported_seconds(ingest.output):.1f} s); "
        f"peak memory {ingest.peak_bytes / 2**30:.2f} GiB"
    )
    print(
        f"  ceiling (CTAS, same join and columns): {ingest_ceiling:.1f} s = "
        f"{rows / ingest_ceiling:,.0f} rows/s; ingest/ceiling throughput "
        f"{ingest_ceiling / ingest.seconds:.2f}"
    )
    print(
        f"  for reference, the same statement inserting into an empty store's step_days: "
        f"{pk_insert:.1f} s = {rows / pk_insert:,.0f} rows/s"
    )
    print(
        f"re-ingest (all unchanged): {again.seconds:.1f} s; "
        f"peak memory {again.peak_bytes / 2**30:.2f} GiB"
    )
    print(
        f"export (DuckDB file): {export_s:.1f} s; ceiling (copy of the same tables) "
        f"{export_ceiling:.1f} s; ratio {export_s / export_ceiling:.2f}"
    )
    print(
        f"export with --parquet: {export_parquet_s:.1f} s; ceiling (copy and COPY to Parquet) "
        f"{export_parquet_ceiling:.1f} s; ratio {export_parquet_s / export_parquet_ceiling:.2f}"
    )


if __name__ == "__main__":
    main()
