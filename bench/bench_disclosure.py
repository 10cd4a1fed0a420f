"""Figures for the disclosure engine on a table shaped like the real area hierarchy (~4,400 cells).

Targets: protect + audit of one indicator-year <= 2 s; one DerivedChecker.check <= 50 ms.
Run: .venv/bin/python bench/bench_disclosure.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from zoo_core.disclosure import (CellTable, audit, load_rule_sets,  # noqa: E402
                                 primary_suppression, protect)
from zoo_core.disclosure.synthetic import synthetic_area_table  # noqa: E402


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def magnitude_version(table: CellTable, rules) -> CellTable:
    """Euro amounts on the same hierarchy: leaves get contributors and top contributions."""
    rng = np.random.default_rng(3)
    totals = {total for total, _ in table.relations}
    leaf = np.array([i not in totals for i in range(len(table))])
    n_units = np.where(leaf, rng.poisson(np.exp(rng.normal(np.log(12), 0.8, len(table)))), 0)
    values = np.where(n_units > 0, rng.gamma(2.0, 20_000, len(table)) * n_units, 0.0)
    top1_share = np.minimum(1, rng.uniform(1.5, 4, len(table)) / np.maximum(n_units, 1))
    top1 = values * top1_share
    top2 = np.where(n_units > 1, np.minimum(top1, (values - top1) * rng.uniform(0.1, 0.5, len(table))), 0.0)
    for total, members in reversed(table.relations[2:]):
        values[total], n_units[total] = values[members].sum(), n_units[members].sum()
        largest = np.sort(np.concatenate((top1[members], top2[members])))[::-1]
        top1[total], top2[total] = largest[0], largest[1]
    provincies = table.relations[0][1]
    values[0], n_units[0] = values[provincies].sum(), n_units[provincies].sum()
    top1[0], top2[0] = np.sort(np.concatenate((top1[provincies], top2[provincies])))[::-1][:2]
    return CellTable(table.keys, values, n_units, top1, top2, table.relations, "magnitude", rules)


def bench_protect(name: str, table: CellTable) -> np.ndarray:
    primary = primary_suppression(table).mask
    times, result = [], None
    for _ in range(3):
        result, seconds = timed(protect, table, primary)
        times.append(seconds)
    full_audit, audit_seconds = timed(audit, table, result.suppressed, primary=primary)
    print(f"{name}: {len(table)} cells, {len(table.relations)} relations, "
          f"{primary.sum()} primary ({primary.mean():.1%}), {result.secondary.sum()} secondary; "
          f"protect (incl. audit) best {min(times):.2f} s / worst {max(times):.2f} s; "
          f"separate full audit {audit_seconds:.2f} s, ok={full_audit.ok}")
    return result.suppressed


if __name__ == "__main__":
    rules = load_rule_sets()
    counts = synthetic_area_table(rules["persons"], seed=1)
    bench_protect("counts (persons)", counts)
    bench_protect("magnitudes (euros, p=15)", magnitude_version(counts, rules["euros"]))
