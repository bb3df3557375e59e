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
PEOPLE_BY_IDS = """
SELECT user_id, region, height_cm, sex, car_fuel, car_size, locale, easy_mode, leaderboard,
       time_zone
FROM people WHERE user_id = ANY($user_ids)
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
# The columns an upsert replaces: the day's figures, and its four lists. Updating a list makes
# DuckDB delete and re-insert the row, so a batch whose lists are unchanged leaves them alone.
_STEP_DAY_FIGURES = (
    "steps", "device_distance_m", "track_distance_m", "track_moving_seconds",
    "track_max_speed_kmh", "distance_km", "distance_low_km", "distance_high_km", "step_rule",
    "status", "kg_co2e_avoided", "kg_low", "kg_high", "saving_rule", "factor_set_version",
    "updated_at",
)  # fmt: skip
_STEP_DAY_LISTS = ("step_factor_ids", "reasons", "saving_factor_ids", "fallbacks")


def _replacing(columns: tuple[str, ...]) -> str:
    """The ON CONFLICT clause of a step-day upsert that replaces ``columns`` (fixed names only)."""
    replaced = ", ".join(f"{c} = excluded.{c}" for c in columns)
    return (
        f"ON CONFLICT (user_id, day) DO UPDATE SET {replaced}, "
        "revision = step_days.revision + excluded.revision"
    )


_STEP_DAY_UPDATE = _replacing(_STEP_DAY_FIGURES + _STEP_DAY_LISTS)
SAVE_STEP_DAY = f"""
INSERT INTO step_days (user_id, {STEP_DAY_COLUMNS}, revision, updated_at)
VALUES ($user_id, $day, $steps, $device_distance_m, $track_distance_m, $track_moving_seconds,
        $track_max_speed_kmh, $distance_km, $distance_low_km, $distance_high_km, $step_rule,
        $step_factor_ids, $status, $reasons, $kg_co2e_avoided, $kg_low, $kg_high, $saving_rule,
        $saving_factor_ids, $fallbacks, $factor_set_version, $revision, $updated_at)
{_STEP_DAY_UPDATE}"""
# A shared commit's step days: one list per column, all of the same length, unnested side by
# side into rows; revision there counts the saves each row stands for.
_UNNESTED_STEP_DAY_COLUMNS = """CAST(unnest($user_id) AS VARCHAR),
       CAST(unnest($day) AS DATE),
       CAST(unnest($steps) AS INTEGER),
       CAST(unnest($device_distance_m) AS DOUBLE),
       CAST(unnest($track_distance_m) AS DOUBLE),
       CAST(unnest($track_moving_seconds) AS DOUBLE),
       CAST(unnest($track_max_speed_kmh) AS DOUBLE),
       CAST(unnest($distance_km) AS DOUBLE),
       CAST(unnest($distance_low_km) AS DOUBLE),
       CAST(unnest($distance_high_km) AS DOUBLE),
       CAST(unnest($step_rule) AS VARCHAR),
       CAST(unnest($step_factor_ids) AS VARCHAR[]),
       CAST(unnest($status) AS VARCHAR),
       CAST(unnest($reasons) AS VARCHAR[]),
       CAST(unnest($kg_co2e_avoided) AS DOUBLE),
       CAST(unnest($kg_low) AS DOUBLE),
       CAST(unnest($kg_high) AS DOUBLE),
       CAST(unnest($saving_rule) AS VARCHAR),
       CAST(unnest($saving_factor_ids) AS VARCHAR[]),
       CAST(unnest($fallbacks) AS VARCHAR[]),
       CAST(unnest($factor_set_version) AS VARCHAR),
       CAST(unnest($revision) AS INTEGER),
       CAST(unnest($updated_at) AS TIMESTAMPTZ)"""
SAVE_STEP_DAYS = f"""
INSERT INTO step_days (user_id, {STEP_DAY_COLUMNS}, revision, updated_at)
SELECT {_UNNESTED_STEP_DAY_COLUMNS}
{_STEP_DAY_UPDATE}"""
# The same for days already stored whose four lists are unchanged.
UPDATE_STEP_DAYS_KEEPING_LISTS = f"""
INSERT INTO step_days (user_id, {STEP_DAY_COLUMNS}, revision, updated_at)
SELECT {_UNNESTED_STEP_DAY_COLUMNS}
{_replacing(_STEP_DAY_FIGURES)}"""
# A batch's keys: every pair of the given people and days (the caller keeps the pairs it asked).
STEP_DAYS_BY_KEYS = f"""
SELECT user_id, {STEP_DAY_COLUMNS} FROM step_days
WHERE day = ANY($days) AND user_id = ANY($user_ids)
"""

TRIP_COLUMNS = """
trip_id, day, mode, replaced, distance_km, kg_co2e_avoided, kg_low, kg_high, saving_rule,
factor_ids, fallbacks, factor_set_version
"""
TRIP_BY_KEY = f"""
SELECT fingerprint, {TRIP_COLUMNS} FROM trips
WHERE user_id = $user_id AND idempotency_key = $key
"""
TRIPS_BY_KEYS = f"""
SELECT user_id, idempotency_key, fingerprint, {TRIP_COLUMNS} FROM trips
WHERE user_id = ANY($user_ids) AND idempotency_key = ANY($keys)
"""
# A shared commit's trips, one list per column (see SAVE_STEP_DAYS).
ADD_TRIPS = f"""
INSERT INTO trips (user_id, idempotency_key, fingerprint, {TRIP_COLUMNS}, created_at)
SELECT CAST(unnest($user_id) AS VARCHAR), CAST(unnest($key) AS VARCHAR),
       CAST(unnest($fingerprint) AS VARCHAR), CAST(unnest($trip_id) AS VARCHAR),
       CAST(unnest($day) AS DATE), CAST(unnest($mode) AS VARCHAR),
       CAST(unnest($replaced) AS VARCHAR), CAST(unnest($distance_km) AS DOUBLE),
       CAST(unnest($kg_co2e_avoided) AS DOUBLE), CAST(unnest($kg_low) AS DOUBLE),
       CAST(unnest($kg_high) AS DOUBLE), CAST(unnest($saving_rule) AS VARCHAR),
       CAST(unnest($factor_ids) AS VARCHAR[]), CAST(unnest($fallbacks) AS VARCHAR[]),
       CAST(unnest($factor_set_version) AS VARCHAR), CAST(unnest($now) AS TIMESTAMPTZ)
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

