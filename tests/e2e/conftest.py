"""A real ``greenapp serve`` process on 127.0.0.1, for behaviour that is about HTTP and crashes."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from greenapp.settings import Settings
from greenapp.store.factors.build import BuildResult
from greenapp.web.auth import make_token
from tests import postgres
from tests.conftest import POSTGRES_SERVER, TEST_STORE
from tests.postgres import free_port

SECRET = "an-end-to-end-secret-that-is-long-enough"


@dataclass
class Server:
    """``greenapp serve`` on the store the suite runs on: its own DuckDB file, or a fresh
    PostgreSQL database served by two worker processes."""

    data_dir: Path
    factors_db: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] | None = None
    database_url: str | None = None
    workers: int = 1

    def __post_init__(self) -> None:
        if TEST_STORE == "postgresql" and self.database_url is None:
            self.database_url = postgres.fresh_database(os.environ[POSTGRES_SERVER])
            self.workers = 2

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "GREENAPP_DATA_DIR": str(self.data_dir),
            "GREENAPP_FACTORS_DB": str(self.factors_db),
            "GREENAPP_JWT_SECRET": SECRET,
            "GREENAPP_WORKERS": str(self.workers),
            **({"GREENAPP_DATABASE_URL": self.database_url} if self.database_url else {}),
            **(self.extra_env or {}),
        }

    def start(self) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "greenapp.cli.main", "serve", "--port", str(self.port)]
        with (self.data_dir / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                command, env=self.env(), stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        output = (self.data_dir / "server.log").read_text()
        raise RuntimeError(f"greenapp serve did not answer /healthz within 30 s:\n{output}")

    def kill(self) -> None:
        """End the server abruptly, as a power cut would (SIGKILL to its process group)."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    def token(self, user: str) -> str:
        """A token signed with the server's key, made here rather than by a subprocess."""
        settings = Settings(data_dir=self.data_dir, jwt_secret=SECRET)
        return make_token(settings, user)

    def token_from_command_line(self, user: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "greenapp.cli.main", "token", user],
            env=self.env(), capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, built_factors: BuildResult
) -> Iterator[Server]:
    """One server per test module; tests use their own user ids so they do not meet."""
    running = Server(tmp_path_factory.mktemp("server"), built_factors.path)
    running.start()
    yield running
    running.stop()
