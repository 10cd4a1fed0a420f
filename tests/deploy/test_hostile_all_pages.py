"""Hostile URL parameters on EVERY page of app.py's navigation: a message or a default, never an exception.

Each single hostile value is tested once, on the view objects (tests/zoo_core/test_views.py); here every
page runs the few cases that hit all parameters at once. Pages come from app.py, so a new page is
covered without editing here.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from zoo_core import views

from .nav import APP, navigation_pages, page_id

PARAMS = sorted({key for keys in views.PARAMS.values() for key in keys})
CASES = [
    {k: "x" * 5000 for k in PARAMS},                              # everything at once, long
    {k: "<img src=x onerror=alert(1)>" for k in PARAMS},
    {"page": "../../app.py", "embed": "true", "embed_options": "show_toolbar"},  # unknown/Streamlit keys
]


def _cases():
    for script in navigation_pages():
        for i, params in enumerate(CASES):
            yield pytest.param(script, params, id=f"{page_id(script)}-{i:02d}-{'+'.join(params)[:20]}")


@pytest.mark.parametrize("script, params", list(_cases()))
def test_hostile_params_on_every_page(script, params):
    at = AppTest.from_file(str(APP), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "the page rendered its heading"
    for el in list(at.warning) + list(at.markdown) + list(at.caption) + list(at.info):
        text = str(el.value)
        assert "<script" not in text.lower() and "onerror=" not in text.lower()
        assert "x" * 400 not in text, "no long echo of the hostile value"
