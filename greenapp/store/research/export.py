"""Writing the research export from the live store, as one consistent snapshot.

The tables are copied inside one read transaction on the store's own database, so they describe
one moment even while the service keeps writing. The export file is then opened on its own to
add views, comments and, if asked, Parquet copies.
"""

import secrets
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from greenapp.store.factors.sql import quote_literal
from greenapp.store.ports import ExportResult
from greenapp.store.research import sql
from greenapp.store.storage import STORAGE_VERSION, WRITE_CONFIG

PARTITIONED = ("daily_activity", "trips", "donations")


def export_research(
    db: duckdb.DuckDBPyConnection,
    factors_db: Path,
    out: Path,
    k: int,
    parquet_dir: Path | None = None,
) -> ExportResult:
    """Write the export to ``out`` (replacing it) from the store behind ``db``."""
    if k < 1:
        raise ValueError("k must be at least 1")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    exported_at = datetime.now(UTC)
    cursor = db.cursor()
    try:
        _copy_snapshot(cursor, factors_db, partial, k, exported_at)
        rows = _finish(partial, k, parquet_dir)
        partial.replace(out)
    finally:
        cursor.close()
        partial.unlink(missing_ok=True)
    return ExportResult(out, parquet_dir, exported_at, k, rows)


def _copy_snapshot(
    cursor: duckdb.DuckDBPyConnection, factors_db: Path, target: Path, k: int, at: datetime
) -> None:
    # Paths cannot be parameters of ATTACH; they come from the operator, and are quoted.
    cursor.execute(
        f"ATTACH {quote_literal(str(target))} AS research (STORAGE_VERSION '{STORAGE_VERSION}')"
    )
    cursor.execute(f"ATTACH {quote_literal(str(factors_db))} AS factor_db (READ_ONLY)")
    try:
        secret = secrets.token_hex(32)  # never stored: pseudonyms cannot be linked across exports
        cursor.begin()
        cursor.execute(sql.PSEUDONYMS, {"secret": secret})
        for table in sql.TABLES:
            params = {"k": k} if "$k" in table.select else {}
            cursor.execute(f"CREATE TABLE research.{table.name} AS {table.select}", params)
        for name in sql.FACTOR_TABLES:
            cursor.execute(sql.COPY_FACTOR_TABLE.format(name=name))
        cursor.execute(sql.EXPORT_INFO, {"exported_at": at, "k": k})
        cursor.commit()
    except Exception:
        cursor.rollback()
        raise
    finally:
        cursor.execute(sql.DROP_PSEUDONYMS)
        cursor.execute("DETACH research")
        cursor.execute("DETACH factor_db")


def _finish(path: Path, k: int, parquet_dir: Path | None) -> dict[str, int]:
    with duckdb.connect(str(path), config=dict(WRITE_CONFIG)) as export:
        for name, (comment, select) in sql.VIEWS.items():
            export.execute(f"CREATE VIEW {name} AS {select.replace('research.', '')}")
            export.execute(f"COMMENT ON VIEW {name} IS {quote_literal(comment)}")
        for table in sql.TABLES:
            export.execute(f"COMMENT ON TABLE {table.name} IS {quote_literal(table.comment)}")
            for column, comment in table.columns.items():
                export.execute(
                    f"COMMENT ON COLUMN {table.name}.{column} IS {quote_literal(comment)}"
                )
        for column, comment in sql.EXPORT_INFO_COMMENTS.items():
            export.execute(f"COMMENT ON COLUMN export_info.{column} IS {quote_literal(comment)}")
        export.execute(
            "COMMENT ON TABLE export_info IS 'When and how this export was made, and its size.'"
        )
        rows = {
            t.name: export.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0]  # type: ignore[index]
            for t in sql.TABLES
        }
        if parquet_dir is not None:
            _parquet(export, parquet_dir)
    return rows


def _parquet(export: duckdb.DuckDBPyConnection, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in PARTITIONED:
        target = quote_literal(str(directory / name))
        export.execute(
            f"COPY (SELECT *, strftime(day, '%Y-%m') AS month FROM {name}) TO {target} "
            "(FORMAT parquet, PARTITION_BY (month, region), OVERWRITE_OR_IGNORE true)"
        )
    for table in ("projects", "region_daily", "mode_monthly", *sql.FACTOR_TABLES):
        target = quote_literal(str(directory / f"{table}.parquet"))
        export.execute(f"COPY {table} TO {target} (FORMAT parquet)")
