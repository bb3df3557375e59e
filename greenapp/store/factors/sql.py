"""Every SQL statement of the factor database, in one place.

Identifiers and comments here are constants of this module; values always travel as parameters.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    comment: str


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    comment: str
    columns: tuple[Column, ...]

    def create(self) -> str:
        body = ",\n  ".join(f"{c.name} {c.type}" for c in self.columns)
        return f"CREATE TABLE {self.name} (\n  {body}\n)"

    def insert(self) -> str:
        names = ", ".join(c.name for c in self.columns)
        params = ", ".join("?" for _ in self.columns)
        return f"INSERT INTO {self.name} ({names}) VALUES ({params})"

    def comments(self) -> list[str]:
        statements = [f"COMMENT ON TABLE {self.name} IS {quote_literal(self.comment)}"]
        statements += [
            f"COMMENT ON COLUMN {self.name}.{c.name} IS {quote_literal(c.comment)}"
            for c in self.columns
        ]
        return statements


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


SOURCES = Table(
    "sources",
    "Publications the factors come from: one row per publication and edition.",
    (
        Column(
            "source_id",
            "VARCHAR PRIMARY KEY",
            "Stable id of the publication, referenced by factors.source_id.",
        ),
        Column("publisher", "VARCHAR NOT NULL", "Organisation that published the figures."),
        Column("title", "VARCHAR NOT NULL", "Title of the publication or dataset."),
        Column("edition", "VARCHAR NOT NULL", "The publisher's name for the edition or release."),
        Column("url", "VARCHAR NOT NULL", "The publisher's address for the publication."),
        Column(
            "licence", "VARCHAR NOT NULL", "Licence under which the publisher releases the figures."
        ),
        Column("accessed", "VARCHAR", "When the publication (or the copy named in note) was read."),
        Column("note", "VARCHAR", "How the figures were read: publisher's page, or which copy."),
    ),
)

FACTORS = Table(
    "factors",
    "Emission factors and related figures, one row per published figure, in canonical units.",
    (
        Column(
            "factor_id", "VARCHAR PRIMARY KEY", "Stable id of the figure; savings records keep it."
        ),
        Column("quantity", "VARCHAR NOT NULL", "What is measured; see table quantities."),
        Column(
            "region",
            "VARCHAR NOT NULL",
            "ISO 3166-1 alpha-2 code, EU for the European Union, WORLD for the fallback.",
        ),
        Column(
            "mode",
            "VARCHAR",
            "Travel mode (see table modes); NULL for figures that are not about travel.",
        ),
        Column(
            "vehicle_class",
            "VARCHAR",
            "Size or service class: average, small, medium, large, local, national …",
        ),
        Column("fuel", "VARCHAR", "Fuel or drive (see table fuels); NULL where it does not apply."),
        Column("population", "VARCHAR", "For figures about people: male, female or all."),
        Column("year", "INTEGER NOT NULL", "Calendar year the figure describes."),
        Column("edition", "VARCHAR NOT NULL", "The publisher's edition the figure was read in."),
        Column(
            "value", "DOUBLE NOT NULL", "The figure converted to the canonical unit in column unit."
        ),
        Column("unit", "VARCHAR NOT NULL", "Canonical unit of value, low and high."),
        Column(
            "scope",
            "VARCHAR",
            "ttw, wtt, wtw, generation or lifecycle (see table scopes); NULL for non-emission figures.",
        ),
        Column("low", "DOUBLE NOT NULL", "Low end of the uncertainty range, canonical unit."),
        Column("high", "DOUBLE NOT NULL", "High end of the uncertainty range, canonical unit."),
        Column(
            "source_id",
            "VARCHAR NOT NULL REFERENCES sources (source_id)",
            "The publication, in table sources.",
        ),
        Column(
            "basis",
            "VARCHAR",
            "vkm (per vehicle-km) or pkm (per passenger-km) for per-distance figures.",
        ),
        Column(
            "gas", "VARCHAR", "CO2e (all greenhouse gases, GWP100) or CO2 (carbon dioxide only)."
        ),
        Column(
            "published_value", "VARCHAR NOT NULL", "The figure exactly as the publisher printed it."
        ),
        Column("published_unit", "VARCHAR NOT NULL", "The unit the publisher printed."),
        Column(
            "uncertainty_pct",
            "DOUBLE",
            "Stated plus-or-minus percentage, where the range was given that way.",
        ),
        Column("uncertainty_source", "VARCHAR NOT NULL", "Where the uncertainty range comes from."),
        Column("source_ref", "VARCHAR", "Where in the publication: table, sheet, row id, page."),
        Column(
            "evidence",
            "VARCHAR NOT NULL",
            "How close to the publisher the figure was checked (see table evidence_grades).",
        ),
        Column("note", "VARCHAR", "Remarks: derivations, caveats, copies used."),
        Column(
            "use",
            "VARCHAR NOT NULL",
            "default: used by the service lookups; alternative: kept for comparison.",
        ),
        Column("source_file", "VARCHAR NOT NULL", "Source-table CSV the row came from."),
        Column("source_line", "INTEGER NOT NULL", "Line of that CSV."),
    ),
)

FACTOR_SET = Table(
    "factor_set",
    "The version of this factor set: a hash of the source tables, with the build time.",
    (
        Column(
            "version",
            "VARCHAR NOT NULL",
            "Hash of the source tables; the same inputs always give the same version.",
        ),
        Column("built_at", "TIMESTAMPTZ NOT NULL", "When this file was built."),
        Column("format", "VARCHAR NOT NULL", "Version of the source-table format and build rules."),
        Column(
            "default_scope",
            "VARCHAR NOT NULL",
            "Scope used for savings unless a caller asks for another.",
        ),
        Column("factor_count", "INTEGER NOT NULL", "Rows in factors."),
        Column("source_count", "INTEGER NOT NULL", "Rows in sources."),
    ),
)


def vocabulary_table(name: str, key: str, comment: str) -> Table:
    return Table(
        name,
        comment,
        (
            Column(key, "VARCHAR PRIMARY KEY", f"The {key} as written in factors."),
            Column("description", "VARCHAR NOT NULL", "What it means."),
        ),
    )


VOCABULARIES = (
    (
        vocabulary_table("quantities", "quantity", "What each factors.quantity measures."),
        "QUANTITIES",
    ),
    (vocabulary_table("regions", "region", "Regions of the factors and their names."), "REGIONS"),
    (
        vocabulary_table(
            "modes", "mode", "The travel-mode vocabulary shared by factors, API and pages."
        ),
        "MODES",
    ),
    (vocabulary_table("fuels", "fuel", "Fuels and drives of vehicles."), "FUELS"),
    (
        vocabulary_table(
            "scopes", "scope", "Emission scopes: which part of the chain a figure counts."
        ),
        "SCOPES",
    ),
    (vocabulary_table("bases", "basis", "Per-vehicle or per-passenger distance bases."), "BASES"),
    (
        vocabulary_table(
            "evidence_grades", "evidence", "How close to the publisher each figure was checked."
        ),
        "EVIDENCE",
    ),
)

VIEWS = (
    (
        "current_factors",
        "The newest year of every default figure per region, quantity, mode, class, fuel, population, scope and basis.",
        """
        CREATE VIEW current_factors AS
        SELECT * EXCLUDE (rank_in_key) FROM (
          SELECT f.*, row_number() OVER (
            PARTITION BY quantity, region, mode, vehicle_class, coalesce(fuel, 'unknown'),
                         population, scope, basis
            ORDER BY year DESC) AS rank_in_key
          FROM factors f WHERE use = 'default')
        WHERE rank_in_key = 1
        """,
    ),
    (
        "factors_cited",
        "Every factor with its publication: publisher, title, edition, URL and licence.",
        """
        CREATE VIEW factors_cited AS
        SELECT f.factor_id, f.quantity, f.region, f.mode, f.vehicle_class, f.fuel, f.year,
               f.value, f.unit, f.basis, f.scope, f.low, f.high, f.evidence,
               s.publisher, s.title, s.edition AS source_edition, s.url, s.licence
        FROM factors f JOIN sources s USING (source_id)
        """,
    ),
    (
        "travel_factors",
        "Per-km travel emissions in kg per km with their range, newest year per key.",
        """
        CREATE VIEW travel_factors AS
        SELECT region, mode, vehicle_class, coalesce(fuel, 'unknown') AS fuel, year, basis,
               scope, gas, value AS kg_per_km, low AS kg_low, high AS kg_high, factor_id,
               source_id
        FROM current_factors WHERE quantity = 'travel_emissions'
        """,
    ),
    (
        "grid_intensity_by_year",
        "Electricity grid intensity per region and year, kg per kWh.",
        """
        CREATE VIEW grid_intensity_by_year AS
        SELECT region, year, scope, gas, value AS kg_per_kwh, low AS kg_low, high AS kg_high,
               use, factor_id, source_id
        FROM factors WHERE quantity = 'grid_intensity'
        """,
    ),
)

SELECT_FACTORS = """
SELECT factor_id, quantity, region, mode, vehicle_class, fuel, population, year, edition,
       value, unit, low, high, basis, scope, published_value, published_unit, uncertainty_pct,
       uncertainty_source, source_id, source_ref, evidence, note, use
FROM factors ORDER BY factor_id
"""

SELECT_SOURCES = """
SELECT source_id, publisher, title, edition, url, licence, accessed, note
FROM sources ORDER BY source_id
"""

SELECT_VERSION = "SELECT version, built_at FROM factor_set"

SELECT_FACTORS_FOR_SHOW = """
SELECT f.factor_id, f.quantity, f.region, f.mode, f.vehicle_class, f.fuel, f.population, f.year,
       f.value, f.unit, f.basis, f.scope, f.low, f.high, f.evidence, s.publisher, s.edition
FROM factors f JOIN sources s USING (source_id)
WHERE ($region IS NULL OR f.region = $region)
  AND ($mode IS NULL OR f.mode = $mode)
  AND ($quantity IS NULL OR f.quantity = $quantity)
ORDER BY f.quantity, f.region, f.mode NULLS FIRST, f.vehicle_class, f.fuel, f.year, f.factor_id
"""
