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
    (
        3,
        "partners, projects, sponsors, the money ledger and donations",
        """
        CREATE TABLE partners (
            partner_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE api_keys (
            key_id VARCHAR PRIMARY KEY,
            partner_id VARCHAR NOT NULL,
            key_sha256 VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            revoked_at TIMESTAMPTZ
        );
        CREATE TABLE projects (
            project_id VARCHAR PRIMARY KEY,
            partner_id VARCHAR NOT NULL,
            title_en VARCHAR NOT NULL,
            title_zh VARCHAR NOT NULL,
            story_en VARCHAR NOT NULL,
            story_zh VARCHAR NOT NULL,
            goal_kind VARCHAR NOT NULL,
            goal_amount BIGINT NOT NULL,
            goal_currency VARCHAR,
            starts_on DATE NOT NULL,
            ends_on DATE NOT NULL,
            min_steps INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE sponsors (
            sponsor_id VARCHAR PRIMARY KEY,
            project_id VARCHAR NOT NULL,
            partner_id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            currency VARCHAR NOT NULL,
            rate_minor_per_10k_steps BIGINT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        );
        -- Append-only: money is only ever added (funding) or credited to a donation (credit).
        CREATE TABLE money_ledger (
            entry_id VARCHAR PRIMARY KEY,
            sponsor_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('funding', 'credit')),
            amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
            currency VARCHAR NOT NULL,
            donation_id VARCHAR,
            idempotency_key VARCHAR,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE UNIQUE INDEX fundings_by_key ON money_ledger (sponsor_id, kind, idempotency_key);
        CREATE TABLE donations (
            donation_id VARCHAR PRIMARY KEY,
            user_id VARCHAR NOT NULL,
            project_id VARCHAR NOT NULL,
            day DATE NOT NULL,
            steps INTEGER NOT NULL,
            km DOUBLE NOT NULL,
            kg_co2e DOUBLE NOT NULL,
            kg_low DOUBLE NOT NULL,
            kg_high DOUBLE NOT NULL,
            factor_set_version VARCHAR NOT NULL,
            locale VARCHAR NOT NULL,
            idempotency_key VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (user_id, day),
            UNIQUE (user_id, idempotency_key)
        );
        CREATE INDEX donations_by_project ON donations (project_id);
        """,
    ),
    (
        4,
        "a person's rows found by their id alone",
        # DuckDB answers `user_id = $user_id` from an index on that column alone, not from the
        # composite keys; without these, loading one person's history scans the whole table.
        """
        CREATE INDEX step_days_by_user ON step_days (user_id);
        CREATE INDEX trips_by_user ON trips (user_id);
        CREATE INDEX donations_by_user ON donations (user_id);
        """,
    ),
    (
        5,
        "teams and their members",
        # A person who leaves and comes back has one row per stay; at most one has no left_at,
        # which the one writer checks before it adds a row.
        """
        CREATE TABLE teams (
            team_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            invite_code VARCHAR NOT NULL UNIQUE,
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE team_members (
            team_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            joined_at TIMESTAMPTZ NOT NULL,
            left_at TIMESTAMPTZ,
            on_leaderboard BOOLEAN NOT NULL
        );
        CREATE INDEX team_members_by_user ON team_members (user_id);
        CREATE INDEX team_members_by_team ON team_members (team_id);
        """,
    ),
    (
        6,
        "team challenges, their ledger, and members' nicknames for the boards",
        # The ledger is append-only. A match is keyed by challenge and donation, and the bonus by
        # its challenge alone ('<challenge_id>:bonus'), so the database itself refuses a second
        # match for one donation or a second bonus for one challenge.
        """
        CREATE TABLE challenges (
            challenge_id VARCHAR PRIMARY KEY,
            team_id VARCHAR NOT NULL,
            partner_id VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            goal_kind VARCHAR NOT NULL CHECK (goal_kind IN ('steps', 'kg')),
            goal_amount BIGINT NOT NULL CHECK (goal_amount > 0),
            starts_on DATE NOT NULL,
            ends_on DATE NOT NULL,
            sponsor_name VARCHAR NOT NULL,
            currency VARCHAR NOT NULL,
            rate_minor_per_10k_steps BIGINT NOT NULL CHECK (rate_minor_per_10k_steps > 0),
            cap_minor BIGINT NOT NULL CHECK (cap_minor > 0),
            bonus_minor BIGINT CHECK (bonus_minor > 0),
            idempotency_key VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (partner_id, idempotency_key)
        );
        CREATE INDEX challenges_by_team ON challenges (team_id);
        CREATE TABLE challenge_ledger (
            entry_id VARCHAR PRIMARY KEY,
            challenge_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('match', 'bonus')),
            amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
            currency VARCHAR NOT NULL,
            donation_id VARCHAR NOT NULL,
            project_id VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX challenge_ledger_by_challenge ON challenge_ledger (challenge_id);
        CREATE INDEX challenge_ledger_by_donation ON challenge_ledger (donation_id);
        ALTER TABLE team_members ADD COLUMN nickname VARCHAR;
        """,
    ),
    (
        7,
        "appeals of flagged days, their decisions, and API key roles",
        # A decision is keyed by its appeal, so an appeal is decided once and the log of
        # decisions only grows. The appeal keeps the evidence the reviewer saw, as it was when the
        # person appealed.
        """
        CREATE TABLE appeals (
            appeal_id VARCHAR PRIMARY KEY,
            user_id VARCHAR NOT NULL,
            day DATE NOT NULL,
            reason VARCHAR NOT NULL,
            steps INTEGER NOT NULL,
            device_distance_m DOUBLE,
            track_distance_m DOUBLE,
            track_moving_seconds DOUBLE,
            track_max_speed_kmh DOUBLE,
            rules VARCHAR[] NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (user_id, day)
        );
        CREATE TABLE appeal_decisions (
            appeal_id VARCHAR PRIMARY KEY,
            outcome VARCHAR NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
            reason VARCHAR NOT NULL,
            reviewer VARCHAR NOT NULL,
            decided_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE api_key_roles (
            key_id VARCHAR NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('reviewer')),
            PRIMARY KEY (key_id, role)
        );
        """,
    ),
    (
        8,
        "the payout ledger: payments and what the money bought",
        # Append-only, like the money ledger. What sponsors owe is already there: each credit
        # and each challenge match is a pledge for one donation.
        """
        CREATE TABLE payments (
            payment_id VARCHAR PRIMARY KEY,
            partner_id VARCHAR NOT NULL,
            payer_kind VARCHAR NOT NULL CHECK (payer_kind IN ('sponsor', 'challenge')),
            payer_id VARCHAR NOT NULL,
            project_id VARCHAR NOT NULL,
            amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
            currency VARCHAR NOT NULL,
            reference VARCHAR NOT NULL,
            paid_on DATE NOT NULL,
            idempotency_key VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (partner_id, idempotency_key)
        );
        CREATE INDEX payments_by_project ON payments (project_id);
        CREATE TABLE confirmations (
            confirmation_id VARCHAR PRIMARY KEY,
            partner_id VARCHAR NOT NULL,
            project_id VARCHAR NOT NULL,
            item VARCHAR NOT NULL,
            quantity BIGINT NOT NULL CHECK (quantity > 0),
            amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
            currency VARCHAR NOT NULL,
            delivered_on DATE NOT NULL,
            note VARCHAR NOT NULL,
            idempotency_key VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            UNIQUE (partner_id, idempotency_key)
        );
        CREATE INDEX confirmations_by_project ON confirmations (project_id);
        """,
    ),
)
