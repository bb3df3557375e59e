"""The research export: every table and view it writes, with the comments it carries.

Each table is a SELECT over the live store (the activity tables) and the factor database
(attached as ``factor_db``), written into the export file (attached as ``research``). Values
travel as parameters ($secret, $k); names here are constants.
"""

from dataclasses import dataclass

# Each person's pseudonym, computed once per person rather than once per row, and its rank in
# pseudonym order; a temporary table of the snapshot's connection, never written to the export.
PSEUDONYMS = """
CREATE TEMP TABLE pseudonyms AS
SELECT *, row_number() OVER (ORDER BY pseudonym) AS rank
FROM (SELECT user_id, region, car_fuel, car_size,
             substr(sha256($secret || ':' || user_id), 1, 20) AS pseudonym
      FROM people)
"""
DROP_PSEUDONYMS = "DROP TABLE IF EXISTS pseudonyms"


@dataclass(frozen=True, slots=True)
class Export:
    name: str
    comment: str
    select: str
    columns: dict[str, str]
    view: bool = False


DAILY_ACTIVITY = Export(
    "daily_activity",
    "One row per person and day with a step count: distance, carbon avoided and how it was "
    "computed. People appear only as pseudonyms that change with every export.",
    """
    SELECT p.pseudonym, d.day, p.region, p.car_fuel, p.car_size, d.steps, d.distance_km AS km,
           d.kg_co2e_avoided AS kg_avoided, d.kg_low, d.kg_high, d.status,
           len(d.reasons) AS flag_count, d.step_rule, d.saving_rule,
           d.factor_set_version, list_concat(d.step_factor_ids, d.saving_factor_ids) AS factor_ids
    FROM step_days d JOIN pseudonyms p USING (user_id)
    -- By day, then pseudonym (its rank sorts the same way, at less cost), so that row order
    -- tells nothing of the order the store holds rows in, and differs between exports.
    ORDER BY d.day, p.rank
    """,
    {
        "pseudonym": "The person, as a keyed hash that is different in every export.",
        "day": "The calendar day of the count (the person's own date).",
        "region": "The person's region: CN, GB, US, EU or WORLD.",
        "car_fuel": "Fuel of the car the person would otherwise drive (unknown: region average).",
        "car_size": "Size class of that car (average when not given).",
        "steps": "The day's final cumulative step count.",
        "km": "Distance walked that day, in km.",
        "kg_avoided": "kg CO2e avoided that day on greenapp's default basis (0 when flagged).",
        "kg_low": "Low end of the avoided range, kg CO2e.",
        "kg_high": "High end of the avoided range, kg CO2e.",
        "status": "counted, or flagged (kept but not counted; see docs/method.md#plausibility).",
        "flag_count": "How many plausibility reasons flagged the day (0 when counted).",
        "step_rule": "How the step length was found: device, height_ratio or population_average.",
        "saving_rule": "Which saving rule applied (steps_share_of_walking, replaced_nothing).",
        "factor_set_version": "Version of the factor set the row was computed with.",
        "factor_ids": "Ids of the factors used (see table factors).",
    },
)

TRIPS = Export(
    "trips",
    "Low-carbon trips people recorded, with what each replaced and the carbon avoided.",
    """
    SELECT p.pseudonym, t.day, p.region, t.mode, t.replaced, t.distance_km AS km,
           t.kg_co2e_avoided AS kg_avoided, t.kg_low, t.kg_high, t.saving_rule,
           t.factor_set_version, t.factor_ids
    FROM trips t JOIN pseudonyms p USING (user_id)
    ORDER BY t.day, pseudonym
    """,
    {
        "pseudonym": "The person, as in daily_activity.",
        "day": "Day of the trip.",
        "region": "The person's region.",
        "mode": "How the person travelled: walk, bicycle, ebike, bus, coach, metro, tram, rail.",
        "replaced": "What the trip replaced: car (the person's own), taxi, motorbike or none.",
        "km": "Length of the trip, km.",
        "kg_avoided": "kg CO2e avoided: km × (replaced − used).",
        "kg_low": "Low end of the avoided range.",
        "kg_high": "High end of the avoided range.",
        "saving_rule": "replaced_<mode> or replaced_nothing.",
        "factor_set_version": "Version of the factor set used.",
        "factor_ids": "Ids of the factors used.",
    },
)

DONATIONS = Export(
    "donations",
    "Days of steps given to charity projects, with the carbon and the sponsor money.",
    """
    SELECT p.pseudonym, d.day, p.region, d.project_id,
           d.steps, d.km, d.kg_co2e AS kg_avoided, d.kg_low, d.kg_high, d.factor_set_version,
           coalesce(sum(l.amount_minor), 0) AS money_minor, any_value(l.currency) AS currency
    FROM donations d JOIN pseudonyms p USING (user_id)
    LEFT JOIN money_ledger l ON l.donation_id = d.donation_id AND l.kind = 'credit'
    GROUP BY ALL
    ORDER BY d.day, pseudonym
    """,
    {
        "pseudonym": "The donor, as in daily_activity.",
        "day": "The day whose steps were given.",
        "region": "The donor's region.",
        "project_id": "The project given to (see table projects).",
        "steps": "Steps given.",
        "km": "Distance of those steps, km.",
        "kg_avoided": "kg CO2e those steps avoided.",
        "kg_low": "Low end of the range.",
        "kg_high": "High end of the range.",
        "factor_set_version": "Version of the factor set used.",
        "money_minor": "Sponsor money credited, in minor units of currency (all sponsors).",
        "currency": "ISO 4217 currency of money_minor (NULL when nothing was credited).",
    },
)