# Partners, projects, sponsors, money and donations.

ADD_PARTNER = "INSERT INTO partners VALUES ($partner_id, $name, $now)"
PARTNER = "SELECT partner_id, name FROM partners WHERE partner_id = $partner_id"
ADD_API_KEY = "INSERT INTO api_keys VALUES ($key_id, $partner_id, $key_sha256, $now, NULL)"
API_KEY = "SELECT partner_id, key_sha256, revoked_at FROM api_keys WHERE key_id = $key_id"
REVOKE_API_KEY = """
UPDATE api_keys SET revoked_at = $now
WHERE key_id = $key_id AND partner_id = $partner_id AND revoked_at IS NULL
RETURNING key_id
"""

PROJECT_COLUMNS = """
project_id, partner_id, title_en, title_zh, story_en, story_zh, goal_kind, goal_amount,
goal_currency, starts_on, ends_on, min_steps
"""
PROJECT = f"SELECT {PROJECT_COLUMNS} FROM projects WHERE project_id = $project_id"
PROJECTS = f"SELECT {PROJECT_COLUMNS} FROM projects ORDER BY starts_on DESC, project_id"
PARTNER_PROJECTS = f"""
SELECT {PROJECT_COLUMNS} FROM projects WHERE partner_id = $partner_id
ORDER BY starts_on DESC, project_id
"""
SAVE_PROJECT = f"""
INSERT INTO projects ({PROJECT_COLUMNS}, created_at, updated_at)
VALUES ($project_id, $partner_id, $title_en, $title_zh, $story_en, $story_zh, $goal_kind,
        $goal_amount, $goal_currency, $starts_on, $ends_on, $min_steps, $now, $now)
ON CONFLICT (project_id) DO UPDATE SET
    title_en = excluded.title_en, title_zh = excluded.title_zh,
    story_en = excluded.story_en, story_zh = excluded.story_zh,
    goal_kind = excluded.goal_kind, goal_amount = excluded.goal_amount,
    goal_currency = excluded.goal_currency, starts_on = excluded.starts_on,
    ends_on = excluded.ends_on, min_steps = excluded.min_steps, updated_at = excluded.updated_at
"""

