"""The ONE place where Streamlit caching lives.

The Release is a cache_resource; every query result, reference computation and geometry is a
cache_data keyed on its arguments plus the release file's identity, so a rebuilt release (atomic
rename) is picked up without restarting the server.
"""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from zoo_core import breakdown, catalogue, flows, reference, stats, views
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


class _Choices:
    """views.Choices answered from the caches below: what a view parser may choose from."""

    def __init__(self, v: str):
        self._v = v

    def gemeenten(self) -> frozenset[str]:
        return frozenset(gemeenten(self._v)["area_code"])

    def years(self, indicator: str) -> list[int]:
        return years(self._v, indicator)

    def sub_levels(self, gemeente: str) -> list[str]:
        return sub_levels(self._v, gemeente)

    def area_codes(self, level: str | None, within: str | None) -> frozenset[str]:
        return frozenset(areas(self._v, level, within)["area_code"])


def choices(v: str) -> _Choices:
    return _Choices(v)


@st.cache_data(show_spinner=False, max_entries=512)
def sub_levels(v: str, gemeente: str) -> list[str]:
    """Levels below the gemeente that exist in the release for this gemeente."""
    return views.ReleaseChoices(release()).sub_levels(gemeente)


@st.cache_data(show_spinner=False, max_entries=64)
def areas(v: str, level: str, within: str | None) -> pd.DataFrame:
    return release().areas(level, within=within)


@st.cache_data(show_spinner=False, max_entries=512)
def group(v: str, code: str, gemeente: str, level: str, picked: tuple[str, ...]) -> reference.Group:
    return reference.build_group(release(), code, gemeente, level, picked)


@st.cache_data(show_spinner=False, max_entries=512)
def view_table(v: str, view: views.ThemeView) -> tuple[pd.DataFrame, reference.Reference, pd.DataFrame]:
    """Published values of one view with reference, deviation and significance, plus the ranking
    (pass `view.table_key`: the trend's area and the kenmerk do not change the table)."""
    rel = release()
    ind = catalogue.get(view.indicator)
    grp = group(v, view.ref, view.gemeente, view.level, view.kies)
    ref = reference.reference_for(rel, ind, view.year, view.sbi, grp)
    frame = reference.with_denominator(rel, ind, view.year, view.level, view.within, view.sbi)
    frame = stats.compare(frame, ind.kind, ind.per, ref.value, ind.unit_type)
    return frame, ref, tables.ranking(frame, ind.decimals)


def _trend(v: str, view: views.ThemeView) -> pd.DataFrame:
    """One area over all years next to its reference: year, value, status, reference."""
    rel = release()
    ind = catalogue.get(view.indicator)
    grp = group(v, view.ref, view.gemeente, view.level, view.kies)
    ys = rel.years(view.indicator)
    own = rel.cells_for_areas(view.indicator, [view.area], sbi=view.sbi)[["year", "value", "status"]]
    own = pd.DataFrame({"year": ys}).merge(own, on="year", how="left")
    own["status"] = own["status"].fillna("missing")
    own.loc[own["status"] != "published", "value"] = None
    ref = reference.reference_trend(rel, ind, view.sbi, grp, ys)
    return own.merge(ref, on="year", how="left")


@st.cache_data(show_spinner=False, max_entries=512)
def trend_spec(v: str, view: views.ThemeView, area_name: str) -> tuple[dict, pd.DataFrame]:
    """The Vega-Lite spec of the trend chart of `view.area` (built with Altair once, then served from
    cache) and the same series as a table (the chart's text alternative). Pass `view.trend_key`."""
    from ui import charts
    ind = catalogue.get(view.indicator)
    grp = group(v, view.ref, view.gemeente, view.level, view.kies)
    frame = charts.trend_frame(_trend(v, view), area_name, grp.label, ind.decimals)
    text = (f"Lijngrafiek: {ind.name} ({ind.unit}) van {area_name} per jaar, met {charts.REF_PREFIX.lower()}"
            f"{grp.label}. De waarden staan in de tabel bij de grafiek.")
    return charts.described(charts.trend_chart(frame, ind.unit), text).to_dict(), charts.trend_table(frame)


