"""pydeck choropleths without a basemap: quantile classes of published values only.

Suppressed areas get their own near-black with a white "x" on the map and the tooltip text "geheim"
(never a value, never a colour class); missing areas a light neutral. Properties are kept to what the tooltip needs.
"""
from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pydeck as pdk
import shapely
from pydeck.bindings.json_tools import default_serialize

from ui.tables import fmt, fmt_pct
from zoo_core import geography, statuses

PALETTE = [[254, 229, 217], [252, 174, 145], [251, 106, 74], [222, 45, 38], [165, 15, 21]]  # ColorBrewer Reds
# Near black: "blacked out", and far from every class of both map palettes for every colour-vision
# deficiency (tests/ui/test_palettes.py); the earlier blue-grey matched bivariate class 2-3 under protanopia.
SUPPRESSED_COLOR = [30, 30, 30]
MISSING_COLOR = [235, 235, 235]
SWATCH_BORDER = "#595959"  # 7:1 on white: the light class and "geen waarde" swatches stay visible (WCAG 1.4.11)
SUPPRESSED_SWATCH = f"background:rgb{tuple(SUPPRESSED_COLOR)}"  # the legend shows what the map draws
LINE_COLOR = [255, 255, 255]
OUTLINE_COLOR = (60, 60, 60)
HALO_COLOR = (255, 255, 255)
HALO_WIDTH = 1.5  # px of white on each side of an outline or selection line
N_CLASSES = 5
# With map_provider=None and map_style=None pydeck omits both keys and Streamlit's frontend then falls
# back to a Carto basemap fetched from the internet (seen in the browser tests). Streamlit treats this
# sentinel as "no explicit style" and then draws no basemap at all: no tiles, no external request.
NO_BASEMAP_STYLE = "__MAP_STYLE__"
TOOLTIP = {
    "html": "<b>{n}</b><br/>{w}<br/>Referentie: {r}<br/>Afwijking: {d}",
    "style": {"backgroundColor": "white", "color": "#222", "fontSize": "12px"},
}


_RAW = re.compile(r'"@@g(\d+)@@"')


@dataclass(frozen=True)
class Geometry:
    """Shapes of one level as stored: compact GeoJSON geometry strings, never re-serialised."""
    codes: tuple[str, ...]
    names: tuple[str, ...]
    geoms: tuple[str, ...]
    bbox: tuple[float, float, float, float] | None

    @classmethod
    def from_shapes(cls, rows: list[tuple[str, str, str]]) -> "Geometry":
        numbers = re.compile(r"-?\d+(?:\.\d+)?")
        xs, ys = [], []
        for _, _, g in rows:
            vals = [float(t) for t in numbers.findall(g)]
            xs += vals[0::2]
            ys += vals[1::2]
        bbox = (min(xs), min(ys), max(xs), max(ys)) if xs else None
        return cls(tuple(r[0] for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows), bbox)

    def only(self, code: str) -> "Geometry":
        rows = [(c, n, g) for c, n, g in zip(self.codes, self.names, self.geoms) if c == code]
        return Geometry.from_shapes(rows)

    @functools.cached_property
    def label_points(self) -> tuple[tuple[float, float], ...]:
        """A point inside each area (not the centroid, which can fall outside a bent wijk), for text
        on the map. Computed once per cached Geometry."""
        if not self.geoms:
            return ()
        points = shapely.point_on_surface(self._shapes)
        return tuple((round(float(x), 5), round(float(y), 5)) for x, y in shapely.get_coordinates(points))

    @functools.cached_property
    def sizes(self) -> tuple[float, ...]:
        """Each area's size (square degrees): bigger areas keep their name when names collide."""
        return tuple(float(a) for a in shapely.area(self._shapes)) if self.geoms else ()

    def segments(self, lines: str, color, width: float, over: "Geometry | None" = None) -> str:
        """The map's line layer data (see _lines) in one colour and width: `lines` "borders" (every border
        between or around the areas once, geography.borders: not each area's own outline) or "rings" (each
        area's outline); with `over` (the filled areas of the map), only the parts of the rings that have
        those areas on both sides. Kept per cached Geometry: the national map has ~12,000 border segments,
        and writing them out was a rerun's biggest cost."""
        key = (lines, tuple(color), width, over)
        if key not in self._segment_texts:
            if lines == "borders":
                paths = geography.borders(self.geoms, pixel_degrees(view_for(self).zoom))
            else:
                paths = [ring for g in self.geoms for ring in geography.rings(g)]
                if over is not None:
                    paths = over.inland(paths)
            self._segment_texts[key] = _segments(paths, color, width)
        return self._segment_texts[key]

    def inland(self, paths: list[list]) -> list[list]:
        """The segments of `paths` with these areas on both sides (a pixel away at the initial zoom), as
        two-point paths: a white halo beside the background is white on white."""
        pairs = [(a, b) for path in paths for a, b in zip(path, path[1:]) if a != b]
        if not pairs or not self.geoms:
            return []
        ab = np.asarray(pairs, dtype=float)  # (n, 2 ends, 2 coordinates)
        middle, along = ab.mean(axis=1), ab[:, 1] - ab[:, 0]
        across = np.stack([-along[:, 1], along[:, 0]], axis=1) / np.hypot(along[:, 0], along[:, 1])[:, None]
        step = across * pixel_degrees(view_for(self).zoom)
        filled = [set(self._tree.query(shapely.points(middle + sign * step), predicate="intersects")[0].tolist())
                  for sign in (1, -1)]
        return [[list(a), list(b)] for i, (a, b) in enumerate(pairs) if i in filled[0] and i in filled[1]]

    @functools.cached_property
    def _segment_texts(self) -> dict:
        return {}

    @functools.cached_property
    def _tree(self):
        return shapely.STRtree(self._shapes)

    @functools.cached_property
    def _shapes(self):
        return shapely.from_geojson(list(self.geoms))