SPONSOR_COLUMNS = """
s.sponsor_id, s.project_id, s.name, s.currency, s.rate_minor_per_10k_steps,
coalesce(sum(CASE WHEN l.kind = 'funding' THEN l.amount_minor ELSE -l.amount_minor END), 0)
    AS budget_left,
s.partner_id
"""
SPONSORS = f"""
SELECT {SPONSOR_COLUMNS}
FROM sponsors s LEFT JOIN money_ledger l USING (sponsor_id)
WHERE s.project_id = $project_id
GROUP BY ALL ORDER BY any_value(s.created_at), s.sponsor_id
"""
SPONSOR = f"""
SELECT {SPONSOR_COLUMNS}
FROM sponsors s LEFT JOIN money_ledger l USING (sponsor_id)
WHERE s.sponsor_id = $sponsor_id
GROUP BY ALL
"""
ADD_SPONSOR = """
INSERT INTO sponsors VALUES ($sponsor_id, $project_id, $partner_id, $name, $currency,
                             $rate_minor_per_10k_steps, $now)
"""
ADD_LEDGER_ENTRY = """
INSERT INTO money_ledger VALUES ($entry_id, $sponsor_id, $kind, $amount_minor, $currency,
                                 $donation_id, $idempotency_key, $now)
"""
FUNDING_BY_KEY = """
SELECT entry_id, amount_minor, currency FROM money_ledger
WHERE sponsor_id = $sponsor_id AND kind = 'funding' AND idempotency_key = $key
"""

DONATION_COLUMNS = """
d.donation_id, d.user_id, d.project_id, d.day, d.steps, d.km, d.kg_co2e, d.kg_low, d.kg_high,
d.factor_set_version, d.created_at, d.locale,
list({'sponsor_id': l.sponsor_id, 'name': s.name, 'currency': l.currency,
      'minor': l.amount_minor} ORDER BY l.sponsor_id)
    FILTER (WHERE l.entry_id IS NOT NULL) AS credits
"""
DONATION_FROM = """
FROM donations d
LEFT JOIN money_ledger l ON l.donation_id = d.donation_id AND l.kind = 'credit'
LEFT JOIN sponsors s ON s.sponsor_id = l.sponsor_id
"""
DONATION = f"""
SELECT {DONATION_COLUMNS} {DONATION_FROM} WHERE d.donation_id = $donation_id GROUP BY ALL
"""
DONATION_BY_KEY = f"""
SELECT d.fingerprint, {DONATION_COLUMNS} {DONATION_FROM}
WHERE d.user_id = $user_id AND d.idempotency_key = $key GROUP BY ALL
"""
DONATED_ON = "SELECT donation_id FROM donations WHERE user_id = $user_id AND day = $day"
# A batch's keys and days: every pair of the given people and values (the caller keeps its own).
DONATIONS_BY_KEYS = f"""
SELECT d.idempotency_key, d.fingerprint, {DONATION_COLUMNS} {DONATION_FROM}
WHERE d.user_id = ANY($user_ids) AND d.idempotency_key = ANY($keys) GROUP BY ALL
"""
DONATED_DAYS = (
    "SELECT user_id, day FROM donations WHERE user_id = ANY($user_ids) AND day = ANY($days)"
)
# A shared commit's donations and ledger entries, one list per column (see SAVE_STEP_DAYS).
ADD_DONATIONS = """
INSERT INTO donations
SELECT CAST(unnest($donation_id) AS VARCHAR), CAST(unnest($user_id) AS VARCHAR),
       CAST(unnest($project_id) AS VARCHAR), CAST(unnest($day) AS DATE),
       CAST(unnest($steps) AS INTEGER), CAST(unnest($km) AS DOUBLE),
       CAST(unnest($kg_co2e) AS DOUBLE), CAST(unnest($kg_low) AS DOUBLE),
       CAST(unnest($kg_high) AS DOUBLE), CAST(unnest($factor_set_version) AS VARCHAR),
       CAST(unnest($locale) AS VARCHAR), CAST(unnest($key) AS VARCHAR),
       CAST(unnest($fingerprint) AS VARCHAR), CAST(unnest($now) AS TIMESTAMPTZ)
"""
ADD_LEDGER_ENTRIES = """
INSERT INTO money_ledger
SELECT CAST(unnest($entry_id) AS VARCHAR), CAST(unnest($sponsor_id) AS VARCHAR),
       CAST(unnest($kind) AS VARCHAR), CAST(unnest($amount_minor) AS BIGINT),
       CAST(unnest($currency) AS VARCHAR), CAST(unnest($donation_id) AS VARCHAR),
       CAST(unnest($idempotency_key) AS VARCHAR), CAST(unnest($now) AS TIMESTAMPTZ)
"""
ADD_DONATION = """
INSERT INTO donations VALUES ($donation_id, $user_id, $project_id, $day, $steps, $km, $kg_co2e,
                              $kg_low, $kg_high, $factor_set_version, $locale, $key,
                              $fingerprint, $now)
"""

