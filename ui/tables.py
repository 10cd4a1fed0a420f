"""Formatting of values (Dutch notation, CBS symbols) and the shown table / its downloads."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from zoo_core.numbers import fmt, fmt_pct  # noqa: F401 - re-exported for the pages
from zoo_core import statuses
from zoo_core.release import CBS_SYMBOL

SUPPRESSED_TEXT = statuses.SUPPRESSED_STATUS.long
MISSING_TEXT = statuses.MISSING_STATUS.long


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
    """The ranking shown on a theme page: published values high to low, then suppressed, then missing.

    Rang, Waarde, Referentie and Afwijking are numeric columns, so a click on a header in the browser
    sorts by number (as text "102,57" came before "11,21"). A cell that is not published has no value
    in them (None, never 0); what it is instead stands in Status ("x — geheim (onderdrukt)" / ". — geen
    waarde"). The Dutch notation is added for display by `ranking_view`.
    """
    order = {"published": 0, "suppressed": 1}
    f = frame.assign(_o=frame["status"].map(order).fillna(2)).sort_values(
        ["_o", "value", "name"], ascending=[True, False, True], na_position="last")
    pub = [s == "published" and v is not None and not pd.isna(v) for v, s in zip(f["value"], f["status"])]
    out = pd.DataFrame({
        "Rang": pd.array([i + 1 if ok else None for i, ok in enumerate(pub)], dtype="Int64"),
        "Gebied": f["name"].to_numpy(),
        "Code": f["area_code"].to_numpy(),
        "Waarde": pd.array([float(v) if ok else None for v, ok in zip(f["value"], pub)], dtype="Float64"),
        # rounded as shown: a click sorts by what is seen, and no 17-digit float goes to the browser
        "Referentie": pd.array([round(float(r), decimals) if pd.notna(r) else None for r in f["reference"]],
                               dtype="Float64"),
        "Afwijking": pd.array([round(float(d), 1) if ok and d is not None and pd.notna(d) else None
                               for d, ok in zip(f["deviation"], pub)], dtype="Float64"),
        "Significantie": [lbl if ok else "" for lbl, ok in zip(f["sig_label"], pub)],
        "Status": ["" if ok else status_text(s) for ok, s in zip(pub, f["status"])],
    })
    return out.reset_index(drop=True)


def status_text(status: str) -> str:
    """The CBS symbol of a cell that is not published, with its meaning."""
    return SUPPRESSED_TEXT if status == "suppressed" else MISSING_TEXT


def dutch_numbers(frame: pd.DataFrame, decimals: dict[str, int], percent: tuple[str, ...] = ()):
    """A Styler showing the given numeric columns in Dutch notation (1.234,5; `percent` ones as +12,3%);
    the data stay numbers, so st.dataframe still sorts them as numbers. An empty cell stays empty, never 0.
    (One format() call: a second one resets the columns it does not name.)"""
    def num(d):
        return lambda v: "" if v is None or pd.isna(v) else fmt(v, d)
    formats = {col: num(d) for col, d in decimals.items()}
    formats.update({col: (lambda v: "" if v is None or pd.isna(v) else fmt_pct(v)) for col in percent})
    return frame.style.format(formats)


def ranking_view(ranked: pd.DataFrame, decimals: int, unit: str):
    """(Styler, column_config) for st.dataframe: Dutch notation for display (1.234,56; +12,3%) while the
    cells stay numbers, so sorting in the browser is numeric. A column_config number format cannot do
    this: printf formats have a decimal point and "localized" follows the visitor's browser language."""
    styler = dutch_numbers(ranked, {"Rang": 0, "Waarde": decimals, "Referentie": decimals}, percent=("Afwijking",))
    config = {
        "Rang": st.column_config.NumberColumn("Rang", help="1 = hoogste gepubliceerde waarde"),
        "Waarde": st.column_config.NumberColumn("Waarde", help=unit or None),
        "Referentie": st.column_config.NumberColumn("Referentie", help="Waarde van de referentiegroep"),
        "Afwijking": st.column_config.NumberColumn("Afwijking", help="Afwijking van de referentie in %"),
        "Status": st.column_config.TextColumn("Status", help="x = geheim (onderdrukt), . = geen waarde",
                                             width="medium"),
    }
    return styler, config


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
