from pathlib import Path

import pytest

from greenapp.domain.lookup import FactorTable
from greenapp.settings import default_factor_sources
from greenapp.store.factors.build import BuildResult, build_factor_db
from greenapp.store.factors.reader import load_factor_table

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def factor_sources() -> Path:
    return default_factor_sources()


@pytest.fixture(scope="session")
def built_factors(tmp_path_factory: pytest.TempPathFactory, factor_sources: Path) -> BuildResult:
    """The project's real factor database, built once per test run into a temporary folder."""
    return build_factor_db(factor_sources, tmp_path_factory.mktemp("factors") / "factors.duckdb")


@pytest.fixture(scope="session")
def factor_table(built_factors: BuildResult) -> FactorTable:
    """The lookup over the project's real factor tables."""
    return load_factor_table(built_factors.path)
