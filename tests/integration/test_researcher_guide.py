"""The researcher guide's queries run as written, in the duckdb CLI and in polars."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from greenapp.store.factors.build import BuildResult

GUIDE = Path(__file__).resolve().parents[2] / "emission_factors" / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(), flags=re.S)


def duckdb_cli() -> str:
    found = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")
    assert found, "the duckdb CLI is installed with the test extras"
    return found


def test_the_guide_has_five_example_queries() -> None:
    assert len(blocks("sql")) == 5


@pytest.mark.parametrize("number", range(5))
def test_each_example_query_runs_in_the_duckdb_cli_and_returns_rows(
    built_factors: BuildResult, number: int
) -> None:
    query = blocks("sql")[number]
    done = subprocess.run(
        [duckdb_cli(), "-readonly", "-csv", str(built_factors.path), "-c", query],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) >= 2, f"query {number + 1} returned no rows"


def test_the_polars_example_runs(built_factors: BuildResult, tmp_path: Path) -> None:
    (python_example,) = blocks("python")
    shutil.copy(built_factors.path, tmp_path / "factors.duckdb")
    done = subprocess.run(
        [sys.executable, "-c", python_example],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "kg_per_km" in done.stdout