PROJECT_PROGRESS = """
SELECT count(DISTINCT user_id), coalesce(sum(steps), 0), coalesce(sum(kg_co2e), 0),
       count(*)
FROM donations WHERE project_id = $project_id
"""
# Raised for a project: its sponsors' credits and what team challenges matched for its donations.
PROJECT_MONEY = """
SELECT currency, sum(amount_minor) FROM (
    SELECT l.currency, l.amount_minor
    FROM money_ledger l JOIN donations d ON l.donation_id = d.donation_id
    WHERE d.project_id = $project_id AND l.kind = 'credit'
    UNION ALL
    SELECT currency, amount_minor FROM challenge_ledger WHERE project_id = $project_id
) AS raised
GROUP BY currency ORDER BY currency
"""

PERSON_DONATIONS = """
SELECT count(*), coalesce(sum(steps), 0), coalesce(sum(kg_co2e), 0)
FROM donations WHERE user_id = $user_id AND day BETWEEN $first AND $last
"""
PERSON_MONEY = """
SELECT l.currency, sum(l.amount_minor)
FROM money_ledger l JOIN donations d ON l.donation_id = d.donation_id
WHERE d.user_id = $user_id AND d.day BETWEEN $first AND $last AND l.kind = 'credit'
GROUP BY l.currency ORDER BY l.currency
"""

# One partner's donations with their credits, one row per (donation, credit), for reports.
PARTNER_DONATION_ROWS = """
SELECT d.donation_id, d.day, d.project_id, d.user_id, d.steps, d.kg_co2e,
       l.sponsor_id, l.currency, l.amount_minor
FROM donations d
JOIN projects p ON p.project_id = d.project_id
LEFT JOIN money_ledger l ON l.donation_id = d.donation_id AND l.kind = 'credit'
WHERE p.partner_id = $partner_id AND d.day BETWEEN $first AND $last
ORDER BY d.day, d.donation_id, l.sponsor_id
"""

# People's rights: all of a person's data, and erasure.
PERSON_STEP_DAYS = f"SELECT {STEP_DAY_COLUMNS} FROM step_days WHERE user_id = $user_id ORDER BY day"
PERSON_TRIPS = f"SELECT {TRIP_COLUMNS} FROM trips WHERE user_id = $user_id ORDER BY day, created_at"
PERSON_DONATION_IDS = "SELECT donation_id FROM donations WHERE user_id = $user_id ORDER BY day"
ERASE_STEP_DAYS = "DELETE FROM step_days WHERE user_id = $user_id"
ERASE_TRIPS = "DELETE FROM trips WHERE user_id = $user_id"
ERASE_PERSON = "DELETE FROM people WHERE user_id = $user_id"
# The one change a donation record ever sees: its donor's id replaced by a pseudonym on
# erasure. Steps, kg and money stay, so project totals stay right.
ERASE_DONOR = "UPDATE donations SET user_id = $pseudonym WHERE user_id = $user_id"

# One person's rows for the in-memory read model (people_cache.py).
PERSON_DAY_ROWS = """
SELECT day, steps, distance_km, kg_co2e_avoided, kg_low, kg_high, status
FROM step_days WHERE user_id = $user_id
"""
PERSON_TRIP_ROWS = """
SELECT day, sum(distance_km), sum(kg_co2e_avoided), sum(kg_low), sum(kg_high)
FROM trips WHERE user_id = $user_id GROUP BY day
"""
PERSON_DONATION_ROWS = """
SELECT d.day, d.steps, d.kg_co2e,
       list({'currency': l.currency, 'minor': l.amount_minor}) FILTER (WHERE l.entry_id IS NOT NULL)
FROM donations d
LEFT JOIN money_ledger l ON l.donation_id = d.donation_id AND l.kind = 'credit'
WHERE d.user_id = $user_id GROUP BY d.donation_id, d.day, d.steps, d.kg_co2e
"""

