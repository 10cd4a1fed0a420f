"""Map legend logic (plain functions of ui/maps.py)."""
import json
from collections import Counter

import pandas as pd
import pytest
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


def test_names_that_would_overlap_give_way_to_the_bigger_area():
    near = [{"p": [4.90, 52.37], "t": "Klein", "size": 1.0}, {"p": [4.9001, 52.3701], "t": "Groot", "size": 5.0},
            {"p": [5.20, 52.10], "t": "Ver weg", "size": 0.5}]
    kept = [label["t"] for label in maps.readable(near, zoom=10)]
    assert kept == ["Groot", "Ver weg"]
    # zoomed in far enough, the two close names no longer touch
    assert len(maps.readable(near, zoom=18)) == 3


def line_segments(deck) -> list[dict]:
    """The segments of a deck's line layer, as the browser gets them."""
    return next(la for la in json.loads(deck.to_json())["layers"] if la["id"] == "lijnen")["data"]


def _square(x, y, d=0.01):
    return ('{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}'
            % (x, y, x + d, y, x + d, y + d, x, y + d, x, y))


def test_suppressed_areas_carry_an_x_and_a_gemeente_map_its_names():
    geo = maps.Geometry.from_shapes([("WK1", "Noord", _square(4.9, 52.4)), ("WK2", "Zuid", _square(4.9, 52.3)),
                                     ("WK3", "Oost", _square(5.0, 52.35))])
    table = pd.DataFrame({"area_code": ["WK1", "WK2", "WK3"], "value": [None, 4.0, 6.0],
                          "status": ["suppressed", "published", "missing"], "reference": [5.0] * 3,
                          "deviation": [None, -20.0, None], "sig_label": ["", "n.v.t.", ""]})
    deck, _ = maps.choropleth(table, geo, None, unit="per 1.000", decimals=1, ref_label="Nederland")
    layers = {layer.id: layer for layer in deck.layers}
    assert layers["lijnen"].type == "LineLayer"  # the borders' layer, not text
    marks = [seg for seg in line_segments(deck) if seg["w"] == maps.X_LINE_PX]  # the borders are 0.5 px
    assert len(marks) == 2  # one x of two strokes, of the one suppressed area
    one, other = ([m["s"], m["t"]] for m in marks)  # the two strokes of the x cross at the label point
    x, y = geo.label_points[0]
    assert one[0][0] < x < one[1][0] and other[0][0] < x < other[1][0]
    assert (one[0][1] + one[1][1]) / 2 == pytest.approx(y) and (other[0][1] + other[1][1]) / 2 == pytest.approx(y)
    assert 4.9 < x < 4.91 and 52.4 < y < 52.41  # inside the suppressed square
    half_px = (one[1][0] - x) / (360 / (512 * 2 ** maps.view_for(geo).zoom))
    assert half_px == pytest.approx(maps.X_HALF_PX, rel=0.01)
    assert sorted(label["t"] for label in layers["namen"].data) == ["Noord", "Oost", "Zuid"]
    many = _squares(maps.MAX_NAMED + 1)
    big = pd.DataFrame({"area_code": list(many.codes), "value": [1.0] * len(many.codes), "status": "published",
                        "reference": 1.0, "deviation": 0.0, "sig_label": "n.v.t."})
    deck, _ = maps.choropleth(big, many, None, unit="", decimals=1, ref_label="Nederland")
    assert [layer.id for layer in deck.layers] == ["waarden", "lijnen"]  # no names on a map of many areas, no marks
    assert {(tuple(seg["c"]), seg["w"]) for seg in line_segments(deck)} == {(tuple(maps.LINE_COLOR), 0.5)}  # borders only


