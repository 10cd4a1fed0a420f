"""Theme pages in a real browser: map and chart paint, indicator change repaints, shared URL restores."""
import io

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from ui import maps
from zoo_core import catalogue

from .helpers import choose_option, goto, selectbox_input, wait_idle, wait_painted

pytestmark = pytest.mark.browser
THEMES = tuple(catalogue.demo_themes())
MAP = "[data-testid=stDeckGlJsonChart] canvas"
CHART = "[data-testid=stVegaLiteChart]"


@pytest.mark.parametrize("theme", THEMES)
def test_theme_page_paints_map_and_chart(page, app_server, theme):
    goto(page, app_server, f"/{theme}")
    expect(page.locator("h1", has_text=catalogue.THEMES[theme]).first).to_be_visible()
    assert wait_painted(page, page.locator(MAP).first, min_pixels=50_000) >= 50_000
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    assert wait_painted(page, chart, min_pixels=2_000) >= 2_000
    # Only our navigation entries in the sidebar (no auto-discovered pages/ files).
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "Misbruik van vastgoed" in nav and "Over de data" in nav
    assert "app" not in nav.split()


def test_changing_indicator_repaints_map(page, app_server):
    goto(page, app_server, "/drugs?indicator=dr_hennep_per_1000")
    canvas = page.locator(MAP).first
    wait_painted(page, canvas, min_pixels=50_000)
    before = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    target = catalogue.get("dr_verdachten_per_1000").name
    choose_option(page, "Indicator", target)
    page.wait_for_function("() => location.search.includes('dr_verdachten_per_1000')", timeout=30_000)
    wait_idle(page)
    wait_painted(page, canvas, min_pixels=50_000)
    after = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    diff = ImageChops.difference(before, after).convert("L").point(lambda p: 255 if p > 16 else 0)
    changed = diff.histogram()[255]
    assert changed > 5_000, f"only {changed} pixels changed"


def test_shared_url_restores_view(page, app_server):
    goto(page, app_server, "/transacties?indicator=tr_contant_per_1000&year=2021&gemeente=GM0599&level=wijk&ref=gemeente")
    expect(selectbox_input(page, "Indicator")).to_have_value(catalogue.get("tr_contant_per_1000").name)
    expect(selectbox_input(page, "Jaar")).to_have_value("2021")
    expect(selectbox_input(page, "Gemeente")).to_have_value("Rotterdam")
    expect(selectbox_input(page, "Niveau")).to_have_value("Wijken van gemeente")
    wait_painted(page, page.locator(MAP).first, min_pixels=20_000)


def test_drugs_page_draws_the_flows_of_the_chosen_gemeente(page, app_server):
    """Issue 16: woon- versus pleeggemeente: arcs in the two colours of the legend, and both tables."""
    from .helpers import shot
    goto(page, app_server, "/drugs?gemeente=GM0599", 90_000)
    heading = page.get_by_role("heading", name="Woon- versus pleeggemeente van drugsverdachten")
    heading.wait_for(timeout=90_000)
    wait_idle(page, 90_000)
    heading.evaluate("e => e.scrollIntoView()")
    page.locator(MAP).first.wait_for(timeout=60_000)
    assert page.locator(MAP).count() == 1  # the arcs wait in a closed panel: one map's first frame, not two
    page.get_by_text("Kaart van de stromen", exact=True).click()
    arcs = page.locator(MAP).nth(1)  # the theme map first, the flow map below it
    arcs.wait_for(timeout=60_000)
    assert wait_painted(page, arcs, min_pixels=20_000, timeout_s=90) >= 20_000
    image = Image.open(io.BytesIO(arcs.screenshot())).convert("RGB")
    pixels = list(getattr(image, "get_flattened_data", image.getdata)())  # getdata: deprecated in Pillow 13
    near = [sum(1 for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, color)))
            for color in (maps.OUT_COLOR, maps.IN_COLOR)]
    assert min(near) > 200, near  # both directions are drawn
    for title in ("Pleeggemeente", "Woongemeente"):
        expect(page.locator("[data-testid=stDataFrame]").filter(has_text=title).first).to_be_visible()
    page.screenshot(path=str(shot("drugs_flows_rotterdam")))
