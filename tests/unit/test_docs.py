"""Documentation that must not fall behind the code."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_setting_is_in_the_readme() -> None:
    settings = (ROOT / "greenapp" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r'"(GREENAPP_[A-Z_]+)"', settings))
    assert len(names) >= 10
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