# Every opted-in person's total for a region and period, for the standings cache.
REGION_TOTALS = """
WITH opted_in AS (
    SELECT user_id FROM people WHERE region = $region AND leaderboard
), steps AS (
    SELECT user_id, sum(kg_co2e_avoided) AS kg FROM step_days
    WHERE day BETWEEN $first AND $last AND user_id IN (SELECT user_id FROM opted_in)
    GROUP BY user_id
), trip_kg AS (
    SELECT user_id, sum(kg_co2e_avoided) AS kg FROM trips
    WHERE day BETWEEN $first AND $last AND user_id IN (SELECT user_id FROM opted_in)
    GROUP BY user_id
)
SELECT o.user_id, coalesce(s.kg, 0) + coalesce(t.kg, 0)
FROM opted_in o LEFT JOIN steps s USING (user_id) LEFT JOIN trip_kg t USING (user_id)
"""

TEAM_COLUMNS = "team_id, name, kind, invite_code, created_by, created_at"
TEAM = f"SELECT {TEAM_COLUMNS} FROM teams WHERE team_id = $team_id"
TEAM_BY_CODE = f"SELECT {TEAM_COLUMNS} FROM teams WHERE invite_code = $invite_code"
ADD_TEAM = """
INSERT INTO teams VALUES ($team_id, $name, $kind, $invite_code, $created_by, $created_at)
"""
MEMBERSHIP_COLUMNS = "team_id, user_id, joined_at, left_at, on_leaderboard, nickname"
MEMBERSHIPS_OF = f"""
SELECT {MEMBERSHIP_COLUMNS} FROM team_members WHERE user_id = $user_id ORDER BY joined_at
"""
ADD_MEMBERSHIP = """
INSERT INTO team_members (team_id, user_id, joined_at, left_at, on_leaderboard, nickname)
VALUES ($team_id, $user_id, $joined_at, NULL, $on_leaderboard, $nickname)
"""
END_MEMBERSHIP = """
UPDATE team_members SET left_at = $now
WHERE team_id = $team_id AND user_id = $user_id AND left_at IS NULL
RETURNING team_id
"""
ACTIVE_MEMBERS = "SELECT count(*) FROM team_members WHERE team_id = $team_id AND left_at IS NULL"
ERASE_MEMBERSHIPS = "DELETE FROM team_members WHERE user_id = $user_id"
ERASE_TEAM_CREATOR = "UPDATE teams SET created_by = $pseudonym WHERE created_by = $user_id"

