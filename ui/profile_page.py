"""The gemeente profile page: all indicators of one gemeente against a reference group.

Logic (which indicators, reference, significance, sentences) is zoo_core.profile; the HTML export is
zoo_core.report; caching is ui/cache.py. This module only turns them into Streamlit elements.
Only published values are put into chart data, map layers, tables and the export.
"""
from __future__ import annotations


import altair as alt
import pandas as pd
import streamlit as st

from zoo_core import catalogue, numbers, profile as prof, reference, stats, statuses, views
from zoo_core.report import COLORS, LEGEND, SHAPES, X_MAX, X_MIN, dot_chart_svg, legend_marks_html
from ui import cache, maps, state, widgets
from ui.charts import described

K = "profiel"
GROUPS = list(views.PROFILE_GROUPS)
ROW_H = 34              # px per indicator: a line of text and a line with the dot
NAME_OFFSET = 0.42      # the name line sits this many rows above its dot
VALUE_ROOM = 170        # px kept free for the value at the end of the dot line
SPARK_ROW_H = 30        # px per wijk in the sparklines
SPARK_HALF = 0.36       # a sparkline spans this many rows above and below its row's centre
SPARK_VALUE_ROOM = 96   # px kept free for the latest value at the end of a sparkline row


def k(name: str) -> str:
    return f"{K}:{name}"


def _init_state(v: str, warnings: list[str]) -> None:
    if state.view_is_set(k("gemeente")):
        return
    view, found = views.ProfileView.parse(state.read_params(K, views.PARAMS["profile"]), cache.choices(v),
                                          state.shared_gemeente())
    warnings.extend(found)
    st.session_state.update({k("gemeente"): view.gemeente, k("ref"): view.ref, k("kies"): list(view.kies),
                             k("naast"): view.naast})
    state.set_shared_gemeente(view.gemeente)


def chart_frame(p: prof.Profile) -> pd.DataFrame:
    """Rows of the dot chart. Value columns are filled for published rows only."""
    recs = []
    for n, r in enumerate(p.rows):
        rec = {"volgorde": n, "indicator": r.label, "thema": r.theme_name, "jaar": str(r.year),
               "tekst": r.value_text(),
               "status": "gepubliceerd" if r.published else statuses.of(r.status).label,
               "index": None, "x": None, "lo": None, "hi": None, "significantie": None, "referentie": None}
        if r.published and r.index is not None:
            rec.update({"index": round(r.index, 1), "x": min(max(r.index, X_MIN), X_MAX),
                        "significantie": r.sig_label, "referentie": prof.fmt(r.reference, r.decimals)})
            if r.lo is not None and r.hi is not None and r.reference:
                rec["lo"] = min(max(r.lo / r.reference * 100, X_MIN), X_MAX)
                rec["hi"] = min(max(r.hi / r.reference * 100, X_MIN), X_MAX)
        recs.append(rec)
    return pd.DataFrame(recs)


def dot_table(frame: pd.DataFrame, group_label: str) -> pd.DataFrame:
    """The dot chart as a table (its text alternative): the same rows, values as the chart labels them."""
    return pd.DataFrame({"Thema": frame["thema"], "Indicator": frame["indicator"], "Jaar": frame["jaar"],
                         "Waarde": frame["tekst"], f"Referentie ({group_label})": frame["referentie"],
                         "Index (referentie = 100)": [numbers.fmt(i, 1) if pd.notna(i) else "" for i in frame["index"]],
                         "Significantie": frame["significantie"].fillna("")})


def neighbour_table(table: pd.DataFrame, gemeente: str, row) -> pd.DataFrame:
    """The neighbour map as a table: each gemeente on the map with its value (x = geheim, . = geen waarde)."""
    ordered = pd.concat([table[table["area_code"] == gemeente], table[table["area_code"] != gemeente]
                         .sort_values("name")])
    return pd.DataFrame({"Gemeente": ordered["name"].to_numpy(),
                         f"{row.label} ({row.year})": [statuses.cell_text(v, s, row.decimals) for v, s in
                                                      zip(ordered["value"], ordered["status"])],
                         "Rol": ["gekozen gemeente" if c == gemeente else "buurgemeente" for c in ordered["area_code"]]})


