"""Per-request cost of a few routes, with the ASGI app driven in-process (no server, no network).

    .venv/bin/python -m bench.profile_requests               # microseconds a request
    .venv/bin/python -m bench.profile_requests footprint     # and a cProfile of that route

This isolates what the application does per request from what the server and the load generator
cost, which share the machine's cores in the HTTP benchmarks.
"""

import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from litestar import Litestar

from bench.__main__ import SECRET, populate
from greenapp.settings import Settings, default_factor_sources
from greenapp.store.factors.build import build_factor_db
from greenapp.web.app import create_app
from greenapp.web.auth import make_token

PEOPLE = 500
ROUTES = {
    "healthz": ("/healthz", False),
    "explain": ("/explain/walking", False),
    "footprint": ("/api/v1/me/footprint?period=month", True),
    "profile": ("/api/v1/me/profile", True),
}


async def call(app: Litestar, path: str, token: str | None) -> int:
    headers = [(b"host", b"bench")]
    if token:
        headers.append((b"authorization", b"Bearer " + token.encode()))
    route, _, query = path.partition("?")
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": route, "raw_path": route.encode(),
        "query_string": query.encode(), "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[arg-type]
    status: int = sent[0]["status"]
    return status


async def measure(app: Litestar, tokens: list[str], profiled: str | None) -> None:
    for i in range(PEOPLE):  # each person's rows into memory first
        await call(app, ROUTES["footprint"][0], tokens[i])
    for name, (path, authenticated) in ROUTES.items():
        started = time.perf_counter()
        for i in range(2000):
            status = await call(app, path, tokens[i % PEOPLE] if authenticated else None)
            assert status == 200, (name, status)
        print(f"{name}: {(time.perf_counter() - started) / 2000 * 1e6:.0f} µs a request")
    if profiled is not None:
        path, authenticated = ROUTES[profiled]
        profile = cProfile.Profile()
        profile.enable()
        for i in range(3000):
            await call(app, path, tokens[i % PEOPLE] if authenticated else None)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


async def main(profiled: str | None) -> None:
    work = Path(tempfile.mkdtemp())
    factors = build_factor_db(default_factor_sources(), work / "factors.duckdb").path
    populate(work / "greenapp.duckdb", "p", PEOPLE, 30)
    os.environ.update(
        GREENAPP_DATA_DIR=str(work),
        GREENAPP_FACTORS_DB=str(factors),
        GREENAPP_JWT_SECRET=SECRET,
        GREENAPP_RATE_LIMIT_PER_MINUTE="100000000",
    )
    settings = Settings.from_env()
    app = create_app(settings)
    tokens = [make_token(settings, f"p{i}") for i in range(PEOPLE)]
    async with app.lifespan():
        await measure(app, tokens, profiled)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
