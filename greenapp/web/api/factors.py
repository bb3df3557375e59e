"""The factor tables, filterable, with their sources and the factor-set version."""

from litestar import Controller, get
from litestar.params import FromQuery

from greenapp.web import schemas as s
from greenapp.web.api import convert
from greenapp.web.runtime import RuntimeDep


class FactorsController(Controller):
    path = "/api/v1/factors"
    tags = ["factors"]

    @get("/", summary="Emission factors and their sources")
    async def list_factors(
        self,
        runtime: RuntimeDep,
        region: FromQuery[str | None] = None,
        mode: FromQuery[str | None] = None,
        quantity: FromQuery[str | None] = None,
    ) -> s.FactorsOut:
        rows = [
            f
            for f in runtime.factors
            if (region is None or f.region == region)
            and (mode is None or f.mode == mode)
            and (quantity is None or f.quantity == quantity)
        ]
        cited = dict.fromkeys(f.source_id for f in rows)
        return s.FactorsOut(
            factor_set_version=runtime.ctx.factors.version,
            factors=[convert.factor_out(f) for f in rows],
            sources=[convert.source_out(runtime.sources[i]) for i in cited],
        )