def dot_chart(frame: pd.DataFrame, group_label: str) -> alt.LayerChart:
    """One row per indicator: its name and value on a line, the dot (and 95%-interval) below it.

    The chart takes the container's width, so it reflows from a wide screen down to 320 px (WCAG 1.4.10):
    names and values are text marks above the dots, not axis labels of fixed width beside them. A name
    that does not fit next to its value ends in an ellipsis; the tooltip and the table have it whole.
    """
    f = frame.assign(rij=range(len(frame)))
    f["rij_tekst"] = f["rij"] - NAME_OFFSET
    row_scale = alt.Scale(domain=[len(f) - 0.5, -0.75], nice=False, zero=False)  # row 0 at the top
    y = alt.Y("rij:Q", axis=None, scale=row_scale)
    y_text = alt.Y("rij_tekst:Q", axis=None, scale=row_scale)
    sig_domain = [stats.SIG_LABELS[key] for key, _ in LEGEND]
    color = alt.Color("significantie:N", scale=alt.Scale(domain=sig_domain, range=[COLORS[key] for key, _ in LEGEND]),
                      legend=None)
    shape = alt.Shape("significantie:N", scale=alt.Scale(domain=sig_domain, range=[SHAPES[key] for key, _ in LEGEND]),
                      legend=None)
    # The dots use the width left of the values; at 320 px that is still about half the chart.
    xscale = alt.Scale(type="log", domain=[X_MIN, X_MAX], clamp=True,
                       range=[0, alt.expr(f"width - min({VALUE_ROOM}, width * 0.45)")])
    tooltip = [alt.Tooltip("thema:N", title="Thema"), alt.Tooltip("indicator:N", title="Indicator"),
               alt.Tooltip("jaar:N", title="Jaar"), alt.Tooltip("tekst:N", title="Waarde"),
               alt.Tooltip("referentie:N", title=f"Referentie ({group_label})"),
               alt.Tooltip("index:Q", title="Index (referentie = 100)"),
               alt.Tooltip("significantie:N", title="Significantie")]
    shown = alt.Chart(f[f["x"].notna()]).encode(y=y)
    # The reference line is drawn per row, so it does not run through the names above the dots.
    rule = alt.Chart(f).transform_calculate(boven=alt.datum.rij - 0.25, onder=alt.datum.rij + 0.25).mark_rule(
        color="#333", strokeWidth=1.5).encode(x=alt.datum(100.0, scale=xscale), y=alt.Y("boven:Q", axis=None,
        scale=row_scale), y2="onder:Q")
    ci = shown.transform_filter(alt.datum.lo != None).mark_rule(color="#444", strokeWidth=1.5).encode(  # noqa: E711
        x=alt.X("lo:Q", scale=xscale), x2="hi:Q")
    dots = shown.mark_point(filled=True, size=70, stroke="#333", strokeWidth=1, opacity=1).encode(
        x=alt.X("x:Q", scale=xscale, title=["Index (referentie = 100, log-schaal;", f"afgekapt op {int(X_MIN)}–{int(X_MAX)})"],
                axis=alt.Axis(values=[25, 50, 100, 200, 400], orient="top", grid=True, gridColor="#ececec",
                              titleAnchor="start", titleAlign="left", titleFontWeight="normal")),
        color=color, shape=shape, tooltip=tooltip)
    rows = alt.Chart(f)
    names = rows.mark_text(align="left", baseline="middle", fontSize=12, color="#14161c",
                           limit=alt.expr("width")).encode(
        x=alt.value(0), y=y_text, text="indicator:N", tooltip=tooltip)
    values = rows.mark_text(align="right", baseline="middle", fontSize=12).encode(
        x=alt.value("width"), y=y, text="tekst:N", tooltip=tooltip,
        color=alt.condition(alt.datum.status == "gepubliceerd", alt.value("#14161c"), alt.value("#7a3d00")))
    return alt.layer(rule, ci, dots, names, values).properties(width="container", height=ROW_H * len(f))


def significance_legend() -> str:
    """The dot chart's legend as HTML (the chart itself has none, so it cannot be cut off at any width)."""
    return f'<div style="font-size:0.9rem;line-height:1.8">Significantie: {legend_marks_html()}</div>'


