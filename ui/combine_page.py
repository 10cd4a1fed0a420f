"""The "combine" page: two indicators side by side per area (scatter + bivariate map + summary).

Thin: widgets in, zoo_core.combine calls (through ui.cache), charts out. Only published pairs reach
the scatter; an area where X or Y is suppressed is its own "geheim" class on the map and is counted,
never placed. Every new total comes from the Aggregator, which derives it from published cells only
(exact, or the range they allow).
"""
from __future__ import annotations

import dataclasses
import functools

import pandas as pd
import pydeck as pdk
import streamlit as st

from zoo_core import catalogue, combine, exchange, numbers, statuses, views
from ui import cache, maps, state, tables, widgets

K = "combine:"
# 3x3 bivariate palette (Joshua Stevens), keyed 'bx-by'; 1 = low tertile, 3 = high tertile.
BIVARIATE = {
    "1-1": [232, 232, 232], "2-1": [228, 172, 172], "3-1": [200, 90, 90],
    "1-2": [176, 213, 223], "2-2": [173, 158, 165], "3-2": [152, 83, 86],
    "1-3": [100, 172, 190], "2-3": [98, 127, 140], "3-3": [87, 66, 73],
}
GEHEIM_COLOR = maps.SUPPRESSED_COLOR
MISSING_COLOR = [255, 255, 255]
BRUSH_COLOR = [20, 20, 160]  # dark blue on a white halo (maps._two_tone): visible on every class
RANGE_NOTE = ("Totalen worden alleen uit gepubliceerde cijfers afgeleid. Liggen ze daarmee vast, dan staat er "
              "één getal; anders het bereik dat de gepubliceerde cijfers toelaten (\"tussen ... en ...\"); "
              "x als ook dat bereik niet begrensd is.")
TOOLTIP = {"html": "<b>{n}</b><br/>X: {wx}<br/>Y: {wy}<br/>Klasse: {k}",
           "style": {"backgroundColor": "white", "color": "#222", "fontSize": "12px"}}


def indicator_label(code: str) -> str:
    ind = catalogue.get(code)
    return f"{ind.name} ({catalogue.THEMES[ind.theme].split(' (')[0]})"


def _init_state(v: str, warnings: list[str]) -> None:
    """Widget state from the view in the URL, once per visit."""
    if state.view_is_set(K + "x"):
        return
    view, found = views.CombineView.parse(state.read_params(K, views.PARAMS["combine"]), cache.choices(v),
                                          state.shared_gemeente())
    warnings.extend(found)
    st.session_state[K + "sel_param"] = list(view.sel)
    st.session_state.update({K + "x": view.x, K + "y": view.y, K + "sbi_x": view.sbi_x, K + "sbi_y": view.sbi_y,
                             K + "year": view.year, K + "scope": view.scope, K + "gemeente": view.gemeente,
                             K + "log": view.log})


def _combinable() -> list[str]:
    """Every indicator; a branche indicator or a breakdown (kenmerk) is combined one branche or class at a time."""
    return list(catalogue.INDICATORS)


def _indicator_choice(axis: str, codes: list[str], indicator_col, branch_col):
    """Indicator selectbox for one axis, plus a branche or class selectbox when the indicator has them."""
    with indicator_col:
        code = st.selectbox(f"Indicator {axis}", codes, key=K + axis.lower(), format_func=indicator_label,
                            placeholder=widgets.CHOOSE)
    ind = catalogue.get(code)
    sbi = ""
    if ind.categories:
        sbi_key = f"{K}sbi_{axis.lower()}"
        _keep_valid(sbi_key, list(ind.categories), ind.categories[0])
        with branch_col:
            sbi = st.selectbox(f"{ind.category_kind} {axis}", list(ind.categories), key=sbi_key,
                               format_func=ind.category_name, placeholder=widgets.CHOOSE)
    return code, ind, sbi


def _keep_valid(key: str, options: list, default) -> None:
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def brushed_codes(selection: dict | None, frame: pd.DataFrame) -> list[str]:
    """Area codes of the published pairs inside the brush ({'brush': {'x': [lo, hi], 'y': [lo, hi]}})."""
    brush = (selection or {}).get("brush") or {}
    pub = frame[frame["pair_status"] == "published"]
    if not brush:
        return []
    mask = pd.Series(True, index=pub.index)
    for col in ("x", "y"):
        rng = brush.get(col)
        if rng is not None:
            try:
                lo, hi = sorted(float(r) for r in rng)
            except (TypeError, ValueError):
                return []
            mask &= pub[col].between(lo, hi)
    return list(pub.loc[mask, "area_code"])


