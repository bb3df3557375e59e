"""Every message the pages show has a Chinese translation, and the template catalog is current."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent.parent
METHODS = [("greenapp/web/**.py", "python"), ("templates/**.html", "jinja2")]


def _extracted() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        return {str(m.id): str(m.string or "") for m in read_po(f) if m.id}


def test_every_message_is_translated_to_chinese() -> None:
    zh = _catalog(ROOT / "greenapp/locale/zh_CN/LC_MESSAGES/messages.po")
    messages = _extracted()
    assert len(messages) > 50
    assert sorted(m for m in messages if not zh.get(m)) == []


def test_the_catalog_template_is_current() -> None:
    template = _catalog(ROOT / "greenapp/locale/messages.pot")
    assert set(template) == _extracted(), "run: pybabel extract -F babel.cfg ..."


def test_placeholders_survive_translation() -> None:
    zh = _catalog(ROOT / "greenapp/locale/zh_CN/LC_MESSAGES/messages.po")
    for source, text in zh.items():
        assert sorted(_placeholders(source)) == sorted(_placeholders(text)), source


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\([a-z_]+\)s|%%", text)
