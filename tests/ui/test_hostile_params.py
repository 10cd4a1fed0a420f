"""Hostile or invalid URL parameters: a warning, a default view, never an exception."""
import pytest
import zlib

from zoo_core import catalogue
from ui.theme_page import default_indicator

from .apptest_util import THEMES, deck_features, open_page

CASES = [
    ("indicator", "'; DROP TABLE cells; --"),
    ("indicator", "x" * 10_000),
    ("indicator", "ïñdîcätör 🚨"),
    ("indicator", "../../etc/passwd"),
    ("indicator", "{'a': 1}"),
    ("indicator", "nonexistent_code"),
    ("year", "abc"),
    ("year", "1900"),
    ("year", "2020.5"),
    ("year", "-1"),
    ("year", "9" * 10_000),
    ("year", "2020 OR 1=1"),
    ("year", ""),
    ("level", "provincie"),
    ("level", "wijk'; --"),
    ("level", "<script>alert(1)</script>"),
    ("level", "BUURT"),
    ("gemeente", "GM9999"),
    ("gemeente", "GM0363' OR '1'='1"),
    ("gemeente", "../../../data/release.duckdb"),
    ("gemeente", "NL01"),
    ("gemeente", "\x00"),
    ("gemeente", "Ａｍｓｔｅｒｄａｍ"),
    ("ref", "everything"),
    ("ref", "gemeente"),           # only valid at wijk/buurt level
    ("ref", "%00%27"),
    ("area", "WK999999"),
    ("area", "' UNION SELECT value FROM cells --"),
    ("area", "é" * 5000),
    ("kies", "GM0363,GM9999,'--"),
    ("sbi", "99999"),
    ("sbi", "96021; DELETE FROM cells"),
    ("kenmerk", "dr_verdachten"),          # a valid indicator, but no breakdown
    ("kenmerk", "dr_verdachten_leeftijd' OR '1'='1"),
    ("kenmerk", "<img src=x onerror=alert(1)>"),
]


def _params(theme):
    for key, value in CASES:
        if key == "sbi" and theme != "branches":
            continue  # sbi is ignored (no warning) on pages without branch indicators
        if key == "kenmerk" and not catalogue.breakdowns_for(theme):
            continue  # as sbi: only pages with breakdowns read it
        yield pytest.param(theme, key, value, id=f"{theme}-{key}-{zlib.crc32(value.encode()):08x}")


@pytest.mark.parametrize("theme, key, value", [p for t in THEMES for p in _params(t)])
def test_hostile_param_gives_warning_and_default(theme, key, value):
    at = open_page(theme, {key: value})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    warnings = [w.value for w in at.warning]
    assert any("Ongeldige" in w or "Onbekende" in w for w in warnings), warnings
    # A default view: a valid indicator of this theme, a full map and no echo of a long value.
    assert at.selectbox(key=f"{theme}:indicator").value in {i.code for i in catalogue.for_theme(theme)}
    if key == "indicator":
        assert at.selectbox(key=f"{theme}:indicator").value == default_indicator(theme)
    if key == "kenmerk":
        assert at.selectbox(key=f"{theme}:kenmerk").value == catalogue.breakdowns_for(theme)[0].code
    assert len(deck_features(at)) > 0
    assert all(len(w) < 400 for w in warnings)
    # The URL is rewritten to the view actually shown: the invalid value is gone from it.
    if key in at.query_params:
        current = at.query_params[key]
        assert value not in (current if isinstance(current, list) else [current])
