"""``greenapp ingest steps FILE``: years of daily counts at once, through the API's rules."""

import argparse
import re
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from greenapp.cli.operate import RemoteError, with_store
from greenapp.cli.serve import ensure_factor_db
from greenapp.settings import Settings
from greenapp.store.activity.ingest import MEMORY_LIMIT, ingest_steps, limit_memory
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.reader import load_factor_table
from greenapp.web.api.operator import ingest_plan
from greenapp.web.app import context_for


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = commands.add_parser("ingest", help="load data files into the store")
    kinds = group.add_subparsers(dest="kind", required=True, metavar="KIND")
    steps = kinds.add_parser("steps", help="daily step counts from CSV or Parquet")
    steps.add_argument("file", type=Path, help="columns: user, date, steps[, distance_m, region]")
    steps.add_argument(
        "--rejects", type=Path, help="where refused rows go (default: FILE.rejects.csv)"
    )
    steps.add_argument(
        "--window-days",
        type=int,
        help="refuse days older than this, as the API does (default: history is accepted)",
    )
    steps.add_argument(
        "--memory-limit",
        type=memory_size,
        default=MEMORY_LIMIT,
        help=f"memory DuckDB may use when this command opens the store; the rest is spilled to "
        f"disk (default: {MEMORY_LIMIT})",
    )
    steps.set_defaults(run=run_steps)


def memory_size(text: str) -> str:
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)? ?([KMGT]i?B)", text.strip(), re.IGNORECASE):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 1.5GB or 800MB")
    return text.strip()


def run_steps(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    if not args.file.is_file():
        Console(stderr=True).print(f"[red]no file {args.file}[/]")
        return 2
    ensure_factor_db(settings, console)
    path = args.file.resolve()
    rejects = (args.rejects or path.with_name(path.name + ".rejects.csv")).resolve()
    started = time.perf_counter()

    def local(store: DuckDBActivityStore) -> dict[str, Any]:
        ctx = context_for(settings, load_factor_table(settings.factors_db))
        plan = ingest_plan(ctx, args.window_days)
        limit_memory(store, args.memory_limit)
        columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*Progress.get_default_columns()[:1], *columns, console=console) as bar:
            task = bar.add_task("ingesting rows", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            summary = ingest_steps(store, path, rejects, plan, progress)
        return {
            "rows_read": summary.rows_read, "new_days": summary.new_days,
            "updated": summary.updated, "unchanged": summary.unchanged,
            "rejected": summary.rejected, "flagged": summary.flagged,
            "rejects_file": str(summary.rejects_file) if summary.rejects_file else None,
        }  # fmt: skip

    def remote(call: Any) -> dict[str, Any]:
        console.print("the server holds the store; asking it to ingest")
        with console.status("ingesting (through the server)"):
            return call(  # type: ignore[no-any-return]
                "/ingest/steps",
                {"path": str(path), "rejects": str(rejects), "window_days": args.window_days},
            )

    try:
        done = with_store(settings, local, remote)
    except (RemoteError, ValueError) as error:
        Console(stderr=True).print(f"[red]ingest failed:[/] {error}")
        return 1
    seconds = time.perf_counter() - started
    console.print(
        f"{done['rows_read']:,} rows in {seconds:.1f} s: {done['new_days']:,} new days, "
        f"{done['updated']:,} updated, {done['unchanged']:,} unchanged, "
        f"{done['rejected']:,} rejected; {done['flagged']:,} days flagged"
    )
    if done["rejects_file"]:
        console.print(f"rejected rows, with the reason for each: {done['rejects_file']}")
    return 0
