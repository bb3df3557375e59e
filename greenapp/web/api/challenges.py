"""Team challenges, as their sponsoring partner makes and follows them."""

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from greenapp.domain.money import Money
from greenapp.domain.teams import Challenge
from greenapp.services import challenges
from greenapp.web import schemas as s
from greenapp.web.api.convert import challenge_out
from greenapp.web.api.idempotency import made_or_found, required_key
from greenapp.web.api.partner import PARTNER_DEPENDENCIES, IdempotencyKey, PartnerDep
from greenapp.web.runtime import RuntimeDep


class ChallengesController(Controller):
    path = "/api/v1/partner/challenges"
    tags = ["partner"]
    dependencies = PARTNER_DEPENDENCIES
    security = [{"PartnerApiKey": []}]

    @get("/", sync_to_thread=True, summary="Your team challenges and their progress")
    def mine(self, runtime: RuntimeDep, partner: PartnerDep) -> list[s.ChallengeOut]:
        views = challenges.partner_challenges(runtime.store, runtime.ctx, partner)
        return [challenge_out(v) for v in views]

    @get("/{challenge_id:str}", sync_to_thread=True, summary="One of your team challenges")
    def one(
        self, runtime: RuntimeDep, partner: PartnerDep, challenge_id: FromPath[str]
    ) -> s.ChallengeOut:
        view = challenges.partner_challenge(runtime.store, runtime.ctx, partner, challenge_id)
        return challenge_out(view)

    @post("/", sync_to_thread=True,
          summary="Sponsor a team challenge (Idempotency-Key required)")  # fmt: skip
    def create(
        self,
        runtime: RuntimeDep,
        partner: PartnerDep,
        data: JSONBody[s.ChallengeIn],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[s.ChallengeOut]:
        key = required_key(idempotency_key, "make two")
        view, created = challenges.create_challenge(
            runtime.store, runtime.ctx, partner, data.invite_code, _challenge(data), key
        )
        return made_or_found(challenge_out(view), created)


def _challenge(data: s.ChallengeIn) -> Challenge:
    currency = data.currency
    return Challenge(
        challenge_id="",  # given by the service
        team_id="",  # the team with the invite code
        title=data.title.strip(),
        goal_kind=data.goal_kind,
        goal_amount=data.goal_amount,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        sponsor_name=data.sponsor_name.strip(),
        rate=Money(currency, data.rate_minor_per_10k_steps),
        cap=Money(currency, data.cap_minor),
        bonus=None if data.bonus_minor is None else Money(currency, data.bonus_minor),
    )
