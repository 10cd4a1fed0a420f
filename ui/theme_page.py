"""The one renderer behind every theme page: widgets in, zoo_core calls, map/table/chart out."""
from __future__ import annotations

import dataclasses
import functools

import streamlit as st

from zoo_core import catalogue, exchange, reference, stats, views
from ui import breakdown_view, cache, flow_view, maps, state, tables, widgets

LEVEL_LABELS = {"gemeente": "Alle gemeenten", "wijk": "Wijken van gemeente", "buurt": "Buurten van gemeente"}


def _init_state(theme: str, v: str, warnings: list[str]) -> None:
    """Set the widget state of this page from the view in the URL, once per visit."""
    k = lambda name: f"{theme}:{name}"  # noqa: E731
    if state.view_is_set(k("indicator")):
        return
    view, found = views.ThemeView.parse(theme, state.read_params(theme, views.PARAMS["theme"]), cache.choices(v),
                                        state.shared_gemeente())
    warnings.extend(found)
    if view.kenmerk:
        st.session_state[k("kenmerk")] = view.kenmerk
    st.session_state.update({k("gemeente"): view.gemeente, k("indicator"): view.indicator, k("year"): view.year,
                             k("sbi"): view.sbi, k("level"): view.level, k("ref"): view.ref, k("kies"): list(view.kies)})
    st.session_state[k("area_param")] = view.area
    state.set_shared_gemeente(view.gemeente)


def _level_changed(theme: str) -> None:
    """A reference group that was the old level's default becomes the new level's default, so a view has
    one default reference however it was reached (a link with level=wijk, or the Niveau box)."""
    k = lambda name: f"{theme}:{name}"  # noqa: E731
    old, new = st.session_state.get(k("level_shown")), st.session_state.get(k("level"))
    if old is not None and st.session_state.get(k("ref")) == reference.default_group(old):
        st.session_state[k("ref")] = reference.default_group(new)


def _keep_valid(key: str, options: list, default) -> None:
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


# A theme declared in the indicator file (ZOO_INDICATORS) has no page file of its own: one generic
# page file serves them all, registered once per theme (st.Page hashes the url_path, not the file).
DECLARED_PAGE = "pages/thema.py"
_CHOSEN = "thema:chosen"  # session state: the url_path of the page st.navigation chose in this run


def declared_pages() -> list:
    """app.py's navigation entries for the themes of the indicator file, in file order."""
    return [st.Page(DECLARED_PAGE, title=catalogue.THEMES[t], url_path=t) for t in catalogue.declared_themes()]


def remember_chosen(page) -> None:
    """app.py, after st.navigation: which page runs, so that pages/thema.py knows its theme."""
    st.session_state[_CHOSEN] = page.url_path


def render_declared() -> None:
    """pages/thema.py: the theme page of the declared theme the navigation chose."""
    theme = st.session_state.get(_CHOSEN)
    if theme not in catalogue.declared_themes():
        st.error("Deze pagina hoort bij een thema uit het indicatorbestand; kies een thema in het menu.")
        return
    render(theme)


