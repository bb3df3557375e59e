"""Every statement the activity store runs, parameterised by name ($name).

The f-strings below only join fixed column lists; no value is ever formatted into SQL.
"""

CREATE_MIGRATIONS = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
)
"""
APPLIED_MIGRATIONS = "SELECT version FROM schema_migrations ORDER BY version"
RECORD_MIGRATION = "INSERT INTO schema_migrations (version, name) VALUES ($version, $name)"

PERSON = """
SELECT region, height_cm, sex, car_fuel, car_size, locale, easy_mode, leaderboard, time_zone
FROM people WHERE user_id = $user_id
"""
SAVE_PERSON = """
INSERT INTO people (user_id, region, height_cm, sex, car_fuel, car_size, locale, easy_mode,
                    leaderboard, time_zone, created_at, updated_at)
VALUES ($user_id, $region, $height_cm, $sex, $car_fuel, $car_size, $locale, $easy_mode,
        $leaderboard, $time_zone, $now, $now)
ON CONFLICT (user_id) DO UPDATE SET
    region = excluded.region, height_cm = excluded.height_cm, sex = excluded.sex,
    car_fuel = excluded.car_fuel, car_size = excluded.car_size, locale = excluded.locale,
    easy_mode = excluded.easy_mode, leaderboard = excluded.leaderboard,
    time_zone = excluded.time_zone, updated_at = excluded.updated_at
"""

STEP_DAY_COLUMNS = """
day, steps, device_distance_m, track_distance_m, track_moving_seconds, track_max_speed_kmh,
distance_km, distance_low_km, distance_high_km, step_rule, step_factor_ids, status, reasons,
kg_co2e_avoided, kg_low, kg_high, saving_rule, saving_factor_ids, fallbacks, factor_set_version
"""
STEP_DAY = f"SELECT {STEP_DAY_COLUMNS} FROM step_days WHERE user_id = $user_id AND day = $day"
SAVE_STEP_DAY = f"""
INSERT INTO step_days (user_id, {STEP_DAY_COLUMNS}, revision, updated_at)
VALUES ($user_id, $day, $steps, $device_distance_m, $track_distance_m, $track_moving_seconds,
        $track_max_speed_kmh, $distance_km, $distance_low_km, $distance_high_km, $step_rule,
        $step_factor_ids, $status, $reasons, $kg_co2e_avoided, $kg_low, $kg_high, $saving_rule,
        $saving_factor_ids, $fallbacks, $factor_set_version, 1, $now)
ON CONFLICT (user_id, day) DO UPDATE SET
    steps = excluded.steps, device_distance_m = excluded.device_distance_m,
    track_distance_m = excluded.track_distance_m,
    track_moving_seconds = excluded.track_moving_seconds,
    track_max_speed_kmh = excluded.track_max_speed_kmh, distance_km = excluded.distance_km,
    distance_low_km = excluded.distance_low_km, distance_high_km = excluded.distance_high_km,
    step_rule = excluded.step_rule, step_factor_ids = excluded.step_factor_ids,
    status = excluded.status, reasons = excluded.reasons,
    kg_co2e_avoided = excluded.kg_co2e_avoided, kg_low = excluded.kg_low,
    kg_high = excluded.kg_high, saving_rule = excluded.saving_rule,
    saving_factor_ids = excluded.saving_factor_ids, fallbacks = excluded.fallbacks,
    factor_set_version = excluded.factor_set_version,
    revision = step_days.revision + 1, updated_at = excluded.updated_at
"""

TRIP_COLUMNS = """
trip_id, day, mode, replaced, distance_km, kg_co2e_avoided, kg_low, kg_high, saving_rule,
factor_ids, fallbacks, factor_set_version
"""
TRIP_BY_KEY = f"""
SELECT fingerprint, {TRIP_COLUMNS} FROM trips
WHERE user_id = $user_id AND idempotency_key = $key
"""
ADD_TRIP = f"""
INSERT INTO trips (user_id, idempotency_key, fingerprint, {TRIP_COLUMNS}, created_at)
VALUES ($user_id, $key, $fingerprint, $trip_id, $day, $mode, $replaced, $distance_km,
        $kg_co2e_avoided, $kg_low, $kg_high, $saving_rule, $factor_ids, $fallbacks,
        $factor_set_version, $now)
"""

DAY_TOTALS = """
WITH steps AS (
    SELECT day, steps, distance_km, kg_co2e_avoided, kg_low, kg_high, status
    FROM step_days WHERE user_id = $user_id AND day BETWEEN $first AND $last
), trips_by_day AS (
    SELECT day, sum(distance_km) AS km, sum(kg_co2e_avoided) AS kg, sum(kg_low) AS low,
           sum(kg_high) AS high
    FROM trips WHERE user_id = $user_id AND day BETWEEN $first AND $last
    GROUP BY day
)
SELECT coalesce(s.day, t.day) AS day,
       coalesce(s.steps, 0) AS steps,
       coalesce(s.distance_km, 0) AS walked_km,
       coalesce(t.km, 0) AS trip_km,
       coalesce(s.kg_co2e_avoided, 0) + coalesce(t.kg, 0) AS kg,
       coalesce(s.kg_low, 0) + coalesce(t.low, 0) AS low,
       coalesce(s.kg_high, 0) + coalesce(t.high, 0) AS high,
       s.status
FROM steps s FULL OUTER JOIN trips_by_day t ON s.day = t.day
ORDER BY day
"""

ACTIVE_DAYS = """
SELECT day FROM step_days
WHERE user_id = $user_id AND day >= $since AND status = 'counted' AND steps > 0
UNION
SELECT day FROM trips WHERE user_id = $user_id AND day >= $since
"""

STANDING = """
WITH opted_in AS (
    SELECT user_id FROM people WHERE region = $region AND leaderboard
), saved AS (
    SELECT o.user_id,
           coalesce((SELECT sum(kg_co2e_avoided) FROM step_days d
                     WHERE d.user_id = o.user_id AND d.day BETWEEN $first AND $last), 0)
         + coalesce((SELECT sum(kg_co2e_avoided) FROM trips t
                     WHERE t.user_id = o.user_id AND t.day BETWEEN $first AND $last), 0) AS kg
    FROM opted_in o
), ranked AS (
    SELECT user_id, count(*) OVER () AS people,
           100.0 * (rank() OVER (ORDER BY kg) - 1) / greatest(count(*) OVER () - 1, 1)
               AS percentile
    FROM saved
)
SELECT people, percentile FROM ranked WHERE user_id = $user_id
"""
