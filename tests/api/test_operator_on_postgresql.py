"""The operator's file-based tools on PostgreSQL: refused with a clear problem, nothing changed;
the research export works from any worker."""

from pathlib import Path

import duckdb

from greenapp.settings import Settings
from tests import stored
from tests.api.conftest import TODAY, AsUser, Client, problem
from tests.conftest import postgres_only


def _operator(settings: Settings) -> dict[str, str]:
    return {"X-Operator-Token": settings.operator_token()}


@postgres_only
def test_file_backups_and_csv_ingest_are_refused_on_postgresql(
    client: Client, settings: Settings, as_user: AsUser, tmp_path: Path
) -> None:
    client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 4321}, headers=as_user("ana"))
    before = stored.rows(settings, "SELECT user_id, day, steps FROM step_days")
    csv = tmp_path / "steps.csv"
    csv.write_text(f"user_id,date,steps\nbo,{TODAY},5000\n")
    body = {"path": str(csv), "rejects": str(tmp_path / "rejects.csv")}
    ingest = client.post("/api/v1/operator/ingest/steps", headers=_operator(settings), json=body)
    assert "load history with COPY" in str(problem(ingest, 422)["detail"])
    backup = client.post("/api/v1/operator/backups", headers=_operator(settings),
                         json={"out": str(tmp_path / "backup.duckdb")})  # fmt: skip
    assert "does not take file backups" in str(problem(backup, 422)["detail"])
    assert stored.rows(settings, "SELECT user_id, day, steps FROM step_days") == before
    assert not (tmp_path / "backup.duckdb").exists()


@postgres_only
def test_the_research_export_reads_postgresql(
    client: Client, settings: Settings, as_user: AsUser, tmp_path: Path
) -> None:
    for n in range(3):
        client.put(f"/api/v1/me/steps/{TODAY}", json={"steps": 6000 + n},
                   headers=as_user(f"walker{n}"))  # fmt: skip
    out = tmp_path / "research.duckdb"
    made = client.post("/api/v1/operator/exports/research", headers=_operator(settings),
                       json={"out": str(out), "k": 1})  # fmt: skip
    assert made.status_code == 201, made.text
    with duckdb.connect(str(out), read_only=True) as db:
        steps = db.execute("SELECT steps FROM daily_activity ORDER BY steps").fetchall()
    assert steps == [(6000,), (6001,), (6002,)]
