"""Statements of the bulk step ingest (greenapp ingest steps), run on the store's writer.

Temporary tables are named with a per-load suffix (a constant the code makes, never input);
values travel as parameters.
"""

MEMORY_LIMIT = "SET memory_limit = $limit"

# The file's columns, without reading its rows.
COLUMNS_CSV = "SELECT * FROM read_csv($path, header = true, all_varchar = true) LIMIT 0"
COLUMNS_PARQUET = "SELECT * FROM read_parquet($path) LIMIT 0"
# The file's rows with their line numbers (1 for the first row after a CSV header).
NUMBERED_CSV = """
SELECT row_number() OVER () AS line, *
FROM read_csv($path, header = true, all_varchar = true)
"""
NUMBERED_PARQUET = """
SELECT file_row_number + 1 AS line, * EXCLUDE (file_row_number)
FROM read_parquet($path, file_row_number = true)
"""

# Typed rows and the first reason each one is refused, if any. A row that passes on its own
# (passes) may still be refused as a duplicate afterwards (MARK_DUPLICATES).
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
    FROM ({numbered})
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
)
SELECT r.line, r.user_id, r.day, r.steps, r.distance_m, r.region, r.date_text, r.steps_text,
    r.row_reason IS NULL AS passes,
    d.steps AS recorded_steps, d.device_distance_m AS recorded_distance,
    CASE
        WHEN r.row_reason IS NOT NULL THEN r.row_reason
        WHEN d.steps IS NOT NULL AND r.steps < d.steps
            THEN printf('the count for %s is already %d; a day''s count only grows (send the phone''s cumulative count)', r.day, d.steps)
    END AS reason
FROM row_checked r LEFT JOIN step_days d ON d.user_id = r.user_id AND d.day = r.day
"""
# Among the rows of a day that pass on their own, the highest count is kept (the first such
# line on a tie); the others are refused. Only days that may occur more than once are ranked:
# those whose hash occurs more than once (grouping by one number is cheaper than by two keys).
TWICE = """
CREATE TEMP TABLE twice_{run} AS
SELECT hash(user_id, day) AS key FROM checked_{run} WHERE passes GROUP BY key HAVING count(*) > 1
"""
COUNT_TWICE = "SELECT count(*) FROM twice_{run}"
MARK_DUPLICATES = """
UPDATE checked_{run} SET reason = 'another row of this file has the same user and date and the same or a higher count'
WHERE line IN (
    SELECT line FROM (
        SELECT c.line, row_number() OVER (PARTITION BY c.user_id, c.day
                                          ORDER BY c.steps DESC, c.line) AS copy
        FROM checked_{run} c SEMI JOIN twice_{run} t ON t.key = hash(c.user_id, c.day)
        WHERE c.passes
    )
    WHERE copy > 1
)
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
# What the core needs to look up, once per combination rather than once per row: the years of
# the rows, crossed with the profiles people have (a few dozen, however many people there are).
YEARS = "SELECT DISTINCT year(day) FROM checked_{run} WHERE reason IS NULL"
STEP_PROFILES = "SELECT DISTINCT region, sex, height_cm IS NOT NULL FROM people"
CAR_PROFILES = "SELECT DISTINCT region, car_fuel, car_size FROM people"
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

STEP_DAY_COLUMNS = """
    user_id, day, steps, device_distance_m, track_distance_m, track_moving_seconds,
    track_max_speed_kmh, distance_km, distance_low_km, distance_high_km, step_rule,
    step_factor_ids, status, reasons, kg_co2e_avoided, kg_low, kg_high, saving_rule,
    saving_factor_ids, fallbacks, factor_set_version, revision, updated_at
"""
# The day's record, computed exactly as the core's evaluate_day computes it, from {rows}: a
# query giving user_id, day, year, steps, distance_m and the person's region, sex, height_cm,
# car_fuel and car_size. The factor tables are joined on columns of {rows} alone, so the join
# with the person always comes first and the factors (a few rows) are joined to its result.
DAY_RECORDS = """
WITH rows AS (
    SELECT r.user_id, r.day, r.steps, r.distance_m, r.height_cm, s.value AS step_value,
           s.low AS step_low, s.high AS step_high, s.rule AS step_rule, s.ids AS step_ids,
           f.car, f.car_low, f.car_high, f.walk, f.walk_low, f.walk_high, f.ids AS car_ids,
           f.fallbacks,
           list_filter([
               CASE WHEN r.steps > $flag_above THEN printf($over_text, r.steps) END,
               CASE WHEN r.distance_m IS NOT NULL AND r.steps > 0
                         AND NOT (r.distance_m / r.steps BETWEEN $min_step AND $max_step)
                    THEN printf($stride_text, r.distance_m / r.steps) END
           ], lambda x: x IS NOT NULL) AS reasons
    FROM ({rows}) r
    JOIN step_factors_{run} s ON s.region = r.region AND s.year = r.year
         AND s.sex IS NOT DISTINCT FROM r.sex AND s.has_height = (r.height_cm IS NOT NULL)
    JOIN car_factors_{run} f ON f.region = r.region AND f.year = r.year
         AND f.car_fuel = r.car_fuel AND f.car_size = r.car_size
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
"""


def day_records(rows: str) -> str:
    """DAY_RECORDS computed from ``rows`` (a constant query of this module or a benchmark's)."""
    return DAY_RECORDS.replace("{rows}", rows)


# The rows of lines $first..$last the file may write, with the person they belong to.
_WRITABLE = """
SELECT c.user_id, c.day, year(c.day) AS year, c.steps, c.distance_m, p.region, p.sex,
       p.height_cm, p.car_fuel, p.car_size
FROM checked_{run} c JOIN people p USING (user_id)
WHERE c.reason IS NULL AND c.line BETWEEN $first AND $last AND ({which})
"""
_NEW = "c.recorded_steps IS NULL"
_CHANGED = """c.recorded_steps IS NOT NULL AND (c.steps <> c.recorded_steps
    OR c.distance_m IS DISTINCT FROM c.recorded_distance)"""
_NEW_OR_CHANGED = f"({_NEW}) OR ({_CHANGED})"
_UPDATE_RECORDED = """
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
_INSERT = f"INSERT INTO step_days ({STEP_DAY_COLUMNS})"

# Days the store did not hold when the file was checked: a plain insert, with no conflict
# handling to pay for. It fails as a whole if the service recorded one of them meanwhile, and
# the chunk is then written with UPSERT_CHUNK instead.
INSERT_NEW_DAYS = _INSERT + day_records(_WRITABLE.replace("{which}", _NEW))
# Days the store held with another count or distance.
UPSERT_CHANGED_DAYS = (
    _INSERT + day_records(_WRITABLE.replace("{which}", _CHANGED)) + _UPDATE_RECORDED
)
# Every day of the chunk that differs from what was stored, whatever the store holds now.
UPSERT_CHUNK = (
    _INSERT + day_records(_WRITABLE.replace("{which}", _NEW_OR_CHANGED)) + _UPDATE_RECORDED
)

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
TEMP_TABLES = ("checked", "twice", "step_factors", "car_factors")
