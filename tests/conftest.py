import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from greenapp.domain.lookup import FactorTable
from greenapp.settings import default_factor_sources
from greenapp.store.factors.build import BuildResult, build_factor_db
from greenapp.store.factors.reader import load_factor_table
from tests import postgres

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


# The store the API and server tests run against: the embedded DuckDB file (the default), or
# PostgreSQL with GREENAPP_TEST_STORE=postgresql (./run test runs both).
TEST_STORE = os.environ.get("GREENAPP_TEST_STORE", "duckdb")
POSTGRES_SERVER = "GREENAPP_TEST_POSTGRES_SERVER"  # where servers started by tests find it


@pytest.fixture(scope="session", autouse=TEST_STORE == "postgresql")
def postgres_server() -> Iterator[str]:
    """A private PostgreSQL server on 127.0.0.1 with a migrated template database."""
    with postgres.cluster() as url:
        postgres.make_template(url)
        os.environ[POSTGRES_SERVER] = url
        yield url
        del os.environ[POSTGRES_SERVER]


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str | None:
    """A fresh PostgreSQL database when the suite runs on PostgreSQL, else None (DuckDB)."""
    if TEST_STORE != "postgresql":
        return None
    server: str = request.getfixturevalue("postgres_server")
    return postgres.fresh_database(server)


duckdb_only = pytest.mark.skipif(
    TEST_STORE == "postgresql",
    reason="file backups and CSV ingest are the embedded store's; PostgreSQL has pg_dump and COPY",
)

postgres_only = pytest.mark.skipif(
    TEST_STORE != "postgresql", reason="several server processes need PostgreSQL"
)
