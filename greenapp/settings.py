"""One frozen settings object, read from GREENAPP_* environment variables once at start-up.

Every variable is listed in README.md (a test checks that none is missing there).
"""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

N = TypeVar("N", int, float)

_REPO_FACTOR_SOURCES = Path(__file__).resolve().parent.parent / "emission_factors"
_PACKAGED_FACTOR_SOURCES = Path(__file__).resolve().parent / "_emission_factors"


def default_factor_sources() -> Path:
    """The source tables beside a checkout, else the copy packed into an installed wheel."""
    if _REPO_FACTOR_SOURCES.is_dir():
        return _REPO_FACTOR_SOURCES
    return _PACKAGED_FACTOR_SOURCES


class SettingsError(ValueError):
    """An environment variable holds a value greenapp cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path = Path("var")
    factor_sources: Path = _REPO_FACTOR_SOURCES
    factors_db: Path = Path("var/factors.duckdb")
    db: Path = Path("var/greenapp.duckdb")
    jwt_secret: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    walk_car_share: float = 0.05
    walk_car_share_low: float = 0.02
    walk_car_share_high: float = 0.20
    step_window_days: int = 30
    daily_step_cap: int = 100_000
    operator_token_value: str | None = None
    research_k: int = 10
    rate_limit_per_minute: int = 600
    # PostgreSQL instead of the embedded DuckDB file, e.g. postgresql://greenapp@127.0.0.1/greenapp
    database_url: str | None = None
    pool_size: int = 10  # connections per server process (PostgreSQL only)
    workers: int = 1  # server processes; more than one needs PostgreSQL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        d = _DEFAULTS
        data_dir = Path(env.get("GREENAPP_DATA_DIR", "var"))
        return cls(
            data_dir=data_dir,
            factor_sources=Path(env.get("GREENAPP_FACTOR_SOURCES", default_factor_sources())),
            factors_db=Path(env.get("GREENAPP_FACTORS_DB", data_dir / "factors.duckdb")),
            db=Path(env.get("GREENAPP_DB", data_dir / "greenapp.duckdb")),
            jwt_secret=env.get("GREENAPP_JWT_SECRET") or None,
            host=env.get("GREENAPP_HOST", d.host),
            port=_number(env, "GREENAPP_PORT", int, d.port),
            walk_car_share=_number(env, "GREENAPP_WALK_CAR_SHARE", float, d.walk_car_share),
            walk_car_share_low=_number(
                env, "GREENAPP_WALK_CAR_SHARE_LOW", float, d.walk_car_share_low
            ),
            walk_car_share_high=_number(
                env, "GREENAPP_WALK_CAR_SHARE_HIGH", float, d.walk_car_share_high
            ),
            step_window_days=_number(env, "GREENAPP_STEP_WINDOW_DAYS", int, d.step_window_days),
            daily_step_cap=_number(env, "GREENAPP_DAILY_STEP_CAP", int, d.daily_step_cap),
            operator_token_value=env.get("GREENAPP_OPERATOR_TOKEN") or None,
            research_k=_number(env, "GREENAPP_RESEARCH_K", int, d.research_k),
            rate_limit_per_minute=_number(
                env, "GREENAPP_RATE_LIMIT_PER_MINUTE", int, d.rate_limit_per_minute
            ),
            database_url=env.get("GREENAPP_DATABASE_URL") or None,
            pool_size=_number(env, "GREENAPP_POOL_SIZE", int, d.pool_size),
            workers=_number(env, "GREENAPP_WORKERS", int, d.workers),
        )

    def __post_init__(self) -> None:
        if not 0 <= self.walk_car_share_low <= self.walk_car_share <= self.walk_car_share_high <= 1:
            raise SettingsError(
                "GREENAPP_WALK_CAR_SHARE_LOW <= GREENAPP_WALK_CAR_SHARE <= "
                "GREENAPP_WALK_CAR_SHARE_HIGH must hold, all between 0 and 1"
            )
        for name, value in (("PORT", self.port), ("STEP_WINDOW_DAYS", self.step_window_days),
                            ("DAILY_STEP_CAP", self.daily_step_cap),
                            ("RESEARCH_K", self.research_k),
                            ("RATE_LIMIT_PER_MINUTE", self.rate_limit_per_minute),
                            ("POOL_SIZE", self.pool_size), ("WORKERS", self.workers)):  # fmt: skip
            if value <= 0:
                raise SettingsError(f"GREENAPP_{name} must be positive, not {value}")
        if self.database_url is not None and not self.database_url.startswith(
            ("postgresql://", "postgres://")
        ):
            raise SettingsError("GREENAPP_DATABASE_URL must be a postgresql:// URL")
        if self.workers > 1 and self.database_url is None:
            raise SettingsError(
                "GREENAPP_WORKERS > 1 needs GREENAPP_DATABASE_URL: one process writes a DuckDB file"
            )

    def token_secret(self) -> str:
        """GREENAPP_JWT_SECRET, else a random secret kept in the data directory."""
        return self.jwt_secret or _kept_secret(self.data_dir / "jwt-secret")

    def operator_token(self) -> str:
        """GREENAPP_OPERATOR_TOKEN, else a random token kept in the data directory."""
        return self.operator_token_value or _kept_secret(self.data_dir / "operator-token")


def _kept_secret(path: Path) -> str:
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


_DEFAULTS = Settings()


def _number(env: Mapping[str, str], name: str, kind: type[N], default: N) -> N:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a valid {kind.__name__}") from None
