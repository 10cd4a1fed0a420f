"""Benchmark of the combine page's server-side work: recompute after a change and payload sizes.

Usage: ZOO_DB=path/to/release.duckdb python bench/bench_combine.py
Measures, for all wijken of the country (tr_fiu_per_1000 x br_vestigingen_per_10k kappers):
pairs + suppression (re-read from the release) + bivariate classes + Spearman; the checked class
totals ; the map deck and scatter spec build; the JSON payload sizes sent to the browser.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zoo_core import combine, release  # noqa: E402
from zoo_core.queries import Release  # noqa: E402


def timed(fn, repeat=5):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return out, statistics.median(times), min(times)


def main() -> None:
    from ui import combine_page, maps  # noqa: F401 - import cost is not part of a rerun
    path = release.release_path()
    rel = Release(path)
    x, sx, y, sy, year, scope = "tr_fiu_per_1000", "", "br_vestigingen_per_10k", "96021", 2024, "wijken"
    rel.values(x, year, "wijk")  # open the connection

    def recompute(yy=y, ssy=sy):
        f = combine.pair_frame(rel, x, sx, yy, ssy, year, scope, None)
        f, bx, by = combine.bivariate(f)
        return f, combine.spearman(f)

    (frame, corr), med, best = timed(recompute)
    print(f"wijken in scope: {len(frame)}  published pairs: {corr.n_used}  geheim: {corr.n_suppressed}  "
          f"missing: {corr.n_missing}")
    print(f"recompute pairs+classes+spearman (change of Y branche): median {med:.0f} ms, best {best:.0f} ms")
    _, med2, _ = timed(lambda: recompute(y, "96022"))
    print(f"  same after switching Y to 96022: median {med2:.0f} ms")

    agg = combine.Aggregator(path)
    t = time.perf_counter()
    totals = agg.class_totals(frame, x, sx, y, sy, year)
    print(f"class totals from published cells (10 classes x 2 indicators, cold tables): "
          f"{(time.perf_counter() - t) * 1000:.0f} ms")
    _, med3, _ = timed(lambda: agg.class_totals(frame, x, sx, y, sy, year), repeat=3)
    print(f"class totals, warm: median {med3:.0f} ms")
    kinds = [a.kind for col in ("x", "y") for a in totals[col]]
    print("class totals shown: " + ", ".join(f"{k} {kinds.count(k)}" for k in ("exact", "range", "x")))
    pub = list(frame.loc[frame["pair_status"] == "published", "area_code"][:200])
    _, med4, _ = timed(lambda: agg.selection_total(x, year, sx, pub), repeat=3)
    print(f"selection total (200 published wijken): median {med4:.0f} ms")
    gm = frame.loc[frame["pair_status"] == "suppressed", "gemeente_code"].value_counts().index[0]
    sel = list(frame.loc[(frame["gemeente_code"] == gm) & (frame["pair_status"] == "published"), "area_code"])
    t = time.perf_counter()
    r = agg.rest_total(x, year, sx, gm, sel)
    print(f"rest of gemeente {gm} ({r.kind}: {r.text(2)}): {(time.perf_counter() - t) * 1000:.0f} ms")

    geo = maps.Geometry.from_shapes([(c, n, g) for (c, n), g in zip(
        rel.areas("wijk")[["area_code", "name"]].itertuples(index=False),
        [rel.shapes(list(rel.areas("wijk")["area_code"]))[c] for c in rel.areas("wijk")["area_code"]])])
    from zoo_core import catalogue
    ix, iy = catalogue.get(x), catalogue.get(y)
    deck, med5, _ = timed(lambda: combine_page.bivariate_deck(frame, geo, ix, iy, set(pub[:50]), None).to_json(), 3)
    print(f"map deck JSON build: median {med5:.0f} ms, payload {len(deck) / 1e6:.2f} MB")
    spec, med6, _ = timed(lambda: combine_page.scatter(frame, "x", "y", {"GM0363"}).to_json(), 3)
    print(f"scatter spec build: median {med6:.0f} ms, payload {len(spec) / 1e3:.0f} kB (JSON; Streamlit sends Arrow)")
    csv = combine.export_frame(frame, "x", "y", year, sx, sy).to_csv(index=False)
    print(f"download CSV: {len(csv) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
