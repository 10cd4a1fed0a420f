"""Information loss of the greedy 2-D pattern against an optimal one (issue 16).

For every provincie and breakdown family (drugsverdachten / bewoners van hennepkwekerijen by class) one
small area x class table: the provincie and its gemeenten as rows, the total column (frozen with the
build's pattern of the total family) and the classes as columns, the provincie = sum of its gemeenten
per column and the total = sum of the classes of each breakdown per row. On each the greedy `protect`
(as the build runs it) and `optimal_pattern` (MILP with cuts from the attacker LPs, same cost: value + 1
per hidden cell, same audit) are run; both patterns are checked by the exact audit. Prints the hidden
value (sum of the hidden class cells; the frozen total column is the same in both) per table and in all.

    .venv/bin/python bench/bench_2d.py --base /tmp/z16/confidential/base.duckdb [--year 2024]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from zoo_core import build, catalogue, geography  # noqa: E402
from zoo_core.disclosure import audit, load_rule_sets, protect  # noqa: E402
from zoo_core.disclosure.cross import cross_table  # noqa: E402
from zoo_core.disclosure.optimal import optimal_pattern  # noqa: E402


def instances(base_path: str, year: int):
    areas = geography.load_areas()
    con = duckdb.connect(base_path, read_only=True)
    base = con.execute("SELECT measure, area_code, sbi, value FROM base_cells WHERE year = ?", [year]).df()
    patterns = con.execute("SELECT family, area_code, sbi, suppressed, \"primary\" FROM patterns WHERE year = ?", [year]).df()
    con.close()
    value = base.set_index(["measure", "sbi", "area_code"])["value"]
    pattern = patterns.set_index(["family", "sbi", "area_code"])
    rules = load_rule_sets()
    gemeenten = areas[areas["level"] == "gemeente"]
    for family in [f for f in catalogue.family_order() if catalogue.BASE_MEASURES[f].breakdown_of]:
        measure = catalogue.BASE_MEASURES[family]
        classes = [c for b in measure.breakdowns for c in catalogue.BREAKDOWNS[b].class_codes]
        col_relations, start = [], 1
        for b in measure.breakdowns:
            k = len(catalogue.BREAKDOWNS[b].classes)
            col_relations.append((0, list(range(start, start + k))))
            start += k
        for provincie, members in gemeenten.groupby("provincie_code")["area_code"]:
            rows = [provincie] + sorted(members)
            values = np.array([[value.get((measure.breakdown_of, "", a), 0.0)]
                               + [value.get((family, c, a), 0.0) for c in classes] for a in rows])
            total = pattern.loc[[(measure.breakdown_of, "", a) for a in rows]]
            upper = np.full(values.shape, np.inf)
            upper[:, 1:] = np.where(total["suppressed"].to_numpy(bool), np.inf, values[:, 0])[:, None]
            cross = cross_table(rows, [""] + classes, values, values, [(0, list(range(1, len(rows))))], col_relations,
                                rules[measure.unit_type], upper=upper)
            t = cross.table
            frozen = np.zeros(len(t), dtype=bool)
            frozen[cross.cell_index[:, 0]] = True
            hidden_total = np.zeros(len(t), dtype=bool)
            hidden_total[cross.cell_index[:, 0]] = total["suppressed"].to_numpy(bool)
            primary = build._class_primary(cross, rules[measure.unit_type])
            primary[cross.cell_index[:, 0]] = total["primary"].to_numpy(bool)
            yield family, provincie, t, primary, frozen, hidden_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="build/base.duckdb")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per MILP")
    args = parser.parse_args()
    totals = {}
    print(f"{'family':<26} {'prov':<5} {'cells':>5} {'prim':>4}  {'greedy':>7} {'optimum':>7}  {'excess':>7}  "
          f"{'greedy s':>8} {'opt s':>6}")
    for family, provincie, table, primary, frozen, hidden_total in instances(args.base, args.year):
        started = time.perf_counter()
        greedy = protect(table, primary, frozen=frozen, hidden_already=hidden_total).suppressed
        greedy_s = time.perf_counter() - started
        started = time.perf_counter()
        optimum = optimal_pattern(table, primary, frozen=frozen, hidden_already=hidden_total,
                                  time_limit=args.time_limit)
        optimum_s = time.perf_counter() - started
        for pattern in (greedy, optimum):
            assert audit(table, pattern, primary=primary).ok
        loss = [float(table.values[p & ~frozen].sum()) for p in (greedy, optimum)]
        secondary = [float(table.values[p & ~frozen & ~primary].sum()) for p in (greedy, optimum)]
        excess = (loss[0] / loss[1] - 1) * 100 if loss[1] else 0.0
        print(f"{family:<26} {provincie:<5} {int((~frozen).sum()):>5} {int((primary & ~frozen).sum()):>4}  "
              f"{loss[0]:>7.0f} {loss[1]:>7.0f}  {excess:>+6.1f}%  {greedy_s:>8.2f} {optimum_s:>6.1f}", flush=True)
        totals[family] = totals.get(family, np.zeros(4)) + np.array(loss + secondary)
    for family, (greedy_loss, optimal_loss, greedy_sec, optimal_sec) in totals.items():
        print(f"{family}: hidden value greedy {greedy_loss:.0f}, optimum {optimal_loss:.0f}, "
              f"excess {(greedy_loss / optimal_loss - 1) * 100:+.1f}%; secondary cells only: greedy {greedy_sec:.0f}, "
              f"optimum {optimal_sec:.0f}, excess {(greedy_sec / optimal_sec - 1) * 100:+.1f}%")
    greedy_loss, optimal_loss, greedy_sec, optimal_sec = sum(totals.values())
    print(f"all breakdown tables: hidden value greedy {greedy_loss:.0f}, optimum {optimal_loss:.0f}, "
          f"excess {(greedy_loss / optimal_loss - 1) * 100:+.1f}% (target <= +10%); secondary cells only: "
          f"greedy {greedy_sec:.0f}, optimum {optimal_sec:.0f}, excess {(greedy_sec / optimal_sec - 1) * 100:+.1f}%")


if __name__ == "__main__":
    main()