@st.cache_resource(show_spinner=False, max_entries=64)
def geometry(v: str, level: str, within: str | None) -> "maps.Geometry":
    """Shapes of a level as stored (compact GeoJSON strings) plus their bounding box; read-only, shared.
    Full detail: for maps that zoom in (one gemeente's areas, a gemeente and its neighbours)."""
    return _geometry(v, level, within, national=False)


@st.cache_resource(show_spinner=False, max_entries=8)
def national_geometry(v: str, level: str) -> "maps.Geometry":
    """All areas of a level in the coarser shapes of the national maps (geography.national_geometry):
    fewer points to send and draw where the whole land fills the map."""
    return _geometry(v, level, None, national=True)


def _geometry(v: str, level: str, within: str | None, national: bool) -> "maps.Geometry":
    a = areas(v, level, within)
    shapes = release().shapes(list(a["area_code"]), national=national)
    return maps.Geometry.from_shapes([(c, n, shapes[c]) for c, n in zip(a["area_code"], a["name"]) if c in shapes])


@st.cache_data(show_spinner=False, max_entries=32)
def suppression_report(v: str) -> pd.DataFrame:
    return release().suppression_report()


@st.cache_data(show_spinner=False, max_entries=128)
def csv_download(v: str, key, _table: pd.DataFrame) -> bytes:
    """CSV bytes of a view's export (`key`, a view object, names it). Excel is not made here: writing it costs
    ~1 s for all wijken, so pages hand the download button a callable that runs only on a click."""
    return tables.to_csv(_table)


# --- gemeente profile (pages/profiel.py) ---------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=128)
def profile(v: str, view: views.ProfileView):
    """zoo_core.profile.Profile of the view's gemeente against its reference group (pass `view.own_key`)."""
    from zoo_core import profile as prof
    return prof.build_profile(release(), view.gemeente, view.ref, view.kies)


