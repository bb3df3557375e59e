"""Where the money went, in the partner API: payments, confirmations and the payout report."""

import csv
import io
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from greenapp.domain.errors import RuleBroken
from greenapp.domain.money import Money
from greenapp.domain.payouts import Confirmation
from greenapp.services import payouts
from greenapp.web import schemas as s
from greenapp.web.api import convert
from greenapp.web.api.idempotency import made_or_found, required_key
from greenapp.web.api.partner import PARTNER_DEPENDENCIES, IdempotencyKey, PartnerDep
from greenapp.web.runtime import RuntimeDep

MONTH_PATTERN = r"^\d{4}-\d{2}$"
CSV_COLUMNS = ("row", "payer_kind", "payer_id", "payer", "project_id", "month", "currency",
               "owed_minor", "paid_minor", "outstanding_minor", "item", "quantity",
               "amount_minor", "delivered_on")  # fmt: skip


def _paid(data: s.PaymentIn | s.ChallengePaymentIn) -> payouts.PaymentIn:
    return payouts.PaymentIn(Money(data.currency, data.amount_minor), data.reference, data.paid_on)


class PayoutsController(Controller):
    path = "/api/v1/partner"
    tags = ["partner"]
    dependencies = PARTNER_DEPENDENCIES
    security = [{"PartnerApiKey": []}]

    @post(
        "/sponsors/{sponsor_id:str}/payments",
        sync_to_thread=True,
        summary="Record a payment from your sponsor to its project (Idempotency-Key required)",
    )
    def pay_sponsor(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        sponsor_id: FromPath[str],
        data: JSONBody[s.PaymentIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.PaymentOut]:
        key = required_key(idempotency_key, "record a payment twice")
        paid = _paid(data)
        payment, created = payouts.pay_sponsor(
            runtime.store, runtime.ctx, partner, sponsor_id, paid, key
        )
        return made_or_found(convert.payment_out(payment), created)

    @post(
        "/challenges/{challenge_id:str}/payments",
        sync_to_thread=True,
        summary="Record a payment from your challenge's sponsor to a project (Idempotency-Key "
        "required)",
    )
    def pay_challenge(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        challenge_id: FromPath[str],
        data: JSONBody[s.ChallengePaymentIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.PaymentOut]:
        key = required_key(idempotency_key, "record a payment twice")
        paid = _paid(data)
        payment, created = payouts.pay_challenge(
            runtime.store, runtime.ctx, partner, challenge_id, data.project_id, paid, key
        )
        return made_or_found(convert.payment_out(payment), created)

    @post(
        "/projects/{project_id:str}/confirmations",
        sync_to_thread=True,
        summary="Confirm what money paid to your project bought (Idempotency-Key required)",
    )
    def confirm(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        project_id: FromPath[str],
        data: JSONBody[s.ConfirmationIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.ConfirmationOut]:
        key = required_key(idempotency_key, "record a confirmation twice")
        sent = Confirmation(
            confirmation_id="",  # these three are set by the service
            partner_id="",
            created_at=runtime.ctx.now(),
            project_id=project_id,
            item=data.item,
            quantity=data.quantity,
            money=Money(data.currency, data.amount_minor),
            delivered_on=data.delivered_on,
            note=data.note,
        )
        confirmation, created = payouts.confirm(runtime.store, runtime.ctx, partner, sent, key)
        return made_or_found(convert.confirmation_out(confirmation), created)

    @get("/payouts", sync_to_thread=True, summary="Owed, paid and outstanding, month by month")
    def payout_report(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        first: Annotated[
            str | None,
            QueryParameter(
                name="from",
                pattern=MONTH_PATTERN,
                description="the first month, YYYY-MM (default: 11 months before to)",
            ),
        ] = None,
        last: Annotated[
            str | None,
            QueryParameter(
                name="to",
                pattern=MONTH_PATTERN,
                description="the last month, YYYY-MM (default: this month)",
            ),
        ] = None,
        output: Annotated[str, QueryParameter(name="format", description="json or csv")] = "json",
    ) -> Response[Any]:
        if output not in ("json", "csv"):
            raise RuleBroken(f"format {output!r} is not one of: json, csv")
        found = payouts.report(runtime.store, runtime.ctx, partner, first, last)
        body = convert.payout_report_out(partner.partner_id, found)
        if output == "csv":
            return Response(_csv(body), media_type="text/csv; charset=utf-8")
        return Response(body)


def _csv(report: s.PayoutReportOut) -> str:
    """One row per month of each project and each payer, then one per confirmation."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for project in report.projects:
        for m in project.months:
            writer.writerow(["project", "", "", "", project.project_id, *_month_cells(m)])
    for payer in report.payers:
        for m in payer.months:
            payer_cells = [payer.payer_kind, payer.payer_id, payer.payer, payer.project_id]
            writer.writerow(["payer", *payer_cells, *_month_cells(m)])
    for project in report.projects:
        for c in project.confirmations:
            day = c.delivered_on.isoformat()
            writer.writerow(["confirmation", "", "", "", c.project_id, day[:7], c.currency,
                             "", "", "", c.item, c.quantity, c.amount_minor, day])  # fmt: skip
    return out.getvalue()


def _month_cells(m: s.MonthOut) -> list[object]:
    """A month's cells, from month to the end of the row (no confirmation cells)."""
    return [m.month, m.currency, m.owed_minor, m.paid_minor, m.outstanding_minor, "", "", "", ""]
