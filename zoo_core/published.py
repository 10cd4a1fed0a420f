"""Numbers derived on the fly from PUBLISHED cells only: exact where they are determined, else a range.

Every new aggregate the app shows (a class total, a brushed selection, "rest van", a ratio such as
transacties per kapper) is computed here from the release alone: the minimum and maximum of the
aggregate over all tables consistent with everything published (the sum relations of the areas,
published values with their rounding, public bounds such as "drugsverdachten elders <= drugsverdachten",
nonnegativity and whole numbers for counts), solved as two LPs with HiGHS. The result is a function of
published information only, so showing it tells an attacker nothing the release does not: no ledger,
no confidential base, and no text that depends on a hidden value (Kenthapadi, Mishra and Nissim,
"Denials leak information: simulatable auditing").
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from . import catalogue, geography, numbers, reference
from .disclosure.knowledge import propagate_upper, public_upper
from .queries import Release

# A selection spread over more independent components than this is solved as one LP over all.
MAX_COMPONENTS_APART = 40
# Widen each rounding interval a hair so float round-off never makes the truth fall outside it.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class Derived:
    """A derived number as published information determines it: exact (low == high), a range, or
    unknown (no finite range: shown as x). `note` explains an unknown in words that depend only on
    what is published."""
    low: float | None
    high: float | None
    note: str = ""

    @property
    def exact(self) -> bool:
        return self.low is not None and self.high is not None and math.isclose(self.low, self.high, rel_tol=1e-9,
                                                                                 abs_tol=1e-9)

    @property
    def known(self) -> bool:
        """A finite range (or an exact value)."""
        return self.low is not None and self.high is not None and math.isfinite(self.high)

    @property
    def value(self) -> float | None:
        return self.low if self.exact else None

    @property
    def kind(self) -> str:
        return "exact" if self.exact else "range" if self.known else "x"

    def text(self, decimals: int = 1, unit: str = "") -> str:
        suffix = f" {unit}" if unit else ""
        if self.known:
            low, high = numbers.fmt(self.low, decimals), numbers.fmt(self.high, decimals)
            if low == high:  # a range narrower than the shown precision reads as one number
                return low + suffix
            return f"tussen {low} en {high}{suffix}"
        return "x" + (f" ({self.note})" if self.note else "")


def unknown(note: str) -> Derived:
    return Derived(None, None, note)


NOT_DERIVABLE = "niet af te leiden uit de gepubliceerde cijfers"


class PublishedTable:
    """One family x year x branche as the release shows it: per area the interval that published
    information allows for the base measure, and an LP over the sum relations for aggregates."""

    def __init__(self, low: np.ndarray, high: np.ndarray, relations: list[tuple[int, np.ndarray]], integer: bool):
        self.low, self.high, self.integer = low, high, integer
        # The LP works in units that keep the numbers near 1e5: euro totals of 1e11 with rounding
        # intervals of a few hundred euros otherwise defeat the solver's tolerances.
        finite = np.abs(np.concatenate([low, high[np.isfinite(high)]]))
        self.scale = max(1.0, float(finite.max()) / 1e5) if len(finite) else 1.0
        self.relations = relations
        self._lock = threading.Lock()
        self._lp: tuple | None = None

    @property
    def fixed(self) -> np.ndarray:
        return self.low == self.high

    def range_of(self, weights: dict[int, float]) -> tuple[float, float]:
        """Min and max of sum(w_i * x_i) over every table consistent with what is published.
        Cells in different components (no relation path of open cells between them) vary
        independently, so a small selection solves only its own small LPs."""
        idx = np.array(list(weights), dtype=np.int64)
        w = np.array([weights[i] for i in idx], dtype=np.float64)
        fixed = self.fixed[idx]
        low = high = float(w[fixed] @ self.low[idx[fixed]])
        if not fixed.all():
            free_idx, free_w = idx[~fixed], w[~fixed]
            with self._lock:
                system = self._system()
                components = system["label"][system["position"][free_idx]]
                parts = [(None, free_idx, free_w)] if len(np.unique(components)) > MAX_COMPONENTS_APART else \
                    [(c, free_idx[components == c], free_w[components == c]) for c in np.unique(components)]
                for component, cells, cell_weights in parts:
                    part_low, part_high = self._solve(component, cells, cell_weights)
                    low, high = low + part_low * self.scale, high + part_high * self.scale
        if self.integer and np.all(w == np.round(w)):  # a whole-number combination of counts
            low, high = math.ceil(low - 1e-6), (math.floor(high + 1e-6) if math.isfinite(high) else high)
        return float(low), float(high)

    def _solve(self, component: int | None, cells: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
        """Min and max of the weighted open cells over one component's LP (None: all components)."""
        highs, column = self._model(component)
        cols = column[cells].astype(np.int32)
        highs.changeColsCost(len(cols), cols, weights)
        result = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            highs.changeObjectiveSense(sense)
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnknown:  # seen after an unbounded solve: start afresh
                highs.clearSolver()
                highs.run()
                status = highs.getModelStatus()
            if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
                result.append(-math.inf if sense == highspy.ObjSense.kMinimize else math.inf)
            elif status == highspy.HighsModelStatus.kOptimal:
                result.append(highs.getInfo().objective_function_value)
            else:
                raise RuntimeError(f"range LP ended with {highs.modelStatusToString(status)}")
        highs.changeColsCost(len(cols), cols, np.zeros(len(cols)))
        return result[0], result[1]

    def _system(self) -> dict:
        """The sum relations over the open cells (fixed cells moved to the right-hand side), scaled,
        with the connected component of every open cell. Built once per table."""
        if self._lp is None:
            free = np.flatnonzero(~self.fixed)
            position = np.full(len(self.low), -1, dtype=np.int64)
            position[free] = np.arange(len(free))
            rows, cols, coefs, rhs = [], [], [], []
            for total, members in self.relations:
                cells = np.concatenate(([total], members))
                signs = np.concatenate(([1.0], -np.ones(len(members))))
                open_ = ~self.fixed[cells]
                if not open_.any():
                    continue
                row = len(rhs)
                rows += [row] * int(open_.sum())
                cols += position[cells[open_]].tolist()
                coefs += signs[open_].tolist()
                rhs.append(-float(signs[~open_] @ self.low[cells[~open_]]) / self.scale)
            matrix = csr_matrix((coefs, (rows, cols)), shape=(len(rhs), len(free)))
            pattern = (matrix != 0).astype(np.int8)
            label = connected_components(pattern.T @ pattern, directed=False)[1] if len(free) else np.zeros(0, int)
            self._lp = {"matrix": matrix, "rhs": np.array(rhs), "free": free, "position": position, "label": label,
                        "models": {}}
        return self._lp

    def _model(self, component: int | None):
        """A HiGHS model over one component (None: all open cells), built once and reused with new
        objectives; returns it with the column of each table cell."""
        system = self._system()
        if component not in system["models"]:
            matrix, rhs, free = system["matrix"], system["rhs"], system["free"]
            members = np.arange(len(free)) if component is None else np.flatnonzero(system["label"] == component)
            block = matrix[:, members].tocsr()
            rows = np.flatnonzero(np.diff(block.indptr) > 0)
            block = block[rows]
            column = np.full(len(self.low), -1, dtype=np.int64)
            column[free[members]] = np.arange(len(members))
            highs = highspy.Highs()
            highs.setOptionValue("output_flag", False)
            highs.setOptionValue("threads", 1)
            highs.setOptionValue("presolve", "off")  # keep the basis: the next objective starts from it
            cells = free[members]
            high = np.where(np.isfinite(self.high[cells]), self.high[cells] / self.scale, highspy.kHighsInf)
            highs.addVars(len(cells), (self.low[cells] / self.scale).astype(np.float64), high.astype(np.float64))
            if len(rows):
                b = rhs[rows]
                highs.addRows(len(rows), b, b, block.nnz, block.indptr[:-1].astype(np.int32),
                              block.indices.astype(np.int32), block.data.astype(np.float64))
            system["models"][component] = (highs, column)
        return system["models"][component]


