"""What an attacker knows about a hidden cell besides its own table: public upper bounds.

One function, used by the build's audit (on the cells it is about to publish) and by the app's
range computations (on the cells of the release), so both model the same knowledge.
"""
from __future__ import annotations

import numpy as np


def public_upper(at_most: np.ndarray | None = None, zero_with: np.ndarray | None = None) -> np.ndarray:
    """Per cell: the largest value public information allows (inf: no bound).

    at_most: the published value of the bounding family or context indicator (NaN where it is not
    published); zero_with: the published count that is 0 exactly where this measure is 0 (a euro sum
    over no establishments is 0)."""
    arrays = [a for a in (at_most, zero_with) if a is not None]
    if not arrays:
        raise ValueError("public_upper needs at least one bound")
    upper = np.full(len(arrays[0]), np.inf)
    if at_most is not None:
        at_most = np.asarray(at_most, dtype=np.float64)
        upper = np.where(np.isfinite(at_most), np.maximum(at_most, 0.0), upper)
    if zero_with is not None:
        zero_with = np.asarray(zero_with, dtype=np.float64)
        upper = np.where(zero_with == 0, 0.0, upper)
    return upper


def propagate_upper(upper: np.ndarray, relations: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """Tighten upper bounds through the sum relations, as an attacker would before looking at any
    suppression pattern: a total is at most the sum of its members' bounds, a member at most its
    total's bound. A wijk whose buurten are all bounded by 0 is then publicly 0 as well."""
    upper = np.asarray(upper, dtype=np.float64).copy()
    if not np.isfinite(upper).any():
        return upper
    for _ in range(len(relations) + 1):
        changed = False
        for total, members in relations:
            bound = min(upper[total], upper[members].sum())
            if bound < upper[total]:
                upper[total], changed = bound, True
            tighter = upper[members] > upper[total]
            if tighter.any():
                upper[members[tighter]], changed = upper[total], True
        if not changed:
            break
    return upper
