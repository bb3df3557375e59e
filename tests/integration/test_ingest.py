"""Bulk ingest gives what the API gives, row for row, and loading twice changes nothing."""

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from greenapp.domain.errors import DomainError
from greenapp.domain.lookup import FactorTable
from greenapp.domain.people import Car, Profile
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepReport, StepRules
from greenapp.services.activity import record_steps
from greenapp.services.context import Context
from greenapp.services.people import update_profile
from greenapp.store.activity.ingest import IngestPlan, ingest_steps
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.storage import WRITE_CONFIG
from greenapp.web.auth import USER_ID

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SHARE = CarShare(0.05, 0.02, 0.2)
COMPARED = """
SELECT user_id, day, steps, device_distance_m, distance_km, distance_low_km, distance_high_km,
       step_rule, step_factor_ids, status, reasons, kg_co2e_avoided, kg_low, kg_high,
       saving_rule, saving_factor_ids, fallbacks, factor_set_version
FROM step_days ORDER BY user_id, day
"""


def _profiles(rng: random.Random, n: int) -> list[tuple[str, Profile]]:
    cars = [Car(), Car("petrol", "small"), Car("diesel", "large"), Car("electric", "medium"),
            Car("hybrid")]  # fmt: skip
    people = []
    for i in range(n):
        sex = rng.choice([None, "female", "male"])
        height = rng.choice([None, round(rng.uniform(145, 200), 1)])
        region = rng.choice(["CN", "GB", "US", "EU", "WORLD"])
        people.append((f"u{i}", Profile(region, height, sex, rng.choice(cars))))
    return people


def _rows(rng: random.Random, users: list[str], today: Any) -> list[dict[str, str]]:
    rows = []
    for user in users:
        for _ in range(rng.randint(3, 9)):
            day = today - timedelta(days=rng.randint(-2, 35))
            steps = rng.choice([0, rng.randint(1, 30000), rng.randint(1, 30000),
                                rng.randint(50001, 99999), 100001, -5])  # fmt: skip
            distance = ""
            if steps > 0 and rng.random() < 0.4:
                distance = f"{steps * rng.choice([0.1, 0.62, 0.75, 3.0]):.1f}"
            rows.append({"user": user, "date": str(day), "steps": str(steps),
                         "distance_m": distance})  # fmt: skip
    rows.append({"user": "not a valid id!", "date": str(today), "steps": "10", "distance_m": ""})
    rows.append({"user": "u0", "date": "yesterday", "steps": "10", "distance_m": ""})
    rows.append({"user": "u1", "date": str(today), "steps": "many", "distance_m": ""})
    return rows


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["user", "date", "steps", "distance_m"])
        writer.writeheader()
        writer.writerows(rows)


def _state(path: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), config=dict(WRITE_CONFIG)) as db:
        return db.execute(COMPARED).fetchall()


def _same(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> None:
    keys_a, keys_b = {r[:2] for r in a}, {r[:2] for r in b}
    assert keys_a == keys_b, (sorted(keys_a - keys_b), sorted(keys_b - keys_a))
    for left, right in zip(a, b, strict=True):
        for x, y in zip(left, right, strict=True):
            if isinstance(x, float):
                assert y == pytest.approx(x, rel=1e-12, abs=1e-15), (left, right)
            else:
                assert x == y, (left, right)


@pytest.fixture
def setup(tmp_path: Path, factor_table: FactorTable) -> dict[str, Any]:
    rng = random.Random(7)
    ctx = Context(factor_table, SHARE, StepRules(), clock=lambda: NOW)
    people = _profiles(rng, 30)
    rows = _rows(rng, [u for u, _ in people], NOW.date())
    file = tmp_path / "steps.csv"
    _write_csv(file, rows)
    plan = IngestPlan(factor_table, ctx.rules, SHARE, ctx.latest_day(), ctx.rules.window_days, NOW)
    return {"ctx": ctx, "people": people, "rows": rows, "file": file, "plan": plan}


def _store(path: Path, ctx: Context, people: list[tuple[str, Profile]]) -> DuckDBActivityStore:
    store = DuckDBActivityStore(path)
    for user, profile in people:
        update_profile(store, ctx, user, profile)
    return store


def test_ingest_and_the_api_give_identical_days(tmp_path: Path, setup: dict[str, Any]) -> None:
    ctx, people, rows = setup["ctx"], setup["people"], setup["rows"]
    through_api = _store(tmp_path / "api.duckdb", ctx, people)
    refused_by_api = set()
    for line, row in enumerate(rows, start=1):
        try:
            if not USER_ID.match(row["user"]):
                raise ValueError("the API's token check refuses such a user id")
            report = StepReport(
                datetime.fromisoformat(row["date"]).date(), int(row["steps"]),
                float(row["distance_m"]) if row["distance_m"] else None,
            )  # fmt: skip
            record_steps(through_api, ctx, row["user"], report)
        except (DomainError, ValueError):
            refused_by_api.add(line)
    through_api.close()

    in_bulk = _store(tmp_path / "bulk.duckdb", ctx, people)
    summary = ingest_steps(in_bulk, setup["file"], tmp_path / "rejects.csv", setup["plan"])
    in_bulk.close()

    _same(_state(tmp_path / "api.duckdb"), _state(tmp_path / "bulk.duckdb"))
    with (tmp_path / "rejects.csv").open() as f:
        rejected = {int(r["line"]): r["reason"] for r in csv.DictReader(f)}
    # A lower count after a higher one is refused by both; a lower one before a higher one is
    # accepted then replaced by the API, and refused as a duplicate by the ingest.
    duplicates = {line for line, reason in rejected.items() if "another row" in reason}
    assert refused_by_api - duplicates == set(rejected) - duplicates
    assert summary.rejected == len(rejected)
    assert summary.flagged > 0
    assert len(rejected) > 5


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path, setup: dict[str, Any]) -> None:
    store = _store(tmp_path / "s.duckdb", setup["ctx"], setup["people"])
    first = ingest_steps(store, setup["file"], tmp_path / "r1.csv", setup["plan"])
    store.close()
    before = _state(tmp_path / "s.duckdb")
    store = DuckDBActivityStore(tmp_path / "s.duckdb")
    second = ingest_steps(store, setup["file"], tmp_path / "r2.csv", setup["plan"])
    store.close()
    assert _state(tmp_path / "s.duckdb") == before
    assert (second.new_days, second.updated) == (0, 0)
    assert second.unchanged == first.new_days + first.updated
    assert (tmp_path / "r1.csv").read_text() == (tmp_path / "r2.csv").read_text()


