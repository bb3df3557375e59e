"""Statements of the bulk step ingest (greenapp ingest steps), run on the store's writer.

Temporary tables are named with a per-load suffix (a constant the code makes, never input);
values travel as parameters.
"""

STAGE_CSV = """
CREATE TEMP TABLE stage_{run} AS
SELECT row_number() OVER () AS line, *
FROM read_csv($path, header = true, all_varchar = true)
"""
STAGE_PARQUET = """
CREATE TEMP TABLE stage_{run} AS
SELECT row_number() OVER () AS line, * FROM read_parquet($path)
"""
STAGE_COLUMNS = "SELECT column_name FROM (DESCRIBE stage_{run})"

# Typed rows and the first reason each one is refused, if any.
CHECKED = """
CREATE TEMP TABLE checked_{run} AS
WITH typed AS (
    SELECT line,
           trim(CAST("user" AS VARCHAR)) AS user_id,
           try_cast(CAST("date" AS VARCHAR) AS DATE) AS day,
           CAST("date" AS VARCHAR) AS date_text,
           try_cast(CAST(steps AS VARCHAR) AS BIGINT) AS steps,
           CAST(steps AS VARCHAR) AS steps_text,
           {distance} AS distance_m,
           {region} AS region
    FROM stage_{run}
), row_checked AS (
    SELECT *,
        CASE
            WHEN user_id IS NULL OR NOT regexp_full_match(user_id, '[A-Za-z0-9_.@-]{{1,64}}')
                THEN 'user must be 1-64 letters, digits or _ . @ -'
            WHEN day IS NULL THEN 'date ' || coalesce('''' || date_text || '''', 'is missing') || ' is not a date (YYYY-MM-DD)'
            WHEN steps IS NULL THEN 'steps ' || coalesce('''' || steps_text || '''', 'is missing') || ' is not a whole number'
            WHEN region IS NOT NULL AND region NOT IN ('CN', 'GB', 'US', 'EU', 'WORLD')
                THEN 'region ''' || region || ''' is not one of: CN, EU, GB, US, WORLD'
            WHEN day > $latest THEN printf('%s is in the future (the latest date anywhere is %s)', day, $latest)
            WHEN $oldest IS NOT NULL AND day < $oldest
                THEN printf('%s is older than the %d-day window (oldest %s)', day, $window, $oldest)
            WHEN steps < 0 THEN 'steps must not be negative'
            WHEN steps > $cap THEN printf('steps %d is above the daily cap of %d', steps, $cap)
            WHEN distance_m < 0 THEN 'distance_m must not be negative'
        END AS row_reason
    FROM typed
), ranked AS (
    -- Among the rows that pass on their own, the highest count of a day is the one kept.
    SELECT *, CASE WHEN row_reason IS NULL
                   THEN row_number() OVER (PARTITION BY user_id, day, row_reason IS NULL
                                           ORDER BY steps DESC, line) END AS copy
    FROM row_checked
)
SELECT r.*, d.steps AS recorded_steps, d.device_distance_m AS recorded_distance,
    CASE
        WHEN r.row_reason IS NOT NULL THEN r.row_reason
        WHEN r.copy > 1 THEN 'another row of this file has the same user and date and the same or a higher count'
        WHEN d.steps IS NOT NULL AND r.steps < d.steps
            THEN printf('the count for %s is already %d; a day''s count only grows (send the phone''s cumulative count)', r.day, d.steps)
    END AS reason
FROM ranked r LEFT JOIN step_days d ON d.user_id = r.user_id AND d.day = r.day
"""
REJECTS = """
SELECT line, user_id, date_text, steps_text, distance_m, reason
FROM checked_{run} WHERE reason IS NOT NULL ORDER BY line
"""
NEW_PEOPLE = """
INSERT INTO people (user_id, region, height_cm, sex, car_fuel, car_size, locale, easy_mode,
                    leaderboard, time_zone, created_at, updated_at)
SELECT user_id, coalesce(any_value(region), 'WORLD'), NULL, NULL, 'unknown', 'average', 'en',
       false, false, NULL, $now, $now
FROM checked_{run}
WHERE reason IS NULL AND user_id NOT IN (SELECT user_id FROM people)
GROUP BY user_id
"""
# What the core needs to look up, once per combination rather than once per row.
STEP_COMBOS = """
SELECT DISTINCT p.region, year(c.day), p.sex, p.height_cm IS NOT NULL
FROM checked_{run} c JOIN people p USING (user_id) WHERE c.reason IS NULL
"""
CAR_COMBOS = """
SELECT DISTINCT p.region, year(c.day), p.car_fuel, p.car_size
FROM checked_{run} c JOIN people p USING (user_id) WHERE c.reason IS NULL
"""
CREATE_STEP_FACTORS = """
CREATE TEMP TABLE step_factors_{run} (region VARCHAR, year INTEGER, sex VARCHAR,
    has_height BOOLEAN, value DOUBLE, low DOUBLE, high DOUBLE, rule VARCHAR, ids VARCHAR[])
"""
CREATE_CAR_FACTORS = """
CREATE TEMP TABLE car_factors_{run} (region VARCHAR, year INTEGER, car_fuel VARCHAR,
    car_size VARCHAR, car DOUBLE, car_low DOUBLE, car_high DOUBLE, walk DOUBLE, walk_low DOUBLE,
    walk_high DOUBLE, ids VARCHAR[], fallbacks VARCHAR[])
"""
INSERT_STEP_FACTOR = "INSERT INTO step_factors_{run} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_CAR_FACTOR = "INSERT INTO car_factors_{run} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

