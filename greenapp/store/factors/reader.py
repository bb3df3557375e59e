"""Reading a built factor database into the core's in-memory FactorTable."""

from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

import duckdb

from greenapp.domain.factors import Factor, Source
from greenapp.domain.lookup import FactorTable
from greenapp.store.factors import sql


@dataclass(frozen=True, slots=True)
class FactorSetInfo:
    version: str
    built_at: datetime


def open_factor_db(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.is_file():
        raise FileNotFoundError(f"no factor database at {path}; run: greenapp factors build")
    return duckdb.connect(str(path), read_only=True)


def read_factor_set_info(connection: duckdb.DuckDBPyConnection) -> FactorSetInfo:
    row = connection.execute(sql.SELECT_VERSION).fetchone()
    if row is None:
        raise ValueError("the factor database has no factor_set row")
    return FactorSetInfo(version=row[0], built_at=row[1])


def read_sources(connection: duckdb.DuckDBPyConnection) -> list[Source]:
    rows = connection.execute(sql.SELECT_SOURCES).fetchall()
    return [Source(*(value or "" for value in row)) for row in rows]


def load_factor_table(path: Path) -> FactorTable:
    return load_factor_set(path).table


@dataclass(frozen=True, slots=True)
class FactorSet:
    """Everything in one factor file: the lookup table, every row, and the sources."""

    table: FactorTable
    factors: tuple[Factor, ...]
    sources: dict[str, Source]
    info: FactorSetInfo


def load_factor_set(path: Path) -> FactorSet:
    with open_factor_db(path) as connection:
        info = read_factor_set_info(connection)
        factors = tuple(_factor(row) for row in connection.execute(sql.SELECT_FACTORS).fetchall())
        sources = {s.source_id: s for s in read_sources(connection)}
    return FactorSet(FactorTable(factors, info.version), factors, sources, info)


def _factor(row: tuple[object, ...]) -> Factor:
    values = dict(zip((f.name for f in fields(Factor)), row, strict=True))
    for text_field in ("source_ref", "note"):
        values[text_field] = values[text_field] or ""
    return Factor(**values)  # type: ignore[arg-type]
