"""Audit: how precisely can an attacker recover each hidden cell from everything published?

For every suppressed cell we solve two LPs (min and max of the cell) subject to all additive
relations, published cells fixed at their value and hidden cells >= 0. Hidden cells only interact
through relations, so we build one HiGHS model per connected component of hidden cells and reuse it,
changing only the objective (warm-started simplex, ~10x faster than one linprog call per LP).

Protection only needs to know that each interval is wide enough, not how wide it is. With
`exact=False` every optimal LP solution is kept as a witness: a feasible table, so the smallest and
largest value a cell takes over the witnesses (and the true table) lie inside its true interval. A
cell whose witness range already passes the check needs no LPs of its own; the others get their two
exact LPs, so the failures are the same as with exact intervals (the pinning equations a failure names
come from LP duals, which need not be unique, so repair may pick other cells than after an exact audit). At scale,
where nearly every buurt is hidden, this removes most LPs.
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

# Witness rounds (exact=False) stop when fewer cells are open than this or when a round settles fewer
# cells than this: a round costs about as much as two single-cell LPs. BULK_ROUNDS is only a guard.
BULK_MIN_OPEN = 20
BULK_MIN_SETTLED = 3
BULK_ROUNDS = 500


@dataclass
class AuditFailure:
    index: int
    key: str
    lower: float
    upper: float
    required_width: float
    reason: str
    # Equations (indices into table.relations, then extra equations) that pin the cell: the rows with
    # a nonzero dual in its min/max LPs. Hiding a published cell of one of them breaks that derivation.
    pinned_by: tuple[int, ...] = ()


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
                     previous: AuditResult | None = None, exact: bool = True) -> AuditResult:
    """As `audit`, but only the components holding a cell of `touching` are solved; the others keep
    their interval from `previous` (else [0, upper]) and are not checked. A component without new
    hidden cells or equations cannot change, which keeps repair rounds and derived checks cheap.
    `previous` must audit the same table with the same or fewer hidden cells (as in repair, where the
    pattern only grows): every table feasible then is feasible now, so with exact=False its intervals
    seed the witness ranges and a cell that passed before needs no LPs again.
    exact=False: a cell that passes may get an inner estimate of its interval (see the module doc);
    the failures are exactly those of exact=True.

    The attacker knows the relations, every published cell, each cell's public upper bound
    (`table.upper`), the links between linked cells (`table.links`) and, for counts, that values
    are whole numbers; each hidden cell is a variable >= 0."""
    suppressed = np.asarray(suppressed, dtype=bool)
    if primary is None:
        primary = primary_suppression(table).mask
    values = table.values
    lower = np.where(suppressed, 0.0, values)
    upper = np.where(suppressed, table.upper, values)
    if previous is not None:
        lower[suppressed], upper[suppressed] = previous.lower[suppressed], previous.upper[suppressed]

    equations, rhs = _equation_matrix(table, extra_equations)
    n_equations = equations.shape[0]
    hidden_cells = np.flatnonzero(suppressed)
    position = np.full(len(table), -1)
    position[hidden_cells] = np.arange(len(hidden_cells))
    col_low, col_high = np.zeros(len(hidden_cells)), table.upper[hidden_cells].astype(np.float64)
    links, link_ids = _hidden_links(table, suppressed, position, col_low, col_high)
    rhs_left = rhs - equations[:, ~suppressed] @ values[~suppressed]
    _drop_redundant_bounds(table, suppressed, equations, rhs_left, hidden_cells, col_high)
    # Row ids as a failure names them: equations first, then table.links by their own index.
    row_ids = np.concatenate([np.arange(n_equations), n_equations + link_ids]).astype(np.int64)
    system = vstack([equations[:, hidden_cells], links], format="csr")  # the LP's rows, all components
    row_low = np.concatenate([rhs_left, np.full(links.shape[0], -np.inf)])
    row_high = np.concatenate([rhs_left, np.zeros(links.shape[0])])
    pattern = (system != 0).astype(np.int8)
    labels = connected_components(pattern.T @ pattern, directed=False)[1]  # per hidden cell
    active = np.flatnonzero(np.diff(system.indptr) > 0)
    row_labels = labels[system.indices[system.indptr[active]]]
    wanted = np.unique(labels[position[touching[suppressed[touching]]]]) if touching is not None else None
    bounded = (col_low > 0) | np.isfinite(col_high)

    # A linked small cell whose big cell is hidden can be no wider than what is known of the big cell.
    big_of = {small: big for small, big in table.links if suppressed[small] and suppressed[big]}
    failures: list[AuditFailure] = []
    for component in np.unique(labels):
        if wanted is not None and component not in wanted:
            continue
        members = np.flatnonzero(labels == component)
        rows = active[row_labels == component]
        block = system[rows][:, members]
        lp = None
        if (len(rows) == 1 and rows[0] < n_equations and np.all(np.abs(block.data) == 1)
                and not bounded[members].any()):
            intervals = [(lo, hi, insider, (int(row_ids[rows[0]]),)) for lo, hi, insider in _single_relation_intervals(
                block.toarray()[0], float(rhs_left[rows][0]), table, hidden_cells[members])]
        elif len(rows) == 0:  # a hidden cell in no relation: only its own bounds
            intervals = [(float(col_low[m]), float(col_high[m]), None, ()) for m in members]
        else:
            lp = _ComponentLP(block, row_low[rows], row_high[rows], row_ids[rows], col_low[members], col_high[members])
            cells = hidden_cells[members]
            seen = None if exact or previous is None else (lower[cells], upper[cells])
            intervals = lp.intervals(table, cells, None if exact else primary[cells], seen)
        for cell, (lo, hi, insider, pinned_by) in zip(hidden_cells[members], intervals):
            if table.integer:
                lo, hi = _whole(lo, hi)
            lower[cell], upper[cell] = lo, hi
            if table.latent[cell]:  # never published: its (inner) interval only serves the cells around it
                continue
            failure = _check(table, cell, lo, hi, primary[cell], insider)
            if failure and lp is not None and insider is None and cell in big_of:
                big_max = lp.maximum(int(np.searchsorted(hidden_cells[members], big_of[cell])))
                if table.integer:
                    big_max = _whole(0.0, big_max)[1]
                if covers_public_box(lo, hi, big_max):  # as wide as the hidden big cell allows
                    failure = None
            if failure:
                failure.pinned_by = pinned_by
                failures.append(failure)
    return AuditResult(lower, upper, not failures, failures)


def _hidden_links(table: CellTable, suppressed: np.ndarray, position: np.ndarray, col_low: np.ndarray,
                  col_high: np.ndarray) -> tuple[csr_matrix, np.ndarray]:
    """Links as LP rows small - big <= 0 where both cells are hidden (with the index of each row's
    link); where one is published the link is a bound on the other (tightened in place)."""
    rows, cols, coefs, ids = [], [], [], []
    for link, (small, big) in enumerate(table.links):
        if suppressed[small] and suppressed[big]:
            row = len(rows) // 2
            ids.append(link)
            rows += [row, row]
            cols += [position[small], position[big]]
            coefs += [1.0, -1.0]
        elif suppressed[small]:
            col_high[position[small]] = min(col_high[position[small]], table.values[big])
        elif suppressed[big]:
            col_low[position[big]] = max(col_low[position[big]], table.values[small])
    return csr_matrix((coefs, (rows, cols)), shape=(len(rows) // 2, len(col_low))), np.array(ids, dtype=np.int64)


def _drop_redundant_bounds(table: CellTable, suppressed: np.ndarray, equations: csr_matrix, rhs_left: np.ndarray,
                           hidden_cells: np.ndarray, col_high: np.ndarray) -> None:
    """Forget an upper bound that the relations already imply: a hidden member of a relation with a
    published total is at most what the total leaves for the hidden members. Most public bounds (a
    count of homes <= the housing stock) never bind, and a component without bounds is solved in
    closed form instead of by LP. The intervals do not change."""
    if not len(table.relations) or not np.isfinite(col_high).any():
        return
    totals = np.array([total for total, _ in table.relations], dtype=np.int64)
    rows = np.flatnonzero(~suppressed[totals])
    members = equations[rows][:, hidden_cells].tocoo()
    implied = np.full(len(hidden_cells), np.inf)
    np.minimum.at(implied, members.col, -rhs_left[rows][members.row])  # total minus published members
    finite = np.isfinite(implied)
    redundant = finite & (col_high >= np.where(finite, implied, 0.0) * (1 - 1e-9) - 1e-9)
    col_high[redundant] = np.inf


def _whole(lo: float, hi: float) -> tuple[float, float]:
    """The whole numbers inside an LP interval (a count cannot be 4.6)."""
    return float(np.ceil(lo - 1e-6)), float(np.floor(hi + 1e-6)) if np.isfinite(hi) else hi


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


def _exact_width(value):
    """Narrower than this counts as exactly derivable (relative: LP round-off grows with euro amounts)."""
    return 1e-6 * np.maximum(1.0, value)


def _min_width(value, required):
    """The narrowest interval that passes the check: vectorised, shared by _check and the witnesses."""
    return np.maximum(_exact_width(value), required - 1e-9 * np.maximum(1.0, value))


def _required(table: CellTable, cells: np.ndarray, is_primary: np.ndarray) -> np.ndarray:
    return np.array([protection_required(table, c) if p else 0.0 for c, p in zip(cells, is_primary)],
                    dtype=np.float64)


def covers_public_box(lo, hi, cap):
    """True where the interval covers every value the cell's public bound allows ([0, cap]): no
    protection can be wider than that (e.g. [0, 4] under a published denominator of 4)."""
    finite = np.isfinite(cap)
    cap = np.where(finite, cap, 0.0)
    return finite & (lo <= 1e-9) & (hi >= cap - 1e-9 * np.maximum(1.0, cap))


def smallest_margin(table: CellTable, result: AuditResult, hidden: np.ndarray, primary: np.ndarray,
                    own: np.ndarray | None = None) -> float:
    """min over the hidden primary cells of `own` of (interval width - required width); cells whose
    interval covers all their public bound allows are left out (no wider interval exists). From a
    witness audit (exact=False) the intervals are inner estimates, so this is a lower bound."""
    own = np.ones(len(table), bool) if own is None else own
    checked = np.flatnonzero(hidden & primary & own)
    cap = table.upper.copy()
    for small, big in table.links:  # a linked cell is no wider than its hidden big cell allows
        if hidden[big]:
            cap[small] = min(cap[small], result.upper[big])
    boxed = covers_public_box(result.lower[checked], result.upper[checked], cap[checked])
    margins = [result.upper[i] - result.lower[i] - protection_required(table, i) for i in checked[~boxed]]
    return float(min(margins)) if margins else float("inf")


def _check(table: CellTable, cell: int, lo: float, hi: float, is_primary: bool,
           insider: int | None) -> AuditFailure | None:
    value = float(table.values[cell])
    width = hi - lo
    cap = float(table.upper[cell])
    if cap < np.inf and lo <= 1e-9 and hi >= cap - 1e-9 * max(1.0, cap):  # covers_public_box, one cell
        return None
    who = "" if insider is None else f" (voor de enige bijdrager aan {table.keys[insider]})"
    if width < _exact_width(value):
        return AuditFailure(int(cell), table.keys[cell], lo, hi, 0.0, "exact af te leiden" + who)
    required = protection_required(table, cell) if is_primary else 0.0
    if width < _min_width(value, required):
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

    def __init__(self, constraints: csr_matrix, row_low: np.ndarray, row_high: np.ndarray, equation_ids: np.ndarray,
                 col_low: np.ndarray, col_high: np.ndarray) -> None:
        self.equation_ids = np.asarray(equation_ids)  # row of this LP -> row of the full system (then links)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)  # the build runs one process per core already
        self.highs.setOptionValue("presolve", "off")  # keep the basis for warm starts
        # Only the objective changes between most solves, so the last basis stays primal feasible and
        # primal simplex goes on from it; HiGHS' default (dual) took ~40x longer per cell on a
        # 10,000-cell flow table.
        self.highs.setOptionValue("simplex_strategy", 4)
        self.n = constraints.shape[1]
        self.constraints = constraints.tocsc()
        self.rows = constraints.tocsr()
        self.col_low = np.asarray(col_low, dtype=np.float64)
        self.col_high = np.where(np.isfinite(col_high), col_high, highspy.kHighsInf).astype(np.float64)
        self.highs.addVars(self.n, self.col_low, self.col_high)
        if len(row_low):
            inf = highspy.kHighsInf
            self.highs.addRows(len(row_low), np.where(np.isfinite(row_low), row_low, -inf),
                               np.where(np.isfinite(row_high), row_high, inf), constraints.nnz,
                               constraints.indptr[:-1].astype(np.int32), constraints.indices.astype(np.int32),
                               constraints.data.astype(np.float64))

    def maximum(self, var: int) -> float:
        """The exact largest value of one cell (no witness kept, no pinning recorded)."""
        return self._optimum(var, highspy.ObjSense.kMaximize, _Witnesses(np.zeros(self.n), None, np.full(self.n, np.inf),
                                                                          False))

    def _optimum(self, var: int, sense, witness: _Witnesses) -> float:
        self.highs.changeColCost(var, 1.0)
        self.highs.changeObjectiveSense(sense)
        optimum = self._solve(witness, var)
        self.highs.changeColCost(var, 0.0)
        return optimum

    def _solve(self, witness: _Witnesses, var: int | None = None, may_be_infeasible: bool = False) -> float | None:
        """Run the LP; its solution widens `witness`, and when it optimises one cell `var`, the
        equations with a nonzero dual are recorded as pinning that cell. None for an infeasible LP
        where that may happen (boxed witness rounds), else an infeasible LP is an error."""
        self.highs.run()
        status = self.highs.getModelStatus()  # read before changing the model: that resets it
        if status in (highspy.HighsModelStatus.kUnknown, highspy.HighsModelStatus.kInfeasible):
            # Seen after an unbounded solve, and (primal simplex) after bounds changed around a warm
            # start: the warm start is unusable, start this LP afresh.
            self.highs.clearSolver()
            self.highs.run()
            status = self.highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return np.inf
        if status == highspy.HighsModelStatus.kInfeasible and may_be_infeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"audit LP ended with {self.highs.modelStatusToString(status)}")
        solution = self.highs.getSolution()
        if not witness.exact:
            witness.add(np.asarray(solution.col_value))
        if var is not None:
            duals = np.asarray(solution.row_dual)
            witness.pin(var, self.equation_ids[np.abs(duals) > 1e-9])
        return self.highs.getInfo().objective_function_value

    def _nested(self, a: int, b: int) -> bool:
        """True if one of the two cells is the total of a relation the other is a member of."""
        c = self.constraints
        rows_a, signs_a = c.indices[c.indptr[a]:c.indptr[a + 1]], c.data[c.indptr[a]:c.indptr[a + 1]]
        rows_b, signs_b = c.indices[c.indptr[b]:c.indptr[b + 1]], c.data[c.indptr[b]:c.indptr[b + 1]]
        sign_of_b = dict(zip(rows_b.tolist(), signs_b.tolist()))
        return any(sign * sign_of_b.get(row, 0.0) < 0 for row, sign in zip(rows_a.tolist(), signs_a.tolist()))

    def _sharing_a_relation(self, var: int) -> np.ndarray:
        c, r = self.constraints, self.rows
        rows = c.indices[c.indptr[var]:c.indptr[var + 1]]
        cells = np.concatenate([r.indices[r.indptr[row]:r.indptr[row + 1]] for row in rows])
        return np.setdiff1d(cells, [var])

    def _settle(self, witness: _Witnesses, variables: np.ndarray, min_open: int) -> None:
        """Widen the witness range of `variables` until each passes, or is exact (two LPs) and fails."""
        if not witness.exact and len(variables) > 2:
            self._bulk_witnesses(witness, variables, min_open)
        for var in witness.open_among(variables):
            witness.high[var] = max(witness.high[var], self._optimum(var, highspy.ObjSense.kMaximize, witness))
            if len(witness.open_among([var])):
                witness.low[var] = max(self.col_low[var], self._optimum(var, highspy.ObjSense.kMinimize, witness))

    def _bulk_witnesses(self, witness: _Witnesses, variables: np.ndarray, min_open: int) -> None:
        """A few LPs that move many cells at once: one that pushes every cell down (most reach 0),
        then rounds that push up every cell still open, each boxed just above what it needs (so the
        LP stays bounded and spreads over many cells), while a round still settles enough cells."""
        self._solve_with_costs(variables, highspy.ObjSense.kMinimize, witness)
        open_vars = witness.open_among(variables)
        for _round in range(BULK_ROUNDS):
            if len(open_vars) < min_open:
                break
            count = len(open_vars)
            box = witness.low[open_vars] + witness.min_width[open_vars] * (1 + 1e-3) + 1e-3
            self.highs.changeColsBounds(count, open_vars, self.col_low[open_vars],
                                        np.minimum(box, self.col_high[open_vars]))
            solved = self._solve_with_costs(open_vars, highspy.ObjSense.kMaximize, witness, may_be_infeasible=True)
            self.highs.changeColsBounds(count, open_vars, self.col_low[open_vars], self.col_high[open_vars])
            if solved is None:
                # The ranges come from different witnesses (and, for counts, are rounded inwards), so no
                # one table need fit every box at once: the single-cell LPs take over.
                self.highs.clearSolver()
                break
            open_vars = witness.open_among(open_vars)
            if count - len(open_vars) < BULK_MIN_SETTLED:
                break

    def _solve_with_costs(self, variables: np.ndarray, sense, witness: _Witnesses,
                          may_be_infeasible: bool = False) -> float | None:
        """Optimise the sum of `variables`."""
        self.highs.changeColsCost(len(variables), variables, np.ones(len(variables)))
        self.highs.changeObjectiveSense(sense)
        optimum = self._solve(witness, may_be_infeasible=may_be_infeasible)
        self.highs.changeColsCost(len(variables), variables, np.zeros(len(variables)))
        return optimum

    def intervals(self, table: CellTable, cells: np.ndarray, is_primary: np.ndarray | None = None,
                  seen: tuple[np.ndarray, np.ndarray] | None = None) -> list[tuple[float, float, int | None, tuple[int, ...]]]:
        """(lower, upper, insider, pinned_by) per cell: the narrowest interval over the outside attacker and,
        for magnitude tables, every sole contributor of a hidden cell (who knows that cell exactly).
        With `is_primary` given, a passing cell's interval may be a witness estimate (module doc)."""
        required = None if is_primary is None else _required(table, cells, is_primary)
        outside = _Witnesses(table.values[cells], required, table.upper[cells], table.integer, table.latent[cells])
        if seen is not None:  # values taken by feasible tables of an audit with fewer hidden cells
            outside.add(seen[0])
            outside.add(seen[1])
        self._settle(outside, np.arange(self.n, dtype=np.int32), BULK_MIN_OPEN)
        result = [(float(lo), float(hi), None, outside.pinned(var)) for var, (lo, hi) in
                  enumerate(zip(outside.low, outside.high))]
        if table.measure != "magnitude":
            return result
        # The sole contributor's knowledge is checked for the cells sharing a relation with its cell:
        # those are where it bites; re-solving the whole component per insider is quadratic and made
        # large magnitude tables (one sale per buurt) take minutes. Documented approximation.
        for var, cell in enumerate(cells):
            if table.n_units[cell] != 1 or self.n == 1:
                continue
            others = np.array([o for o in self._sharing_a_relation(var)
                               if not _same_contributors(table, cell, cells[o], self._nested(var, int(o)))],
                              dtype=np.int32)
            if not len(others):
                continue
            known = float(table.values[cell])
            self.highs.changeColBounds(var, known, known)
            insider = _Witnesses(table.values[cells], required, table.upper[cells], table.integer)
            self._settle(insider, others, min_open=2)
            self.highs.changeColBounds(var, self.col_low[var], self.col_high[var])
            for other in others:
                lo, hi = float(insider.low[other]), float(insider.high[other])
                if hi - lo < result[other][1] - result[other][0]:
                    result[other] = (lo, hi, int(cell), insider.pinned(int(other)))
        return result


