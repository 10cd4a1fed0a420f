"""Hostile URL parameters on a running page: warnings, the default view, never an exception.

Each case is tested once, as a unit test of the view objects (tests/zoo_core/test_views.py); here
each page kind runs once with a hostile value in every parameter it reads, to show that the page
puts the parser's warnings and defaults on screen and rewrites the address.
"""
import pytest

from zoo_core import catalogue, combine, views
from tests.zoo_core.test_views import HOSTILE_VALUES

from .apptest_util import THEMES, deck_features, open_page


def hostile_params(kind: str) -> dict[str, str]:
    """A different hostile value for each parameter of a page kind."""
    return {key: HOSTILE_VALUES[n % len(HOSTILE_VALUES)] for n, key in enumerate(views.PARAMS[kind])}


def _check(at, params: dict, expected_warnings: int) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    warnings = [w.value for w in at.warning]
    assert len(warnings) == expected_warnings, warnings
    assert all(("Ongeldige" in w or "Onbekende" in w) and len(w) < 400 for w in warnings), warnings
    assert len(deck_features(at)) > 0
    # The URL is rewritten to the view actually shown: no hostile value is left in it.
    for key, value in params.items():
        current = at.query_params.get(key, [])
        assert value not in (current if isinstance(current, list) else [current]), key
    return warnings


@pytest.mark.parametrize("theme", THEMES)
def test_theme_page_with_every_parameter_hostile(theme):
    params = hostile_params("theme")
    at = open_page(theme, params)
    ignored = {"sbi"} if theme != "branches" else set()  # only the pages that read a parameter warn about it
    if not catalogue.breakdowns_for(theme):
        ignored.add("kenmerk")
    _check(at, params, len(params) - len(ignored))
    assert at.selectbox(key=f"{theme}:indicator").value == views.default_indicator(theme)
    assert at.selectbox(key=f"{theme}:level").value == "gemeente"
    assert at.selectbox(key=f"{theme}:gemeente").value == views.DEFAULT_GEMEENTE


def test_combine_page_with_every_parameter_hostile():
    params = hostile_params("combine")
    at = open_page("combine", params)
    _check(at, params, len(params) - 1)  # sbi_x is not read: the default X has no branches
    assert (at.selectbox(key="combine:x").value, at.selectbox(key="combine:y").value) == (combine.DEFAULT_X[0],
                                                                                        combine.DEFAULT_Y[0])
    assert at.selectbox(key="combine:scope").value == combine.DEFAULT_SCOPE


def test_profile_page_with_every_parameter_hostile():
    params = hostile_params("profile")
    at = open_page("profiel", params)
    _check(at, params, len(params))
    assert at.title[0].value.startswith("Profiel van ")
    assert at.selectbox(key="profiel:gemeente").value == views.DEFAULT_GEMEENTE
