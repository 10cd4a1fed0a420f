"""The unit of protection: one indicator x year (x branche) table with its additive relations."""
from __future__ import annotations

from dataclasses import dataclass

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
        self.relations = [(int(total), np.asarray(members, dtype=np.int64)) for total, members in self.relations]
        for total, members in self.relations:
            if not (0 <= total < n) or np.any(members < 0) or np.any(members >= n) or total in members:
                raise ValueError(f"relation with total {total} refers to a cell outside the table or to itself")

    def __len__(self) -> int:
        return len(self.keys)

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