@widgets.guarded
def render(theme: str) -> None:
    k = lambda name: f"{theme}:{name}"  # noqa: E731
    st.title(catalogue.THEMES[theme])
    v = cache.version()
    warnings: list[str] = []
    _init_state(theme, v, warnings)
    for w in warnings:
        st.warning(w)

    gem = cache.gemeenten(v)
    labels = dict(zip(gem["area_code"], gem["label"]))
    codes = [i.code for i in catalogue.for_theme(theme)]

    c1, c2, c3 = st.columns([3, 1, 2])
    with c1:
        indicator = st.selectbox("Indicator", codes, key=k("indicator"), format_func=lambda c: catalogue.get(c).name,
                                 placeholder=widgets.CHOOSE)
    ind = catalogue.get(indicator)
    years = cache.years(v, indicator)
    if not years:  # declared in the indicator file, but no cells in this release yet
        st.info(f"Voor '{ind.name}' staan nog geen cijfers in deze release. Een openbare tabel wordt ingelezen met "
                "`python -m zoo_core ingest`; vertrouwelijke basiscijfers komen erin met `python -m zoo_core build`.")
        return
    _keep_valid(k("year"), years, max(years))
    with c2:
        year = st.selectbox("Jaar", years, key=k("year"), placeholder=widgets.CHOOSE)
    with c3:
        gemeente = widgets.gemeente_select("Gemeente", labels, k("gemeente"))
    state.set_shared_gemeente(gemeente)

    c4, c5, c6 = st.columns([2, 2, 2])
    sbi = ""
    if ind.has_branches:
        _keep_valid(k("sbi"), list(ind.branches), ind.branches[0])
        with c4:
            sbi = st.selectbox("Branche", list(ind.branches), key=k("sbi"), format_func=catalogue.branch_name,
                               placeholder=widgets.CHOOSE)
    levels = views.theme_levels(cache.choices(v), ind, gemeente)
    _keep_valid(k("level"), levels, "gemeente")
    with c5:
        level = st.selectbox("Niveau", levels, key=k("level"), format_func=LEVEL_LABELS.get,
                             on_change=_level_changed, args=(theme,), placeholder=widgets.CHOOSE)
    st.session_state[k("level_shown")] = level
    groups = list(views.reference_groups(level))
    _keep_valid(k("ref"), groups, reference.default_group(level))
    with c6:
        ref_code = st.selectbox("Vergelijk met", groups, key=k("ref"), format_func=reference.GROUPS.get,
                                placeholder=widgets.CHOOSE)
    picked: tuple[str, ...] = ()
    if ref_code == "eigen":
        picked = tuple(st.multiselect("Gemeenten voor de vergelijking", list(labels), key=k("kies"),
                                      format_func=labels.get, max_selections=reference.MAX_PICKED,
                                      placeholder=widgets.CHOOSE_GEMEENTEN))

    demo = cache.is_demo(v, indicator, year)
    widgets.demo_banner(demo)
    widgets.area_division_note()

    view = views.ThemeView(theme, indicator, year, gemeente, level, sbi, ref_code, picked,
                           kenmerk=st.session_state.get(k("kenmerk"), ""))
    within = view.within
    grp = cache.group(v, ref_code, gemeente, level, picked)
    table, ref, ranked = cache.view_table(v, view.table_key)

    # --- area for the trend (the link's area was checked by the view; a click by the map) -------
    names = dict(zip(table["area_code"], table["name"]))
    default_area = gemeente if level == "gemeente" else (ranked["Code"].iloc[0] if len(ranked) else None)
    area_param = st.session_state.pop(k("area_param"), None)
    if area_param in names:
        st.session_state[k("area")] = area_param
    clicked = widgets.clicked_area(theme)
    if clicked in names:
        st.session_state[k("area")] = clicked
    _keep_valid(k("area"), list(names), default_area)
    view = dataclasses.replace(view, area=st.session_state[k("area")])
    shown_view = state.write_params(theme, view.to_params())

    widgets.share_link(theme, shown_view)

    # --- map + legend + definition ----------------------------------------------------------
    subtitle = f"{ind.name}, {year}" + (f", {catalogue.branch_name(sbi)}" if sbi else "")
    st.subheader(subtitle)
    st.caption(ref.note)
    left, right = st.columns([3, 1])
    with left:
        if level == "gemeente":  # the whole land
            geo = cache.national_geometry(v, "gemeente")
            outline, highlight = cache.national_geometry(v, "provincie"), geo.only(gemeente)
        else:
            geo, outline = cache.geometry(v, level, within), cache.geometry(v, "gemeente", None).only(gemeente)
            highlight = None
        deck, breaks = maps.choropleth(table, geo, outline, unit=ind.unit, decimals=ind.decimals,
                                       ref_label=grp.label, highlight=highlight)
        # Keyed by the geometry, not the figures: a new indicator or year updates the mounted map in place
        # (a new key would rebuild its WebGL context on every change).
        widgets.clickable_map(deck, theme, f"{level}:{within}", height=520)
        st.caption("Klik op een gebied om hieronder de ontwikkeling ervan te zien. " + widgets.MAP_AS_TABLE)
    with right:
        st.markdown(maps.legend_html(breaks, table.loc[table["status"] == "published", "value"], ind.unit,
                                     ind.decimals), unsafe_allow_html=True)
        st.markdown(f"**Definitie.** {ind.definition}\n\n**Eenheid:** {ind.unit}\n\n**Bron:** {ind.source}"
                    + (f"\n\n**Licentie:** {ind.licence}" if ind.licence else ""))
        if ind.caveat:
            st.caption(ind.caveat)
        if "signaal" not in ind.caveat:  # most catalogue caveats already say it
            st.caption(widgets.SIGNAL)

    # --- ranking ----------------------------------------------------------------------------
    st.markdown("#### Rangorde")
    n_sup = int((table["status"] == "suppressed").sum())
    if n_sup:
        st.caption(f"{n_sup} gebieden hebben een geheime (onderdrukte) waarde: x — geheim (onderdrukt).")
    styled, columns = tables.ranking_view(ranked, ind.decimals, ind.unit)
    # placeholder="": a cell without a value is empty (not "None"); Status says why (x / .)
    st.dataframe(styled, column_config=columns, hide_index=True, width="stretch", height=360, placeholder="")
    with st.expander("Methode: referentie en significantie"):
        st.markdown(stats.METHOD_TEXT)

    # --- trend ------------------------------------------------------------------------------
    st.markdown("#### Ontwikkeling door de jaren")
    area = st.selectbox("Gebied", list(names), key=k("area"), placeholder=widgets.CHOOSE, format_func=names.get)
    spec, trend_rows = cache.trend_spec(v, dataclasses.replace(view, area=area).trend_key, names[area])
    st.vega_lite_chart(spec, width="stretch")
    st.caption("Een x boven het jaar: waarde geheim (onderdrukt); de lijn is daar onderbroken.")
    with st.expander("De grafiek als tabel"):
        st.dataframe(trend_rows, hide_index=True, width="stretch", placeholder="")

    # --- kenmerken (breakdowns of the chosen gemeente) ------------------------------------------
    breakdown_view.render(view, v, labels.get(gemeente, gemeente))
    # --- woon- versus pleeggemeente (flows of the chosen gemeente) ------------------------------
    flow_view.render(theme, v, year, gemeente, labels.get(gemeente, gemeente))

    # --- downloads --------------------------------------------------------------------------
    meta = {"indicator": ind.name, "year": year, "sbi": sbi, "unit": ind.unit, "reference": grp.label,
            "source": ind.source + (" (DEMO)" if demo else "")}
    export = tables.export_frame(table, meta)
    csv_bytes = cache.csv_download(v, view.table_key, export)
    stem = f"zoo_{indicator}_{year}_{level}" + (f"_{within}" if within else "") + (f"_{sbi}" if sbi else "")
    d1, d2, d3 = st.columns(3)
    d1.download_button("Download CSV", csv_bytes, file_name=stem + ".csv", mime="text/csv", key=k("csv"))
    # ; and decimal comma with a BOM: opens in columns in Dutch Excel; made on click, like the Excel file
    d2.download_button("Download CSV (Excel NL)", functools.partial(exchange.csv_excel_nl, export),
                       file_name=stem + "_excel_nl.csv", mime="text/csv", key=k("csv_nl"),
                       help="Puntkomma als scheidingsteken en komma als decimaalteken, voor Nederlandse Excel")
    d3.download_button("Download Excel", functools.partial(tables.to_excel, export), file_name=stem + ".xlsx", key=k("xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
