"""Several server processes on PostgreSQL: a write acknowledged by one is read at once by any
other, and a worker killed under load loses no acknowledged write."""

import os
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import postgres_only
from tests.e2e.conftest import Server


def _answering_processes(server: Server, calls: int = 60) -> set[int]:
    """The processes that answer ``calls`` requests made on fresh connections."""
    return {httpx.get(f"{server.url}/healthz").json()["process"] for _ in range(calls)}


def _workers(server: Server) -> list[int]:
    assert server.process is not None
    children = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True,
                              text=True, check=False).stdout.split()  # fmt: skip
    return [int(pid) for pid in children]


@postgres_only
def test_a_write_is_read_at_once_by_whichever_worker_answers(server: Any) -> None:
    running, _ = server
    assert len(_answering_processes(running)) == 2  # both workers take connections
    headers = {"Authorization": f"Bearer {running.token('roamer')}"}
    today = datetime.now(UTC).date()
    for n in range(1, 41):  # each request on a new connection, to either worker
        steps = 1000 * n
        put = httpx.put(f"{running.url}/api/v1/me/steps/{today}", json={"steps": steps},
                        headers=headers)  # fmt: skip
        assert put.status_code == 200, put.text
        read = httpx.get(f"{running.url}/api/v1/me/footprint?period=week", headers=headers)
        assert read.json()["totals"]["steps"] == steps


@postgres_only
def test_a_worker_killed_under_load_loses_no_answered_write(server: Any) -> None:
    running, _ = server
    today = datetime.now(UTC).date()
    answered: dict[str, dict[str, int]] = {f"k{n}": {} for n in range(6)}
    stop = threading.Event()

    def walk(user: str) -> None:
        headers = {"Authorization": f"Bearer {running.token(user)}"}
        n = 0
        while not stop.is_set():
            day, steps = today - timedelta(days=n % 20), 1000 + n
            try:  # a new connection each time, so requests keep reaching both workers
                r = httpx.put(f"{running.url}/api/v1/me/steps/{day}", json={"steps": steps},
                              headers=headers, timeout=5)  # fmt: skip
                if r.status_code == 200:
                    answered[user][str(day)] = steps
            except httpx.TransportError:
                pass  # the killed worker's connections drop; the writes they carried may not count
            n += 1

    threads = [threading.Thread(target=walk, args=(u,)) for u in answered]
    for t in threads:
        t.start()
    time.sleep(2)
    victim = _workers(running)[0]
    os.kill(victim, signal.SIGKILL)
    time.sleep(3)
    stop.set()
    for t in threads:
        t.join()

    assert victim not in _workers(running)
    assert len(_workers(running)) == 2  # the dead worker was replaced
    assert sum(len(v) for v in answered.values()) > 50
    for user, days in answered.items():
        headers = {"Authorization": f"Bearer {running.token(user)}"}
        series = httpx.get(f"{running.url}/api/v1/me/footprint?period=all", headers=headers)
        stored = {d["date"]: d["steps"] for d in series.json()["series"]}
        for day, steps in days.items():
            assert stored.get(day, -1) >= steps, (user, day)
