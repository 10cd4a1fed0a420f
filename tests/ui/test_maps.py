"""Map legend logic (plain functions of ui/maps.py)."""
import pandas as pd
from hypothesis import given, strategies as st

from ui import maps


def _legend(values, decimals=2):
    s = pd.Series(values, dtype="float64")
    return maps.legend_classes(maps.class_breaks(s), s, decimals)


def test_one_value_is_one_class():
    """Issue 13.8: a small gemeente's neighbour map (one published value) read "35,73 – 35,73" twice."""
    legend = _legend([35.73])
    assert [label for _, label in legend] == ["35,73"]
    assert _legend([35.73, 35.73, 35.73]) == legend


def test_identical_breaks_collapse_and_empty_classes_are_left_out():
    legend = _legend([10.0, 10.0, 10.0, 10.0, 20.0])
    labels = [label for _, label in legend]
    assert len(labels) == len(set(labels)) == 2
    assert all(" – " not in lbl or lbl.split(" – ")[0] != lbl.split(" – ")[1] for lbl in labels)


def test_no_values_no_classes():
    assert _legend([]) == [] and _legend([None]) == []


def test_ordinary_quintiles_unchanged():
    legend = _legend([float(v) for v in range(1, 101)])
    assert len(legend) == 5
    assert legend[0][1].startswith("1,00 – ") and legend[-1][1].endswith(" – 100,00")
    assert [c for c, _ in legend] == maps.PALETTE


@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1, max_size=40))
def test_legend_matches_map_colours(values):
    """Every colour the map gives a published value is in the legend, and the legend has no other."""
    s = pd.Series(values, dtype="float64")
    breaks = maps.class_breaks(s)
    legend = maps.legend_classes(breaks, s, 2)
    colours = [c for c, _ in legend]
    on_map = {tuple(maps.PALETTE[maps.class_of(v, breaks)] if breaks else maps.PALETTE[2]) for v in values}
    assert on_map == {tuple(c) for c in colours} and len(colours) == len(on_map)
