"""Primary suppression: which cells are unsafe on their own (vectorised rules, Dutch reasons)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import RuleSet
from .table import CellTable

UNIT_WORDS = {"persons": "personen", "addresses": "adressen",
              "establishments": "vestigingen", "euros": "bijdragers"}


@dataclass
class PrimaryResult:
    mask: np.ndarray            # True = unsafe, must be hidden
    reasons: list[str | None]   # short Dutch reason per unsafe cell, None for safe cells


def _result(n: int, checks: list[tuple[np.ndarray, str]]) -> PrimaryResult:
    """Union of (mask, reason) checks; the first check that fires names the reason."""
    mask = np.zeros(n, dtype=bool)
    reasons: list[str | None] = [None] * n
    for check, reason in checks:
        for index in np.flatnonzero(check & ~mask):
            reasons[index] = reason
        mask |= check
    return PrimaryResult(mask, reasons)


def _dominance_checks(top1, top2, total, rules: RuleSet) -> list[tuple[np.ndarray, str]]:
    top1, top2, total = (np.asarray(a, dtype=np.float64) for a in (top1, top2, total))
    checks = []
    if rules.dominance_p is not None:
        # The second-largest contributor can estimate the largest to within the remainder.
        remainder = total - top1 - top2
        checks.append((remainder < rules.dominance_p / 100 * top1 - 1e-9,
                       "één bijdrager domineert (p%-regel)"))
    if rules.dominance_n is not None:
        largest = top1 if rules.dominance_n == 1 else top1 + top2
        who = "één bijdrager domineert" if rules.dominance_n == 1 else "twee bijdragers domineren"
        checks.append((largest > rules.dominance_k / 100 * total + 1e-9,
                       f"{who} (({rules.dominance_n},{rules.dominance_k:g})-regel)"))
    return checks


def _too_few(n_units, rules: RuleSet, include_zero: bool) -> tuple[np.ndarray, str]:
    n_units = np.asarray(n_units)
    low = 0 if include_zero else 1
    return ((n_units >= low) & (n_units < rules.min_units),
            f"minder dan {rules.min_units} {UNIT_WORDS[rules.unit_type]}")


def primary_suppression(table: CellTable) -> PrimaryResult:
    """Threshold rule (an empty cell is safe), plus dominance rules for magnitude tables."""
    checks = [_too_few(table.n_units, table.rules, include_zero=False)]
    if table.measure == "magnitude":
        checks += _dominance_checks(table.top1, table.top2, table.values, table.rules)
    return _result(len(table), checks)


def ratio_primary(numerator: np.ndarray, denominator: np.ndarray, rules: RuleSet) -> PrimaryResult:
    """Denominator rules for rates and shares. The numerator's own suppression must be combined in
    by the caller: with a public denominator a rate discloses its numerator."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    extreme = (numerator == 0) | (numerator == denominator)
    return _result(len(numerator), [
        (denominator < rules.min_denominator, f"noemer kleiner dan {rules.min_denominator}"),
        (extreme & (denominator < rules.extreme_share_min_denominator),
         f"0% of 100% bij een noemer kleiner dan {rules.extreme_share_min_denominator}"),
    ])


def mean_primary(n_units, top1, top2, total, rules: RuleSet) -> PrimaryResult:
    """A mean needs enough units (a mean over none is not shown either) and no dominant contribution."""
    checks = [_too_few(n_units, rules, include_zero=True)]
    if top1 is not None and top2 is not None:
        checks += _dominance_checks(top1, top2, total, rules)
    return _result(len(np.asarray(n_units)), checks)


def combine(*results: PrimaryResult) -> PrimaryResult:
    """Union of several primary results; a cell keeps the reason of the first result that flags it."""
    mask = np.zeros(len(results[0].mask), dtype=bool)
    reasons: list[str | None] = [None] * len(mask)
    for result in results:
        for index in np.flatnonzero(result.mask & ~mask):
            reasons[index] = result.reasons[index]
        mask |= result.mask
    return PrimaryResult(mask, reasons)


def aggregate_primary(table: CellTable, cells: np.ndarray) -> PrimaryResult:
    """Primary rules for the sum of `cells` treated as one cell (merged units and top contributions):
    used for the union of hidden cells in a relation and for the hidden part of derived aggregates."""
    cells = np.asarray(cells, dtype=np.int64)
    top1 = top2 = None
    if table.measure == "magnitude":
        largest = np.sort(np.concatenate((table.top1[cells], table.top2[cells], [0.0, 0.0])))[::-1]
        top1, top2 = largest[:1], largest[1:2]
    merged = CellTable(keys=["samen"], values=[table.values[cells].sum()], n_units=[table.n_units[cells].sum()],
                       top1=top1, top2=top2, relations=[], measure=table.measure, rules=table.rules)
    return primary_suppression(merged)
