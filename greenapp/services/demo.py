"""A demo store: people in every region with 90 days of plausible activity, two partners with
funded projects, donations on the demo days, a team whose last 30 days are a sponsored
challenge, and a first payment with what it bought.

The activity is random but seeded, so every demo store is the same. Each day is recorded
through the same use cases the API uses, with the clock set to that day, so the demo data
obeys every rule real data does.
"""

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from greenapp.domain.activity import TripReport
from greenapp.domain.donations import Project
from greenapp.domain.errors import DomainError
from greenapp.domain.money import Money
from greenapp.domain.partners import Partner
from greenapp.domain.payouts import Confirmation
from greenapp.domain.people import Car, Profile
from greenapp.domain.step_checks import StepReport
from greenapp.domain.teams import Challenge
from greenapp.services.activity import record_steps, record_trip
from greenapp.services.challenges import create_challenge
from greenapp.services.context import Context
from greenapp.services.giving import donate
from greenapp.services.partners import (
    add_sponsor,
    create_partner,
    fund,
    new_project_id,
    save_project,
)
from greenapp.services.payouts import PaymentIn, confirm, pay_sponsor, project_money
from greenapp.services.people import update_profile
from greenapp.services.teams import create_team, join_team
from greenapp.store.ports import ActivityStore

DEMO_DAYS = 90
CHALLENGE_DAYS = 30  # the demo team's challenge: the last 30 days and the next 30
DEMO_SEED = 20261124
PEOPLE_PER_REGION = 4
FIRST_DEMO_USER = "demo-gb-1"
SEEDING_THREADS = 300  # days recorded at once: their writes share commits
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


@dataclass(frozen=True, slots=True)
class DemoSeed:
    days: int
    donations: int
    partner_key: str  # the first demo partner's API key, shown once


@dataclass(frozen=True, slots=True)
class _DemoProject:
    region_group: str  # "CN" for people in China, "other" for everyone else
    partner: str
    title: dict[str, str]
    story: dict[str, str]
    goal: tuple[str, int, str | None]
    sponsor: str
    rate: Money
    budget: Money


_PROJECTS = [
    _DemoProject(
        "CN", "Green Steps Foundation",
        {"en": "Saxaul for the Tengger desert edge", "zh-CN": "腾格里沙漠边缘种梭梭"},
        {"en": "Each donation helps plant saxaul that holds the sand.",
         "zh-CN": "每一次捐步都帮助种下固沙的梭梭。"},
        ("money", 2_000_000, "CNY"), "Demo Sponsor (CNY)", Money("CNY", 100), Money("CNY", 150_000),
    ),
    _DemoProject(
        "other", "Clean Air Trust",
        {"en": "Air filters for city schools", "zh-CN": "为城市学校添置空气净化器"},
        {"en": "Sponsors turn walked steps into filters for classrooms.",
         "zh-CN": "赞助方把步数变成教室里的空气净化器。"},
        ("steps", 50_000_000, None), "Demo Sponsor (GBP)", Money("GBP", 20), Money("GBP", 30_000),
    ),
]  # fmt: skip


def seed_demo(
    store: ActivityStore,
    ctx: Context,
    today: date,
    on_person: Callable[[str], None] | None = None,
) -> DemoSeed:
    """Record the demo activity up to ``today``.

    Each person's day (steps, perhaps a donation, perhaps a trip) is recorded in that order from
    its own seeded random stream, so the store is the same every time; days are recorded side by
    side, so their writes share the store's commits. Donations are in the budgets' limits.
    """
    first = today - timedelta(days=DEMO_DAYS)
    projects, partner, key = _seed_projects(store, replace(ctx, clock=_at_evening(first)), first,
                                            today)  # fmt: skip
    people = demo_people()
    for user_id, profile in people:
        update_profile(store, ctx, user_id, profile)
    _seed_team(store, ctx, partner, [u for u, p in people if p.region == "CN"], first, today)

    habits = [random.Random(DEMO_SEED + n).uniform(4000, 11000) for n in range(len(people))]
    left = {user_id: DEMO_DAYS for user_id, _ in people}
    counting = threading.Lock()

    def seed(n: int, back: int) -> tuple[int, int]:
        user_id, profile = people[n]
        project_id = projects["CN" if profile.region == "CN" else "other"]
        day = today - timedelta(days=back)
        rng = random.Random(DEMO_SEED + 1000 * (n + 1) + back)
        counts = _seed_day(store, ctx, user_id, habits[n], project_id, day, rng)
        with counting:
            left[user_id] -= 1
            finished = left[user_id] == 0
        if finished and on_person is not None:
            on_person(user_id)
        return counts

    days = [(n, back) for n in range(len(people)) for back in range(DEMO_DAYS)]
    with ThreadPoolExecutor(max_workers=SEEDING_THREADS) as pool:
        counts = list(pool.map(seed, *zip(*days, strict=True)))
    _seed_payout(store, ctx, partner, projects["CN"], today)
    return DemoSeed(sum(c[0] for c in counts), sum(c[1] for c in counts), key)