def _squares(n: int) -> maps.Geometry:
    """n squares of 0.04 degrees in rows of 60, each touching its neighbours."""
    rows = []
    for i in range(n):
        x, y = round(4 + (i % 60) * 0.04, 2), round(51 + (i // 60) * 0.04, 2)
        ring = [[x, y], [round(x + 0.04, 2), y], [round(x + 0.04, 2), round(y + 0.04, 2)], [x, round(y + 0.04, 2)], [x, y]]
        rows.append((f"WK{i:06d}", f"wijk {i}", '{"type":"Polygon","coordinates":[%s]}' % str(ring).replace(" ", "")))
    return maps.Geometry.from_shapes(rows)


def test_borders_between_areas_only_where_they_can_be_seen():
    """The national wijk map draws no borders between its 3,393 wijken (under a pixel apart, most of its
    paint time); one gemeente's wijken and the gemeente map keep them, each border once, in the line layer
    (the filled areas draw no outlines of their own)."""
    for n, stroked in ((maps.MAX_STROKED, True), (maps.MAX_STROKED + 1, False)):
        geo = _squares(n)
        deck = maps.area_deck(geo, [{"n": name, "c": [1, 2, 3]} for name in geo.names], tooltip={})
        layers = {la["id"]: la for la in json.loads(deck.to_json())["layers"]}
        assert layers["waarden"]["stroked"] is False and len(layers["waarden"]["data"]["features"]) == n
        assert ("lijnen" in layers) is stroked
        if stroked:
            segments = layers["lijnen"]["data"]
            assert {(tuple(seg["c"]), seg["w"]) for seg in segments} == {(tuple(maps.LINE_COLOR), 0.5)}
            # each side two squares share, once; the grid's outer sides border the background (white on white)
            sides = Counter(tuple(sorted(map(tuple, pair))) for g in geo.geoms
                            for pair in zip(json.loads(g)["coordinates"][0], json.loads(g)["coordinates"][0][1:]))
            assert sorted(tuple(sorted((tuple(seg["s"]), tuple(seg["t"])))) for seg in segments) == \
                sorted(side for side, times in sides.items() if times == 2)
    # Of areas without a value (not in the table) no border is drawn: of a row of four, the last has none
    geo = _squares(4)
    deck = maps.area_deck(geo, [{"n": "a", "c": [1, 2, 3]}] * 3 + [None], tooltip={})
    assert [[seg["s"], seg["t"]] for seg in line_segments(deck)] == [[[4.04, 51.0], [4.04, 51.04]],
                                                                     [[4.08, 51.0], [4.08, 51.04]]]


def test_outlines_selection_and_marks_share_one_line_layer_in_drawing_order():
    """However many outlines, selections and x's a map has, they are one LineLayer (a white halo under a dark
    line), colour and width per segment, drawn in order: each further layer costs its own setup before the
    first frame in software WebGL, and deck.gl's PathLayer (a GeoJsonLayer's lines) more than a LineLayer."""
    # one side shared point for point (binary fractions: y + d is exactly the neighbour's y)
    geo = maps.Geometry.from_shapes([("WK1", "Noord", _square(4.9, 52.3125, 0.015625)),
                                     ("WK2", "Zuid", _square(4.9, 52.296875, 0.015625))])
    table = pd.DataFrame({"area_code": ["WK1", "WK2"], "value": [None, 4.0], "status": ["suppressed", "published"],
                          "reference": [5.0] * 2, "deviation": [None, -20.0], "sig_label": ["", "n.v.t."]})
    outline = maps.Geometry.from_shapes([("GM1", "Gemeente", _square(4.9, 52.3, 0.2))])
    deck, _ = maps.choropleth(table, geo, outline, unit="", decimals=1, ref_label="Nederland", highlight=geo.only("WK2"))
    assert [layer.id for layer in deck.layers] == ["waarden", "lijnen", "namen"]
    assert deck.layers[1].get_color == "@@=c" and deck.layers[1].get_width == "@@=w"  # per segment, one pipeline
    styles = [(tuple(seg["c"]), seg["w"]) for seg in line_segments(deck)]
    halo_w, dark_w = lambda w: (maps.HALO_COLOR, w + 2 * maps.HALO_WIDTH), lambda c, w: (c, w)  # noqa: E731
    expected = ([(tuple(maps.LINE_COLOR), 0.5)]  # the border between the two squares, under everything
                # halos only where areas lie on both sides: none along the outline around them, and of the
                # selection's ring only the side it shares with WK1 (the others border the background)
                + [halo_w(3)]
                + [(maps.HALO_COLOR, maps.X_LINE_PX)] * 2  # the x of WK1, under the dark lines
                + [dark_w(maps.OUTLINE_COLOR, 1.2)] * 4 + [dark_w((20, 20, 160), 3)] * 4)  # dark lines on top
    assert styles == expected
    shared = sorted(json.loads(geo.geoms[0])["coordinates"][0][:2])  # WK1's bottom side is WK2's top side
    assert sorted(line_segments(deck)[1][k] for k in ("s", "t")) == shared
    # the outline follows the ring of the gemeente, coordinates as stored
    outline_ring = json.loads(outline.geoms[0])["coordinates"][0]
    assert [[seg["s"], seg["t"]] for seg in line_segments(deck)[-8:-4]] == [[a, b] for a, b in
                                                                           zip(outline_ring, outline_ring[1:])]


def test_a_halo_is_drawn_only_where_areas_lie_on_both_sides_of_its_line():
    """A province's outline inland (between two filled areas) keeps its white halo; along the coast the halo
    would be white on white, and on the national map it covered narrow islands: it goes there."""
    filled = _squares(2)  # two squares side by side, touching at x = 4.04
    left_ring = json.loads(filled.geoms[0])["coordinates"][0]
    assert filled.inland([left_ring]) == [[[4.04, 51.0], [4.04, 51.04]]]
    assert filled.inland([[[3.0, 50.0], [3.1, 50.0]]]) == []  # a line away from every area
