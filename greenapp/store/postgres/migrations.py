"""The activity store's migrations, in PostgreSQL's types: the same versions, names and tables.

The DuckDB migrations are the one description of the schema; here only their type names change
(VARCHAR to TEXT, DOUBLE to DOUBLE PRECISION), so the two stores cannot drift apart.
"""

import re
from typing import Final

from greenapp.store.activity.migrations import MIGRATIONS as DUCKDB_MIGRATIONS

_TYPES: Final = ((r"\bVARCHAR\[\]", "TEXT[]"), (r"\bVARCHAR\b", "TEXT"),
                 (r"\bDOUBLE\b", "DOUBLE PRECISION"))  # fmt: skip


def _postgres(statements: str) -> str:
    for duckdb_type, postgres_type in _TYPES:
        statements = re.sub(duckdb_type, postgres_type, statements)
    return statements


MIGRATIONS: Final = tuple(
    (version, name, _postgres(statements)) for version, name, statements in DUCKDB_MIGRATIONS
)
