"""``greenapp export research``: the pseudonymised DuckDB file (and Parquet) for researchers."""

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from greenapp.cli.operate import RemoteError, with_store
from greenapp.cli.serve import ensure_factor_db
from greenapp.settings import Settings
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.reader import load_factor_table
from greenapp.store.research.recompute import recompute


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = commands.add_parser("export", help="write data files for researchers")
    kinds = group.add_subparsers(dest="kind", required=True, metavar="KIND")
    research = kinds.add_parser("research", help="the pseudonymised research export (DuckDB)")
    research.add_argument("--out", type=Path, required=True, help="the .duckdb file to write")
    research.add_argument("--parquet", type=Path, help="also write Parquet here, by month/region")
    research.add_argument(
        "--k", type=int, help="smallest group an aggregate cell may describe (default: 10)"
    )
    research.set_defaults(run=run_research)
    again = kinds.add_parser(
        "recompute", help="add recomputed_daily: an export's days under another factor set"
    )
    again.add_argument("export", type=Path, help="a research export (.duckdb)")
    again.add_argument("--factors", type=Path, required=True, help="the other factor database")
    again.set_defaults(run=run_recompute)


def run_research(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    ensure_factor_db(settings, console)
    out = args.out.resolve()
    parquet = args.parquet.resolve() if args.parquet else None
    k = args.k or settings.research_k

    def local(store: DuckDBActivityStore) -> dict[str, Any]:
        with console.status("exporting a snapshot of the store"):
            result = store.export_research(settings.factors_db, out, k, parquet)
        return {"path": str(result.path), "rows": result.rows, "k": result.k}

    def remote(call: Any) -> dict[str, Any]:
        console.print("the server holds the store; asking it to export")
        with console.status("exporting a snapshot of the store (through the server)"):
            return call(  # type: ignore[no-any-return]
                "/exports/research",
                {"out": str(out), "k": k, "parquet_dir": str(parquet) if parquet else None},
            )

    try:
        answer = with_store(settings, local, remote)
    except (RemoteError, ValueError) as error:
        Console(stderr=True).print(f"[red]export failed:[/] {error}")
        return 1
    console.print(f"research export: {answer['path']} (k = {answer['k']})")
    for table, count in answer["rows"].items():
        console.print(f"  {table}: {count:,} rows")
    if parquet:
        console.print(f"parquet: {parquet}/ (daily_activity, trips, donations by month and region)")
    return 0


def run_recompute(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    table = load_factor_table(args.factors)
    with console.status("recomputing"):
        result = recompute(args.export, table, settings.walk_car_share)
    change = (result.kg_after / result.kg_before - 1) * 100 if result.kg_before else 0.0
    console.print(f"recomputed_daily: {result.rows:,} days under factor set {table.version}")
    console.print(
        f"kg CO2e avoided: {result.kg_before:,.2f} as stored, {result.kg_after:,.2f} now "
        f"({change:+.1f}%)"
    )
    return 0
