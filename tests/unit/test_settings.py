import subprocess
import sys
from pathlib import Path

import pytest

from greenapp.settings import Settings, SettingsError


def test_defaults_come_from_the_data_directory() -> None:
    settings = Settings.from_env({"GREENAPP_DATA_DIR": "/srv/g"})
    assert settings.db == Path("/srv/g/greenapp.duckdb")
    assert settings.factors_db == Path("/srv/g/factors.duckdb")
    assert (settings.walk_car_share, settings.port) == (0.05, 8000)


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "GREENAPP_WALK_CAR_SHARE": "0.1",
            "GREENAPP_WALK_CAR_SHARE_HIGH": "0.3",
            "GREENAPP_STEP_WINDOW_DAYS": "7",
            "GREENAPP_DAILY_STEP_CAP": "60000",
            "GREENAPP_PORT": "9001",
            "GREENAPP_HOST": "0.0.0.0",
        }
    )
    assert (settings.walk_car_share, settings.walk_car_share_high) == (0.1, 0.3)
    assert (settings.step_window_days, settings.daily_step_cap) == (7, 60000)
    assert (settings.port, settings.host) == (9001, "0.0.0.0")


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"GREENAPP_PORT": "eighty"}, "GREENAPP_PORT='eighty' is not a valid int"),
        ({"GREENAPP_WALK_CAR_SHARE": "0.5"}, "GREENAPP_WALK_CAR_SHARE_LOW <="),
        ({"GREENAPP_STEP_WINDOW_DAYS": "0"}, "GREENAPP_STEP_WINDOW_DAYS must be positive"),
    ],
)
def test_a_bad_value_is_named(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_the_command_reports_a_bad_setting_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "token", "ada"],
        env={"GREENAPP_PORT": "eighty", "GREENAPP_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "greenapp: GREENAPP_PORT='eighty' is not a valid int"


def test_a_token_secret_is_made_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = settings.token_secret()
    assert len(first) >= 32
    assert Settings(data_dir=tmp_path).token_secret() == first
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o077 == 0


def test_the_service_refuses_to_start_without_a_token_secret(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "serve", "--port", "1"],
        env={"GREENAPP_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "needs GREENAPP_JWT_SECRET" in result.stderr
    short = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "serve", "--port", "1"],
        env={"GREENAPP_DATA_DIR": str(tmp_path), "GREENAPP_JWT_SECRET": "short"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert short.returncode == 2
    assert "at least 32 characters" in short.stderr
