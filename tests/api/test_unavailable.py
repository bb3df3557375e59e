"""A store that cannot take work answers 503 problem+json with Retry-After, like any error."""

from litestar import Litestar, get
from litestar.testing import TestClient

from greenapp.store.ports import StoreUnavailable
from greenapp.web.problems import problem_details_plugin
from tests.api.conftest import problem


@get("/busy")
async def busy() -> None:
    raise StoreUnavailable("greenapp is busy: no database connection was free; try again")


def test_an_unavailable_store_answers_503_with_retry_after() -> None:
    with TestClient(Litestar([busy], plugins=[problem_details_plugin()])) as client:
        answer = client.get("/busy")
        body = problem(answer, 503)
    assert body["type"] == "/problems/unavailable"
    assert body["detail"] == "greenapp is busy: no database connection was free; try again"
    assert answer.headers["retry-after"] == "1"
