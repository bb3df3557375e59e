"""HTML pages for people in the app's web view: home, explainers, footprint, certificate,
project. Mobile first, no request leaves the server, zh-CN and en, and an easy mode."""

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_204_NO_CONTENT
from litestar.template.config import TemplateConfig

from greenapp.domain.donations import Donation, credit_totals, format_money, thank_you
from greenapp.domain.errors import DomainError, NotFound
from greenapp.domain.money import Money
from greenapp.domain.people import Profile
from greenapp.services import appeals, explain, footprint, giving, payouts, people, teams
from greenapp.services.context import utc_now
from greenapp.web import sessions
from greenapp.web.charts import Bar, bar_chart
from greenapp.web.i18n import choose_locale, translations
from greenapp.web.problems import STATUS_FOR
from greenapp.web.runtime import Runtime, RuntimeDep

_REPO_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
_PACKAGED_TEMPLATES = Path(__file__).resolve().parent.parent / "_templates"
TOPICS: Final = (
    "footprint",
    "walking",
    "method",
    "electric",
    "equivalents",
    "donation",
    "fraud",
    "data",
)
PUBLIC_CACHE: Final = "public, max-age=300"
# A certificate shows whether the donation's money is paid yet, which changes when a partner
# records a payment.
CERTIFICATE_CACHE: Final = "public, max-age=60"
PRIVATE: Final = "private, no-store"

PageRequest = Request[Any, Any, Any]
log = logging.getLogger("greenapp.web")


def page_cache_key(request: PageRequest) -> str:
    """Public pages depend on the path, the query (lang, easy) and the browser's language."""
    locale = choose_locale(
        request.query_params.get("lang"), None, request.headers.get("accept-language", "")
    )
    return f"{request.url.path}?{request.url.query}|{locale}"


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    directory = _REPO_TEMPLATES if _REPO_TEMPLATES.is_dir() else _PACKAGED_TEMPLATES
    return TemplateConfig(directory=directory, engine=JinjaTemplateEngine)


def _page(
    request: PageRequest,
    template: str,
    cache: str,
    profile: Profile | None = None,
    status_code: int = 200,
    locale_hint: str | None = None,
    **context: Any,
) -> Template:
    asked = request.query_params.get("lang")
    preferred = profile.locale if profile else locale_hint
    locale = choose_locale(asked, preferred, request.headers.get("accept-language", ""))
    easy = request.query_params.get("easy") == "1" or bool(profile and profile.easy_mode)
    gettext = _gettext(locale)

    def link(path: str, **params: str) -> str:
        keep = {"lang": locale} | ({"easy": "1"} if easy else {}) | params
        return f"{path}?{urlencode(keep)}"

    return Template(
        template,
        context={
            "lang": locale,
            "other_lang": "en" if locale == "zh-CN" else "zh-CN",
            "easy": easy,
            "_": gettext,
            "link": link,
            "topics": TOPICS,
            "money": format_money,
            "mk": Money,
            "path": request.url.path,
            **context,
        },
        headers={"Cache-Control": cache, "Content-Language": locale},
        status_code=status_code,
    )


def _gettext(locale: str) -> Callable[..., str]:
    """gettext with named placeholders, as Jinja's new-style gettext: _("%(n)s steps", n=3)."""
    plain = translations(locale).gettext

    def gettext(message: str, **values: Any) -> str:
        text = plain(message)
        return text % values if values else text

    return gettext


def _html_error(request: PageRequest, error: Exception) -> Template:
    if isinstance(error, DomainError):
        status = next((s for k, s in STATUS_FOR.items() if isinstance(error, k)), 400)
        detail = error.detail
    elif isinstance(error, HTTPException):
        status, detail = error.status_code, str(error.detail)
    else:
        status, detail = 500, ""
    if status >= 500:
        log.error("page failed", exc_info=error)
        detail = "greenapp failed to answer; the error has been logged"
    return _page(request, "error.html", PRIVATE, status_code=status, status=status, detail=detail)


def _signed_in(request: PageRequest, runtime: Runtime) -> tuple[str, Profile]:
    secret = request.app.state.token_secret
    user_id = sessions.user_from_cookie(secret, request.cookies.get(sessions.COOKIE))
    return user_id, people.profile_of(runtime.store, runtime.ctx, user_id)


