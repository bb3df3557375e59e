"""What the web layer holds while it runs: the store, the use-case context and the sources."""

from dataclasses import dataclass, field
from pathlib import Path

from litestar.di import NamedDependency

from greenapp.domain.factors import Factor, Source
from greenapp.services.context import Context
from greenapp.store.ports import ActivityStore


@dataclass(frozen=True, slots=True)
class Runtime:
    store: ActivityStore
    ctx: Context
    factors: tuple[Factor, ...]
    sources: dict[str, Source]
    factors_db: Path
    # Ids of people who exist in the store, as far as this process has seen (see web/auth.py).
    known_people: set[str] = field(default_factory=set)
    # Only where this process is the store's one writer: with several processes, another one
    # may have erased a person this one remembers.
    remembers_people: bool = True


# How handlers ask for the runtime (Litestar injects it by this parameter name).
RuntimeDep = NamedDependency[Runtime]
