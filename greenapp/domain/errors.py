"""Errors the core raises. Each has a stable ``code``; adapters map codes to HTTP or exit codes."""


class DomainError(Exception):
    """Base of every error the core raises."""

    code = "domain-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidFactorRow(DomainError):
    """A source-table row breaks the format (see emission_factors/FORMAT.md)."""

    code = "invalid-factor-row"


class UnknownUnit(DomainError):
    """A unit that the conversion table does not know for this quantity."""

    code = "unknown-unit"


class FactorNotFound(DomainError):
    """No factor matches, even after every documented fallback."""

    code = "factor-not-found"


class RuleBroken(DomainError):
    """Input that breaks a rule of the product (a date out of range, a count too high)."""

    code = "rule-broken"


class Conflict(DomainError):
    """Input that contradicts what is already recorded (a day's count going down)."""

    code = "conflict"


class NotFound(DomainError):
    """Something asked for by id that does not exist."""

    code = "not-found"


class NotAuthenticated(DomainError):
    """No credentials, or credentials that do not open anything."""

    code = "not-authenticated"


class Forbidden(DomainError):
    """Good credentials without the right to do this (a partner key without the reviewer role)."""

    code = "forbidden"
