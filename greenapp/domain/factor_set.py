"""Rules that hold across all rows of a factor set, not within one row."""

from collections.abc import Sequence

from greenapp.domain.factors import Factor


def lookup_key(factor: Factor) -> tuple[object, ...]:
    """Two default rows with the same key would make a lookup ambiguous."""
    return (
        factor.quantity,
        factor.region,
        factor.mode,
        factor.vehicle_class,
        factor.fuel or "unknown",
        factor.population,
        factor.year,
        factor.scope,
        factor.basis,
    )


def set_problems(factors: Sequence[Factor], source_ids: set[str]) -> list[tuple[int, str]]:
    """Return (row index, reason) for every row that breaks a rule of the whole set."""
    problems: list[tuple[int, str]] = []
    first_with_id: dict[str, int] = {}
    first_with_key: dict[tuple[object, ...], int] = {}
    for index, factor in enumerate(factors):
        if factor.source_id not in source_ids:
            problems.append((index, f"source_id {factor.source_id!r} is not in sources/"))
        if factor.factor_id in first_with_id:
            problems.append((index, f"factor_id {factor.factor_id!r} is used twice"))
        first_with_id.setdefault(factor.factor_id, index)
        if factor.use != "default":
            continue
        key = lookup_key(factor)
        if key in first_with_key:
            other = factors[first_with_key[key]].factor_id
            problems.append(
                (index, f"same lookup key as {other!r}; mark one of them use=alternative")
            )
        first_with_key.setdefault(key, index)
    return problems