def sparkline_frame(trends: pd.DataFrame) -> pd.DataFrame:
    """One indicator's wijk series laid out as rows: `rij` per wijk, `y` the value scaled into its row
    (each wijk to its own lowest..highest published value), `deel` a run of consecutive published years.

    A suppressed or missing year ends a run, so the line is broken there rather than drawn across it.
    """
    f = trends.sort_values(["area_code", "year"], kind="stable").copy()
    order = list(dict.fromkeys(trends["area_code"]))
    f["rij"] = f["area_code"].map({code: i for i, code in enumerate(order)})
    f["jaar"] = f["year"].astype(int)
    published = (f["status"] == "published") & f["value"].notna()
    f["tekst"] = [statuses.cell_text(v, s, int(d)) for v, s, d in zip(f["value"], f["status"], f["decimals"])]
    lowest = f["value"].where(published).groupby(f["area_code"]).transform("min")
    highest = f["value"].where(published).groupby(f["area_code"]).transform("max")
    span = (highest - lowest).where(highest > lowest)
    share = ((f["value"] - lowest) / span).fillna(0.5)
    f["y"] = (f["rij"] + SPARK_HALF - 2 * SPARK_HALF * share).where(published)
    breaks = (~published).astype(int).groupby(f["area_code"]).cumsum()
    f["deel"] = f["area_code"] + "-" + breaks.astype(str)
    f["gepubliceerd"] = published
    return f[["rij", "wijk", "jaar", "y", "tekst", "deel", "gepubliceerd"]].sort_values(["rij", "jaar"])


def wijk_chart(trends: pd.DataFrame) -> alt.LayerChart:
    """A sparkline per wijk, one row each: name, line over the years, latest value. The chart takes the
    container's width (reflow); a suppressed year is an x on the row, never 0, and breaks the line."""
    f = sparkline_frame(trends)
    years = sorted(f["jaar"].unique())
    row_scale = alt.Scale(domain=[len(f["rij"].unique()) - 0.5, -1.1], nice=False, zero=False)
    x = alt.X("jaar:Q", title=None, scale=alt.Scale(domain=[years[0], years[-1]], nice=False, zero=False,
                                                  range=[alt.expr("width * 0.42"), alt.expr(f"width - {SPARK_VALUE_ROOM}")]),
              axis=alt.Axis(values=years, format="d", orient="top", grid=True, gridColor="#eeeeee",
                            domain=False, ticks=False))
    tooltip = [alt.Tooltip("wijk:N", title="Wijk"), alt.Tooltip("jaar:Q", title="Jaar", format="d"),
               alt.Tooltip("tekst:N", title="Waarde")]
    rows = alt.Y("rij:Q", axis=None, scale=row_scale)
    line_y = alt.Y("y:Q", axis=None, scale=row_scale)
    base = alt.Chart(f)
    published = base.transform_filter(alt.datum.gepubliceerd)
    line = published.mark_line(color="#c0392b", strokeWidth=2).encode(x=x, y=line_y, detail="deel:N")
    points = published.mark_point(filled=True, size=22, color="#c0392b", opacity=1).encode(x=x, y=line_y,
                                                                                           tooltip=tooltip)
    gaps = base.transform_filter(~alt.datum.gepubliceerd).mark_text(
        fontSize=12, fontWeight="bold", color="#7a3d00").encode(x=x, y=rows, text="tekst:N", tooltip=tooltip)
    first = base.transform_filter(alt.datum.jaar == years[0])
    names = first.mark_text(align="left", baseline="middle", fontSize=12, color="#14161c",
                            limit=alt.expr("width * 0.42 - 12")).encode(
        x=alt.value(0), y=rows, text="wijk:N", tooltip=[alt.Tooltip("wijk:N", title="Wijk")])
    last = base.transform_filter(alt.datum.jaar == years[-1]).mark_text(
        align="right", baseline="middle", fontSize=12, color="#14161c").encode(
        x=alt.value("width"), y=rows, text="tekst:N", tooltip=tooltip)
    return alt.layer(line, points, gaps, names, last).properties(
        width="container", height=SPARK_ROW_H * len(f["rij"].unique()))


def dot_chart_spec(p: prof.Profile) -> dict:
    """The dot chart as a Vega-Lite spec (ui/cache.py keeps it per view: Altair's validation is most of a rerun)."""
    return described(dot_chart(chart_frame(p), p.group.label),
                     f"Stippengrafiek: alle indicatoren van {p.name} als index ten opzichte van {p.group.label} "
                     "(100 = gelijk). De waarden staan in de tabel bij de grafiek.").to_dict()


def wijk_chart_spec(trends: pd.DataFrame, gemeente_name: str) -> dict:
    """The sparklines of one indicator's wijk series as a Vega-Lite spec (cached per indicator, as above)."""
    return described(wijk_chart(trends), f"Kleine lijngrafieken: {trends['indicator'].iloc[0]} per wijk van "
                     f"{gemeente_name} per jaar. De waarden staan in de tabel bij de grafiek.").to_dict()


