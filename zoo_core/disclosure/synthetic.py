"""Synthetic tables shaped like the Dutch area hierarchy, for tests and benchmarks (no real data).

land = sum of provincies = sum of RIEC regions; provincie and RIEC = sum of their gemeenten;
gemeente = sum of its wijken; some wijken = sum of their buurten.
"""
from __future__ import annotations

import numpy as np

from .config import RuleSet
from .table import CellTable


def _spread(rng: np.random.Generator, n_items: int, n_groups: int, minimum: int = 1) -> np.ndarray:
    """Group index per item, every group getting at least `minimum` items."""
    groups = np.concatenate([np.repeat(np.arange(n_groups), minimum),
                             rng.integers(0, n_groups, n_items - minimum * n_groups)])
    return np.sort(groups)


def synthetic_area_table(rules: RuleSet, seed: int = 0, n_provincies: int = 12, n_riec: int = 10,
                         n_gemeenten: int = 342, n_wijken: int = 3393, n_split_wijken: int = 157,
                         n_buurten: int = 625, typical_count: float = 40.0) -> CellTable:
    rng = np.random.default_rng(seed)
    provincie_of = rng.permutation(_spread(rng, n_gemeenten, n_provincies))
    riec_of = rng.permutation(_spread(rng, n_gemeenten, n_riec))
    gemeente_of = _spread(rng, n_wijken, n_gemeenten)
    split_wijken = np.sort(rng.choice(n_wijken, n_split_wijken, replace=False))
    wijk_of = split_wijken[_spread(rng, n_buurten, n_split_wijken, minimum=2)]

    keys = (["NL01"] + [f"PV{p:02d}" for p in range(n_provincies)] + [f"RIEC{r:02d}" for r in range(n_riec)]
            + [f"GM{g:04d}" for g in range(n_gemeenten)] + [f"WK{w:06d}" for w in range(n_wijken)]
            + [f"BU{b:08d}" for b in range(n_buurten)])
    first_provincie, first_riec = 1, 1 + n_provincies
    first_gemeente = first_riec + n_riec
    first_wijk = first_gemeente + n_gemeenten
    first_buurt = first_wijk + n_wijken

    def members(parent_of: np.ndarray, first_member: int, parent: int) -> np.ndarray:
        return first_member + np.flatnonzero(parent_of == parent)

    relations = [(0, np.arange(first_provincie, first_riec)), (0, np.arange(first_riec, first_gemeente))]
    relations += [(first_provincie + p, members(provincie_of, first_gemeente, p)) for p in range(n_provincies)]
    relations += [(first_riec + r, members(riec_of, first_gemeente, r)) for r in range(n_riec)]
    relations += [(first_gemeente + g, members(gemeente_of, first_wijk, g)) for g in range(n_gemeenten)]
    relations += [(first_wijk + w, members(wijk_of, first_buurt, w)) for w in split_wijken]

    # Leaves (buurten and unsplit wijken) get skewed counts; totals are summed bottom-up.
    values = np.zeros(len(keys))
    leaf = np.ones(len(keys), dtype=bool)
    leaf[:first_wijk] = False
    leaf[first_wijk + split_wijken] = False
    means = np.exp(rng.normal(np.log(typical_count), 1.0, leaf.sum()))
    values[leaf] = rng.poisson(means)
    for total, member_cells in reversed(relations[2 + n_provincies + n_riec:]):
        values[total] = values[member_cells].sum()
    for total, member_cells in relations[2:2 + n_provincies + n_riec]:
        values[total] = values[member_cells].sum()
    values[0] = values[first_provincie:first_riec].sum()
    return CellTable(keys, values, values.astype(np.int64), None, None, relations, "count", rules)
