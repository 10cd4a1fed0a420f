"""The ONE place where Streamlit caching lives.

The Release is a cache_resource; every query result, reference computation and geometry is a
cache_data keyed on its arguments plus the release file's identity, so a rebuilt release (atomic
rename) is picked up without restarting the server.
"""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from zoo_core import breakdown, catalogue, flows, reference, stats
from zoo_core.queries import Release
from zoo_core.release import ReleaseError, rebuild_command, release_path
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
        raise ReleaseError(f"De database {path} ontbreekt. Maak hem met: {rebuild_command()}", "ontbreekt") from None
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
    frame = stats.compare(frame, ind.kind, ind.per, ref.value, ind.unit_type)
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
               level: str, picked: tuple[str, ...]) -> tuple[dict, pd.DataFrame]:
    """The Vega-Lite spec of the trend chart (built with Altair once, then served from cache) and the
    same series as a table (the chart's text alternative)."""
    from ui import charts
    ind = catalogue.get(indicator)
    grp = group(v, ref_code, gemeente, level, picked)
    tr = trend(v, indicator, sbi, area_code, ref_code, gemeente, level, picked)
    frame = charts.trend_frame(tr, area_name, grp.label, ind.decimals)
    text = (f"Lijngrafiek: {ind.name} ({ind.unit}) van {area_name} per jaar, met {charts.REF_PREFIX.lower()}"
            f"{grp.label}. De waarden staan in de tabel bij de grafiek.")
    return charts.described(charts.trend_chart(frame, ind.unit), text).to_dict(), charts.trend_table(frame)


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
def csv_download(v: str, key: tuple, _table: pd.DataFrame) -> bytes:
    """CSV bytes of a view's export (`key` names the view). Excel is not made here: writing it costs
    ~1 s for all wijken, so pages hand the download button a callable that runs only on a click."""
    return tables.to_csv(_table)


# --- gemeente profile (pages/profiel.py) ---------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=128)
def profile(v: str, gemeente: str, ref_code: str, picked: tuple[str, ...]):
    """zoo_core.profile.Profile of one gemeente against one reference group."""
    from zoo_core import profile as prof
    return prof.build_profile(release(), gemeente, ref_code, picked)


@st.cache_data(show_spinner=False, max_entries=128)
def profile_wijken(v: str, gemeente: str, keys: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    from zoo_core import profile as prof
    return prof.wijk_trends(release(), gemeente, list(keys))


@st.cache_data(show_spinner=False, max_entries=64)
def profile_report(v: str, gemeente: str, ref_code: str, picked: tuple[str, ...], keys: tuple) -> bytes:
    """The self-contained HTML report (bytes) of a profile."""
    from zoo_core import profile as prof, report
    p = profile(v, gemeente, ref_code, picked)
    wt = prof.wijk_table(profile_wijken(v, gemeente, keys))
    return report.build_report(p, prof.sentences(p), wijk_table=wt).encode("utf-8")


# --- combine page ---------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=4)
def _aggregator(path: str, v: str):
    from zoo_core.combine import Aggregator
    return Aggregator(path)


def aggregator(v: str):
    """Derived totals of the current release, from its published cells only."""
    return _aggregator(str(release_path()), v)


@st.cache_data(show_spinner=False, max_entries=128)
def combine_pairs(v: str, x: str, sbi_x: str, y: str, sbi_y: str, year: int, scope: str, gemeente: str | None):
    """Published X/Y pairs of a scope with bivariate classes: (frame, x tertile breaks, y tertile breaks)."""
    from zoo_core import combine
    frame = combine.pair_frame(release(), x, sbi_x, y, sbi_y, year, scope, gemeente)
    return combine.bivariate(frame)


@st.cache_data(show_spinner=False, max_entries=128)
def combine_scatter_spec(v: str, x: str, sbi_x: str, y: str, sbi_y: str, year: int, scope: str,
                         gemeente: str | None, x_title: str, y_title: str, log: bool = False) -> dict:
    """Vega-Lite spec of the combine scatter (Altair's schema validation costs ~100 ms; once per view)."""
    from ui import charts
    from zoo_core import combine
    frame, _, _ = combine_pairs(v, x, sbi_x, y, sbi_y, year, scope, gemeente)
    highlight = set() if combine.SCOPES[scope][1] else {gemeente}
    text = (f"Spreidingsdiagram: per gebied {x_title} tegen {y_title}. De waarden per gebied staan in de "
            "gecombineerde tabel onder de kaart; selecteren kan ook met de lijst 'Gebieden selecteren'.")
    return charts.described(charts.combine_scatter(frame, x_title, y_title, highlight, log), text).to_dict()


@st.cache_data(show_spinner=False, max_entries=128)
def combine_class_totals(v: str, x: str, sbi_x: str, y: str, sbi_y: str, year: int, scope: str,
                         gemeente: str | None) -> pd.DataFrame:
    """X and Y totals per bivariate class, derived from published cells only (a function of the release)."""
    frame, _, _ = combine_pairs(v, x, sbi_x, y, sbi_y, year, scope, gemeente)
    return aggregator(v).class_totals(frame, x, sbi_x, y, sbi_y, year)


@st.cache_data(show_spinner=False, max_entries=256)
def breakdown_view(v: str, indicator: str, year: int, gemeente: str, ref_code: str,
                   picked: tuple[str, ...]) -> tuple[pd.DataFrame, str, str]:
    """The classes of a gemeente against its reference group: (frame, note, group label)."""
    grp = group(v, ref_code, gemeente, "gemeente", picked)
    frame, note = breakdown.view(release(), catalogue.get(indicator), year, gemeente, grp)
    return frame, note, grp.label


@st.cache_data(show_spinner=False, max_entries=256)
def flow_view(v: str, code: str, gemeente: str, year: int) -> flows.FlowView:
    """The published flows from and to a gemeente in a year."""
    names = dict(zip(gemeenten(v)["area_code"], gemeenten(v)["label"]))
    return flows.view(release(), catalogue.FLOWS[code], gemeente, year, names)


@st.cache_data(show_spinner=False)
def flow_years(v: str, code: str) -> list[int]:
    return release().flow_years(code)
