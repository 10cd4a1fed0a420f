"""The unit of protection: one indicator x year (x branche) table with its additive relations."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

from .config import RuleSet


@dataclass
class CellTable:
    """One indicator x year (x branche) table: cells over areas and the additive relations between them."""

    keys: list[str]
    values: np.ndarray
    n_units: np.ndarray
    top1: np.ndarray | None
    top2: np.ndarray | None
    relations: list[tuple[int, np.ndarray]]  # (total index, member indices): values[total] == values[members].sum()
    measure: str  # 'count' or 'magnitude'
    rules: RuleSet
    # What an attacker knows about a cell besides the relations (see catalogue.BaseMeasure.at_most):
    # a public upper bound per cell (inf: none; 0: the cell is publicly known to be 0) ...
    upper: np.ndarray | None = None
    # ... and pairs (small, big): values[small] <= values[big], for linked tables such as
    # "drugsverdachten elders" <= "drugsverdachten" stacked into one table.
    links: list[tuple[int, int]] = field(default_factory=list)
    # Cells that are never published: unknowns of the model that carry what an attacker knows about
    # the cells around them (e.g. the far flows behind a row's "overige gemeenten" and a column's
    # "overige woongemeenten", see build.flow_cross). Always hidden, never checked by the audit.
    latent: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=np.float64)
        self.n_units = np.asarray(self.n_units, dtype=np.int64)
        n = len(self.keys)
        if self.values.shape != (n,) or self.n_units.shape != (n,):
            raise ValueError("values and n_units must have one entry per key")
        if np.any(self.values < 0):
            raise ValueError("values must be >= 0")
        if self.measure not in ("count", "magnitude"):
            raise ValueError(f"measure must be 'count' or 'magnitude', got {self.measure!r}")
        if self.measure == "magnitude" and (self.top1 is None or self.top2 is None):
            raise ValueError("magnitude tables need top1 and top2")
        if self.top1 is not None:
            self.top1 = np.asarray(self.top1, dtype=np.float64)
            self.top2 = np.asarray(self.top2, dtype=np.float64)
        self.upper = np.full(n, np.inf) if self.upper is None else np.asarray(self.upper, dtype=np.float64)
        if self.upper.shape != (n,):
            raise ValueError("upper must have one entry per key")
        if np.any(self.values > self.upper + 1e-9):
            raise ValueError(f"a value exceeds its public upper bound: {self.keys[int(np.argmax(self.values - self.upper))]}")
        self.latent = np.zeros(n, dtype=bool) if self.latent is None else np.asarray(self.latent, dtype=bool)
        if self.latent.shape != (n,):
            raise ValueError("latent must have one entry per key")
        self.links = [(int(small), int(big)) for small, big in self.links]
        if any(self.values[small] > self.values[big] + 1e-9 for small, big in self.links):
            raise ValueError("a linked cell exceeds the cell that bounds it")
        self.relations = [(int(total), np.asarray(members, dtype=np.int64)) for total, members in self.relations]
        for total, members in self.relations:
            if not (0 <= total < n) or np.any(members < 0) or np.any(members >= n) or total in members:
                raise ValueError(f"relation with total {total} refers to a cell outside the table or to itself")

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def integer(self) -> bool:
        """Counts are whole numbers, which an attacker uses: an LP interval [0.4, 4.6] is really [1, 4]."""
        return self.measure == "count"

    @property
    def known(self) -> np.ndarray:
        """Cells whose value is public even when hidden (upper bound 0): they protect nothing."""
        return self.upper <= 0

    def relation_matrix(self) -> csr_matrix:
        """Relations as rows of a sparse matrix A with A @ values == 0 (+1 total, -1 members).
        Cached: relations are fixed once the table is built."""
        if getattr(self, "_relation_matrix", None) is None:
            rows = np.concatenate([np.full(len(m) + 1, r) for r, (_, m) in enumerate(self.relations)] or [[]])
            cols = np.concatenate([np.concatenate(([t], m)) for t, m in self.relations] or [[]])
            coefs = np.concatenate([np.concatenate(([1.0], -np.ones(len(m)))) for _, m in self.relations] or [[]])
            self._relation_matrix = csr_matrix((coefs, (rows.astype(np.int64), cols.astype(np.int64))),
                                               shape=(len(self.relations), len(self)))
        return self._relation_matrix

    def relation_cells(self) -> list[np.ndarray]:
        """All cells of each relation, total first."""
        return [np.concatenate(([total], members)) for total, members in self.relations]

    @classmethod
    def from_rows(cls, keys, rows, relations, measure: str, rules: RuleSet, upper=None) -> "CellTable":
        """A table from base rows aligned with `keys` (columns value, n_units, top1, top2; a row missing
        for an area, NaN, is an empty cell); the top contributions only for magnitudes."""
        magnitude = measure == "magnitude"
        return cls(keys=list(keys), values=rows["value"].fillna(0.0).to_numpy(),
                   n_units=rows["n_units"].fillna(0).to_numpy(np.int64),
                   top1=rows["top1"].fillna(0.0).to_numpy() if magnitude else None,
                   top2=rows["top2"].fillna(0.0).to_numpy() if magnitude else None,
                   relations=relations, measure=measure, rules=rules, upper=upper)

    def linked_under(self, parent: "CellTable", parent_name: str) -> "CellTable":
        """This table stacked after `parent` as one table with self <= parent per area (child cell i is
        cell n + i), so one audit sees what an attacker combining both sees (e.g. drugsverdachten
        elders <= drugsverdachten). Both must be counts over the same areas and relations."""
        n = len(parent)
        if len(self) != n or self.measure != "count" or parent.measure != "count":
            raise ValueError("linked tables must be count tables over the same areas")
        return CellTable(keys=[f"{parent_name}:{k}" for k in parent.keys] + list(self.keys),
                         values=np.concatenate([parent.values, self.values]),
                         n_units=np.concatenate([parent.n_units, self.n_units]), top1=None, top2=None,
                         relations=parent.relations + [(t + n, m + n) for t, m in self.relations],
                         measure="count", rules=self.rules, upper=np.concatenate([parent.upper, self.upper]),
                         links=[(n + i, i) for i in range(n)])
