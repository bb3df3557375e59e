"""Opening the store from a command: PostgreSQL at any time, a DuckDB file only while no server
holds it."""

import duckdb
from rich.console import Console

from greenapp.settings import Settings
from greenapp.store.opening import open_store
from greenapp.store.ports import ActivityStore


def local_store(settings: Settings, instead: str) -> ActivityStore | None:
    """The store ``settings`` name, or None after saying why not and what to do ``instead``."""
    try:
        return open_store(settings)
    except duckdb.IOException as error:
        Console(stderr=True).print(
            f"[red]cannot open {settings.db}: {error}[/]\n"
            f"Only one process can write a DuckDB file: stop greenapp serve first, or {instead}."
        )
        return None