PROJECTS = Export(
    "projects",
    "Charity projects people gave steps to.",
    """
    SELECT project_id, title_en, title_zh, goal_kind, goal_amount, goal_currency, starts_on,
           ends_on, min_steps
    FROM projects ORDER BY project_id
    """,
    {
        "project_id": "Project id.",
        "title_en": "Title in English.",
        "title_zh": "Title in Chinese.",
        "goal_kind": "money, steps or kg.",
        "goal_amount": "The goal: minor units of goal_currency, steps, or kg.",
        "goal_currency": "Currency of a money goal.",
        "starts_on": "First day the project takes donations.",
        "ends_on": "Last day the project takes donations.",
        "min_steps": "Fewest steps one donation may give.",
    },
)

REGION_DAY = Export(
    "region_daily",
    "Daily totals per region, with every cell of fewer than k people suppressed (NULL).",
    """
    -- A person has at most one row a day, so a cell's rows are its people.
    WITH cells AS (
        SELECT region, day, count(*) AS people, sum(steps) AS steps,
               sum(km) AS km, sum(kg_avoided) AS kg_avoided
        FROM research.daily_activity WHERE status = 'counted' GROUP BY ALL
    )
    SELECT region, day,
           CASE WHEN people >= $k THEN people END AS people,
           CASE WHEN people >= $k THEN steps END AS steps,
           CASE WHEN people >= $k THEN km END AS km,
           CASE WHEN people >= $k THEN kg_avoided END AS kg_avoided,
           people < $k AS suppressed
    FROM cells ORDER BY day, region
    """,
    {
        "region": "Region.",
        "day": "Day.",
        "people": "People with a counted day (NULL when fewer than k).",
        "steps": "Their steps (NULL when suppressed).",
        "km": "Their distance, km (NULL when suppressed).",
        "kg_avoided": "Their kg CO2e avoided (NULL when suppressed).",
        "suppressed": "True when the cell had fewer than k people and its values are withheld.",
    },
)

MODE_MONTH = Export(
    "mode_monthly",
    "Trips per region, month, mode and what they replaced; cells of fewer than k people "
    "suppressed.",
    """
    WITH cells AS (
        SELECT region, date_trunc('month', day)::DATE AS month, mode, replaced,
               count(DISTINCT pseudonym) AS people, count(*) AS trips, sum(km) AS km,
               sum(kg_avoided) AS kg_avoided
        FROM research.trips GROUP BY ALL
    )
    SELECT region, month, mode, replaced,
           CASE WHEN people >= $k THEN people END AS people,
           CASE WHEN people >= $k THEN trips END AS trips,
           CASE WHEN people >= $k THEN km END AS km,
           CASE WHEN people >= $k THEN kg_avoided END AS kg_avoided,
           people < $k AS suppressed
    FROM cells ORDER BY month, region, mode, replaced
    """,
    {
        "region": "Region.",
        "month": "First day of the month.",
        "mode": "Mode used.",
        "replaced": "What it replaced.",
        "people": "People with such trips (NULL when fewer than k).",
        "trips": "Number of trips (NULL when suppressed).",
        "km": "Their km (NULL when suppressed).",
        "kg_avoided": "Their kg CO2e avoided (NULL when suppressed).",
        "suppressed": "True when the cell had fewer than k people.",
    },
)

FACTOR_TABLES = ("sources", "factors", "factor_set")
COPY_FACTOR_TABLE = "CREATE TABLE research.{name} AS SELECT * FROM factor_db.main.{name}"

EXPORT_INFO = """
CREATE TABLE research.export_info AS
SELECT $exported_at::TIMESTAMPTZ AS exported_at, $k::INTEGER AS k,
       (SELECT list(DISTINCT factor_set_version ORDER BY factor_set_version)
        FROM research.daily_activity) AS factor_set_versions,
       (SELECT count(*) FROM research.daily_activity) AS daily_rows,
       (SELECT count(*) FROM research.trips) AS trip_rows,
       (SELECT count(*) FROM research.donations) AS donation_rows
"""
EXPORT_INFO_COMMENTS = {
    "exported_at": "When the snapshot was taken.",
    "k": "Smallest number of people an aggregate cell may describe; smaller cells are NULL.",
    "factor_set_versions": "Factor-set versions the activity rows were computed with.",
    "daily_rows": "Rows in daily_activity.",
    "trip_rows": "Rows in trips.",
    "donation_rows": "Rows in donations.",
}

VIEWS = {
    "region_monthly": (
        "Monthly totals per region from region_daily (suppressed days count as unknown).",
        """
        SELECT region, date_trunc('month', day)::DATE AS month, sum(steps) AS steps,
               sum(kg_avoided) AS kg_avoided, count(*) FILTER (WHERE suppressed) AS days_suppressed
        FROM research.region_daily GROUP BY ALL ORDER BY month, region
        """,
    ),
    "donation_projects": (
        "Donations per project: count, steps, kg and money.",
        """
        SELECT p.project_id, p.title_en, count(*) AS donations, sum(d.steps) AS steps,
               sum(d.kg_avoided) AS kg_avoided, sum(d.money_minor) AS money_minor,
               any_value(d.currency) AS currency
        FROM research.donations d JOIN research.projects p USING (project_id)
        GROUP BY ALL ORDER BY donations DESC
        """,
    ),
}

TABLES = (DAILY_ACTIVITY, TRIPS, DONATIONS, PROJECTS, REGION_DAY, MODE_MONTH)
