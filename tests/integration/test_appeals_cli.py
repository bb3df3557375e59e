"""The operator's commands: list appeals with their evidence, decide, grant the reviewer role."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from greenapp.domain.appeals import AppealRecord
from greenapp.domain.lookup import FactorTable
from greenapp.domain.partners import REVIEWER, parse_key
from greenapp.domain.step_checks import StepReport, Track
from greenapp.services import activity, appeals
from greenapp.services.context import Context
from greenapp.settings import Settings
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.store.factors.build import BuildResult
from greenapp.web.app import context_for


@pytest.fixture
def env(tmp_path: Path, built_factors: BuildResult) -> dict[str, str]:
    return {"GREENAPP_DATA_DIR": str(tmp_path), "GREENAPP_DB": str(tmp_path / "g.duckdb"),
            "GREENAPP_FACTORS_DB": str(built_factors.path), "PATH": "/usr/bin:/bin",
            "COLUMNS": "250"}  # fmt: skip


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "greenapp.cli.main", *args], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def _ctx(factor_table: FactorTable) -> Context:
    return context_for(Settings(), factor_table)


def _appealed(path: Path, ctx: Context, user: str, track: Track | None, reason: str) -> str:
    """A flagged day of ``user`` today and its appeal; the store is closed again."""
    today = datetime.now(UTC).date()
    store = DuckDBActivityStore(path)
    try:
        report = StepReport(today, 9000, device_distance_m=40_000.0, track=track)
        assert activity.record_steps(store, ctx, user, report).status == "flagged"
        record, _ = appeals.appeal_day(store, ctx, user, today, reason)
    finally:
        store.close()
    return record.appeal.appeal_id


def _records(path: Path) -> list[AppealRecord]:
    store = DuckDBActivityStore(path)
    try:
        return store.read(lambda tx: tx.appeals_for_review("all", 10))
    finally:
        store.close()


def test_the_operator_lists_appeals_with_their_evidence_and_decides(
    env: dict[str, str], factor_table: FactorTable
) -> None:
    path, ctx = Path(env["GREENAPP_DB"]), _ctx(factor_table)
    car = Track(distance_m=40_000, moving_seconds=3600, max_speed_kmh=80)
    first = _appealed(path, ctx, "driver", car, "the bus was slow that day")
    second = _appealed(path, ctx, "walker", None, "a long walk by the sea")

    listed = _cli(env, "appeals", "list")
    assert listed.returncode == 0, listed.stderr
    for shown in (first, second, "9,000", "40.00 km", "40.00 km, 40.0 km/h average, 80 km/h max",
                  "4.44 m per step", "a long walk by the sea", "pending"):  # fmt: skip
        assert shown in listed.stdout, shown
    assert "driver" not in listed.stdout
    assert "walker" not in listed.stdout
    assert listed.stdout.index(first) < listed.stdout.index(second)  # the oldest first

    accepted = _cli(env, "appeals", "decide", first, "--accept", "--reason", "bus ticket shown")
    assert accepted.returncode == 0, accepted.stderr
    assert "accepted" in accepted.stdout
    rejected = _cli(env, "appeals", "decide", second, "--reject", "--reason", "no evidence")
    assert rejected.returncode == 0, rejected.stderr

    decided = {r.appeal.appeal_id: r.decision for r in _records(path)}
    assert [(d.outcome, d.reason, d.reviewer) for d in decided.values() if d] == [
        ("accepted", "bus ticket shown", "operator"), ("rejected", "no evidence", "operator"),
    ]  # fmt: skip
    store = DuckDBActivityStore(path)
    try:
        today = datetime.now(UTC).date()
        days = store.read(lambda tx: (tx.step_day("driver", today), tx.step_day("walker", today)))
    finally:
        store.close()
    assert [d.status if d else None for d in days] == ["counted", "flagged"]

    assert "no pending appeals" in _cli(env, "appeals", "list").stdout
    everything = _cli(env, "appeals", "list", "--status", "decided").stdout
    assert "accepted by operator: bus ticket shown" in everything


def test_a_refused_decision_says_why_and_changes_nothing(
    env: dict[str, str], factor_table: FactorTable
) -> None:
    path = Path(env["GREENAPP_DB"])
    appeal_id = _appealed(path, _ctx(factor_table), "again", None, "a hike")
    assert _cli(env, "appeals", "decide", appeal_id, "--reject", "--reason", "no").returncode == 0
    before = _records(path)
    twice = _cli(env, "appeals", "decide", appeal_id, "--accept", "--reason", "oh, yes")
    assert twice.returncode == 1
    assert "decisions are final" in twice.stderr
    unknown = _cli(env, "appeals", "decide", "ap_nothing", "--accept", "--reason", "?")
    assert (unknown.returncode, "no such appeal" in unknown.stderr) == (1, True)
    neither = _cli(env, "appeals", "decide", appeal_id, "--reason", "which?")
    assert neither.returncode == 2  # argparse: --accept or --reject is required
    assert _records(path) == before


def test_the_commands_refuse_while_another_process_holds_the_store(
    env: dict[str, str], factor_table: FactorTable
) -> None:
    path = Path(env["GREENAPP_DB"])
    appeal_id = _appealed(path, _ctx(factor_table), "held", None, "a hike")
    store = DuckDBActivityStore(path)  # as a running server would
    try:
        for args in (["appeals", "list"],
                     ["appeals", "decide", appeal_id, "--accept", "--reason", "fine"],
                     ["partner", "grant-reviewer", "000000000000"]):  # fmt: skip
            refused = _cli(env, *args)
            assert refused.returncode == 1, args
            assert "stop greenapp serve first" in refused.stderr
    finally:
        store.close()
    assert _records(path)[0].decision is None


def test_the_operator_grants_the_reviewer_role(env: dict[str, str]) -> None:
    path = Path(env["GREENAPP_DB"])
    plain = _cli(env, "partner", "create", "Sponsor")
    reviewing = _cli(env, "partner", "create", "Review Desk", "--reviewer")
    assert (plain.returncode, reviewing.returncode) == (0, 0)
    assert "may review appeals" in reviewing.stdout
    plain_id, reviewer_id = (parse_key(r.stdout.splitlines()[-1]) for r in (plain, reviewing))
    assert plain_id is not None
    assert reviewer_id is not None

    def roles() -> list[list[str]]:
        store = DuckDBActivityStore(path)
        try:
            return store.read(lambda tx: [tx.key_roles(k[0]) for k in (plain_id, reviewer_id)])
        finally:
            store.close()

    assert roles() == [[], [REVIEWER]]
    granted = _cli(env, "partner", "grant-reviewer", plain_id[0])
    assert granted.returncode == 0, granted.stderr
    assert _cli(env, "partner", "grant-reviewer", plain_id[0]).returncode == 0  # harmless again
    assert roles() == [[REVIEWER], [REVIEWER]]
    unknown = _cli(env, "partner", "grant-reviewer", "000000000000")
    assert unknown.returncode == 1
    assert "no active API key" in unknown.stderr
