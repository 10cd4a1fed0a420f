"""The meeting-ready profile report: one self-contained HTML file (no scripts, no external requests).

The dot chart is an inline SVG generated here, so the file opens offline and prints as it looks.
Only published values enter the file: suppressed rows carry the text "x — geheim" and no number;
the reference is an aggregate over published cells only. Every string is HTML-escaped.
"""
from __future__ import annotations

import datetime as _dt
import html
import math
import re

import pandas as pd

from . import numbers, stats, statuses
from .profile import CAVEAT, Profile, ProfileRow, fmt

COLORS = {
    "hoger_998": "#a50f15", "hoger_95": "#fb6a4a",
    "lager_998": "#08519c", "lager_95": "#6baed6",
    "geen": "#969696", "nvt": "#ffffff",
}
LEGEND = [("hoger_998", "hoger (99,8%)"), ("hoger_95", "hoger (95%)"), ("geen", "geen significant verschil"),
          ("lager_95", "lager (95%)"), ("lager_998", "lager (99,8%)"), ("nvt", "niet getoetst (aantal, gemiddelde, euro's)")]
# Direction is in the shape as well as the colour (WCAG 1.4.1); the same marks on screen, in print and here.
SHAPES = {"hoger_998": "triangle-up", "hoger_95": "triangle-up", "geen": "circle",
          "lager_95": "triangle-down", "lager_998": "triangle-down", "nvt": "square"}
_CORNERS = {"triangle-up": ((0, -6), (6, 5), (-6, 5)), "triangle-down": ((-6, -5), (6, -5), (0, 6)),
            "square": ((-5, -5), (5, -5), (5, 5), (-5, 5))}
X_MIN, X_MAX = 25.0, 400.0          # index axis (log scale), clamped
TICKS = (25, 50, 75, 100, 150, 200, 400)
DEMO_LABEL = ("DEMO-cijfers: de cijfers over ondermijning in dit rapport zijn door zoo gegenereerd op echte "
              "CBS-gebieden en -bevolking. Ze zeggen niets over de echte gemeente.")

