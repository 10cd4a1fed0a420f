"""The ONE place where Streamlit caching lives.

The Release is a cache_resource; every query result, reference computation and geometry is a
cache_data keyed on its arguments plus the release file's identity, so a rebuilt release (atomic
rename) is picked up without restarting the server.
"""
from __future__ import annotations

import json
import os

import pandas as pd
import streamlit as st

from zoo_core import catalogue, reference, stats
from zoo_core.queries import Release
from zoo_core.release import ReleaseError, release_path
from ui import maps, tables


@st.cache_resource(show_spinner=False)
def _release(path: str) -> Release:
    return Release(path)


def release() -> Release:
    return _release(str(release_path()))


def version() -> str:
    """Identity of the release file: part of every cache key. Raises ReleaseError when it is missing."""
    path = release_path()
    try:
        s = os.stat(path)
    except OSError:
        raise ReleaseError(f"De database {path} ontbreekt. Maak hem met: python -m zoo_core build") from None
    release().cursor().close()  # validates the file (ReleaseError when corrupt)
    return f"{path}:{s.st_ino}:{s.st_mtime_ns}:{s.st_size}"


@st.cache_data(show_spinner=False, max_entries=32)
def gemeenten(v: str) -> pd.DataFrame:
    """area_code, name, label (name, made unique with the code when two gemeenten share a name)."""
    g = release().gemeenten()
    dup = g["name"].duplicated(keep=False)
    g["label"] = g["name"].where(~dup, g["name"] + " (" + g["area_code"] + ")")
    return g.reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=32)
def info(v: str) -> dict:
    return release().info()


@st.cache_data(show_spinner=False, max_entries=256)
def years(v: str, indicator: str) -> list[int]:
    return release().years(indicator)


@st.cache_data(show_spinner=False, max_entries=256)
def is_demo(v: str, indicator: str, year: int | None) -> bool:
    return release().is_demo(indicator, year)


@st.cache_data(show_spinner=False, max_entries=512)
def sub_levels(v: str, gemeente: str) -> list[str]:
    """Levels below the gemeente that exist in the release for this gemeente."""
    rel = release()
    return [lvl for lvl in ("wijk", "buurt") if len(rel.areas(lvl, within=gemeente))]


@st.cache_data(show_spinner=False, max_entries=64)
def areas(v: str, level: str, within: str | None) -> pd.DataFrame:
    return release().areas(level, within=within)


@st.cache_data(show_spinner=False, max_entries=512)
def group(v: str, code: str, gemeente: str, level: str, picked: tuple[str, ...]) -> reference.Group:
    return reference.build_group(release(), code, gemeente, level, picked)


@st.cache_data(show_spinner=False, max_entries=512)
def view_table(v: str, indicator: str, year: int, level: str, gemeente: str, sbi: str, ref_code: str,
               picked: tuple[str, ...]) -> tuple[pd.DataFrame, reference.Reference, pd.DataFrame]:
    """Published values of one view with reference, deviation and significance, plus the ranking."""
    rel = release()
    ind = catalogue.get(indicator)
    grp = group(v, ref_code, gemeente, level, picked)
    within = None if level == "gemeente" else gemeente
    ref = reference.reference_for(rel, ind, year, sbi, grp)
    frame = reference.with_denominator(rel, ind, year, level, within, sbi)
    frame = stats.compare(frame, ind.kind, ind.per, ref.value)
    return frame, ref, tables.ranking(frame, ind.decimals)


@st.cache_data(show_spinner=False, max_entries=512)
def trend(v: str, indicator: str, sbi: str, area_code: str, ref_code: str, gemeente: str, level: str,
          picked: tuple[str, ...]) -> pd.DataFrame:
    """One area over all years next to its reference: year, value, status, reference."""
    rel = release()
    ind = catalogue.get(indicator)
    grp = group(v, ref_code, gemeente, level, picked)
    ys = rel.years(indicator)
    own = rel.cells_for_areas(indicator, [area_code], sbi=sbi)[["year", "value", "status"]]
    own = pd.DataFrame({"year": ys}).merge(own, on="year", how="left")
    own["status"] = own["status"].fillna("missing")
    own.loc[own["status"] != "published", "value"] = None
    ref = reference.reference_trend(rel, ind, sbi, grp, ys)
    return own.merge(ref, on="year", how="left")


@st.cache_data(show_spinner=False, max_entries=512)
def trend_spec(v: str, indicator: str, sbi: str, area_code: str, area_name: str, ref_code: str, gemeente: str,
               level: str, picked: tuple[str, ...]) -> dict:
    """The Vega-Lite spec of the trend chart (built with Altair once, then served from cache)."""
    from ui import charts
    ind = catalogue.get(indicator)
    grp = group(v, ref_code, gemeente, level, picked)
    tr = trend(v, indicator, sbi, area_code, ref_code, gemeente, level, picked)
    return charts.trend_chart(charts.trend_frame(tr, area_name, grp.label, ind.decimals), ind.unit).to_dict()


@st.cache_resource(show_spinner=False, max_entries=64)
def geometry(v: str, level: str, within: str | None) -> "maps.Geometry":
    """Shapes of a level as stored (compact GeoJSON strings) plus their bounding box; read-only, shared."""
    a = areas(v, level, within)
    shapes = release().shapes(list(a["area_code"]))
    return maps.Geometry.from_shapes([(c, n, shapes[c]) for c, n in zip(a["area_code"], a["name"]) if c in shapes])


@st.cache_data(show_spinner=False, max_entries=32)
def suppression_report(v: str) -> pd.DataFrame:
    return release().suppression_report()


@st.cache_data(show_spinner=False, max_entries=128)
def downloads(v: str, key: tuple, _table: pd.DataFrame) -> tuple[bytes, bytes]:
    return tables.to_csv(_table), tables.to_excel(_table)
