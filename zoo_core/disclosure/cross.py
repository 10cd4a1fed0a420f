"""Two-dimensional tables (area x class breakdowns, flow matrices) as one CellTable.

A cross table has a row dimension and a column dimension, each with its own additive relations
(total index, member indices) among its categories. The CellTable holds one cell per (row, column)
that is present and carries every relation in both directions: for each column, every row relation
whose cells are all present; for each row, every column relation whose cells are all present. So
primary rules, secondary suppression and the audit see the whole table at once: one protect() call,
one audit over all relations together (sdcTable calls these "linked" margins).

Cell (r, c) has index `cell_index[r, c]` (row-major over the present cells: with every cell present,
r * n_cols + c, which is sdcTable's numbering of a two-dimensional problem minus one).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import RuleSet
from .table import CellTable


@dataclass
class CrossTable:
    table: CellTable
    cell_index: np.ndarray  # (n_rows, n_cols): index into table, -1 where the cell is not part of the table

    def cells(self, rows=None, cols=None) -> np.ndarray:
        """Indices of the present cells of the given rows x columns (all when None), row-major."""
        index = self.cell_index
        block = index[np.asarray(rows) if rows is not None else slice(None)]
        block = block[:, np.asarray(cols)] if cols is not None else block
        flat = block.ravel()
        return flat[flat >= 0]


def cross_table(row_keys, col_keys, values, n_units, row_relations, col_relations, rules: RuleSet,
                measure: str = "count", upper=None, present=None) -> CrossTable:
    """Build the CellTable of a two-dimensional count table.

    values, n_units, upper, present: arrays of shape (n_rows, n_cols) (upper: inf where no public
    bound; present: False for a cell that is not part of the table, e.g. a class breakdown that is
    only published for gemeenten and up while the total column has every wijk). row_relations:
    (total row, member rows) among the rows; col_relations: (total column, member columns).
    """
    if measure != "count":
        raise ValueError("cross tables are count tables")  # magnitudes would need top contributions per cell
    values = np.asarray(values, dtype=np.float64)
    n_rows, n_cols = len(row_keys), len(col_keys)
    if values.shape != (n_rows, n_cols):
        raise ValueError(f"values must have shape ({n_rows}, {n_cols}), got {values.shape}")
    present = np.ones(values.shape, dtype=bool) if present is None else np.asarray(present, dtype=bool)
    n_units = np.asarray(n_units)
    upper = np.full(values.shape, np.inf) if upper is None else np.asarray(upper, dtype=np.float64)
    index = np.full(values.shape, -1, dtype=np.int64)
    index[present] = np.arange(int(present.sum()))
    relations: list[tuple[int, np.ndarray]] = []
    for total, members in col_relations:  # per row: row total == sum of its classes / destinations
        members = np.asarray(members, dtype=np.int64)
        for r in range(n_rows):
            cells = index[r, members]
            if index[r, total] >= 0 and np.all(cells >= 0):
                relations.append((int(index[r, total]), cells))
    for total, members in row_relations:  # per column: area hierarchy / origin totals
        members = np.asarray(members, dtype=np.int64)
        for c in range(n_cols):
            cells = index[members, c]
            if index[total, c] >= 0 and np.all(cells >= 0):
                relations.append((int(index[total, c]), cells))
    keys = [f"{row_keys[r]}|{col_keys[c]}" for r, c in zip(*np.nonzero(present))]
    table = CellTable(keys=keys, values=values[present], n_units=n_units[present].astype(np.int64), top1=None,
                      top2=None, relations=relations, measure="count", rules=rules, upper=upper[present])
    return CrossTable(table, index)


def check_additive(cross: CrossTable) -> None:
    """Raise ValueError when the base values break one of the table's relations (a bad input)."""
    table = cross.table
    residual = table.relation_matrix() @ table.values
    bad = np.flatnonzero(np.abs(residual) > 1e-6)
    if len(bad):
        total = table.relations[int(bad[0])][0]
        raise ValueError(f"{table.keys[total]} is not the sum of its parts (difference {residual[bad[0]]:g})")
