"""Forward-only schema migrations, applied in order and recorded in schema_migrations."""

from typing import Final

MIGRATIONS: Final[tuple[tuple[int, str, str], ...]] = (
    (
        1,
        "people, step days and trips",
        """
        CREATE TABLE people (
            user_id VARCHAR PRIMARY KEY,
            region VARCHAR NOT NULL,
            height_cm DOUBLE,
            sex VARCHAR,
            car_fuel VARCHAR NOT NULL,
            car_size VARCHAR NOT NULL,
            locale VARCHAR NOT NULL,
            easy_mode BOOLEAN NOT NULL,
            leaderboard BOOLEAN NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE step_days (
            user_id VARCHAR NOT NULL,
            day DATE NOT NULL,
            steps INTEGER NOT NULL,
            device_distance_m DOUBLE,
            track_distance_m DOUBLE,
            track_moving_seconds DOUBLE,
            track_max_speed_kmh DOUBLE,
            distance_km DOUBLE NOT NULL,
            distance_low_km DOUBLE NOT NULL,
            distance_high_km DOUBLE NOT NULL,
            step_rule VARCHAR NOT NULL,
            step_factor_ids VARCHAR[] NOT NULL,
            status VARCHAR NOT NULL,
            reasons VARCHAR[] NOT NULL,
            kg_co2e_avoided DOUBLE NOT NULL,
            kg_low DOUBLE NOT NULL,
            kg_high DOUBLE NOT NULL,
            saving_rule VARCHAR NOT NULL,
            saving_factor_ids VARCHAR[] NOT NULL,
            fallbacks VARCHAR[] NOT NULL,
            factor_set_version VARCHAR NOT NULL,
            revision INTEGER NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (user_id, day)
        );
        CREATE TABLE trips (
            trip_id VARCHAR PRIMARY KEY,
            user_id VARCHAR NOT NULL,
            idempotency_key VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            day DATE NOT NULL,
            mode VARCHAR NOT NULL,
            replaced VARCHAR NOT NULL,
            distance_km DOUBLE NOT NULL,
            kg_co2e_avoided DOUBLE NOT NULL,
            kg_low DOUBLE NOT NULL,
            kg_high DOUBLE NOT NULL,
            saving_rule VARCHAR NOT NULL,
            factor_ids VARCHAR[] NOT NULL,
            fallbacks VARCHAR[] NOT NULL,
            factor_set_version VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (user_id, idempotency_key)
        );
        CREATE INDEX trips_by_day ON trips (user_id, day);
        """,
    ),
    (
        2,
        "a person's time zone",
        "ALTER TABLE people ADD COLUMN time_zone VARCHAR",
    ),
)
