"""Audit: how precisely can an attacker recover each hidden cell from everything published?

For every suppressed cell we solve two LPs (min and max of the cell) subject to all additive
relations, published cells fixed at their value and hidden cells >= 0. Hidden cells only interact
through relations, so we build one HiGHS model per connected component of hidden cells and reuse it,
changing only the objective (warm-started simplex, ~10x faster than one linprog call per LP).
"""
from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import connected_components

from .primary import primary_suppression
from .table import CellTable

Equation = tuple[dict[int, float], float]  # sum_i w_i * x_i == rhs


@dataclass
class AuditFailure:
    index: int
    key: str
    lower: float
    upper: float
    required_width: float
    reason: str


@dataclass
class AuditResult:
    lower: np.ndarray   # published cells: their value
    upper: np.ndarray   # +inf when an attacker has no upper bound
    ok: bool
    failures: list[AuditFailure]


def protection_required(table: CellTable, index: int) -> float:
    """Minimum width of the feasible interval of a primary-unsafe cell."""
    rules = table.rules
    return max(rules.protection_abs, rules.protection_pct / 100 * float(table.values[index]))


def audit(table: CellTable, suppressed: np.ndarray, extra_equations: list[Equation] = (),
          primary: np.ndarray | None = None) -> AuditResult:
    """Audit all hidden cells. `primary` (cells that need protection_required) defaults to the
    table's own primary rules; pass it when rate/mean rules added primary cells."""
    return audit_components(table, suppressed, extra_equations, primary)


def audit_components(table: CellTable, suppressed: np.ndarray, extra_equations: list[Equation] = (),
                     primary: np.ndarray | None = None, touching: np.ndarray | None = None,
                     previous: AuditResult | None = None) -> AuditResult:
    """As `audit`, but only the components holding a cell of `touching` are solved; the others keep
    their interval from `previous` (else [0, inf)) and are not checked. A component without new
    hidden cells or equations cannot change, which keeps repair rounds and derived checks cheap."""
    suppressed = np.asarray(suppressed, dtype=bool)
    if primary is None:
        primary = primary_suppression(table).mask
    values = table.values
    lower = np.where(suppressed, 0.0, values)
    upper = np.where(suppressed, np.inf, values)
    if previous is not None:
        lower[suppressed], upper[suppressed] = previous.lower[suppressed], previous.upper[suppressed]

    equations, rhs = _equation_matrix(table, extra_equations)
    hidden_cells = np.flatnonzero(suppressed)
    on_hidden = equations[:, hidden_cells]  # the LP's constraint matrix, all components together
    rhs_left = rhs - equations[:, ~suppressed] @ values[~suppressed]
    pattern = (on_hidden != 0).astype(np.int8)
    labels = connected_components(pattern.T @ pattern, directed=False)[1]  # per hidden cell
    active = np.flatnonzero(np.diff(on_hidden.indptr) > 0)
    row_labels = labels[on_hidden.indices[on_hidden.indptr[active]]]
    position = np.full(len(table), -1)
    position[hidden_cells] = np.arange(len(hidden_cells))
    wanted = np.unique(labels[position[touching[suppressed[touching]]]]) if touching is not None else None

    failures: list[AuditFailure] = []
    for component in np.unique(labels):
        if wanted is not None and component not in wanted:
            continue
        members = np.flatnonzero(labels == component)
        rows = active[row_labels == component]
        block = on_hidden[rows][:, members]
        if len(rows) == 1 and np.all(np.abs(block.data) == 1):
            intervals = _single_relation_intervals(block.toarray()[0], float(rhs_left[rows][0]), table,
                                                   hidden_cells[members])
        else:
            intervals = _ComponentLP(block, rhs_left[rows]).intervals(table, hidden_cells[members])
        for cell, (lo, hi, insider) in zip(hidden_cells[members], intervals):
            lower[cell], upper[cell] = lo, hi
            failure = _check(table, cell, lo, hi, primary[cell], insider)
            if failure:
                failures.append(failure)
    return AuditResult(lower, upper, not failures, failures)


def _one_row_bounds(signs: np.ndarray, rhs: float) -> list[tuple[float, float]]:
    """Exact min and max of each x_i subject to sum(signs * x) == rhs, x >= 0, signs in {+1, -1}.

    Most audit components are one relation (a published gemeente with some hidden wijken); solving
    them in closed form instead of two LPs per cell makes a full build several times faster.
    """
    plus, minus = int((signs > 0).sum()), int((signs < 0).sum())
    bounds = []
    for sign in signs:
        if sign > 0:
            upper = rhs if minus == 0 else np.inf
            lower = 0.0 if plus >= 2 else max(0.0, rhs)
        else:
            upper = -rhs if plus == 0 else np.inf
            lower = 0.0 if minus >= 2 else max(0.0, -rhs)
        bounds.append((lower, upper))
    return bounds


def _same_contributors(table: CellTable, insider_cell: int, other_cell: int, nested: bool) -> bool:
    """True when every contributor of the other cell is the insider itself: a member of the
    insider's cell (fewer or equal units), or a total holding only the insider. Pinning such a cell
    tells the sole contributor nothing about anyone else, so it is no disclosure."""
    return nested and table.n_units[other_cell] <= table.n_units[insider_cell]


