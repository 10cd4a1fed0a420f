"""A bare Streamlit page for bench/bench_compare.py: the same release data, map and chart, no app logic.

Plain duckdb on $ZOO_DB, one selectbox (year) to time a widget change, and either
- (default) a gemeente choropleth as a pydeck GeoJsonLayer without basemap and an Altair trend chart of
  one gemeente against Nederland: the map and chart of the theme pages; or
- ?view=combine: the combine page's default view drawn plainly: a wijk map (3,393 areas) coloured by
  the X tertile and an Altair scatter of X against Y over the wijken with both values published.
Run: ZOO_DB=/tmp/dev/release.duckdb streamlit run bench/baseline_app.py
"""
import json
import os

import altair as alt
import duckdb
import numpy as np
import pydeck as pdk
import streamlit as st

INDICATOR, GEMEENTE = "tr_fiu_per_1000", "GM0599"
PALETTE = [[254, 229, 217], [252, 174, 145], [251, 106, 74], [222, 45, 38], [165, 15, 21]]

st.set_page_config(page_title="baseline", layout="wide")
con = duckdb.connect(os.environ.get("ZOO_DB", "data/release.duckdb"), read_only=True)
st.title("Baseline")
year = st.selectbox("Jaar", [2024, 2023, 2022, 2021, 2020, 2019])

COMBINE = st.query_params.get("view") == "combine"
X, Y, SBI_Y = "tr_fiu_per_1000", "br_vestigingen_per_10k", "96021"
level, indicator = ("wijk", X) if COMBINE else ("gemeente", INDICATOR)

rows = con.execute(
    "SELECT a.area_code, a.name, c.value, s.geometry FROM areas a JOIN shapes s USING (area_code) "
    "LEFT JOIN cells c ON c.area_code = a.area_code AND c.indicator = ? AND c.year = ? AND c.sbi = '' "
    "AND c.status = 'published' WHERE a.level = ? ORDER BY a.area_code", [indicator, year, level]).fetchall()
values = np.array([r[2] for r in rows if r[2] is not None])
quantiles = [1 / 3, 2 / 3] if COMBINE else [0.2, 0.4, 0.6, 0.8]
breaks = np.quantile(values, quantiles) if len(values) else []
features = [{"type": "Feature", "geometry": json.loads(geom),
             "properties": {"n": name, "w": "" if v is None else f"{v:.2f}",
                            "c": PALETTE[int(np.searchsorted(breaks, v, side="right"))] if v is not None else [30, 30, 30]}}
            for code, name, v, geom in rows]
layer = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, pickable=True,
                  stroked=True, filled=True, get_fill_color="properties.c", get_line_color=[255, 255, 255],
                  line_width_min_pixels=0.5)
deck = pdk.Deck(layers=[layer], initial_view_state=pdk.ViewState(latitude=52.2, longitude=5.3, zoom=6.3),
                map_provider=None, tooltip={"html": "<b>{n}</b><br/>{w}"})
# Without this Streamlit's frontend falls back to a Carto basemap from the internet: not the same map.
deck.map_style = "__MAP_STYLE__"

if COMBINE:
    pairs = con.execute(
        "SELECT a.name AS gebied, x.value AS x, y.value AS y FROM areas a "
        "JOIN cells x ON x.area_code = a.area_code AND x.indicator = ? AND x.year = ? AND x.sbi = '' AND x.status = 'published' "
        "JOIN cells y ON y.area_code = a.area_code AND y.indicator = ? AND y.year = ? AND y.sbi = ? AND y.status = 'published' "
        "WHERE a.level = 'wijk'", [X, year, Y, year, SBI_Y]).df()
    st.altair_chart(alt.Chart(pairs).mark_circle().encode(x="x:Q", y="y:Q", tooltip=["gebied", "x", "y"])
                    .properties(height=420), width="stretch")
    st.pydeck_chart(deck, height=520)
else:
    st.pydeck_chart(deck, height=600)
    trend = con.execute(
        "SELECT CAST(year AS VARCHAR) AS jaar, a.name AS reeks, c.value AS waarde FROM cells c JOIN areas a USING (area_code) "
        "WHERE c.indicator = ? AND c.sbi = '' AND c.area_code IN (?, 'NL01') ORDER BY year", [INDICATOR, GEMEENTE]).df()
    st.altair_chart(alt.Chart(trend).mark_line(point=True).encode(x="jaar:O", y="waarde:Q", color="reeks:N")
                    .properties(height=280), width="stretch")
