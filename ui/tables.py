"""Formatting of values (Dutch notation, CBS symbols) and the shown table / its downloads."""
from __future__ import annotations

import io
import math

import pandas as pd

from zoo_core.numbers import fmt, fmt_pct  # noqa: F401 - re-exported for the pages
from zoo_core.release import CBS_SYMBOL

SUPPRESSED_TEXT = "x — geheim (onderdrukt)"
MISSING_TEXT = ". — geen waarde"


def symbol(status: str) -> str:
    return CBS_SYMBOL.get(status, ".")


def value_text(value, status: str, decimals: int, unit: str = "") -> str:
    """What a person sees for one cell: the number, or the CBS symbol with its meaning."""
    if status == "suppressed":
        return SUPPRESSED_TEXT
    if status != "published" or value is None or pd.isna(value):
        return MISSING_TEXT
    return fmt(value, decimals) + (f" {unit}" if unit else "")


def ranking(frame: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The ranking shown on a theme page: published values high to low, then suppressed, then missing."""
    order = {"published": 0, "suppressed": 1}
    f = frame.assign(_o=frame["status"].map(order).fillna(2)).sort_values(
        ["_o", "value", "name"], ascending=[True, False, True], na_position="last")
    out = pd.DataFrame({
        "Rang": [str(i + 1) if s == "published" else "" for i, s in enumerate(f["status"])],
        "Gebied": f["name"].to_numpy(),
        "Code": f["area_code"].to_numpy(),
        "Waarde": [value_text(v, s, decimals) for v, s in zip(f["value"], f["status"])],
        "Referentie": [fmt(r, decimals) for r in f["reference"]],
        "Afwijking": [fmt_pct(d) if s == "published" else "" for d, s in zip(f["deviation"], f["status"])],
        "Significantie": [lbl if s == "published" else "" for lbl, s in zip(f["sig_label"], f["status"])],
        "Status": [symbol(s) if s != "published" else "" for s in f["status"]],
    })
    return out.reset_index(drop=True)


def export_frame(frame: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """Exactly the shown table for download: suppressed as `x`, missing as `.`, numbers otherwise."""
    rows = frame.sort_values("area_code")
    def cell(v, s):
        return v if s == "published" and v is not None and not pd.isna(v) else symbol(s)
    return pd.DataFrame({
        "gebiedscode": rows["area_code"].to_numpy(),
        "gebied": rows["name"].to_numpy(),
        "indicator": meta["indicator"],
        "jaar": meta["year"],
        "branche": meta.get("sbi", ""),
        "eenheid": meta["unit"],
        "waarde": [cell(v, s) for v, s in zip(rows["value"], rows["status"])],
        "referentie": [r if s == "published" and pd.notna(r) else "" for r, s in zip(rows["reference"], rows["status"])],
        "referentiegroep": meta["reference"],
        "afwijking_pct": [round(d, 1) if s == "published" and d is not None and pd.notna(d) else ""
                          for d, s in zip(rows["deviation"], rows["status"])],
        "significantie": [lbl if s == "published" else "" for lbl, s in zip(rows["sig_label"], rows["status"])],
        "bron": meta["source"],
    })


def to_csv(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode("utf-8")


def to_excel(table: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, index=False, sheet_name="zoo")
    return buf.getvalue()
