"""Team challenges and their ledger rows, written straight into a store through its unit of work.

The payout ledger only reads challenges: what a challenge's sponsor owes is its matches and its
bonus, whoever wrote them. These rows stand in for a challenge run by its team's donations, so a
test can choose the amounts and the times.
"""

from datetime import UTC, date, datetime

from greenapp.domain.money import Money
from greenapp.domain.teams import Challenge, Match
from greenapp.store.ports import ActivityStore


def add_challenge(
    store: ActivityStore,
    challenge_id: str,
    partner_id: str,
    sponsor_name: str = "Walkers' Fund",
    currency: str = "CNY",
    now: datetime = datetime(2026, 9, 1, tzinfo=UTC),
) -> None:
    challenge = Challenge(
        challenge_id, "tm_walkers", "Autumn walk", "steps", 1_000_000, date(2026, 9, 1),
        date(2026, 12, 31), sponsor_name, Money(currency, 100), Money(currency, 1_000_000),
        Money(currency, 500),
    )  # fmt: skip
    store.write(lambda tx: tx.add_challenge(challenge, partner_id, challenge_id, "-", now))


def add_challenge_entry(
    store: ActivityStore,
    challenge_id: str,
    donation_id: str,
    project_id: str,
    amount_minor: int,
    created_at: datetime,
    kind: str = "match",
    currency: str = "CNY",
) -> None:
    paid = Match(challenge_id, "", kind, Money(currency, amount_minor))
    store.write(lambda tx: tx.add_matches(donation_id, project_id, [paid], created_at))
