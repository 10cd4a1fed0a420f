"""Audit with witness estimates (exact=False, what protect uses) against the exact audit: the same
failures on random hierarchies and random hidden patterns, and no estimate wider than the exact interval."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from .disclosure_testlib import PERSONS, independent_intervals, random_hierarchy
from zoo_core.disclosure import CellTable, RuleSet
from zoo_core.disclosure.audit import audit_components
from zoo_core.disclosure.synthetic import synthetic_area_table

EUROS = RuleSet(unit_type="euros", min_units=3, dominance_p=15, dominance_n=None, dominance_k=None,
                min_denominator=10, extreme_share_min_denominator=100, protection_abs=0, protection_pct=15)


def as_magnitude(table: CellTable, rng: np.random.Generator) -> CellTable:
    """The same hierarchy as a turnover table: leaves with 1-4 contributors (sole contributors are
    insiders), totals summed, top contributions consistent with the values."""
    totals = {total for total, _ in table.relations}
    leaf = np.array([i not in totals for i in range(len(table))])
    n_units = np.where(leaf, rng.integers(1, 5, len(table)), 0)
    for total, members in reversed(table.relations):
        n_units[total] = n_units[members].sum()
    n_units[0] = max(n_units[0], 1)
    values = table.values * 1000.0
    top1 = np.where(n_units == 1, values, values * 0.5)
    top2 = np.where(n_units == 1, 0.0, values * 0.3)
    return CellTable(table.keys, values, n_units, top1, top2, table.relations, "magnitude", EUROS)


def assert_same_failures_and_inner_intervals(table, hidden, primary):
    exact = audit_components(table, hidden, primary=primary, exact=True)
    estimated = audit_components(table, hidden, primary=primary, exact=False)
    assert [(f.index, f.reason) for f in estimated.failures] == [(f.index, f.reason) for f in exact.failures]
    for failure, expected in zip(estimated.failures, exact.failures):
        assert (failure.lower, failure.upper) == pytest.approx((expected.lower, expected.upper), rel=1e-6, abs=1e-6)
    tolerance = (1e-6 * np.maximum(1.0, table.values))[hidden]
    width = lambda result: result.upper[hidden] - result.lower[hidden]
    assert np.all(width(estimated) <= width(exact) + tolerance)
    if table.measure == "count":  # magnitude tables report the narrowest of several attackers' intervals
        assert np.all(estimated.lower[hidden] >= exact.lower[hidden] - tolerance)
        assert np.all(estimated.upper[hidden] <= exact.upper[hidden] + tolerance)
    return exact


@pytest.mark.timeout(120)
@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), share_hidden=st.sampled_from([0.2, 0.5, 0.8]),
       magnitude=st.booleans())
def test_witness_audit_finds_exactly_the_failures_of_the_exact_audit(seed, share_hidden, magnitude):
    rng = np.random.default_rng(seed)
    table = random_hierarchy(rng)
    if magnitude:
        table = as_magnitude(table, rng)
    hidden = rng.random(len(table)) < share_hidden
    primary = hidden & (rng.random(len(table)) < 0.7)
    assert_same_failures_and_inner_intervals(table, hidden, primary)


@pytest.mark.timeout(120)
def test_witness_audit_on_a_large_mostly_hidden_table_matches_an_independent_lp():
    """The case the witnesses are for: most buurten hidden, components of hundreds of cells."""
    table = synthetic_area_table(PERSONS, seed=3, n_gemeenten=40, n_wijken=400, n_split_wijken=60,
                                 n_buurten=240, typical_count=6.0)
    rng = np.random.default_rng(3)
    hidden = (table.values < 10) | (rng.random(len(table)) < 0.3)
    hidden[0] = False  # a published land total keeps everything bounded
    primary = hidden & (table.values < 10) & (table.values > 0)
    exact = assert_same_failures_and_inner_intervals(table, hidden, primary)
    assert exact.failures, "the random pattern should leave some cells unprotected"
    independent = independent_intervals(table.values, table.relations, hidden)
    for failure in exact.failures[:20]:
        assert (failure.lower, failure.upper) == pytest.approx(independent[failure.index], abs=1e-6)



@pytest.mark.timeout(120)
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), exact=st.booleans())
def test_the_relations_named_for_a_failure_pin_the_cell_on_their_own(seed, exact):
    """pinned_by is a certificate: keep only those relations (drop every other one) and the failing
    cell is still exactly as well determined. That is why repair looks for a cell to hide there."""
    rng = np.random.default_rng(seed)
    table = random_hierarchy(rng)
    hidden = rng.random(len(table)) < 0.6
    primary = hidden & (rng.random(len(table)) < 0.7)
    result = audit_components(table, hidden, primary=primary, exact=exact)
    for failure in result.failures:
        assert failure.pinned_by
        kept = [table.relations[r] for r in failure.pinned_by]
        lower, upper = independent_intervals(table.values, kept, hidden)[failure.index]
        assert (lower, upper) == pytest.approx((failure.lower, failure.upper), abs=1e-6)


def test_repair_hides_a_cell_of_a_pinning_relation_before_a_cheaper_neighbour():
    """PVa = g1 + g2 = RX (a RIEC region with the same gemeenten): NL is a published neighbour in PVa's
    own relations but hiding it would not unpin PVa; RX, in the pinning relation, is hidden instead."""
    from zoo_core.disclosure.audit import AuditFailure
    from zoo_core.disclosure.secondary import _relations_per_cell, _repair_cell
    keys = ["NL", "PVa", "PVb", "RX", "RY", "g1", "g2", "g3", "g4"]
    relations = [(0, np.array([1, 2])), (0, np.array([3, 4])), (1, np.array([5, 6])), (2, np.array([7, 8])),
                 (3, np.array([5, 6])), (4, np.array([7, 8]))]
    cells = [np.concatenate(([t], m)) for t, m in relations]
    hidden = np.isin(keys, ["PVa", "g1", "g2"])
    rank = np.array([0, 5, 1, 8, 7, 2, 3, 4, 6])  # NL and PVb cheapest to hide, RX expensive
    failure = AuditFailure(1, "PVa", 23.0, 23.0, 0.0, "exact af te leiden", pinned_by=(4,))
    assert _repair_cell(failure, hidden, rank, cells, _relations_per_cell(len(keys), cells)) == keys.index("RX")
    unpinned = AuditFailure(1, "PVa", 23.0, 23.0, 0.0, "exact af te leiden")
    assert _repair_cell(unpinned, hidden, rank, cells, _relations_per_cell(len(keys), cells)) == keys.index("NL")


@pytest.mark.timeout(120)
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_an_audit_seeded_by_one_of_fewer_hidden_cells_finds_the_failures_of_a_fresh_exact_audit(seed):
    """Repair only hides more cells, so every table feasible in the last round is feasible in the next:
    its intervals may seed the next round's witnesses (which then skips LPs), never change a verdict."""
    rng = np.random.default_rng(seed)
    table = random_hierarchy(rng)
    before = rng.random(len(table)) < 0.4
    after = before | (rng.random(len(table)) < 0.3)
    primary = before & (rng.random(len(table)) < 0.7)
    seeded = audit_components(table, after, primary=primary, exact=False,
                              previous=audit_components(table, before, primary=primary, exact=False))
    exact = audit_components(table, after, primary=primary, exact=True)
    assert [(f.index, f.reason) for f in seeded.failures] == [(f.index, f.reason) for f in exact.failures]
    tolerance = 1e-6 * np.maximum(1.0, table.values[after])
    assert np.all(seeded.lower[after] >= exact.lower[after] - tolerance)
    assert np.all(seeded.upper[after] <= exact.upper[after] + tolerance)


