"""Granian against uvicorn for this application, the same routes, the same data, one worker each.

    .tools/bin/uv run --with uvicorn python -m bench.asgi_servers

(uvicorn is not a dependency of greenapp; ``--with`` brings it for this run only.)
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.__main__ import LUA_GET, SECRET, populate, script, wrk
from greenapp.settings import default_factor_sources
from greenapp.store.factors.build import build_factor_db

APP = "greenapp.web.asgi:app_from_env"
SERVERS = {
    "granian": ["-m", "granian", "--interface", "asgi", "--factory", "--workers", "1", APP],
    "uvicorn": ["-m", "uvicorn", "--factory", "--workers", "1", "--log-level", "warning", APP],
}


def main() -> None:
    work = Path(tempfile.mkdtemp())
    factors = build_factor_db(default_factor_sources(), work / "factors.duckdb").path
    populate(work / "greenapp.duckdb", "p", 500, 30)
    env = {
        **os.environ,
        "GREENAPP_DATA_DIR": str(work),
        "GREENAPP_FACTORS_DB": str(factors),
        "GREENAPP_JWT_SECRET": SECRET,
        "GREENAPP_RATE_LIMIT_PER_MINUTE": "100000000",
    }
    footprint = LUA_GET.format(path="/api/v1/me/footprint?period=month")
    for n, (name, args) in enumerate(SERVERS.items()):
        port = str(18800 + n)
        process = subprocess.Popen([sys.executable, *args, "--port", port], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        hello = wrk(f"{url}/healthz", 8, 50).rate
        people = [f"p{i}" for i in range(500)]
        person = wrk(url, 8, 50, script(work, name, people, footprint)).rate
        page = wrk(f"{url}/explain/walking", 8, 50).rate
        print(f"| {name} | {hello:,.0f} | {person:,.0f} | {page:,.0f} |")
        os.killpg(process.pid, 15)
        process.wait()


if __name__ == "__main__":
    main()
