"""Breakdowns (kenmerken): the classes of one area against its reference group, from published cells only.

A class share is the class count over the area's published total (the breakdown's margin, e.g.
drugsverdachten). The reference share is the anchor's own published cells where the group has one
(Nederland, provincie, RIEC-regio), else the sum over the member gemeenten whose every class of this
breakdown and whose total are published (so the shares of the reference add up to 100 %). A suppressed
class has no value and no share: it is its own state, never 0.
"""
from __future__ import annotations

import pandas as pd

from . import catalogue, statuses
from .numbers import fmt
from .reference import Group

COLUMNS = ["klasse", "code", "waarde", "status", "aandeel", "referentie"]


def _cells(rel, ind: catalogue.Indicator, year: int, areas: list[str]) -> pd.DataFrame:
    """Published class cells of `areas`: area_code x class code -> value (NaN unless published), status."""
    frames = []
    for code in catalogue.BREAKDOWNS[ind.breakdown].class_codes:
        frame = rel.cells_for_areas(ind.code, areas, sbi=code, year=year)
        frames.append(frame.assign(sbi=code))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def view(rel, ind: catalogue.Indicator, year: int, area: str, group: Group) -> tuple[pd.DataFrame, str]:
    """One row per class: label, class code, the area's value and status, its share (%) and the
    reference share (%). Returns (frame, Dutch note on how the reference was made)."""
    breakdown = catalogue.BREAKDOWNS[ind.breakdown]
    total = catalogue.breakdown_total(ind)
    classes = breakdown.class_codes
    anchor = group.anchor
    areas = [area] + ([anchor] if anchor else list(group.members))
    cells = _cells(rel, ind, year, areas)
    totals = rel.cells_for_areas(total.code, areas, year=year).set_index("area_code")
    value = {(a, c): v for a, c, v, s in zip(cells["area_code"], cells["sbi"], cells["value"], cells["status"])
             if s == "published" and pd.notna(v)}
    status = {(a, c): s for a, c, s in zip(cells["area_code"], cells["sbi"], cells["status"])}
    total_of = {a: float(v) for a, v, s in zip(totals.index, totals["value"], totals["status"])
                if s == "published" and pd.notna(v)}

    def shares(members: list[str]) -> tuple[dict[str, float], int]:
        used = [m for m in members if m in total_of and all((m, c) in value for c in classes)]
        denominator = sum(total_of[m] for m in used)
        if not used or denominator <= 0:
            return {}, len(used)
        return {c: 100 * sum(value[(m, c)] for m in used) / denominator for c in classes}, len(used)

    reference, n_used = shares([anchor] if anchor else [m for m in group.members if m != area])
    if anchor:
        note = (f"Referentie: de gepubliceerde verdeling van {group.label}." if reference else
                f"Geen referentie: de verdeling van {group.label} is (deels) geheim.")
    else:
        n_members = len([m for m in group.members if m != area])
        note = (f"Referentie: {group.label}, berekend over {n_used} van {n_members} gemeenten waarvan alle klassen "
                "en het totaal gepubliceerd zijn.")
    own_total = total_of.get(area)
    rows = []
    for code in classes:
        v = value.get((area, code))
        share = 100 * v / own_total if v is not None and own_total else None
        rows.append({"klasse": breakdown.label(code), "code": code, "waarde": v,
                     "status": status.get((area, code), "missing"), "aandeel": share,
                     "referentie": reference.get(code)})
    return pd.DataFrame(rows, columns=COLUMNS), note


def as_table(frame: pd.DataFrame, area_name: str, ref_label: str) -> pd.DataFrame:
    """The breakdown as a table for the page: x for a suppressed class, . for a missing one."""
    def pct(v) -> str:
        return "." if v is None or v != v else fmt(v, 1) + " %"

    return pd.DataFrame({
        "Klasse": frame["klasse"],
        f"Aantal ({area_name})": [statuses.cell_text(v, s, 0) for v, s in zip(frame["waarde"], frame["status"])],
        f"Aandeel ({area_name})": [pct(a) if s == statuses.PUBLISHED else statuses.of(s).symbol
                                   for a, s in zip(frame["aandeel"], frame["status"])],
        f"Aandeel ({ref_label})": [pct(r) for r in frame["referentie"]],
    })
