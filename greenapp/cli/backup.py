"""``greenapp backup FILE`` (while serving or not) and ``greenapp restore FILE`` (stopped)."""

import argparse
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console

from greenapp.cli.operate import RemoteError, with_store
from greenapp.settings import Settings
from greenapp.store.activity.backup import BackupError, restore
from greenapp.store.activity.store import DuckDBActivityStore


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    make = commands.add_parser("backup", help="a consistent copy of the store, while serving")
    make.add_argument("out", type=Path, metavar="FILE")
    make.set_defaults(run=run_backup)
    back = commands.add_parser("restore", help="put a backup in place of the store (stopped)")
    back.add_argument("source", type=Path, metavar="FILE")
    back.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    out = args.out.resolve()

    def local(store: DuckDBActivityStore) -> dict[str, Any]:
        info = store.backup(out)
        return {"path": str(info.path), "rows": info.rows}

    def remote(call: Any) -> dict[str, Any]:
        console.print("the server holds the store; asking it for the backup")
        return call("/backups", {"out": str(out)})  # type: ignore[no-any-return]

    try:
        done = with_store(settings, local, remote)
    except RemoteError as error:
        Console(stderr=True, soft_wrap=True).print(f"[red]backup failed:[/] {error}")
        return 1
    total = sum(done["rows"].values())
    console.print(f"backup: {done['path']} ({total:,} rows in {len(done['rows'])} tables)")
    return 0


def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    console = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, soft_wrap=True)
    try:
        DuckDBActivityStore(settings.db).close()
    except duckdb.IOException:
        err.print(f"[red]{settings.db} is in use:[/] stop greenapp serve before restoring")
        return 1
    try:
        info, kept = restore(args.source.resolve(), settings.db)
    except BackupError as error:
        err.print(f"[red]restore refused:[/] {error}")
        return 1
    console.print(f"restored {settings.db} from {info.path} ({sum(info.rows.values()):,} rows)")
    if kept:
        console.print(f"the store it replaced is kept at {kept}")
    return 0
