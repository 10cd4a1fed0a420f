"""Measure the gemeente profile page: server-side render (AppTest) cold/warm, export, browser paint.

Prints: server-side script time of the profile page, cold (fresh process, empty caches) and warm;
the time to build the HTML report uncached; and, if Chromium is present, the time from navigation
to the dot chart and the map being painted in a real browser (cold server, then warm).
Targets: painted within 1.5 s of navigation warm; export within 3 s.
Usage: ZOO_DB=/tmp/dev/release.duckdb .venv/bin/python bench/bench_profile.py [--no-browser]
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def server_side() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()  # home: warms Streamlit itself, not the profile caches
    at.query_params["gemeente"] = "GM0599"
    cold = timed(lambda: at.switch_page("pages/profiel.py").run())
    assert not at.exception, at.exception
    warm = [timed(lambda: at.run()) for _ in range(5)]
    print(f"server-side profile Rotterdam: cold {cold:.0f} ms, warm rerun median {statistics.median(warm):.0f} ms")
    cold_other = [timed(lambda g=g: at.selectbox(key="profiel:gemeente").set_value(g).run())
                  for g in ("GM0363", "GM0344", "GM0034")]
    print(f"server-side switch to an uncached gemeente: median {statistics.median(cold_other):.0f} ms, "
          f"max {max(cold_other):.0f} ms")
    cold_ref = [timed(lambda r=r: at.selectbox(key="profiel:ref").set_value(r).run()) for r in ("nl", "provincie", "omvang")]
    print(f"server-side switch to an uncached reference group: median {statistics.median(cold_ref):.0f} ms")


def export() -> None:
    from zoo_core import profile as prof, report
    from zoo_core.queries import Release
    rel = Release(os.environ.get("ZOO_DB"))
    for g in ("GM0599", "GM0363"):
        t = time.perf_counter()
        p = prof.build_profile(rel, g)
        wt = prof.wijk_table(prof.wijk_trends(rel, g, prof.notable_keys(p)))
        built = time.perf_counter()
        html = report.build_report(p, prof.sentences(p), wijk_table=wt)
        done = time.perf_counter()
        print(f"export {g}: {(done - t) * 1000:.0f} ms uncached (profile {(built - t) * 1000:.0f} ms, "
              f"HTML {(done - built) * 1000:.0f} ms), {len(html.encode()) / 1e3:.0f} kB")


def browser() -> None:
    from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, goto, streamlit_server, wait_painted
    if not os.access(CHROMIUM, os.X_OK):
        print("browser: chromium missing, skipped")
        return
    from playwright.sync_api import sync_playwright
    with streamlit_server(REPO / "server.py", env={"ZOO_DB": os.environ.get("ZOO_DB", "")}) as base, \
            sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        results = []
        for label in ("cold server", "warm", "warm", "warm"):
            ctx = b.new_context(viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            t = time.perf_counter()
            goto(page, base, "/profiel?gemeente=GM0599")
            chart = page.locator("[data-testid=stVegaLiteChart]").first
            wait_painted(page, chart, min_pixels=5_000, interval_s=0.05)
            t_chart = time.perf_counter() - t
            canvas = page.locator("[data-testid=stDeckGlJsonChart] canvas").first
            canvas.scroll_into_view_if_needed()
            wait_painted(page, canvas, min_pixels=20_000, interval_s=0.05)
            t_map = time.perf_counter() - t
            results.append((label, t_chart, t_map))
            ctx.close()
        b.close()
    for label, c, m in results:
        print(f"browser {label}: dot chart painted {c:.2f} s, map painted {m:.2f} s after navigation "
              "(includes 3 stable screenshot polls)")


if __name__ == "__main__":
    server_side()
    export()
    if "--no-browser" not in sys.argv:
        browser()
