"""Building the factor database from the source tables.

The build validates every row, then writes a new DuckDB file beside the target and renames it
into place, so a reader never sees a half-written file and a failed build leaves the old one.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import duckdb

from greenapp.domain import vocabulary
from greenapp.domain.factor_set import set_problems
from greenapp.domain.factors import Factor, Source
from greenapp.domain.lookup import DEFAULT_SCOPE
from greenapp.store.factors import sql
from greenapp.store.factors.source_tables import (
    Located,
    RowProblem,
    SourceTables,
    read_source_tables,
)
from greenapp.store.storage import WRITE_CONFIG

# Part of the version hash: a change to the build rules gives a new version for the same CSVs.
FORMAT_VERSION: Final = "greenapp-factors/1"


class FactorBuildError(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class BuildResult:
    path: Path
    version: str
    built_at: datetime
    factor_count: int
    source_count: int


def factor_set_version(source_dir: Path, files: list[Path]) -> str:
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for path in files:
        digest.update(b"\0" + str(path.relative_to(source_dir)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_factor_db(source_dir: Path, out: Path, now: datetime | None = None) -> BuildResult:
    tables = read_source_tables(source_dir)
    problems = tables.problems + _set_problems(tables)
    if problems:
        raise FactorBuildError(problems)
    version = factor_set_version(source_dir, tables.files)
    built_at = now or datetime.now(UTC)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(partial), config=dict(WRITE_CONFIG)) as connection:
            _write(connection, tables, version, built_at)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return BuildResult(out, version, built_at, len(tables.factors), len(tables.sources))


def _set_problems(tables: SourceTables) -> list[RowProblem]:
    problems: list[RowProblem] = []
    seen_sources: dict[str, Located[Source]] = {}
    for located in tables.sources:
        source_id = located.item.source_id
        if source_id in seen_sources:
            problems.append(
                RowProblem(located.file, located.line, f"source_id {source_id!r} is used twice")
            )
        seen_sources.setdefault(source_id, located)
    factors = [located.item for located in tables.factors]
    for index, reason in set_problems(factors, set(seen_sources)):
        located_factor = tables.factors[index]
        problems.append(RowProblem(located_factor.file, located_factor.line, reason))
    return problems


def _write(
    connection: duckdb.DuckDBPyConnection, tables: SourceTables, version: str, built_at: datetime
) -> None:
    connection.execute("BEGIN")
    for table, vocabulary_name in sql.VOCABULARIES:
        _create(connection, table)
        words: dict[str, str] = getattr(vocabulary, vocabulary_name)
        connection.executemany(table.insert(), list(words.items()))
    for table in (sql.SOURCES, sql.FACTORS, sql.FACTOR_SET):
        _create(connection, table)
    connection.executemany(
        sql.SOURCES.insert(), [_source_values(located.item) for located in tables.sources]
    )
    connection.executemany(sql.FACTORS.insert(), [_factor_values(f) for f in tables.factors])
    connection.execute(
        sql.FACTOR_SET.insert(),
        [
            version,
            built_at,
            FORMAT_VERSION,
            DEFAULT_SCOPE,
            len(tables.factors),
            len(tables.sources),
        ],
    )
    for name, comment, create in sql.VIEWS:
        connection.execute(create)
        connection.execute(f"COMMENT ON VIEW {name} IS {sql.quote_literal(comment)}")
    connection.execute("COMMIT")


def _create(connection: duckdb.DuckDBPyConnection, table: sql.Table) -> None:
    connection.execute(table.create())
    for statement in table.comments():
        connection.execute(statement)


def _source_values(source: Source) -> list[object]:
    return [
        source.source_id,
        source.publisher,
        source.title,
        source.edition,
        source.url,
        source.licence,
        source.accessed or None,
        source.note or None,
    ]


def _factor_values(located: Located[Factor]) -> list[object]:
    f = located.item
    return [
        f.factor_id, f.quantity, f.region, f.mode, f.vehicle_class, f.fuel, f.population,
        f.year, f.edition, f.value, f.unit, f.scope, f.low, f.high, f.source_id, f.basis, f.gas,
        f.published_value, f.published_unit, f.uncertainty_pct, f.uncertainty_source,
        f.source_ref or None, f.evidence, f.note or None, f.use, located.file, located.line,
    ]  # fmt: skip