def test_a_latent_cell_carries_what_an_attacker_knows_and_is_never_judged_itself():
    """Row rest R and column rest C are both the one far flow F behind them (R = F, C = F): with C
    published as 3, the hidden R is 3 as well (and so S = T - R). F is never published, so its being
    exact is no finding."""
    keys = ["R", "C", "F", "T", "S"]
    values = np.array([3.0, 3.0, 3.0, 10.0, 7.0])
    relations = [(0, np.array([2])), (1, np.array([2])), (3, np.array([0, 4]))]
    hidden = np.array([True, False, True, False, True])
    primary = np.array([True, False, False, False, False])
    latent = np.array([False, False, True, False, False])
    for exact in (True, False):
        result = audit_components(CellTable(keys, values, values.astype(np.int64), None, None, relations, "count",
                                            PERSONS, latent=latent), hidden, primary=primary, exact=exact)
        assert [f.key for f in result.failures] == ["R", "S"]
        assert (result.lower[0], result.upper[0]) == (3.0, 3.0)
    without_far_flow = audit_components(CellTable(["R", "T", "S"], values[[0, 3, 4]], values[[0, 3, 4]].astype(np.int64),
                                                  None, None, [(1, np.array([0, 2]))], "count", PERSONS),
                                        np.array([True, False, True]), primary=np.array([True, False, False]))
    assert without_far_flow.ok  # R could be anything in [0, 10]
    with pytest.raises(ValueError, match="latent"):
        CellTable(keys, values, values.astype(np.int64), None, None, relations, "count", PERSONS, latent=[True])


@pytest.mark.parametrize("seed", range(6))
def test_the_margin_the_build_reports_is_a_lower_bound_of_the_exact_audits(seed):
    """The build prints the smallest margin of protect()'s final (witness) audit per table: it must be
    met by the exact audit of the same pattern, and no hidden primary cell may be below zero."""
    from zoo_core.disclosure import primary_suppression, protect
    from zoo_core.disclosure.audit import protection_required, smallest_margin

    rng = np.random.default_rng(seed)
    table = random_hierarchy(rng)
    if seed % 2:
        table = as_magnitude(table, rng)
    primary = primary_suppression(table).mask
    result = protect(table, primary)
    reported = smallest_margin(table, result.audit, result.suppressed, result.primary)
    exact = audit_components(table, result.suppressed, primary=result.primary, exact=True)
    truth = smallest_margin(table, exact, result.suppressed, result.primary)
    assert exact.ok and 0 <= reported <= truth + 1e-6 * max(1.0, float(table.values.max()))
    if np.isfinite(truth):  # the margin is some hidden primary cell's own, not a constant
        widths = exact.upper - exact.lower
        assert any(abs(widths[i] - protection_required(table, i) - truth) < 1e-6
                   for i in np.flatnonzero(result.suppressed & result.primary))
