"""The build of the real source tables into a real DuckDB file."""

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from greenapp.store.factors.build import BuildResult, FactorBuildError, build_factor_db
from tests.tables import row, write_tables

PUBLIC_SCHEMA = {
    "sources": ["source_id", "publisher", "title", "edition", "url", "licence"],
    "factors": [
        "factor_id", "quantity", "region", "mode", "vehicle_class", "fuel", "year", "value",
        "unit", "scope", "low", "high", "source_id",
    ],
    "factor_set": ["version", "built_at"],
}  # fmt: skip


def connect(result: BuildResult) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(result.path), read_only=True)


def test_the_public_schema_is_there(built_factors: BuildResult) -> None:
    with connect(built_factors) as db:
        for table, columns in PUBLIC_SCHEMA.items():
            have = [r[0] for r in db.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?"
                " ORDER BY column_index",
                [table],
            ).fetchall()]  # fmt: skip
            assert have[: len(columns)] == columns or set(columns) <= set(have), table


def test_every_table_view_and_column_has_a_comment(built_factors: BuildResult) -> None:
    with connect(built_factors) as db:
        bare_tables = db.execute(
            "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL"
        ).fetchall()
        bare_views = db.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL"
        ).fetchall()
        bare_columns = db.execute(
            """SELECT c.table_name, c.column_name FROM duckdb_columns() c
               JOIN duckdb_tables() t USING (table_name) WHERE c.comment IS NULL"""
        ).fetchall()
    assert bare_tables == []
    assert bare_views == []
    assert bare_columns == []


def test_every_factor_cites_a_source_with_publisher_edition_and_url(
    built_factors: BuildResult,
) -> None:
    with connect(built_factors) as db:
        uncited = db.execute(
            """SELECT factor_id FROM factors LEFT JOIN sources USING (source_id)
               WHERE publisher IS NULL OR sources.edition = '' OR url = ''"""
        ).fetchall()
        count = db.execute("SELECT count(*) FROM factors_cited").fetchone()
    assert uncited == []
    assert count == (built_factors.factor_count,)


def test_every_range_contains_its_value(built_factors: BuildResult) -> None:
    with connect(built_factors) as db:
        outside = db.execute(
            "SELECT factor_id FROM factors WHERE NOT (low <= value AND value <= high)"
        ).fetchall()
    assert outside == []


def test_the_same_inputs_give_the_same_version(factor_sources: Path, tmp_path: Path) -> None:
    first = build_factor_db(factor_sources, tmp_path / "a.duckdb", datetime(2026, 1, 1, tzinfo=UTC))
    second = build_factor_db(factor_sources, tmp_path / "b.duckdb")
    assert first.version == second.version
    with duckdb.connect(str(second.path), read_only=True) as db:
        stored = db.execute("SELECT version, built_at FROM factor_set").fetchall()
    assert stored[0][0] == second.version
    assert len(stored) == 1


def test_changing_one_figure_changes_the_version(factor_sources: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sources"
    shutil.copytree(factor_sources, copy)
    before = build_factor_db(copy, tmp_path / "before.duckdb").version
    method = copy / "factors" / "method.csv"
    method.write_text(method.read_text().replace("greenapp-method", "greenapp-method", 1) + "\n")
    assert build_factor_db(copy, tmp_path / "same.duckdb").version != before  # bytes changed
    restored = build_factor_db(factor_sources, tmp_path / "again.duckdb").version
    assert restored == before


def test_a_bad_row_fails_the_build_with_file_line_and_reason(tmp_path: Path) -> None:
    sources = write_tables(
        tmp_path / "src",
        [row(), row(factor_id="test.bad", value="lots")],
    )
    with pytest.raises(FactorBuildError) as failure:
        build_factor_db(sources, tmp_path / "out.duckdb")
    assert [str(p) for p in failure.value.problems] == [
        "factors/test.csv:3: value 'lots' is not a number"
    ]
    assert not (tmp_path / "out.duckdb").exists()


def test_a_failed_build_leaves_the_previous_file_as_it_was(tmp_path: Path) -> None:
    good = write_tables(tmp_path / "good", [row()])
    out = tmp_path / "factors.duckdb"
    version = build_factor_db(good, out).version
    bad = write_tables(tmp_path / "bad", [row(region="Mars")])
    with pytest.raises(FactorBuildError):
        build_factor_db(bad, out)
    with duckdb.connect(str(out), read_only=True) as db:
        assert db.execute("SELECT version FROM factor_set").fetchall() == [(version,)]


def test_the_command_exits_non_zero_and_names_the_row(tmp_path: Path) -> None:
    sources = write_tables(tmp_path / "src", [row(), row(factor_id="test.x", unit="furlongs")])
    done = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "factors", "build",
         "--source", str(sources), "--out", str(tmp_path / "out.duckdb")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "factors/test.csv:3: unit 'furlongs' is not accepted for travel_emissions" in done.stderr


def test_the_command_prints_the_path_and_version(tmp_path: Path) -> None:
    sources = write_tables(tmp_path / "src", [row()])
    out = tmp_path / "built.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "factors", "build",
         "--source", str(sources), "--out", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    with duckdb.connect(str(out), read_only=True) as db:
        version = db.execute("SELECT version FROM factor_set").fetchone()
    assert version is not None
    assert f"factor database: {out}" in done.stdout
    assert f"factor-set version: {version[0]}" in done.stdout
