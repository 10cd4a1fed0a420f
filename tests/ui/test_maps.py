"""Map legend logic (plain functions of ui/maps.py)."""
import json

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
    marks = [f for f in layers["halo"].data["features"][1:] if f["geometry"]["type"] == "MultiLineString"]  # [0]: borders
    assert len(marks) == 1 and layers["halo"].type == "GeoJsonLayer"  # the borders' layer type, not text
    one, other = marks[0]["geometry"]["coordinates"]  # the two strokes of the x cross at the label point
    x, y = geo.label_points[0]
    assert one[0][0] < x < one[1][0] and other[0][0] < x < other[1][0]
    assert (one[0][1] + one[1][1]) / 2 == pytest.approx(y) and (other[0][1] + other[1][1]) / 2 == pytest.approx(y)
    assert 4.9 < x < 4.91 and 52.4 < y < 52.41  # inside the suppressed square
    half_px = (one[1][0] - x) / (360 / (512 * 2 ** maps.view_for(geo).zoom))
    assert half_px == pytest.approx(maps.X_HALF_PX, rel=0.01)
    assert sorted(label["t"] for label in layers["namen"].data) == ["Noord", "Oost", "Zuid"]
    many = maps.Geometry.from_shapes([(f"WK{i}", f"W{i}", _square(4 + i * 0.02, 52.0)) for i in range(maps.MAX_NAMED + 1)])
    big = pd.DataFrame({"area_code": list(many.codes), "value": [1.0] * len(many.codes), "status": "published",
                        "reference": 1.0, "deviation": 0.0, "sig_label": "n.v.t."})
    deck, _ = maps.choropleth(big, many, None, unit="", decimals=1, ref_label="Nederland")
    assert [layer.id for layer in deck.layers] == ["waarden", "halo"]  # no names on a map of many areas, no marks
    assert len(deck.layers[1].data["features"]) == 1  # only the borders


def _squares(n: int) -> maps.Geometry:
    rows = []
    for i in range(n):
        x, y = 4 + (i % 60) * 0.05, 51 + (i // 60) * 0.05
        ring = [[x, y], [x + 0.04, y], [x + 0.04, y + 0.04], [x, y + 0.04], [x, y]]
        rows.append((f"WK{i:06d}", f"wijk {i}", '{"type":"Polygon","coordinates":[%s]}' % str(ring).replace(" ", "")))
    return maps.Geometry.from_shapes(rows)


def test_borders_between_areas_only_where_they_can_be_seen():
    """The national wijk map draws no borders between its 3,393 wijken (under a pixel apart, most of its
    paint time); one gemeente's wijken and the gemeente map keep them, each border once, in the line layer
    (the filled areas draw no outlines of their own)."""
    import json
    for n, stroked in ((maps.MAX_STROKED, True), (maps.MAX_STROKED + 1, False)):
        geo = _squares(n)
        deck = maps.area_deck(geo, [{"n": name, "c": [1, 2, 3]} for name in geo.names], tooltip={})
        layers = {la["id"]: la for la in json.loads(deck.to_json())["layers"]}
        assert layers["waarden"]["stroked"] is False and len(layers["waarden"]["data"]["features"]) == n
        assert ("halo" in layers) is stroked
        if stroked:
            border = layers["halo"]["data"]["features"][0]
            assert border["properties"] == {"w": 0.5, "c": maps.LINE_COLOR}
            assert len(border["geometry"]["coordinates"]) == n  # the squares touch nowhere: n closed rings
    # Of areas without a value (not in the table) no border is drawn
    geo = _squares(3)
    deck = maps.area_deck(geo, [{"n": "a", "c": [1, 2, 3]}, None, {"n": "c", "c": [1, 2, 3]}], tooltip={})
    halo = next(la for la in json.loads(deck.to_json())["layers"] if la["id"] == "halo")
    assert halo["data"]["features"][0]["geometry"]["coordinates"] == [json.loads(geo.geoms[i])["coordinates"][0]
                                                                       for i in (0, 2)]


def test_outlines_selection_and_marks_share_two_line_layers():
    """However many outlines, selections and x's a map has, they are two layers (a white halo under a dark
    line), colour and width per feature: each further layer costs its own setup before the first frame in
    software WebGL."""
    geo = maps.Geometry.from_shapes([("WK1", "Noord", _square(4.9, 52.4)), ("WK2", "Zuid", _square(4.9, 52.3))])
    table = pd.DataFrame({"area_code": ["WK1", "WK2"], "value": [None, 4.0], "status": ["suppressed", "published"],
                          "reference": [5.0] * 2, "deviation": [None, -20.0], "sig_label": ["", "n.v.t."]})
    outline = maps.Geometry.from_shapes([("GM1", "Gemeente", _square(4.9, 52.3, 0.2))])
    deck, _ = maps.choropleth(table, geo, outline, unit="", decimals=1, ref_label="Nederland", highlight=geo.only("WK2"))
    assert [layer.id for layer in deck.layers] == ["waarden", "halo", "lijnen", "namen"]
    (borders, *halo), dark = (deck.layers[i].data["features"] for i in (1, 2))
    assert len(dark) == 2 and len(halo) == 3  # outline and selection; in the halo also the x of WK1
    assert borders["properties"]["c"] == maps.LINE_COLOR  # the areas' own borders, under everything
    for h, d in zip(halo, dark):
        assert h["geometry"] == d["geometry"] and h["properties"]["w"] == d["properties"]["w"] + 2 * maps.HALO_WIDTH
    assert {tuple(d["properties"]["c"]) for d in dark} == {maps.OUTLINE_COLOR, (20, 20, 160)}
    assert {tuple(h["properties"]["c"]) for h in halo} == {maps.HALO_COLOR}
    # colour per feature in both layers: a constant colour in one of them costs it its own WebGL pipeline
    assert all(deck.layers[i].get_line_color == "@@=properties.c" for i in (1, 2))
    payload = json.loads(deck.to_json())
    assert all(isinstance(f["geometry"], dict) for layer in payload["layers"][1:3] for f in layer["data"]["features"])
