"""The same activity under another factor set: how a new edition changes the results.

Adds ``recomputed_daily`` to a research export: every day's saving recomputed with the other
factor set, beside the one it was stored with. The baseline car of each (region, car, year) is
found once with the core's own lookup; the arithmetic over the rows runs in DuckDB.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from greenapp.domain.activity import baseline_car
from greenapp.domain.lookup import FactorTable
from greenapp.domain.people import Car, Profile
from greenapp.store.factors.sql import quote_literal
from greenapp.store.storage import WRITE_CONFIG

COMBOS = "SELECT DISTINCT region, car_fuel, car_size, year(day) FROM daily_activity"
CREATE_BASELINES = """
CREATE OR REPLACE TEMP TABLE baselines (
    region VARCHAR, car_fuel VARCHAR, car_size VARCHAR, year INTEGER, car DOUBLE, walk DOUBLE,
    factor_ids VARCHAR[]
)
"""
INSERT_BASELINE = "INSERT INTO baselines VALUES (?, ?, ?, ?, ?, ?, ?)"
RECOMPUTE = """
CREATE OR REPLACE TABLE recomputed_daily AS
SELECT d.pseudonym, d.day, d.region, d.status, d.km,
       d.factor_set_version AS version_before, d.kg_avoided AS kg_before,
       $version AS version_after,
       CASE WHEN d.status = 'counted' AND d.steps > 0
            THEN d.km * $share * (b.car - b.walk) ELSE 0 END AS kg_after,
       b.factor_ids AS factor_ids_after
FROM daily_activity d JOIN baselines b
  ON b.region = d.region AND b.car_fuel = d.car_fuel AND b.car_size = d.car_size
 AND b.year = year(d.day)
ORDER BY d.day, d.pseudonym
"""
COMMENTS = {
    "pseudonym": "As in daily_activity.",
    "day": "As in daily_activity.",
    "region": "As in daily_activity.",
    "status": "As in daily_activity; flagged days save nothing under any factor set.",
    "km": "Distance walked (unchanged: it does not depend on the emission factors).",
    "version_before": "Factor-set version the day was stored with.",
    "kg_before": "kg CO2e avoided as stored.",
    "version_after": "Factor-set version of the recomputation.",
    "kg_after": "kg CO2e avoided under that factor set, with the same share of walking.",
    "factor_ids_after": "Ids of the car and walking factors used by the recomputation.",
}


@dataclass(frozen=True, slots=True)
class Recomputed:
    rows: int
    kg_before: float
    kg_after: float


def recompute(export: Path, table: FactorTable, share: float) -> Recomputed:
    with duckdb.connect(str(export), config=dict(WRITE_CONFIG)) as db:
        db.execute(CREATE_BASELINES)
        for region, fuel, size, year in db.execute(COMBOS).fetchall():
            profile = Profile(region=region, car=Car(fuel, size))
            day = date(year, 7, 1)
            car = baseline_car(table, profile, day)
            walk = table.travel_factor("walk", region, year)
            db.execute(
                INSERT_BASELINE,
                [region, fuel, size, year, car.value, walk.value,
                 list(car.factor_ids + walk.factor_ids)],
            )  # fmt: skip
        db.execute(RECOMPUTE, {"version": table.version, "share": share})
        db.execute(
            "COMMENT ON TABLE recomputed_daily IS 'Every day of daily_activity recomputed with "
            "another factor set, beside the stored result.'"
        )
        for column, comment in COMMENTS.items():
            db.execute(f"COMMENT ON COLUMN recomputed_daily.{column} IS {quote_literal(comment)}")
        row = db.execute(
            "SELECT count(*), sum(kg_before), sum(kg_after) FROM recomputed_daily"
        ).fetchone()
    assert row is not None
    return Recomputed(row[0], row[1] or 0.0, row[2] or 0.0)
