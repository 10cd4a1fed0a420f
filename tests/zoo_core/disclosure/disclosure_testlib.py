"""Helpers for the disclosure tests. The LP checker here is written independently of the engine."""
from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from zoo_core.disclosure import CellTable, RuleSet

PERSONS = RuleSet(unit_type="persons", min_units=10, dominance_p=None, dominance_n=None, dominance_k=None,
                  min_denominator=50, extreme_share_min_denominator=100, protection_abs=5, protection_pct=0)


def grid_table(inner, rules: RuleSet = PERSONS) -> CellTable:
    """2-D table with row totals, column totals and a grand total; keys like 'w|a', 'w|T', 'T|a', 'T|T'."""
    inner = np.asarray(inner, dtype=float)
    n_rows, n_cols = inner.shape
    row_names = [chr(ord("w") + r) if n_rows <= 4 else f"r{r}" for r in range(n_rows)]
    col_names = [chr(ord("a") + c) for c in range(n_cols)]
    keys = [f"{r}|{c}" for r in row_names for c in col_names]
    keys += [f"{r}|T" for r in row_names] + [f"T|{c}" for c in col_names] + ["T|T"]
    values = np.concatenate([inner.ravel(), inner.sum(axis=1), inner.sum(axis=0), [inner.sum()]])
    cell = np.arange(n_rows * n_cols).reshape(n_rows, n_cols)
    row_total = n_rows * n_cols + np.arange(n_rows)
    col_total = n_rows * n_cols + n_rows + np.arange(n_cols)
    grand = len(keys) - 1
    relations = [(row_total[r], cell[r]) for r in range(n_rows)]
    relations += [(col_total[c], cell[:, c]) for c in range(n_cols)]
    relations += [(grand, row_total), (grand, col_total)]
    return CellTable(keys, values, values.astype(np.int64), None, None, relations, "count", rules)


def hidden_mask(table: CellTable, hidden_keys) -> np.ndarray:
    return np.array([key in set(hidden_keys) for key in table.keys])


def independent_intervals(values, relations, suppressed):
    """Min and max of every suppressed cell over ALL cells (published ones fixed by their bounds),
    one scipy linprog call per bound."""
    n = len(values)
    a_eq = np.zeros((len(relations), n))
    for row, (total, members) in enumerate(relations):
        a_eq[row, total] = 1
        a_eq[row, members] -= 1
    bounds = [(0, None) if suppressed[i] else (values[i], values[i]) for i in range(n)]
    intervals = {}
    for i in np.flatnonzero(suppressed):
        objective = np.zeros(n)
        objective[i] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=np.zeros(len(relations)), bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=np.zeros(len(relations)), bounds=bounds, method="highs")
        assert low.status == 0
        intervals[int(i)] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return intervals


def random_hierarchy(rng: np.random.Generator, rules: RuleSet = PERSONS) -> CellTable:
    """land = sum of provincies = sum of 2 RIEC regions; gemeente = sum of wijken; some wijk = sum of buurten."""
    n_prov = int(rng.integers(2, 4))
    n_gem = int(rng.integers(n_prov, 8))
    prov_of = np.concatenate([np.arange(n_prov), rng.integers(0, n_prov, n_gem - n_prov)])
    riec_of = np.concatenate([np.arange(2), rng.integers(0, 2, n_gem - 2)]) if n_gem >= 2 else np.zeros(1, int)
    keys = ["NL"]
    prov = [len(keys) + p for p in range(n_prov)]
    keys += [f"PV{p}" for p in range(n_prov)]
    riec = [len(keys) + r for r in range(2)]
    keys += ["RIEC0", "RIEC1"]
    gem = [len(keys) + g for g in range(n_gem)]
    keys += [f"GM{g}" for g in range(n_gem)]
    relations = [(0, np.array(prov)), (0, np.array(riec))]
    relations += [(prov[p], np.array([gem[g] for g in range(n_gem) if prov_of[g] == p])) for p in range(n_prov)]
    relations += [(riec[r], np.array([gem[g] for g in range(n_gem) if riec_of[g] == r])) for r in range(2)]
    for g in range(n_gem):
        wijken = list(range(len(keys), len(keys) + int(rng.integers(1, 5))))
        keys += [f"WK{g}_{w}" for w in range(len(wijken))]
        relations.append((gem[g], np.array(wijken)))
        for w in wijken:
            if rng.random() < 0.25:
                buurten = list(range(len(keys), len(keys) + int(rng.integers(2, 4))))
                keys += [f"BU{w}_{b}" for b in range(len(buurten))]
                relations.append((w, np.array(buurten)))
    values = np.zeros(len(keys))
    totals = {total for total, _ in relations}
    leaf = np.array([i not in totals for i in range(len(keys))])
    values[leaf] = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 35, 60], leaf.sum())
    for total, members in reversed(relations):  # children are listed after their parents
        values[total] = values[members].sum()
    values[0] = values[prov].sum()
    return CellTable(keys, values, values.astype(np.int64), None, None, relations, "count", rules)