# Challenges: a team's goal, and what its sponsor matched (challenge_ledger, append-only).
CHALLENGE_COLUMNS = """
c.challenge_id, c.team_id, c.title, c.goal_kind, c.goal_amount, c.starts_on, c.ends_on,
c.sponsor_name, c.currency, c.rate_minor_per_10k_steps, c.cap_minor, c.bonus_minor
"""
CHALLENGE = f"""
SELECT {CHALLENGE_COLUMNS}, c.partner_id FROM challenges c WHERE c.challenge_id = $challenge_id
"""
CHALLENGE_BY_KEY = f"""
SELECT c.fingerprint, {CHALLENGE_COLUMNS} FROM challenges c
WHERE c.partner_id = $partner_id AND c.idempotency_key = $key
"""
TEAM_CHALLENGES = f"""
SELECT {CHALLENGE_COLUMNS} FROM challenges c WHERE c.team_id = $team_id
ORDER BY c.starts_on DESC, c.challenge_id
"""
PARTNER_CHALLENGES = f"""
SELECT {CHALLENGE_COLUMNS} FROM challenges c WHERE c.partner_id = $partner_id
ORDER BY c.starts_on DESC, c.challenge_id
"""
ADD_CHALLENGE = """
INSERT INTO challenges VALUES ($challenge_id, $team_id, $partner_id, $title, $goal_kind,
    $goal_amount, $starts_on, $ends_on, $sponsor_name, $currency, $rate, $cap, $bonus, $key,
    $fingerprint, $now)
"""
# Every stay in a team of the given people, with the team's challenges that end on or after
# $since: what a shared commit's donations may be matched by.
MEMBERS_CHALLENGES = f"""
SELECT m.user_id, {CHALLENGE_COLUMNS}, m.team_id, m.user_id, m.joined_at, m.left_at,
       m.on_leaderboard, m.nickname
FROM team_members m JOIN challenges c ON c.team_id = m.team_id
WHERE m.user_id = ANY($user_ids) AND c.ends_on >= $since
"""
# A donation counts for a challenge when its day is within the challenge's dates and within a
# stay of its donor in the team; EXISTS counts a day once even when two stays touch it.
_COUNTED_DONATIONS = """
FROM donations d, challenges c
WHERE c.challenge_id = $challenge_id AND d.day BETWEEN c.starts_on AND c.ends_on
  AND EXISTS (
    SELECT 1 FROM team_members m
    WHERE m.team_id = c.team_id AND m.user_id = d.user_id
      AND d.day >= CAST(m.joined_at AS DATE)
      AND (m.left_at IS NULL OR d.day <= CAST(m.left_at AS DATE)))
"""
CHALLENGE_PROGRESS = f"""
SELECT coalesce(sum(d.steps), 0), coalesce(sum(d.kg_co2e), 0), coalesce(sum(d.kg_low), 0),
       coalesce(sum(d.kg_high), 0),
       (SELECT coalesce(sum(amount_minor), 0) FROM challenge_ledger
        WHERE challenge_id = $challenge_id),
       (SELECT count(*) FROM challenge_ledger
        WHERE challenge_id = $challenge_id AND kind = 'bonus')
{_COUNTED_DONATIONS}
"""
# Members who opted in, with what they donated within the challenge, from their current stay.
CHALLENGE_BOARD = f"""
SELECT m.nickname, coalesce(sum(d.steps), 0), coalesce(sum(d.kg_co2e), 0), count(d.donation_id)
FROM team_members m
JOIN challenges c ON c.team_id = m.team_id AND c.challenge_id = $challenge_id
LEFT JOIN ({"SELECT d.* " + _COUNTED_DONATIONS}) d ON d.user_id = m.user_id
WHERE m.left_at IS NULL AND m.on_leaderboard
GROUP BY m.user_id, m.nickname
"""
ADD_CHALLENGE_ENTRIES = """
INSERT INTO challenge_ledger
SELECT CAST(unnest($entry_id) AS VARCHAR), CAST(unnest($challenge_id) AS VARCHAR),
       CAST(unnest($kind) AS VARCHAR), CAST(unnest($amount_minor) AS BIGINT),
       CAST(unnest($currency) AS VARCHAR), CAST(unnest($donation_id) AS VARCHAR),
       CAST(unnest($project_id) AS VARCHAR), CAST(unnest($now) AS TIMESTAMPTZ)
"""
DONATION_MATCHES = """
SELECT l.challenge_id, c.sponsor_name, l.kind, l.currency, l.amount_minor
FROM challenge_ledger l JOIN challenges c ON c.challenge_id = l.challenge_id
WHERE l.donation_id = $donation_id ORDER BY l.challenge_id, l.kind DESC
"""

