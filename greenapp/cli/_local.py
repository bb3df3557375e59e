"""Opening the store file from a command, which only works while no server holds it."""

from pathlib import Path

import duckdb
from rich.console import Console

from greenapp.store.activity.store import DuckDBActivityStore


def local_store(path: Path, instead: str) -> DuckDBActivityStore | None:
    """The store at ``path``, or None after saying why not and what to do ``instead``."""
    try:
        return DuckDBActivityStore(path)
    except duckdb.IOException as error:
        Console(stderr=True).print(
            f"[red]cannot open {path}: {error}[/]\n"
            f"Only one process can write a DuckDB file: stop greenapp serve first, or {instead}."
        )
        return None
