"""Small, clearly synthetic source tables for testing the rules (not real published figures)."""

import csv
from collections.abc import Iterable
from pathlib import Path

from greenapp.domain.factors import FACTOR_COLUMNS, SOURCE_COLUMNS, Factor, parse_factor_row

TEST_SOURCE = {
    "source_id": "test-source",
    "publisher": "Test publisher",
    "title": "Synthetic figures for tests",
    "edition": "1",
    "url": "https://example.org/test",
    "licence": "not stated",
    "accessed": "",
    "note": "",
}


def row(**cells: str) -> dict[str, str]:
    """A valid factor row (a GB average car, per vehicle-km), with ``cells`` replaced."""
    base = dict.fromkeys(FACTOR_COLUMNS, "")
    base.update(
        factor_id="test.gb.car.average.unknown.ttw",
        quantity="travel_emissions",
        region="GB",
        mode="car",
        vehicle_class="average",
        fuel="unknown",
        year="2025",
        edition="2025",
        value="0.2",
        unit="kg CO2e/km",
        basis="vkm",
        scope="ttw",
        uncertainty_pct="10",
        uncertainty_source="greenapp estimate: test",
        source_id="test-source",
        evidence="P",
    )
    base.update(cells)
    return base


def factor(**cells: str) -> Factor:
    return parse_factor_row(row(**cells))


def write_tables(
    folder: Path,
    factors: Iterable[dict[str, str]],
    sources: Iterable[dict[str, str]] = (TEST_SOURCE,),
    name: str = "test.csv",
) -> Path:
    (folder / "factors").mkdir(parents=True, exist_ok=True)
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    _write(folder / "factors" / name, FACTOR_COLUMNS, factors)
    _write(folder / "sources" / name, SOURCE_COLUMNS, sources)
    return folder


def _write(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
