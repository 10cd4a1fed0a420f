"""The gemeente profile in a real browser: chart and map paint; the HTML export opens on its own."""
import time

import pytest
from playwright.sync_api import expect

from .helpers import goto, wait_painted

pytestmark = pytest.mark.browser


def _profile_rows(release_db, gemeente: str):
    """The rows the profile's dot chart must draw, straight from zoo_core on the release the server reads."""
    from zoo_core import profile as prof
    from zoo_core.queries import Release
    return prof.build_profile(Release(str(release_db)), gemeente).rows
MAP = "[data-testid=stDeckGlJsonChart] canvas"
CHART = "[data-testid=stVegaLiteChart]"


def test_profile_paints_chart_and_map(page, app_server, release_db):
    t0 = time.monotonic()
    goto(page, app_server, "/profiel?gemeente=GM0599")
    expect(page.locator("h1", has_text="Profiel van Rotterdam").first).to_be_visible()
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    assert wait_painted(page, chart, min_pixels=5_000) >= 5_000
    # the dot chart has one dot per plotted indicator, and every row's name is drawn (issue 13.3: every
    # other label used to be dropped): the chart's texts hold each indicator of its table alternative
    n_marks = page.locator(f"{CHART} svg .mark-symbol path, {CHART} svg .mark-symbol.role-mark path").count()
    assert n_marks >= 10, n_marks
    drawn = set(page.locator(CHART).first.locator("svg text").all_text_contents())
    expected = [row.label for row in _profile_rows(release_db, "GM0599")]
    missing = [name for name in expected if name not in drawn]
    assert len(expected) >= 30 and not missing, missing
    canvas = page.locator(MAP).first
    canvas.scroll_into_view_if_needed()
    assert wait_painted(page, canvas, min_pixels=20_000) >= 20_000
    wijken = page.locator(CHART).nth(1)
    wijken.scroll_into_view_if_needed()
    assert wait_painted(page, wijken, min_pixels=5_000) >= 5_000
    print(f"profile painted (chart, wijken, map) {time.monotonic() - t0:.2f}s after navigation")


def test_export_opens_with_name_and_chart(page, app_server, browser):
    goto(page, app_server, "/profiel?gemeente=GM0599")
    button = page.get_by_role("button", name="Download rapport")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as info:
        button.click()
    path = info.value.path()
    html = open(path, encoding="utf-8").read()
    assert "Rotterdam" in html and "DEMO" in html
    # Open offline: a fresh context that blocks every request proves it is self-contained.
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    requests = []
    try:
        report = ctx.new_page()
        report.on("request", lambda r: requests.append(r.url))
        report.set_content(html, wait_until="load", timeout=15_000)
        expect(report.locator("h1")).to_contain_text("Rotterdam")
        expect(report.locator(".demo")).to_be_visible()
        svg = report.locator(".chart svg")
        expect(svg).to_be_visible()
        assert report.locator(".chart svg .dot").count() >= 10
        assert wait_painted(report, svg, min_pixels=5_000) >= 5_000
        report.emulate_media(media="print")
        expect(svg).to_be_visible()
        assert not [u for u in requests if not u.startswith(("about:", "data:"))], requests
    finally:
        ctx.close()
