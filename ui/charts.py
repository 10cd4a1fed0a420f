"""Altair charts. Suppressed years are gaps in the line with an "x" marker, never 0."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ui.tables import fmt
from zoo_core import statuses


REF_PREFIX = "Referentie: "
TEXT_COLOR = "#14161c"  # the theme's text colour: axis and legend text at >= 4.5:1 like the page (WCAG 1.4.3)


def described(chart, text: str):
    """A chart a screen reader can name (WCAG 1.1.1): `text` becomes the SVG's aria-label, and the
    marks leave the accessibility tree (hundreds of unnamed "graphics-symbol"s say nothing). The
    values themselves are in the table each page shows next to the chart. Axis and legend text take the
    page's text colour: Streamlit's chart theme greys them to about 3:1."""
    return (chart.properties(description=text).configure(aria=False).configure_mark(aria=False)
            .configure_axis(labelColor=TEXT_COLOR, titleColor=TEXT_COLOR)
            .configure_legend(labelColor=TEXT_COLOR, titleColor=TEXT_COLOR))


def trend_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The trend chart as a table: one row per year, one column per series, the chart's own labels."""
    return (frame.pivot_table(index="jaar", columns="reeks", values="tekst", aggfunc="first", sort=False)
            .reindex(columns=list(dict.fromkeys(frame["reeks"]))).reset_index().rename(columns={"jaar": "Jaar"})
            .rename_axis(columns=None))


def trend_frame(trend: pd.DataFrame, area_name: str, ref_label: str, decimals: int) -> pd.DataFrame:
    """Long frame: year, reeks, waarde (NULL unless published), status, segment, tekst."""
    rows = []
    segment = 0
    for y, v, s in zip(trend["year"], trend["value"], trend["status"]):
        ok = s == "published" and pd.notna(v)
        if not ok:
            segment += 1
        rows.append({"jaar": str(int(y)), "reeks": area_name, "waarde": float(v) if ok else None,
                     "status": "gepubliceerd" if ok else statuses.of(s).label,
                     "segment": f"a{segment}", "tekst": statuses.cell_text(v, s, decimals)})
    for y, r in zip(trend["year"], trend["reference"]):
        ok = pd.notna(r)
        rows.append({"jaar": str(int(y)), "reeks": REF_PREFIX + ref_label, "waarde": float(r) if ok else None,
                     "status": "referentie", "segment": "ref", "tekst": fmt(r, decimals) if ok else "."})
    return pd.DataFrame(rows)


AREA_COLOR = "#c0392b"       # the chosen area, on every trend chart
REFERENCE_COLOR = "#555555"  # its reference


def trend_chart(frame: pd.DataFrame, unit: str) -> alt.LayerChart:
    base = alt.Chart(frame).encode(x=alt.X("jaar:O", title="Jaar"))
    # An explicit domain: without it Vega sorts the series names, so an area named after "Referentie: ..."
    # (Rotterdam, Utrecht, ...) took the reference's grey and the reference the area's red.
    series = list(dict.fromkeys(frame["reeks"]))
    area = [r for r in series if not str(r).startswith(REF_PREFIX)]
    refs = [r for r in series if str(r).startswith(REF_PREFIX)]
    color = alt.Color("reeks:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=260, columns=1), sort=area + refs,
                      scale=alt.Scale(domain=area + refs,
                                      range=[AREA_COLOR] * len(area) + [REFERENCE_COLOR] * len(refs)))
    valid = alt.datum.waarde != None  # noqa: E711 - Vega expression
    line = base.mark_line(point=True).encode(
        y=alt.Y("waarde:Q", title=unit), color=color, detail="segment:N",
        tooltip=[alt.Tooltip("reeks:N", title="Reeks"), alt.Tooltip("jaar:O", title="Jaar"),
                 alt.Tooltip("tekst:N", title="Waarde")],
    ).transform_filter(valid)
    gaps = base.transform_filter(~valid).mark_text(fontSize=16, fontWeight="bold", color="#666", dy=0).encode(
        y=alt.value(12), text="tekst:N",
        tooltip=[alt.Tooltip("reeks:N", title="Reeks"), alt.Tooltip("jaar:O", title="Jaar"),
                 alt.Tooltip("status:N", title="Status")],
    )
    return alt.layer(line, gaps).properties(height=280)


def _wrapped(title: str, width: int = 48) -> list[str]:
    """An axis title in lines of at most `width` characters: Vega cuts a long one off."""
    lines, line = [], ""
    for word in title.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