class PagesController(Controller):
    include_in_schema = False
    exception_handlers = {DomainError: _html_error, HTTPException: _html_error}

    @get("/", sync_to_thread=True, cache=10, cache_key_builder=page_cache_key)
    def home(self, request: PageRequest, runtime: RuntimeDep) -> Template:
        projects = giving.project_views(runtime.store, runtime.ctx)
        open_projects = [v for v in projects if v.status == "open"]
        return _page(request, "home.html", PUBLIC_CACHE, projects=open_projects)

    # The explainers change only with the factor set, which changes only at a restart.
    @get("/explain/{topic:str}", sync_to_thread=True, cache=300, cache_key_builder=page_cache_key)
    def explain_topic(
        self, request: PageRequest, runtime: RuntimeDep, topic: FromPath[str]
    ) -> Template:
        if topic not in TOPICS:
            raise NotFound(f"no explainer {topic!r}")
        ctx = runtime.ctx
        year = ctx.today().year
        table = ctx.factors
        tree, residents = explain.people_figures(table, year)
        return _page(
            request,
            "explain.html",
            PUBLIC_CACHE,
            topic=topic,
            year=year,
            version=table.version,
            share=ctx.car_share,
            rules=ctx.rules,
            walking=explain.walking_by_region(table, year, ctx.car_share.share),
            electric=explain.electric_by_region(table, year),
            factors=explain.factors_by_region(table, year),
            tree=tree,
            residents=residents,
            sources=runtime.sources,
        )

    @get("/projects/{project_id:str}", sync_to_thread=True, cache=10,
         cache_key_builder=page_cache_key)  # fmt: skip
    def project(
        self, request: PageRequest, runtime: RuntimeDep, project_id: FromPath[str]
    ) -> Template:
        view = giving.project_view(runtime.store, runtime.ctx, project_id)
        paid = payouts.project_money(runtime.store, project_id)
        return _page(request, "project.html", PUBLIC_CACHE, view=view, payouts=paid)

    @get("/donations/{donation_id:str}/certificate", sync_to_thread=True)
    def certificate(
        self, request: PageRequest, runtime: RuntimeDep, donation_id: FromPath[str]
    ) -> Template:
        chain = payouts.chain(runtime.store, donation_id)
        donation, project = chain.donation, chain.project
        page = _page(request, "certificate.html", CERTIFICATE_CACHE,
                     locale_hint=donation.locale, donation=donation, project=project,
                     totals=credit_totals(donation.credits), day=chain.day,
                     pledges=chain.pledges)  # fmt: skip
        lang = page.context["lang"]
        shown: Donation = replace(donation, locale=lang)
        page.context["thank_you"] = thank_you(shown, project)
        page.context["title"] = project.title.get(lang) or next(iter(project.title.values()))
        return page

    @get("/me/footprint", sync_to_thread=True)
    def my_footprint(
        self, request: PageRequest, runtime: RuntimeDep, period: FromQuery[str] = "month"
    ) -> Template:
        user_id, profile = _signed_in(request, runtime)
        result = footprint.footprint(runtime.store, runtime.ctx, user_id, period)
        gettext = translations(
            choose_locale(request.query_params.get("lang"), profile.locale, "")
        ).gettext
        series = result.series
        kg_chart = bar_chart([Bar(str(d.day), d.kg) for d in series],
                             gettext("kg CO2e avoided per day"), "kg", "#1f7a4d")  # fmt: skip
        steps_chart = bar_chart([Bar(str(d.day), d.steps) for d in series],
                                gettext("Steps per day"), gettext("steps"), "#5b6ea8")  # fmt: skip
        return _page(request, "footprint.html", PRIVATE, profile=profile, fp=result,
                     kg_chart=kg_chart, steps_chart=steps_chart, sources=runtime.sources,
                     periods=("week", "month", "year", "all"),
                     appeals=appeals.my_appeals(runtime.store, user_id))  # fmt: skip

    @get("/teams/{team_id:str}", sync_to_thread=True)
    def team(self, request: PageRequest, runtime: RuntimeDep, team_id: FromPath[str]) -> Template:
        user_id, profile = _signed_in(request, runtime)
        view = teams.team_view(runtime.store, runtime.ctx, user_id, team_id)
        return _page(request, "team.html", PRIVATE, profile=profile, view=view)

    @get("/session", sync_to_thread=True)
    def start_session(
        self, request: PageRequest, runtime: RuntimeDep, token: FromQuery[str]
    ) -> Redirect:
        target = request.query_params.get("next", "/me/footprint")
        if not target.startswith("/") or target.startswith("//"):
            target = "/me/footprint"
        response = Redirect(target)
        _set_session(request, runtime, response, token)
        return response

    @post("/session", sync_to_thread=True, status_code=HTTP_204_NO_CONTENT)
    def start_session_with_header(
        self, request: PageRequest, runtime: RuntimeDep
    ) -> Response[None]:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        response = Response(content=None, status_code=HTTP_204_NO_CONTENT)
        _set_session(request, runtime, response, bearer)
        return response


def _set_session(
    request: PageRequest, runtime: Runtime, response: Response[Any], token: str
) -> None:
    secret = request.app.state.token_secret
    user_id = sessions.user_from_bearer(secret, token)
    people.profile_of(runtime.store, runtime.ctx, user_id)
    response.set_cookie(
        sessions.COOKIE,
        # Real time, not the service clock: the cookie's expiry is checked against real time.
        sessions.session_cookie_value(secret, user_id, utc_now()),
        max_age=int(sessions.LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        path="/",
    )
