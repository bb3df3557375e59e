"""The benchmark suite: each hot path against a ceiling measured in the same run.

    .venv/bin/python -m bench            # the full data set
    .venv/bin/python -m bench --quick    # a small one, for CI: fails only if a benchmark breaks

Load comes from wrk (Debian's), which shares the machine's cores with the server. Results are
printed as a table and appended, with the machine, versions and command, to bench/RESULTS.md.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx

from greenapp.settings import Settings, default_factor_sources
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.build import build_factor_db
from greenapp.store.storage import WRITE_CONFIG
from greenapp.web.auth import make_token

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECRET = "a-benchmark-secret-that-is-long-enough-to-use"
# Each wrk thread takes its own share of the people, so a person's counts only ever rise.
LUA_TOKENS = """
tokens = {{{tokens}}}
threads_made = 0
function setup(thread)
  thread:set("share", threads_made)
  threads_made = threads_made + 1
end
counter = 0
request = function()
  counter = counter + 1
  local token = tokens[((counter * 2 + share) % #tokens) + 1]
  wrk.headers["Authorization"] = "Bearer " .. token
  {body}
end
"""
LUA_GET = 'return wrk.format("GET", "{path}")'
LUA_PUT = (
    'wrk.headers["Content-Type"] = "application/json"\n'
    '  return wrk.format("PUT", "{path}", nil, string.format(\'{{"steps": %d}}\', 1000 + counter))'
)


@dataclass(frozen=True)
class Row:
    path: str
    figure: str
    ceiling: str
    ratio: float | None
    target: str


def populate(db_path: Path, people: int, days: int) -> None:
    """People with ``days`` of history each, written straight into the store's tables."""
    DuckDBActivityStore(db_path).close()  # migrations
    today = datetime.now(UTC).date()
    with duckdb.connect(str(db_path), config=dict(WRITE_CONFIG)) as db:
        db.execute(
            "INSERT INTO people (user_id, region, car_fuel, car_size, locale, easy_mode,"
            " leaderboard, time_zone, created_at, updated_at)"
            " SELECT 'p' || i, ['CN','GB','US','EU','WORLD'][1 + i % 5], 'unknown', 'average',"
            " 'en', false, i % 2 = 0, 'UTC', now(), now() FROM range(?) t(i)",
            [people],
        )
        db.execute(
            "INSERT INTO step_days SELECT 'p' || (i % $people), $today - CAST(i // $people AS INT),"
            " 3000 + i % 9000, NULL, NULL, NULL, NULL, (3000 + i % 9000) * 0.0007,"
            " (3000 + i % 9000) * 0.0006, (3000 + i % 9000) * 0.0008, 'population_average',"
            " ['s'], 'counted', [], (3000 + i % 9000) * 0.0000035, 0.0, 0.0001,"
            " 'steps_share_of_walking', ['c', 'w'], [], 'bench', 1, now()"
            " FROM range($rows) t(i)",
            {"people": people, "today": today, "rows": people * days},
        )


def single_row_upserts(work: Path, seconds: float) -> float:
    """The ceiling for durable writes: committed single-row upserts from one Python thread."""
    with duckdb.connect(str(work / "ceiling.duckdb"), config=dict(WRITE_CONFIG)) as db:
        db.execute("CREATE TABLE t (k VARCHAR PRIMARY KEY, n INTEGER)")
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            db.execute(
                "INSERT INTO t VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = excluded.n",
                [f"k{done % 5000}", done],
            )
            done += 1
        return done / (time.perf_counter() - started)


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("Requests/sec"))
    return float(line.split()[1])


def start_server(data: Path, factors: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = 18700 + os.getpid() % 1000
    env = {
        **os.environ,
        "GREENAPP_DATA_DIR": str(data),
        "GREENAPP_FACTORS_DB": str(factors),
        "GREENAPP_JWT_SECRET": SECRET,
        "GREENAPP_RATE_LIMIT_PER_MINUTE": "100000000",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "greenapp.cli.main", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def script(work: Path, name: str, people: int, body: str) -> Path:
    settings = Settings(jwt_secret=SECRET)
    tokens = ",".join(f'"{make_token(settings, f"p{i}")}"' for i in range(min(people, 2000)))
    path = work / f"{name}.lua"
    path.write_text(LUA_TOKENS.format(tokens=tokens, body=body))
    return path


def run(people: int, days: int, seconds: int) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        factors = build_factor_db(default_factor_sources(), work / "factors.duckdb").path
        populate(work / "greenapp.duckdb", people, days)
        upsert_rate = single_row_upserts(work, min(seconds, 5))
        process, url = start_server(work, factors)
        try:
            hello = wrk(f"{url}/healthz", seconds, 64)
            reading = script(work, "footprint", people,
                             LUA_GET.format(path="/api/v1/me/footprint?period=month"))  # fmt: skip
            wrk(url, seconds, 64, reading)  # warm-up: each person's first read loads their rows
            month = wrk(url, seconds, 64, reading)
            today = datetime.now(UTC).date()
            puts = wrk(url, seconds, 64, script(work, "steps", people,
                       LUA_PUT.format(path=f"/api/v1/me/steps/{today}")))  # fmt: skip
            page = wrk(f"{url}/explain/walking", seconds, 64)
            weight = len(httpx.get(f"{url}/explain/walking").content)
        finally:
            os.killpg(process.pid, 15)
            process.wait()
    rows.append(Row("GET /healthz (hello-world ceiling)", f"{hello:,.0f} req/s", "–", None, "–"))
    rows.append(Row("GET /api/v1/me/footprint?period=month", f"{month:,.0f} req/s",
                    f"{hello:,.0f} req/s (/healthz)", month / hello, "≥ 0.5"))  # fmt: skip
    rows.append(Row("PUT /api/v1/me/steps/{date}, durable", f"{puts:,.0f} uploads/s",
                    f"{upsert_rate:,.0f}/s (single-row committed upsert)", puts / upsert_rate,
                    "≥ 5"))  # fmt: skip
    rows.append(Row("GET /explain/walking", f"{page:,.0f} req/s; {weight / 1024:.0f} KB",
                    f"{hello:,.0f} req/s (/healthz)", page / hello, "≥ 0.5; ≤ 60 KB"))  # fmt: skip
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| path | figure | ceiling | ratio | target |", "|---|---|---|---|---|"]
    for r in rows:
        ratio = "–" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.path} | {r.figure} | {r.ceiling} | {ratio} | {r.target} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a small data set, for CI")
    parser.add_argument("--people", type=int, help="people in the data set (default 100,000)")
    parser.add_argument("--days", type=int, help="days of history each (default 365)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (Debian package wrk; ./run test installs it)")
    people, days, seconds = (500, 30, 2) if args.quick else (100_000, 365, 10)
    people, days = args.people or people, args.days or days
    rows = run(people, days, seconds)
    printed = table(rows)
    print(printed)
    if not args.quick:
        versions = f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
        with RESULTS.open("a") as out:
            out.write(
                f"\n## Hot paths, {people:,} people × {days} days of history "
                f"({datetime.now(UTC):%Y-%m-%d})\n\nCommand: `.venv/bin/python -m bench"
                f"{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}`. "
                f"Machine: {os.cpu_count()} cores, {platform.machine()}; {versions}; "
                f"wrk with 2 threads and 64 connections on the same machine.\n\n{printed}\n"
            )


if __name__ == "__main__":
    main()