# The day's record, computed exactly as the core's evaluate_day computes it, for the rows of
# one chunk (lines $first..$last) that are new or changed.
UPSERT_CHUNK = """
INSERT INTO step_days (user_id, day, steps, device_distance_m, track_distance_m,
    track_moving_seconds, track_max_speed_kmh, distance_km, distance_low_km, distance_high_km,
    step_rule, step_factor_ids, status, reasons, kg_co2e_avoided, kg_low, kg_high, saving_rule,
    saving_factor_ids, fallbacks, factor_set_version, revision, updated_at)
WITH rows AS (
    SELECT c.user_id, c.day, c.steps, c.distance_m, p.height_cm, s.value AS step_value,
           s.low AS step_low, s.high AS step_high, s.rule AS step_rule, s.ids AS step_ids,
           f.car, f.car_low, f.car_high, f.walk, f.walk_low, f.walk_high, f.ids AS car_ids,
           f.fallbacks,
           list_filter([
               CASE WHEN c.steps > $flag_above THEN printf($over_text, c.steps) END,
               CASE WHEN c.distance_m IS NOT NULL AND c.steps > 0
                         AND NOT (c.distance_m / c.steps BETWEEN $min_step AND $max_step)
                    THEN printf($stride_text, c.distance_m / c.steps) END
           ], lambda x: x IS NOT NULL) AS reasons
    FROM checked_{run} c
    JOIN people p USING (user_id)
    JOIN step_factors_{run} s ON s.region = p.region AND s.year = year(c.day)
         AND s.sex IS NOT DISTINCT FROM p.sex AND s.has_height = (p.height_cm IS NOT NULL)
    JOIN car_factors_{run} f ON f.region = p.region AND f.year = year(c.day)
         AND f.car_fuel = p.car_fuel AND f.car_size = p.car_size
    WHERE c.reason IS NULL AND c.line BETWEEN $first AND $last
      AND (c.recorded_steps IS NULL OR c.steps <> c.recorded_steps
           OR c.distance_m IS DISTINCT FROM c.recorded_distance)
), walked AS (
    SELECT *, len(reasons) > 0 AS flagged,
           CASE WHEN distance_m IS NOT NULL AND steps > 0 AND len(reasons) = 0 THEN 'device'
                ELSE step_rule END AS rule
    FROM rows
), metres AS (
    SELECT *,
        CASE WHEN rule = 'device' THEN distance_m / steps
             WHEN rule = 'height_ratio' THEN height_cm / 100 * step_value
             ELSE step_value END AS m,
        CASE WHEN rule = 'device' THEN distance_m / steps
             WHEN rule = 'height_ratio' THEN height_cm / 100 * step_low
             ELSE step_low END AS m_low,
        CASE WHEN rule = 'device' THEN distance_m / steps
             WHEN rule = 'height_ratio' THEN height_cm / 100 * step_high
             ELSE step_high END AS m_high
    FROM walked
), distances AS (
    SELECT *, steps * m / 1000 AS km, steps * m_low / 1000 AS low_km,
           steps * m_high / 1000 AS high_km,
           NOT flagged AND steps > 0 AS saves
    FROM metres
)
SELECT user_id, day, steps, distance_m, NULL, NULL, NULL, km, low_km, high_km, rule,
       CASE WHEN rule = 'device' THEN []::VARCHAR[] ELSE step_ids END,
       CASE WHEN flagged THEN 'flagged' ELSE 'counted' END, reasons,
       CASE WHEN saves THEN km * $share * (car - walk) ELSE 0 END,
       CASE WHEN saves THEN low_km * $share_low * (car_low - walk_high) ELSE 0 END,
       CASE WHEN saves THEN high_km * $share_high * (car_high - walk_low) ELSE 0 END,
       CASE WHEN saves THEN 'steps_share_of_walking' ELSE 'replaced_nothing' END,
       CASE WHEN saves THEN car_ids ELSE []::VARCHAR[] END,
       CASE WHEN saves THEN fallbacks ELSE []::VARCHAR[] END,
       $version, 1, $now
FROM distances
ON CONFLICT (user_id, day) DO UPDATE SET
    steps = excluded.steps, device_distance_m = excluded.device_distance_m,
    track_distance_m = NULL, track_moving_seconds = NULL, track_max_speed_kmh = NULL,
    distance_km = excluded.distance_km, distance_low_km = excluded.distance_low_km,
    distance_high_km = excluded.distance_high_km, step_rule = excluded.step_rule,
    step_factor_ids = excluded.step_factor_ids, status = excluded.status,
    reasons = excluded.reasons, kg_co2e_avoided = excluded.kg_co2e_avoided,
    kg_low = excluded.kg_low, kg_high = excluded.kg_high, saving_rule = excluded.saving_rule,
    saving_factor_ids = excluded.saving_factor_ids, fallbacks = excluded.fallbacks,
    factor_set_version = excluded.factor_set_version, revision = step_days.revision + 1,
    updated_at = excluded.updated_at
-- A count the service recorded meanwhile is never lowered by an older file.
WHERE excluded.steps > step_days.steps
   OR (excluded.steps = step_days.steps
       AND excluded.device_distance_m IS DISTINCT FROM step_days.device_distance_m)
"""
COUNTS = """
SELECT count(*) AS rows_read,
       count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
       count(*) FILTER (WHERE reason IS NULL AND recorded_steps IS NULL) AS new_days,
       count(*) FILTER (WHERE reason IS NULL AND recorded_steps IS NOT NULL
                        AND (steps <> recorded_steps
                             OR distance_m IS DISTINCT FROM recorded_distance)) AS updated,
       count(*) FILTER (WHERE reason IS NULL AND recorded_steps = steps
                        AND distance_m IS NOT DISTINCT FROM recorded_distance) AS unchanged,
       max(line) AS last_line
FROM checked_{run}
"""
FLAGGED = """
SELECT count(*) FROM step_days d JOIN checked_{run} c ON c.user_id = d.user_id AND c.day = d.day
WHERE c.reason IS NULL AND d.status = 'flagged'
"""
DROP = "DROP TABLE IF EXISTS {name}_{run}"
TEMP_TABLES = ("stage", "checked", "step_factors", "car_factors")
