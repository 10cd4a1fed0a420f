"""A synthetic national buurt division, to test build and pages at full scale (~15,000 buurten).

Open data has real buurten only for Rijnmond. For a scale test every other wijk (one without buurten)
is split into 4-5 synthetic buurten: code BU + the wijk's 6 digits + 2 digits, name "<wijk> deel N".
Additive context figures (inwoners, woningen, ...) are split with deterministic random weights so they
sum exactly to the wijk's; averages and classes (WOZ, inkomen, stedelijkheid) are copied from the wijk.
Geometry: the wijk polygon cut into vertical strips of its bounding box. Not real data: never publish
a release built from this (`python -m zoo_core build --scale` marks it in release_info).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import geography

ADDITIVE = ["ctx_inwoners", "ctx_woningvoorraad", "ctx_jongeren", "ctx_bedrijfsvestigingen",
            "ctx_vestigingen_handel_horeca", "ctx_vestigingen_cultuur_overig"]
MIN_PARTS, MAX_PARTS = 4, 5
SCALE_SEED = 2024


@dataclass(frozen=True)
class ScaleDivision:
    areas: pd.DataFrame        # geography.AREA_COLUMNS, land down to buurt
    kerncijfers: pd.DataFrame  # as geography.load_kerncijfers, plus the synthetic buurten
    shapes: pd.DataFrame       # as geography.load_shapes, plus the synthetic buurten


def split_integers(totals: np.ndarray, groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split totals[g] over the parts i with groups[i] == g, by weights, into integers that sum exactly
    to the total (largest remainder). groups must be sorted. A missing total stays missing in every part."""
    wsum = np.bincount(groups, weights)
    total = totals[groups]
    exact = np.nan_to_num(total) * weights / wsum[groups]
    parts = np.floor(exact)
    short = np.rint(np.nan_to_num(totals) - np.bincount(groups, parts, minlength=len(totals))).astype(np.int64)
    order = np.lexsort((-(exact - parts), groups))            # per group, largest remainder first
    starts = np.searchsorted(groups, groups[order])           # groups sorted: first index of each group
    rank = np.arange(len(groups)) - starts
    parts[order[rank < short[groups[order]]]] += 1
    return np.where(np.isnan(total), np.nan, parts)


def _strips(geom, n: int) -> list:
    """Cut a (multi)polygon into n vertical strips of its bounding box (equal widths)."""
    from shapely.geometry import box
    minx, miny, maxx, maxy = geom.bounds
    edges = np.linspace(minx, maxx, n + 1)
    out = []
    for i in range(n):
        part = geom.intersection(box(edges[i], miny, edges[i + 1], maxy))
        if part.is_empty or part.geom_type not in ("Polygon", "MultiPolygon"):
            # a strip in a gap of a multipolygon: a small square around a point of the wijk instead
            part = geom.representative_point().buffer(0.0005 * (i + 1), cap_style="square").intersection(geom)
        out.append(part)
    return out


def synthetic_buurten(areas: pd.DataFrame, kerncijfers: pd.DataFrame, wijk_geoms: dict | None = None,
                      seed: int = SCALE_SEED) -> tuple[pd.DataFrame, pd.DataFrame, list[tuple[str, object]]]:
    """(area rows, kerncijfers rows, [(code, shapely geometry)]) of the synthetic buurten of every wijk
    without buurten. Geometry only when wijk_geoms (wijk code -> shapely geometry) is given."""
    split = set(areas.loc[areas["level"] == "buurt", "parent_code"])
    wijken = areas[(areas["level"] == "wijk") & ~areas["area_code"].isin(split)].sort_values("area_code")
    rng = np.random.default_rng(seed)
    n = rng.integers(MIN_PARTS, MAX_PARTS + 1, len(wijken))
    groups = np.repeat(np.arange(len(wijken)), n)
    part = np.arange(len(groups)) - np.repeat(np.cumsum(n) - n, n) + 1
    weights = rng.uniform(0.5, 1.5, len(groups))
    parent = wijken.iloc[groups]
    codes = [f"BU{w[2:]}{i:02d}" for w, i in zip(parent["area_code"], part)]
    area_frame = pd.DataFrame({"area_code": codes, "level": "buurt",
                               "name": [f"{w} deel {i}" for w, i in zip(parent["name"], part)],
                               "parent_code": parent["area_code"].to_numpy(),
                               **{c: parent[c].to_numpy() for c in geography.AREA_COLUMNS[4:]}})
    own = kerncijfers.drop_duplicates("area_code").set_index("area_code").reindex(wijken["area_code"])
    k_frame = own.iloc[groups].reset_index(drop=True)                # averages and classes: the wijk's
    for c in ADDITIVE:
        k_frame[c] = split_integers(own[c].to_numpy(dtype=float), groups, weights)
    k_frame.insert(0, "area_code", codes)
    geoms = []
    if wijk_geoms is not None:
        for i, w in enumerate(wijken["area_code"]):
            if w in wijk_geoms:
                geoms += list(zip(codes[groups.searchsorted(i):groups.searchsorted(i) + n[i]],
                                  _strips(wijk_geoms[w], int(n[i]))))
    return area_frame, k_frame, geoms


def national_buurten(seed: int = SCALE_SEED, open_data=geography.OPEN_DATA) -> ScaleDivision:
    """The real areas (Rijnmond buurten kept) plus synthetic buurten for every other wijk."""
    from shapely.geometry import mapping, shape

    areas = geography.load_areas(open_data)
    kerncijfers = geography.load_kerncijfers(open_data)
    features = json.loads((open_data / "wijk_2024.geojson").read_text(encoding="utf-8"))["features"]
    wijk_geoms = {f["properties"]["wijkcode"]: shape(f["geometry"]) for f in features}
    new_areas, new_k, geoms = synthetic_buurten(areas, kerncijfers, wijk_geoms, seed)
    is_buurt = areas["level"] == "buurt"
    buurten = pd.concat([areas[is_buurt], new_areas]).sort_values("area_code")
    all_areas = pd.concat([areas[~is_buurt], buurten], ignore_index=True)
    shapes = geography.load_shapes(all_areas, open_data)
    extra = [(code, json.dumps({"type": (g := mapping(geom))["type"],
                                "coordinates": geography._round_coords(g["coordinates"], 4)}, separators=(",", ":")))
             for code, geom in geoms]
    shapes = pd.concat([shapes, pd.DataFrame(extra, columns=["area_code", "geometry"])], ignore_index=True)
    return ScaleDivision(all_areas, pd.concat([kerncijfers, new_k], ignore_index=True), shapes)
