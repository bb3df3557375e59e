"""Operator endpoints: work that needs the store's single writer while the server holds it.

The ``greenapp export`` and ``greenapp ingest`` commands call these when a running server owns
the store file; with the server stopped they open the file themselves. The operator token is
GREENAPP_OPERATOR_TOKEN or the one kept in the data directory.
"""

import hmac
from pathlib import Path
from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from msgspec import Struct

from greenapp.domain.errors import NotAuthenticated, RuleBroken
from greenapp.services.context import Context
from greenapp.store.activity.ingest import IngestPlan, ingest_steps
from greenapp.store.activity.store import DuckDBActivityStore
from greenapp.web.runtime import RuntimeDep


class ResearchExportIn(Struct, frozen=True, forbid_unknown_fields=True):
    out: str
    k: int
    parquet_dir: str | None = None


class ResearchExportOut(Struct, frozen=True):
    path: str
    parquet_dir: str | None
    exported_at: str
    k: int
    rows: dict[str, int]


class IngestIn(Struct, frozen=True, forbid_unknown_fields=True):
    path: str
    rejects: str
    window_days: int | None = None


class IngestOut(Struct, frozen=True):
    rows_read: int
    new_days: int
    updated: int
    unchanged: int
    rejected: int
    flagged: int
    rejects_file: str | None


class BackupIn(Struct, frozen=True, forbid_unknown_fields=True):
    out: str


class BackupOut(Struct, frozen=True):
    path: str
    rows: dict[str, int]


def _operator(request: Request[Any, Any, Any]) -> bool:
    expected: str = request.app.state.operator_token
    presented = request.headers.get("X-Operator-Token", "")
    if not presented or not hmac.compare_digest(presented, expected):
        raise NotAuthenticated("operator endpoints need the operator token in X-Operator-Token")
    return True


def absolute(path: str) -> Path:
    candidate = Path(path)
    if not candidate.is_absolute():
        raise RuleBroken(f"{path!r} must be an absolute path on the server's machine")
    return candidate


class OperatorController(Controller):
    path = "/api/v1/operator"
    tags = ["operator"]
    include_in_schema = False
    dependencies = {"operator": Provide(_operator, sync_to_thread=False)}

    @post("/exports/research", sync_to_thread=True)
    def export_research(
        self, runtime: RuntimeDep, operator: NamedDependency[bool], data: JSONBody[ResearchExportIn]
    ) -> ResearchExportOut:
        result = runtime.store.export_research(
            runtime.factors_db,
            absolute(data.out),
            data.k,
            absolute(data.parquet_dir) if data.parquet_dir else None,
        )
        return ResearchExportOut(
            str(result.path),
            str(result.parquet_dir) if result.parquet_dir else None,
            result.exported_at.isoformat(),
            result.k,
            result.rows,
        )

    @post("/ingest/steps", sync_to_thread=True)
    def ingest(
        self, runtime: RuntimeDep, operator: NamedDependency[bool], data: JSONBody[IngestIn]
    ) -> IngestOut:
        plan = ingest_plan(runtime.ctx, data.window_days)
        summary = ingest_steps(runtime.store, absolute(data.path), absolute(data.rejects), plan)
        return IngestOut(
            summary.rows_read,
            summary.new_days,
            summary.updated,
            summary.unchanged,
            summary.rejected,
            summary.flagged,
            str(summary.rejects_file) if summary.rejects_file else None,
        )

    @post("/backups", sync_to_thread=True)
    def make_backup(
        self, runtime: RuntimeDep, operator: NamedDependency[bool], data: JSONBody[BackupIn]
    ) -> BackupOut:
        store = runtime.store
        if not isinstance(store, DuckDBActivityStore):
            raise RuleBroken("this store does not take file backups")
        info = store.backup(absolute(data.out))
        return BackupOut(str(info.path), info.rows)


def ingest_plan(ctx: Context, window_days: int | None) -> IngestPlan:
    return IngestPlan(
        ctx.factors, ctx.rules, ctx.car_share, ctx.latest_day(), window_days, ctx.now()
    )
