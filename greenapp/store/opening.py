"""Opening the activity store the settings name: the embedded DuckDB file, or PostgreSQL."""

from greenapp.settings import Settings
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.ports import ActivityStore


def open_store(settings: Settings) -> ActivityStore:
    if settings.database_url is None:
        return DuckDBActivityStore(settings.db)
    from greenapp.store.postgres.store import PostgresActivityStore

    return PostgresActivityStore(settings.database_url, settings.pool_size)
