"""HTML pages for people: the donation certificate (more pages build on the same base)."""

from dataclasses import replace
from pathlib import Path
from typing import Final

from litestar import Controller, get
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from greenapp.domain.donations import Donation, format_money, thank_you
from greenapp.services import giving
from greenapp.web.runtime import RuntimeDep

_REPO_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
_PACKAGED_TEMPLATES = Path(__file__).resolve().parent.parent / "_templates"

TEXTS: Final = {
    "en": {
        "certificate": "Donation certificate",
        "steps": "steps",
        "distance": "Distance",
        "avoided": "CO2e avoided",
        "method": "Computed with factor set",
        "sources": "sources",
        "other_language": "中文",
    },
    "zh-CN": {
        "certificate": "捐步证书",
        "steps": "步",
        "distance": "距离",
        "avoided": "减少排放",
        "method": "计算所用排放因子版本",
        "sources": "数据来源",
        "other_language": "English",
    },
}


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    directory = _REPO_TEMPLATES if _REPO_TEMPLATES.is_dir() else _PACKAGED_TEMPLATES
    return TemplateConfig(directory=directory, engine=JinjaTemplateEngine)


class PagesController(Controller):
    include_in_schema = False

    @get("/donations/{donation_id:str}/certificate", sync_to_thread=True)
    def certificate(
        self, runtime: RuntimeDep, donation_id: FromPath[str], lang: FromQuery[str | None] = None
    ) -> Template:
        donation, project = giving.donation_of(runtime.store, donation_id)
        locale = lang if lang in TEXTS else donation.locale if donation.locale in TEXTS else "en"
        shown = donation if locale == donation.locale else _in(donation, locale)
        title = project.title.get(locale) or next(iter(project.title.values()))
        return Template(
            "certificate.html",
            context={
                "lang": locale,
                "other_lang": "en" if locale == "zh-CN" else "zh-CN",
                "t": TEXTS[locale],
                "donation": donation,
                "title": title,
                "thank_you": thank_you(shown, project),
                "money": format_money,
            },
        )


def _in(donation: Donation, locale: str) -> Donation:
    return replace(donation, locale=locale)
