"""The partner API: projects, sponsors, funding, reports and keys, behind partner API keys."""

import csv
import io
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from greenapp.domain.donations import Project
from greenapp.domain.errors import RuleBroken
from greenapp.domain.money import Money
from greenapp.domain.partners import Partner
from greenapp.domain.reports import REPORT_GROUPS
from greenapp.services import giving, partners
from greenapp.web import schemas as s
from greenapp.web.api import convert
from greenapp.web.api.idempotency import made_or_found, required_key
from greenapp.web.runtime import Runtime, RuntimeDep

REPORT_DAYS = 30


def key_holder(request: Request[Any, Any, Any], runtime: RuntimeDep) -> Partner:
    """The partner whose API key the request carries (the dependency of every partner route)."""
    return partners.authenticate(runtime.store, request.headers.get("X-API-Key"))


PartnerDep = NamedDependency[Partner]
PARTNER_DEPENDENCIES = {"partner": Provide(key_holder, sync_to_thread=True)}
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", required=False, max_length=200),
]


def _project(data: s.ProjectIn, project_id: str) -> Project:
    return Project(
        project_id=project_id,
        partner_id="",  # set from the key's partner by the service
        title=_texts(data.title),
        story=_texts(data.story),
        goal_kind=data.goal_kind,
        goal_amount=data.goal_amount,
        goal_currency=data.goal_currency,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        min_steps=data.min_steps,
    )


def _texts(texts: s.TextsIn) -> dict[str, str]:
    return {k: v for k, v in (("en", texts.en), ("zh-CN", texts.zh_cn)) if v.strip()}


def _view(runtime: Runtime, project_id: str) -> s.ProjectOut:
    return convert.project_out(giving.project_view(runtime.store, runtime.ctx, project_id))


class PartnerController(Controller):
    path = "/api/v1/partner"
    tags = ["partner"]
    dependencies = PARTNER_DEPENDENCIES
    security = [{"PartnerApiKey": []}]

    @get("/projects", sync_to_thread=True, summary="Your projects")
    def list_projects(self, runtime: RuntimeDep, partner: PartnerDep) -> list[s.ProjectOut]:
        views = giving.project_views(runtime.store, runtime.ctx, partner.partner_id)
        return [convert.project_out(v) for v in views]

    @post("/projects", sync_to_thread=True, summary="Create a project")
    def create_project(
        self, runtime: RuntimeDep, partner: PartnerDep, data: JSONBody[s.ProjectIn]
    ) -> s.ProjectOut:
        project = _project(data, partners.new_project_id())
        saved = partners.save_project(runtime.store, runtime.ctx, partner, project, creating=True)
        return _view(runtime, saved.project_id)

    @put("/projects/{project_id:str}", sync_to_thread=True, summary="Update a project")
    def update_project(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        project_id: FromPath[str],
        data: JSONBody[s.ProjectIn],
    ) -> s.ProjectOut:
        project = _project(data, project_id)
        partners.save_project(runtime.store, runtime.ctx, partner, project, creating=False)
        return _view(runtime, project_id)

    @post("/projects/{project_id:str}/sponsors", sync_to_thread=True, summary="Add a sponsor")
    def add_sponsor(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        project_id: FromPath[str],
        data: JSONBody[s.SponsorIn],
    ) -> s.SponsorOut:
        rate = Money(data.currency, data.rate_minor_per_10k_steps)
        sponsor = partners.add_sponsor(
            runtime.store, runtime.ctx, partner, project_id, data.name, rate
        )
        return convert.sponsor_out(sponsor)

    @post(
        "/sponsors/{sponsor_id:str}/fundings",
        sync_to_thread=True,
        summary="Add to a sponsor's budget (Idempotency-Key required)",
    )
    def fund(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        sponsor_id: FromPath[str],
        data: JSONBody[s.FundingIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.SponsorOut]:
        key = required_key(idempotency_key, "fund twice")
        money = Money(data.currency, data.amount_minor)
        sponsor, created = partners.fund(
            runtime.store, runtime.ctx, partner, sponsor_id, money, key
        )
        return made_or_found(convert.sponsor_out(sponsor), created)

    @get("/reports/donations", sync_to_thread=True, summary="Donations to your projects")
    def donation_report(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        group: Annotated[
            str, QueryParameter(description=f"one of: {', '.join(REPORT_GROUPS)}")
        ] = "day",
        first: Annotated[date | None, QueryParameter(name="from")] = None,
        last: Annotated[date | None, QueryParameter(name="to")] = None,
        output: Annotated[str, QueryParameter(name="format", description="json or csv")] = "json",
    ) -> Response[Any]:
        last = last or runtime.ctx.today()
        first = first or last - timedelta(days=REPORT_DAYS - 1)
        if output not in ("json", "csv"):
            raise RuleBroken(f"format {output!r} is not one of: json, csv")
        rows = partners.report(runtime.store, partner, group, first, last)
        body = convert.report_out(partner.partner_id, group, first, last, rows)
        if output == "csv":
            return Response(_csv(body), media_type="text/csv; charset=utf-8")
        return Response(body)

    @post("/keys", sync_to_thread=True, summary="Issue another API key (shown once)")
    def issue_key(self, runtime: RuntimeDep, partner: PartnerDep) -> s.ApiKeyOut:
        key = partners.issue_key(runtime.store, runtime.ctx, partner.partner_id)
        return s.ApiKeyOut(partner.partner_id, key)

    @delete(
        "/keys/{key_id:str}",
        sync_to_thread=True,
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke an API key",
    )
    def revoke_key(self, runtime: RuntimeDep, partner: PartnerDep, key_id: FromPath[str]) -> None:
        partners.revoke_key(runtime.store, runtime.ctx, partner.partner_id, key_id)


def _csv(report: s.ReportOut) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([report.group, "donations", "donors", "steps", "kg_co2e", "currency",
                     "amount_minor"])  # fmt: skip
    for row in report.rows:
        for money in row.money or [s.MoneyOut("", 0)]:
            writer.writerow([row.key, row.donations, row.donors, row.steps,
                             f"{row.kg_co2e:.6f}", money.currency, money.amount_minor])  # fmt: skip
    return out.getvalue()
