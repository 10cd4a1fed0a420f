"""The three people of issue 13, step by step in real Chromium at 1440 and 800 px.

Each step asserts what the person must see and saves a screenshot ($ZOO_SHOTS/journey_<who>_<width>_<nn>_<step>.png)
for a human to look at: a suite that passes while a person sees a wrong chart is not done.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import (REPO, biggest_other, choose_option, goto, release_geometry, screen_point, selectbox_input, shot,
                      streamlit_server, type_and_enter, wait_idle, wait_painted)

WIDTHS = (1440, 800)
MAP = "[data-testid=stDeckGlJsonChart] canvas"
CHART = "[data-testid=stVegaLiteChart]"


class Journey:
    def __init__(self, browser, who: str, width: int):
        self.ctx = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(60_000)
        self.who, self.width, self.n = who, width, 0

    def step(self, name: str) -> None:
        """Screenshot of what the person sees now; the page must not show a Python error."""
        wait_idle(self.page, 90_000)
        assert self.page.locator("[data-testid=stException]").count() == 0, name
        self.n += 1
        self.page.screenshot(path=str(shot(f"journey_{self.who}_{self.width}_{self.n:02d}_{name}")))

    def menu(self, name: str) -> None:
        """Open a page from the sidebar menu, opening the sidebar first where the width folded it."""
        link = self.page.get_by_role("link", name=name, exact=True)
        if not link.is_visible():
            self.page.get_by_role("button", name="Zijbalk uitklappen").click()
        link.click()
        wait_idle(self.page, 90_000)

    def close(self) -> None:
        self.ctx.close()


def click_area(page, canvas, geo, code: str) -> None:
    """Click an area on the map until the page has taken it: a click while deck.gl is still binding its
    handlers after a rerun is lost (a second click on a taken area would undo it, so it is checked)."""
    taken = "c => new URLSearchParams(location.search).get('area') === c"
    for _attempt in range(3):
        page.keyboard.press("Escape")  # a box's list left open catches the click
        page.wait_for_timeout(1500)
        page.mouse.click(*screen_point(geo, code, canvas.bounding_box()))
        try:
            page.wait_for_function(taken, arg=code, timeout=20_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: try again
            continue
    raise AssertionError(f"a click on {code} never chose it")


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def width(request):
    return request.param


@pytest.mark.timeout(600)
def test_analyst_in_rotterdam(browser, app_server, release_db, width):
    """Many verdachte transacties in this wijk, and many kappers: what else is there?"""
    j = Journey(browser, "analist", width)
    page = j.page
    try:
        goto(page, app_server, "/", 90_000)
        type_and_enter(page, selectbox_input(page, "Zoek uw gemeente"), "Rotterdam")
        expect(selectbox_input(page, "Zoek uw gemeente")).to_have_value("Rotterdam")
        j.step("home_rotterdam")

        j.menu("Verdachte transacties")
        expect(selectbox_input(page, "Gemeente")).to_have_value("Rotterdam")  # the choice came along
        choose_option(page, "Niveau", "Wijken van gemeente")
        page.wait_for_function("() => location.search.includes('level=wijk')")
        wait_painted(page, page.locator(MAP).first, min_pixels=20_000, timeout_s=60)
        j.step("transacties_wijken")

        # The whole gemeente is on the map (at 800 px a map column of 340 px cut Rotterdam in half).
        canvas = page.locator(MAP).first
        canvas.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)  # deck.gl binds its pointer handlers after the first frame
        geo = release_geometry(release_db, "wijk", "GM0599")
        frame = canvas.bounding_box()
        outside = [name for name, code in zip(geo.names, geo.codes)
                   if not (frame["x"] <= screen_point(geo, code, frame)[0] <= frame["x"] + frame["width"]
                           and frame["y"] <= screen_point(geo, code, frame)[1] <= frame["y"] + frame["height"])]
        assert not outside, f"wijken off the map at {width} px: {outside}"

        # A wijk by clicking it on the map: its trend.
        target = biggest_other(geo, page.evaluate("new URLSearchParams(location.search).get('area')"))
        click_area(page, canvas, geo, target)
        expect(selectbox_input(page, "Gebied")).to_have_value(geo.names[geo.codes.index(target)])
        page.get_by_text("Ontwikkeling door de jaren").scroll_into_view_if_needed()
        j.step("trend_van_aangeklikte_wijk")

        # Cross with kappers per 10.000 inwoners over the wijken of Rotterdam.
        j.menu("Indicatoren combineren")
        choose_option(page, "Gebieden", "Wijken van een gemeente")
        page.wait_for_function("() => location.search.includes('scope=gemeente_wijken')")
        wait_idle(page, 90_000)
        expect(selectbox_input(page, "Gemeente")).to_have_value("Rotterdam")
        scatter = page.locator(CHART).first
        scatter.scroll_into_view_if_needed()
        wait_painted(page, scatter, min_pixels=5_000, timeout_s=60)
        j.step("combine_wijken_rotterdam")

        # Brush the upper right quarter of the plot: the areas with much of both.
        box = scatter.locator("svg, canvas").first.bounding_box()
        x0, y0 = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.08
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.95, box["y"] + box["height"] * 0.6, steps=8)
        page.mouse.up()
        page.get_by_text("Selectie (").first.wait_for(timeout=90_000)
        wait_idle(page, 90_000)
        page.get_by_text("Selectie (").first.scroll_into_view_if_needed()
        j.step("selectie_met_rechthoek")

        page.get_by_role("button", name="Link delen").first.click()
        link = page.locator("[data-testid=stPopoverBody] code, [data-testid=stPopover] code").first
        link.wait_for()
        text = link.inner_text().replace("\n", "")
        assert text.startswith(app_server + "/combine?x=") and "sel=WK0599" in text, text  # one page path
        j.step("link_delen")
    finally:
        j.close()


@pytest.mark.timeout(600)
def test_demo_to_a_new_gemeente(browser, app_server, width):
    """Their own gemeente, its peers, in one minute: Vaals, next to Schiermonnikoog, then Tilburg."""
    j = Journey(browser, "demo", width)
    page = j.page
    try:
        goto(page, app_server, "/", 90_000)
        type_and_enter(page, selectbox_input(page, "Zoek uw gemeente"), "vaals")
        page.get_by_role("link", name="Profiel van Vaals: alle indicatoren op één pagina").click()
        expect(page.locator("h1").filter(has_text="Profiel van")).to_have_text("Profiel van Vaals", timeout=90_000)
        wait_idle(page, 90_000)
        j.step("profiel_vaals")

        dots = page.locator(CHART).first
        dots.scroll_into_view_if_needed()
        wait_painted(page, dots, min_pixels=5_000, timeout_s=60)
        j.step("stippengrafiek")

        second = selectbox_input(page, "Tweede gemeente")
        type_and_enter(page, second, "Schiermonnikoog")
        page.get_by_text("ten opzichte van de eigen referentie").wait_for(timeout=60_000)
        page.get_by_role("heading", name="Naast elkaar met een tweede gemeente").scroll_into_view_if_needed()
        j.step("naast_schiermonnikoog")

        page.evaluate("window.scrollTo(0, 0)")
        type_and_enter(page, selectbox_input(page, "Gemeente"), "Tilburg")
        expect(page.locator("h1").filter(has_text="Profiel van")).to_have_text("Profiel van Tilburg", timeout=90_000)
        j.step("profiel_tilburg")
        page.get_by_role("heading", name="Wijken van Tilburg").scroll_into_view_if_needed()
        j.step("wijken_tilburg")
    finally:
        j.close()


@pytest.mark.timeout(600)
def test_it_person_checks_the_release(browser, app_server, width, tmp_path):
    """What the release holds and how it is protected; what a visitor sees when the file is gone."""
    j = Journey(browser, "beheer", width)
    page = j.page
    try:
        goto(page, app_server, "/over_de_data", 90_000)
        expect(page.locator("h1").first).to_have_text("Over de data")
        j.step("over_de_data")
        page.get_by_text("Onderdrukking", exact=False).first.scroll_into_view_if_needed()
        j.step("onderdrukking")
    finally:
        j.close()
    with streamlit_server(REPO / "server.py", env={"ZOO_DB": str(tmp_path / "weg.duckdb")}) as broken:
        j = Journey(browser, "beheer", width)
        try:
            goto(j.page, broken, "/", 90_000)
            error = j.page.locator("[data-testid=stAlert]").filter(has_text="niet beschikbaar")
            expect(error).to_contain_text("de database van deze installatie ontbreekt")
            assert str(tmp_path) not in j.page.content()  # no server path shown
            j.step("database_ontbreekt")
        finally:
            j.close()
