"""Every setting zoo reads from its environment is declared once (zoo_core/settings.py), has a
default and a help text, and is documented for the people who deploy and develop it."""
import re
from pathlib import Path

from zoo_core import settings

REPO = Path(__file__).resolve().parents[2]
CODE = [REPO / "app.py", *[p for d in ("zoo_core", "ui", "pages", "scripts", "bench", "tests", "deploy")
                           for p in (REPO / d).rglob("*") if p.is_file() and p.suffix in ("", ".py", ".sh", ".service")]]


def test_every_setting_has_a_help_text_and_is_documented():
    docs = (REPO / "README.md").read_text(encoding="utf-8") + (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    for setting in settings.ALL:
        assert setting.help, setting.name
        assert re.search(rf"\b{setting.name}\b", docs), f"{setting.name} is not documented"


def test_every_zoo_variable_in_the_code_is_a_declared_setting():
    declared = {s.name for s in settings.ALL} | set(settings.INTERNAL)
    used = set()
    for path in CODE:
        used |= set(re.findall(r"\bZOO_[A-Z_]+\b", path.read_text(encoding="utf-8", errors="ignore")))
    assert used <= declared, used - declared


def test_a_setting_falls_back_to_its_default_when_empty():
    assert settings.RELEASE.get({}) == settings.RELEASE.default
    assert settings.RELEASE.get({"ZOO_DB": "  "}) == settings.RELEASE.default
    assert settings.RELEASE.get({"ZOO_DB": "/srv/zoo/release.duckdb"}) == "/srv/zoo/release.duckdb"
    assert settings.is_on(settings.LOGIN, {"ZOO_LOGIN": "Yes"}) and not settings.is_on(settings.LOGIN, {})
