"""Reading what a store holds, straight from its database, whichever store the suite runs on."""

from typing import Any

import duckdb
import psycopg

from greenapp.settings import Settings
from greenapp.store.storage import WRITE_CONFIG


def rows(settings: Settings, query: str) -> list[tuple[Any, ...]]:
    """``query`` (a fixed statement, standard SQL) on the store ``settings`` name."""
    if settings.database_url is not None:
        with psycopg.connect(settings.database_url) as db:
            return db.execute(query).fetchall()
    # The same process holds the file open; a second connection shares that instance.
    with duckdb.connect(str(settings.db), config=dict(WRITE_CONFIG)) as db:
        return db.execute(query).fetchall()