def neighbour_map(v: str, p: prof.Profile, ref_code: str, picked: tuple[str, ...]):
    """The gemeente and its buurgemeenten, coloured by the strongest notable indicator (published values only)."""
    row = next((r for r in p.notable if r.kind in stats.TESTED_KINDS),
               next(r for r in p.rows if r.code == "tr_fiu_per_1000"))
    ind = catalogue.get(row.code)
    codes = [p.gemeente] + cache.release().neighbours(p.gemeente)
    table, ref, _ = cache.view_table(v, views.ThemeView(ind.theme, row.code, row.year, p.gemeente, "gemeente", row.sbi,
                                                        ref_code, picked))
    table = table[table["area_code"].isin(codes)]
    gm_geo = cache.geometry(v, "gemeente", None)
    geo = maps.Geometry.from_shapes([(c, n, g) for c, n, g in zip(gm_geo.codes, gm_geo.names, gm_geo.geoms)
                                     if c in set(codes)])
    deck, breaks = maps.choropleth(table, geo, None, unit=ind.unit, decimals=ind.decimals,
                                   ref_label=p.group.label, highlight=gm_geo.only(p.gemeente))
    return deck, breaks, table, row


@widgets.guarded
def render() -> None:
    v = cache.version()
    warnings: list[str] = []
    _init_state(v, warnings)
    for w in warnings:
        st.warning(w)
    gem = cache.gemeenten(v)
    labels = dict(zip(gem["area_code"], gem["label"]))
    clicked = widgets.clicked_area(K)  # a buurgemeente on the map: open its profile
    if clicked in labels:
        st.session_state[k("gemeente")] = clicked

    c1, c2 = st.columns([2, 2])
    with c1:
        gemeente = widgets.gemeente_select("Gemeente", labels, k("gemeente"))
    with c2:
        ref_code = st.selectbox("Vergelijk met", GROUPS, key=k("ref"), format_func=reference.GROUPS.get,
                                placeholder=widgets.CHOOSE)
    state.set_shared_gemeente(gemeente)
    picked: tuple[str, ...] = ()
    if ref_code == "eigen":
        picked = tuple(st.multiselect("Gemeenten voor de vergelijking", list(labels), key=k("kies"),
                                      format_func=labels.get, max_selections=reference.MAX_PICKED,
                                      placeholder=widgets.CHOOSE_GEMEENTEN))
    view = views.ProfileView(gemeente, ref_code, picked, st.session_state.get(k("naast")))
    shown_view = state.write_params(K, view.to_params())

    p = cache.profile(v, view.own_key)
    st.title(f"Profiel van {p.name}")
    widgets.share_link("profiel", shown_view)
    if p.demo:
        widgets.demo_banner(True)
    st.caption(f"Alle indicatoren van {prof.themes_phrase()} (laatste jaar; branche-indicatoren per risicobranche), "
               f"vergeleken met {p.group.label} ({numbers.count(len(p.group.members), 'gemeente', 'gemeenten')}). "
               "Index 100 = de referentiewaarde. " + widgets.AREA_DIVISION)
    for note in p.notes:
        st.warning(note)

    # --- Opvallend ---------------------------------------------------------------------------
    st.subheader("Opvallend")
    sentences = prof.sentences(p)
    if sentences:
        st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(sentences, 1)))
    else:
        st.markdown("Geen statistisch opvallende afwijkingen ten opzichte van de referentiegroep.")
    st.caption(prof.CAVEAT)

    # --- dot chart ---------------------------------------------------------------------------
    st.subheader("Alle indicatoren ten opzichte van de referentie")
    dots = chart_frame(p)
    with widgets.screen_only("stippen"):
        st.vega_lite_chart(cache.profile_dot_spec(v, view.own_key), width="stretch")
    widgets.print_copy("stippen", widgets.svg_image(dot_chart_svg(list(p.rows), width=widgets.PRINT_WIDTH_PX),
                                                    f"Stippengrafiek: alle indicatoren van {p.name} als index "
                                                    f"ten opzichte van {p.group.label} (100 = gelijk)."))
    st.markdown(significance_legend(), unsafe_allow_html=True)
    with st.expander("De grafiek als tabel"):
        st.dataframe(dot_table(dots, p.group.label), hide_index=True, width="stretch", placeholder="")
    sup = p.suppressed
    if sup:
        st.markdown("**Geheim (onderdrukt)** — niet als waarde getoond: "
                    + "; ".join(f"{r.label} (x — geheim)" for r in sup))
    with st.expander("Methode: referentie, index en significantie"):
        st.markdown(stats.METHOD_TEXT)
        st.markdown("Index = waarde van de gemeente / referentiewaarde x 100 (log-schaal). Het streepje is het "
                    "95%-interval van de gemeente. Omzet per inwoner (euro's) is geen telling en wordt hier niet "
                    "getoetst. Aantallen worden vergeleken met het gemiddelde aantal in de groep.")

    # --- two gemeenten side by side ------------------------------------------------------------
    others = [c for c in labels if c != gemeente]
    if st.session_state.get(k("naast")) not in others:
        st.session_state[k("naast")] = None
    # Without a second gemeente the section is only a box to choose one: not printed.
    with st.container() if st.session_state[k("naast")] else widgets.screen_only("naast"):
        st.subheader("Naast elkaar met een tweede gemeente")
        beside = st.selectbox("Tweede gemeente", others, key=k("naast"), format_func=labels.get, index=None,
                              placeholder=widgets.CHOOSE)
    if beside:
        other = cache.profile(v, views.ProfileView(beside, ref_code, picked))
        st.caption(f"Per indicator de waarde van beide gemeenten (x = geheim, . = geen waarde), met de index "
                   f"ten opzichte van de eigen referentie: {p.group.label} voor {p.name}, {other.group.label} voor "
                   f"{other.name} (100 = gelijk)." + (" DEMO-cijfers." if p.demo or other.demo else ""))
        widgets.screen_and_print_table("naast_tabel", prof.side_by_side(p, other), placeholder="")

    # --- wijken ------------------------------------------------------------------------------
    keys = tuple(prof.notable_keys(p))
    trends = cache.profile_wijken(v, gemeente, keys)
    st.subheader(f"Wijken van {p.name}")
    if trends.empty:
        st.info("Voor deze gemeente zijn geen wijkcijfers gepubliceerd.")
    else:
        st.caption("De opvallende indicatoren per wijk, laatste jaar. x = geheim (onderdrukt), . = geen waarde.")
        widgets.screen_and_print_table("wijken", prof.wijk_table(trends))
        names = {key: lbl for key, lbl in zip(trends["key"], trends["indicator"])}
        options = list(dict.fromkeys(trends["key"]))
        if st.session_state.get(k("trend")) not in options:
            # The first indicator with a published wijk value: in a small gemeente the first one may be
            # secret in every wijk, and a demo should not open on an empty chart.
            shown = set(trends.loc[trends["status"] == "published", "key"])
            st.session_state[k("trend")] = next((o for o in options if o in shown), options[0])
        key = st.selectbox("Ontwikkeling per wijk van", options, key=k("trend"), format_func=names.get,
                           placeholder=widgets.CHOOSE)
        chosen = trends[trends["key"] == key]
        st.vega_lite_chart(cache.profile_wijk_spec(v, gemeente, keys, key, p.name), width="stretch")
        st.caption("Per wijk een lijn over de jaren, geschaald van de laagste tot de hoogste gepubliceerde waarde "
                   "van die wijk; rechts de laatste waarde. x = geheim (onderdrukt), . = geen waarde; de lijn is daar "
                   "onderbroken.")
        with st.expander("De grafiek als tabel"):
            st.dataframe(prof.wijk_years_table(chosen), hide_index=True, width="stretch", placeholder="")

    # --- map ---------------------------------------------------------------------------------
    st.subheader(f"{p.name} en buurgemeenten")
    deck, breaks, table, row = neighbour_map(v, p, ref_code, picked)
    left, right = st.columns([3, 1])
    with left:
        widgets.clickable_map(deck, K, f"{gemeente}:{ref_code}", height=420)
        with st.expander("De kaart als tabel"):
            st.dataframe(neighbour_table(table, p.gemeente, row), hide_index=True, width="stretch", placeholder="")
    with right:
        st.markdown(f"**{row.label}** ({row.year})")
        st.markdown(maps.legend_html(breaks, table.loc[table["status"] == "published", "value"], row.unit,
                                     row.decimals), unsafe_allow_html=True)
        st.caption("Blauwe rand: de gekozen gemeente. Klik op een buurgemeente om haar profiel te openen.")

    # --- export ------------------------------------------------------------------------------
    st.subheader("Rapport voor overleg")
    data = cache.profile_report(v, view.own_key, keys)
    st.download_button("Download rapport (HTML, ook om te printen)", data, key=k("rapport"),
                       file_name=f"zoo_profiel_{gemeente}.html", mime="text/html")
    st.caption("Eén HTML-bestand zonder externe bronnen; openen in de browser en eventueel afdrukken als PDF."
               + (" Het rapport is gemarkeerd als DEMO." if p.demo else ""))
    widgets.area_division_note()
