"""Combine page in a real browser: scatter and bivariate map paint; a brush drag selects areas."""
import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from zoo_core import settings

from .helpers import goto, wait_idle, wait_painted

pytestmark = pytest.mark.browser
MAP = "[data-testid=stDeckGlJsonChart] canvas"
CHART = "[data-testid=stVegaLiteChart]"
SHOTS = Path(settings.SHOTS.get())  # screenshots to look at, outside the repo


def _shot(locator) -> Image.Image:
    return Image.open(io.BytesIO(locator.screenshot(animations="disabled"))).convert("RGB")


def _changed(a: Image.Image, b: Image.Image) -> int:
    if a.size != b.size:
        return a.size[0] * a.size[1]
    return ImageChops.difference(a, b).convert("L").point(lambda p: 255 if p > 16 else 0).histogram()[255]


def _clip_painted(page, locator, tolerance: int = 8) -> int:
    """Painted pixels of the page region under `locator` (a page screenshot with a generous timeout:
    an SVG scatter of ~2,000 wijken is slow to capture as an element on a loaded 2-core machine)."""
    box = locator.bounding_box()
    png = page.screenshot(clip=box, animations="disabled", timeout=60_000)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    diff = ImageChops.difference(img, Image.new("RGB", img.size, (255, 255, 255))).convert("L")
    return sum(diff.histogram()[tolerance + 1:])


def _plot_area(canvas) -> tuple[float, float, float, float]:
    """Page coordinates (left, top, right, bottom) of a Vega canvas' plotting area: the outermost rows
    and columns that are mostly light-grey grid line."""
    box = canvas.bounding_box()
    img = Image.open(io.BytesIO(canvas.screenshot(timeout=60_000))).convert("L")
    scale = img.width / box["width"]
    pixels = img.load()
    grey = lambda v: 205 <= v <= 245  # noqa: E731 - Vega's default grid colour, antialiased

    def grid_lines(length, across, at):
        return [i for i in range(across) if sum(grey(at(i, j)) for j in range(0, length, 2)) > 0.25 * length / 2]
    rows = grid_lines(img.width, img.height, lambda y, x: pixels[x, y])
    cols = grid_lines(img.height, img.width, lambda x, y: pixels[x, y])
    assert rows and cols, "no grid lines found in the scatter"
    return (box["x"] + min(cols) / scale, box["y"] + min(rows) / scale,
            box["x"] + max(cols) / scale, box["y"] + max(rows) / scale)


def test_scatter_and_bivariate_map_paint(page, app_server):
    goto(page, app_server, "/combine", timeout_ms=90_000)  # default: all 3,393 wijken, cold caches
    expect(page.locator("h1", has_text="Indicatoren combineren").first).to_be_visible()
    canvas = page.locator(MAP).first
    canvas.wait_for(state="visible", timeout=60_000)
    canvas.scroll_into_view_if_needed()
    assert wait_painted(page, canvas, min_pixels=50_000, timeout_s=60) >= 50_000
    chart = page.locator(CHART).first
    chart.evaluate("e => e.scrollIntoView({block: 'center'})")
    expect(chart.locator("svg.marks, canvas.marks").first).to_be_visible(timeout=60_000)
    history = []
    for _ in range(20):  # stable and non-blank over three polls
        history.append(_clip_painted(page, chart))
        if len(history) >= 3 and history[-1] >= 20_000 and len(set(history[-3:])) == 1:
            break
        page.wait_for_timeout(500)
    assert history[-1] >= 20_000 and len(set(history[-3:])) == 1, history
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "Indicatoren combineren" in nav


def test_brush_drag_selects_areas_and_outlines_them_on_the_map(page, app_server):
    # One gemeente's wijken: a small map, so the yellow outline of the selection is clearly visible.
    goto(page, app_server, "/combine?scope=gemeente_wijken&gemeente=GM0599")
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    wait_painted(page, chart, min_pixels=5_000)
    canvas = page.locator(MAP).first
    wait_painted(page, canvas, min_pixels=20_000)
    expect(page.get_by_text("Nog geen selectie", exact=False)).to_be_visible()
    canvas.scroll_into_view_if_needed()
    before = _shot(canvas)

    chart.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    # The scatter is drawn on a canvas (no SVG to inspect): find the plotting area from its grid lines,
    # then drag across most of it: a brush over nearly all points.
    left, top, right, bottom = _plot_area(chart.locator("canvas.marks").first)
    assert right - left > 200 and bottom - top > 100, (left, top, right, bottom)
    x0, y0 = left + 2, top + 2
    x1, y1 = right - 2, bottom - 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10)
        page.wait_for_timeout(30)
    page.mouse.up()

    expect(page.get_by_text("Selectie (", exact=False).first).to_be_visible(timeout=30_000)
    wait_idle(page)
    assert "Nog geen selectie" not in page.locator("[data-testid=stMain]").inner_text()
    canvas = page.locator(MAP).first
    canvas.scroll_into_view_if_needed()
    wait_painted(page, canvas, min_pixels=20_000)
    after = _shot(canvas)
    changed = _changed(before, after)
    assert changed > 500, f"map did not change after the brush ({changed} pixels)"
    # The selection and its "rest van" are derived from published cells only: a number, a range or x.
    main = page.locator("[data-testid=stMain]").inner_text()
    rest = main[main.index("Rest van"):][:400]
    for axis in ("X", "Y"):
        assert re.search(rf"{axis}: (\d|tussen \d|x)", rest), rest
    assert "het bereik dat de gepubliceerde cijfers toelaten" in main
    page.get_by_text("Rest van", exact=False).first.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "combine_selection.png"))
