"""Primary rules for rates, shares and means, combining results, and loading the configuration."""
from pathlib import Path

import numpy as np
import pytest

from .disclosure_testlib import PERSONS
from zoo_core.disclosure import (CellTable, RuleSet, combine, load_rule_sets, mean_primary, primary_suppression,
                                 ratio_primary)

EUROS = RuleSet(unit_type="euros", min_units=3, dominance_p=15, dominance_n=None, dominance_k=None,
                min_denominator=10, extreme_share_min_denominator=100, protection_abs=0, protection_pct=15)


def test_count_threshold_keeps_zero_publishable():
    values = np.array([0, 1, 9, 10, 250])
    table = CellTable(list("abcde"), values, values, None, None, [], "count", PERSONS)
    result = primary_suppression(table)
    assert result.mask.tolist() == [False, True, True, False, False]
    assert result.reasons[1] == "minder dan 10 personen" and result.reasons[0] is None


def test_magnitude_threshold_before_dominance():
    table = CellTable(["few", "dominated", "fine"], np.array([100.0, 100, 100]), np.array([2, 5, 5]),
                      np.array([60.0, 80, 30]), np.array([40.0, 10, 25]), [], "magnitude", EUROS)
    result = primary_suppression(table)
    assert result.mask.tolist() == [True, True, False]
    assert result.reasons[0] == "minder dan 3 bijdragers"
    assert result.reasons[1] == "één bijdrager domineert (p%-regel)"


def test_rate_with_small_denominator_is_unsafe():
    result = ratio_primary(np.array([3, 3, 0, 60, 0]), np.array([40, 415, 80, 60, 150]), PERSONS)
    assert result.mask.tolist() == [True, False, True, True, False]
    assert result.reasons[0] == "noemer kleiner dan 50"
    assert result.reasons[2].startswith("0% of 100%") and result.reasons[3].startswith("0% of 100%")


def test_mean_needs_units_and_no_dominance():
    result = mean_primary(np.array([0, 2, 5, 5]), np.array([0.0, 10, 90, 30]), np.array([0.0, 5, 5, 25]),
                          np.array([0.0, 15, 100, 100]), EUROS)
    assert result.mask.tolist() == [True, True, True, False]


def test_combine_is_a_union_keeping_the_first_reason():
    first = ratio_primary(np.array([1, 5, 50]), np.array([10, 200, 200]), PERSONS)
    second = mean_primary(np.array([20, 2, 20]), None, None, None, PERSONS)
    result = combine(first, second)
    assert result.mask.tolist() == [True, True, False]
    assert result.reasons[0] == first.reasons[0] and result.reasons[1] == second.reasons[1]


def test_default_config_loads():
    rule_sets = load_rule_sets()
    assert set(rule_sets) == {"persons", "addresses", "establishments", "euros"}
    assert rule_sets["persons"].min_units == 10 and rule_sets["establishments"].min_units == 3
    assert rule_sets["euros"].dominance_p == 15 and rule_sets["euros"].protection_pct == 15


@pytest.mark.parametrize("extra, bad_key", [
    ("", "min_units"),                                    # missing
    ("min_units = 10\nmin_unit = 10\n", "min_unit"),      # misspelt
    ("min_units = 0\n", "min_units"),                     # out of range
    ("min_units = 10\ndominance_n = 2\n", "dominance_k"), # partner missing
    ("min_units = 10\ndominance_p = 150\n", "dominance_p"),
])
def test_bad_config_key_is_named(tmp_path: Path, extra: str, bad_key: str):
    config = tmp_path / "disclosure.toml"
    config.write_text("[persons]\nmin_denominator = 50\nextreme_share_min_denominator = 100\n"
                      "protection_abs = 5\nprotection_pct = 0\n" + extra)
    with pytest.raises(ValueError, match=f"'{bad_key}'"):
        load_rule_sets(config)
