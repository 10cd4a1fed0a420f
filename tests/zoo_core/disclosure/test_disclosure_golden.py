"""Golden examples from docs/domain.md ("Disclosure control facts")."""
import numpy as np
import pytest

from .disclosure_testlib import PERSONS, grid_table, hidden_mask
from zoo_core.disclosure import CellTable, RuleSet, audit, primary_suppression, protect

SDC_INNER = [[30, 47, 64, 89], [90, 124, 5, 31], [92, 100, 59, 85], [800, 991, 651, 685]]
SDC_HIDDEN = ["w|a", "w|b", "w|c", "x|a", "x|c", "y|b", "y|d", "z|b", "z|d"]


@pytest.mark.timeout(30)
def test_geurts_2x2_top_left_interval():
    table = grid_table([[4, 3], [2, 1]])  # row totals 7, 3; column totals 6, 4
    result = audit(table, hidden_mask(table, ["w|a", "w|b", "x|a", "x|b"]))
    top_left = table.keys.index("w|a")
    assert (result.lower[top_left], result.upper[top_left]) == pytest.approx((3, 6))


@pytest.mark.timeout(30)
def test_sdctable_two_per_relation_is_not_enough():
    table = grid_table(SDC_INNER)
    w_b = table.keys.index("w|b")
    result = audit(table, hidden_mask(table, SDC_HIDDEN))
    assert not result.ok
    assert result.lower[w_b] == pytest.approx(47) and result.upper[w_b] == pytest.approx(47)
    assert "w|b" in {failure.key for failure in result.failures}


@pytest.mark.timeout(30)
def test_sdctable_hiding_x_d_opens_w_b():
    table = grid_table(SDC_INNER)
    w_b = table.keys.index("w|b")
    result = audit(table, hidden_mask(table, SDC_HIDDEN + ["x|d"]))
    assert (result.lower[w_b], result.upper[w_b]) == pytest.approx((0, 78))
    assert result.ok


def magnitude_cell(total, top1, top2, **rules):
    settings = dict(unit_type="euros", min_units=3, dominance_p=None, dominance_n=None, dominance_k=None,
                    min_denominator=10, extreme_share_min_denominator=100, protection_abs=0, protection_pct=15)
    table = CellTable(["c"], np.array([total]), np.array([10]), np.array([top1]), np.array([top2]), [],
                      "magnitude", RuleSet(**(settings | rules)))
    return primary_suppression(table)


@pytest.mark.parametrize("total, top1, top2, rules, unsafe", [
    (100, 50, 49, dict(dominance_n=1, dominance_k=90), False),
    (100, 50, 49, dict(dominance_p=10), True),
    (110, 52, 50, dict(dominance_p=10), False),
    (110, 52, 50, dict(dominance_n=2, dominance_k=90.9), True),
])
def test_dominance_golden(total, top1, top2, rules, unsafe):
    result = magnitude_cell(total, top1, top2, **rules)
    assert result.mask[0] == unsafe
    assert (result.reasons[0] is not None) == unsafe
    if unsafe:
        assert "regel" in result.reasons[0]


@pytest.mark.timeout(30)
def test_union_of_two_small_hidden_cells_hides_a_further_cell():
    rules = RuleSet(**(PERSONS.__dict__ | {"min_units": 5, "protection_abs": 0}))
    values = np.array([54.0, 2, 2, 20, 30])  # total (published) = 2 + 2 + 20 + 30
    table = CellTable(["total", "a", "b", "c", "d"], values, values.astype(np.int64), None, None,
                      [(0, np.array([1, 2, 3, 4]))], "count", rules)
    primary = primary_suppression(table).mask
    assert primary.tolist() == [False, True, True, False, False]
    result = protect(table, primary)
    assert result.secondary.tolist() == [False, False, False, True, False]  # the cheapest further cell
    assert result.audit.ok
