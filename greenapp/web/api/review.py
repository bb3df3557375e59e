"""Reviewing appeals of flagged days, for partners whose API key has the reviewer role.

A key without the role is refused (403); keys issued through the API never have it, only the
operator grants it. A reviewer sees the evidence of each day and the person's reason, never
who the person is.
"""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from greenapp.domain.partners import Partner
from greenapp.services import appeals, partners
from greenapp.web import schemas as s
from greenapp.web.api import convert
from greenapp.web.runtime import RuntimeDep


def _reviewer(request: Request[Any, Any, Any], runtime: RuntimeDep) -> Partner:
    return partners.authenticate_reviewer(runtime.store, request.headers.get("X-API-Key"))


ReviewerDep = NamedDependency[Partner]


class ReviewController(Controller):
    path = "/api/v1/review"
    tags = ["review"]
    dependencies = {"reviewer": Provide(_reviewer, sync_to_thread=True)}
    security = [{"PartnerApiKey": []}]

    @get("/appeals", sync_to_thread=True, summary="Appeals to review, the oldest first")
    def queue(
        self,
        runtime: RuntimeDep,
        reviewer: ReviewerDep,
        status: Annotated[
            str, QueryParameter(description=f"one of: {', '.join(appeals.REVIEW_STATUSES)}")
        ] = "pending",
        limit: Annotated[int, QueryParameter(ge=1, le=appeals.REVIEW_LIMIT_MAX)] = 100,
    ) -> list[s.AppealOut]:
        return [convert.appeal_out(r) for r in appeals.review_queue(runtime.store, status, limit)]

    @post("/appeals/{appeal_id:str}/decision", sync_to_thread=True,
          summary="Accept or reject an appeal, with a reason; decisions are final")  # fmt: skip
    def decide(
        self,
        runtime: RuntimeDep,
        reviewer: ReviewerDep,
        appeal_id: FromPath[str],
        data: JSONBody[s.DecisionIn],
    ) -> Response[s.AppealOut]:
        record = appeals.decide(runtime.store, runtime.ctx, appeal_id, data.outcome, data.reason,
                                reviewer.partner_id)  # fmt: skip
        return Response(convert.appeal_out(record), status_code=HTTP_201_CREATED)
