"""Areas, their hierarchy and their shapes, from the open CBS/Kadaster data in data/open.

Codes: land NL01; provincies PV20-PV31 (CBS); RIEC regions RR01-RR10 (ours, sorted by name);
gemeenten GMxxxx, wijken WKxxxxxx, buurten BUxxxxxxxx (CBS, gebiedsindeling 2024).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

OPEN_DATA = Path(__file__).resolve().parent.parent / "data" / "open"
LAND_CODE = "NL01"
CBS_SECRET = (-99995, -99997)

AREA_COLUMNS = ["area_code", "level", "name", "parent_code", "gemeente_code", "provincie_code", "riec_code"]


def _regions(open_data: Path) -> pd.DataFrame:
    regions = pd.read_csv(open_data / "gemeente_regio_indeling_2024_DERIVED.csv", dtype=str)
    riec_names = sorted(regions["riec_regio"].unique())
    riec_codes = {name: f"RR{i + 1:02d}" for i, name in enumerate(riec_names)}
    regions["riec_code"] = regions["riec_regio"].map(riec_codes)
    return regions


def load_areas(open_data: Path = OPEN_DATA) -> pd.DataFrame:
    """All areas of every level in one frame with AREA_COLUMNS, ordered from land down to buurt."""
    regions = _regions(open_data)
    wijken = pd.read_parquet(open_data / "kwb_2024_wijk.parquet", columns=["wijkcode", "wijknaam", "gemeentecode"])
    buurten = pd.read_parquet(open_data / "kwb_2024_buurt_rijnmond_PARTIAL.parquet",
                              columns=["buurtcode", "buurtnaam", "wijkcode", "gemeentecode"])
    gem = regions.set_index("gemeentecode")

    rows = [(LAND_CODE, "land", "Nederland", None, None, None, None)]
    for code, name in sorted(set(zip(regions["provinciecode"], regions["provincienaam"]))):
        rows.append((code, "provincie", name, LAND_CODE, None, code, None))
    for code, name in sorted(set(zip(regions["riec_code"], regions["riec_regio"]))):
        rows.append((code, "riec", name, LAND_CODE, None, None, code))
    for code, r in gem.sort_index().iterrows():
        rows.append((code, "gemeente", r["gemeentenaam"], r["provinciecode"], code, r["provinciecode"], r["riec_code"]))
    for w in wijken.sort_values("wijkcode").itertuples():
        g = gem.loc[w.gemeentecode]
        rows.append((w.wijkcode, "wijk", w.wijknaam, w.gemeentecode, w.gemeentecode, g["provinciecode"], g["riec_code"]))
    for b in buurten.sort_values("buurtcode").itertuples():
        g = gem.loc[b.gemeentecode]
        rows.append((b.buurtcode, "buurt", b.buurtnaam, b.wijkcode, b.gemeentecode, g["provinciecode"], g["riec_code"]))
    return pd.DataFrame(rows, columns=AREA_COLUMNS)


@dataclass(frozen=True)
class Hierarchy:
    """Index-based view of the areas for vectorised aggregation and disclosure relations."""
    areas: pd.DataFrame                     # AREA_COLUMNS, row i is cell i
    index: dict[str, int]

    @classmethod
    def from_areas(cls, areas: pd.DataFrame) -> "Hierarchy":
        areas = areas.reset_index(drop=True)
        return cls(areas, {c: i for i, c in enumerate(areas["area_code"])})

    def relations(self) -> list[tuple[int, np.ndarray]]:
        """Every published additive relation: total == sum of members."""
        a = self.areas
        rels: list[tuple[int, np.ndarray]] = []
        def add(total_code: str, member_codes) -> None:
            members = np.array([self.index[c] for c in member_codes], dtype=np.int64)
            if len(members):
                rels.append((self.index[total_code], members))
        gem = a[a["level"] == "gemeente"]
        add(LAND_CODE, a.loc[a["level"] == "provincie", "area_code"])
        add(LAND_CODE, a.loc[a["level"] == "riec", "area_code"])
        for code, members in gem.groupby("provincie_code")["area_code"]:
            add(code, members)
        for code, members in gem.groupby("riec_code")["area_code"]:
            add(code, members)
        for level in ("wijk", "buurt"):
            for parent, members in a[a["level"] == level].groupby("parent_code")["area_code"]:
                add(parent, members)
        return rels


def finest_areas(areas: pd.DataFrame) -> pd.DataFrame:
    """The areas demo figures are generated on: buurten where they exist, wijken elsewhere."""
    split_wijken = set(areas.loc[areas["level"] == "buurt", "parent_code"])
    is_finest = (areas["level"] == "buurt") | ((areas["level"] == "wijk") & ~areas["area_code"].isin(split_wijken))
    return areas[is_finest].reset_index(drop=True)


# --- Real context figures (CBS Kerncijfers wijken en buurten 2024) --------------------------------

def _clean(series: pd.Series) -> pd.Series:
    """CBS writes -99995/-99997 for secret or unavailable: that is missing, never a number."""
    s = pd.to_numeric(series, errors="coerce").astype("float64")
    return s.mask(s.isin(CBS_SECRET) | (s < 0))


def load_kerncijfers(open_data: Path = OPEN_DATA) -> pd.DataFrame:
    """Real context values per gemeente, wijk and buurt: one row per area, context columns."""
    frames = []
    for _level, file, code_col in [("gemeente", "kwb_2024_gemeente.parquet", "gemeentecode"),
                                  ("wijk", "kwb_2024_wijk.parquet", "wijkcode"),
                                  ("buurt", "kwb_2024_buurt_rijnmond_PARTIAL.parquet", "buurtcode")]:
        d = pd.read_parquet(open_data / file)
        inwoners = _clean(d["aantal_inwoners"])
        f = pd.DataFrame({
            "area_code": d[code_col].astype(str),
            "ctx_inwoners": inwoners,
            "ctx_woningvoorraad": _clean(d["woningvoorraad"]),
            "ctx_jongeren": (inwoners * _clean(d["percentage_personen_15_tot_25_jaar"]) / 100).round(),
            "ctx_bedrijfsvestigingen": _clean(d["aantal_bedrijfsvestigingen"]),
            "ctx_vestigingen_handel_horeca": _clean(d["aantal_bedrijven_handel_en_horeca"]),
            "ctx_vestigingen_cultuur_overig": _clean(d["aantal_bedrijven_cultuur_recreatie_overige"]),
            "ctx_woz": _clean(d["gemiddelde_woningwaarde"]),
            "ctx_inkomen": _clean(d["GemiddeldInkomenPerInwoner_78"]) if "GemiddeldInkomenPerInwoner_78" in d else np.nan,
            "ctx_koopwoningen_pct": _clean(d["percentage_koopwoningen"]),
            "ctx_stedelijkheid": _clean(d["stedelijkheid_adressen_per_km2"]),
            "adresdichtheid": _clean(d["omgevingsadressendichtheid"]),
            "oppervlakte_land_ha": _clean(d["oppervlakte_land_in_ha"]) if "oppervlakte_land_in_ha" in d else np.nan,
        })
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


# --- Shapes ---------------------------------------------------------------------------------------

def _round_coords(coords, ndigits: int):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], ndigits), round(coords[1], ndigits)]
    return [_round_coords(c, ndigits) for c in coords]


def load_shapes(areas: pd.DataFrame, open_data: Path = OPEN_DATA, ndigits: int = 4) -> pd.DataFrame:
    """GeoJSON geometry per area (area_code, geometry as a JSON string), coordinates rounded to ~10 m.

    Provincies, RIEC regions and the land are dissolved from the gemeenten.
    """
    import shapely
    from shapely.geometry import mapping, shape

    rows = []
    gemeente_geoms = {}
    national: dict[str, str] = {}
    for file, code_prop in [("gemeente_2024.geojson", "gemeentecode"), ("wijk_2024.geojson", "wijkcode"),
                            ("buurt_2024_rijnmond_PARTIAL.geojson", "buurtcode")]:
        features = json.loads((open_data / file).read_text(encoding="utf-8"))["features"]
        for f in features:
            code = f["properties"][code_prop]
            geom = f["geometry"]
            if code_prop == "gemeentecode":
                gemeente_geoms[code] = shape(geom)
            rows.append((code, json.dumps({"type": geom["type"], "coordinates": _round_coords(geom["coordinates"], ndigits)},
                                          separators=(",", ":"))))
        if code_prop != "buurtcode":  # the levels of the national maps
            national.update(national_geometry([f["properties"][code_prop] for f in features],
                                              [shape(f["geometry"]) for f in features], ndigits,
                                              NATIONAL_TOLERANCE["wijk" if code_prop == "wijkcode" else "gemeente"]))
    gem = areas[areas["level"] == "gemeente"]
    for col in ("provincie_code", "riec_code"):
        for code, members in gem.groupby(col)["area_code"]:
            merged = shapely.union_all([gemeente_geoms[m].buffer(0.0005) for m in members]).buffer(-0.0005)
            for tolerance, target in ((0.002, None), (NATIONAL_TOLERANCE["provincie"], national)):  # the national maps' outlines coarser
                g = mapping(shapely.simplify(merged, tolerance))
                text = json.dumps({"type": g["type"], "coordinates": _round_coords(g["coordinates"], ndigits)},
                                  separators=(",", ":"))
                if target is None:
                    rows.append((code, text))
                else:
                    target[code] = text
    shapes = pd.DataFrame(rows, columns=["area_code", "geometry"])
    return shapes.assign(geometry_national=[national.get(c, g) for c, g in zip(shapes["area_code"], shapes["geometry"])])


# How far a national map's borders may move: about half a pixel for gemeenten and provincies, a third for wijken,
# at the zoom that shows the whole land (deck.gl zoom ~6.3, ~0.009 degrees per pixel); a map of one gemeente's
# areas uses the full detail. The gemeente map draws its borders, and each point costs paint time in software
# WebGL (0.003 drew 15.2k border points on it, 0.005 12.3k); the national wijk map draws no borders between
# its wijken, and at 0.005 their overlaps grew (0.19 % of the land against 0.1 % allowed).
NATIONAL_TOLERANCE = {"gemeente": 0.005, "provincie": 0.005, "wijk": 0.003}


def national_geometry(codes: list[str], geoms: list, ndigits: int = 4, tolerance: float = NATIONAL_TOLERANCE["gemeente"]
                      ) -> dict[str, str]:
    """The geometry of the national maps (all gemeenten, all wijken): one level simplified as one
    coverage (shapely.coverage_simplify), so neighbours keep their shared borders, with fewer points
    to send and draw. Provincies and RIEC regions are simplified when they are dissolved (coarser for the national maps)."""
    import shapely
    from shapely.geometry import mapping

    simple = shapely.coverage_simplify(geoms, tolerance)
    return {code: json.dumps({"type": g["type"], "coordinates": _round_coords(g["coordinates"], ndigits)},
                             separators=(",", ":")) for code, g in zip(codes, map(mapping, simple))}


def rings(geometry: str) -> list[list]:
    """The rings (point lists, as stored) of a compact GeoJSON Polygon or MultiPolygon."""
    g = json.loads(geometry)
    polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def borders(geometries, reach: float | None = None) -> list[list]:
    """Every border of a set of areas once, as point lists (paths): a border that two neighbours share (the
    same points in both, as in a coverage) is drawn once instead of once per side. Map lines cost their
    points in headless Chromium's software WebGL (measured on the national gemeente map: 2.3 s of GPU
    process time for the outlines of every gemeente), and half of the points of a map whose areas each
    draw their own outline lie on a border drawn twice.

    With `reach` (degrees, about a pixel of the map), an edge of one area whose middle no other area of the
    set comes within `reach` of is left out: it borders the background (the sea, a lake, the land's edge),
    where the map's white border line is white on white. An edge along a narrow river or along a border
    that the neighbours do not share point for point stays, so neighbours of one colour keep their line.
    On the national gemeente map a fifth of the segments go."""
    geometries = list(geometries)
    area_rings = [rings(text) for text in geometries]  # parsed once, walked twice
    owners: dict[tuple, list[int]] = {}  # segment -> the areas whose rings have it
    for i, ring_list in enumerate(area_rings):
        for ring in ring_list:
            for a, b in zip(ring, ring[1:]):
                owners.setdefault(_segment_key(a, b), []).append(i)
    outside = _far_from_the_others(geometries, owners, reach) if reach else set()
    seen: set[tuple] = set()
    paths: list[list] = []
    for ring_list in area_rings:
        for ring in ring_list:
            run: list = []
            for a, b in zip(ring, ring[1:]):
                key = _segment_key(a, b)
                if key in seen or key in outside:  # drawn already by the neighbour, or white on white
                    if len(run) > 1:
                        paths.append(run)
                    run = []
                    continue
                seen.add(key)
                if not run:
                    run = [a]
                run.append(b)
            if len(run) > 1:
                paths.append(run)
    return paths


def _segment_key(a, b) -> tuple:
    """A segment the same whichever way a ring runs along it."""
    return (tuple(a), tuple(b)) if a <= b else (tuple(b), tuple(a))


def _far_from_the_others(geometries: list[str], owners: dict[tuple, list[int]], reach: float) -> set[tuple]:
    """The segments of one area only (`owners`) whose middle no other area comes within `reach` of (the
    middle, not the whole segment: a coast's first segment touches the neighbour at its end)."""
    import shapely

    lonely = [(key, areas[0]) for key, areas in owners.items() if len(areas) == 1]
    if not lonely:
        return set()
    middles = shapely.points([((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for (a, b), _ in lonely])
    near_segment, near_area = shapely.STRtree(shapely.from_geojson(geometries)).query(
        middles, predicate="dwithin", distance=reach)
    by_another = {int(s) for s, area in zip(near_segment, near_area) if area != lonely[s][1]}
    return {key for i, (key, _) in enumerate(lonely) if i not in by_another}


def gemeente_points(open_data: Path = OPEN_DATA) -> pd.DataFrame:
    """A point inside each gemeente (lon, lat; shapely's representative point, not the centroid, which
    can fall outside a bent gemeente): where a flow arc starts or ends."""
    from shapely.geometry import shape

    features = json.loads((open_data / "gemeente_2024.geojson").read_text(encoding="utf-8"))["features"]
    points = [shape(f["geometry"]).representative_point() for f in features]
    return pd.DataFrame({"area_code": [f["properties"]["gemeentecode"] for f in features],
                         "lon": [p.x for p in points], "lat": [p.y for p in points]})


def gemeente_neighbours(open_data: Path = OPEN_DATA) -> pd.DataFrame:
    """Pairs of gemeenten that share a border (with a small tolerance for simplification gaps)."""
    import shapely
    from shapely.geometry import shape

    features = json.loads((open_data / "gemeente_2024.geojson").read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["gemeentecode"] for f in features]
    geoms = [shape(f["geometry"]).buffer(0.002) for f in features]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = {(codes[a], codes[b]) for a, b in zip(left, right) if a != b}
    return pd.DataFrame(sorted(pairs), columns=["gemeente_code", "neighbour_code"])
