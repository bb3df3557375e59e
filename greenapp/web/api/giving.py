"""Donating steps, and the public view of projects."""

from typing import Annotated

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, HeaderParameter, JSONBody
from litestar.security.jwt import Token
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from greenapp.domain.errors import NotFound
from greenapp.services import giving, payouts
from greenapp.web import schemas as s
from greenapp.web.api import convert
from greenapp.web.api.idempotency import required_key
from greenapp.web.auth import Person
from greenapp.web.runtime import RuntimeDep

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        max_length=200,
        description="Required. Send the same key again to retry without donating twice.",
    ),
]


class DonationsController(Controller):
    path = "/api/v1/donations"
    tags = ["donations"]

    @post("/", summary="Donate a day's steps to a project")
    async def donate(
        self,
        request: Request[Person, Token, State],
        runtime: RuntimeDep,
        data: JSONBody[s.DonationIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.DonationOut]:
        key = required_key(idempotency_key, "donate twice")
        work, preload = giving.donation_unit(
            runtime.ctx, request.user.user_id, data.project_id, data.date, key
        )
        # Awaited on the event loop, as uploads are (see MeController.put_steps).
        given = await runtime.store.write_async(work, preload)
        donation, project = given.donation, given.project
        if given.created:  # nothing is paid yet: its pledges are its credits and matches, owed
            out = convert.donation_out(donation, project, given.matches)
            return Response(out, status_code=HTTP_201_CREATED)
        pledges = await anyio.to_thread.run_sync(
            payouts.pledges_of, runtime.store, [donation.donation_id]
        )
        out = convert.donation_out(
            donation, project, given.matches, pledges.get(donation.donation_id, [])
        )
        return Response(out, status_code=HTTP_200_OK)

    @get("/{donation_id:str}", sync_to_thread=True, summary="One of your donations")
    def get_donation(
        self,
        request: Request[Person, Token, State],
        runtime: RuntimeDep,
        donation_id: FromPath[str],
    ) -> s.DonationOut:
        donation, project, matches = giving.donation_of(runtime.store, donation_id)
        if donation.user_id != request.user.user_id:
            raise NotFound(f"no donation {donation_id!r}")
        pledges = payouts.pledges_of(runtime.store, [donation_id]).get(donation_id, [])
        return convert.donation_out(donation, project, matches, pledges)


class ProjectsController(Controller):
    path = "/api/v1/projects"
    tags = ["projects"]

    @get("/", sync_to_thread=True, summary="Charity projects and their progress")
    def list_projects(self, runtime: RuntimeDep) -> list[s.ProjectOut]:
        return [convert.project_out(v) for v in giving.project_views(runtime.store, runtime.ctx)]

    @get("/{project_id:str}", sync_to_thread=True, summary="One project's progress")
    def get_project(self, runtime: RuntimeDep, project_id: FromPath[str]) -> s.ProjectOut:
        return convert.project_out(giving.project_view(runtime.store, runtime.ctx, project_id))
