"""Hostile URL parameters on EVERY page of app.py's navigation: a message or a default, never an exception.

The case list is the one of tests/ui/test_hostile_params.py (imported, not copied) plus a few cases
that hit all parameters at once; the theme pages that file covers get only the latter here. Pages come from app.py, so a new page is covered without editing here.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest_util import THEMES
from tests.ui.test_hostile_params import CASES
from ui.state import PARAMS

from .nav import APP, navigation_pages, page_id

EXTRA = [
    {k: "x" * 5000 for k in PARAMS},                              # everything at once, long
    {k: "<img src=x onerror=alert(1)>" for k in PARAMS},
    {"page": "../../app.py", "embed": "true", "embed_options": "show_toolbar"},  # unknown/Streamlit keys
]
ALL_CASES = [{key: value} for key, value in CASES] + EXTRA
assert len(ALL_CASES) >= 30


def _cases():
    for script in navigation_pages():
        # tests/ui/test_hostile_params.py runs every single-key case on those theme pages already (and
        # checks more there): here they get only the all-parameters cases, so no page runs a case twice.
        cases = EXTRA if page_id(script) in THEMES else ALL_CASES
        for i, params in enumerate(cases):
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
