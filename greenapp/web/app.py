"""The Litestar application: ``create_app(settings)`` wires store, factors, auth and routes."""

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from greenapp import __version__
from greenapp.domain.lookup import FactorTable
from greenapp.domain.savings import CarShare
from greenapp.domain.step_checks import StepRules
from greenapp.services.context import Context, utc_now
from greenapp.settings import Settings
from greenapp.store.factors.build import build_factor_db
from greenapp.store.factors.reader import load_factor_set
from greenapp.store.opening import open_store
from greenapp.web import schemas as s
from greenapp.web.api.challenges import ChallengesController
from greenapp.web.api.factors import FactorsController
from greenapp.web.api.giving import DonationsController, ProjectsController
from greenapp.web.api.me import MeController, MyDataController
from greenapp.web.api.operator import OperatorController
from greenapp.web.api.partner import PartnerController
from greenapp.web.api.payouts import PayoutsController
from greenapp.web.api.review import ReviewController
from greenapp.web.api.teams import TeamsController
from greenapp.web.auth import jwt_auth
from greenapp.web.limits import MAX_BODY_BYTES, RateLimit
from greenapp.web.pages import PagesController, template_config
from greenapp.web.problems import problem_details_plugin
from greenapp.web.runtime import Runtime, RuntimeDep


@get("/healthz", summary="Liveness and the factor-set version", tags=["service"])
async def healthz(runtime: RuntimeDep) -> s.HealthOut:
    return s.HealthOut("ok", runtime.ctx.factors.version, os.getpid())


def _runtime_from(state: State) -> Runtime:
    runtime: RuntimeDep = state.runtime
    return runtime


def context_for(
    settings: Settings, table: FactorTable, clock: Callable[[], datetime] | None = None
) -> Context:
    return Context(
        factors=table,
        car_share=CarShare(
            settings.walk_car_share, settings.walk_car_share_low, settings.walk_car_share_high
        ),
        rules=StepRules(window_days=settings.step_window_days, daily_cap=settings.daily_step_cap),
        clock=clock or utc_now,
    )


def create_app(settings: Settings, clock: Callable[[], datetime] | None = None) -> Litestar:
    """The application for ``settings``; ``clock`` replaces the wall clock in tests."""
    if not settings.factors_db.is_file():
        build_factor_db(settings.factor_sources, settings.factors_db)
    factor_set = load_factor_set(settings.factors_db)
    ctx = Context(
        factors=factor_set.table,
        car_share=CarShare(
            settings.walk_car_share, settings.walk_car_share_low, settings.walk_car_share_high
        ),
        rules=StepRules(window_days=settings.step_window_days, daily_cap=settings.daily_step_cap),
        clock=clock or utc_now,
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        store = open_store(settings)
        app.state.runtime = Runtime(
            store, ctx, factor_set.factors, factor_set.sources, settings.factors_db,
            remembers_people=settings.database_url is None,
        )  # fmt: skip
        app.state.operator_token = settings.operator_token()
        app.state.token_secret = settings.token_secret()
        try:
            yield
        finally:
            store.close()

    auth = jwt_auth(settings)
    return Litestar(
        route_handlers=[
            healthz,
            MeController,
            MyDataController,
            DonationsController,
            ProjectsController,
            PartnerController,
            ReviewController,
            PayoutsController,
            FactorsController,
            TeamsController,
            ChallengesController,
            PagesController,
            OperatorController,
        ],
        template_config=template_config(),
        dependencies={"runtime": Provide(_runtime_from, sync_to_thread=False)},
        lifespan=[lifespan],
        on_app_init=[auth.on_app_init],
        plugins=[problem_details_plugin()],
        middleware=[RateLimit(settings.rate_limit_per_minute)],
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="greenapp",
            version=__version__,
            description="Steps and low-carbon trips to kg CO2e avoided, with cited factors.",
            path="/schema",
            components=Components(
                security_schemes={
                    "PartnerApiKey": SecurityScheme(
                        type="apiKey",
                        name="X-API-Key",
                        security_scheme_in="header",
                        description="A partner API key from `greenapp partner create NAME`; "
                        "the review API needs a key with the reviewer role.",
                    )
                }
            ),
            render_plugins=[SwaggerRenderPlugin()],
        ),
    )
