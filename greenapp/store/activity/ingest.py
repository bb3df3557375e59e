"""Bulk step ingest: a file of daily counts through the same rules as the API, in DuckDB.

The file is read and checked in one statement (duplicates ranked in a second, only where a day
occurs twice); the figures the core would look up are looked up once per (region, year, sex,
height known) and (region, year, car) with the core's own lookup; then each chunk of rows is
computed and written as one unit of work on the store's writer, so the service's own writes
get their turn between chunks. Days the store did not hold are written by a plain insert; only
days it held go through an upsert.
"""

import csv
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from greenapp.domain.activity import baseline_car
from greenapp.domain.lookup import FactorTable
from greenapp.domain.people import Car, Profile
from greenapp.domain.savings import CarShare, describe_fallbacks
from greenapp.domain.step_checks import StepRules
from greenapp.domain.walking import step_length
from greenapp.store.activity import ingest_sql as sql
from greenapp.store.ports import ActivityStore

CHUNK_ROWS = 2_500_000  # about three seconds of the writer on two cores
# What the command's own process lets DuckDB hold in memory; what does not fit (the checked
# rows of a large file, first) is spilled to the temporary directory beside the store.
MEMORY_LIMIT = "1.5GB"


@dataclass(frozen=True, slots=True)
class IngestPlan:
    table: FactorTable
    rules: StepRules
    share: CarShare
    latest: date
    window_days: int | None
    now: datetime


@dataclass(frozen=True, slots=True)
class IngestSummary:
    rows_read: int
    new_days: int
    updated: int
    unchanged: int
    rejected: int
    flagged: int
    rejects_file: Path | None


Writer = Callable[[Callable[[duckdb.DuckDBPyConnection], Any]], Any]


def limit_memory(store: ActivityStore, limit: str) -> None:
    """Bound the memory DuckDB uses for ``store`` in this process, e.g. '1.5GB'."""
    store.write(lambda tx: tx.cursor.execute(sql.MEMORY_LIMIT, {"limit": limit}))  # type: ignore[attr-defined]


