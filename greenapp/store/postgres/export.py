"""The research export from PostgreSQL: the same DuckDB file as from the embedded store.

The tables the export reads are copied, in one REPEATABLE READ transaction (one moment, while
the service keeps writing), into a scratch DuckDB database with the embedded store's schema;
the embedded store's export then runs on it unchanged, so both stores write the same file.
"""

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import duckdb
import polars as pl
from psycopg import sql as pgsql
from psycopg_pool import ConnectionPool

from greenapp.store.activity.store import migrate
from greenapp.store.ports import ExportResult
from greenapp.store.research.export import export_research as export_from_duckdb

# What the research export reads (greenapp/store/research/sql.py), and nothing more.
SOURCES: Final = ("people", "step_days", "trips", "donations", "money_ledger", "projects")
CHUNK_ROWS: Final = 100_000


def export_research(
    pool: ConnectionPool[Any], factors_db: Path, out: Path, k: int, parquet_dir: Path | None
) -> ExportResult:
    with (
        tempfile.TemporaryDirectory(prefix="greenapp-export-") as scratch,
        duckdb.connect(str(Path(scratch) / "snapshot.duckdb")) as snapshot,
    ):
        migrate(snapshot)
        _copy(pool, snapshot)
        return export_from_duckdb(snapshot, factors_db, out, k, parquet_dir)


def _copy(pool: ConnectionPool[Any], snapshot: duckdb.DuckDBPyConnection) -> None:
    with pool.connection() as connection, connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for table in SOURCES:
            columns = [r[0] for r in snapshot.execute(f"DESCRIBE {table}").fetchall()]
            select = pgsql.SQL("SELECT {} FROM {}").format(
                pgsql.SQL(", ").join(pgsql.Identifier(c) for c in columns),
                pgsql.Identifier(table),
            )
            with connection.cursor(name=f"export_{table}") as rows:
                rows.execute(select)
                for chunk in _chunks(rows):
                    frame = pl.DataFrame(
                        chunk, schema=columns, orient="row", infer_schema_length=None
                    )
                    snapshot.register("chunk", frame)
                    snapshot.execute(f"INSERT INTO {table} SELECT * FROM chunk")
                    snapshot.unregister("chunk")


def _chunks(rows: Any) -> Iterator[list[tuple[Any, ...]]]:
    while chunk := rows.fetchmany(CHUNK_ROWS):
        yield chunk
