"""RFC 9457 problem details for every error, through Litestar's problem-details plugin.

Domain errors carry a stable ``code``; here each code gets its HTTP status, and ``type`` is a
documented URL, /problems/<code> (docs/problems.md). Litestar's own HTTP errors (a malformed
body, a missing token, an unknown route) are converted too, so a client only ever parses one
error shape.
"""

import logging
from typing import Any

from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from greenapp.domain.errors import (
    Conflict,
    DomainError,
    FactorNotFound,
    Forbidden,
    NotAuthenticated,
    NotFound,
    RuleBroken,
)
from greenapp.store.ports import StoreUnavailable

log = logging.getLogger("greenapp.web")

STATUS_FOR: dict[type[DomainError], int] = {
    RuleBroken: 422,
    Conflict: 409,
    NotFound: 404,
    FactorNotFound: 422,
    NotAuthenticated: 401,
    Forbidden: 403,
}
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Rule broken",
    500: "Internal error",
    503: "Unavailable",
}
RETRY_AFTER_SECONDS = 1


def problem_type(code: str) -> str:
    return f"/problems/{code}"


def _from_domain(error: DomainError) -> ProblemDetailsException:
    status = next((s for kind, s in STATUS_FOR.items() if isinstance(error, kind)), 400)
    return ProblemDetailsException(
        detail=error.detail,
        status_code=status,
        type_=problem_type(error.code),
        title=TITLES.get(status),
    )


def _from_http(error: HTTPException) -> ProblemDetailsException:
    if isinstance(error, ValidationException):
        return ProblemDetailsException(
            detail=_validation_detail(error),
            status_code=400,
            type_=problem_type("invalid-request"),
            title=TITLES[400],
        )
    status = error.status_code
    code = {401: "not-authenticated", 404: "not-found", 405: "method-not-allowed"}.get(
        status, "http-error"
    )
    return ProblemDetailsException(
        detail=error.detail,
        status_code=status,
        type_=problem_type(code),
        title=TITLES.get(status, "Error"),
        headers=error.headers,
    )


def _from_unavailable(error: StoreUnavailable) -> ProblemDetailsException:
    """Nothing was changed; the client may send the same request again (with its
    Idempotency-Key, if it had one) after Retry-After seconds."""
    return ProblemDetailsException(
        detail=str(error),
        status_code=503,
        type_=problem_type("unavailable"),
        title=TITLES[503],
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _from_unexpected(error: Exception) -> ProblemDetailsException:
    """A bug, not the client's fault: logged in full, answered without internals."""
    log.error("unhandled error", exc_info=error)
    return ProblemDetailsException(
        detail="greenapp failed to answer; the error has been logged",
        status_code=500,
        type_=problem_type("internal-error"),
        title=TITLES[500],
    )


def _validation_detail(error: ValidationException) -> str:
    """The message that names what is wrong and where, rather than 'Validation failed'."""
    extra: Any = error.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        messages = []
        for item in extra:
            key = item.get("key")
            message = item.get("message", "")
            messages.append(f"{key}: {message}" if key else str(message))
        return "; ".join(messages)
    return str(error.detail)


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                DomainError: _from_domain,
                HTTPException: _from_http,
                StoreUnavailable: _from_unavailable,
                Exception: _from_unexpected,
            }
        )
    )
