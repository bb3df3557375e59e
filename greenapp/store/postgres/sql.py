"""The PostgreSQL store's statements.

Most of the DuckDB store's statements are standard SQL and are used as they are, with their
``$name`` parameters written as psycopg's ``%(name)s``. The ones below differ: DuckDB's
``GROUP BY ALL``, list-of-struct aggregates and ``strftime`` have PostgreSQL spellings, and row
locks (``FOR UPDATE``) let concurrent units of work queue on a budget instead of failing and
retrying. As in the DuckDB store, only fixed column lists are joined into SQL, never values.
"""

import re
from functools import cache
from typing import Final

from greenapp.store.activity import sql as duckdb_sql

CREATE_MIGRATIONS: Final = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""
# Several workers may start at once: one migrates while the others wait on this lock.
MIGRATION_LOCK: Final = "SELECT pg_advisory_xact_lock(7461301)"


def translated(statement: str) -> str:
    """A DuckDB statement with psycopg's parameters (a literal % doubled first)."""
    return re.sub(r"[$]([a-z_][a-z0-9_]*)", r"%(\1)s", statement.replace("%", "%%"))


_SPONSOR_FROM: Final = """
FROM sponsors s LEFT JOIN money_ledger l USING (sponsor_id)"""
_SPONSOR_GROUP: Final = """
GROUP BY s.sponsor_id, s.project_id, s.name, s.currency, s.rate_minor_per_10k_steps,
         s.partner_id, s.created_at"""
SPONSORS: Final = f"""
SELECT {duckdb_sql.SPONSOR_COLUMNS} {_SPONSOR_FROM}
WHERE s.project_id = %(project_id)s {_SPONSOR_GROUP}
ORDER BY s.created_at, s.sponsor_id
"""
SPONSOR: Final = f"""
SELECT {duckdb_sql.SPONSOR_COLUMNS} {_SPONSOR_FROM}
WHERE s.sponsor_id = %(sponsor_id)s {_SPONSOR_GROUP}
"""
# Donors to one project wait for each other here, so each sees the budget the last one left.
LOCK_SPONSORS: Final = """
SELECT sponsor_id FROM sponsors WHERE project_id = %(project_id)s ORDER BY sponsor_id FOR UPDATE
"""
# Members of one team wait for each other here, so each sees the cap the last one left.
LOCK_CHALLENGE: Final = """
SELECT challenge_id FROM challenges WHERE challenge_id = %(challenge_id)s FOR UPDATE
"""

ADD_CHALLENGE_ENTRIES: Final = """
INSERT INTO challenge_ledger
SELECT * FROM unnest(%(entry_id)s::text[], %(challenge_id)s::text[], %(kind)s::text[],
                     %(amount_minor)s::bigint[], %(currency)s::text[], %(donation_id)s::text[],
                     %(project_id)s::text[], %(now)s::timestamptz[])
"""

# A person's own kg avoided over a period, to place among the region's kept totals.
PERSON_KG: Final = """
SELECT coalesce((SELECT sum(kg_co2e_avoided) FROM step_days
                 WHERE user_id = %(user_id)s AND day BETWEEN %(first)s AND %(last)s), 0)
     + coalesce((SELECT sum(kg_co2e_avoided) FROM trips
                 WHERE user_id = %(user_id)s AND day BETWEEN %(first)s AND %(last)s), 0)
"""

_DONATION_COLUMNS: Final = """
d.donation_id, d.user_id, d.project_id, d.day, d.steps, d.km, d.kg_co2e, d.kg_low, d.kg_high,
d.factor_set_version, d.created_at, d.locale,
json_agg(json_build_object('sponsor_id', l.sponsor_id, 'name', s.name, 'currency', l.currency,
                           'minor', l.amount_minor) ORDER BY l.sponsor_id)
    FILTER (WHERE l.entry_id IS NOT NULL) AS credits
"""
_DONATION_GROUP: Final = "GROUP BY d.donation_id"
DONATION: Final = f"""
SELECT {_DONATION_COLUMNS} {duckdb_sql.DONATION_FROM}
WHERE d.donation_id = %(donation_id)s {_DONATION_GROUP}
"""
DONATION_BY_KEY: Final = f"""
SELECT d.fingerprint, {_DONATION_COLUMNS} {duckdb_sql.DONATION_FROM}
WHERE d.user_id = %(user_id)s AND d.idempotency_key = %(key)s {_DONATION_GROUP}
"""
PERSON_DONATION_ROWS: Final = """
SELECT d.day, d.steps, d.kg_co2e,
       json_agg(json_build_object('currency', l.currency, 'minor', l.amount_minor))
           FILTER (WHERE l.entry_id IS NOT NULL)
FROM donations d
LEFT JOIN money_ledger l ON l.donation_id = d.donation_id AND l.kind = 'credit'
WHERE d.user_id = %(user_id)s GROUP BY d.donation_id, d.day, d.steps, d.kg_co2e
"""

_PARTNER_ACCOUNTS: Final = """
payer_partner_id = %(partner_id)s
OR project_id IN (SELECT project_id FROM projects WHERE partner_id = %(partner_id)s)"""
PARTNER_OWED_MONTHS: Final = f"""{translated(duckdb_sql.PLEDGES_CTE)}
SELECT payer_kind, payer_id, project_id, currency,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, sum(amount_minor)
FROM pledges WHERE {_PARTNER_ACCOUNTS}
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
"""
PARTNER_PAID_MONTHS: Final = f"""
SELECT payer_kind, payer_id, project_id, currency, to_char(paid_on, 'YYYY-MM') AS month,
       sum(amount_minor)
FROM (SELECT *, partner_id AS payer_partner_id FROM payments) AS paid WHERE {_PARTNER_ACCOUNTS}
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
"""

_OWN: Final = {
    name: value for name, value in globals().items() if name.isupper() and isinstance(value, str)
}


class Statements:
    """The statements by name: PostgreSQL's own above, else the DuckDB store's, translated."""

    def __getattr__(self, name: str) -> str:
        return _statement(name)


@cache
def _statement(name: str) -> str:
    if name in _OWN:
        return str(_OWN[name])
    statement = getattr(duckdb_sql, name)
    if not isinstance(statement, str) or not name.isupper():
        raise AttributeError(name)
    return translated(statement)
