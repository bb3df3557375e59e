"""Bearer tokens (JWT, HS256) whose subject is the user id; Litestar's JWT auth checks them."""

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTAuth, Token

from greenapp.services.people import profile_of
from greenapp.settings import Settings

USER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
TOKEN_LIFETIME = timedelta(days=30)
# API tokens carry this audience; page-session cookies carry another, so neither opens the other.
API_AUDIENCE = "greenapp-api"
# Paths the person's bearer token does not guard: public reads, and the partner and review
# APIs, which have their own API keys.
PUBLIC_PATHS = [
    "^/healthz$",
    "^/schema",
    "^/api/v1/factors",
    "^/api/v1/projects",
    "^/api/v1/partner/",
    "^/api/v1/review/",
    "^/api/v1/operator/",
    "^/problems/",
    "^/donations/",
    "^/$",
    "^/explain/",
    "^/projects/",
    "^/me/footprint",
    "^/teams/",  # the team page, behind the page session like the footprint
    "^/session",
]


VERIFIED_KEPT: Final = 50_000


@dataclass
class RememberedToken(Token):
    """A token that, once decoded and verified, is remembered for later requests with it.

    A phone sends the same token with every request, and checking an HS256 signature costs more
    than answering a footprint from memory. The memory is keyed by the whole encoded token and
    every verification setting, so a changed byte is verified afresh; expiry is checked again on
    every use, and a token with a not-before claim is never remembered.
    """

    @classmethod
    def decode(
        cls, encoded_token: str, secret: str, algorithm: str, *args: Any, **kwargs: Any
    ) -> "RememberedToken":
        key = (encoded_token, secret, algorithm)
        remembered = _decoded.get(key)
        if remembered is None or remembered[0] != (args, kwargs):  # other settings: verify
            token = super().decode(encoded_token, secret, algorithm, *args, **kwargs)
            if "nbf" not in token.extras:
                if len(_decoded) >= VERIFIED_KEPT:
                    del _decoded[next(iter(_decoded))]
                _decoded[key] = ((args, kwargs), token)
            return token
        token = remembered[1]
        if token.exp.timestamp() <= time.time():
            raise NotAuthorizedException("Invalid token")
        return token


# (encoded token, secret, algorithm) -> (the other verification settings, the token)
_decoded: dict[tuple[str, str, str], tuple[tuple[Any, Any], RememberedToken]] = {}


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str


async def _person(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> Person:
    user_id = token.sub
    if not USER_ID.match(user_id):
        raise NotAuthorizedException(
            "the token's subject must be a user id of 1-64 letters, digits or _ . @ -"
        )
    runtime = connection.app.state.runtime
    # The first authenticated request creates the person with a default profile. People already
    # seen by this process are remembered, so later requests skip the store (erasure forgets).
    if user_id not in runtime.known_people:
        await anyio.to_thread.run_sync(profile_of, runtime.store, runtime.ctx, user_id)
        if runtime.remembers_people:
            runtime.known_people.add(user_id)
    return Person(user_id)


def jwt_auth(settings: Settings) -> JWTAuth[Person, Token]:
    return JWTAuth[Person, Token](
        token_secret=settings.token_secret(),
        retrieve_user_handler=_person,
        exclude=PUBLIC_PATHS,
        default_token_expiration=TOKEN_LIFETIME,
        accepted_audiences=[API_AUDIENCE],
        token_cls=RememberedToken,
    )


def make_token(settings: Settings, user_id: str) -> str:
    """A signed token for ``user_id``, as the app's login service would issue."""
    if not USER_ID.match(user_id):
        raise ValueError("a user id is 1-64 letters, digits or _ . @ -")
    return jwt_auth(settings).create_token(identifier=user_id, token_audience=API_AUDIENCE)
