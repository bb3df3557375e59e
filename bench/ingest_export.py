"""Bulk ingest and research export at volume, each against DuckDB's own ceiling for the work.

    .venv/bin/python bench/ingest_export.py [--rows 10000000]

Ingest ceiling: DuckDB inserting the same file's rows into a table with the same primary key,
with no rules (the least any ingest must do). Export ceiling: DuckDB copying the same rows into
a new file (the least any export must do). Both are measured in the same run, on the same
machine, so the ratios compare like with like.
"""

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepRules
from greenapp.services.context import Context
from greenapp.settings import default_factor_sources
from greenapp.store.activity.ingest import IngestPlan, ingest_steps
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.build import build_factor_db
from greenapp.store.factors.reader import load_factor_table
from greenapp.store.storage import WRITE_CONFIG

DAYS = 20
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def make_file(path: Path, rows: int) -> None:
    users = rows // DAYS
    duckdb.sql(
        f"""
        COPY (
            SELECT 'p' || (i % {users}) AS user,
                   DATE '2026-11-20' - CAST(i // {users} AS INTEGER) AS date,
                   3000 + (i * 7919) % 12000 AS steps,
                   CASE WHEN i % 5 = 0 THEN (3000 + (i * 7919) % 12000) * 0.7 END AS distance_m,
                   ['CN', 'GB', 'US', 'EU', 'WORLD'][1 + (i % {users}) % 5] AS region
            FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT parquet)
        """
    )


def ceiling_ingest(file: Path, work: Path) -> float:
    with duckdb.connect(str(work / "ceiling.duckdb"), config=dict(WRITE_CONFIG)) as db:
        db.execute(
            "CREATE TABLE step_days (user_id VARCHAR, day DATE, steps INTEGER,"
            " device_distance_m DOUBLE, PRIMARY KEY (user_id, day))"
        )
        started = time.perf_counter()
        db.execute(
            'INSERT INTO step_days SELECT "user", date, steps, distance_m '
            f"FROM read_parquet('{file}')"
        )
        return time.perf_counter() - started


def ceiling_export(store_path: Path, work: Path) -> float:
    started = time.perf_counter()
    with duckdb.connect(str(store_path), config=dict(WRITE_CONFIG)) as db:
        db.execute(f"ATTACH '{work / 'copy.duckdb'}' AS copy")
        db.execute("CREATE TABLE copy.step_days AS SELECT * FROM step_days")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        factors = build_factor_db(default_factor_sources(), work / "factors.duckdb").path
        table = load_factor_table(factors)
        file = work / "steps.parquet"
        make_file(file, args.rows)
        rules = StepRules()
        ctx = Context(table, CarShare(0.05, 0.02, 0.2), rules, clock=lambda: NOW)
        plan = IngestPlan(table, rules, ctx.car_share, ctx.latest_day(), None, NOW)

        store = DuckDBActivityStore(work / "store.duckdb")
        started = time.perf_counter()
        summary = ingest_steps(store, file, work / "rejects.csv", plan)
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest_steps(store, file, work / "rejects.csv", plan)
        reingest_s = time.perf_counter() - started
        started = time.perf_counter()
        store.export_research(factors, work / "research.duckdb", 10)
        export_s = time.perf_counter() - started
        store.close()

        ingest_ceiling = ceiling_ingest(file, work)
        export_ceiling = ceiling_export(work / "store.duckdb", work)

    rows = args.rows
    assert summary.new_days == rows
    assert again.unchanged == rows
    print(f"rows: {rows:,}")
    print(
        f"ingest: {ingest_s:.1f} s = {rows / ingest_s:,.0f} rows/s; "
        f"ceiling {ingest_ceiling:.1f} s = {rows / ingest_ceiling:,.0f} rows/s; "
        f"ratio {ingest_s / ingest_ceiling:.2f}"
    )
    print(f"re-ingest (all unchanged): {reingest_s:.1f} s")
    print(
        f"export: {export_s:.1f} s; ceiling (copy of step_days) {export_ceiling:.1f} s; "
        f"ratio {export_s / export_ceiling:.2f}"
    )


if __name__ == "__main__":
    main()
