"""People's rights over their data: a copy of all of it, and erasure.

Erasure deletes the profile, every step day, trip and team membership (a team the person made
stays, its maker's id replaced by a pseudonym). Donations are sponsor money already paid
against a project, so their steps, kg and money stay, with the donor's id replaced by a random
pseudonym no one can trace back: project totals stay right and nothing points at the person.
Appeals stay too, because the log of decisions refers to them, under the same pseudonym and
with the person's own words (the reason) removed; the decisions are kept as they are.
"""

import secrets
from dataclasses import dataclass

from greenapp.domain.activity import StepDay, Trip
from greenapp.domain.appeals import AppealRecord
from greenapp.domain.donations import Donation
from greenapp.domain.people import Profile
from greenapp.domain.teams import Match, Membership
from greenapp.store.ports import ActivityStore, StoreTx


@dataclass(frozen=True, slots=True)
class MyData:
    profile: Profile | None
    days: list[StepDay]
    trips: list[Trip]
    donations: list[Donation]
    memberships: list[Membership]
    matches: dict[str, tuple[Match, ...]]  # by donation id
    appeals: list[AppealRecord]


def my_data(store: ActivityStore, user_id: str) -> MyData:
    def work(tx: StoreTx) -> MyData:
        donations = tx.person_donations_list(user_id)
        return MyData(
            tx.person(user_id),
            tx.person_step_days(user_id),
            tx.person_trips(user_id),
            donations,
            tx.memberships_of(user_id),
            {d.donation_id: tuple(tx.donation_matches(d.donation_id)) for d in donations},
            tx.appeals_of(user_id),
        )

    return store.read(work)


def erase_me(store: ActivityStore, user_id: str) -> None:
    pseudonym = f"erased-{secrets.token_hex(12)}"
    store.write(lambda tx: tx.erase_person(user_id, pseudonym))