def _single_relation_intervals(signs: np.ndarray, rhs: float, table: CellTable,
                               cells: np.ndarray) -> list[tuple[float, float, int | None]]:
    """As _ComponentLP.intervals for a component of one relation, insiders included."""
    result = [(lo, hi, None) for lo, hi in _one_row_bounds(signs, rhs)]
    if table.measure != "magnitude" or len(cells) == 1:
        return result
    for var, cell in enumerate(cells):
        if table.n_units[cell] != 1:
            continue
        others = np.arange(len(cells)) != var
        known_rhs = rhs - signs[var] * float(table.values[cell])
        for other, (lo, hi) in zip(np.flatnonzero(others), _one_row_bounds(signs[others], known_rhs)):
            if _same_contributors(table, cell, cells[other], signs[var] != signs[other]):
                continue
            if hi - lo < result[other][1] - result[other][0]:
                result[other] = (lo, hi, int(cell))
    return result


def _check(table: CellTable, cell: int, lo: float, hi: float, is_primary: bool,
           insider: int | None) -> AuditFailure | None:
    value = float(table.values[cell])
    width = hi - lo
    who = "" if insider is None else f" (voor de enige bijdrager aan {table.keys[insider]})"
    # Relative tolerance: LP round-off grows with the magnitude of euro amounts.
    if width < 1e-6 * max(1.0, value):
        return AuditFailure(int(cell), table.keys[cell], lo, hi, 0.0, "exact af te leiden" + who)
    required = protection_required(table, cell) if is_primary else 0.0
    if width < required - 1e-9 * max(1.0, value):
        return AuditFailure(int(cell), table.keys[cell], lo, hi, required,
                            f"te nauwkeurig af te leiden (marge {width:g}, vereist {required:g})" + who)
    return None


def _equation_matrix(table: CellTable, extra_equations: list[Equation]) -> tuple[csr_matrix, np.ndarray]:
    """Relations (total - members == 0) and extra equations as one sparse system A x == rhs."""
    matrix, rhs = table.relation_matrix(), np.zeros(len(table.relations))
    if extra_equations:
        rows, cols, coefs = [], [], []
        for row, (weights, _) in enumerate(extra_equations):
            rows += [row] * len(weights)
            cols += [int(i) for i in weights]
            coefs += [float(w) for w in weights.values()]
        extra = csr_matrix((coefs, (rows, cols)), shape=(len(extra_equations), len(table)))
        matrix = vstack([matrix, extra], format="csr")
        rhs = np.concatenate([rhs, [float(value) for _, value in extra_equations]])
    return matrix, rhs


class _ComponentLP:
    """One reusable HiGHS model over the hidden cells of one component."""

    def __init__(self, constraints: csr_matrix, rhs: np.ndarray) -> None:
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)  # the build runs one process per core already
        self.highs.setOptionValue("presolve", "off")  # keep the basis for warm starts
        self.n = constraints.shape[1]
        self.constraints = constraints.tocsc()
        self.rows = constraints.tocsr()
        self.highs.addVars(self.n, np.zeros(self.n), np.full(self.n, highspy.kHighsInf))
        if len(rhs):
            self.highs.addRows(len(rhs), rhs, rhs, constraints.nnz, constraints.indptr[:-1].astype(np.int32),
                               constraints.indices.astype(np.int32), constraints.data.astype(np.float64))

    def _optimum(self, var: int, sense) -> float:
        self.highs.changeColCost(var, 1.0)
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        optimum = self.highs.getInfo().objective_function_value
        self.highs.changeColCost(var, 0.0)  # resets the model status, so read it first
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return np.inf
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"audit LP ended with {self.highs.modelStatusToString(status)}")
        return optimum

    def _interval(self, var: int) -> tuple[float, float]:
        return (max(0.0, self._optimum(var, highspy.ObjSense.kMinimize)),
                self._optimum(var, highspy.ObjSense.kMaximize))

    def _nested(self, a: int, b: int) -> bool:
        """True if one of the two cells is the total of a relation the other is a member of."""
        c = self.constraints
        rows_a, signs_a = c.indices[c.indptr[a]:c.indptr[a + 1]], c.data[c.indptr[a]:c.indptr[a + 1]]
        rows_b, signs_b = c.indices[c.indptr[b]:c.indptr[b + 1]], c.data[c.indptr[b]:c.indptr[b + 1]]
        sign_of_b = dict(zip(rows_b.tolist(), signs_b.tolist()))
        return any(sign * sign_of_b.get(row, 0.0) < 0 for row, sign in zip(rows_a.tolist(), signs_a.tolist()))

    def _sharing_a_relation(self, var: int) -> np.ndarray:
        rows = self.constraints.indices[self.constraints.indptr[var]:self.constraints.indptr[var + 1]]
        return np.setdiff1d(np.unique(self.rows[rows].indices), [var])

    def intervals(self, table: CellTable, cells: np.ndarray) -> list[tuple[float, float, int | None]]:
        """(lower, upper, insider) per cell: the narrowest interval over the outside attacker and,
        for magnitude tables, every sole contributor of a hidden cell (who knows that cell exactly)."""
        result = [(*self._interval(var), None) for var in range(self.n)]
        if table.measure != "magnitude":
            return result
        # The sole contributor's knowledge is checked for the cells sharing a relation with its cell:
        # those are where it bites; re-solving the whole component per insider is quadratic and made
        # large magnitude tables (one sale per buurt) take minutes. Documented approximation.
        for var, cell in enumerate(cells):
            if table.n_units[cell] != 1 or self.n == 1:
                continue
            known = float(table.values[cell])
            self.highs.changeColBounds(var, known, known)
            for other in self._sharing_a_relation(var):
                if _same_contributors(table, cell, cells[other], self._nested(var, int(other))):
                    continue
                lo, hi = self._interval(int(other))
                if hi - lo < result[other][1] - result[other][0]:
                    result[other] = (lo, hi, int(cell))
            self.highs.changeColBounds(var, 0.0, highspy.kHighsInf)
        return result
