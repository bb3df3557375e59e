"""Request limits: body size, and a rate limit per person, per partner key, else per address."""

from typing import Any, Final

import jwt
from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address

from greenapp.domain.partners import parse_key

# Every body the API takes is a few hundred bytes (a GPS track arrives as a summary, never as
# points), so 64 KiB leaves room and still stops a flood.
MAX_BODY_BYTES: Final = 64 * 1024


def _who(request: Request[Any, Any, Any]) -> str:
    """The rate-limit bucket: the partner key, else the token's person, else the address.

    The token is only read here, not trusted: authentication checks it afterwards, and a forged
    subject only spends the forger's own requests against someone's bucket for a minute.
    """
    key = parse_key(request.headers.get("X-API-Key", ""))
    if key is not None:
        return f"partner:{key[0]}"
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if bearer:
        try:
            subject = jwt.decode(bearer, options={"verify_signature": False}).get("sub")
        except jwt.PyJWTError:
            subject = None
        if isinstance(subject, str):
            return f"person:{subject}"
    return f"address:{get_remote_address(request)}"


def rate_limit(per_minute: int) -> RateLimitConfig:
    return RateLimitConfig(
        rate_limit=("minute", per_minute),
        identifier_for_request=_who,
        exclude=["^/healthz$", "^/schema"],
    )
