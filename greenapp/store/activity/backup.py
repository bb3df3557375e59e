"""Backups of the activity store: a consistent copy taken while serving, and a restore.

The copy is DuckDB's COPY FROM DATABASE into a new file, which reads one snapshot, so it is
consistent even while the writer commits. A restore (server stopped) checks the backup, keeps
the current store beside it, and puts the backup in its place.
"""

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from greenapp.store.activity.migrations import MIGRATIONS
from greenapp.store.factors.sql import quote_literal
from greenapp.store.storage import STORAGE_VERSION, WRITE_CONFIG

TABLES = ("people", "step_days", "trips", "partners", "api_keys", "projects", "sponsors",
          "money_ledger", "donations")  # fmt: skip


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    rows: dict[str, int]
    migrations: int


class BackupError(Exception):
    """A file that is not a usable greenapp backup."""


def backup(db: duckdb.DuckDBPyConnection, out: Path) -> BackupInfo:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    cursor = db.cursor()
    try:
        name = cursor.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
        cursor.execute(
            f"ATTACH {quote_literal(str(partial))} AS backup (STORAGE_VERSION '{STORAGE_VERSION}')"
        )
        try:
            cursor.execute(f'COPY FROM DATABASE "{name}" TO backup')
        finally:
            cursor.execute("DETACH backup")
        partial.replace(out)
    finally:
        cursor.close()
        partial.unlink(missing_ok=True)
    return describe(out)


def describe(path: Path) -> BackupInfo:
    try:
        with duckdb.connect(str(path), read_only=True) as db:
            versions = [
                r[0] for r in db.execute("SELECT version FROM schema_migrations").fetchall()
            ]
            rows = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
    except duckdb.Error as error:
        raise BackupError(f"{path} is not a greenapp backup: {error}") from None
    if sorted(versions) != list(range(1, len(versions) + 1)) or len(versions) > len(MIGRATIONS):
        raise BackupError(f"{path} has schema versions {versions}, which this greenapp cannot use")
    return BackupInfo(path, rows, len(versions))


def restore(source: Path, store: Path) -> tuple[BackupInfo, Path | None]:
    """Put ``source`` in place of ``store``; the old store is kept beside it, never deleted."""
    info = describe(source)
    kept = None
    if store.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        kept = store.with_name(f"{store.name}.before-restore-{stamp}")
        store.replace(kept)
        wal = store.with_name(store.name + ".wal")
        if wal.exists():
            wal.replace(kept.with_name(kept.name + ".wal"))
    copy = store.with_name(store.name + ".restoring")
    shutil.copyfile(source, copy)
    copy.replace(store)
    with duckdb.connect(str(store), config=dict(WRITE_CONFIG)):
        pass  # opens cleanly; later migrations run when the store is next opened
    return info, kept
