"""One unit of work on the activity tables, over a DuckDB cursor."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, Final, TypeVar

import duckdb

from greenapp.domain.activity import StepDay, Trip
from greenapp.domain.appeals import Appeal, AppealRecord, Decision, Evidence
from greenapp.domain.donations import Credit, Donation, Project, Sponsor
from greenapp.domain.footprint import DayTotals, Standing
from greenapp.domain.money import Money
from greenapp.domain.partners import Partner, StoredKey
from greenapp.domain.payouts import (
    Account,
    AccountMonth,
    Balance,
    Confirmation,
    Payer,
    Payment,
    Pledge,
    balances_of,
)
from greenapp.domain.people import Car, Profile
from greenapp.domain.periods import ActiveDays
from greenapp.domain.reports import DonationLine
from greenapp.domain.savings import Saving
from greenapp.domain.step_checks import Track
from greenapp.domain.teams import BoardRow, Challenge, Match, Membership, Progress, Team
from greenapp.store.activity import sql
from greenapp.store.activity.people_cache import Patch, PeopleCache, PersonRows, Standings
from greenapp.store.ports import NotInMemory, Preload

K = TypeVar("K")
V = TypeVar("V")


class DuckDBTx:
    """A unit of work over a DuckDB cursor, or over any connection whose ``execute`` takes a
    statement and its named parameters and returns rows (the PostgreSQL store's subclass)."""

    sql: Any = sql  # the store's statements, looked up by name

    def __init__(
        self,
        cursor: duckdb.DuckDBPyConnection,
        cache: PeopleCache | None = None,
        standings: Standings | None = None,
        memory_only: bool = False,
        batch: "WriteBatch | None" = None,
    ) -> None:
        self._cursor = cursor
        self._batch = batch
        self._memory_only = memory_only
        self._cache = cache  # set for reads; writes go to the database and name who they touch
        self._standings = standings
        self.touched: set[str] = set()
        self.touched_everyone = False
        self.writes = 0  # changes asked for so far; a unit that made none can fail alone

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """The raw cursor, for bulk work that runs as one unit on the store's writer."""
        self.touched_everyone = True  # bulk work may change anyone's rows
        self.writes += 1
        self.flush()
        return self._cursor

    def _read(self, statement: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
        if self._memory_only:
            raise NotInMemory
        if self._batch is not None and self._batch.has_pending():
            self.flush()  # every statement sees the rows saved before it
        return self._cursor.execute(statement, params)

    def _execute(self, statement: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
        self.writes += 1
        return self._read(statement, params)

    def _one(self, statement: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        return self._read(statement, params).fetchone()

    def _all(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return self._read(statement, params).fetchall()

    def preload(self, wanted: Preload) -> None:
        """Read what a batch's units of work will ask for, with one statement per kind."""
        assert self._batch is not None
        batch = self._batch
        people = [u for u in set(wanted.people) if batch.person(u) is Unknown.ROW]
        if people:
            batch.people.update(dict.fromkeys(people))
            for user_id, *row in self._all(self.sql.PEOPLE_BY_IDS, {"user_ids": people}):
                batch.people[user_id] = _profile(tuple(row))
        self._preload_pairs(
            [k for k in wanted.step_days if batch.step_day(k) is Unknown.ROW], batch.step_days,
            None, self.sql.STEP_DAYS_BY_KEYS, "days",
            lambda r: ((r[0], r[1]), _step_day(tuple(r[1:]))),
        )  # fmt: skip
        self._preload_pairs(
            [k for k in wanted.donation_keys if k not in batch.donation_keys],
            batch.donation_keys, None, self.sql.DONATIONS_BY_KEYS, "keys", _keyed_donation,
        )  # fmt: skip
        self._preload_pairs(
            [k for k in wanted.donated_days if k not in batch.donated_days], batch.donated_days,
            False, self.sql.DONATED_DAYS, "days", lambda r: ((r[0], r[1]), True),
        )  # fmt: skip
        self._preload_pairs(
            [k for k in wanted.trip_keys if k not in batch.trip_keys], batch.trip_keys, None,
            self.sql.TRIPS_BY_KEYS, "keys", lambda r: ((r[0], r[1]), (r[2], _trip(tuple(r[3:])))),
        )  # fmt: skip
        members = {u for u, _ in wanted.challenge_days if u not in batch.challenges_of}
        if members:
            since = min(day for _, day in wanted.challenge_days)
            self._members_challenges(list(members), since)

    def _preload_pairs(
        self,
        asked: list[tuple[str, K]],
        into: dict[tuple[str, K], V],
        missing: V,
        statement: str,
        second: str,
        found: Callable[[tuple[Any, ...]], tuple[tuple[str, K], V]],
    ) -> None:
        """Fill ``into`` for every (user id, value) asked: ``missing`` unless ``statement``
        finds it. The statement is given every person and every value, so it may find pairs
        nobody asked for; those are left out."""
        if not asked:
            return
        wanted = set(asked)
        into.update(dict.fromkeys(wanted, missing))
        params = {"user_ids": list({u for u, _ in wanted}), second: list({v for _, v in wanted})}
        for row in self._all(statement, params):
            key, value = found(row)
            if key in wanted:
                into[key] = value

    def flush(self) -> None:
        """Write the batch's pending rows: one statement per table."""
        batch = self._batch
        if batch is None or not batch.has_pending():
            return
        pending, batch.pending = batch.pending, {}
        donations, batch.pending_donations = batch.pending_donations, []
        ledger, batch.pending_ledger = batch.pending_ledger, []
        trips, batch.pending_trips = batch.pending_trips, []
        matches, batch.pending_matches = batch.pending_matches, []
        if trips:
            self._cursor.execute(self.sql.ADD_TRIPS, _columns(trips))
        if pending:
            # Updating a list column makes DuckDB delete and re-insert the row, so days whose
            # lists are unchanged (most re-uploads) are updated without touching the lists.
            same = {k: v for k, v in pending.items() if _same_lists(v[0], v[3])}
            other = {k: v for k, v in pending.items() if k not in same}
            if same:
                self._cursor.execute(
                    self.sql.UPDATE_STEP_DAYS_KEEPING_LISTS, _step_day_columns(same)
                )
            if other:
                self._cursor.execute(self.sql.SAVE_STEP_DAYS, _step_day_columns(other))
        if donations:
            self._cursor.execute(self.sql.ADD_DONATIONS, _columns(donations))
        if ledger:
            self._cursor.execute(self.sql.ADD_LEDGER_ENTRIES, _columns(ledger))
        if matches:
            self._cursor.execute(self.sql.ADD_CHALLENGE_ENTRIES, _columns(matches))

    def person(self, user_id: str) -> Profile | None:
        if self._cache is not None:
            return self._person_rows(user_id).profile
        if self._batch is not None:
            known = self._batch.person(user_id)
            if known is not Unknown.ROW:
                return known
        return self._load_profile(user_id)

    def _load_profile(self, user_id: str) -> Profile | None:
        row = self._one(self.sql.PERSON, {"user_id": user_id})
        return None if row is None else _profile(row)

    def save_person(self, user_id: str, profile: Profile, now: datetime) -> None:
        self.touched.add(user_id)
        if self._batch is not None:
            self._batch.people[user_id] = profile
            self._batch.patch(user_id, lambda rows: rows.with_profile(profile))
        self._execute(
            self.sql.SAVE_PERSON,
            {
                "user_id": user_id,
                "region": profile.region,
                "height_cm": profile.height_cm,
                "sex": profile.sex,
                "car_fuel": profile.car.fuel,
                "car_size": profile.car.size,
                "locale": profile.locale,
                "easy_mode": profile.easy_mode,
                "leaderboard": profile.leaderboard,
                "time_zone": profile.time_zone,
                "now": now,
            },
        )

    def step_day(self, user_id: str, day: date) -> StepDay | None:
        if self._batch is not None:
            known = self._batch.step_day((user_id, day))
            if known is not Unknown.ROW:
                return known
        row = self._one(self.sql.STEP_DAY, {"user_id": user_id, "day": day})
        return None if row is None else _step_day(row)

    def save_step_day(self, user_id: str, record: StepDay, now: datetime) -> None:
        self.touched.add(user_id)
        if self._batch is not None:  # written with the batch's others, before anything reads
            self.writes += 1
            key = (user_id, record.day)
            if key in self._batch.pending:
                _, _, saves, stored = self._batch.pending[key]
            else:
                saves, stored = 0, self._batch.step_day(key)
            self._batch.pending[key] = (record, now, saves + 1, stored)
            s = record.saving
            row = (record.steps, record.distance_km, s.kg, s.low, s.high, record.status)
            self._batch.patch(user_id, lambda rows: rows.with_step_day(record.day, row))
            self._batch.step_days[key] = record
            return
        self._execute(self.sql.SAVE_STEP_DAY, _step_day_row(user_id, record, now, revision=1))

    def trip_by_key(self, user_id: str, key: str) -> tuple[str, Trip] | None:
        if self._batch is not None and (user_id, key) in self._batch.trip_keys:
            return self._batch.trip_keys[(user_id, key)]
        row = self._one(self.sql.TRIP_BY_KEY, {"user_id": user_id, "key": key})
        return None if row is None else (row[0], _trip(row[1:]))

    def add_trip(self, user_id: str, key: str, fingerprint: str, trip: Trip, now: datetime) -> None:
        self.touched.add(user_id)
        s = trip.saving
        row = {
            "user_id": user_id,
            "key": key,
            "fingerprint": fingerprint,
            "trip_id": trip.trip_id,
            "day": trip.day,
            "mode": trip.mode,
            "replaced": trip.replaced,
            "distance_km": trip.distance_km,
            "kg_co2e_avoided": s.kg,
            "kg_low": s.low,
            "kg_high": s.high,
            "saving_rule": s.rule,
            "factor_ids": list(s.factor_ids),
            "fallbacks": list(s.fallbacks),
            "factor_set_version": trip.factor_set_version,
            "now": now,
        }
        if self._batch is None:
            self._execute(self.sql.ADD_TRIP, row)
            return
        self.writes += 1
        self._batch.pending_trips.append(row)
        summed = (trip.distance_km, s.kg, s.low, s.high)
        self._batch.patch(user_id, lambda rows: rows.with_trip(trip.day, summed))
        self._batch.trip_keys[(user_id, key)] = (fingerprint, trip)

    def day_totals(self, user_id: str, first: date, last: date) -> list[DayTotals]:
        if self._cache is not None:
            return self._person_rows(user_id).day_totals(first, last)
        rows = self._all(self.sql.DAY_TOTALS, {"user_id": user_id, "first": first, "last": last})
        return [DayTotals(*row) for row in rows]

    def active_days(self, user_id: str, since: date) -> ActiveDays:
        if self._cache is not None:
            return self._person_rows(user_id).active
        rows = self._all(self.sql.ACTIVE_DAYS, {"user_id": user_id, "since": since})
        return ActiveDays(row[0] for row in rows)

    def _person_rows(self, user_id: str) -> PersonRows:
        assert self._cache is not None
        return self._cache.get(user_id, lambda: self._load_person(user_id))

    def _load_person(self, user_id: str) -> PersonRows:
        params = {"user_id": user_id}
        days = {r[0]: (r[1], r[2], r[3], r[4], r[5], r[6])
                for r in self._all(self.sql.PERSON_DAY_ROWS, params)}  # fmt: skip
        trips = {
            r[0]: (r[1], r[2], r[3], r[4]) for r in self._all(self.sql.PERSON_TRIP_ROWS, params)
        }
        donations = [
            (r[0], r[1], r[2], tuple(Money(c["currency"], c["minor"]) for c in r[3] or []))
            for r in self._all(self.sql.PERSON_DONATION_ROWS, params)
        ]
        return PersonRows(self._load_profile(user_id), days, trips, donations)

    def standing(self, user_id: str, region: str, first: date, last: date) -> Standing | None:
        params = {"user_id": user_id, "region": region, "first": first, "last": last}
        if self._cache is not None and self._standings is not None:
            own = self._person_rows(user_id).kg(first, last)
            del params["user_id"]
            return self._standings.standing(
                region, first, last, user_id, own,
                lambda: [(r[0], r[1]) for r in self._all(self.sql.REGION_TOTALS, params)],
            )  # fmt: skip
        row = self._one(self.sql.STANDING, params)
        return None if row is None else Standing(region, row[0], row[1])

    def person_step_days(self, user_id: str) -> list[StepDay]:
        return [_step_day(r) for r in self._all(self.sql.PERSON_STEP_DAYS, {"user_id": user_id})]

    def person_trips(self, user_id: str) -> list[Trip]:
        return [_trip(r) for r in self._all(self.sql.PERSON_TRIPS, {"user_id": user_id})]

    def person_donations_list(self, user_id: str) -> list[Donation]:
        ids = [r[0] for r in self._all(self.sql.PERSON_DONATION_IDS, {"user_id": user_id})]
        return [d for d in (self.donation(i) for i in ids) if d is not None]

    def erase_person(self, user_id: str, pseudonym: str) -> None:
        self.touched.add(user_id)
        if self._batch is not None:
            self._batch.forget(user_id)
        params = {"user_id": user_id}
        for statement in (self.sql.ERASE_STEP_DAYS, self.sql.ERASE_TRIPS, self.sql.ERASE_PERSON):
            self._execute(statement, params)
        self._execute(self.sql.ERASE_DONOR, {"user_id": user_id, "pseudonym": pseudonym})
        self._teams_changed()
        self._execute(self.sql.ERASE_MEMBERSHIPS, params)
        self._execute(self.sql.ERASE_TEAM_CREATOR, {"user_id": user_id, "pseudonym": pseudonym})
        self._execute(self.sql.ERASE_APPEALS, {"user_id": user_id, "pseudonym": pseudonym})

    # Giving: partners, keys, projects, sponsors, money and donations.

    def partner(self, partner_id: str) -> Partner | None:
        row = self._one(self.sql.PARTNER, {"partner_id": partner_id})
        return None if row is None else Partner(*row)

    def add_partner(self, partner: Partner, now: datetime) -> None:
        params = {"partner_id": partner.partner_id, "name": partner.name, "now": now}
        self._execute(self.sql.ADD_PARTNER, params)

    def api_key(self, key_id: str) -> StoredKey | None:
        row = self._one(self.sql.API_KEY, {"key_id": key_id})
        return None if row is None else StoredKey(row[0], row[1], row[2] is not None)

    def add_api_key(self, key_id: str, partner_id: str, digest: str, now: datetime) -> None:
        params = {"key_id": key_id, "partner_id": partner_id, "key_sha256": digest, "now": now}
        self._execute(self.sql.ADD_API_KEY, params)

    def revoke_api_key(self, key_id: str, partner_id: str, now: datetime) -> bool:
        params = {"key_id": key_id, "partner_id": partner_id, "now": now}
        return self._execute(self.sql.REVOKE_API_KEY, params).fetchone() is not None

    def project(self, project_id: str) -> Project | None:
        if self._batch is not None and project_id in self._batch.projects:
            return self._batch.projects[project_id]
        row = self._one(self.sql.PROJECT, {"project_id": project_id})
        project = None if row is None else _project(row)
        if self._batch is not None:
            self._batch.projects[project_id] = project
        return project

    def projects(self, partner_id: str | None = None) -> list[Project]:
        if partner_id is None:
            return [_project(r) for r in self._all(self.sql.PROJECTS, {})]
        return [
            _project(r) for r in self._all(self.sql.PARTNER_PROJECTS, {"partner_id": partner_id})
        ]

    def save_project(self, project: Project, now: datetime) -> None:
        if self._batch is not None:
            self._batch.projects.pop(project.project_id, None)
        self._execute(
            self.sql.SAVE_PROJECT,
            {
                "project_id": project.project_id,
                "partner_id": project.partner_id,
                "title_en": project.title.get("en", ""),
                "title_zh": project.title.get("zh-CN", ""),
                "story_en": project.story.get("en", ""),
                "story_zh": project.story.get("zh-CN", ""),
                "goal_kind": project.goal_kind,
                "goal_amount": project.goal_amount,
                "goal_currency": project.goal_currency,
                "starts_on": project.starts_on,
                "ends_on": project.ends_on,
                "min_steps": project.min_steps,
                "now": now,
            },
        )

    def sponsors(self, project_id: str) -> list[Sponsor]:
        if self._batch is not None and project_id in self._batch.sponsors:
            return list(self._batch.sponsors[project_id])
        sponsors = [_sponsor(r) for r in self._all(self.sql.SPONSORS, {"project_id": project_id})]
        if self._batch is not None:
            self._batch.sponsors[project_id] = sponsors
        return list(sponsors)

    def sponsor(self, sponsor_id: str) -> tuple[str, Sponsor] | None:
        row = self._one(self.sql.SPONSOR, {"sponsor_id": sponsor_id})
        return None if row is None else (row[-1], _sponsor(row))

    def add_sponsor(self, partner_id: str, sponsor: Sponsor, now: datetime) -> None:
        if self._batch is not None:
            self._batch.sponsors.pop(sponsor.project_id, None)
        self._execute(
            self.sql.ADD_SPONSOR,
            {
                "sponsor_id": sponsor.sponsor_id,
                "project_id": sponsor.project_id,
                "partner_id": partner_id,
                "name": sponsor.name,
                "currency": sponsor.rate.currency,
                "rate_minor_per_10k_steps": sponsor.rate.minor,
                "now": now,
            },
        )

    def funding_by_key(self, sponsor_id: str, key: str) -> tuple[str, Money] | None:
        row = self._one(self.sql.FUNDING_BY_KEY, {"sponsor_id": sponsor_id, "key": key})
        return None if row is None else (row[0], Money(row[2], row[1]))

    def add_funding(
        self, entry_id: str, sponsor_id: str, money: Money, key: str, now: datetime
    ) -> None:
        if self._batch is not None:
            self._batch.sponsors.clear()  # budgets change; the next read takes them afresh
        funding = _ledger_row(entry_id, sponsor_id, "funding", money, None, key, now)
        self._execute(self.sql.ADD_LEDGER_ENTRY, funding)

    def donation(self, donation_id: str) -> Donation | None:
        row = self._one(self.sql.DONATION, {"donation_id": donation_id})
        return None if row is None else _donation(row)

    def donation_by_key(self, user_id: str, key: str) -> tuple[str, Donation] | None:
        if self._batch is not None and (user_id, key) in self._batch.donation_keys:
            return self._batch.donation_keys[(user_id, key)]
        row = self._one(self.sql.DONATION_BY_KEY, {"user_id": user_id, "key": key})
        return None if row is None else (row[0], _donation(row[1:]))

    def donated_on(self, user_id: str, day: date) -> bool:
        if self._batch is not None and (user_id, day) in self._batch.donated_days:
            return self._batch.donated_days[(user_id, day)]
        return self._one(self.sql.DONATED_ON, {"user_id": user_id, "day": day}) is not None

    def add_donation(self, donation: Donation, key: str, fingerprint: str) -> None:
        self.touched.add(donation.user_id)
        d = donation
        row = {
            "donation_id": d.donation_id,
            "user_id": d.user_id,
            "project_id": d.project_id,
            "day": d.day,
            "steps": d.steps,
            "km": d.km,
            "kg_co2e": d.kg,
            "kg_low": d.kg_low,
            "kg_high": d.kg_high,
            "factor_set_version": d.factor_set_version,
            "locale": d.locale,
            "key": key,
            "fingerprint": fingerprint,
            "now": d.created_at,
        }
        credits = [
            _ledger_row(f"{d.donation_id}-{n}", c.sponsor_id, "credit", c.money, d.donation_id,
                        None, d.created_at)
            for n, c in enumerate(d.credits, start=1)
        ]  # fmt: skip
        if self._batch is None:
            self._execute(self.sql.ADD_DONATION, row)
            for entry in credits:
                self._execute(self.sql.ADD_LEDGER_ENTRY, entry)
            return
        self.writes += 1
        self._batch.add_donation(d, key, fingerprint, row, credits)
        given = (d.day, d.steps, d.kg, tuple(c.money for c in d.credits))
        self._batch.patch(d.user_id, lambda rows: rows.with_donation(given))

    def project_totals(self, project_id: str) -> tuple[int, int, float, int, list[Money]]:
        params = {"project_id": project_id}
        progress = self._one(self.sql.PROJECT_PROGRESS, params)
        donors, steps, kg, count = progress or (0, 0, 0.0, 0)
        money = [Money(c, int(m)) for c, m in self._all(self.sql.PROJECT_MONEY, params)]
        return donors, int(steps), kg, count, money

    def person_donations(
        self, user_id: str, first: date, last: date
    ) -> tuple[int, int, float, list[Money]]:
        if self._cache is not None:
            return self._person_rows(user_id).donated(first, last)
        params = {"user_id": user_id, "first": first, "last": last}
        count, steps, kg = self._one(self.sql.PERSON_DONATIONS, params) or (0, 0, 0.0)
        money = [Money(c, int(m)) for c, m in self._all(self.sql.PERSON_MONEY, params)]
        return count, int(steps), kg, money

    def team(self, team_id: str) -> Team | None:
        row = self._one(self.sql.TEAM, {"team_id": team_id})
        return None if row is None else Team(*row)

    def team_by_code(self, invite_code: str) -> Team | None:
        row = self._one(self.sql.TEAM_BY_CODE, {"invite_code": invite_code})
        return None if row is None else Team(*row)

    def add_team(self, team: Team) -> None:
        self._execute(self.sql.ADD_TEAM, {
            "team_id": team.team_id, "name": team.name, "kind": team.kind,
            "invite_code": team.invite_code, "created_by": team.created_by,
            "created_at": team.created_at,
        })  # fmt: skip

    def memberships_of(self, user_id: str) -> list[Membership]:
        return [Membership(*r) for r in self._all(self.sql.MEMBERSHIPS_OF, {"user_id": user_id})]

    def add_membership(self, membership: Membership) -> None:
        m = membership  # memberships are not in the read model: nothing to patch or forget
        self._teams_changed()
        self._execute(self.sql.ADD_MEMBERSHIP, {
            "team_id": m.team_id, "user_id": m.user_id, "joined_at": m.joined_at,
            "on_leaderboard": m.on_leaderboard, "nickname": m.nickname,
        })  # fmt: skip

    def end_membership(self, team_id: str, user_id: str, now: datetime) -> bool:
        self._teams_changed()
        params = {"team_id": team_id, "user_id": user_id, "now": now}
        return self._execute(self.sql.END_MEMBERSHIP, params).fetchone() is not None

    def active_members(self, team_id: str) -> int:
        row = self._one(self.sql.ACTIVE_MEMBERS, {"team_id": team_id})
        return 0 if row is None else int(row[0])

    # Challenges: a team's goal, its progress, and what its sponsor matched.

    def _teams_changed(self) -> None:
        """Who counts for which challenge changed: the batch reads challenges afresh."""
        if self._batch is not None:
            self._batch.challenges_of.clear()
            self._batch.progress.clear()

    def challenge(self, challenge_id: str) -> tuple[str, Challenge] | None:
        row = self._one(self.sql.CHALLENGE, {"challenge_id": challenge_id})
        return None if row is None else (row[-1], _challenge(row[:-1]))

    def challenge_by_key(self, partner_id: str, key: str) -> tuple[str, Challenge] | None:
        row = self._one(self.sql.CHALLENGE_BY_KEY, {"partner_id": partner_id, "key": key})
        return None if row is None else (row[0], _challenge(row[1:]))

    def add_challenge(
        self, challenge: Challenge, partner_id: str, key: str, fingerprint: str, now: datetime
    ) -> None:
        c = challenge
        self._teams_changed()
        self._execute(self.sql.ADD_CHALLENGE, {
            "challenge_id": c.challenge_id, "team_id": c.team_id, "partner_id": partner_id,
            "title": c.title, "goal_kind": c.goal_kind, "goal_amount": c.goal_amount,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "sponsor_name": c.sponsor_name,
            "currency": c.cap.currency, "rate": c.rate.minor, "cap": c.cap.minor,
            "bonus": None if c.bonus is None else c.bonus.minor, "key": key,
            "fingerprint": fingerprint, "now": now,
        })  # fmt: skip

    def team_challenges(self, team_id: str) -> list[Challenge]:
        return [_challenge(r) for r in self._all(self.sql.TEAM_CHALLENGES, {"team_id": team_id})]

    def partner_challenges(self, partner_id: str) -> list[Challenge]:
        rows = self._all(self.sql.PARTNER_CHALLENGES, {"partner_id": partner_id})
        return [_challenge(r) for r in rows]

    def challenges_for(self, user_id: str, day: date) -> list[tuple[Challenge, Membership]]:
        batch = self._batch
        known = None if batch is None else batch.challenges_of.get(user_id)
        stays = known[1] if known is not None and known[0] <= day else None
        if stays is None:
            stays = self._members_challenges([user_id], day)[user_id]
        return [(c, m) for c, m in stays if c.starts_on <= day <= c.ends_on]

    def _members_challenges(
        self, user_ids: list[str], since: date
    ) -> dict[str, list[tuple[Challenge, Membership]]]:
        """Each person's stays in teams with the challenges ending on or after ``since``; kept
        for the rest of a shared commit."""
        found: dict[str, list[tuple[Challenge, Membership]]] = {u: [] for u in user_ids}
        for row in self._all(self.sql.MEMBERS_CHALLENGES, {"user_ids": user_ids, "since": since}):
            found[row[0]].append((_challenge(row[1:13]), Membership(*row[13:])))
        if self._batch is not None:
            self._batch.challenges_of.update({u: (since, f) for u, f in found.items()})
        return found

    def challenge_progress(self, challenge: Challenge) -> Progress:
        if self._batch is not None and challenge.challenge_id in self._batch.progress:
            return self._batch.progress[challenge.challenge_id]
        row = self._one(self.sql.CHALLENGE_PROGRESS, {"challenge_id": challenge.challenge_id})
        steps, kg, low, high, matched, bonuses = row or (0, 0.0, 0.0, 0.0, 0, 0)
        progress = Progress(int(steps), kg, low, high, Money(challenge.cap.currency, int(matched)),
                            bool(bonuses))  # fmt: skip
        if self._batch is not None:
            self._batch.progress[challenge.challenge_id] = progress
        return progress

    def add_matches(
        self, donation_id: str, project_id: str, matches: list[Match], now: datetime
    ) -> None:
        rows = [{
            "entry_id": f"{m.challenge_id}:{'bonus' if m.kind == 'bonus' else donation_id}",
            "challenge_id": m.challenge_id, "kind": m.kind, "amount_minor": m.money.minor,
            "currency": m.money.currency, "donation_id": donation_id, "project_id": project_id,
            "now": now,
        } for m in matches]  # fmt: skip
        if not rows:
            return
        self.writes += 1
        if self._batch is None:
            self._cursor.execute(self.sql.ADD_CHALLENGE_ENTRIES, _columns(rows))
        else:
            self._batch.pending_matches.extend(rows)

    def keep_progress(self, challenge_id: str, progress: Progress) -> None:
        """Progress after a donation this batch has not written yet."""
        if self._batch is not None:
            self._batch.progress[challenge_id] = progress

    def donation_matches(self, donation_id: str) -> list[Match]:
        rows = self._all(self.sql.DONATION_MATCHES, {"donation_id": donation_id})
        return [Match(c, name, kind, Money(cur, minor)) for c, name, kind, cur, minor in rows]

    def challenge_board(self, challenge_id: str) -> list[BoardRow]:
        rows = self._all(self.sql.CHALLENGE_BOARD, {"challenge_id": challenge_id})
        return [BoardRow(name, int(steps), kg, count) for name, steps, kg, count in rows]

    # Appeals: not in the read model, so nothing to patch or forget.

    def add_appeal(self, appeal: Appeal) -> None:
        a, e = appeal, appeal.evidence
        t = e.track
        self._execute(self.sql.ADD_APPEAL, {
            "appeal_id": a.appeal_id, "user_id": a.user_id, "day": a.day, "reason": a.reason,
            "steps": e.steps, "device_distance_m": e.device_distance_m,
            "track_distance_m": t and t.distance_m, "track_moving_seconds": t and t.moving_seconds,
            "track_max_speed_kmh": t and t.max_speed_kmh, "rules": list(e.rules),
            "created_at": a.created_at,
        })  # fmt: skip

    def appeal(self, appeal_id: str) -> Appeal | None:
        row = self._one(self.sql.APPEAL, {"appeal_id": appeal_id})
        return None if row is None else _appeal(row)

    def appeals_of(self, user_id: str) -> list[AppealRecord]:
        return [_appeal_record(r) for r in self._all(self.sql.APPEALS_OF, {"user_id": user_id})]

    def appeals_of_day(self, user_id: str, day: date) -> list[Appeal]:
        rows = self._all(self.sql.APPEALS_OF_DAY, {"user_id": user_id, "day": day})
        return [_appeal(r) for r in rows]

    def decisions(self, appeal_id: str) -> list[Decision]:
        return [Decision(*r) for r in self._all(self.sql.DECISIONS, {"appeal_id": appeal_id})]

    def add_decision(self, decision: Decision) -> None:
        d = decision
        self._execute(self.sql.ADD_DECISION, {
            "appeal_id": d.appeal_id, "outcome": d.outcome, "reason": d.reason,
            "reviewer": d.reviewer, "decided_at": d.decided_at,
        })  # fmt: skip

    def appeals_for_review(self, status: str, limit: int) -> list[AppealRecord]:
        rows = self._all(self.sql.APPEALS_FOR_REVIEW, {"status": status, "limit": limit})
        return [_appeal_record(r) for r in rows]

    def key_roles(self, key_id: str) -> list[str]:
        return [r[0] for r in self._all(self.sql.KEY_ROLES, {"key_id": key_id})]

    def grant_role(self, key_id: str, role: str) -> None:
        self._execute(self.sql.GRANT_ROLE, {"key_id": key_id, "role": role})

    def partner_donation_lines(
        self, partner_id: str, first: date, last: date
    ) -> list[DonationLine]:
        params = {"partner_id": partner_id, "first": first, "last": last}
        lines = []
        for (donation_id, day, project_id, user_id, steps, kg, sponsor_id, currency,
             minor) in self._all(self.sql.PARTNER_DONATION_ROWS, params):  # fmt: skip
            money = None if sponsor_id is None else Money(currency, minor)
            lines.append(
                DonationLine(donation_id, day, project_id, user_id, steps, kg, sponsor_id, money)
            )
        return lines

    # Where the money went: pledges, payments and confirmations.

    def payer(self, kind: str, payer_id: str) -> Payer | None:
        statement = {"sponsor": self.sql.SPONSOR_PAYER, "challenge": self.sql.CHALLENGE_PAYER}[kind]
        row = self._one(statement, {"payer_id": payer_id})
        return None if row is None else Payer(kind, *row)

    def partner_payers(self, partner_id: str) -> list[Payer]:
        return [Payer(*r) for r in self._all(self.sql.PARTNER_PAYERS, {"partner_id": partner_id})]

    def account_balance(self, account: Account) -> Balance:
        a = account
        params = {"payer_kind": a.payer_kind, "payer_id": a.payer_id,
                  "project_id": a.project_id, "currency": a.currency}  # fmt: skip
        owed, paid = self._one(self.sql.ACCOUNT_BALANCE, params) or (0, 0)
        return Balance(a.currency, int(owed), int(paid))

    def payment_by_key(self, partner_id: str, key: str) -> tuple[str, Payment] | None:
        row = self._one(self.sql.PAYMENT_BY_KEY, {"partner_id": partner_id, "key": key})
        return None if row is None else (row[0], _payment(row[1:]))

    def add_payment(self, payment: Payment, key: str, fingerprint: str) -> None:
        p = payment
        self._execute(self.sql.ADD_PAYMENT, {
            "payment_id": p.payment_id, "partner_id": p.partner_id, "payer_kind": p.payer_kind,
            "payer_id": p.payer_id, "project_id": p.project_id, "amount_minor": p.money.minor,
            "currency": p.money.currency, "reference": p.reference, "paid_on": p.paid_on,
            "created_at": p.created_at, "key": key, "fingerprint": fingerprint,
        })  # fmt: skip

    def confirmation_by_key(self, partner_id: str, key: str) -> tuple[str, Confirmation] | None:
        row = self._one(self.sql.CONFIRMATION_BY_KEY, {"partner_id": partner_id, "key": key})
        return None if row is None else (row[0], _confirmation(row[1:]))

    def add_confirmation(self, confirmation: Confirmation, key: str, fingerprint: str) -> None:
        c = confirmation
        self._execute(self.sql.ADD_CONFIRMATION, {
            "confirmation_id": c.confirmation_id, "partner_id": c.partner_id,
            "project_id": c.project_id, "item": c.item, "quantity": c.quantity,
            "amount_minor": c.money.minor, "currency": c.money.currency,
            "delivered_on": c.delivered_on, "note": c.note, "created_at": c.created_at,
            "key": key, "fingerprint": fingerprint,
        })  # fmt: skip

    def project_balances(self, project_id: str) -> list[Balance]:
        params = {"project_id": project_id}
        owed = [Money(c, int(m)) for c, m in self._all(self.sql.PROJECT_OWED, params)]
        paid = [Money(c, int(m)) for c, m in self._all(self.sql.PROJECT_PAID, params)]
        return balances_of(owed, paid)

    def project_confirmations(self, project_id: str) -> list[Confirmation]:
        rows = self._all(self.sql.PROJECT_CONFIRMATIONS, {"project_id": project_id})
        return [_confirmation(r) for r in rows]

    def partner_confirmations(self, partner_id: str) -> list[Confirmation]:
        rows = self._all(self.sql.PARTNER_CONFIRMATIONS, {"partner_id": partner_id})
        return [_confirmation(r) for r in rows]

    def donation_pledges(self, donation_ids: Sequence[str]) -> list[tuple[Pledge, int]]:
        rows = self._all(self.sql.DONATION_PLEDGES, {"donation_ids": list(donation_ids)})
        return [(_pledge(r[:-1]), int(r[-1])) for r in rows]

    def donation_payments(self, donation_ids: Sequence[str]) -> list[Payment]:
        rows = self._all(self.sql.DONATIONS_PAYMENTS, {"donation_ids": list(donation_ids)})
        return [_payment(r) for r in rows]

    def partner_account_months(
        self, partner_id: str
    ) -> tuple[list[AccountMonth], list[AccountMonth]]:
        params = {"partner_id": partner_id}
        owed, paid = (
            [AccountMonth(Account(kind, payer, project, currency), month, int(minor))
             for kind, payer, project, currency, month, minor in self._all(statement, params)]
            for statement in (self.sql.PARTNER_OWED_MONTHS, self.sql.PARTNER_PAID_MONTHS)
        )  # fmt: skip
        return owed, paid


def _pledge(row: tuple[Any, ...]) -> Pledge:
    (entry_id, kind, payer_kind, payer_id, payer_name, project_id, donation_id, currency,
     minor, created_at) = row  # fmt: skip
    return Pledge(entry_id, kind, payer_kind, payer_id, payer_name, project_id, donation_id,
                  Money(currency, minor), created_at)  # fmt: skip


def _payment(row: tuple[Any, ...]) -> Payment:
    (payment_id, partner_id, payer_kind, payer_id, project_id, minor, currency, reference,
     paid_on, created_at) = row  # fmt: skip
    return Payment(payment_id, partner_id, payer_kind, payer_id, project_id,
                   Money(currency, minor), reference, paid_on, created_at)  # fmt: skip


def _confirmation(row: tuple[Any, ...]) -> Confirmation:
    (confirmation_id, partner_id, project_id, item, quantity, minor, currency, delivered_on,
     note, created_at) = row  # fmt: skip
    return Confirmation(confirmation_id, partner_id, project_id, item, quantity,
                        Money(currency, minor), delivered_on, note, created_at)  # fmt: skip


def _appeal(row: tuple[Any, ...]) -> Appeal:
    (appeal_id, user_id, day, reason, created_at, steps, device, t_dist, t_secs, t_max,
     rules) = row  # fmt: skip
    track = None if t_dist is None else Track(t_dist, t_secs, t_max)
    evidence = Evidence(steps, device, track, tuple(rules))
    return Appeal(appeal_id, user_id, day, reason, created_at, evidence)


def _appeal_record(row: tuple[Any, ...]) -> AppealRecord:
    """An APPEAL_COLUMNS row followed by its decision's outcome, reason, reviewer and time."""
    appeal = _appeal(row[:11])
    outcome, reason, reviewer, decided_at = row[11:]
    if outcome is None:
        return AppealRecord(appeal, None)
    return AppealRecord(appeal, Decision(appeal.appeal_id, outcome, reason, reviewer, decided_at))


def _project(row: tuple[Any, ...]) -> Project:
    (project_id, partner_id, title_en, title_zh, story_en, story_zh, goal_kind, goal_amount,
     goal_currency, starts_on, ends_on, min_steps) = row  # fmt: skip
    return Project(
        project_id=project_id,
        partner_id=partner_id,
        title=_texts(title_en, title_zh),
        story=_texts(story_en, story_zh),
        goal_kind=goal_kind,
        goal_amount=goal_amount,
        goal_currency=goal_currency,
        starts_on=starts_on,
        ends_on=ends_on,
        min_steps=min_steps,
    )


def _texts(en: str, zh: str) -> dict[str, str]:
    return {locale: text for locale, text in (("en", en), ("zh-CN", zh)) if text}


def _sponsor(row: tuple[Any, ...]) -> Sponsor:
    sponsor_id, project_id, name, currency, rate, left = row[:6]
    return Sponsor(sponsor_id, project_id, name, Money(currency, rate), Money(currency, int(left)))


def _donation(row: tuple[Any, ...]) -> Donation:
    (donation_id, user_id, project_id, day, steps, km, kg, low, high, version, created_at,
     locale, credits) = row  # fmt: skip
    return Donation(
        donation_id=donation_id,
        user_id=user_id,
        project_id=project_id,
        day=day,
        steps=steps,
        km=km,
        kg=kg,
        kg_low=low,
        kg_high=high,
        factor_set_version=version,
        credits=tuple(
            Credit(c["sponsor_id"], c["name"], Money(c["currency"], c["minor"]))
            for c in credits or []
        ),
        created_at=created_at,
        locale=locale,
    )


def _keyed_donation(row: tuple[Any, ...]) -> tuple[tuple[str, str], tuple[str, Donation]]:
    """A DONATIONS_BY_KEYS row as ((user id, idempotency key), (fingerprint, donation))."""
    key, fingerprint, *columns = row
    donation = _donation(tuple(columns))
    return (donation.user_id, key), (fingerprint, donation)


def _challenge(row: tuple[Any, ...]) -> Challenge:
    (challenge_id, team_id, title, goal_kind, goal_amount, starts_on, ends_on, sponsor_name,
     currency, rate, cap, bonus) = row  # fmt: skip
    return Challenge(
        challenge_id, team_id, title, goal_kind, goal_amount, starts_on, ends_on, sponsor_name,
        Money(currency, rate), Money(currency, cap),
        None if bonus is None else Money(currency, bonus),
    )  # fmt: skip


def _profile(row: tuple[Any, ...]) -> Profile:
    region, height, sex, fuel, size, locale, easy, leaderboard, zone = row
    return Profile(region, height, sex, Car(fuel, size), locale, easy, leaderboard, zone)


# About 50,000 people's profiles and as many step days: tens of megabytes.
KNOWN_ROWS_KEPT: Final = 50_000
# The record, when, how many saves it stands for, and the row stored before the batch (if known)
PendingDay = tuple[StepDay, datetime, int, "StepDay | Unknown | None"]


class Unknown(Enum):
    """Not known without asking the database."""

    ROW = 0


class KnownRows:
    """People and step days as the writer last committed or read them, so a shared commit need
    not read them again. Only the writer thread uses it; it changes only after a commit, and
    bulk work that could change anyone's rows clears it."""

    def __init__(self, kept: int = KNOWN_ROWS_KEPT) -> None:
        self._kept = kept
        self.people: dict[str, Profile | None] = {}
        self.step_days: dict[tuple[str, date], StepDay | None] = {}

    def committed(self, batch: "WriteBatch") -> None:
        for user_id in batch.forgotten:
            self.people.pop(user_id, None)
            for key in [k for k in self.step_days if k[0] == user_id]:
                del self.step_days[key]
        _keep_newest(self.people, batch.people, self._kept)
        _keep_newest(self.step_days, batch.step_days, self._kept)

    def clear(self) -> None:
        self.people.clear()
        self.step_days.clear()


def _keep_newest(kept: dict[K, V], newer: dict[K, V], most: int) -> None:
    for key, value in newer.items():
        kept.pop(key, None)
        kept[key] = value
    while len(kept) > most:
        del kept[next(iter(kept))]


@dataclass(slots=True)
class WriteBatch:
    """One shared commit's view: rows preloaded or saved by its units of work, over what the
    writer already knew, and step days saved but not yet written (they are written together,
    before any other statement runs)."""

    known: KnownRows = field(default_factory=KnownRows)
    people: dict[str, Profile | None] = field(default_factory=dict)
    step_days: dict[tuple[str, date], StepDay | None] = field(default_factory=dict)
    pending: dict[tuple[str, date], PendingDay] = field(default_factory=dict)
    forgotten: set[str] = field(default_factory=set)
    projects: dict[str, Project | None] = field(default_factory=dict)
    sponsors: dict[str, list[Sponsor]] = field(default_factory=dict)  # budgets as of now
    donation_keys: dict[tuple[str, str], tuple[str, Donation] | None] = field(default_factory=dict)
    donated_days: dict[tuple[str, date], bool] = field(default_factory=dict)
    pending_donations: list[dict[str, Any]] = field(default_factory=list)
    pending_ledger: list[dict[str, Any]] = field(default_factory=list)
    trip_keys: dict[tuple[str, str], tuple[str, Trip] | None] = field(default_factory=dict)
    pending_trips: list[dict[str, Any]] = field(default_factory=list)
    # Each member's (earliest day asked, stays with their teams' challenges); progress as of now.
    challenges_of: dict[str, tuple[date, list[tuple[Challenge, Membership]]]] = field(
        default_factory=dict
    )
    progress: dict[str, Progress] = field(default_factory=dict)
    pending_matches: list[dict[str, Any]] = field(default_factory=list)

    # What the commit changed in each person's rows kept in memory, in order (see PeopleCache);
    # the people in ``forgotten`` (erased) are forgotten there instead.
    patches: dict[str, list[Patch]] = field(default_factory=dict)

    def patch(self, user_id: str, change: Patch) -> None:
        self.patches.setdefault(user_id, []).append(change)

    def has_pending(self) -> bool:
        return bool(
            self.pending
            or self.pending_donations
            or self.pending_ledger
            or self.pending_trips
            or self.pending_matches
        )

    def add_donation(
        self,
        donation: Donation,
        key: str,
        fingerprint: str,
        row: dict[str, Any],
        credits: list[dict[str, Any]],
    ) -> None:
        """Keep a donation for the flush, and spend its credits from the budgets read so far."""
        self.pending_donations.append(row)
        self.pending_ledger.extend(credits)
        self.donation_keys[(donation.user_id, key)] = (fingerprint, donation)
        self.donated_days[(donation.user_id, donation.day)] = True
        spent = {c.sponsor_id: c.money.minor for c in donation.credits}
        sponsors = self.sponsors.get(donation.project_id)
        if sponsors is not None:
            self.sponsors[donation.project_id] = [
                replace(s, budget_left=Money(s.budget_left.currency,
                                             s.budget_left.minor - spent.get(s.sponsor_id, 0)))
                for s in sponsors
            ]  # fmt: skip

    def person(self, user_id: str) -> Profile | Unknown | None:
        if user_id in self.people:
            return self.people[user_id]
        if user_id not in self.forgotten and user_id in self.known.people:
            return self.known.people[user_id]
        return Unknown.ROW

    def step_day(self, key: tuple[str, date]) -> StepDay | Unknown | None:
        if key in self.step_days:
            return self.step_days[key]
        if key[0] not in self.forgotten and key in self.known.step_days:
            return self.known.step_days[key]
        return Unknown.ROW

    def forget(self, user_id: str) -> None:
        self.forgotten.add(user_id)
        self.people.pop(user_id, None)
        self.donation_keys = {k: v for k, v in self.donation_keys.items() if k[0] != user_id}
        self.trip_keys = {k: v for k, v in self.trip_keys.items() if k[0] != user_id}
        for key in [k for k in self.step_days if k[0] == user_id]:
            del self.step_days[key]


def _ledger_row(
    entry_id: str,
    sponsor_id: str,
    kind: str,
    money: Money,
    donation_id: str | None,
    key: str | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "sponsor_id": sponsor_id,
        "kind": kind,
        "amount_minor": money.minor,
        "currency": money.currency,
        "donation_id": donation_id,
        "idempotency_key": key,
        "now": now,
    }


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows of named values as one list per name."""
    return {name: [row[name] for row in rows] for name in rows[0]}


def _same_lists(record: StepDay, stored: StepDay | Unknown | None) -> bool:
    """Whether ``stored`` is a row already in the table with the same lists as ``record``."""
    return isinstance(stored, StepDay) and (
        stored.step_factor_ids,
        stored.reasons,
        stored.saving.factor_ids,
        stored.saving.fallbacks,
    ) == (record.step_factor_ids, record.reasons, record.saving.factor_ids, record.saving.fallbacks)


def _step_day_row(user_id: str, r: StepDay, now: datetime, revision: int) -> dict[str, Any]:
    """A step day as the parameters of SAVE_STEP_DAY (and, as columns, of SAVE_STEP_DAYS)."""
    t, s = r.track, r.saving
    return {
        "user_id": user_id,
        "day": r.day,
        "steps": r.steps,
        "device_distance_m": r.device_distance_m,
        "track_distance_m": t and t.distance_m,
        "track_moving_seconds": t and t.moving_seconds,
        "track_max_speed_kmh": t and t.max_speed_kmh,
        "distance_km": r.distance_km,
        "distance_low_km": r.distance_low_km,
        "distance_high_km": r.distance_high_km,
        "step_rule": r.step_rule,
        "step_factor_ids": list(r.step_factor_ids),
        "status": r.status,
        "reasons": list(r.reasons),
        "kg_co2e_avoided": s.kg,
        "kg_low": s.low,
        "kg_high": s.high,
        "saving_rule": s.rule,
        "saving_factor_ids": list(s.factor_ids),
        "fallbacks": list(s.fallbacks),
        "factor_set_version": r.factor_set_version,
        "revision": revision,
        "updated_at": now,
    }


def _step_day_columns(pending: dict[tuple[str, date], PendingDay]) -> dict[str, list[Any]]:
    """The pending days as one list per column; revision counts the saves each stands for."""
    return _columns([_step_day_row(user_id, record, now, saves)
                     for (user_id, _), (record, now, saves, _) in pending.items()])  # fmt: skip


def _step_day(row: tuple[Any, ...]) -> StepDay:
    (day, steps, device, t_dist, t_secs, t_max, km, low_km, high_km, step_rule, step_ids,
     status, reasons, kg, low, high, rule, ids, fallbacks, version) = row  # fmt: skip
    track = None if t_dist is None else Track(t_dist, t_secs, t_max)
    return StepDay(
        day=day,
        steps=steps,
        device_distance_m=device,
        track=track,
        distance_km=km,
        distance_low_km=low_km,
        distance_high_km=high_km,
        step_rule=step_rule,
        step_factor_ids=tuple(step_ids),
        status=status,
        reasons=tuple(reasons),
        saving=Saving(kg, low, high, rule, tuple(ids), tuple(fallbacks)),
        factor_set_version=version,
    )


def _trip(row: tuple[Any, ...]) -> Trip:
    trip_id, day, mode, replaced, km, kg, low, high, rule, ids, fallbacks, version = row
    return Trip(
        trip_id=trip_id,
        day=day,
        mode=mode,
        replaced=replaced,
        distance_km=km,
        saving=Saving(kg, low, high, rule, tuple(ids), tuple(fallbacks)),
        factor_set_version=version,
    )
