"""Bulk step ingest: a file of daily counts through the same rules as the API, in DuckDB.

The file is staged and checked in one statement; the figures the core would look up are looked
up once per (region, year, sex, height known) and (region, year, car) with the core's own lookup;
then each chunk of rows is computed and upserted in one statement, as one unit of work on the
store's writer, so the service keeps answering between chunks.
"""

import csv
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
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

CHUNK_ROWS = 1_000_000


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
        counts = on_writer(lambda c: _stage(c, run, path, plan))
        rejected_rows = on_writer(lambda c: c.execute(sql.REJECTS.format(run=run)).fetchall())
        on_writer(lambda c: _lookups(c, run, plan))
        last = counts["last_line"] or 0
        for first in range(1, last + 1, chunk_rows):
            end = min(first + chunk_rows - 1, last)
            on_writer(partial(_upsert, run=run, plan=plan, first=first, last=end))
            if on_progress is not None:
                on_progress(end, last)
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


def _stage(c: duckdb.DuckDBPyConnection, run: str, path: Path, plan: IngestPlan) -> dict[str, Any]:
    stage = sql.STAGE_PARQUET if path.suffix.lower() == ".parquet" else sql.STAGE_CSV
    c.execute(stage.format(run=run), {"path": str(path)})
    columns = {row[0] for row in c.execute(sql.STAGE_COLUMNS.format(run=run)).fetchall()}
    missing = {"user", "date", "steps"} - columns
    if missing:
        raise ValueError(f"{path} lacks the column(s): {', '.join(sorted(missing))}")
    distance = (
        "try_cast(CAST(distance_m AS VARCHAR) AS DOUBLE)" if "distance_m" in columns
        else "NULL::DOUBLE"
    )  # fmt: skip
    region = "nullif(trim(CAST(region AS VARCHAR)), '')" if "region" in columns else "NULL::VARCHAR"
    window = plan.window_days
    oldest = plan.latest - timedelta(days=window) if window is not None else None
    c.execute(
        sql.CHECKED.format(run=run, distance=distance, region=region),
        {"latest": plan.latest, "oldest": oldest, "window": window or 0,
         "cap": plan.rules.daily_cap},
    )  # fmt: skip
    c.execute(sql.NEW_PEOPLE.format(run=run), {"now": plan.now})
    row = c.execute(sql.COUNTS.format(run=run)).fetchone()
    assert row is not None
    names = ("rows_read", "rejected", "new_days", "updated", "unchanged", "last_line")
    return dict(zip(names, row, strict=True))


def _lookups(c: duckdb.DuckDBPyConnection, run: str, plan: IngestPlan) -> None:
    table = plan.table
    c.execute(sql.CREATE_STEP_FACTORS.format(run=run))
    for region, year, sex, has_height in c.execute(sql.STEP_COMBOS.format(run=run)).fetchall():
        length = step_length(table, region, year, 100.0 if has_height else None, sex)
        f = length.factors[0]
        c.execute(
            sql.INSERT_STEP_FACTOR.format(run=run),
            [region, year, sex, has_height, f.value, f.low, f.high, length.rule, [f.factor_id]],
        )
    c.execute(sql.CREATE_CAR_FACTORS.format(run=run))
    for region, year, fuel, size in c.execute(sql.CAR_COMBOS.format(run=run)).fetchall():
        profile = Profile(region=region, car=Car(fuel, size))
        car = baseline_car(table, profile, date(year, 7, 1))
        walk = table.travel_factor("walk", region, year)
        c.execute(
            sql.INSERT_CAR_FACTOR.format(run=run),
            [region, year, fuel, size, car.value, car.low, car.high, walk.value, walk.low,
             walk.high, list(car.factor_ids + walk.factor_ids),
             list(describe_fallbacks(car.fallbacks + walk.fallbacks))],
        )  # fmt: skip


def _upsert(
    c: duckdb.DuckDBPyConnection, run: str, plan: IngestPlan, first: int, last: int
) -> None:
    rules = plan.rules
    c.execute(
        sql.UPSERT_CHUNK.format(run=run),
        {
            "first": first,
            "last": last,
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
        },
    )


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
