"""Team challenges and their ledger rows, written straight into a store with SQL.

The payout ledger only reads challenges: what a challenge's sponsor owes is its matches and its
bonus, whoever wrote them. These rows stand in for a challenge run by the teams code.
"""

from datetime import UTC, date, datetime
from typing import cast

from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.activity.tx import DuckDBTx
from greenapp.store.ports import ActivityStore, StoreTx

ADD_CHALLENGE = """
INSERT INTO challenges VALUES ($challenge_id, 'tm_walkers', $partner_id, 'Autumn walk', 'steps',
                               1000000, $starts_on, $ends_on, $sponsor_name, $currency, 100,
                               1000000, 500, $challenge_id, 'fingerprint', $now)
"""
ADD_CHALLENGE_ENTRY = """
INSERT INTO challenge_ledger VALUES ($entry_id, $challenge_id, $kind, $amount_minor, $currency,
                                     $donation_id, $project_id, $created_at)
"""


def _sql(store: ActivityStore | DuckDBActivityStore, statement: str, **params: object) -> None:
    def work(tx: StoreTx) -> None:
        cast(DuckDBTx, tx).cursor.execute(statement, params)

    store.write(work)


def add_challenge(
    store: ActivityStore | DuckDBActivityStore,
    challenge_id: str,
    partner_id: str,
    sponsor_name: str = "Walkers' Fund",
    currency: str = "CNY",
    now: datetime = datetime(2026, 9, 1, tzinfo=UTC),
) -> None:
    _sql(store, ADD_CHALLENGE, challenge_id=challenge_id, partner_id=partner_id,
         starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31), sponsor_name=sponsor_name,
         currency=currency, now=now)  # fmt: skip


def add_challenge_entry(
    store: ActivityStore | DuckDBActivityStore,
    challenge_id: str,
    donation_id: str,
    project_id: str,
    amount_minor: int,
    created_at: datetime,
    kind: str = "match",
    currency: str = "CNY",
) -> None:
    entry_id = f"{challenge_id}:bonus" if kind == "bonus" else f"{challenge_id}:{donation_id}"
    _sql(store, ADD_CHALLENGE_ENTRY, entry_id=entry_id, challenge_id=challenge_id, kind=kind,
         amount_minor=amount_minor, currency=currency, donation_id=donation_id,
         project_id=project_id, created_at=created_at)  # fmt: skip