class _Witnesses:
    """The range each cell takes over known feasible tables (the true one first): inside its true
    interval, so a cell whose range is wide enough passes without LPs of its own. Without `required`
    (exact intervals wanted) no range is ever wide enough and every cell gets its two LPs."""

    def __init__(self, values: np.ndarray, required: np.ndarray | None, cap: np.ndarray, integer: bool,
                 unchecked: np.ndarray | None = None) -> None:
        self.low, self.high = values.astype(np.float64), values.astype(np.float64)
        self.cap, self.integer = cap, integer
        # latent cells (CellTable.latent): no LPs of their own, exact or not
        self.unchecked = np.zeros(len(values), dtype=bool) if unchecked is None else unchecked
        self.exact = required is None
        # The margin covers the LP's feasibility tolerance on a witness (rounding to whole numbers does
        # that for counts).
        margin = 0.0 if integer else _exact_width(values)
        self.min_width = None if self.exact else _min_width(values, required) + margin
        self._pinned_by: dict[int, set[int]] = {}  # var -> equations with a nonzero dual in its own LPs

    def add(self, solution: np.ndarray) -> None:
        np.minimum(self.low, solution, out=self.low)
        np.maximum(self.high, solution, out=self.high)

    def pin(self, var: int, equations: np.ndarray) -> None:
        self._pinned_by.setdefault(var, set()).update(equations.tolist())

    def pinned(self, var: int) -> tuple[int, ...]:
        return tuple(sorted(self._pinned_by.get(var, ())))

    def open_among(self, variables) -> np.ndarray:
        """The variables whose range is not yet wide enough."""
        variables = np.asarray(variables, dtype=np.int32)
        variables = variables[~self.unchecked[variables]]
        if self.exact:
            return variables
        low, high = self.low[variables], self.high[variables]
        if self.integer:
            low, high = np.ceil(low - 1e-6), np.floor(high + 1e-6)
        settled = (high - low >= self.min_width[variables]) | covers_public_box(low, high, self.cap[variables])
        return variables[~settled]
