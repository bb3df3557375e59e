"""The person's own data: profile, steps, trips and footprint."""

from datetime import date
from typing import Annotated

import anyio.to_thread
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.security.jwt import Token
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from greenapp.domain.activity import TripReport
from greenapp.domain.people import Car, Profile
from greenapp.domain.periods import PERIODS
from greenapp.domain.step_checks import StepReport, Track
from greenapp.services import activity, appeals, footprint, giving, payouts, people, rights
from greenapp.store.ports import NotInMemory
from greenapp.web import schemas as s
from greenapp.web.api import convert
from greenapp.web.auth import Person
from greenapp.web.runtime import RuntimeDep

MeRequest = Request[Person, Token, State]


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["me"]

    @get("/profile", sync_to_thread=True, summary="Your profile")
    def get_profile(self, request: MeRequest, runtime: RuntimeDep) -> s.ProfileOut:
        user_id = request.user.user_id
        return convert.profile_out(user_id, people.profile_of(runtime.store, runtime.ctx, user_id))

    @put("/profile", sync_to_thread=True, summary="Set your region, height and car")
    def put_profile(
        self, request: MeRequest, runtime: RuntimeDep, data: JSONBody[s.ProfileIn]
    ) -> s.ProfileOut:
        car = data.car or s.CarIn()
        profile = Profile(
            region=data.region,
            height_cm=data.height_cm,
            sex=data.sex,
            car=Car(car.fuel, car.size),
            locale=data.locale,
            easy_mode=data.easy_mode,
            leaderboard=data.leaderboard,
            time_zone=data.time_zone,
        )
        user_id = request.user.user_id
        saved = people.update_profile(runtime.store, runtime.ctx, user_id, profile)
        return convert.profile_out(user_id, saved)

    @put(
        "/steps/{day:date}",
        summary="Report a day's cumulative step count",
        description="Idempotent: the same count again changes nothing; a lower count is refused.",
    )
    async def put_steps(
        self,
        request: MeRequest,
        runtime: RuntimeDep,
        day: FromPath[date],
        data: JSONBody[s.StepsIn],
    ) -> s.StepsOut:
        hourly = tuple(data.hourly or ())
        report = StepReport(day, data.steps, data.device_distance_m, _track(data.track), hourly)
        # Handed straight to the store's writer and awaited on the event loop: no worker thread
        # is held while the shared commit forms, so every waiting upload can join it.
        work, preload = activity.steps_upload(runtime.ctx, request.user.user_id, report)
        recorded = await runtime.store.write_async(work, preload)
        return convert.steps_out(recorded)

    @post("/trips", sync_to_thread=True, summary="Record a low-carbon trip")
    def post_trip(
        self,
        request: MeRequest,
        runtime: RuntimeDep,
        data: JSONBody[s.TripIn],
        idempotency_key: Annotated[
            str | None,
            HeaderParameter(
                name="Idempotency-Key",
                required=False,
                max_length=200,
                description="Send the same key again to retry without recording twice.",
            ),
        ] = None,
    ) -> Response[s.TripOut]:
        report = TripReport(
            data.date, data.mode, data.replaced, data.distance_km, _track(data.track)
        )
        trip, created = activity.record_trip(
            runtime.store, runtime.ctx, request.user.user_id, report, idempotency_key
        )
        status = HTTP_201_CREATED if created else HTTP_200_OK
        return Response(convert.trip_out(trip), status_code=status)

    @get("/footprint", summary="Your savings for a period")
    async def get_footprint(
        self,
        request: MeRequest,
        runtime: RuntimeDep,
        period: Annotated[
            str, QueryParameter(description=f"one of: {', '.join(PERIODS)}")
        ] = "week",
    ) -> s.FootprintOut:
        user_id = request.user.user_id
        try:  # from memory, on the event loop, when the person's rows are already there
            result = footprint.footprint(runtime.store.memory_view(), runtime.ctx, user_id, period)
        except NotInMemory:
            result = await anyio.to_thread.run_sync(
                footprint.footprint, runtime.store, runtime.ctx, user_id, period
            )
        return convert.footprint_out(result, runtime.sources)

    @post("/appeals", sync_to_thread=True, summary="Appeal a flagged day")
    def post_appeal(
        self, request: MeRequest, runtime: RuntimeDep, data: JSONBody[s.AppealIn]
    ) -> Response[s.AppealOut]:
        """A day the step checks flagged, within the last 30 days, once, with a reason of 1 to
        500 characters. The same appeal again answers 200 with the first."""
        record, created = appeals.appeal_day(
            runtime.store, runtime.ctx, request.user.user_id, data.date, data.reason
        )
        status = HTTP_201_CREATED if created else HTTP_200_OK
        return Response(convert.appeal_out(record), status_code=status)

    @get("/appeals", sync_to_thread=True, summary="Your appeals and their outcomes")
    def get_appeals(self, request: MeRequest, runtime: RuntimeDep) -> list[s.AppealOut]:
        mine = appeals.my_appeals(runtime.store, request.user.user_id)
        return [convert.appeal_out(r) for r in mine]


def _track(track: s.TrackIn | None) -> Track | None:
    if track is None:
        return None
    return Track(track.distance_m, track.moving_seconds, track.max_speed_kmh)


class MyDataController(Controller):
    path = "/api/v1/me"
    tags = ["me"]

    @get("/export", sync_to_thread=True, summary="Everything greenapp holds about you")
    def export_mine(self, request: MeRequest, runtime: RuntimeDep) -> s.MyDataOut:
        user_id = request.user.user_id
        data = rights.my_data(runtime.store, user_id)
        projects = {d.project_id: giving.project_view(runtime.store, runtime.ctx, d.project_id)
                    for d in data.donations}  # fmt: skip
        pledges = payouts.pledges_of(runtime.store, [d.donation_id for d in data.donations])
        return s.MyDataOut(
            profile=None if data.profile is None else convert.profile_out(user_id, data.profile),
            days=[convert.steps_out(d) for d in data.days],
            trips=[convert.trip_out(t) for t in data.trips],
            donations=[
                convert.donation_out(
                    d,
                    projects[d.project_id].project,
                    data.matches[d.donation_id],
                    pledges.get(d.donation_id, []),
                )
                for d in data.donations
            ],
            teams=[
                s.MembershipOut(m.team_id, m.joined_at, m.left_at, m.on_leaderboard, m.nickname)
                for m in data.memberships
            ],
            appeals=[convert.appeal_out(a) for a in data.appeals],
        )

    @delete("/", sync_to_thread=True, status_code=HTTP_204_NO_CONTENT,
            summary="Erase your account and personal data")  # fmt: skip
    def erase(self, request: MeRequest, runtime: RuntimeDep) -> None:
        rights.erase_me(runtime.store, request.user.user_id)
        runtime.known_people.discard(request.user.user_id)
