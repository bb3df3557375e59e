"""Teams: make one, join with its invite code, leave, and list your own."""

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody
from litestar.security.jwt import Token
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from greenapp.services import teams
from greenapp.web import schemas as s
from greenapp.web.api.convert import challenge_out, team_out
from greenapp.web.auth import Person
from greenapp.web.runtime import RuntimeDep

TeamRequest = Request[Person, Token, State]


class TeamsController(Controller):
    path = "/api/v1/teams"
    tags = ["teams"]

    @get("/", sync_to_thread=True, summary="The teams you are in")
    def mine(self, request: TeamRequest, runtime: RuntimeDep) -> list[s.TeamOut]:
        return [team_out(t) for t in teams.my_teams(runtime.store, request.user.user_id)]

    @post("/", sync_to_thread=True, summary="Make a team; you are its first member")
    def create(
        self, request: TeamRequest, runtime: RuntimeDep, data: JSONBody[s.TeamIn]
    ) -> Response[s.TeamOut]:
        made = teams.create_team(runtime.store, runtime.ctx, request.user.user_id, data.name,
                                 data.kind, data.on_leaderboard, data.nickname)  # fmt: skip
        return Response(team_out(made), status_code=HTTP_201_CREATED)

    @get("/{team_id:str}", sync_to_thread=True,
         summary="A team you are in: its challenges, progress and leaderboard")  # fmt: skip
    def detail(
        self, request: TeamRequest, runtime: RuntimeDep, team_id: FromPath[str]
    ) -> s.TeamDetailOut:
        view = teams.team_view(runtime.store, runtime.ctx, request.user.user_id, team_id)
        return s.TeamDetailOut(team_out(view.mine), [challenge_out(c) for c in view.challenges])

    @post("/join", sync_to_thread=True, summary="Join a team with its invite code")
    def join(
        self, request: TeamRequest, runtime: RuntimeDep, data: JSONBody[s.JoinIn]
    ) -> Response[s.TeamOut]:
        joined = teams.join_team(runtime.store, runtime.ctx, request.user.user_id,
                                 data.invite_code, data.on_leaderboard, data.nickname)  # fmt: skip
        return Response(team_out(joined), status_code=HTTP_201_CREATED)

    @delete("/{team_id:str}/membership", sync_to_thread=True, status_code=HTTP_204_NO_CONTENT,
            summary="Leave a team; what you gave while a member stays counted")  # fmt: skip
    def leave(self, request: TeamRequest, runtime: RuntimeDep, team_id: FromPath[str]) -> None:
        teams.leave_team(runtime.store, runtime.ctx, request.user.user_id, team_id)
