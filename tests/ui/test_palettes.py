"""Map and chart colours stay apart for people with a colour-vision deficiency (issue 14).

Each palette is seen through the Machado et al. (2009) simulation of protanopia, deuteranopia and
tritanopia (severity 1, applied in linear RGB), and colours that must be told apart are compared in
CIELAB by CIEDE2000 (about 1 is one just-noticeable difference). Colour is never the only
carrier (every map has its table, every class its text), so these thresholds ask that the colours
help, not that they carry everything: neighbouring classes of the sequential palette at least 10
apart, every two cells of the 3x3 bivariate palette at least 7, "geheim" at least 10 from every
class (it is a state, not a value) and "geen waarde" (white or the lightest grey: the map's "nothing")
at least 4.
"""
from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
import pytest

from ui import combine_page, maps
from zoo_core import report

REPO = Path(__file__).resolve().parents[2]
MACHADO = {
    "normaal": np.eye(3),
    "protanopie": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopie": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopie": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _linear(rgb):
    c = np.asarray(rgb, dtype=float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(rgb, deficiency: str):
    return _lab(np.clip(MACHADO[deficiency] @ _linear(rgb), 0, 1))


def distance(a, b, deficiency: str) -> float:
    return ciede2000(seen(a, deficiency), seen(b, deficiency))


def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_mean = h1p + h2p
    if c1p * c2p:
        h_mean = (h1p + h2p) / 2 if abs(h1p - h2p) <= 180 else ((h1p + h2p + 360) / 2 if h1p + h2p < 360
                                                                 else (h1p + h2p - 360) / 2)
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    sc, sh = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    rt = (-2 * np.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7))
          * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))))
    return float(np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh)))


def _hex(h: str):
    """#rrggbb or #rgb as [r, g, b]."""
    if len(h) == 4:
        h = "#" + "".join(c * 2 for c in h[1:])
    return [int(h[i:i + 2], 16) for i in (1, 3, 5)]


def test_ciede2000_matches_the_published_test_data():
    # Sharma, Wu and Dalal (2005), table 1: pairs 1, 7 and 17.
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_simulation_is_not_the_identity():
    # The check can fail: pure red and green, far apart normally, nearly meet under deuteranopia.
    assert distance([200, 0, 0], [0, 140, 0], "normaal") > 60
    assert distance([200, 0, 0], [0, 140, 0], "deuteranopie") < 5


@pytest.mark.parametrize("deficiency", list(MACHADO))
def test_choropleth_classes_stay_apart(deficiency):
    gaps = [distance(a, b, deficiency) for a, b in zip(maps.PALETTE, maps.PALETTE[1:])]
    assert min(gaps) >= 10, gaps
    assert min(distance(maps.SUPPRESSED_COLOR, c, deficiency) for c in maps.PALETTE) >= 10
    assert min(distance(maps.MISSING_COLOR, c, deficiency) for c in maps.PALETTE) >= 4


@pytest.mark.parametrize("deficiency", list(MACHADO))
def test_bivariate_cells_stay_apart(deficiency):
    colours = dict(combine_page.BIVARIATE)
    worst = min((distance(a, b, deficiency), ka, kb)
                for (ka, a), (kb, b) in itertools.combinations(colours.items(), 2))
    assert worst[0] >= 7, worst
    assert min(distance(combine_page.GEHEIM_COLOR, c, deficiency) for c in colours.values()) >= 10
    assert min(distance(combine_page.MISSING_COLOR, c, deficiency) for c in colours.values()) >= 4


@pytest.mark.parametrize("deficiency", list(MACHADO))
def test_significance_colours_stay_apart(deficiency):
    shown = [_hex(report.COLORS[key]) for key, _ in report.LEGEND]
    worst = min(distance(a, b, deficiency) for a, b in itertools.combinations(shown, 2))
    assert worst >= 7, worst


# --- WCAG contrast ratio (1.4.3 text, 1.4.11 non-text) --------------------------------------------

def contrast(a, b) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours (0-255)."""
    def luminance(rgb):
        c = np.asarray(rgb[:3], dtype=float) / 255
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_matches_the_wcag_examples():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21.0)
    assert contrast(_hex("#767676"), [255, 255, 255]) == pytest.approx(4.54, abs=0.01)
    assert contrast(_hex("#949494"), [255, 255, 255]) == pytest.approx(3.03, abs=0.01)


MAP_FILLS = ([*maps.PALETTE, maps.SUPPRESSED_COLOR, maps.MISSING_COLOR]
             + list(combine_page.BIVARIATE.values()) + [combine_page.GEHEIM_COLOR, combine_page.MISSING_COLOR])


@pytest.mark.parametrize("line", [maps.OUTLINE_COLOR, combine_page.BRUSH_COLOR, (20, 20, 160)], ids=str)
def test_outlines_and_selections_stand_out_on_every_fill(line):
    """A gemeente outline or a selection is a dark line on a white halo: on every fill one of the two
    reaches 3:1, and the line stands out from its own halo."""
    assert contrast(line, maps.HALO_COLOR) >= 3
    worst = min((max(contrast(line, fill), contrast(maps.HALO_COLOR, fill)), tuple(fill)) for fill in MAP_FILLS)
    assert worst[0] >= 3, worst


def test_legend_swatches_and_widget_borders_stand_out_from_the_page():
    white = [255, 255, 255]
    assert contrast(_hex(maps.SWATCH_BORDER), white) >= 3
    theme = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["theme"]
    border = _hex(theme["borderColor"])
    widget_fill = _hex("#f8f8f7")  # Streamlit's light secondaryBackgroundColor: the inside of a selectbox
    assert contrast(border, white) >= 3 and contrast(border, widget_fill) >= 3
    assert theme.get("showWidgetBorder", True) is True
    assert contrast(_hex(theme["textColor"]), white) >= 4.5  # captions (faded text) are checked by axe


@pytest.mark.parametrize("cell", sorted(combine_page.BIVARIATE))
def test_the_count_in_each_legend_cell_is_readable(cell):
    # The legend writes the number of areas of each class in its cell (0.7rem text: 4.5:1 is required).
    background = combine_page.BIVARIATE[cell]
    html = combine_page.legend_html("X", "Y", [1, 2], [1, 2], _Decimals(), _Decimals(), {cell: 7})
    text = html.split(f"background:rgb{tuple(background)};")[1].split("color:")[1].split("'")[0]
    assert contrast(_hex(text), background) >= 4.5, (cell, text)


class _Decimals:
    decimals = 1
