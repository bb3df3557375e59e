"""Languages of the pages: gettext catalogs (Babel) for zh-CN and en, and choosing one.

Catalogs are the .po files under greenapp/locale/; they are compiled in memory when the app
starts, so there is no build step. English is the source language.
"""

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES: Final = ("zh-CN", "en")
_CATALOG_DIRS: Final = {"zh-CN": "zh_CN"}
LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"


@cache
def translations(locale: str) -> NullTranslations:
    folder = _CATALOG_DIRS.get(locale)
    if folder is None:
        return NullTranslations()
    with (LOCALE_DIR / folder / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=folder)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def choose_locale(asked: str | None, profile_locale: str | None, accept_language: str) -> str:
    """?lang= first, then the person's profile, then the browser's Accept-Language, then en."""
    for candidate in (asked, profile_locale):
        if candidate in LOCALES:
            return candidate
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return "en"
