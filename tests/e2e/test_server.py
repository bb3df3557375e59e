"""The service as a client sees it over real HTTP."""

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import httpx

from tests.conftest import duckdb_only
from tests.e2e.conftest import Server


def _headers(server: Server, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token(user)}"}


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_a_token_from_the_command_line_opens_the_api(server: Server) -> None:
    token = server.token_from_command_line("ada")
    response = httpx.get(
        f"{server.url}/api/v1/me/profile", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["user_id"] == "ada"


def test_errors_are_problem_json_over_the_wire(server: Server) -> None:
    missing = httpx.get(f"{server.url}/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "/problems/not-found"
    broken = httpx.put(
        f"{server.url}/api/v1/me/steps/{today()}",
        content=b"{not json",
        headers={**_headers(server, "ada"), "content-type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.headers["content-type"] == "application/problem+json"


def test_concurrent_reports_from_many_people_are_all_kept(server: Server) -> None:
    users = [f"walker-{n}" for n in range(24)]
    headers = {user: _headers(server, user) for user in users}
    day = today()
    answers: dict[str, int] = {}
    start = threading.Barrier(len(users))

    def report(user: str) -> None:
        with httpx.Client(base_url=server.url, headers=headers[user], timeout=30) as client:
            start.wait()
            for steps in (1000, 2000, 3000):
                answers[user] = client.put(
                    f"/api/v1/me/steps/{day}", json={"steps": steps}
                ).status_code

    threads = [threading.Thread(target=report, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(answers.values()) == {200}
    for user in users:
        week = httpx.get(
            f"{server.url}/api/v1/me/footprint?period=day", headers=headers[user]
        ).json()
        assert week["totals"]["steps"] == 3000, user


def test_the_same_day_raced_from_two_phones_keeps_the_highest_count(server: Server) -> None:
    headers = _headers(server, "twin")
    day = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    codes: list[int] = []

    def send(counts: list[int]) -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            for steps in counts:
                codes.append(
                    client.put(f"/api/v1/me/steps/{day}", json={"steps": steps}).status_code
                )

    a = threading.Thread(target=send, args=([500, 1500, 2500, 3500],))
    b = threading.Thread(target=send, args=([1000, 2000, 3000, 4000],))
    for thread in (a, b):
        thread.start()
    for thread in (a, b):
        thread.join()
    assert set(codes) <= {200, 409}
    series = httpx.get(f"{server.url}/api/v1/me/footprint?period=all", headers=headers).json()
    assert {d["date"]: d["steps"] for d in series["series"]}.get(day) == 4000


def test_an_acknowledged_write_survives_a_crash(server: Server) -> None:
    headers = _headers(server, "kept")
    answer = httpx.put(
        f"{server.url}/api/v1/me/steps/{today()}", json={"steps": 7777}, headers=headers
    )
    assert answer.status_code == 200
    server.kill()
    server.start()
    day = httpx.get(f"{server.url}/api/v1/me/footprint?period=day", headers=headers).json()
    assert day["totals"]["steps"] == 7777


def test_export_goes_through_the_running_server(server: Server, tmp_path: Path) -> None:
    headers = _headers(server, "exported")
    httpx.put(f"{server.url}/api/v1/me/steps/{today()}", json={"steps": 4321}, headers=headers)
    out = tmp_path / "research.duckdb"
    env = {**server.env(), "GREENAPP_PORT": str(server.port)}
    result = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "export", "research", "--out", str(out)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "asking it to export" in result.stdout
    with duckdb.connect(str(out), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM daily_activity WHERE steps = 4321").fetchone() == (
            1,
        )


def test_operator_endpoints_need_the_operator_token(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/api/v1/operator/exports/research", json={"out": "/tmp/x.duckdb", "k": 10}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@duckdb_only
def test_ingest_goes_through_the_running_server(server: Server, tmp_path: Path) -> None:
    file = tmp_path / "history.csv"
    file.write_text(f"user,date,steps\nhistoric,{today()},6543\nhistoric,2020-01-01,-3\n")
    env = {**server.env(), "GREENAPP_PORT": str(server.port)}
    result = subprocess.run(
        [sys.executable, "-m", "greenapp.cli.main", "ingest", "steps", str(file)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1 new days" in result.stdout
    assert "1 rejected" in result.stdout
    rejects = (tmp_path / "history.csv.rejects.csv").read_text()
    assert "steps must not be negative" in rejects
    headers = _headers(server, "historic")
    day = httpx.get(f"{server.url}/api/v1/me/footprint?period=day", headers=headers).json()
    assert day["totals"]["steps"] == 6543