CSS = """
body{font-family:Liberation Sans,Arial,Helvetica,sans-serif;color:#222;margin:24px auto;max-width:1000px;line-height:1.4}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.15rem;margin:24px 0 6px;border-bottom:1px solid #ccc}
.demo{border:2px solid #b35900;background:#fff4e5;color:#7a3d00;padding:8px 12px;font-weight:bold;margin:12px 0}
.meta{color:#555;font-size:.9rem}.caveat{font-style:italic;color:#444}
table{border-collapse:collapse;width:100%;font-size:.82rem}th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}
td.n{text-align:right;white-space:nowrap}tr.sup td{color:#555}
.legend span{display:inline-block;margin-right:14px;font-size:.82rem}
ol li{margin-bottom:4px}svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}
 .chart,table,li{break-inside:avoid}tr{break-inside:avoid}.demo{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:#222;text-decoration:none}
 @page{size:A4;margin:14mm}}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _x(index: float, left: float, width: float) -> float:
    i = min(max(index, X_MIN), X_MAX)
    return left + (math.log(i) - math.log(X_MIN)) / (math.log(X_MAX) - math.log(X_MIN)) * width


def marker_svg(sig: str, cx: float, cy: float, inner: str = "", css_class: str = "dot") -> str:
    """The significance mark centred on (cx, cy), about 12 px across; `inner` goes inside (a <title>)."""
    fill, shape = COLORS.get(sig, "#fff"), SHAPES.get(sig, "circle")
    paint = f'fill="{fill}" stroke="#333" stroke-width="1"'
    if shape == "circle":
        return f'<circle class="{css_class}" cx="{cx:.1f}" cy="{cy:.1f}" r="5" {paint}>{inner}</circle>'
    points = " ".join(f"{cx + dx:.1f},{cy + dy:.1f}" for dx, dy in _CORNERS[shape])
    return f'<polygon class="{css_class}" points="{points}" {paint}>{inner}</polygon>'


def legend_marks_html() -> str:
    """The significance legend as inline HTML: each mark as a small SVG, then its text."""
    items = []
    for key, text in LEGEND:
        mark = marker_svg(key, 7, 7.5, css_class="legend-mark")
        items.append(f'<span style="white-space:nowrap;margin-right:1.2em"><svg width="14" height="14" '
                     f'aria-hidden="true" style="vertical-align:-2px;margin-right:4px">{mark}</svg>{_e(text)}</span>')
    return "".join(items)


def dot_chart_svg(rows: list[ProfileRow], width: int = 960) -> str:
    """Index (reference = 100, log scale) per indicator: a dot coloured by significance, the 95 % interval
    as a line; suppressed rows say "x — geheim" and have no mark on the axis."""
    label_w, value_w, row_h, top = 360, 150, 18, 28
    plot_w = width - label_w - value_w - 20
    height = top + row_h * len(rows) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="Afwijking per indicator ten opzichte van de referentie" font-size="11" '
           f'font-family="Liberation Sans,Arial,sans-serif">']
    bottom = top + row_h * len(rows)
    for t in TICKS:
        x = _x(t, label_w, plot_w)
        stroke = "#333" if t == 100 else "#ddd"
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}" '
                   f'stroke-width="{1.5 if t == 100 else 1}"/>')
        out.append(f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="#555">{t}</text>')
    out.append(f'<text x="{label_w + plot_w / 2:.1f}" y="{bottom + 22}" text-anchor="middle" fill="#333">'
               f'index (referentie = 100, logaritmische schaal; buiten {int(X_MIN)}–{int(X_MAX)} afgekapt)</text>')
    out.append(f'<text x="{width - value_w + 4}" y="{top - 10}" fill="#555">waarde</text>')
    theme = None
    for n, r in enumerate(rows):
        y = top + n * row_h + row_h / 2
        if n % 2 == 0:
            out.append(f'<rect x="0" y="{y - row_h / 2:.1f}" width="{width}" height="{row_h}" fill="#f6f6f6"/>')
        if r.theme != theme:
            theme = r.theme
            if n:
                out.append(f'<line x1="0" y1="{y - row_h / 2:.1f}" x2="{width}" y2="{y - row_h / 2:.1f}" stroke="#999"/>')
        label = r.label if len(r.label) <= 58 else r.label[:56] + "…"
        out.append(f'<text x="4" y="{y + 4:.1f}" fill="#222"><title>{_e(r.theme_name)}: {_e(r.label)}</title>{_e(label)}</text>')
        if r.published and r.index is not None:
            if r.lo is not None and r.hi is not None and r.reference:
                x0 = _x(r.lo / r.reference * 100, label_w, plot_w)
                x1 = _x(r.hi / r.reference * 100, label_w, plot_w)
                out.append(f'<line class="ci" x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#444" stroke-width="1.5"/>')
            x = _x(r.index, label_w, plot_w)
            clipped = r.index < X_MIN or r.index > X_MAX
            out.append(marker_svg(r.sig, x, y, f'<title>{_e(r.label)}: index {_e(fmt(r.index, 0))}'
                                             f'{" (afgekapt)" if clipped else ""}; {_e(r.sig_label)}</title>'))
            text = r.value_text()
        else:
            text = statuses.of(r.status).short
        text = text if len(text) <= 26 else text[:25] + "…"
        out.append(f'<text x="{width - value_w + 4}" y="{y + 4:.1f}" fill="#333">{_e(text)}</text>')
    out.append("</svg>")
    return "".join(out)


def _markdown_bold(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", _e(text))


def _table(rows: list[ProfileRow]) -> str:
    head = ("<tr><th>Thema</th><th>Indicator</th><th>Jaar</th><th>Waarde</th><th>Referentie</th>"
            "<th>Index</th><th>95%-interval</th><th>Significantie</th></tr>")
    body = []
    for r in rows:
        if r.published:
            cells = [fmt(r.value, r.decimals), fmt(r.reference, r.decimals), fmt(r.index, 0),
                     (f"{fmt(r.lo, r.decimals)} – {fmt(r.hi, r.decimals)}" if r.lo is not None else ""),
                     r.sig_label]
            cls = ""
        else:
            cells = [statuses.SUPPRESSED_STATUS.short if r.status == statuses.SUPPRESSED else statuses.of(r.status).symbol,
                     fmt(r.reference, r.decimals), "", "", ""]
            cls = ' class="sup"'
        body.append(f"<tr{cls}><td>{_e(r.theme_name)}</td><td>{_e(r.label)}</td><td>{r.year}</td>"
                    + "".join(f'<td class="n">{_e(c)}</td>' for c in cells[:4]) + f"<td>{_e(cells[4])}</td></tr>")
    return f"<table>{head}{''.join(body)}</table>"


def html_table(frame: pd.DataFrame) -> str:
    """A table of already formatted, published cells as plain HTML (escaped): the report's, and the live
    page's printed copy of a table the screen shows as a canvas grid."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in frame.astype(str).itertuples(index=False))
    return f"<table><tr>{head}</tr>{body}</table>"


