"""Request limits: body size, and a rate limit per person, per partner key, else per address."""

import base64
import binascii
import functools
import time
from collections.abc import Callable
from typing import Final

import msgspec
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from greenapp.domain.partners import parse_key

# Every body the API takes is a few hundred bytes (a GPS track arrives as a summary, never as
# points), so 64 KiB leaves room and still stops a flood.
MAX_BODY_BYTES: Final = 64 * 1024
WINDOW_SECONDS: Final = 60
BUCKETS_KEPT: Final = 50_000


class _Subject(msgspec.Struct):
    sub: object = None


_subject = msgspec.json.Decoder(_Subject)


def _token_subject(bearer: bytes) -> str | None:
    """The subject a bearer token claims, read but not trusted.

    Authentication checks the signature afterwards; a forged subject only spends the forger's own
    requests against someone's bucket for a minute.
    """
    parts = bearer.split(b".")
    if len(parts) != 3:
        return None
    try:
        claims = _subject.decode(base64.urlsafe_b64decode(parts[1] + b"=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError, msgspec.DecodeError):
        return None
    return claims.sub if isinstance(claims.sub, str) else None


# A phone sends the same header with every request, so each recent header's bucket is kept.
@functools.lru_cache(maxsize=BUCKETS_KEPT)
def _person_bucket(authorization: bytes) -> str | None:
    subject = _token_subject(authorization[7:].strip())
    return None if subject is None else f"person:{subject}"


def bucket_of(scope: Scope) -> str:
    """The partner key, else the token's person, else the client address."""
    headers = dict(scope["headers"])
    key = parse_key(headers.get(b"x-api-key", b"").decode("latin-1"))
    if key is not None:
        return f"partner:{key[0]}"
    authorization = headers.get(b"authorization", b"")
    if authorization[:7].lower() == b"bearer ":
        bucket = _person_bucket(authorization)
        if bucket is not None:
            return bucket
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


def _unlimited(scope: Scope) -> bool:
    path: str = scope["path"]
    return path == "/healthz" or path.startswith("/schema")


class RateLimit(ASGIMiddleware):
    """At most ``per_minute`` requests per bucket in each clock minute, else 429.

    Counts live in this process's memory, in one dict that starts afresh every minute: a check is
    a dictionary update, which matters on routes that answer in a tenth of a millisecond.
    """

    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(_unlimited)

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        now = self._clock()
        window = int(now // WINDOW_SECONDS)
        if window != self._window:
            self._window, self._counts = window, {}
        bucket = bucket_of(scope)
        count = self._counts.get(bucket, 0) + 1
        self._counts[bucket] = count
        if count > self.per_minute:
            wait = WINDOW_SECONDS - int(now % WINDOW_SECONDS)
            raise TooManyRequestsException(
                detail=f"more than {self.per_minute} requests this minute; try again in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        await next_app(scope, receive, send)
