"""One unit of work on the activity tables, over a DuckDB cursor."""

from datetime import date, datetime
from typing import Any

import duckdb

from greenapp.domain.activity import StepDay, Trip
from greenapp.domain.footprint import DayTotals, Standing
from greenapp.domain.people import Car, Profile
from greenapp.domain.savings import Saving
from greenapp.domain.step_checks import Track
from greenapp.store.activity import sql


class DuckDBTx:
    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor

    def _one(self, statement: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        return self._cursor.execute(statement, params).fetchone()

    def _all(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return self._cursor.execute(statement, params).fetchall()

    def person(self, user_id: str) -> Profile | None:
        row = self._one(sql.PERSON, {"user_id": user_id})
        if row is None:
            return None
        region, height, sex, fuel, size, locale, easy, leaderboard, zone = row
        return Profile(region, height, sex, Car(fuel, size), locale, easy, leaderboard, zone)

    def save_person(self, user_id: str, profile: Profile, now: datetime) -> None:
        self._cursor.execute(
            sql.SAVE_PERSON,
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
        row = self._one(sql.STEP_DAY, {"user_id": user_id, "day": day})
        return None if row is None else _step_day(row)

    def save_step_day(self, user_id: str, record: StepDay, now: datetime) -> None:
        track = record.track
        s = record.saving
        self._cursor.execute(
            sql.SAVE_STEP_DAY,
            {
                "user_id": user_id,
                "day": record.day,
                "steps": record.steps,
                "device_distance_m": record.device_distance_m,
                "track_distance_m": track and track.distance_m,
                "track_moving_seconds": track and track.moving_seconds,
                "track_max_speed_kmh": track and track.max_speed_kmh,
                "distance_km": record.distance_km,
                "distance_low_km": record.distance_low_km,
                "distance_high_km": record.distance_high_km,
                "step_rule": record.step_rule,
                "step_factor_ids": list(record.step_factor_ids),
                "status": record.status,
                "reasons": list(record.reasons),
                "kg_co2e_avoided": s.kg,
                "kg_low": s.low,
                "kg_high": s.high,
                "saving_rule": s.rule,
                "saving_factor_ids": list(s.factor_ids),
                "fallbacks": list(s.fallbacks),
                "factor_set_version": record.factor_set_version,
                "now": now,
            },
        )

    def trip_by_key(self, user_id: str, key: str) -> tuple[str, Trip] | None:
        row = self._one(sql.TRIP_BY_KEY, {"user_id": user_id, "key": key})
        return None if row is None else (row[0], _trip(row[1:]))

    def add_trip(self, user_id: str, key: str, fingerprint: str, trip: Trip, now: datetime) -> None:
        s = trip.saving
        self._cursor.execute(
            sql.ADD_TRIP,
            {
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
            },
        )

    def day_totals(self, user_id: str, first: date, last: date) -> list[DayTotals]:
        rows = self._all(sql.DAY_TOTALS, {"user_id": user_id, "first": first, "last": last})
        return [DayTotals(*row) for row in rows]

    def active_days(self, user_id: str, since: date) -> list[date]:
        return [row[0] for row in self._all(sql.ACTIVE_DAYS, {"user_id": user_id, "since": since})]

    def standing(self, user_id: str, region: str, first: date, last: date) -> Standing | None:
        params = {"user_id": user_id, "region": region, "first": first, "last": last}
        row = self._one(sql.STANDING, params)
        return None if row is None else Standing(region, row[0], row[1])


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