def _seed_day(
    store: ActivityStore,
    ctx: Context,
    user_id: str,
    habit: float,
    project_id: str,
    day: date,
    rng: random.Random,
) -> tuple[int, int]:
    """One person's day; returns whether steps were recorded and whether they were donated."""
    if rng.random() < 0.08:
        return 0, 0  # phone left at home
    on_day = replace(ctx, clock=_at_evening(day))
    steps = max(0, int(rng.gauss(habit, habit * 0.35)))
    record_steps(store, on_day, user_id, StepReport(day, steps))
    donated = 0
    if rng.random() < 0.3:
        donated = _try_donate(store, on_day, user_id, project_id, day)
    if rng.random() < 0.25:
        mode, replaced, km = rng.choice(_TRIPS)
        trip = TripReport(day, mode, replaced, round(km * rng.uniform(0.5, 1.8), 1))
        record_trip(store, on_day, user_id, trip, key=f"demo-{user_id}-{day}")
    return 1, donated


def _seed_team(
    store: ActivityStore,
    ctx: Context,
    partner: Partner,
    members: list[str],
    first: date,
    today: date,
) -> None:
    """A team of the people in China, made on the first demo day, and a challenge the first
    partner sponsors over the last days; their donations are matched as they are recorded."""
    made = create_team(store, replace(ctx, clock=_at_evening(first)), members[0],
                       "Tengger Walkers", "neighbourhood", True, "Walker 1")  # fmt: skip
    for n, user_id in enumerate(members[1:], start=2):
        shown = n % 2 == 1  # some members keep off the leaderboard
        nickname = f"Walker {n}" if shown else None
        join_team(store, replace(ctx, clock=_at_evening(first)), user_id,
                  made.team.invite_code, shown, nickname)  # fmt: skip
    starts = today - timedelta(days=CHALLENGE_DAYS - 1)
    challenge = Challenge(
        "", "", "A month of walking for the desert", "steps", 150_000, starts,
        today + timedelta(days=CHALLENGE_DAYS), "Demo Matching Sponsor (CNY)",
        Money("CNY", 50), Money("CNY", 5_000), Money("CNY", 1_000),
    )  # fmt: skip
    create_challenge(store, replace(ctx, clock=_at_evening(starts)), partner,
                     made.team.invite_code, challenge, key="demo-challenge")  # fmt: skip


def _seed_payout(
    store: ActivityStore, ctx: Context, partner: Partner, project_id: str, today: date
) -> None:
    """The sponsor of the project in China pays half of what it owes so far, and the charity
    confirms what that bought, so the project page and certificates show the whole chain."""
    sponsor = store.read(lambda tx: tx.sponsors(project_id))[0]
    owed = next(b.owed_minor for b in project_money(store, project_id).balances
                if b.currency == sponsor.rate.currency)  # fmt: skip
    half = Money(sponsor.rate.currency, owed // 2)
    paid_on = today - timedelta(days=3)
    paid = PaymentIn(half, "DEMO-TRANSFER-0001", paid_on)
    pay_sponsor(store, ctx, partner, sponsor.sponsor_id, paid, key="demo-payment")
    bought = Confirmation("", "", project_id, "saxaul seedlings (demo)", 40, half, paid_on,
                          "demo data: not a real delivery", ctx.now())  # fmt: skip
    confirm(store, ctx, partner, bought, key="demo-confirmation")


def _seed_projects(
    store: ActivityStore, ctx: Context, first: date, today: date
) -> tuple[dict[str, str], Partner, str]:
    projects: dict[str, str] = {}
    keys: list[str] = []
    partners: list[Partner] = []
    for demo in _PROJECTS:
        # The first demo partner's key also reviews appeals, so the demo can show both.
        partner, key = create_partner(store, ctx, demo.partner, reviewer=not keys)
        keys.append(key)
        partners.append(partner)
        kind, amount, currency = demo.goal
        project = Project(
            new_project_id(), partner.partner_id, demo.title, demo.story, kind, amount, currency,
            first, today + timedelta(days=60), 3000,
        )  # fmt: skip
        save_project(store, ctx, partner, project, creating=True)
        sponsor = add_sponsor(store, ctx, partner, project.project_id, demo.sponsor, demo.rate)
        fund(store, ctx, partner, sponsor.sponsor_id, demo.budget, key="demo-budget")
        projects[demo.region_group] = project.project_id
    return projects, partners[0], keys[0]


def _try_donate(
    store: ActivityStore, ctx: Context, user_id: str, project_id: str, day: date
) -> int:
    """Donate like a person would; a day the rules refuse (too few steps, no budget) is skipped."""
    try:
        donate(store, ctx, user_id, project_id, day, key=f"demo-{day}")
    except DomainError:
        return 0
    return 1


def _at_evening(day: date) -> Callable[[], datetime]:
    moment = datetime.combine(day, time(21, 0), tzinfo=UTC)
    return lambda: moment
