"""The benchmark suite: each hot path against a ceiling measured in the same run.

    .venv/bin/python -m bench            # the full data set
    .venv/bin/python -m bench --quick    # a small one, for CI: fails only if a benchmark breaks

Load comes from wrk (Debian's), which shares the machine's cores with the server. Results are
printed as a table and appended, with the machine, versions and command, to bench/RESULTS.md.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import httpx

from greenapp.domain.donations import Project
from greenapp.domain.money import Money
from greenapp.services import partners
from greenapp.settings import Settings, default_factor_sources
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.build import build_factor_db
from greenapp.store.factors.reader import load_factor_table
from greenapp.store.storage import WRITE_CONFIG
from greenapp.web.app import context_for
from greenapp.web.auth import make_token

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECRET = "a-benchmark-secret-that-is-long-enough-to-use"
DECADE = 3653
MONTH = 30
# Each wrk thread takes its own share of the people (wrk runs two), so a person's counts only
# ever rise and a (person, day) pair is donated by one request.
LUA_TOKENS = """
tokens = {{{tokens}}}
days = {{{days}}}
threads_made = 0
function setup(thread)
  thread:set("share", threads_made)
  threads_made = threads_made + 1
end
counter = 0
request = function()
  counter = counter + 1
  local n = counter * 2 + share
  local token = tokens[(n % #tokens) + 1]
  local day = days[(math.floor(n / #tokens) % #days) + 1]
  wrk.headers["Authorization"] = "Bearer " .. token
  {body}
end
{pace}
"""
LUA_GET = 'return wrk.format("GET", "{path}")'
LUA_PUT = (
    'wrk.headers["Content-Type"] = "application/json"\n'
    '  return wrk.format("PUT", "{path}", nil, string.format(\'{{"steps": %d}}\', 20000 + counter))'
)
LUA_DONATE = (
    'wrk.headers["Content-Type"] = "application/json"\n'
    '  wrk.headers["Idempotency-Key"] = "bench-" .. n\n'
    '  return wrk.format("POST", "/api/v1/donations", nil,\n'
    '    \'{{"project_id": "{project}", "date": "\' .. day .. \'"}}\')'
)
# wrk waits this many milliseconds before each request on a connection: a paced load.
LUA_PACE = "function delay() return {ms} end"


@dataclass(frozen=True)
class Row:
    path: str
    figure: str
    ceiling: str
    ratio: float | None
    target: str


@dataclass(frozen=True)
class Load:
    rate: float  # answers per second with a 2xx status (wrk counts refusals as requests too)
    p50_ms: float
    p99_ms: float
    refused: int = 0  # answers that were not 2xx


def populate(db_path: Path, prefix: str, people: int, days: int) -> None:
    """People ``{prefix}0…`` with ``days`` of counted history each, straight into the tables."""
    DuckDBActivityStore(db_path).close()  # migrations
    today = datetime.now(UTC).date()
    with duckdb.connect(str(db_path), config=dict(WRITE_CONFIG)) as db:
        db.execute(
            "INSERT INTO people (user_id, region, car_fuel, car_size, locale, easy_mode,"
            " leaderboard, time_zone, created_at, updated_at)"
            " SELECT $prefix || i, ['CN','GB','US','EU','WORLD'][1 + i % 5], 'unknown', 'average',"
            " 'en', false, i % 2 = 0, 'UTC', now(), now() FROM range($people) t(i)",
            {"prefix": prefix, "people": people},
        )
        db.execute(
            "INSERT INTO step_days SELECT $prefix || (i % $people),"
            " $today - CAST(i // $people AS INT),"
            " 3000 + i % 9000, NULL, NULL, NULL, NULL, (3000 + i % 9000) * 0.0007,"
            " (3000 + i % 9000) * 0.0006, (3000 + i % 9000) * 0.0008, 'population_average',"
            " ['s'], 'counted', [], (3000 + i % 9000) * 0.0000035, 0.0, 0.0001,"
            " 'steps_share_of_walking', ['c', 'w'], [], 'bench', 1, now()"
            " FROM range($rows) t(i)",
            {"prefix": prefix, "people": people, "today": today, "rows": people * days},
        )


def funded_project(db_path: Path, factors: Path, budget_minor: int) -> str:
    """A project open this week whose one sponsor pays 1 CNY per 10,000 steps from ``budget``."""
    store = DuckDBActivityStore(db_path)
    ctx = context_for(Settings(jwt_secret=SECRET), load_factor_table(factors))
    today = datetime.now(UTC).date()
    try:
        partner, _ = partners.create_partner(store, ctx, "Benchmark partner")
        project = Project(
            partners.new_project_id(), partner.partner_id, {"en": "Benchmark"}, {"en": "–"},
            "steps", 10**12, None, today - timedelta(days=10), today + timedelta(days=10), 0,
        )  # fmt: skip
        partners.save_project(store, ctx, partner, project, creating=True)
        sponsor = partners.add_sponsor(store, ctx, partner, project.project_id, "S",
                                       Money("CNY", 100))  # fmt: skip
        partners.fund(store, ctx, partner, sponsor.sponsor_id, Money("CNY", budget_minor), "b")
    finally:
        store.close()
    return project.project_id


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


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(next(x for x in out.splitlines() if x.startswith("Requests/sec")).split()[1])
    total = re.search(r"^\s*(\d+) requests in", out, re.M)
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    n_refused = int(refused.group(1)) if refused else 0
    if total is not None and n_refused:
        rate *= 1 - n_refused / int(total.group(1))
    return Load(rate, _percentile(out, "50%"), _percentile(out, "99%"), n_refused)


def _percentile(wrk_output: str, which: str) -> float:
    match = re.search(rf"^\s+{re.escape(which)}\s+([\d.]+)(us|ms|s)\s*$", wrk_output, re.M)
    if match is None:
        raise RuntimeError(f"wrk printed no {which} latency:\n{wrk_output}")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def start_server(
    data: Path, factors: Path, settings: dict[str, str] | None = None, seconds: float = 30
) -> tuple[subprocess.Popen[bytes], str]:
    """``greenapp serve`` on ``data``, with more GREENAPP_* ``settings``; waits for /healthz."""
    port = 18700 + os.getpid() % 1000
    env = {
        **os.environ,
        "GREENAPP_DATA_DIR": str(data),
        "GREENAPP_FACTORS_DB": str(factors),
        "GREENAPP_JWT_SECRET": SECRET,
        "GREENAPP_RATE_LIMIT_PER_MINUTE": "100000000",
        **(settings or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "greenapp.cli.main", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_for(url, process, seconds)
    return process, url


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float) -> float:
    """Seconds until ``url``/healthz answers 200."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.02)
    os.killpg(process.pid, 9)
    raise RuntimeError("the server did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, 15)
    process.wait()


def warm(url: str, users: list[str], path: str) -> None:
    """Ask once for each person's ``path``, so that every one of them is in memory."""
    settings = Settings(jwt_secret=SECRET)
    with httpx.Client(base_url=url, timeout=60) as client, ThreadPoolExecutor(16) as pool:

        def ask(user_id: str) -> None:
            headers = {"Authorization": f"Bearer {make_token(settings, user_id)}"}
            client.get(path, headers=headers).raise_for_status()

        list(pool.map(ask, users))


def script(work: Path, name: str, users: list[str], body: str, pace_ms: int = 0) -> Path:
    settings = Settings(jwt_secret=SECRET)
    tokens = ",".join(f'"{make_token(settings, u)}"' for u in users)
    today = datetime.now(UTC).date()
    days = ",".join(f'"{today - timedelta(days=back)}"' for back in range(7))
    pace = LUA_PACE.format(ms=pace_ms) if pace_ms else ""
    path = work / f"{name}.lua"
    path.write_text(LUA_TOKENS.format(tokens=tokens, days=days, body=body, pace=pace))
    return path


def paced_ms(rate: float, connections: int) -> int:
    """The wait per connection that makes ``connections`` send about ``rate`` requests a second."""
    return max(1, round(1000 * connections / rate))


def demo_start(work: Path) -> tuple[float, float]:
    """Seconds from `greenapp serve --demo` to a first /healthz: fresh, then restarted."""
    port = 18600 + os.getpid() % 100
    env = {**os.environ, "GREENAPP_DATA_DIR": str(work / "demo")}
    command = [sys.executable, "-m", "greenapp.cli.main", "serve", "--demo", "--port", str(port)]
    times = []
    for _ in range(2):
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        try:
            _wait_for(f"http://127.0.0.1:{port}", process, 120)
            times.append(time.perf_counter() - started)
        finally:
            _stop(process)
    return times[0], times[1]


def donations_made(db_path: Path, project_id: str) -> tuple[int, int, int]:
    """(donations, credits paid, funding) of a project, read from the stopped store's file."""
    with duckdb.connect(str(db_path), read_only=True) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM donations WHERE project_id = ?", [project_id]
        ).fetchone() or (0,)
        credits, funding = db.execute(
            "SELECT coalesce(sum(amount_minor) FILTER (WHERE kind = 'credit'), 0),"
            " coalesce(sum(amount_minor) FILTER (WHERE kind = 'funding'), 0)"
            " FROM money_ledger JOIN sponsors USING (sponsor_id) WHERE project_id = ?",
            [project_id],
        ).fetchone() or (0, 0)
    return int(count), int(credits), int(funding)


@dataclass(frozen=True)
class Size:
    people: int
    days: int
    seconds: int
    history_people: int  # people with a decade, and as many with a month, of history
    token_people: int


def run(size: Size) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        factors = build_factor_db(default_factor_sources(), work / "factors.duckdb").path
        db_path = work / "greenapp.duckdb"
        populate(db_path, "p", size.people, size.days)
        populate(db_path, "m", size.history_people, MONTH)
        populate(db_path, "y", size.history_people, DECADE)
        open_project = funded_project(db_path, factors, 10**12)
        scarce_project = funded_project(db_path, factors, 20_000)
        upsert_rate = single_row_upserts(work, min(size.seconds, 5))
        process, url = start_server(work, factors)
        try:
            loads = _measure(work, url, size, open_project, scarce_project)
            weight = len(httpx.get(f"{url}/explain/walking").content)
        finally:
            _stop(process)
        given = donations_made(db_path, open_project)
        scarce = donations_made(db_path, scarce_project)
        demo_fresh, demo_again = demo_start(work)
    return _rows(loads, weight, upsert_rate, given, scarce, size.seconds, demo_fresh, demo_again)


def _measure(
    work: Path, url: str, size: Size, open_project: str, scarce_project: str
) -> dict[str, Load]:
    s, n = size.seconds, size.token_people
    main = [f"p{i}" for i in range(min(size.people, n))]
    months = [f"m{i}" for i in range(size.history_people)]
    decades = [f"y{i}" for i in range(size.history_people)]
    footprint = LUA_GET.format(path="/api/v1/me/footprint?period=month")
    hello = script(work, "hello", main, LUA_GET.format(path="/healthz"))
    reading = script(work, "footprint", main, footprint)
    loads: dict[str, Load] = {}
    loads["hello_plain"] = wrk(f"{url}/healthz", s, 64)
    loads["hello"] = wrk(url, s, 64, hello)
    path = "/api/v1/me/footprint?period=month"
    warm(url, main, path)  # each person's first read loads their rows
    loads["footprint"] = month = wrk(url, s, 64, reading)
    half = paced_ms(month.rate / 2, 64)
    loads["footprint_paced"] = wrk(url, s, 64, script(work, "paced", main, footprint, half))
    loads["cold_month"] = _first_reads(url, months[:50])
    loads["cold_decade"] = _first_reads(url, decades[:50])
    for group, users in (("month", months), ("decade", decades)):
        warm(url, users, path)
        loads[group] = wrk(url, s, 64, script(work, group, users, footprint, half))
    today = datetime.now(UTC).date()
    upload = LUA_PUT.format(path=f"/api/v1/me/steps/{today}")
    loads["puts"] = wrk(url, s, 64, script(work, "steps", main, upload))
    giving = script(work, "donate", main, LUA_DONATE.format(project=open_project))
    loads["donations"] = wrk(url, s, 200, giving)
    exhaust = script(work, "exhaust", months, LUA_DONATE.format(project=scarce_project))
    wrk(url, max(2, s // 2), 200, exhaust)
    loads["page"] = wrk(f"{url}/explain/walking", s, 64)
    return loads


def _first_reads(url: str, users: list[str]) -> Load:
    """Latency of each person's first footprint, before their rows are in memory."""
    settings = Settings(jwt_secret=SECRET)
    timings = []
    with httpx.Client(base_url=url) as client:
        for user_id in users:
            headers = {"Authorization": f"Bearer {make_token(settings, user_id)}"}
            started = time.perf_counter()
            client.get("/api/v1/me/footprint?period=month", headers=headers).raise_for_status()
            timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    return Load(0.0, timings[len(timings) // 2], timings[int(len(timings) * 0.99)])


def _rows(
    loads: dict[str, Load],
    weight: int,
    upsert_rate: float,
    given: tuple[int, int, int],
    scarce: tuple[int, int, int],
    seconds: int,
    demo_fresh: float,
    demo_again: float,
) -> list[Row]:
    hello, plain, month = loads["hello"], loads["hello_plain"], loads["footprint"]
    paced, puts, page = loads["footprint_paced"], loads["puts"], loads["page"]
    m, y = loads["month"], loads["decade"]
    cold_m, cold_y = loads["cold_month"], loads["cold_decade"]
    hello_ceiling = f"{hello.rate:,.0f} req/s (/healthz, same wrk script)"
    upsert_ceiling = f"{upsert_rate:,.0f}/s (single-row committed upsert)"
    donations_per_s = given[0] / seconds
    overspend = scarce[1] - scarce[2]
    return [
        Row("GET /healthz, plain wrk (for reference)", f"{plain.rate:,.0f} req/s", "–", None, "–"),
        Row("GET /healthz, the token-sending wrk script", f"{hello.rate:,.0f} req/s", "–", None,
            "–"),
        Row("GET /api/v1/me/footprint?period=month, 64 connections",
            f"{month.rate:,.0f} req/s{_refusals(month)}",
            hello_ceiling, month.rate / hello.rate, "≥ 0.5"),
        Row("the same, paced at half that rate", f"p99 {paced.p99_ms:.1f} ms (p50 "
            f"{paced.p50_ms:.1f} ms) at {paced.rate:,.0f} req/s", "–", None, "p99 ≤ 10 ms"),
        Row(f"the same, {DECADE} days of history each, paced", f"p50 {y.p50_ms:.2f} ms",
            f"p50 {m.p50_ms:.2f} ms with {MONTH} days", y.p50_ms / m.p50_ms, "≤ 1.3"),
        Row("a person's first footprint (rows not yet in memory), decade", f"p50 "
            f"{cold_y.p50_ms:.1f} ms", f"p50 {cold_m.p50_ms:.1f} ms with {MONTH} days",
            cold_y.p50_ms / cold_m.p50_ms, "– (once per person)"),
        Row("PUT /api/v1/me/steps/{date}, durable, 64 connections",
            f"{puts.rate:,.0f} uploads/s{_refusals(puts)}",
            upsert_ceiling, puts.rate / upsert_rate, "≥ 5"),
        Row("POST /api/v1/donations, 200 connections", f"{donations_per_s:,.0f} donations/s",
            upsert_ceiling, donations_per_s / upsert_rate, "≥ 2"),
        Row("the same on a budget of 200 CNY until it runs out", f"overspend {max(overspend, 0)} "
            f"fen ({scarce[0]} donations paid {scarce[1]:,} of {scarce[2]:,} fen"
            f"{'' if overspend >= 0 else '; the budget did not run out'})", "–", None,
            "overspend 0"),
        Row("GET /explain/walking", f"{page.rate:,.0f} req/s; {weight / 1024:.0f} KB",
            f"{plain.rate:,.0f} req/s (/healthz, plain wrk)", page.rate / plain.rate,
            "≥ 0.5; ≤ 60 KB"),
        Row("greenapp serve --demo to a first /healthz", f"{demo_fresh:.1f} s fresh (factors "
            f"built, demo seeded); {demo_again:.1f} s restarted", "–", None, "≤ 3 s"),
    ]  # fmt: skip


def _refusals(load: Load) -> str:
    return f" ({load.refused:,} answers were not 2xx)" if load.refused else ""


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
    if args.quick:
        size = Size(people=500, days=MONTH, seconds=2, history_people=100, token_people=500)
    else:
        size = Size(people=100_000, days=365, seconds=10, history_people=2000, token_people=5000)
    size = Size(args.people or size.people, args.days or size.days, size.seconds,
                size.history_people, size.token_people)  # fmt: skip
    printed = table(run(size))
    print(printed)
    if not args.quick:
        versions = f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
        with RESULTS.open("a") as out:
            out.write(
                f"\n## Hot paths, {size.people:,} people × {size.days} days of history "
                f"({datetime.now(UTC):%Y-%m-%d})\n\nCommand: `.venv/bin/python -m bench"
                f"{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}`. "
                f"Machine: {os.cpu_count()} cores, {platform.machine()}; {versions}; "
                f"wrk with 2 threads on the same machine.\n\n{printed}\n"
            )


if __name__ == "__main__":
    main()
