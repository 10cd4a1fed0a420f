"""The gemeente profile page: all indicators of one gemeente against a reference group.

Logic (which indicators, reference, significance, sentences) is zoo_core.profile; the HTML export is
zoo_core.report; caching is ui/cache.py. This module only turns them into Streamlit elements.
Only published values are put into chart data, map layers, tables and the export.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from zoo_core import catalogue, numbers, profile as prof, reference, stats, statuses
from zoo_core.report import COLORS, LEGEND, X_MAX, X_MIN
from ui import cache, maps, state, widgets
from ui.charts import described

K = "profiel"
GROUPS = list(reference.GEMEENTE_LEVEL_GROUPS)
ROW_H = 17


def k(name: str) -> str:
    return f"{K}:{name}"


def default_gemeente(valid: set[str]) -> str:
    """The gemeente chosen elsewhere in this session, else Rotterdam, else the first alphabetically."""
    shared = st.session_state.get(state.SHARED_GEMEENTE)
    if shared in valid:
        return shared
    return prof.DEFAULT_GEMEENTE if prof.DEFAULT_GEMEENTE in valid else sorted(valid)[0]


def _init_state(v: str, warnings: list[str]) -> None:
    if k("gemeente") in st.session_state:
        return
    params = state.read_params()
    valid = set(cache.gemeenten(v)["area_code"])
    gemeente = state.pick(params, "gemeente", valid, default_gemeente(valid), warnings, "gemeente")
    ref = state.pick(params, "ref", set(GROUPS), prof.DEFAULT_REFERENCE, warnings, "vergelijk met")
    picked = state.pick_list(params, "kies", valid, warnings, "eigen selectie")
    st.session_state.update({k("gemeente"): gemeente, k("ref"): ref, k("kies"): picked})
    state.set_shared_gemeente(gemeente)


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


def dot_chart(frame: pd.DataFrame, group_label: str) -> alt.HConcatChart:
    order = list(frame["indicator"])
    height = ROW_H * len(frame)
    y = alt.Y("indicator:N", sort=order, title=None, axis=alt.Axis(labelLimit=340))
    sig_domain = [stats.SIG_LABELS[key] for key, _ in LEGEND]
    color = alt.Color("significantie:N", title="Significantie", scale=alt.Scale(
        domain=sig_domain, range=[COLORS[key] for key, _ in LEGEND]), legend=alt.Legend(orient="bottom", columns=3))
    xscale = alt.Scale(type="log", domain=[X_MIN, X_MAX], clamp=True)
    shown = frame[frame["x"].notna()]
    base = alt.Chart(shown).encode(y=y)
    rule = alt.Chart(pd.DataFrame({"x": [100.0]})).mark_rule(color="#333", strokeWidth=1.5).encode(
        x=alt.X("x:Q", scale=xscale))
    ci = base.transform_filter(alt.datum.lo != None).mark_rule(color="#444", strokeWidth=1.5).encode(  # noqa: E711
        x=alt.X("lo:Q", scale=xscale), x2="hi:Q")
    tooltip = [alt.Tooltip("thema:N", title="Thema"), alt.Tooltip("indicator:N", title="Indicator"),
               alt.Tooltip("jaar:N", title="Jaar"), alt.Tooltip("tekst:N", title="Waarde"),
               alt.Tooltip("referentie:N", title=f"Referentie ({group_label})"),
               alt.Tooltip("index:Q", title="Index (referentie = 100)"),
               alt.Tooltip("significantie:N", title="Significantie")]
    dots = base.mark_point(filled=True, size=70, stroke="#333", strokeWidth=1, opacity=1).encode(
        x=alt.X("x:Q", scale=xscale, title=f"Index (referentie = 100, log-schaal; afgekapt op {int(X_MIN)}–{int(X_MAX)})",
                axis=alt.Axis(values=[25, 50, 75, 100, 150, 200, 400], orient="top")),
        color=color, tooltip=tooltip)
    left = alt.layer(rule, ci, dots).properties(width=520, height=height)
    text = alt.Chart(frame).mark_text(align="left", fontSize=11).encode(
        y=alt.Y("indicator:N", sort=order, axis=None), text="tekst:N",
        color=alt.condition(alt.datum.status == "gepubliceerd", alt.value("#222"), alt.value("#7a3d00")),
        tooltip=[alt.Tooltip("indicator:N", title="Indicator"), alt.Tooltip("status:N", title="Status")],
    ).properties(width=170, height=height, title=alt.TitleParams("Waarde", anchor="start", fontSize=11))
    return alt.hconcat(left, text, spacing=6).resolve_scale(y="shared")


def wijk_chart(trends: pd.DataFrame) -> alt.Chart:
    """Small multiples: one sparkline per wijk; suppressed years are an x above the year, never 0."""
    f = trends.copy()
    f["jaar"] = f["year"].astype(str)
    f["waarde"] = [float(v) if s == "published" and pd.notna(v) else None for v, s in zip(f["value"], f["status"])]
    f["tekst"] = [statuses.cell_text(v, s, int(d))
                  for v, s, d in zip(f["value"], f["status"], f["decimals"])]
    f = f[["wijk", "jaar", "waarde", "tekst", "status"]]
    base = alt.Chart().encode(x=alt.X("jaar:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=8)))
    valid = alt.datum.waarde != None  # noqa: E711 - Vega expression
    line = base.transform_filter(valid).mark_line(point=alt.OverlayMarkDef(size=14), color="#c0392b").encode(
        y=alt.Y("waarde:Q", title=None, axis=alt.Axis(labelFontSize=8, tickCount=3)),
        tooltip=[alt.Tooltip("wijk:N", title="Wijk"), alt.Tooltip("jaar:O", title="Jaar"),
                 alt.Tooltip("tekst:N", title="Waarde")])
    gaps = base.transform_filter(~valid).mark_text(fontSize=11, fontWeight="bold", color="#7a3d00").encode(
        y=alt.value(8), text="tekst:N",
        tooltip=[alt.Tooltip("wijk:N", title="Wijk"), alt.Tooltip("jaar:O", title="Jaar"),
                 alt.Tooltip("tekst:N", title="Waarde")])
    return alt.layer(line, gaps, data=f).properties(width=150, height=60).facet(
        facet=alt.Facet("wijk:N", title=None, header=alt.Header(labelFontSize=10, labelLimit=150)), columns=5,
    ).resolve_scale(y="independent")


def neighbour_map(v: str, p: prof.Profile, ref_code: str, picked: tuple[str, ...]):
    """The gemeente and its buurgemeenten, coloured by the strongest notable indicator (published values only)."""
    row = next((r for r in p.notable if r.kind in stats.TESTED_KINDS),
               next(r for r in p.rows if r.code == "tr_fiu_per_1000"))
    ind = catalogue.get(row.code)
    codes = [p.gemeente] + cache.release().neighbours(p.gemeente)
    table, ref, _ = cache.view_table(v, row.code, row.year, "gemeente", p.gemeente, row.sbi, ref_code, picked)
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
    state.write_params({"gemeente": gemeente, "ref": ref_code, "kies": ",".join(picked) if ref_code == "eigen" else ""})

    p = cache.profile(v, gemeente, ref_code, picked)
    st.title(f"Profiel van {p.name}")
    if p.demo:
        widgets.demo_banner(True)
    st.caption(f"Alle indicatoren van de vier thema's (laatste jaar; branche-indicatoren per risicobranche), "
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
    st.altair_chart(described(dot_chart(dots, p.group.label),
                              f"Stippengrafiek: alle indicatoren van {p.name} als index ten opzichte van "
                              f"{p.group.label} (100 = gelijk). De waarden staan in de tabel bij de grafiek."),
                    width="content")
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

    # --- wijken ------------------------------------------------------------------------------
    keys = tuple(prof.notable_keys(p))
    trends = cache.profile_wijken(v, gemeente, keys)
    st.subheader(f"Wijken van {p.name}")
    if trends.empty:
        st.info("Voor deze gemeente zijn geen wijkcijfers gepubliceerd.")
    else:
        st.caption("De opvallende indicatoren per wijk, laatste jaar. x = geheim (onderdrukt), . = geen waarde.")
        st.dataframe(prof.wijk_table(trends), hide_index=True, width="stretch")
        names = {key: lbl for key, lbl in zip(trends["key"], trends["indicator"])}
        options = list(dict.fromkeys(trends["key"]))
        if st.session_state.get(k("trend")) not in options:
            st.session_state[k("trend")] = options[0]
        key = st.selectbox("Ontwikkeling per wijk van", options, key=k("trend"), format_func=names.get,
                           placeholder=widgets.CHOOSE)
        chosen = trends[trends["key"] == key]
        st.altair_chart(described(wijk_chart(chosen), f"Kleine lijngrafieken: {names[key]} per wijk van "
                                  f"{p.name} per jaar. De waarden staan in de tabel bij de grafiek."),
                        width="content")
        st.caption("Een x boven het jaar: waarde geheim (onderdrukt); de lijn is daar onderbroken.")
        with st.expander("De grafiek als tabel"):
            st.dataframe(prof.wijk_years_table(chosen), hide_index=True, width="stretch", placeholder="")

    # --- map ---------------------------------------------------------------------------------
    st.subheader(f"{p.name} en buurgemeenten")
    deck, breaks, table, row = neighbour_map(v, p, ref_code, picked)
    left, right = st.columns([3, 1])
    with left:
        st.pydeck_chart(deck, height=420)
        with st.expander("De kaart als tabel"):
            st.dataframe(neighbour_table(table, p.gemeente, row), hide_index=True, width="stretch", placeholder="")
    with right:
        st.markdown(f"**{row.label}** ({row.year})")
        st.markdown(maps.legend_html(breaks, table.loc[table["status"] == "published", "value"], row.unit,
                                     row.decimals), unsafe_allow_html=True)
        st.caption("Blauwe rand: de gekozen gemeente.")

    # --- export ------------------------------------------------------------------------------
    st.subheader("Rapport voor overleg")
    data = cache.profile_report(v, gemeente, ref_code, picked, keys)
    st.download_button("Download rapport (HTML, ook om te printen)", data, key=k("rapport"),
                       file_name=f"zoo_profiel_{gemeente}.html", mime="text/html")
    st.caption("Eén HTML-bestand zonder externe bronnen; openen in de browser en eventueel afdrukken als PDF."
               + (" Het rapport is gemarkeerd als DEMO." if p.demo else ""))
    widgets.area_division_note()
