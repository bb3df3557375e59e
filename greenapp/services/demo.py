"""A demo store: people in every region with 90 days of plausible activity.

The activity is random but seeded, so every demo store is the same. Each day is recorded
through the same use cases the API uses, with the clock set to that day, so the demo data
obeys every rule real data does.
"""

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from greenapp.domain.activity import TripReport
from greenapp.domain.people import Car, Profile
from greenapp.domain.step_checks import StepReport
from greenapp.services.activity import record_steps, record_trip
from greenapp.services.context import Context
from greenapp.services.people import update_profile
from greenapp.store.ports import ActivityStore

DEMO_DAYS = 90
DEMO_SEED = 20261124
PEOPLE_PER_REGION = 4
FIRST_DEMO_USER = "demo-gb-1"
_CARS = [Car(), Car("petrol", "medium"), Car("diesel", "large"), Car("electric", "small")]
_TRIPS = [
    ("bus", "car", 6.0),
    ("metro", "car", 9.0),
    ("bicycle", "car", 4.0),
    ("walk", "taxi", 2.0),
]


def demo_people() -> list[tuple[str, Profile]]:
    rng = random.Random(DEMO_SEED)
    people = []
    for region in ("CN", "GB", "US", "EU", "WORLD"):
        for n in range(1, PEOPLE_PER_REGION + 1):
            sex = rng.choice(["female", "male", None])
            height = round(rng.gauss(170 if sex == "male" else 160, 7), 1) if n % 2 else None
            profile = Profile(
                region=region,
                height_cm=height,
                sex=sex,
                car=rng.choice(_CARS),
                locale="zh-CN" if region == "CN" else "en",
                leaderboard=n != PEOPLE_PER_REGION,
            )
            people.append((f"demo-{region.lower()}-{n}", profile))
    return people


def is_seeded(store: ActivityStore) -> bool:
    return store.read(lambda tx: tx.person(FIRST_DEMO_USER)) is not None


def seed_demo(
    store: ActivityStore,
    ctx: Context,
    today: date,
    on_person: Callable[[str], None] | None = None,
) -> int:
    """Record the demo activity up to ``today``; return how many days were recorded."""
    rng = random.Random(DEMO_SEED + 1)
    recorded = 0
    for user_id, profile in demo_people():
        if on_person is not None:
            on_person(user_id)
        update_profile(store, ctx, user_id, profile)
        habit = rng.uniform(4000, 11000)
        for back in range(DEMO_DAYS - 1, -1, -1):
            day = today - timedelta(days=back)
            on_day = replace(ctx, clock=_at_evening(day))
            if rng.random() < 0.08:
                continue  # phone left at home
            steps = max(0, int(rng.gauss(habit, habit * 0.35)))
            record_steps(store, on_day, user_id, StepReport(day, steps))
            recorded += 1
            if rng.random() < 0.25:
                mode, replaced, km = rng.choice(_TRIPS)
                trip = TripReport(day, mode, replaced, round(km * rng.uniform(0.5, 1.8), 1))
                record_trip(store, on_day, user_id, trip, key=f"demo-{user_id}-{day}")
    return recorded


def _at_evening(day: date) -> Callable[[], datetime]:
    moment = datetime.combine(day, time(21, 0), tzinfo=UTC)
    return lambda: moment