# Appeals keep the evidence as it was when the person appealed; decisions are only ever added.
APPEAL_COLUMNS = """
a.appeal_id, a.user_id, a.day, a.reason, a.created_at, a.steps, a.device_distance_m,
a.track_distance_m, a.track_moving_seconds, a.track_max_speed_kmh, a.rules
"""
DECISION_COLUMNS = "appeal_id, outcome, reason, reviewer, decided_at"
ADD_APPEAL = """
INSERT INTO appeals VALUES ($appeal_id, $user_id, $day, $reason, $steps, $device_distance_m,
                            $track_distance_m, $track_moving_seconds, $track_max_speed_kmh,
                            $rules, $created_at)
"""
APPEAL = f"SELECT {APPEAL_COLUMNS} FROM appeals a WHERE a.appeal_id = $appeal_id"
APPEALS_OF_DAY = f"""
SELECT {APPEAL_COLUMNS} FROM appeals a WHERE a.user_id = $user_id AND a.day = $day
ORDER BY a.created_at
"""
# An appeal and its decision, if any, side by side (NULLs when it has none).
_APPEAL_RECORDS = f"""
SELECT {APPEAL_COLUMNS}, d.outcome, d.reason, d.reviewer, d.decided_at
FROM appeals a LEFT JOIN appeal_decisions d ON d.appeal_id = a.appeal_id
"""
APPEALS_OF = f"{_APPEAL_RECORDS} WHERE a.user_id = $user_id ORDER BY a.day DESC, a.created_at"
APPEALS_FOR_REVIEW = f"""
{_APPEAL_RECORDS}
WHERE $status = 'all' OR ($status = 'pending') = (d.appeal_id IS NULL)
ORDER BY a.created_at, a.appeal_id
LIMIT $limit
"""
DECISIONS = f"""
SELECT {DECISION_COLUMNS} FROM appeal_decisions WHERE appeal_id = $appeal_id
ORDER BY decided_at
"""
ADD_DECISION = f"""
INSERT INTO appeal_decisions ({DECISION_COLUMNS})
VALUES ($appeal_id, $outcome, $reason, $reviewer, $decided_at)
"""
# Erasure keeps the appeal (its decision refers to it) without anything that names the person.
ERASE_APPEALS = "UPDATE appeals SET user_id = $pseudonym, reason = '' WHERE user_id = $user_id"

KEY_ROLES = "SELECT role FROM api_key_roles WHERE key_id = $key_id ORDER BY role"
GRANT_ROLE = """
INSERT INTO api_key_roles VALUES ($key_id, $role) ON CONFLICT (key_id, role) DO NOTHING
"""

# Where the money went: pledges, payments and confirmations (see domain/payouts.py).

# Every pledge: each sponsor's credit for a donation, and each challenge's match or bonus.
PLEDGES_CTE = """
WITH pledges AS (
    SELECT l.entry_id, 'credit' AS kind, 'sponsor' AS payer_kind, l.sponsor_id AS payer_id,
           s.name AS payer_name, s.partner_id AS payer_partner_id, s.project_id, l.donation_id,
           l.currency, l.amount_minor, l.created_at
    FROM money_ledger l JOIN sponsors s USING (sponsor_id)
    WHERE l.kind = 'credit'
    UNION ALL
    SELECT l.entry_id, l.kind, 'challenge', l.challenge_id, c.sponsor_name, c.partner_id,
           l.project_id, l.donation_id, l.currency, l.amount_minor, l.created_at
    FROM challenge_ledger l JOIN challenges c USING (challenge_id)
)"""
# The accounts (payer, project, currency) some donations' pledges are owed in.
_DONATIONS_ACCOUNTS = """, accounts AS (
    SELECT DISTINCT payer_kind, payer_id, project_id, currency FROM pledges
    WHERE donation_id = ANY($donation_ids)
)"""
_ACCOUNT = """
payer_kind = $payer_kind AND payer_id = $payer_id AND project_id = $project_id
AND currency = $currency"""

SPONSOR_PAYER = """
SELECT sponsor_id, partner_id, name, currency, project_id FROM sponsors
WHERE sponsor_id = $payer_id
"""
CHALLENGE_PAYER = """
SELECT challenge_id, partner_id, sponsor_name, currency, NULL FROM challenges
WHERE challenge_id = $payer_id
"""
PARTNER_PAYERS = """
SELECT 'sponsor', sponsor_id, partner_id, name, currency, project_id FROM sponsors
WHERE partner_id = $partner_id
UNION ALL
SELECT 'challenge', challenge_id, partner_id, sponsor_name, currency, NULL FROM challenges
WHERE partner_id = $partner_id
ORDER BY 1 DESC, 2
"""
ACCOUNT_BALANCE = f"""{PLEDGES_CTE}
SELECT (SELECT coalesce(sum(amount_minor), 0) FROM pledges WHERE {_ACCOUNT}),
       (SELECT coalesce(sum(amount_minor), 0) FROM payments WHERE {_ACCOUNT})
"""
# A donation's pledges, each with the sum of its account's pledges recorded before it (in the
# order of domain/payouts.pledge_order), which is where the account's payments start paying it.
DONATION_PLEDGES = f"""{PLEDGES_CTE}{_DONATIONS_ACCOUNTS}, ranked AS (
    SELECT p.*,
           coalesce(sum(p.amount_minor) OVER (
               PARTITION BY p.payer_kind, p.payer_id, p.project_id, p.currency
               ORDER BY p.created_at, p.entry_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS owed_before
    FROM pledges p JOIN accounts USING (payer_kind, payer_id, project_id, currency)
)
SELECT entry_id, kind, payer_kind, payer_id, payer_name, project_id, donation_id, currency,
       amount_minor, created_at, owed_before
FROM ranked WHERE donation_id = ANY($donation_ids)
ORDER BY donation_id, payer_kind DESC, payer_id, created_at, entry_id
"""