def ingest_steps(
    store: ActivityStore,
    path: Path,
    rejects_file: Path,
    plan: IngestPlan,
    on_progress: Callable[[int, int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestSummary:
    run = uuid.uuid4().hex[:8]

    def on_writer(work: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        return store.write(lambda tx: work(tx.cursor))  # type: ignore[attr-defined]

    try:
        counts = on_writer(lambda c: _check(c, run, path, plan))
        rejected_rows = on_writer(lambda c: c.execute(sql.REJECTS.format(run=run)).fetchall())
        on_writer(lambda c: _lookups(c, run, plan))
        parameters = record_parameters(plan)
        last = counts["last_line"] or 0
        for first in range(1, last + 1, chunk_rows):
            lines = {"first": first, "last": min(first + chunk_rows - 1, last)}
            _write_chunk(on_writer, run, {**parameters, **lines}, counts["updated"] > 0)
            if on_progress is not None:
                on_progress(lines["last"], last)
        flagged = on_writer(lambda c: _scalar(c, sql.FLAGGED.format(run=run)))
    finally:
        on_writer(lambda c: _drop(c, run))
    written = _write_rejects(rejects_file, rejected_rows)
    return IngestSummary(
        rows_read=counts["rows_read"],
        new_days=counts["new_days"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        rejected=counts["rejected"],
        flagged=flagged,
        rejects_file=written,
    )


def _check(c: duckdb.DuckDBPyConnection, run: str, path: Path, plan: IngestPlan) -> dict[str, Any]:
    parquet = path.suffix.lower() == ".parquet"
    c.execute(sql.COLUMNS_PARQUET if parquet else sql.COLUMNS_CSV, {"path": str(path)})
    columns = {column[0] for column in c.description or ()}
    missing = {"user", "date", "steps"} - columns
    if missing:
        raise ValueError(f"{path} lacks the column(s): {', '.join(sorted(missing))}")
    distance = (
        "try_cast(CAST(distance_m AS VARCHAR) AS DOUBLE)" if "distance_m" in columns
        else "NULL::DOUBLE"
    )  # fmt: skip
    region = "nullif(trim(CAST(region AS VARCHAR)), '')" if "region" in columns else "NULL::VARCHAR"
    numbered = sql.NUMBERED_PARQUET if parquet else sql.NUMBERED_CSV
    window = plan.window_days
    oldest = plan.latest - timedelta(days=window) if window is not None else None
    c.execute(
        sql.CHECKED.format(run=run, numbered=numbered, distance=distance, region=region),
        {"path": str(path), "latest": plan.latest, "oldest": oldest, "window": window or 0,
         "cap": plan.rules.daily_cap},
    )  # fmt: skip
    c.execute(sql.TWICE.format(run=run))
    if _scalar(c, sql.COUNT_TWICE.format(run=run)):
        c.execute(sql.MARK_DUPLICATES.format(run=run))
    c.execute(sql.NEW_PEOPLE.format(run=run), {"now": plan.now})
    row = c.execute(sql.COUNTS.format(run=run)).fetchone()
    assert row is not None
    names = ("rows_read", "rejected", "new_days", "updated", "unchanged", "last_line")
    return dict(zip(names, row, strict=True))


def _lookups(c: duckdb.DuckDBPyConnection, run: str, plan: IngestPlan) -> None:
    years = [row[0] for row in c.execute(sql.YEARS.format(run=run)).fetchall()]
    look_up_factors(c, run, plan.table, years)


def look_up_factors(
    c: duckdb.DuckDBPyConnection, run: str, table: FactorTable, years: list[int]
) -> None:
    """Fill step_factors_{run} and car_factors_{run} with the core's lookups for ``years``."""
    c.execute(sql.CREATE_STEP_FACTORS.format(run=run))
    for region, sex, has_height in c.execute(sql.STEP_PROFILES).fetchall():
        for year in years:
            length = step_length(table, region, year, 100.0 if has_height else None, sex)
            f = length.factors[0]
            c.execute(
                sql.INSERT_STEP_FACTOR.format(run=run),
                [region, year, sex, has_height, f.value, f.low, f.high, length.rule,
                 [f.factor_id]],
            )  # fmt: skip
    c.execute(sql.CREATE_CAR_FACTORS.format(run=run))
    for region, fuel, size in c.execute(sql.CAR_PROFILES).fetchall():
        for year in years:
            profile = Profile(region=region, car=Car(fuel, size))
            car = baseline_car(table, profile, date(year, 7, 1))
            walk = table.travel_factor("walk", region, year)
            c.execute(
                sql.INSERT_CAR_FACTOR.format(run=run),
                [region, year, fuel, size, car.value, car.low, car.high, walk.value, walk.low,
                 walk.high, list(car.factor_ids + walk.factor_ids),
                 list(describe_fallbacks(car.fallbacks + walk.fallbacks))],
            )  # fmt: skip


def record_parameters(plan: IngestPlan) -> dict[str, Any]:
    """The values DAY_RECORDS needs besides its rows: the rules, the share, the version."""
    rules = plan.rules
    return {
        "flag_above": rules.flag_above_steps,
        "over_text": f"%d steps is more than a marathon day ({rules.flag_above_steps}); "
        "kept but not counted",
        "min_step": rules.min_step_m,
        "max_step": rules.max_step_m,
        "stride_text": "device distance gives %.2f m per step, outside a human step of "
        f"{rules.min_step_m:g}–{rules.max_step_m:g} m",
        "share": plan.share.share,
        "share_low": plan.share.low,
        "share_high": plan.share.high,
        "version": plan.table.version,
        "now": plan.now,
    }


def _write_chunk(on_writer: Writer, run: str, parameters: dict[str, Any], changed: bool) -> None:
    """Write one chunk of lines as one unit of work: all of it or, on failure, none of it."""

    def fast(c: duckdb.DuckDBPyConnection) -> None:
        c.execute(sql.INSERT_NEW_DAYS.format(run=run), parameters)
        if changed:
            c.execute(sql.UPSERT_CHANGED_DAYS.format(run=run), parameters)

    try:
        on_writer(fast)
    except duckdb.ConstraintException:
        # The service recorded one of the chunk's new days after the file was checked; the
        # upsert keeps whichever count is higher, as it does for a day the store held.
        on_writer(lambda c: c.execute(sql.UPSERT_CHUNK.format(run=run), parameters))


def _scalar(c: duckdb.DuckDBPyConnection, statement: str) -> Any:
    row = c.execute(statement).fetchone()
    return None if row is None else row[0]


def _drop(c: duckdb.DuckDBPyConnection, run: str) -> None:
    for name in sql.TEMP_TABLES:
        c.execute(sql.DROP.format(name=name, run=run))


def _write_rejects(path: Path, rows: list[tuple[Any, ...]]) -> Path | None:
    if not rows:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "user", "date", "steps", "distance_m", "reason"])
        writer.writerows(rows)
    return path
