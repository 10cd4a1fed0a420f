"""DerivedChecker: new aggregates must not open a differencing attack, alone or with earlier ones."""
import numpy as np
import pytest

from .disclosure_testlib import PERSONS
from zoo_core.disclosure import CellTable, DerivedChecker, audit

# gemeente G = w1 + ... + w7; w3 (3 persons) is primary, w4..w7 protect it.
KEYS = ["G", "w1", "w2", "w3", "w4", "w5", "w6", "w7"]
WIJK_VALUES = [40, 50, 3, 15, 20, 25, 30]
G, W1, W2, W3, W4, W5, W6, W7 = range(8)


@pytest.fixture
def gemeente():
    values = np.array([sum(WIJK_VALUES)] + WIJK_VALUES, dtype=float)
    table = CellTable(KEYS, values, values.astype(np.int64), None, None, [(G, np.arange(1, 8))], "count", PERSONS)
    suppressed = np.isin(np.arange(8), [W3, W4, W5, W6, W7])
    assert audit(table, suppressed).ok
    return table, suppressed


def ledger_lines(path):
    return path.read_text().splitlines() if path.exists() else []


def selection(*cells):
    return {cell: 1.0 for cell in cells}


@pytest.mark.timeout(30)
def test_published_cells_only_are_released_without_ledger_entry(gemeente, tmp_path):
    table, suppressed = gemeente
    result = DerivedChecker(tmp_path / "ledger.jsonl").check("t", table, suppressed, selection(W1, W2))
    assert result.released and result.value == 90 and result.reason is None
    assert ledger_lines(tmp_path / "ledger.jsonl") == []


@pytest.mark.timeout(30)
def test_class_sum_whose_hidden_part_is_one_small_cell_is_refused(gemeente, tmp_path):
    table, suppressed = gemeente
    result = DerivedChecker(tmp_path / "ledger.jsonl").check("t", table, suppressed, selection(W1, W2, W3))
    assert not result.released and result.value is None
    assert "minder dan 10 personen" in result.reason


@pytest.mark.timeout(30)
def test_selection_that_is_gemeente_minus_one_hidden_wijk_is_refused(gemeente, tmp_path):
    table, suppressed = gemeente
    result = DerivedChecker(tmp_path / "ledger.jsonl").check("t", table, suppressed,
                                                             selection(W1, W2, W3, W4, W5, W6))
    assert not result.released and "afgeschermde waarde" in result.reason


@pytest.mark.timeout(30)
def test_rest_of_gemeente_with_negative_weights_is_audited(gemeente, tmp_path):
    table, suppressed = gemeente
    rest = {G: 1.0, W1: -1.0, W2: -1.0, W3: -1.0, W4: -1.0, W5: -1.0}  # = w6 + w7, 55 persons
    result = DerivedChecker(tmp_path / "ledger.jsonl").check("t", table, suppressed, rest, "rest van G")
    assert result.released and result.value == 55


@pytest.mark.timeout(30)
def test_overlapping_selections_are_checked_together_and_the_ledger_persists(gemeente, tmp_path):
    table, suppressed = gemeente
    path = tmp_path / "ledger.jsonl"
    wide, narrow = selection(W3, W4, W5), selection(W4, W5)  # wide - narrow = w3
    checker = DerivedChecker(path)
    assert checker.check("t", table, suppressed, narrow).released  # alone: safe
    assert DerivedChecker(tmp_path / "other.jsonl").check("t", table, suppressed, wide).released  # alone: safe
    assert not checker.check("t", table, suppressed, wide).released  # together they pin w3

    again = DerivedChecker(path)  # a new process/session sees the same ledger
    assert not again.check("t", table, suppressed, wide).released
    assert again.check("other table", table, suppressed, wide).released  # ledgers are per table_id


@pytest.mark.timeout(30)
def test_same_aggregate_twice_gives_the_same_answer_without_growing_the_ledger(gemeente, tmp_path):
    table, suppressed = gemeente
    path = tmp_path / "ledger.jsonl"
    first = DerivedChecker(path).check("t", table, suppressed, selection(W4, W5), "selectie")
    lines = ledger_lines(path)
    second = DerivedChecker(path).check("t", table, suppressed, {W5: 1, W4: 1.0})
    assert first == second and first.released and len(lines) == 1 and ledger_lines(path) == lines