PAYMENT_COLUMNS = """
payment_id, partner_id, payer_kind, payer_id, project_id, amount_minor, currency, reference,
paid_on, created_at
"""
PAYMENT_BY_KEY = f"""
SELECT fingerprint, {PAYMENT_COLUMNS} FROM payments
WHERE partner_id = $partner_id AND idempotency_key = $key
"""
ADD_PAYMENT = f"""
INSERT INTO payments ({PAYMENT_COLUMNS}, idempotency_key, fingerprint)
VALUES ($payment_id, $partner_id, $payer_kind, $payer_id, $project_id, $amount_minor, $currency,
        $reference, $paid_on, $created_at, $key, $fingerprint)
"""
# The payments of the accounts some donations' pledges are in, in the order they were recorded.
DONATIONS_PAYMENTS = f"""{PLEDGES_CTE}{_DONATIONS_ACCOUNTS}
SELECT {PAYMENT_COLUMNS} FROM payments JOIN accounts USING (payer_kind, payer_id, project_id,
                                                             currency)
ORDER BY created_at, payment_id
"""

CONFIRMATION_COLUMNS = """
confirmation_id, partner_id, project_id, item, quantity, amount_minor, currency, delivered_on,
note, created_at
"""
CONFIRMATION_BY_KEY = f"""
SELECT fingerprint, {CONFIRMATION_COLUMNS} FROM confirmations
WHERE partner_id = $partner_id AND idempotency_key = $key
"""
ADD_CONFIRMATION = f"""
INSERT INTO confirmations ({CONFIRMATION_COLUMNS}, idempotency_key, fingerprint)
VALUES ($confirmation_id, $partner_id, $project_id, $item, $quantity, $amount_minor, $currency,
        $delivered_on, $note, $created_at, $key, $fingerprint)
"""
PROJECT_CONFIRMATIONS = f"""
SELECT {CONFIRMATION_COLUMNS} FROM confirmations WHERE project_id = $project_id
ORDER BY delivered_on, created_at, confirmation_id
"""
PARTNER_CONFIRMATIONS = f"""
SELECT {CONFIRMATION_COLUMNS} FROM confirmations WHERE partner_id = $partner_id
ORDER BY project_id, delivered_on, created_at, confirmation_id
"""

PROJECT_OWED = f"""{PLEDGES_CTE}
SELECT currency, sum(amount_minor) FROM pledges WHERE project_id = $project_id
GROUP BY currency
"""
PROJECT_PAID = """
SELECT currency, sum(amount_minor) FROM payments WHERE project_id = $project_id
GROUP BY currency
"""

# Money pledged (by the month it was recorded, in UTC) and paid (by the month of paid_on) in
# every account a partner pays from or is paid into.
_PARTNER_ACCOUNTS = """
payer_partner_id = $partner_id
OR project_id IN (SELECT project_id FROM projects WHERE partner_id = $partner_id)"""
PARTNER_OWED_MONTHS = f"""{PLEDGES_CTE}
SELECT payer_kind, payer_id, project_id, currency,
       strftime(timezone('UTC', created_at), '%Y-%m') AS month, sum(amount_minor)
FROM pledges WHERE {_PARTNER_ACCOUNTS}
GROUP BY ALL ORDER BY ALL
"""
PARTNER_PAID_MONTHS = f"""
SELECT payer_kind, payer_id, project_id, currency, strftime(paid_on, '%Y-%m') AS month,
       sum(amount_minor)
FROM (SELECT *, partner_id AS payer_partner_id FROM payments) WHERE {_PARTNER_ACCOUNTS}
GROUP BY ALL ORDER BY ALL
"""