def build_report(profile: Profile, sentences: list[str], *, wijk_table: pd.DataFrame | None = None,
                 created: str | None = None) -> str:
    """The whole report as an HTML string (UTF-8, self-contained, print-friendly)."""
    created = created or _dt.date.today().isoformat()
    name = _e(profile.name)
    parts = ["<!DOCTYPE html>", '<html lang="nl"><head><meta charset="utf-8">',
             f"<title>Profiel {name} — Zicht op ondermijning (zoo){' — DEMO' if profile.demo else ''}</title>",
             f"<style>{CSS}</style></head><body>"]
    parts.append(f"<h1>Profiel van gemeente {name}</h1>")
    parts.append(f'<p class="meta">Gemeentecode {_e(profile.gemeente)} · vergeleken met {_e(profile.group.label)} '
                 f'({numbers.count(len(profile.group.members), "gemeente", "gemeenten")}) · laatste jaar per indicator · gebiedsindeling 2024 · '
                 f'gemaakt op {_e(created)} met zoo</p>')
    if profile.demo:
        parts.append(f'<div class="demo">{_e(DEMO_LABEL)}</div>')
    for note in profile.notes:
        parts.append(f"<p>{_e(note)}</p>")
    parts.append("<h2>Opvallend</h2>")
    if sentences:
        parts.append("<ol>" + "".join(f"<li>{_e(s)}</li>" for s in sentences) + "</ol>")
    else:
        parts.append("<p>Geen statistisch opvallende afwijkingen ten opzichte van de referentiegroep.</p>")
    parts.append(f'<p class="caveat">{_e(CAVEAT)}</p>')
    parts.append("<h2>Alle indicatoren ten opzichte van de referentie</h2>")
    parts.append(f'<p class="legend">{legend_marks_html()}</p>')
    parts.append(f'<div class="chart">{dot_chart_svg(list(profile.rows))}</div>')
    n_sup = len(profile.suppressed)
    if n_sup:
        parts.append(f"<p>{n_sup} indicator(en) van {name} zijn geheim (onderdrukt): x — geheim; ze staan niet als "
                     "waarde in de grafiek.</p>")
    parts.append(_table(list(profile.rows)))
    if wijk_table is not None and len(wijk_table):
        parts.append("<h2>Wijken: opvallende indicatoren (laatste jaar)</h2>")
        parts.append("<p>x = geheim (onderdrukt), . = geen waarde.</p>")
        parts.append(html_table(wijk_table))
    parts.append("<h2>Methode</h2>")
    parts.append(f"<p>{_markdown_bold(stats.METHOD_TEXT)}</p>")
    parts.append("<p>Index = waarde van de gemeente gedeeld door de referentiewaarde maal 100. Omzet per inwoner "
                 "(euro's) is geen telling en wordt in dit profiel niet getoetst. Tekens (CBS): x = geheim, "
                 ". = geen waarde.</p>")
    parts.append("<p class=\"meta\">Bron: CBS, Kadaster — gebiedsgrenzen en kerncijfers wijken en buurten 2024 "
                 "(CC BY 4.0)." + (" Cijfers over ondermijning: DEMO." if profile.demo else "") + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
