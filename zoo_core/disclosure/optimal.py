"""A minimum-cost suppression pattern, to measure what the greedy `protect` loses (bench/bench_2d.py).

Benders-style cut generation with the attacker's LPs (Fischetti and Salazar, 2001): x_j = 1 hides
cell j. For a hidden cell i and a pattern x, the attacker maximises the deviation z_i = y_i - a_i over
tables y with A y = 0, y_j in [0, ub_j] where hidden and y_j = a_j where published, i.e. z_j in
[-a_j x_j, (ub_j - a_j) x_j]. For any multipliers lambda of A z = 0 weak duality gives
max z_i <= sum_j x_j w_j(lambda), w_j = max(c_j, 0) (ub_j - a_j) + max(-c_j, 0) a_j, c = e_i - A^T lambda;
the same for -z_i. A cell that needs an interval of width R therefore needs
sum_j x_j (w_j^+ + w_j^-) >= R for every lambda: a valid cut, tight at the pattern whose LP duals
gave lambda. The master is a MILP (scipy.optimize.milp, HiGHS) minimising the same cost as the
greedy (value + 1 per hidden cell); a candidate is checked by the same audit and relation rules as
`protect`, and every failing cell adds its cut. Two rules are not LP cuts and are added as simple
covering cuts ("hide one more cell here"): the union rule of `protect` and a failure that only
rounding to whole numbers causes; those two make the result an upper bound on the optimum rather
than a proven optimum where they fire (the benchmark prints how often). Only for small tables:
each round is a MILP.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import LinearConstraint, linprog, milp

from .audit import audit_components, protection_required
from .primary import aggregate_primary
from .table import CellTable


def _cut(table: CellTable, hidden: np.ndarray, cell: int, required: float) -> np.ndarray | None:
    """Weights w with sum_j x_j w_j >= required for every safe pattern, or None if the current pattern
    already meets it in the LP (the failure is then rounding or the union rule)."""
    a = table.values
    ub = np.where(np.isfinite(table.upper), table.upper, np.inf)
    matrix = table.relation_matrix()
    low = np.where(hidden, -a, 0.0)
    high = np.where(hidden, ub - a, 0.0)
    weights, total = np.zeros(len(a)), 0.0
    for sign in (1.0, -1.0):
        objective = np.zeros(len(a))
        objective[cell] = -sign  # linprog minimises: maximise sign * z_i
        result = linprog(objective, A_eq=matrix, b_eq=np.zeros(matrix.shape[0]), bounds=list(zip(low, high)),
                         method="highs")
        if result.status == 3:  # unbounded: this direction is open, it adds no requirement
            return None
        if result.status != 0:
            raise RuntimeError(f"attacker LP: {result.message}")
        lam = -np.asarray(result.eqlin.marginals) if matrix.shape[0] else np.zeros(0)
        c = sign * np.eye(1, len(a), cell).ravel() - matrix.T @ lam
        room = np.where(np.isfinite(ub), ub - a, 0.0)
        w = np.where((c > 1e-9) & ~np.isfinite(ub), np.inf, np.maximum(c, 0) * room) + np.maximum(-c, 0) * a
        weights += np.minimum(w, required)
        total += -result.fun
    if total >= required - 1e-9:
        return None
    return weights


def optimal_pattern(table: CellTable, primary: np.ndarray, frozen: np.ndarray | None = None,
                    hidden_already: np.ndarray | None = None, max_rounds: int = 500,
                    time_limit: float = 60.0) -> np.ndarray:
    """A minimum-cost pattern that passes the audit and the relation rules of `protect`."""
    n = len(table)
    primary = np.asarray(primary, dtype=bool)
    frozen = np.zeros(n, dtype=bool) if frozen is None else np.asarray(frozen, dtype=bool)
    hidden_already = np.zeros(n, dtype=bool) if hidden_already is None else np.asarray(hidden_already, dtype=bool)
    fixed_hidden = primary | (frozen & hidden_already)
    fixed_open = frozen & ~hidden_already & ~primary
    lower_x = fixed_hidden.astype(float)
    upper_x = np.where(fixed_open | table.known & ~fixed_hidden, 0.0, 1.0)
    cost = table.values + 1.0
    cuts: list[np.ndarray] = []
    rhs: list[float] = []
    relation_cells = table.relation_cells()
    for cells in relation_cells:  # never exactly one hidden cell in a relation: x_i <= sum of the others
        for i in cells:
            if upper_x[i] > 0:
                row = np.zeros(n)
                row[cells] = 1.0
                row[i] = -1.0
                cuts.append(row)
                rhs.append(0.0)
    for _round in range(max_rounds):
        constraints = [LinearConstraint(np.array(cuts), np.array(rhs), np.inf)] if cuts else []
        result = milp(cost, integrality=np.ones(n), bounds=(lower_x, upper_x), constraints=constraints,
                      options={"time_limit": time_limit})
        if result.x is None:
            raise RuntimeError(f"optimal pattern: {result.message}")
        hidden = result.x > 0.5
        added = _cuts_for(table, hidden, primary, relation_cells, cuts, rhs)
        if not added:
            return hidden
    raise RuntimeError(f"optimal pattern: no safe pattern after {max_rounds} rounds")


def _cuts_for(table: CellTable, hidden: np.ndarray, primary: np.ndarray, relation_cells, cuts, rhs) -> int:
    """Append a cut per failure of `hidden`; the number added (0: the pattern is safe)."""
    n = len(table)
    added = 0
    check = audit_components(table, hidden, primary=primary, exact=True)
    for failure in check.failures:
        required = protection_required(table, failure.index) if primary[failure.index] else 1.0
        weights = _cut(table, hidden, failure.index, required)
        if weights is None:  # a rounding failure: hide at least one more cell of the failing cell's relations
            weights = np.zeros(n)
            near = np.unique(np.concatenate([c for c in relation_cells if failure.index in c] or [[failure.index]]))
            weights[near[~hidden[near]]] = 1.0
            required = 1.0
        cuts.append(weights)
        rhs.append(required)
        added += 1
    for cells in relation_cells:  # the union rule: hidden members of a published total pass the primary rules
        members = cells[1:]
        if not hidden[cells[0]] and hidden[members].sum() >= 2 and aggregate_primary(table, members[hidden[members]]).mask[0]:
            row = np.zeros(n)
            row[cells[~hidden[cells]]] = 1.0
            cuts.append(row)
            rhs.append(1.0)
            added += 1
    return added
