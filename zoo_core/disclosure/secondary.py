"""Secondary suppression: hide extra cells so that no primary cell can be recovered from the relations.

Greedy closure plus audit-and-repair, fully deterministic:
1. relation rules, until nothing changes: a relation with exactly one hidden cell gets the cheapest
   other cell hidden (subtraction would recover it); if a relation's total is published, its hidden
   members are known together, so their union must pass the primary rules, else one more is hidden;
2. audit (LPs); for every failing cell hide the cheapest published cell in a relation that pins it
   (nonzero dual in its LPs: a provincie can be pinned through RIEC regions it shares gemeenten with,
   not only through its own relations), else in a relation of that cell, else in the nearest relation
   reachable through hidden cells; back to 1.
The pattern only grows, so this ends; with every cell hidden the audit always passes (each cell and
its chain of totals can grow together without bound), so DisclosureError is a last-resort guard.

Cost of hiding a cell, compared lexicographically: cells in `preferred` (last year's pattern) first,
so patterns stay stable over the years; then value + 1 (information lost); then the cell index.
A cell whose value is public anyway (`table.known`, e.g. a count bounded by a published 0) is never
chosen and never counts as protection; neither is a `frozen` cell (one of an already published table
that is linked into this one).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .audit import AuditFailure, AuditResult, audit_components
from .config import DisclosureError
from .primary import aggregate_primary
from .table import CellTable


# Each round hides at least one more cell; a pattern that needs more rounds than this is a sign of a
# rule the repair cannot satisfy, which must fail the build loudly rather than spin for minutes.
MAX_REPAIR_ROUNDS = 200


@dataclass
class ProtectionResult:
    suppressed: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray
    audit: AuditResult


def protect(table: CellTable, primary: np.ndarray, preferred: np.ndarray | None = None,
            frozen: np.ndarray | None = None, hidden_already: np.ndarray | None = None) -> ProtectionResult:
    """`frozen`: cells whose state may not change (hidden where `hidden_already`, else published)."""
    primary = np.asarray(primary, dtype=bool)
    n = len(table)
    preferred = np.zeros(n, dtype=bool) if preferred is None else np.asarray(preferred, dtype=bool)
    frozen = np.zeros(n, dtype=bool) if frozen is None else np.asarray(frozen, dtype=bool)
    # rank[i] = position of cell i in the hiding order (lower = hidden first); never: beyond n
    order = np.lexsort((np.arange(n), table.values + 1, ~preferred))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    rank[table.known | frozen] += n
    relation_cells = table.relation_cells()
    relations_of = _relations_per_cell(n, relation_cells)
    # Repair may also follow a link: a linked cell that pins a hidden one is in the same "relation".
    repair_cells = relation_cells + [np.array(link, dtype=np.int64) for link in table.links]
    repair_of = _relations_per_cell(n, repair_cells)

    hidden = primary.copy() if hidden_already is None else primary | np.asarray(hidden_already, dtype=bool)
    result, touching = None, None
    for _round in range(MAX_REPAIR_ROUNDS):
        _apply_relation_rules(table, hidden, rank, relation_cells, relations_of)
        result = audit_components(table, hidden, primary=primary, touching=touching, previous=result,
                                  exact=False)
        if result.ok:
            break
        before = hidden.copy()
        for failure in result.failures:
            extra = _repair_cell(failure, hidden, rank, repair_cells, repair_of)
            if extra is not None:
                hidden[extra] = True
        touching = np.flatnonzero(hidden & ~before)
        if len(touching) == 0:
            raise DisclosureError(f"geen veilig patroon: {result.failures[0].key} "
                                  f"{result.failures[0].reason} en er is niets meer te verbergen")
    else:
        raise DisclosureError(f"geen veilig patroon na {MAX_REPAIR_ROUNDS} reparatierondes: "
                              f"{result.failures[0].key} {result.failures[0].reason}")
    return ProtectionResult(hidden, primary, hidden & ~primary, result)


def _cheapest(candidates: np.ndarray, rank: np.ndarray) -> int | None:
    """The cheapest cell that may be hidden, None if none may (rank beyond the table: never)."""
    if not len(candidates):
        return None
    best = int(candidates[np.argmin(rank[candidates])])
    return best if rank[best] < len(rank) else None


def _apply_relation_rules(table: CellTable, hidden: np.ndarray, rank: np.ndarray,
                          relation_cells: list[np.ndarray], relations_of: list[list[int]]) -> None:
    """Apply the rules until no relation changes; only relations touched by a newly hidden cell are
    looked at again (lowest relation index first, so the result stays deterministic)."""
    pending = list(range(len(relation_cells)))
    heapq.heapify(pending)
    queued = set(pending)

    def hide(cell: int | None) -> None:
        if cell is None:  # nothing may be hidden here: the audit decides whether that is a problem
            return
        hidden[cell] = True
        for r in relations_of[cell]:
            if r not in queued:
                queued.add(r)
                heapq.heappush(pending, r)

    while pending:
        r = heapq.heappop(pending)
        queued.discard(r)
        cells = relation_cells[r]
        is_hidden = hidden[cells]
        n_hidden = int((is_hidden & ~table.known[cells]).sum())  # a publicly known cell protects nothing
        if n_hidden == 1:
            hide(_cheapest(cells[~is_hidden], rank))
        elif n_hidden >= 2 and not is_hidden[0]:
            # Published total: the hidden members' sum is public. (With a hidden total only a
            # difference is public, which the audit covers.)
            members, members_hidden = cells[1:], is_hidden[1:]
            if aggregate_primary(table, members[members_hidden]).mask[0]:
                published = members[~members_hidden]
                hide(_cheapest(published, rank) if len(published) else _cheapest(cells[:1], rank))


def _relations_per_cell(n: int, relation_cells: list[np.ndarray]) -> list[list[int]]:
    relations_of: list[list[int]] = [[] for _ in range(n)]
    for r, cells in enumerate(relation_cells):
        for cell in cells:
            relations_of[cell].append(r)
    return relations_of


def _repair_cell(failure: AuditFailure, hidden: np.ndarray, rank: np.ndarray, relation_cells: list[np.ndarray],
                 relations_of: list[list[int]]) -> int | None:
    """Cheapest published cell in the relations that pin the failing cell, else in the relations
    nearest to it (breadth-first through relations whose cells are all hidden); None if every
    reachable cell is hidden already."""
    pinning = [relation_cells[r] for r in failure.pinned_by if r < len(relation_cells)]
    if pinning:
        cells = np.unique(np.concatenate(pinning))
        published = cells[~hidden[cells]]
        if _cheapest(published, rank) is not None:
            return _cheapest(published, rank)
    failing = failure.index
    frontier, seen_cells, seen_relations = [failing], {failing}, set()
    while frontier:
        relations = sorted({r for cell in frontier for r in relations_of[cell]} - seen_relations)
        seen_relations.update(relations)
        if not relations:
            break
        cells = np.unique(np.concatenate([relation_cells[r] for r in relations]))
        published = cells[~hidden[cells]]
        if _cheapest(published, rank) is not None:
            return _cheapest(published, rank)
        frontier = [int(c) for c in cells if c not in seen_cells]
        seen_cells.update(frontier)
    return None
