"""Requests a retry must not repeat: the Idempotency-Key they need, and an answer that says
whether this call made the record (201) or a retry found the first one (200)."""

from typing import Any

from litestar import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from greenapp.domain.errors import RuleBroken


def required_key(presented: str | None, a_retry_cannot: str) -> str:
    """The Idempotency-Key sent, or RuleBroken saying what a retry without one could do."""
    if not presented:
        raise RuleBroken(f"send an Idempotency-Key header so a retry cannot {a_retry_cannot}")
    return presented


def made_or_found(body: Any, created: bool) -> Response[Any]:
    return Response(body, status_code=HTTP_201_CREATED if created else HTTP_200_OK)
