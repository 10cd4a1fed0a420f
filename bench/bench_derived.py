"""Derived numbers in a typical combine session: how many are exact, a range or x, how wide the ranges
are, and what they cost.

    ZOO_DB=path .venv/bin/python bench/bench_derived.py

A "session" here: the default view and five more X/Y pairs, each at three scopes (all wijken, all
gemeenten, the wijken of a big gemeente), with the class totals panel open, plus 20 brushed selections
of 5-40 areas per view with their "rest van" (what an analyst does in ten minutes).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from zoo_core import combine, release  # noqa: E402

VIEWS = [("tr_fiu_per_1000", "", "br_vestigingen_per_10k", "96021"),
         ("tr_fiu_per_1000", "", "br_omzet_per_inwoner", "96022"),
         ("dr_verdachten_per_1000", "", "dr_jonge_aanwas_pct", ""),
         ("vg_onverklaarbare_aankopen_pct", "", "vg_verkoopprijs", ""),
         ("dr_hennep_per_1000", "", "tr_contant_per_1000", ""),
         ("dr_verdachten_elders_pct", "", "br_vestigingen_per_10k", "4742")]
SCOPES = [("wijken", None), ("gemeenten", None), ("gemeente_wijken", "GM0599")]


def main() -> None:
    agg = combine.Aggregator(release.release_path())
    rel = agg.rel
    rng = np.random.default_rng(7)
    shown, class_ms, selection_ms = [], [], []
    for x, sx, y, sy in VIEWS:
        for scope, gemeente in SCOPES:
            frame, _, _ = combine.bivariate(combine.pair_frame(rel, x, sx, y, sy, 2024, scope, gemeente))
            started = time.perf_counter()
            totals = agg.class_totals(frame, x, sx, y, sy, 2024)
            class_ms.append((time.perf_counter() - started) * 1000)
            shown += list(totals["x"]) + list(totals["y"])
            parent = combine.scope_parent(scope, gemeente)
            codes = list(frame["area_code"])
            for _ in range(20):
                chosen = list(rng.choice(codes, min(len(codes), int(rng.integers(5, 41))), replace=False))
                started = time.perf_counter()
                shown += [agg.selection_total(x, 2024, sx, chosen), agg.selection_total(y, 2024, sy, chosen),
                          agg.rest_total(x, 2024, sx, parent, chosen), agg.rest_total(y, 2024, sy, parent, chosen)]
                selection_ms.append((time.perf_counter() - started) * 1000)
    kinds = [d.kind for d in shown]
    ranges = [d for d in shown if d.kind == "range"]
    widths = [(d.high - d.low) / max(abs(d.low + d.high) / 2, 1e-9) for d in ranges]
    print(f"derived numbers shown: {len(shown)}: exact {kinds.count('exact')}, range {kinds.count('range')}, "
          f"x {kinds.count('x')}")
    if widths:
        print(f"ranges: median relative width {np.median(widths):.2%} (of the midpoint), p90 {np.percentile(widths, 90):.2%}")
    print(f"class totals of one view (20 numbers, cold per view): median {np.median(class_ms):.0f} ms, "
          f"max {max(class_ms):.0f} ms")
    print(f"a brushed selection (4 numbers: X, Y, rest X, rest Y): median {np.median(selection_ms):.1f} ms, "
          f"p95 {np.percentile(selection_ms, 95):.1f} ms")


if __name__ == "__main__":
    main()
