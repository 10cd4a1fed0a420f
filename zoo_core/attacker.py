"""The release attacked from the outside: how precisely can each hidden cell be recovered?

The attacker's knowledge is read from the RELEASE only (zoo_core.published, the same knowledge the
app derives its ranges from): which cells are hidden, the sum relations, the public upper bounds
(`at_most`, `zero_with`, propagated through the relations) and, for a family bounded by another
family, the link between the two tables where both are hidden. The attacker is granted the exact
value of every published cell (stronger than the release, which rounds rates and means). Intervals
are exact (two LPs per hidden cell, integer for counts). The confidential base is read only for
the truth that decides whether an interval is wide enough (the primary cells and their values), so
this runs on the build side: `python -m zoo_core audit --base build/base.duckdb`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from . import catalogue
from .disclosure import CellTable, load_rule_sets
from .disclosure.audit import audit_components, smallest_margin
from .published import PublishedKnowledge
from .queries import Release
from .release import ReleaseError


@dataclass
class TableAudit:
    family: str
    year: int
    sbi: str
    hidden: int
    failures: list          # AuditFailure of the cells of this family that fall short
    smallest_margin: float  # min over primary hidden cells of (interval width - required width)
    seconds: float


def tables() -> list[tuple[str, int, str]]:
    """Every protected table: family x year x branche; a breakdown family is one area x class table per year,
    a flow family one woon x pleeggemeente table per year."""
    return [(family, year, sbi) for family in catalogue.family_order()
            for sbi in catalogue.BASE_MEASURES[family].branches or ("",) for year in catalogue.BASE_MEASURES[family].years]


class Attacker:
    def __init__(self, release_path: Path, base_path: Path, exact: bool = True):
        """exact=False: every interval that passes may be a witness estimate (disclosure.audit), so the
        same cells fall short, much faster, but a table's smallest margin is only a lower bound."""
        self.exact = exact
        self.knowledge = PublishedKnowledge(Release(release_path))
        self.codes = self.knowledge.codes
        self.rules = load_rule_sets()
        if not Path(base_path).exists():
            raise ReleaseError(f"De vertrouwelijke basis {base_path} ontbreekt: de audit draait aan de kant van de "
                               "build (python -m zoo_core build schrijft hem, standaard naar build/base.duckdb)")
        try:
            self.base = duckdb.connect(str(base_path), read_only=True)
            for table in ("base_cells", "patterns"):
                self.base.execute(f"SELECT 1 FROM {table} LIMIT 1")  # fixed names: not user input
        except duckdb.Error as exc:
            raise ReleaseError(f"{base_path} is geen vertrouwelijke basis van zoo ({exc.__class__.__name__})") from None

    def _truth(self, family: str, year: int, sbi: str):
        b = self.base.execute("SELECT area_code, value, n_units, top1, top2 FROM base_cells WHERE measure = ? AND "
                              "year = ? AND sbi = ?", [family, year, sbi]).df().set_index("area_code")
        b = b.assign(present=True).reindex(self.codes)
        p = self.base.execute("SELECT area_code, \"primary\" FROM patterns WHERE family = ? AND year = ? AND sbi = ?",
                              [family, year, sbi]).df().set_index("area_code").reindex(self.codes)
        return b, p["primary"].fillna(False).to_numpy(bool)

    def hidden(self, family: str, year: int, sbi: str) -> np.ndarray:
        """Hidden as the release shows it: any member of the family suppressed."""
        mask = np.zeros(len(self.codes), dtype=bool)
        for ind in catalogue.family_members(family):
            mask |= (self.knowledge.cells(ind.code, year, sbi)["status"] == "suppressed").to_numpy()
        return mask

    def _relations(self, present: np.ndarray) -> list:
        """The relations among the areas a table has (a deployment's own figures may cover part of the areas;
        own.read refuses a total given with only part of its members, so a dropped relation held nothing)."""
        if present.all():
            return self.knowledge.relations
        return [(t, m) for t, m in self.knowledge.relations if present[t] and present[m].all()]

    def _table(self, family: str, year: int, sbi: str, hidden: np.ndarray) -> tuple[CellTable, np.ndarray]:
        measure = catalogue.BASE_MEASURES[family]
        truth, primary = self._truth(family, year, sbi)
        upper = np.where(hidden, self.knowledge.table(family, year, sbi).high, np.inf)
        table = CellTable.from_rows(self.codes, truth, self._relations(truth["present"].notna().to_numpy()),
                                    measure.measure, self.rules[measure.unit_type], upper=upper)
        return table, primary

    def attack_table(self, family: str, year: int, sbi: str) -> tuple[CellTable, np.ndarray, np.ndarray, int]:
        """Everything the attacker works with for one family table: (table, hidden, primary, offset),
        where the family's own cells start at `offset` (a family bounded by another family is stacked
        after that family's table, linked cell by cell)."""
        measure = catalogue.BASE_MEASURES[family]
        hidden = self.hidden(family, year, sbi)
        table, primary = self._table(family, year, sbi, hidden)
        if measure.at_most not in catalogue.BASE_MEASURES:
            return table, hidden, primary, 0
        parent_hidden = self.hidden(measure.at_most, year, sbi)
        parent, parent_primary = self._table(measure.at_most, year, sbi, parent_hidden)
        stacked = table.linked_under(parent, measure.at_most)
        return stacked, np.concatenate([parent_hidden, hidden]), np.concatenate([parent_primary, primary]), len(parent)

    def _primary(self, family: str, year: int, sbi: str) -> np.ndarray:
        return self._truth(family, year, sbi)[1]

    def attack_breakdown(self, family: str, year: int) -> tuple[CellTable, np.ndarray, np.ndarray, np.ndarray]:
        """The area x class table of a breakdown family as the attacker has it: the build's own table
        (build.breakdown_cross: the total column, the classes of every breakdown, relations both ways, a class
        at most its area's published total) over the true values, hidden as the release shows it. Returns
        (table, hidden, primary, own), `own` marking the class cells (the total column is its family's)."""
        from .build import breakdown_cross  # the build's table, so attacker and build model the same relations

        measure = catalogue.BASE_MEASURES[family]
        total = catalogue.BASE_MEASURES[measure.breakdown_of]
        base = self.base.execute("SELECT measure, year, sbi, area_code, value FROM base_cells WHERE year = ? AND "
                                 "measure IN (?, ?)", [year, family, total.code]).df()
        base = base.set_index(["measure", "year", "sbi"]).sort_index()
        levels = self.knowledge.hierarchy.areas["level"].to_numpy()
        ctx = {}
        if total.at_most and total.at_most in catalogue.INDICATORS:
            bound = catalogue.get(total.at_most)
            ctx[bound.code] = self.knowledge.published_values(bound.code, bound.value_year(year), "")
        total_hidden = self.hidden(total.code, year, "")
        cross, columns = breakdown_cross(family, year, base, self.codes, levels, self.knowledge.relations, ctx,
                                         self.rules, total_hidden)
        table, index = cross.table, cross.cell_index
        hidden, primary, own = (np.zeros(len(table), dtype=bool) for _ in range(3))
        hidden[index[:, 0]] = total_hidden
        primary[index[:, 0]] = self._primary(total.code, year, "")
        rows = np.flatnonzero(index[:, 1] >= 0)
        for c, code in enumerate(columns[1:], start=1):
            ind = next(i for i in catalogue.family_members(family) if code in i.categories)
            cells = index[rows, c]
            hidden[cells] = (self.knowledge.cells(ind.code, year, code)["status"].to_numpy() == "suppressed")[rows]
            primary[cells] = self._primary(family, year, code)[rows]
            own[cells] = True
        return table, hidden, primary, own

    def attack_flow(self, family: str, year: int) -> tuple[CellTable, np.ndarray, np.ndarray, np.ndarray]:
        """The woon x pleeggemeente table of a flow family as the attacker has it: the build's own table
        (build.flow_cross) over the true flows, its margins the attacker's linked area tables (drugsverdachten
        elders under drugsverdachten), the listed cells from the release's neighbours, hidden as the release
        shows it, and the latent far flows hidden. Returns (table, hidden, primary, own), `own` marking the
        published flow cells."""
        from .build import flow_cross  # the build's table, so attacker and build model the same relations

        flow = catalogue.flow_table(family)
        margins, m_hidden, m_primary, _ = self.attack_table(catalogue.BASE_MEASURES[family].flow_of, year, "")
        base = self.base.execute("SELECT measure, year, sbi, area_code, value FROM base_cells WHERE measure = ? AND "
                                 "year = ?", [family, year]).df().set_index(["measure", "year", "sbi"]).sort_index()
        levels = self.knowledge.hierarchy.areas["level"].to_numpy()
        table, listed, n = flow_cross(family, year, base, self.codes, levels, self.knowledge.rel.neighbour_pairs(),
                                      margins)
        keys = pd.MultiIndex.from_frame(listed[["woon", "pleeg"]])
        shown = self.knowledge.rel.flow_table(flow.code, year).set_index(["woon_code", "pleeg_code"])["status"]
        if not shown.index.isin(keys).all() or len(shown) != len(keys):
            raise ReleaseError(f"de stroomtabel {flow.code} {year} van de release heeft andere cellen dan de build maakt")
        patterns = self.base.execute("SELECT area_code, sbi, \"primary\" FROM patterns WHERE family = ? AND year = ?",
                                     [family, year]).df().set_index(["area_code", "sbi"])["primary"]
        flow_hidden = (shown.reindex(keys) == "suppressed").to_numpy()
        flow_primary = patterns.reindex(keys).fillna(False).to_numpy(bool)
        latent = table.latent[2 * n + len(keys):]  # the far flows: never published, never judged
        own = (np.arange(len(table)) >= 2 * n) & ~table.latent
        return (table, np.concatenate([m_hidden, flow_hidden, latent]),
                np.concatenate([m_primary, flow_primary, np.zeros(len(latent), bool)]), own)

    def audit_table(self, family: str, year: int, sbi: str) -> TableAudit:
        started = time.perf_counter()
        if catalogue.BASE_MEASURES[family].flow_of:
            return self.judge(family, year, sbi, *self.attack_flow(family, year), started)
        if catalogue.BASE_MEASURES[family].breakdown_of:
            table, hidden, primary, own = self.attack_breakdown(family, year)
            return self.judge(family, year, sbi, table, hidden, primary, own, started)
        table, hidden, primary, offset = self.attack_table(family, year, sbi)
        return self.judge(family, year, sbi, table, hidden, primary, np.arange(len(table)) >= offset, started)

    def judge(self, family: str, year: int, sbi: str, table: CellTable, hidden: np.ndarray, primary: np.ndarray,
                own: np.ndarray, started: float) -> TableAudit:
        result = audit_components(table, hidden, primary=primary, exact=self.exact)
        failures = [f for f in result.failures if own[f.index]]
        return TableAudit(family, year, sbi, int((hidden & own).sum()), failures,
                          smallest_margin(table, result, hidden, primary, own), time.perf_counter() - started)
