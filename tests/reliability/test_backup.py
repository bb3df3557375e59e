"""Backup while serving under load, restore, and compare."""

import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx

from greenapp.store.activity.backup import TABLES
from tests.conftest import duckdb_only
from tests.reliability.conftest import make_project


def _cli(running: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**running.env(), "GREENAPP_PORT": str(running.port)}
    return subprocess.run([sys.executable, "-m", "greenapp.cli.main", *args], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(path), read_only=True) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


@duckdb_only
def test_a_backup_taken_under_load_restores_exactly(server: Any, tmp_path: Path) -> None:
    running, key = server
    project_id = make_project(running, key)
    today = datetime.now(UTC).date()
    stop = threading.Event()

    def load(n: int) -> None:
        headers = {"Authorization": f"Bearer {running.token(f'b{n}')}"}
        steps = 1000
        with httpx.Client(base_url=running.url, headers=headers, timeout=10) as client:
            while not stop.is_set():
                steps += 10
                client.put(f"/api/v1/me/steps/{today}", json={"steps": steps})

    loaders = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for t in loaders:
        t.start()
    donor = {"Authorization": f"Bearer {running.token('giver')}"}
    httpx.put(f"{running.url}/api/v1/me/steps/{today}", json={"steps": 9000}, headers=donor)
    httpx.post(f"{running.url}/api/v1/donations", json={"project_id": project_id,
               "date": str(today)}, headers={**donor, "Idempotency-Key": "g"})  # fmt: skip
    backup = tmp_path / "backup.duckdb"
    made = _cli(running, "backup", str(backup))
    stop.set()
    for t in loaders:
        t.join()
    assert made.returncode == 0, made.stderr
    assert "asking it for the backup" in made.stdout

    refused = _cli(running, "restore", str(backup))
    assert refused.returncode == 1
    assert "stop greenapp serve" in refused.stderr

    saved = _tables(backup)
    credits = sum(r[3] for r in saved["money_ledger"] if r[2] == "credit")
    fundings = sum(r[3] for r in saved["money_ledger"] if r[2] == "funding")
    assert credits > 0
    assert fundings == 10**9

    running.stop()
    restored = _cli(running, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "is kept at" in restored.stdout
    assert _tables(running.data_dir / "greenapp.duckdb") == saved
    running.start()
    view = httpx.get(f"{running.url}/api/v1/projects/{project_id}").json()
    assert view["progress"]["raised"][0]["amount_minor"] == credits


def test_restore_refuses_a_file_that_is_not_a_backup(server: Any, tmp_path: Path) -> None:
    running, _ = server
    running.stop()
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_text("not a database")
    result = _cli(running, "restore", str(bogus))
    assert result.returncode == 1
    assert "is not a greenapp backup" in result.stderr