def _rounding_bounds(value: np.ndarray, decimals: int, denominator: np.ndarray, per: float) -> tuple:
    """The base value behind a published rate, share or mean rounded to `decimals`."""
    half = 0.5 * 10.0 ** -decimals * (1 + _ROUNDING_SLACK) + _ROUNDING_SLACK
    scale = denominator / per
    return np.maximum((value - half) * scale, 0.0), (value + half) * scale


class PublishedKnowledge:
    """Builds PublishedTables from a release (cached per table) and answers aggregate questions."""

    def __init__(self, rel: Release):
        self.rel = rel
        areas = rel.areas()
        areas["_lvl"] = areas["level"].map({lvl: i for i, lvl in enumerate(catalogue.LEVELS)})
        areas = areas.sort_values(["_lvl", "area_code"]).drop(columns="_lvl").reset_index(drop=True)
        self.hierarchy = geography.Hierarchy.from_areas(areas)
        self.codes = areas["area_code"].to_numpy()
        self.relations = self.hierarchy.relations()
        self._tables: dict[tuple, PublishedTable] = {}
        self._cells: dict[tuple, pd.DataFrame] = {}
        self._values: dict[tuple, np.ndarray] = {}
        self._lock = threading.Lock()

    # -- published cells
    def cells(self, indicator: str, year: int, sbi: str) -> pd.DataFrame:
        """value (NaN unless published) and status of one indicator table, indexed like self.codes."""
        key = (indicator, int(year), sbi)
        with self._lock:
            cached = self._cells.get(key)
        if cached is None:
            cur = self.rel.cursor()
            try:
                frame = cur.execute("SELECT area_code, CASE WHEN status = 'published' THEN value END AS value, status "
                                    "FROM cells WHERE indicator = ? AND year = ? AND sbi = ?",
                                    [indicator, int(year), sbi]).df().set_index("area_code")
            finally:
                cur.close()
            cached = frame.reindex(self.codes)
            cached["status"] = cached["status"].fillna("missing")
            with self._lock:
                self._cells[key] = cached
        return cached

    def published_values(self, indicator: str, year: int, sbi: str) -> np.ndarray:
        """Per area (self.codes order): the published value, NaN where nothing is published."""
        key = (indicator, int(year), sbi)
        with self._lock:
            cached = self._values.get(key)
        if cached is None:
            cells = self.cells(indicator, year, sbi)
            cached = np.where(cells["status"].to_numpy() == "published", cells["value"].to_numpy(np.float64), np.nan)
            with self._lock:
                self._values[key] = cached
        return cached

    def _published_values(self, code: str, year: int, sbi: str) -> np.ndarray:
        ind = catalogue.get(code)
        return self.published_values(code, ind.value_year(year), sbi if sbi in ind.categories else "")

    def table(self, family: str, year: int, sbi: str) -> PublishedTable:
        key = (family, int(year), sbi)
        with self._lock:
            found = self._tables.get(key)
        if found is not None:
            return found
        measure = catalogue.BASE_MEASURES[family]
        n = len(self.codes)
        low, high = np.zeros(n), np.full(n, np.inf)
        for ind in catalogue.family_members(family):
            cells = self.cells(ind.code, year, sbi)
            value = cells["value"].to_numpy(np.float64)
            shown = (cells["status"] == "published").to_numpy() & np.isfinite(value)
            if ind.is_additive:
                lo, hi = value, value
            else:
                spec = reference.denominator_of(ind, year, sbi)
                den = self.cells(*spec)["value"].to_numpy(np.float64)
                shown &= np.isfinite(den)
                lo, hi = _rounding_bounds(value, ind.decimals, den, ind.per or 1.0)
            low = np.where(shown, np.maximum(low, lo), low)
            high = np.where(shown, np.minimum(high, hi), high)
        if measure.at_most or measure.zero_with:
            # A bounding family's own published interval: its upper end bounds this family's cells.
            at_most = None
            if measure.at_most:
                at_most = (self._published_values(measure.at_most, year, sbi) if measure.at_most in catalogue.INDICATORS
                           else self.table(measure.at_most, year, sbi).high)
            zero_with = None
            if measure.zero_with:  # a family, or a public indicator (0 where a gemeente has no vakantieparkadres)
                zero_with = (self.table(measure.zero_with, year, sbi).high if measure.zero_with in catalogue.BASE_MEASURES
                             else self._published_values(measure.zero_with, year, sbi))
            high = np.minimum(high, propagate_upper(public_upper(at_most, zero_with), self.relations))
        integer = measure.measure == "count"
        if integer:
            low, high = np.ceil(low - 1e-6), np.where(np.isfinite(high), np.floor(high + 1e-6), high)
        table = PublishedTable(low, np.maximum(high, low), self.relations, integer)
        with self._lock:
            self._tables[key] = table
        return table

    # -- aggregates
    def family_range(self, family: str, year: int, sbi: str, weights: dict[str, float]) -> Derived:
        table = self.table(family, year, sbi)
        index = self.hierarchy.index
        low, high = table.range_of({index[c]: w for c, w in weights.items()})
        return Derived(low, high, "" if math.isfinite(high) else NOT_DERIVABLE)
