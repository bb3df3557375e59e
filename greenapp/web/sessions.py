"""Page sessions: the app's web view trades the person's bearer token for a short-lived cookie.

The cookie holds its own signed token (HS256, the server's key) for the audience
``greenapp-pages``, so an API token copied from a cookie would not be accepted by the API, and
the cookie is HttpOnly so page scripts cannot read it.
"""

from datetime import datetime, timedelta
from typing import Final

from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import Token

from greenapp.domain.errors import NotAuthenticated
from greenapp.web.auth import API_AUDIENCE, USER_ID

COOKIE: Final = "greenapp_session"
AUDIENCE: Final = "greenapp-pages"
LIFETIME: Final = timedelta(hours=1)
ALGORITHM: Final = "HS256"


def session_cookie_value(secret: str, user_id: str, now: datetime) -> str:
    return Token(exp=now + LIFETIME, sub=user_id, iat=now, aud=AUDIENCE).encode(secret, ALGORITHM)


def user_from_bearer(secret: str, bearer: str) -> str:
    """The user id of an API token, or NotAuthenticated."""
    try:
        token = Token.decode(bearer, secret, ALGORITHM, audience=API_AUDIENCE)
    except NotAuthorizedException:
        raise NotAuthenticated(
            "the token is not valid (expired or not signed by this server)"
        ) from None
    if not USER_ID.match(token.sub):
        raise NotAuthenticated("the token is not an API token for a person")
    return token.sub


def user_from_cookie(secret: str, value: str | None) -> str:
    if not value:
        raise NotAuthenticated("open this page from the app to sign in")
    try:
        token = Token.decode(value, secret, ALGORITHM, audience=AUDIENCE)
    except NotAuthorizedException:
        raise NotAuthenticated(
            "the page session has ended; open the page from the app again"
        ) from None
    return token.sub