def test_rejects_carry_a_reason_per_row(tmp_path: Path, setup: dict[str, Any]) -> None:
    store = _store(tmp_path / "s.duckdb", setup["ctx"], setup["people"])
    ingest_steps(store, setup["file"], tmp_path / "rejects.csv", setup["plan"])
    store.close()
    with (tmp_path / "rejects.csv").open() as f:
        reasons = [r["reason"] for r in csv.DictReader(f)]
    assert all(reasons)
    joined = "\n".join(reasons)
    for words in ("user must be", "is not a date", "is not a whole number", "in the future",
                  "30-day window", "daily cap of 100000", "must not be negative"):  # fmt: skip
        assert words in joined


def test_new_people_are_created_and_parquet_is_read(tmp_path: Path, setup: dict[str, Any]) -> None:
    file = tmp_path / "steps.parquet"
    with duckdb.connect() as db:
        db.execute(
            "COPY (SELECT 'newcomer' AS user, DATE '2026-11-19' AS date, 8000 AS steps, "
            "'GB' AS region) TO ? (FORMAT parquet)",
            [str(file)],
        )
    store = DuckDBActivityStore(tmp_path / "s.duckdb")
    summary = ingest_steps(store, file, tmp_path / "r.csv", setup["plan"])
    profile = store.read(lambda tx: tx.person("newcomer"))
    store.close()
    assert summary.new_days == 1
    assert summary.rejects_file is None
    assert profile == Profile("GB")


def test_a_day_the_service_records_meanwhile_keeps_the_higher_count(
    tmp_path: Path, setup: dict[str, Any]
) -> None:
    ctx = setup["ctx"]
    store = _store(tmp_path / "s.duckdb", ctx, setup["people"][:2])
    day = NOW.date() - timedelta(days=1)
    rows = [
        {"user": "u0", "date": str(day - timedelta(days=1)), "steps": "1000", "distance_m": ""},
        {"user": "u0", "date": str(day), "steps": "8000", "distance_m": ""},
        {"user": "u1", "date": str(day), "steps": "8000", "distance_m": ""},
    ]
    file = tmp_path / "race.csv"
    _write_csv(file, rows)

    def service_writes_meanwhile(done: int, total: int) -> None:
        if done == 1:  # after the first chunk, before the chunks holding these days
            record_steps(store, ctx, "u0", StepReport(day, 5000))
            record_steps(store, ctx, "u1", StepReport(day, 9000))

    summary = ingest_steps(
        store, file, tmp_path / "r.csv", setup["plan"], service_writes_meanwhile, chunk_rows=1
    )
    store.close()
    steps = {(r[0], r[1]): r[2] for r in _state(tmp_path / "s.duckdb")}
    assert steps == {("u0", day - timedelta(days=1)): 1000, ("u0", day): 8000, ("u1", day): 9000}
    assert summary.new_days == 3
