"""Commands that need the store's single writer: through the running server, or directly.

DuckDB lets one process write a file. When ``greenapp serve`` holds the store, these commands
ask it to do the work (operator endpoints, with the operator token); otherwise they open the
store themselves.
"""

from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import httpx

from greenapp.settings import Settings
from greenapp.store.activity.store import DuckDBActivityStore

T = TypeVar("T")
REMOTE_TIMEOUT = 3600.0


class RemoteError(Exception):
    """The server refused or failed the operator request; the message is its detail."""


def with_store(
    settings: Settings,
    local: Callable[[DuckDBActivityStore], T],
    remote: Callable[[Callable[[str, dict[str, Any]], dict[str, Any]]], T],
) -> T:
    if settings.database_url is not None:
        # Every server process is a peer on PostgreSQL; ask the one at GREENAPP_HOST:PORT.
        return remote(lambda path, body: _call_server(settings, path, body))
    try:
        store = DuckDBActivityStore(settings.db)
    except duckdb.IOException:
        return remote(lambda path, body: _call_server(settings, path, body))
    try:
        return local(store)
    finally:
        store.close()


def _call_server(settings: Settings, path: str, body: dict[str, Any]) -> dict[str, Any]:
    url = f"http://{settings.host}:{settings.port}/api/v1/operator{path}"
    try:
        response = httpx.post(
            url,
            json=body,
            headers={"X-Operator-Token": settings.operator_token()},
            timeout=REMOTE_TIMEOUT,
        )
    except httpx.TransportError as error:
        raise RemoteError(
            f"the store {settings.db} is held by another process, and no greenapp server "
            f"answers at {url} ({error})"
        ) from None
    if response.status_code >= 400:
        raise RemoteError(response.json().get("detail", response.text))
    answer: dict[str, Any] = response.json()
    return answer