def _value_text(v, s, ind) -> str:
    return tables.value_text(v, s, ind.decimals, ind.unit)


def bivariate_deck(frame: pd.DataFrame, geo: maps.Geometry, ix, iy, brushed: set[str],
                   outline: maps.Geometry | None, names: bool = False) -> pdk.Deck:
    """names: write area names on the map (the wijken or buurten of one gemeente)."""
    rows = {r["area_code"]: r for r in frame[["area_code", "x", "x_status", "y", "y_status", "klasse"]].to_dict("records")}
    props = []
    for code, name in zip(geo.codes, geo.names):
        r = rows.get(code)
        if r is None:
            props.append(None)
            continue
        k = r["klasse"]
        color = BIVARIATE.get(k, GEHEIM_COLOR if k == combine.GEHEIM else MISSING_COLOR)
        label = {combine.GEHEIM: statuses.SUPPRESSED_STATUS.label,
                 combine.ONTBREEKT: statuses.MISSING_STATUS.label}.get(k, f"X {k[0]}/3, Y {k[2]}/3")
        props.append({"n": name, "wx": _value_text(r["x"], r["x_status"], ix), "wy": _value_text(r["y"], r["y_status"], iy),
                      "k": label, "c": color})
    highlight = None
    if brushed:
        highlight = maps.Geometry.from_shapes([(c, n, g) for c, n, g in zip(geo.codes, geo.names, geo.geoms)
                                               if c in brushed])
    hidden = [code in rows and rows[code]["klasse"] == combine.GEHEIM for code in geo.codes]
    return maps.area_deck(geo, props, tooltip=TOOLTIP, outline=outline, highlight=highlight, hidden=hidden,
                          line_color=[200, 200, 200], line_width=0.4, outline_width=1.0,
                          highlight_color=BRUSH_COLOR, highlight_width=2.5, names=names and len(geo.codes) <= maps.MAX_NAMED)


def _relative_luminance(color) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour [r, g, b] (0-255)."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in color]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_color_on(background) -> str:
    """Black or white, whichever contrasts more with the background: every class colour of the legend gets
    at least 4.5:1 (WCAG 1.4.3) for its count, where one dark grey fell to 1.7:1 on the darkest class."""
    luminance = _relative_luminance(background)
    return "#000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#fff"


def legend_html(x_name: str, y_name: str, bx: list[float], by: list[float], ix, iy, counts: dict) -> str:
    def cell(color, n):
        return (f"<td style='width:34px;height:26px;background:rgb{tuple(color)};border:1px solid #fff;"
                f"text-align:center;font-size:0.7rem;color:{text_color_on(color)}'>{n}</td>")
    rows = []
    for by_ in (3, 2, 1):
        rows.append("<tr>" + "".join(cell(BIVARIATE[f"{bx_}-{by_}"], counts.get(f"{bx_}-{by_}", 0))
                                     for bx_ in (1, 2, 3)) + "</tr>")
    fx = ", ".join(tables.fmt(b, ix.decimals) for b in bx) or "—"
    fy = ", ".join(tables.fmt(b, iy.decimals) for b in by) or "—"
    sup = maps.SUPPRESSED_SWATCH
    sw = "display:inline-block;width:18px;height:12px;margin-right:6px;border:1px solid #999;vertical-align:middle;"
    return (f"<div style='font-size:0.85rem;line-height:1.5'><b>Y ↑</b> {y_name}<table style='border-collapse:collapse'>"
            + "".join(rows) + f"</table><b>X →</b> {x_name}<br/>"
            f"<span style='color:#555'>Grenzen (tertielen) X: {fx}; Y: {fy}. Getal in het vak: aantal gebieden.</span><br/>"
            f"<span style='{sw}{sup}'></span>x — geheim: X of Y onderdrukt ({counts.get(combine.GEHEIM, 0)})<br/>"
            f"<span style='{sw}background:rgb{tuple(MISSING_COLOR)}'></span>. — geen waarde "
            f"({counts.get(combine.ONTBREEKT, 0)})</div>")


