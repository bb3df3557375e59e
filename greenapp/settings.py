"""One frozen settings object, read from GREENAPP_* environment variables once at start-up."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_REPO_FACTOR_SOURCES = Path(__file__).resolve().parent.parent / "emission_factors"
_PACKAGED_FACTOR_SOURCES = Path(__file__).resolve().parent / "_emission_factors"


def default_factor_sources() -> Path:
    """The source tables beside a checkout, else the copy packed into an installed wheel."""
    if _REPO_FACTOR_SOURCES.is_dir():
        return _REPO_FACTOR_SOURCES
    return _PACKAGED_FACTOR_SOURCES


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path = Path("var")
    factor_sources: Path = _REPO_FACTOR_SOURCES
    factors_db: Path = Path("var/factors.duckdb")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("GREENAPP_DATA_DIR", "var"))
        return cls(
            data_dir=data_dir,
            factor_sources=Path(env.get("GREENAPP_FACTOR_SOURCES", default_factor_sources())),
            factors_db=Path(env.get("GREENAPP_FACTORS_DB", data_dir / "factors.duckdb")),
        )