class CompactDeck(pdk.Deck):
    """A Deck serialised without indentation (pydeck's indent=2 triples the payload), with the stored
    geometry strings spliced in verbatim instead of being parsed and dumped on every rerun."""

    def __init__(self, *args, raw_geoms: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._raw = raw_geoms or []
        self._codes: list[str] = []

    @property
    def feature_codes(self) -> list[str]:
        """Area code of each feature of the "waarden" layer, in order: a click reports an index."""
        return self._codes

    def to_json(self) -> str:
        text = json.dumps(self, default=_serialize, separators=(",", ":"))
        return _RAW.sub(lambda m: self._raw[int(m.group(1))], text)


def _serialize(o):
    if isinstance(o, CompactDeck):
        d = default_serialize(o)
        d.pop("_raw", None)
        d.pop("_codes", None)
        return d
    return default_serialize(o)


def class_breaks(values, n: int = N_CLASSES) -> list[float]:
    """Inner quantile breaks (at most n-1, unique) of the published values."""
    v = np.asarray([x for x in values if x is not None and not pd.isna(x)], dtype=float)
    if v.size == 0:
        return []
    qs = np.quantile(v, [i / n for i in range(1, n)])
    return sorted(set(float(q) for q in qs))


def class_of(value, breaks: list[float]) -> int:
    return int(np.searchsorted(breaks, value, side="right"))


def view_for(geo: Geometry) -> pdk.ViewState:
    if geo.bbox is None:
        return pdk.ViewState(latitude=52.2, longitude=5.3, zoom=6.3)
    x0, y0, x1, y1 = geo.bbox
    # Web Mercator at 512 px per world width: fit the width (~470 px, the map column on an 800 px screen
    # with the sidebar open, where the legend goes below the map: widgets.MAP_ROW_CSS) and the height
    # (~500 px; a degree of latitude is ~1.6x a degree of longitude here), with a small margin.
    fit_width = math.log2(360 / max(x1 - x0, 1e-3)) - 0.2
    fit_height = math.log2(360 / max((y1 - y0) * 1.62, 1e-3)) - 0.1
    zoom = max(5.5, min(13.0, fit_width, fit_height))
    return pdk.ViewState(latitude=(y0 + y1) / 2, longitude=(x0 + x1) / 2, zoom=zoom)


def _collection(geo: Geometry, props: list[dict], raw: list[str]) -> dict:
    feats = []
    for g, p in zip(geo.geoms, props):
        if p is None:
            continue
        feats.append({"type": "Feature", "geometry": f"@@g{len(raw)}@@", "properties": p})
        raw.append(g)
    return {"type": "FeatureCollection", "features": feats}


def choropleth(table: pd.DataFrame, geo: Geometry, outline: Geometry | None, *, unit: str,
               decimals: int, ref_label: str, highlight: Geometry | None = None) -> tuple[pdk.Deck, list[float]]:
    """The deck and its class breaks. table: area_code, value, status, reference, deviation, sig_label."""
    breaks = class_breaks(table.loc[table["status"] == "published", "value"])
    rows = {r["area_code"]: r for r in table[["area_code", "value", "status", "reference", "deviation", "sig_label"]]
            .to_dict("records")}
    props = []
    for code, name in zip(geo.codes, geo.names):
        r = rows.get(code)
        if r is None:
            props.append(None)
            continue
        status, value = r["status"], r["value"]
        if status == "published" and value is not None and not pd.isna(value):
            color = PALETTE[class_of(value, breaks)] if breaks else PALETTE[2]
            shown = f"{fmt(value, decimals)} {unit}"
            dev = fmt_pct(r["deviation"]) + (f" {r['sig_label']}" if r["sig_label"] not in ("n.v.t.", "") else "")
        elif status == "suppressed":
            color, shown, dev = SUPPRESSED_COLOR, "geheim (x, onderdrukt)", ""
        else:
            color, shown, dev = MISSING_COLOR, statuses.MISSING_STATUS.label, ""
        ref = r["reference"]
        props.append({"n": name, "w": shown, "r": "" if pd.isna(ref) else f"{fmt(ref, decimals)} ({ref_label})",
                      "d": dev, "c": color})
    hidden = [code in rows and rows[code]["status"] == "suppressed" for code in geo.codes]
    return area_deck(geo, props, tooltip=TOOLTIP, outline=outline, highlight=highlight, hidden=hidden,
                     names=len(geo.codes) <= MAX_NAMED), breaks


def _lines(parts: list[tuple[Geometry, tuple, float]], raw: list[str], crosses: list,
           borders: str = "", filled: Geometry | None = None) -> list[pdk.Layer]:
    """Outlines and selections as a dark line on a wider white halo: on a light area the dark line stands out,
    on a dark one the halo does, so each reaches 3:1 against every fill (WCAG 1.4.11). Where a line has the
    background on one side (the coast, a gemeente's edge on the map of its wijken) the dark line stands out
    against the white background and its halo would be white on white: with the `filled` areas given, the
    halo is drawn only where they lie on both sides (on the national gemeente map 975 of 3,265 segments).

    All of them, the areas' borders and the x's of suppressed areas are one deck.gl LineLayer of straight
    segments, colour and width per segment, drawn in order: the borders (each once, where the filled layer's
    own outlines drew every shared border twice), every halo, the x's (white strokes), then every dark line
    on top. Measured in headless Chromium's software WebGL (national gemeente map, borders only): filled
    areas painted in 3.1 s, + a LineLayer 4.3-5.0 s, + deck.gl's PathLayer (a GeoJsonLayer's lines) 6.1-6.6 s;
    each further layer, and a layer with a constant colour beside one with a colour per feature, costs its
    own setup before the first frame. A segment has no joins: at these widths (at most 6 px) and angles the
    corners look the same. `borders`: the areas' borders as segments (Geometry.segments), under everything."""
    chunks: list[str] = [borders]  # JSON text of the segments, each chunk a comma-separated run
    dark: list[str] = []
    for geo, color, width in parts:
        chunks.append(geo.segments("rings", HALO_COLOR, width + 2 * HALO_WIDTH, over=filled))
        dark.append(geo.segments("rings", color, width))
    chunks.append(_segments((stroke for c in crosses for stroke in c), HALO_COLOR, X_LINE_PX))
    text = ",".join(chunk for chunk in chunks + dark if chunk)
    if not text:
        return []
    raw.append(f"[{text}]")
    return [pdk.Layer("LineLayer", f"@@g{len(raw) - 1}@@", id="lijnen", pickable=False, get_source_position="s",
                      get_target_position="t", get_color="c", get_width="w",
                      width_units="'pixels'")]  # quoted: pydeck makes any other string an expression


def _segments(paths, color, width: float) -> str:
    """LineLayer data, one datum per pair of consecutive points, as JSON text without brackets."""
    style = f'"c":[{",".join(str(int(v)) for v in color)}],"w":{width:g}'
    return ",".join(f'{{"s":[{a[0]},{a[1]}],"t":[{b[0]},{b[1]}],{style}}}'
                    for path in paths for a, b in zip(path, path[1:]))


def area_deck(geo: Geometry, props: list, *, tooltip: dict, outline: Geometry | None = None,
              highlight: Geometry | None = None, line_color=LINE_COLOR, line_width: float = 0.5,
              outline_width: float = 1.2, highlight_color=(20, 20, 160), highlight_width: float = 3,
              hidden: list[bool] | None = None, names: bool = False) -> pdk.Deck:
    """Filled areas coloured by properties.c, optional outline and highlight layers, no basemap.
    A suppressed area (`hidden`, aligned with geo) carries an "x" on the map itself, so "geheim" does
    not rest on its colour alone; names=True writes each area's name on the map (one gemeente's wijken)."""
    raw: list[str] = []
    layers = [pdk.Layer("GeoJsonLayer", _collection(geo, props, raw), id="waarden",
                        pickable=True, stroked=False, filled=True, get_fill_color="properties.c")]
    crosses, name_layers = _marks_and_names(geo, props, hidden or [False] * len(props), names)
    parts = [(outline, OUTLINE_COLOR, outline_width), (highlight, highlight_color, highlight_width)]
    borders = ""
    if 0 < len(geo.codes) <= MAX_STROKED and any(p is not None for p in props):
        borders = (geo.segments("borders", line_color, line_width) if None not in props else
                   _segments(geography.borders((g for g, p in zip(geo.geoms, props) if p is not None),
                                               pixel_degrees(view_for(geo).zoom)), line_color, line_width))
    layers += _lines([part for part in parts if part[0] is not None and part[0].codes], raw, crosses, borders, geo)
    layers += name_layers
    deck = CompactDeck(layers=layers, initial_view_state=view_for(geo), map_provider=None, map_style=None,
                       tooltip=tooltip, raw_geoms=raw)
    deck.map_style = NO_BASEMAP_STYLE
    deck._codes = [code for code, p in zip(geo.codes, props) if p is not None]
    return deck


# Borders between areas up to this many areas. On the national wijk map (3,393) they lie under a pixel apart
# and cost most of its paint (deck.gl's PathLayer; measured in headless Chromium's software WebGL: the combine
# page painted in 9-12 s without them, 14-15 s with); the outline layer still draws the provincies.
MAX_STROKED = 1000
# Names on the map up to this many areas (one gemeente's wijken or buurten); beyond, they only clutter.
MAX_NAMED = 120


def pixel_degrees(zoom: float) -> float:
    """Degrees of longitude per pixel at `zoom` (Web Mercator, 512 px per world at zoom 0)."""
    return 360 / (512 * 2 ** zoom)


def mercator_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel position as deck.gl computes it: 512 px per world at zoom 0."""
    world = 512 * 2 ** zoom
    return ((lon + 180) / 360 * world,
            (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * world)


def readable(labels: list[dict], zoom: float, char_px: float = 6.5, line_px: float = 14.0) -> list[dict]:
    """The labels that fit without overlapping at the initial zoom, bigger areas first (a small wijk
    in a crowded centre keeps its name in the tooltip and the table). Label boxes are estimated in
    Web Mercator pixels: `char_px` per character, `line_px` high, centred below the point."""
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for label in sorted(labels, key=lambda item: -item["size"]):
        x, y = mercator_px(*label["p"], zoom)
        half = len(label["t"]) * char_px / 2 + 2
        box = (x - half, y + 5, x + half, y + 5 + line_px)
        if all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in placed):
            placed.append(box)
            kept.append(label)
    return kept


# The "x" on a suppressed area is drawn as two strokes in the layer type the borders already use, not as
# text: in headless Chromium's software WebGL each further layer type costs its own shader compilation
# before the first frame (measured on the national map: fill 2.5 s, + borders 4.2 s, + a TextLayer 5.5 s).
X_HALF_PX = 4.5  # half the width of the x, in pixels at the map's initial zoom
X_LINE_PX = 2


def cross(x: float, y: float, zoom: float) -> list[list[list[float]]]:
    """The two strokes of an "x" centred on (x, y), X_HALF_PX wide each way at `zoom` (Web Mercator:
    a pixel is 360 / (512 * 2^zoom) degrees of longitude, and that times cos(latitude) of latitude)."""
    dx = X_HALF_PX * pixel_degrees(zoom)
    dy = dx * math.cos(math.radians(y))
    return [[[round(x - dx, 5), round(y - dy, 5)], [round(x + dx, 5), round(y + dy, 5)]],
            [[round(x - dx, 5), round(y + dy, 5)], [round(x + dx, 5), round(y - dy, 5)]]]


def _marks_and_names(geo: Geometry, props: list, hidden: list[bool], names: bool) -> tuple[list, list[pdk.Layer]]:
    """The strokes of an x on each suppressed area (for `_lines`) and, with `names`, the layer of area names."""
    marks, labels = [], []
    for (x, y), size, p, secret in zip(geo.label_points, geo.sizes, props, hidden):
        if p is None:
            continue
        if secret:
            marks.append((x, y))
        if names:
            labels.append({"p": [x, y], "t": p["n"], "size": size})
    zoom = view_for(geo).zoom
    labels = [{"p": label["p"], "t": label["t"]} for label in readable(labels, zoom)]
    layers = []
    if labels:
        layers.append(pdk.Layer("TextLayer", labels, id="namen", get_position="p", get_text="t", get_size=12, font_weight=600,
                                get_color=[20, 20, 20], get_pixel_offset=[0, 12],
                                font_family="`Liberation Sans, Arial, Helvetica, sans-serif`",
                                # the names' own letters (é, û, ...); backquotes: pydeck passes a quoted
                                # string on as it is, any other string (or list of them) becomes an expression
                                character_set="`" + "".join(sorted(set("".join(label["t"] for label in labels))
                                                                   - {"`"})) + "`",
                                font_settings={"sdf": True}, outline_width=0.25, outline_color=[255, 255, 255, 230],
                                pickable=False))
    return [cross(x, y, zoom) for x, y in marks], layers


def legend_classes(breaks: list[float], published, decimals: int) -> list[tuple[list[int], str]]:
    """(colour, label) of every value class that holds a published value, with the colour the map gives it.

    Bounds are the class breaks, clipped to the values; a class no value falls in is left out, and a class
    whose bounds read the same is labelled with that one value (one value, or all values equal, used to
    read "35,73 – 35,73" twice)."""
    vals = [float(x) for x in published if x is not None and not pd.isna(x)]
    if not vals:
        return []
    lo, hi = min(vals), max(vals)
    edges = [lo] + list(breaks) + [hi]
    held = {class_of(x, breaks) for x in vals} if breaks else {0}
    out = []
    for i in range(len(edges) - 1):
        if i not in held:
            continue
        a, b = fmt(max(edges[i], lo), decimals), fmt(min(edges[i + 1], hi), decimals)
        out.append((PALETTE[i] if breaks else PALETTE[2], a if a == b else f"{a} – {b}"))
    return out


def legend_html(breaks: list[float], published: pd.Series, unit: str, decimals: int) -> str:
    """Legend: the value classes with their bounds, then geheim and geen waarde."""
    def swatch(style: str) -> str:
        return (f"<span style='display:inline-block;width:18px;height:12px;margin-right:6px;"
                f"border:1px solid {SWATCH_BORDER};vertical-align:middle;{style}'></span>")
    items = []
    for color, label in legend_classes(breaks, published, decimals):
        items.append(swatch(f"background:rgb{tuple(color)}") + label)
    items.append(swatch(SUPPRESSED_SWATCH) + "x — geheim (onderdrukt)")
    items.append(swatch(f"background:rgb{tuple(MISSING_COLOR)}") + ". — geen waarde")
    body = "<br/>".join(items)
    return f"<div style='font-size:0.85rem;line-height:1.6'><b>{unit}</b> (klassen: kwintielen)<br/>{body}</div>"


# A big city receives from every gemeente: beyond the largest flows per direction the arcs only hide
# each other (the tables list them all).
MAX_ARCS = 20
OUT_COLOR, IN_COLOR = [217, 95, 2], [27, 94, 160]  # ColorBrewer Dark2 orange, a dark blue: apart for every CVD
FLOW_TOOLTIP = {"html": "{t}", "style": {"backgroundColor": "white", "color": "#222", "fontSize": "12px"}}


def flow_deck(geo: Geometry, gemeente: str, outgoing: pd.DataFrame, incoming: pd.DataFrame) -> pdk.Deck:
    """Arcs of the published flows between `gemeente` and other gemeenten (geo: every gemeente), on the
    outlines of the gemeenten involved. Outgoing (residents with an offence elsewhere) orange, incoming
    blue; width grows with the number. A suppressed flow draws no arc: it is in the table as x."""
    where = dict(zip(geo.codes, geo.label_points))
    name = dict(zip(geo.codes, geo.names))
    arcs = []
    for frame, direction in ((outgoing, "uit"), (incoming, "in")):
        published = frame[(frame["status"] == statuses.PUBLISHED) & frame["code"].isin(where)
                          & (frame["code"] != gemeente) & (frame["waarde"] > 0)].nlargest(MAX_ARCS, "waarde")
        for code, value in zip(published["code"], published["waarde"]):
            source, target = (gemeente, code) if direction == "uit" else (code, gemeente)
            arcs.append({"s": list(where[source]), "d": list(where[target]), "n": float(value),
                         "c": OUT_COLOR if direction == "uit" else IN_COLOR,
                         "t": f"{name[source]} → {name[target]}: {fmt(value, 0)} verdachten"})
    largest = max([a["n"] for a in arcs] + [1.0])
    for a in arcs:
        a["w"] = round(1.5 + 6 * math.sqrt(a.pop("n") / largest), 2)
    ends = {tuple(a[k]) for a in arcs for k in ("s", "d")}
    involved = {gemeente} | {c for c, p in where.items() if p in ends}
    shown = Geometry.from_shapes([(c, n, g) for c, n, g in zip(geo.codes, geo.names, geo.geoms) if c in involved])
    raw: list[str] = []
    props = [{"c": [225, 225, 225] if c != gemeente else [150, 150, 150]} for c in shown.codes]
    layers = [pdk.Layer("GeoJsonLayer", _collection(shown, props, raw), id="gemeenten", pickable=False, stroked=False,
                        filled=True, get_fill_color="properties.c"),
              *_lines([], raw, [], shown.segments("borders", LINE_COLOR, 0.5)),  # the borders, as on every map
              pdk.Layer("ArcLayer", arcs, id="stromen", pickable=True, get_source_position="s",
                        get_target_position="d", get_source_color="c", get_target_color="c", get_width="w",
                        get_height=0.12, get_tilt=90, great_circle=False)]  # tilted flat: a curve seen from above
    deck = CompactDeck(layers=layers, initial_view_state=view_for(shown), map_provider=None, map_style=None,
                       tooltip=FLOW_TOOLTIP, raw_geoms=raw)
    deck.map_style = NO_BASEMAP_STYLE
    return deck
