"""``greenapp factors build|show``: build the factor database and look at it."""

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from greenapp.settings import Settings
from greenapp.store.factors import sql
from greenapp.store.factors.build import FactorBuildError, build_factor_db
from greenapp.store.factors.reader import open_factor_db, read_factor_set_info

_SHOW_COLUMNS = (
    "region",
    "what",
    "year",
    "value",
    "low–high",
    "unit",
    "basis, scope",
    "ev.",
    "source",
    "id",
)
_WIDE_OUTPUT = 200  # columns used when printing to a file or pipe rather than a terminal


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = commands.add_parser("factors", help="build or show the emission-factor database")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    build = actions.add_parser("build", help="validate the source tables and write the DuckDB file")
    build.add_argument("--out", type=Path, help="where to write it (default: $GREENAPP_FACTORS_DB)")
    build.add_argument(
        "--source", type=Path, help="source-table folder (default: emission_factors/)"
    )
    build.set_defaults(run=run_build)

    show = actions.add_parser("show", help="print the factor tables")
    show.add_argument("--region", help="CN, GB, US, EU or WORLD")
    show.add_argument("--mode", help="car, bus, metro, walk …")
    show.add_argument("--quantity", help="travel_emissions, grid_intensity …")
    show.add_argument("--db", type=Path, help="factor database (default: $GREENAPP_FACTORS_DB)")
    show.set_defaults(run=run_show)


def run_build(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True)
    out: Path = args.out or settings.factors_db
    try:
        result = build_factor_db(args.source or settings.factor_sources, out)
    except FactorBuildError as error:
        err = Console(stderr=True, soft_wrap=True)
        err.print(f"[bold red]factor build failed[/]: {len(error.problems)} problem(s)")
        for problem in error.problems:
            err.print(str(problem), markup=False, highlight=False)
        return 1
    console.print(f"factor database: {result.path}", highlight=False)
    console.print(f"factor-set version: {result.version}", highlight=False)
    console.print(
        f"{result.factor_count} factors from {result.source_count} sources, "
        f"built {result.built_at.isoformat(timespec='seconds')}",
        highlight=False,
    )
    return 0


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    console = Console()
    if not console.is_terminal:
        console = Console(width=_WIDE_OUTPUT)
    path: Path = args.db or settings.factors_db
    if not path.exists() and args.db is None:
        build_factor_db(settings.factor_sources, path)
    with open_factor_db(path) as connection:
        info = read_factor_set_info(connection)
        cursor = connection.execute(
            sql.SELECT_FACTORS_FOR_SHOW,
            {"region": args.region, "mode": args.mode, "quantity": args.quantity},
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    console.print(f"factor-set version {info.version}, built {info.built_at:%Y-%m-%d %H:%M}")
    if not rows:
        console.print("no factors match")
        return 1
    by_quantity: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_quantity.setdefault(row["quantity"], []).append(row)
    for quantity, group in by_quantity.items():
        console.print(_table(quantity, group))
    return 0


def _table(quantity: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=quantity, title_justify="left")
    for header in _SHOW_COLUMNS:
        table.add_column(header, justify="right" if header in ("value", "year") else "left")
    for row in rows:
        what = (row["mode"], row["vehicle_class"], row["fuel"], row["population"])
        table.add_row(
            row["region"],
            " ".join(part for part in what if part),
            str(row["year"]),
            f"{row['value']:.5g}",
            f"{row['low']:.4g}–{row['high']:.4g}",
            row["unit"],
            " ".join(part for part in (row["basis"], row["scope"]) if part),
            row["evidence"],
            f"{row['publisher']} {row['edition']}",
            row["factor_id"],
        )
    return table
