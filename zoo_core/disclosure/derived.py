"""Checks for NEW aggregates derived on the fly (selection totals, class sums, "rest of gemeente").

Every released aggregate is one more equation an attacker can combine with the published table and
with everything released before, so released aggregates are kept in a ledger (JSON lines, shared by
all processes through an exclusive file lock) and every new request is audited together with them.
`table_id` must identify the published pattern and data release (e.g. "misdrijven/2023/v2"): when
either changes, the old equations no longer describe what was published.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audit import audit_components
from .primary import aggregate_primary
from .table import CellTable


@dataclass
class DerivedResult:
    released: bool
    value: float | None
    reason: str | None  # Dutch, for the user, when refused


class DerivedChecker:
    def __init__(self, ledger_path: Path):
        self.ledger_path = Path(ledger_path)
        self.ledger_path.parent.mkdir(parents=True, exist_ok=True)
        self._equations: dict[str, dict[tuple, float]] = {}  # table_id -> {canonical weights: value}
        self._read_up_to = 0

    def check(self, table_id: str, table: CellTable, suppressed: np.ndarray, weights: dict[int, float],
              label: str = "") -> DerivedResult:
        suppressed = np.asarray(suppressed, dtype=bool)
        canonical = tuple(sorted((int(i), float(w)) for i, w in weights.items() if w != 0))
        cells = np.array([i for i, _ in canonical], dtype=np.int64)
        value = float(sum(w * table.values[i] for i, w in canonical))
        hidden_cells = cells[suppressed[cells]]
        if len(hidden_cells) == 0:
            return DerivedResult(True, value, None)  # nothing new: all parts are published already

        primary = aggregate_primary(table, hidden_cells)
        if primary.mask[0]:
            return DerivedResult(False, None, f"het afgeschermde deel bevat {primary.reasons[0]}")

        with open(self.ledger_path, "a+", encoding="utf-8") as ledger:
            fcntl.flock(ledger, fcntl.LOCK_EX)  # read, audit and append as one step across processes
            try:
                known = self._catch_up(ledger).setdefault(table_id, {})
                if canonical in known:
                    return DerivedResult(True, value, None)
                equations = [(dict(key), rhs) for key, rhs in known.items()] + [(dict(canonical), value)]
                result = audit_components(table, suppressed, equations, touching=hidden_cells)
                if not result.ok:
                    return DerivedResult(False, None, "dit totaal zou samen met eerder getoonde cijfers "
                                                      "een afgeschermde waarde prijsgeven")
                record = {"table_id": table_id, "weights": [[i, w] for i, w in canonical],
                          "value": value, "label": label}
                ledger.write(json.dumps(record) + "\n")
                ledger.flush()
                os.fsync(ledger.fileno())
                self._read_up_to = ledger.tell()
                known[canonical] = value
                return DerivedResult(True, value, None)
            finally:
                fcntl.flock(ledger, fcntl.LOCK_UN)

    def _catch_up(self, ledger) -> dict[str, dict[tuple, float]]:
        """Read the ledger lines appended (by any process) since our last read."""
        ledger.seek(0, os.SEEK_END)
        if ledger.tell() < self._read_up_to:  # ledger was replaced: start over
            self._equations, self._read_up_to = {}, 0
        ledger.seek(self._read_up_to)
        for line in ledger.read().splitlines():
            if line.strip():
                record = json.loads(line)
                key = tuple((int(i), float(w)) for i, w in record["weights"])
                self._equations.setdefault(record["table_id"], {})[key] = float(record["value"])
        self._read_up_to = ledger.tell()
        return self._equations
