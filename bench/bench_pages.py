"""Measure theme-page figures with AppTest (server-side script time, not browser paint).

Prints: cold and warm rerun times after widget changes, and map payload sizes (the pydeck JSON
sent to the browser) for all gemeenten, the wijken of a large gemeente and all wijken of the country.
Usage: ZOO_DB=/tmp/dev/release.duckdb .venv/bin/python bench/bench_pages.py
"""
from __future__ import annotations

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


def deck_bytes(at) -> int:
    return sum(len(d.proto.json.encode()) for d in at.get("deck_gl_json_chart"))


def main() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    cold = timed(lambda: at.switch_page("pages/transacties.py").run())
    print(f"transacties cold: {cold:.0f} ms; gemeente map payload {deck_bytes(at) / 1e6:.2f} MB")
    sb = {s.label: s for s in at.selectbox}
    inds = sb["Indicator"].options
    # warm caches for every indicator/year first, then measure reruns.
    for _ in range(2):
        for opt in inds:
            at.selectbox(key="transacties:indicator").set_value(
                next(c for c in ["tr_fiu", "tr_fiu_per_1000", "tr_contant", "tr_contant_per_1000"]
                     if at.selectbox(key="transacties:indicator").format_func(c) == opt)).run()
    times = []
    for code in ["tr_fiu_per_1000", "tr_contant_per_1000", "tr_fiu", "tr_contant"] * 3:
        times.append(timed(lambda: at.selectbox(key="transacties:indicator").set_value(code).run()))
    print(f"warm rerun after indicator change: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
    times = []
    for y in [2019, 2020, 2021, 2022, 2023, 2024] * 2:
        times.append(timed(lambda: at.selectbox(key="transacties:year").set_value(y).run()))
    print(f"warm rerun after year change: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
    for ref in ["provincie", "buren", "omvang", "nl"]:
        at.selectbox(key="transacties:ref").set_value(ref).run()
    times = [timed(lambda r=r: at.selectbox(key="transacties:ref").set_value(r).run())
             for r in ["provincie", "buren", "omvang", "stedelijkheid", "riec", "nl"] * 2]
    print(f"rerun after reference change (partly cold): median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
    at.selectbox(key="transacties:gemeente").set_value("GM0363").run()
    at.selectbox(key="transacties:level").set_value("wijk").run()
    times = [timed(lambda: at.run()) for _ in range(5)]
    print(f"wijken Amsterdam: payload {deck_bytes(at) / 1e6:.2f} MB, warm rerun median {statistics.median(times):.0f} ms")
    at.selectbox(key="transacties:gemeente").set_value("GM0599").run()
    at.selectbox(key="transacties:level").set_value("buurt").run()
    times = [timed(lambda: at.run()) for _ in range(5)]
    print(f"buurten Rotterdam: payload {deck_bytes(at) / 1e6:.2f} MB, warm rerun median {statistics.median(times):.0f} ms")
    # All wijken of the country: not a page option; measured through the same map builder.
    import os
    from zoo_core import catalogue, reference, stats
    from zoo_core.queries import Release
    from ui import maps
    rel = Release(os.environ.get("ZOO_DB"))
    ind = catalogue.get("tr_fiu_per_1000")
    t = time.perf_counter()
    table = reference.with_denominator(rel, ind, 2024, "wijk", None, "")
    table = stats.compare(table, ind.kind, ind.per, 5.0)
    shapes = rel.shapes(list(table["area_code"]))
    geo = maps.Geometry.from_shapes([(c, n, shapes[c]) for c, n in zip(table["area_code"], table["name"]) if c in shapes])
    deck, _ = maps.choropleth(table, geo, None, unit=ind.unit, decimals=2, ref_label="Nederland")
    size = len(deck.to_json().encode())
    print(f"all wijken (3393) map payload: {size / 1e6:.2f} MB, built in {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
