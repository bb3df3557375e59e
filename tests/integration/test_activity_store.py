"""The DuckDB activity store on a real file: migrations, the writer, and concurrent use."""

import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import duckdb
import pytest

from greenapp.domain.appeals import Decision
from greenapp.domain.people import Profile
from greenapp.store.activity import sql
from greenapp.store.activity.migrations import MIGRATIONS
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.ports import ActivityTx

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "a.duckdb"
    DuckDBActivityStore(path).close()
    DuckDBActivityStore(path).close()
    with duckdb.connect(str(path), read_only=True) as db:
        applied = db.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    assert applied == [(version, name) for version, name, _ in MIGRATIONS]
    assert [version for version, _ in applied] == list(range(1, len(MIGRATIONS) + 1))


def _save(tx: ActivityTx, user_id: str, profile: Profile) -> None:
    tx.save_person(user_id, profile, NOW)


def test_concurrent_writes_all_land_and_share_commits(tmp_path: Path) -> None:
    store = DuckDBActivityStore(tmp_path / "a.duckdb")
    start = threading.Barrier(16)

    def person(n: int) -> None:
        start.wait()
        for k in range(25):
            region = ["CN", "GB", "US", "EU"][k % 4]
            store.write(partial(_save, user_id=f"u{n}-{k}", profile=Profile(region)))

    threads = [threading.Thread(target=person, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    people = store.read(lambda tx: [tx.person(f"u{n}-{k}") for n in range(16) for k in range(25)])
    assert all(p is not None for p in people)
    assert store.commits <= 16 * 25
    store.close()


def test_a_failing_unit_of_work_does_not_sink_the_others(tmp_path: Path) -> None:
    store = DuckDBActivityStore(tmp_path / "a.duckdb")
    results: dict[str, object] = {}
    gate = threading.Barrier(3)

    def good(name: str) -> None:
        gate.wait()
        store.write(lambda tx: tx.save_person(name, Profile("GB"), NOW))
        results[name] = "stored"

    def bad(tx: ActivityTx) -> None:
        tx.save_person("half-done", Profile("GB"), NOW)
        raise ValueError("refused after writing")

    def failing() -> None:
        gate.wait()
        with pytest.raises(ValueError, match="refused after writing"):
            store.write(bad)
        results["bad"] = "raised"

    threads = [
        threading.Thread(target=good, args=("a",)),
        threading.Thread(target=good, args=("b",)),
        threading.Thread(target=failing),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"a": "stored", "b": "stored", "bad": "raised"}
    assert store.read(lambda tx: tx.person("half-done")) is None
    assert store.read(lambda tx: tx.person("a")) == Profile("GB")
    store.close()


def test_a_closed_store_refuses_writes(tmp_path: Path) -> None:
    store = DuckDBActivityStore(tmp_path / "a.duckdb")
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.write(lambda tx: tx.person("x"))


def test_a_store_from_an_older_version_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(sql.CREATE_MIGRATIONS)
        version, name, statements = MIGRATIONS[0]
        db.execute(statements)
        db.execute(sql.RECORD_MIGRATION, {"version": version, "name": name})
        db.execute(
            "INSERT INTO people VALUES ('old', 'GB', NULL, NULL, 'unknown', 'average', 'en',"
            " false, false, now(), now())"
        )
    store = DuckDBActivityStore(path)
    assert store.read(lambda tx: tx.person("old")) == Profile("GB")
    store.close()


def test_the_store_file_opens_in_the_duckdb_cli(tmp_path: Path) -> None:
    path = tmp_path / "a.duckdb"
    store = DuckDBActivityStore(path)
    store.write(partial(_save, user_id="cli", profile=Profile("CN")))
    store.close()
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")
    assert cli, "the duckdb CLI is installed with the test extras"
    result = subprocess.run(
        [cli, "-readonly", "-csv", str(path), "-c", "SELECT user_id, region FROM people"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split() == ["user_id,region", "cli,CN"]


def test_the_money_ledger_and_donations_are_append_only() -> None:
    """No statement of the store updates or deletes money or donation records."""
    statements = " ".join(
        " ".join(value.split()) for name, value in vars(sql).items() if name.isupper()
        and isinstance(value, str)
    ).upper()  # fmt: skip
    erasure = " ".join(sql.ERASE_DONOR.split()).upper()
    assert erasure == "UPDATE DONATIONS SET USER_ID = $PSEUDONYM WHERE USER_ID = $USER_ID"
    statements = statements.replace(erasure, "")  # the one allowed change: a donor's erasure
    for table in ("MONEY_LEDGER", "DONATIONS"):
        assert f"UPDATE {table}" not in statements
        assert f"DELETE FROM {table}" not in statements
    assert "INSERT INTO MONEY_LEDGER" in statements


def test_the_log_of_appeal_decisions_only_grows(tmp_path: Path) -> None:
    """No statement updates or deletes a decision, and the table itself refuses a second one."""
    statements = " ".join(
        " ".join(value.split()) for name, value in vars(sql).items() if name.isupper()
        and isinstance(value, str)
    ).upper()  # fmt: skip
    assert "UPDATE APPEAL_DECISIONS" not in statements
    assert "DELETE FROM APPEAL_DECISIONS" not in statements
    assert "DELETE FROM APPEALS" not in statements
    erasure = " ".join(sql.ERASE_APPEALS.split()).upper()
    assert statements.count("UPDATE APPEALS") == statements.count(erasure) == 1

    store = DuckDBActivityStore(tmp_path / "a.duckdb")
    first = Decision("ap_1", "rejected", "no evidence", "operator", NOW)
    store.write(lambda tx: tx.add_decision(first))
    with pytest.raises(duckdb.ConstraintException):
        store.write(lambda tx: tx.add_decision(replace(first, outcome="accepted")))
    assert store.read(lambda tx: tx.decisions("ap_1")) == [first]
    store.close()