@widgets.guarded
def render() -> None:
    st.title("Indicatoren combineren")
    st.caption("Twee gepubliceerde indicatoren naast elkaar per gebied. " + combine.CAVEAT.capitalize() + ".")
    v = cache.version()
    warnings: list[str] = []
    _init_state(v, warnings)
    for w in warnings:
        st.warning(w)

    codes = _combinable()
    gem = cache.gemeenten(v)
    labels = dict(zip(gem["area_code"], gem["label"]))

    c1, c2, c3, c4 = st.columns([3, 2, 3, 2])
    x, ix, sbi_x = _indicator_choice("X", codes, c1, c2)
    y, iy, sbi_y = _indicator_choice("Y", codes, c3, c4)

    years = combine.common_years(x, y)
    if not years:
        st.warning("Deze twee indicatoren hebben geen gemeenschappelijk jaar. Kies een andere combinatie.")
        return
    scopes = [s for s in combine.SCOPES if combine.indicator_supports(x, s) and combine.indicator_supports(y, s)]
    if not scopes:
        st.warning("Deze twee indicatoren hebben geen gemeenschappelijk gebiedsniveau.")
        return
    c5, c6, c7 = st.columns([3, 4, 5])  # the year box needs ~110 px for "2024" at 800 px (showed "202")
    _keep_valid(K + "year", years, max(years))
    with c5:
        year = st.selectbox("Jaar", years, key=K + "year", placeholder=widgets.CHOOSE)
    with c7:  # first: which scopes exist depends on the gemeente
        gemeente = widgets.gemeente_select("Gemeente", labels, K + "gemeente",
                                           help="Bij 'alle gemeenten/wijken' wordt deze gemeente gemarkeerd.")
    state.set_shared_gemeente(gemeente)
    if "buurt" not in cache.sub_levels(v, gemeente):
        scopes = [s for s in scopes if s != "gemeente_buurten"]
        if st.session_state.get(K + "scope") == "gemeente_buurten":
            st.warning(f"Voor {labels[gemeente]} zijn geen buurten beschikbaar; de wijken worden getoond.")
            st.session_state[K + "scope"] = "gemeente_wijken"
    _keep_valid(K + "scope", scopes, scopes[0])
    with c6:
        scope = st.selectbox("Gebieden", scopes, key=K + "scope", format_func=combine.SCOPE_LABELS.get,
                             placeholder=widgets.CHOOSE)

    widgets.demo_banner(cache.is_demo(v, x, year) or cache.is_demo(v, y, year))
    widgets.area_division_note()

    view = views.CombineView(x, y, year, gemeente, sbi_x, sbi_y, scope)
    frame, bx, by = cache.combine_pairs(v, view.pairs_key)
    x_name = ix.name + (f" — {ix.category_name(sbi_x)}" if sbi_x else "")
    y_name = iy.name + (f" — {iy.category_name(sbi_y)}" if sbi_y else "")
    scope_label = combine.SCOPE_LABELS[scope] + (f" ({labels[gemeente]})" if combine.SCOPES[scope][1] else "")
    corr = combine.spearman(frame)

    # --- scatter with brush ----------------------------------------------------------------------
    st.subheader(f"{x_name} × {y_name}, {year}")
    st.caption(f"{scope_label}: {numbers.count(corr.n_used, 'gebied', 'gebieden')} met twee gepubliceerde waarden "
               f"in de grafiek; {numbers.count(corr.n_suppressed, 'gebied', 'gebieden')} met een geheime waarde (x) en "
               f"{numbers.fmt(corr.n_missing, 0)} zonder waarde (.) zijn weggelaten. Stippellijnen: mediaan. "
               "Sleep een rechthoek om gebieden te selecteren, of kies ze onder 'Gebieden selecteren met het toetsenbord'.")
    log = st.toggle("Logaritmische assen (uitschieters drukken de rest dan niet samen)", key=K + "log")
    view = dataclasses.replace(view, log=log)
    spec = cache.combine_scatter_spec(v, view.spec_key, f"X: {x_name} ({ix.unit})", f"Y: {y_name} ({iy.unit})")
    # The key names the view: a brush drawn on other axes must not carry over to a new view.
    view_key = "|".join(map(str, dataclasses.astuple(view.spec_key)))
    event = st.vega_lite_chart(spec, on_select="rerun", key=K + "scatter:" + view_key, width="stretch")
    selection = getattr(event, "selection", None) or (event.get("selection") if isinstance(event, dict) else None)
    brushed = brushed_codes(dict(selection) if selection else None, frame)
    brushed = _with_keyboard_selection(brushed, frame, labels, view_key)
    view = dataclasses.replace(view, sel=tuple(brushed))
    shown_view = state.write_params(K, view.to_params())
    widgets.share_link("combine", shown_view, "" if len(brushed) <= views.MAX_LINKED_SELECTION else
                       f" De selectie van {len(brushed)} gebieden is te groot voor een link en zit er niet in.")

    # --- bivariate map + legend ----------------------------------------------------------------
    left, right = st.columns([3, 1])
    level, within = combine.scope_level(scope), combine.scope_within(scope, gemeente)
    with left:
        if within is None:  # the whole land
            geo, outline = cache.national_geometry(v, level), cache.national_geometry(v, "provincie")
        else:
            geo, outline = cache.geometry(v, level, within), cache.geometry(v, "gemeente", None).only(gemeente)
        st.pydeck_chart(bivariate_deck(frame, geo, ix, iy, set(brushed), outline, names=within is not None),
                        height=520)
        st.caption("De grafiek en de kaart als tekst: de 'Gecombineerde tabel' onderaan noemt elk gebied met "
                   "zijn X, Y en klasse.")
    with right:
        counts = frame["klasse"].value_counts().to_dict()
        st.markdown(legend_html(x_name, y_name, bx, by, ix, iy, counts), unsafe_allow_html=True)
        if brushed:
            st.caption(f"Donkerblauw omrand: de {numbers.count(len(brushed), 'geselecteerde gebied', 'geselecteerde gebieden')}.")

    # --- summary ---------------------------------------------------------------------------------
    st.markdown("#### Samenvatting")
    hh = combine.high_high(frame)
    st.markdown(combine.describe(corr, x_name, y_name, scope_label, len(hh)))
    m1, m2, m3 = st.columns(3)
    m1.metric("Spearman rho", "—" if corr.rho is None else f"{corr.rho:.2f}".replace(".", ","))
    m2.metric("Gebieden gebruikt (n)", numbers.fmt(corr.n_used, 0))
    m3.metric("Weggelaten: geheim / geen waarde", f"{numbers.fmt(corr.n_suppressed, 0)} / {numbers.fmt(corr.n_missing, 0)}")
    st.markdown("**Hoog-hoog: bovenste derde voor X én Y**")
    st.dataframe(_pairs_table(hh, ix, iy, labels), hide_index=True, width="stretch", height=240)

    # --- class totals (from published cells only) --------------------------------------------------
    # Two LPs per total: computed only when someone opens the panel.
    class_panel = st.expander("Totalen per klasse", key=K + "class_totals", on_change="rerun")
    with class_panel:
        totals = (cache.combine_class_totals(v, view.pairs_key)
                  if class_panel.open else pd.DataFrame())
        if len(totals):
            st.dataframe(pd.DataFrame({
                "Klasse": totals["klasse"], "Gebieden": totals["n"],
                f"X: {ix.name}": [a.text(ix.decimals, ix.unit) for a in totals["x"]],
                f"Y: {iy.name}": [a.text(iy.decimals, iy.unit) for a in totals["y"]],
            }), hide_index=True, width="stretch")
        st.caption(RANGE_NOTE)

    # --- selection ---------------------------------------------------------------------------------
    st.markdown("#### Selectie")
    if not brushed:
        st.caption("Nog geen selectie: sleep in de grafiek een rechthoek om gebieden te selecteren, of kies ze in de lijst hierboven.")
    else:
        agg = cache.aggregator(v)
        parent = combine.scope_parent(scope, gemeente)
        parent_name = "Nederland" if parent == "NL01" else labels.get(parent, parent)
        sx = agg.selection_total(x, year, sbi_x, brushed)
        sy = agg.selection_total(y, year, sbi_y, brushed)
        rx = agg.rest_total(x, year, sbi_x, parent, brushed)
        ry = agg.rest_total(y, year, sbi_y, parent, brushed)
        s1, s2 = st.columns(2)
        s1.markdown(f"**Selectie ({numbers.count(len(brushed), 'gebied', 'gebieden')})**  \nX: {sx.text(ix.decimals, ix.unit)}  \n"
                    f"Y: {sy.text(iy.decimals, iy.unit)}")
        s2.markdown(f"**Rest van {parent_name} (zonder de selectie)**  \nX: {rx.text(ix.decimals, ix.unit)}  \n"
                    f"Y: {ry.text(iy.decimals, iy.unit)}")
        fams = combine.ratio_families(x, sbi_x, y, sbi_y)
        if fams:
            rt = agg.ratio(*fams[:2], *fams[2:], year, brushed)
            desc_x = catalogue.BASE_MEASURES[fams[0]].description.split(",")[0]
            desc_y = catalogue.BASE_MEASURES[fams[2]].description.lower()
            branch = f" ({iy.category_name(fams[3])})" if fams[3] else ""
            st.markdown(f"**Verhouding in de selectie:** {desc_x} per eenheid van '{desc_y}'{branch}: {rt.text(2)}")
        st.caption(RANGE_NOTE)
        st.dataframe(_pairs_table(frame[frame["area_code"].isin(brushed)], ix, iy, labels), hide_index=True,
                     width="stretch", height=240)

    # --- combined table, download, share -------------------------------------------------------------
    # Thousands of rows: sent and drawn only when someone opens the panel (the download has them all).
    table_panel = st.expander("Gecombineerde tabel", key=K + "pairs_table", on_change="rerun")
    with table_panel:
        if table_panel.open:
            st.dataframe(_pairs_table(frame, ix, iy, labels), hide_index=True, width="stretch", height=360)
    export = combine.export_frame(frame, x_name, y_name, year, sbi_x, sbi_y)
    csv_bytes = cache.csv_download(v, view.pairs_key, export)
    stem = f"zoo_combinatie_{x}_{y}_{year}_{scope}"
    d1, d2, d3, _ = st.columns([1, 1, 1, 2])
    d1.download_button("Download CSV", csv_bytes, file_name=stem + ".csv", mime="text/csv", key=K + "csv")
    # Written only when clicked (a callable): thousands of rows cost too much on every rerun.
    d2.download_button("Download CSV (Excel NL)", functools.partial(exchange.csv_excel_nl, export),
                       file_name=stem + "_excel_nl.csv", mime="text/csv", key=K + "csv_nl")
    d3.download_button("Download Excel", functools.partial(tables.to_excel, export), file_name=stem + ".xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=K + "xlsx")
    st.caption("Deel deze weergave: de link in de adresbalk bevat X, Y, branches, jaar, gebieden en gemeente. "
               "Geheime waarden staan in de download als x, ontbrekende als '.'.")


def _with_keyboard_selection(brushed: list[str], frame: pd.DataFrame, gemeente_names: dict, view_key: str) -> list[str]:
    """The brush's areas plus those picked from a list: the same selection without a mouse (WCAG 2.1.1).
    The list is drawn only while its panel is open (thousands of options otherwise cost every rerun);
    what was picked stays picked, per view, when the panel closes."""
    picked_key = K + "picked:" + view_key
    from_link = st.session_state.pop(K + "sel_param", None)
    if from_link:  # a shared link's selection, brush included: it becomes the list's selection
        published = set(frame.loc[frame["pair_status"] == "published", "area_code"])
        st.session_state[picked_key] = [c for c in from_link if c in published]
    panel = st.expander("Gebieden selecteren met het toetsenbord", key=K + "keyboard_panel", on_change="rerun")
    with panel:
        if panel.open:
            pub = frame[frame["pair_status"] == "published"]
            options = dict(zip(pub["area_code"], _area_names(pub, gemeente_names)))
            widget = K + "picked_widget:" + view_key
            if widget not in st.session_state:
                st.session_state[widget] = [c for c in st.session_state.get(picked_key, []) if c in options]
            st.multiselect("Gebieden in de selectie (naast een rechthoek in de grafiek)", list(options), key=widget,
                           format_func=options.get, placeholder="Typ een gebiedsnaam",
                           on_change=lambda: st.session_state.__setitem__(picked_key, st.session_state[widget]))
    picked = st.session_state.get(picked_key, [])
    return list(dict.fromkeys([*brushed, *picked]))


def _area_names(f: pd.DataFrame, gemeente_names: dict | None) -> list[str]:
    """Wijken and buurten with their gemeente ("Centrum" alone says little)."""
    if gemeente_names is not None and (f["area_code"] != f["gemeente_code"]).any():
        return [f"{n} ({gemeente_names.get(g, g)})" for n, g in zip(f["name"], f["gemeente_code"])]
    return list(f["name"])


def _pairs_table(f: pd.DataFrame, ix, iy, gemeente_names: dict | None = None) -> pd.DataFrame:
    """Published values per area."""
    return pd.DataFrame({
        "Gebied": _area_names(f, gemeente_names), "Code": f["area_code"].to_numpy(),
        "X": [tables.value_text(v, s, ix.decimals) for v, s in zip(f["x"], f["x_status"])],
        "Y": [tables.value_text(v, s, iy.decimals) for v, s in zip(f["y"], f["y_status"])],
        "Klasse": f["klasse"].to_numpy(),
    })
