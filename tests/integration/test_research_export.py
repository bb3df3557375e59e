"""The research export from a real store: privacy, suppression, snapshots and the guide."""

import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from greenapp.domain.activity import TripReport
from greenapp.domain.donations import Project
from greenapp.domain.lookup import FactorTable
from greenapp.domain.money import Money
from greenapp.domain.people import Car, Profile
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepReport, Track
from greenapp.services import activity, giving, partners, people
from greenapp.services.context import Context
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.build import BuildResult
from greenapp.store.factors.reader import load_factor_table
from greenapp.store.research.recompute import recompute

ROOT = Path(__file__).resolve().parent.parent.parent
TODAY = date(2026, 11, 20)
K = 10
GB_PEOPLE = [f"gb-walker-{n}" for n in range(12)]
CN_PEOPLE = [f"cn-walker-{n}" for n in range(3)]


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, factor_table: FactorTable
) -> Iterator[DuckDBActivityStore]:
    path = tmp_path_factory.mktemp("research") / "store.duckdb"
    opened = DuckDBActivityStore(path)
    ctx = Context(factor_table, CarShare(0.05, 0.02, 0.2),
                  clock=lambda: datetime(2026, 11, 20, 20, tzinfo=UTC))  # fmt: skip
    partner, _ = partners.create_partner(opened, ctx, "Trust")
    opens, closes = TODAY - timedelta(days=30), TODAY + timedelta(days=5)
    project = Project("pj_research01", partner.partner_id, {"en": "Trees"}, {"en": "Plant."},
                      "steps", 10**7, None, opens, closes, 1000)  # fmt: skip
    partners.save_project(opened, ctx, partner, project, creating=True)
    sponsor = partners.add_sponsor(opened, ctx, partner, project.project_id, "S", Money("CNY", 50))
    partners.fund(opened, ctx, partner, sponsor.sponsor_id, Money("CNY", 10**6), key="b")
    for n, user in enumerate(GB_PEOPLE + CN_PEOPLE):
        region = "GB" if user.startswith("gb") else "CN"
        people.update_profile(opened, ctx, user, Profile(region, car=Car("petrol", "medium")))
        for back in range(3):
            day = TODAY - timedelta(days=back)
            track = Track(3000, 2400, 9) if n % 2 else None
            activity.record_steps(opened, ctx, user, StepReport(day, 4000 + 500 * n, track=track))
        activity.record_trip(opened, ctx, user, TripReport(TODAY, "bus", "car", 5.0), f"t-{n}")
        if n % 3 == 0:
            giving.donate(opened, ctx, user, project.project_id, TODAY, key=f"d-{n}")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def export(
    store: DuckDBActivityStore, built_factors: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("export") / "research.duckdb"
    store.export_research(built_factors.path, out, K, out.parent / "parquet")
    recompute(out, load_factor_table(built_factors.path), 0.05)
    return out


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


def test_no_user_id_or_gps_appears_anywhere(export: Path) -> None:
    tables = [r[0] for r in _rows(export, "SELECT table_name FROM duckdb_tables()")]
    text = " ".join(str(row) for table in tables for row in _rows(export, f"SELECT * FROM {table}"))
    for user in GB_PEOPLE + CN_PEOPLE:
        assert user not in text
    columns = {
        r[0] for r in _rows(export, "SELECT column_name FROM duckdb_columns() WHERE NOT internal")
    }
    forbidden = r"^(track.*|lat|lon|latitude|longitude|gps.*|user_id|donation_id|trip_id)$"
    assert not {c for c in columns if re.match(forbidden, c)}


def test_every_person_keeps_one_pseudonym_within_an_export(export: Path) -> None:
    daily = _rows(export, "SELECT count(DISTINCT pseudonym) FROM daily_activity")[0][0]
    assert daily == len(GB_PEOPLE + CN_PEOPLE)
    orphans = _rows(
        export,
        "SELECT count(*) FROM donations WHERE pseudonym NOT IN "
        "(SELECT pseudonym FROM daily_activity)",
    )
    assert orphans == [(0,)]


def test_pseudonyms_change_with_every_export(
    store: DuckDBActivityStore, built_factors: BuildResult, export: Path, tmp_path: Path
) -> None:
    second = tmp_path / "again.duckdb"
    store.export_research(built_factors.path, second, K)
    first_set = {r[0] for r in _rows(export, "SELECT pseudonym FROM daily_activity")}
    second_set = {r[0] for r in _rows(second, "SELECT pseudonym FROM daily_activity")}
    assert first_set.isdisjoint(second_set)


def test_cells_of_fewer_than_k_people_are_suppressed(export: Path) -> None:
    cells = _rows(export, "SELECT region, people, steps, kg_avoided, suppressed FROM region_daily")
    assert {r[0] for r in cells} == {"CN", "GB"}
    for region, count, steps, kg, suppressed in cells:
        if region == "CN":
            assert (count, steps, kg, suppressed) == (None, None, None, True)
        else:
            assert count is not None
            assert count >= K
            assert suppressed is False
    modes = _rows(export, "SELECT region, people, suppressed FROM mode_monthly")
    assert all((r[1] is None) == r[2] for r in modes)
    assert ("CN", None, True) in modes


def test_every_table_and_column_is_described(export: Path) -> None:
    missing = _rows(
        export,
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
        "AND comment IS NULL AND table_name NOT IN ('sources', 'factors', 'factor_set') "
        "AND table_name IN (SELECT table_name FROM duckdb_tables())",
    )
    assert missing == []
    views = _rows(
        export, "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL"
    )
    assert views == []


def test_recomputing_with_the_same_factors_changes_nothing(export: Path) -> None:
    rows = _rows(export, "SELECT kg_before, kg_after, status FROM recomputed_daily")
    assert len(rows) == 3 * len(GB_PEOPLE + CN_PEOPLE)
    for before, after, _ in rows:
        assert after == pytest.approx(before, rel=1e-12, abs=1e-15)


def test_the_snapshot_is_consistent_while_writes_go_on(
    store: DuckDBActivityStore,
    built_factors: BuildResult,
    tmp_path: Path,
    factor_table: FactorTable,
) -> None:
    ctx = Context(factor_table, CarShare(0.05, 0.02, 0.2),
                  clock=lambda: datetime(2026, 11, 20, 20, tzinfo=UTC))  # fmt: skip
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            people.update_profile(store, ctx, f"busy-{n}", Profile("US"))
            activity.record_steps(store, ctx, f"busy-{n}", StepReport(TODAY, 5000))
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        out = tmp_path / "during.duckdb"
        store.export_research(built_factors.path, out, K)
    finally:
        stop.set()
        writer.join()
    info = _rows(out, "SELECT daily_rows FROM export_info")[0][0]
    assert _rows(out, "SELECT count(*) FROM daily_activity")[0][0] == info
    total_people = _rows(out, "SELECT count(DISTINCT pseudonym) FROM daily_activity")[0][0]
    assert info == 3 * (len(GB_PEOPLE) + len(CN_PEOPLE)) + (total_people - 15)


def _guide_blocks(language: str) -> list[str]:
    text = (ROOT / "docs" / "research.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def _cli() -> str:
    found = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")
    assert found
    return found


@pytest.mark.parametrize("query", _guide_blocks("sql"))
def test_the_guide_s_queries_run_in_a_fresh_duckdb_process(export: Path, query: str) -> None:
    result = subprocess.run(
        [_cli(), "-readonly", "-csv", str(export), "-c", query],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) >= 2, result.stdout


def test_the_guide_s_polars_example_runs(export: Path, tmp_path: Path) -> None:
    (block,) = _guide_blocks("python")
    shutil.copy(export, tmp_path / "research.duckdb")
    result = subprocess.run(
        [sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "GB" in result.stdout


def test_parquet_is_partitioned_by_month_and_region(export: Path) -> None:
    root = export.parent / "parquet" / "daily_activity"
    parts = sorted(p.relative_to(root).parts[:2] for p in root.rglob("*.parquet"))
    assert ("month=2026-11", "region=CN") in parts
    assert ("month=2026-11", "region=GB") in parts


def test_the_commands_work_with_the_server_stopped(
    store: DuckDBActivityStore, built_factors: BuildResult, tmp_path: Path
) -> None:
    copy = tmp_path / "store.duckdb"
    store.write(lambda tx: tx.cursor.execute("CHECKPOINT"))  # type: ignore[attr-defined]
    shutil.copy(store.path, copy)
    env = {"GREENAPP_DATA_DIR": str(tmp_path), "GREENAPP_DB": str(copy),
           "GREENAPP_FACTORS_DB": str(built_factors.path), "PATH": "/usr/bin:/bin"}  # fmt: skip
    out = tmp_path / "r.duckdb"
    command = [sys.executable, "-m", "greenapp.cli.main", "export"]
    done = subprocess.run([*command, "research", "--out", str(out), "--k", "3"], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert re.search(r"daily_activity: [0-9,]+ rows", done.stdout)
    again = subprocess.run([*command, "recompute", str(out), "--factors", str(built_factors.path)],
                           env=env, capture_output=True, text=True, check=False)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "(+0.0%)" in again.stdout


def test_row_order_follows_day_and_pseudonym_not_the_store(export: Path) -> None:
    for table in ("daily_activity", "trips", "donations"):
        rows = _rows(export, f"SELECT day, pseudonym FROM {table}")
        assert rows == sorted(rows), table