def combine_scatter(frame: pd.DataFrame, x_title: str, y_title: str, highlight: set[str],
                    log: bool = False) -> alt.LayerChart:
    """Published pairs only; median reference lines; the chosen gemeente's areas highlighted; a brush.
    log: symmetric-log axes, so a few outliers do not squash the other points (0 stays on the axis)."""
    pub = frame[frame["pair_status"] == "published"]
    data = pd.DataFrame({"area_code": pub["area_code"], "gebied": pub["name"], "x": pub["x"], "y": pub["y"],
                         "gekozen": ["gekozen gemeente" if (c in highlight or g in highlight) else "overig"
                                     for c, g in zip(pub["area_code"], pub["gemeente_code"])]})
    brush = alt.selection_interval(name="brush", encodings=["x", "y"])
    scale = alt.Scale(type="symlog") if log else alt.Scale(zero=False)
    base = alt.Chart(data)
    points = base.mark_circle(size=28, opacity=0.7).encode(
        x=alt.X("x:Q", title=_wrapped(x_title), scale=scale),
        y=alt.Y("y:Q", title=_wrapped(y_title, 40), scale=scale),
        color=alt.condition(brush, alt.Color("gekozen:N", title=None,
                                             scale=alt.Scale(domain=["gekozen gemeente", "overig"],
                                                             range=["#c0392b", "#4a6fa5"]),
                                             # one gemeente's own areas: every point is "its", no legend
                                             legend=alt.Legend(orient="bottom") if highlight else None),
                            alt.value("#cccccc")),
        tooltip=[alt.Tooltip("gebied:N", title="Gebied"), alt.Tooltip("x:Q", title="X", format=",.2f"),
                 alt.Tooltip("y:Q", title="Y", format=",.2f")],
    ).add_params(brush)
    chosen = base.transform_filter(alt.datum.gekozen == "gekozen gemeente").mark_circle(
        size=60, color="#c0392b", stroke="black", strokeWidth=0.6).encode(x=alt.X("x:Q", scale=scale),
                                                                         y=alt.Y("y:Q", scale=scale))
    layers = [points, chosen]
    if len(pub):
        med = pd.DataFrame({"mx": [float(pub["x"].median())], "my": [float(pub["y"].median())]})
        layers.append(alt.Chart(med).mark_rule(strokeDash=[4, 4], color="#555").encode(x="mx:Q"))
        layers.append(alt.Chart(med).mark_rule(strokeDash=[4, 4], color="#555").encode(y="my:Q"))
    # Canvas, not SVG: Vega re-created ~2,000 SVG circles on every year change (seconds in the browser).
    return alt.layer(*layers).properties(height=420, usermeta={"embedOptions": {"renderer": "canvas"}})


def breakdown_chart(frame: pd.DataFrame, area_name: str, ref_label: str) -> alt.LayerChart:
    """Paired bars per class: the area's share and its reference's share (%). A suppressed class of the
    area has no bar (never a bar of 0) but an "x" at the start of its row; only published shares are
    in the chart's data."""
    area_series, ref_series = area_name, REF_PREFIX + ref_label
    rows = []
    for klasse, share, status, ref in zip(frame["klasse"], frame["aandeel"], frame["status"], frame["referentie"]):
        ok = status == statuses.PUBLISHED and share is not None and share == share
        rows.append({"klasse": klasse, "reeks": area_series, "aandeel": float(share) if ok else None,
                     "tekst": (fmt(share, 1) + " %") if ok else statuses.of(status).symbol})
        has_ref = ref is not None and ref == ref
        rows.append({"klasse": klasse, "reeks": ref_series, "aandeel": float(ref) if has_ref else None,
                     "tekst": (fmt(ref, 1) + " %") if has_ref else "."})
    data = pd.DataFrame(rows)
    order = list(dict.fromkeys(frame["klasse"]))
    color = alt.Color("reeks:N", title=None, legend=alt.Legend(orient="bottom", columns=1, labelLimit=260), sort=[area_series, ref_series],
                      scale=alt.Scale(domain=[area_series, ref_series], range=[AREA_COLOR, REFERENCE_COLOR]))
    base = alt.Chart(data).encode(y=alt.Y("klasse:N", title=None, sort=order),
                                  yOffset=alt.YOffset("reeks:N", sort=[area_series, ref_series]))
    valid = alt.datum.aandeel != None  # noqa: E711 - Vega expression
    bars = base.transform_filter(valid).mark_bar().encode(
        x=alt.X("aandeel:Q", title="% van het totaal", scale=alt.Scale(domain=[0, 100])), color=color,
        tooltip=[alt.Tooltip("klasse:N", title="Klasse"), alt.Tooltip("reeks:N", title="Reeks"),
                 alt.Tooltip("tekst:N", title="Aandeel")])
    secret = base.transform_filter(~valid).mark_text(align="left", dx=4, fontSize=14, fontWeight="bold",
                                                     color=TEXT_COLOR).encode(
        x=alt.value(0), text="tekst:N",
        tooltip=[alt.Tooltip("klasse:N", title="Klasse"), alt.Tooltip("reeks:N", title="Reeks"),
                 alt.Tooltip("tekst:N", title="Status")])
    return alt.layer(bars, secret).properties(height=60 * len(order))