@st.cache_data(show_spinner=False, max_entries=128)
def profile_wijken(v: str, gemeente: str, keys: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    from zoo_core import profile as prof
    return prof.wijk_trends(release(), gemeente, list(keys))


@st.cache_data(show_spinner=False, max_entries=128)
def profile_dot_spec(v: str, view: views.ProfileView) -> dict:
    """Vega-Lite spec of the profile's dot chart, built with Altair once per view. Pass `view.own_key`."""
    from ui import profile_page
    return profile_page.dot_chart_spec(profile(v, view))


@st.cache_data(show_spinner=False, max_entries=256)
def profile_wijk_spec(v: str, gemeente: str, keys: tuple[tuple[str, str], ...], key: str, gemeente_name: str) -> dict:
    """Vega-Lite spec of the wijk sparklines of indicator `key` (one of `keys`) in a gemeente."""
    from ui import profile_page
    trends = profile_wijken(v, gemeente, keys)
    return profile_page.wijk_chart_spec(trends[trends["key"] == key], gemeente_name)


@st.cache_data(show_spinner=False, max_entries=64)
def profile_report(v: str, view: views.ProfileView, keys: tuple) -> bytes:
    """The self-contained HTML report (bytes) of a profile."""
    from zoo_core import profile as prof, report
    p = profile(v, view)
    wt = prof.wijk_table(profile_wijken(v, view.gemeente, keys))
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
def combine_pairs(v: str, view: views.CombineView):
    """Published X/Y pairs of a scope with bivariate classes: (frame, x tertile breaks, y tertile breaks).
    Pass `view.pairs_key`."""
    from zoo_core import combine
    frame = combine.pair_frame(release(), view.x, view.sbi_x, view.y, view.sbi_y, view.year, view.scope, view.gemeente)
    return combine.bivariate(frame)


@st.cache_data(show_spinner=False, max_entries=128)
def combine_scatter_spec(v: str, view: views.CombineView, x_title: str, y_title: str) -> dict:
    """Vega-Lite spec of the combine scatter (Altair's schema validation costs ~100 ms; once per view).
    Pass the view without its selection (`view.spec_key`)."""
    from ui import charts
    from zoo_core import combine
    frame, _, _ = combine_pairs(v, view.pairs_key)
    highlight = set() if combine.SCOPES[view.scope][1] else {view.gemeente}
    text = (f"Spreidingsdiagram: per gebied {x_title} tegen {y_title}. De waarden per gebied staan in de "
            "gecombineerde tabel onder de kaart; selecteren kan ook met de lijst 'Gebieden selecteren'.")
    return charts.described(charts.combine_scatter(frame, x_title, y_title, highlight, view.log), text).to_dict()


@st.cache_data(show_spinner=False, max_entries=128)
def combine_class_totals(v: str, view: views.CombineView) -> pd.DataFrame:
    """X and Y totals per bivariate class, derived from published cells only (a function of the release).
    Pass `view.pairs_key`."""
    frame, _, _ = combine_pairs(v, view)
    return aggregator(v).class_totals(frame, view.x, view.sbi_x, view.y, view.sbi_y, view.year)


@st.cache_data(show_spinner=False, max_entries=256)
def breakdown_view(v: str, indicator: str, year: int, gemeente: str, ref_code: str,
                   picked: tuple[str, ...]) -> tuple[pd.DataFrame, str, str]:
    """The classes of a gemeente against its reference group: (frame, note, group label)."""
    grp = group(v, ref_code, gemeente, "gemeente", picked)
    frame, note = breakdown.view(release(), catalogue.get(indicator), year, gemeente, grp)
    return frame, note, grp.label


@st.cache_data(show_spinner=False, max_entries=256)
def breakdown_spec(v: str, indicator: str, year: int, gemeente: str, ref_code: str, picked: tuple[str, ...],
                   gemeente_name: str) -> dict:
    """Vega-Lite spec of the paired bars of `breakdown_view` (built with Altair once per view)."""
    from ui import charts
    frame, _, group_label = breakdown_view(v, indicator, year, gemeente, ref_code, picked)
    chart = charts.breakdown_chart(frame, gemeente_name, group_label)
    return charts.described(chart, f"Staafdiagram: {catalogue.get(indicator).name} in {gemeente_name} tegenover "
                                   f"{group_label}, per klasse; de waarden staan in de tabel eronder.").to_dict()


@st.cache_data(show_spinner=False, max_entries=256)
def flow_view(v: str, code: str, gemeente: str, year: int) -> flows.FlowView:
    """The published flows from and to a gemeente in a year."""
    names = dict(zip(gemeenten(v)["area_code"], gemeenten(v)["label"]))
    return flows.view(release(), catalogue.FLOWS[code], gemeente, year, names)


@st.cache_data(show_spinner=False)
def flow_years(v: str, code: str) -> list[int]:
    return release().flow_years(code)


# --- start-up ---------------------------------------------------------------------------------------

def warm() -> str:
    """Fill the caches that the default views read, before the server takes its first visitor (server.py
    calls this at start-up): the page modules, the release's lists, the maps' geometry and the tables of
    each page's default view. Without it the first visitor after a start waits ~2 s longer than the next.
    Returns what was done, for the server log; a missing or damaged release is left to the pages' message."""
    import time
    from ui import about, combine_page, home, profile_page, theme_page  # noqa: F401 - the import is the work
    from zoo_core import combine
    t0 = time.perf_counter()
    try:
        v = version()
    except ReleaseError as exc:
        return f"warm-up skipped: {exc}"
    gemeenten(v)
    info(v)
    ch = choices(v)
    for level in ("gemeente", "wijk", "provincie"):
        national_geometry(v, level)
    geometry(v, "gemeente", None)
    for theme in catalogue.demo_themes():
        view, _ = views.ThemeView.parse(theme, {}, ch, None)
        view_table(v, view.table_key)
    profile_dot_spec(v, views.ProfileView.parse({}, ch, None)[0].own_key)  # and the profile itself
    pairs = views.CombineView.parse({}, ch, None)[0]
    combine_pairs(v, pairs.pairs_key)
    if pairs.within is not None:  # the national scopes' maps are warmed above
        geometry(v, combine.scope_level(pairs.scope), pairs.within)
    return f"caches warmed in {time.perf_counter() - t0:.1f} s"
