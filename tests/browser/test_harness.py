"""Proves the harness on this machine: server start, idle wait, WebGL + SVG paint.

Independent of app.py, so a broken app cannot hide a broken harness (or the
reverse). If the map test fails, WebGL/SwiftShader is not working here.
"""
from pathlib import Path

import pytest

from .helpers import goto, painted_pixels, streamlit_server, wait_painted

APP = Path(__file__).parent / "fixtures" / "harness_app.py"


@pytest.fixture(scope="module")
def harness_server():
    with streamlit_server(APP) as base:
        yield base


def test_map_and_chart_paint(page, harness_server):
    goto(page, harness_server, "/")
    page.get_by_role("heading", name="Harness check").wait_for()

    canvas = page.locator("[data-testid=stDeckGlJsonChart] canvas").first
    map_px = wait_painted(page, canvas, min_pixels=5_000)

    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart_px = wait_painted(page, chart, min_pixels=2_000)

    # An empty <canvas> and an empty chart box both exist but paint ~nothing.
    assert map_px >= 5_000 and chart_px >= 2_000, (map_px, chart_px)


def test_blank_canvas_counts_zero(page):
    # Guards the measuring stick itself: a blank element must count ~0.
    page.set_content('<div id="b" style="width:300px;height:200px;background:#fff"></div>')
    assert painted_pixels(page, page.locator("#b")) == 0
