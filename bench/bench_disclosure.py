"""Figures for the disclosure engine on a table shaped like the real area hierarchy (~4,400 cells).

Targets: protect + audit of one indicator-year <= 2 s; one DerivedChecker.check <= 50 ms.
Run: .venv/bin/python bench/bench_disclosure.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from zoo_core.disclosure import (CellTable, DerivedChecker, audit, load_rule_sets,  # noqa: E402
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


def bench_derived(table: CellTable, suppressed: np.ndarray) -> None:
    rng = np.random.default_rng(5)
    gemeente_relations = [(total, members) for total, members in table.relations
                          if table.keys[total].startswith("GM") and suppressed[members].sum() >= 2]
    with tempfile.TemporaryDirectory() as folder:
        checker = DerivedChecker(Path(folder) / "ledger.jsonl")
        times, released, audited = [], 0, []
        for _ in range(200):
            total, members = gemeente_relations[rng.integers(len(gemeente_relations))]
            chosen = rng.choice(members, rng.integers(1, len(members) + 1), replace=False)
            if rng.random() < 0.2:  # selections spanning several gemeenten, some of them hidden
                gemeenten = np.flatnonzero([key.startswith("GM") for key in table.keys])
                chosen = rng.choice(gemeenten, 5, replace=False)
            result, seconds = timed(checker.check, "bench", table, suppressed, {int(c): 1.0 for c in chosen})
            times.append(seconds)
            released += result.released
            if suppressed[chosen].any() and (result.released or "prijsgeven" in result.reason):
                audited.append(seconds)  # reached the LP audit (not refused by the primary rules)
        times, audited = np.array(times) * 1000, np.array(audited) * 1000
        ledger_size = len((Path(folder) / "ledger.jsonl").read_text().splitlines())
    print(f"DerivedChecker.check over 200 random selections: median {np.median(times):.1f} ms, "
          f"p95 {np.percentile(times, 95):.1f} ms, max {times.max():.1f} ms; "
          f"{released} released, ledger holds {ledger_size}; the {len(audited)} that needed an LP audit: "
          f"median {np.median(audited):.1f} ms, max {audited.max():.1f} ms")


if __name__ == "__main__":
    rules = load_rule_sets()
    counts = synthetic_area_table(rules["persons"], seed=1)
    count_pattern = bench_protect("counts (persons)", counts)
    bench_protect("magnitudes (euros, p=15)", magnitude_version(counts, rules["euros"]))
    bench_derived(counts, count_pattern)
