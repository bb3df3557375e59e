"""Reading the CSV source tables, keeping each row's file and line for error messages."""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from greenapp.domain.errors import InvalidFactorRow
from greenapp.domain.factors import (
    FACTOR_COLUMNS,
    SOURCE_COLUMNS,
    Factor,
    Source,
    parse_factor_row,
    parse_source_row,
)

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowProblem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Located(Generic[T]):
    item: T
    file: str
    line: int


@dataclass(slots=True)
class SourceTables:
    sources: list[Located[Source]]
    factors: list[Located[Factor]]
    files: list[Path]
    problems: list[RowProblem]


def table_files(source_dir: Path) -> list[Path]:
    """Every CSV the build reads, in a fixed order (the factor-set version depends on it)."""
    return sorted(source_dir.glob("sources/*.csv")) + sorted(source_dir.glob("factors/*.csv"))


def read_source_tables(source_dir: Path) -> SourceTables:
    tables = SourceTables([], [], table_files(source_dir), [])
    if not tables.files:
        tables.problems.append(
            RowProblem(str(source_dir), 0, "no CSV files under sources/ or factors/")
        )
    for path in tables.files:
        name = str(path.relative_to(source_dir))
        if path.parent.name == "sources":
            tables.sources += _read(path, name, SOURCE_COLUMNS, parse_source_row, tables.problems)
        else:
            tables.factors += _read(path, name, FACTOR_COLUMNS, parse_factor_row, tables.problems)
    return tables


def _read(
    path: Path,
    name: str,
    columns: tuple[str, ...],
    parse: Callable[[dict[str, str]], T],
    problems: list[RowProblem],
) -> list[Located[T]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            problems.append(RowProblem(name, 1, "the file is empty; it needs a header"))
            return []
        except csv.Error as error:
            problems.append(RowProblem(name, 1, f"not valid CSV: {error}"))
            return []
        if tuple(header) != columns:
            problems.append(RowProblem(name, 1, f"header must be: {','.join(columns)}"))
            return []
        return list(_parse_rows(reader, name, columns, parse, problems))


def _parse_rows(
    reader: "CsvReader",
    name: str,
    columns: tuple[str, ...],
    parse: Callable[[dict[str, str]], T],
    problems: list[RowProblem],
) -> Iterator[Located[T]]:
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(RowProblem(name, line, f"not valid CSV: {error}"))
            return
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            problems.append(
                RowProblem(name, line, f"has {len(cells)} fields; the header has {len(columns)}")
            )
            continue
        try:
            yield Located(parse(dict(zip(columns, cells, strict=True))), name, line)
        except InvalidFactorRow as error:
            problems.append(RowProblem(name, line, error.detail))
