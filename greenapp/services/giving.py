"""Donating a day's steps to a project, and reading projects' progress."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from greenapp.domain.donations import (
    Donation,
    Project,
    Sponsor,
    credits_for,
    outside_donation_window,
    refuse_if_not_donatable,
)
from greenapp.domain.errors import Conflict, NotFound
from greenapp.domain.money import Money
from greenapp.domain.people import Profile
from greenapp.domain.teams import Match, counts_for, settle
from greenapp.services import appeals
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore, Preload, StoreTx


@dataclass(frozen=True, slots=True)
class ProjectView:
    project: Project
    status: str  # upcoming | open | budget_exhausted | ended
    donors: int
    donations: int
    steps: int
    kg: float
    raised: list[Money]
    sponsors: list[Sponsor]

    @property
    def goal_reached_share(self) -> float:
        """How far toward the goal, 0..1 (more than 1 when it is exceeded)."""
        p = self.project
        if p.goal_kind == "steps":
            done: float = self.steps
        elif p.goal_kind == "kg":
            done = self.kg
        else:
            done = sum(m.minor for m in self.raised if m.currency == p.goal_currency)
        return done / p.goal_amount


def donate(
    store: ActivityStore, ctx: Context, user_id: str, project_id: str, day: date, key: str
) -> tuple[Donation, bool]:
    """Give the day's counted steps to the project; a retry with ``key`` returns the first."""
    work, preload = donation_unit(ctx, user_id, project_id, day, key)
    given = store.write(work, preload)
    return given.donation, given.created


@dataclass(frozen=True, slots=True)
class Donated:
    donation: Donation
    project: Project
    created: bool  # False when a retry found the first answer
    matches: tuple[Match, ...]  # what team challenges' sponsors added to it


def donation_unit(
    ctx: Context, user_id: str, project_id: str, day: date, key: str
) -> tuple[Callable[[StoreTx], Donated], Preload]:
    """The unit of work behind ``donate``, for a caller that waits for it its own way."""
    fingerprint = hashlib.sha256(f"{project_id}|{day}".encode()).hexdigest()

    def work(tx: StoreTx) -> Donated:
        earlier = tx.donation_by_key(user_id, key)
        if earlier is not None:
            if earlier[0] != fingerprint:
                raise Conflict(f"Idempotency-Key {key!r} was already used for another donation")
            first = earlier[1]
            matches = tuple(tx.donation_matches(first.donation_id))
            return Donated(first, _project(tx, first.project_id), False, matches)
        project = _project(tx, project_id)
        sponsors = tx.sponsors(project_id)
        profile = tx.person(user_id) or Profile()
        today = profile.today(ctx.now())
        # Only a day outside the ordinary window needs its appeal looked up.
        accepted_on = (
            appeals.acceptance_date(tx, user_id, day, profile)
            if outside_donation_window(day, today)
            else None
        )
        step_day = refuse_if_not_donatable(
            project,
            sponsors,
            tx.step_day(user_id, day),
            day,
            today,
            tx.donated_on(user_id, day),
            accepted_on,
        )
        donation = Donation(
            donation_id=uuid.uuid4().hex,
            user_id=user_id,
            project_id=project_id,
            day=day,
            steps=step_day.steps,
            km=step_day.distance_km,
            kg=step_day.saving.kg,
            kg_low=step_day.saving.low,
            kg_high=step_day.saving.high,
            factor_set_version=step_day.factor_set_version,
            credits=credits_for(step_day.steps, sponsors),
            created_at=ctx.now(),
            locale=profile.locale,
        )
        matches = _challenge_matches(tx, user_id, donation)
        tx.add_donation(donation, key, fingerprint)
        tx.add_matches(donation.donation_id, project_id, list(matches), donation.created_at)
        return Donated(donation, project, True, matches)

    preload = Preload(
        people=(user_id,),
        step_days=((user_id, day),),
        donation_keys=((user_id, key),),
        donated_days=((user_id, day),),
        challenge_days=((user_id, day),),
    )
    return work, preload


def _challenge_matches(tx: StoreTx, user_id: str, donation: Donation) -> tuple[Match, ...]:
    """What the challenges of the donor's teams match for this donation, settled in order
    against each challenge's cap as it stands within this commit."""
    matches: list[Match] = []
    settled: set[str] = set()
    kg = (donation.kg, donation.kg_low, donation.kg_high)
    for challenge, stay in tx.challenges_for(user_id, donation.day):
        if challenge.challenge_id in settled or not counts_for(challenge, stay, donation.day):
            continue
        settled.add(challenge.challenge_id)
        paid, after = settle(challenge, tx.challenge_progress(challenge), donation.steps, kg)
        tx.keep_progress(challenge.challenge_id, after)
        matches.extend(paid)
    return tuple(matches)


def _project(tx: StoreTx, project_id: str) -> Project:
    project = tx.project(project_id)
    if project is None:
        raise NotFound(f"no project {project_id!r}")
    return project


def donation_of(
    store: ActivityStore, donation_id: str
) -> tuple[Donation, Project, tuple[Match, ...]]:
    """A donation, its project, and what team challenges matched for it."""

    def work(tx: StoreTx) -> tuple[Donation, Project, tuple[Match, ...]]:
        donation = tx.donation(donation_id)
        project = None if donation is None else tx.project(donation.project_id)
        if donation is None or project is None:
            raise NotFound(f"no donation {donation_id!r}")
        return donation, project, tuple(tx.donation_matches(donation_id))

    return store.read(work)


def project_view(store: ActivityStore, ctx: Context, project_id: str) -> ProjectView:
    def work(tx: StoreTx) -> ProjectView:
        project = tx.project(project_id)
        if project is None:
            raise NotFound(f"no project {project_id!r}")
        return _view(tx, ctx, project)

    return store.read(work)


def project_views(
    store: ActivityStore, ctx: Context, partner_id: str | None = None
) -> list[ProjectView]:
    return store.read(lambda tx: [_view(tx, ctx, p) for p in tx.projects(partner_id)])


def _view(tx: StoreTx, ctx: Context, project: Project) -> ProjectView:
    donors, steps, kg, donations, raised = tx.project_totals(project.project_id)
    sponsors = tx.sponsors(project.project_id)
    return ProjectView(
        project, _status(project, sponsors, ctx), donors, donations, steps, kg, raised, sponsors
    )


def _status(project: Project, sponsors: list[Sponsor], ctx: Context) -> str:
    today = ctx.today()
    if today < project.starts_on:
        return "upcoming"
    if today > project.ends_on:
        return "ended"
    if not any(s.budget_left.minor > 0 for s in sponsors):
        return "budget_exhausted"
    return "open"
