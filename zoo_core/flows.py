"""Woon- versus pleeggemeente: the published flows of one gemeente, outgoing and incoming.

Only published cells carry a number; a suppressed flow is x, never 0 and never a share. The share of
residents with an offence elsewhere is the published percentage indicator of the flow table (its
cell, as the release has it), not a sum of flows, so it exists exactly where the theme pages show it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import catalogue, statuses
from .numbers import fmt

COLUMNS = ["code", "naam", "waarde", "status"]


@dataclass(frozen=True)
class FlowView:
    # COLUMNS, each ending with the row "Totaal" (code FlowTable.ALL):
    outgoing: pd.DataFrame   # where residents of the gemeente committed the offence (own gemeente first)
    incoming: pd.DataFrame   # where those with an offence in the gemeente live (own gemeente first)
    elsewhere: tuple[float | None, str]  # the published share elsewhere (%) and its status


def view(rel, flow: catalogue.FlowTable, gemeente: str, year: int, names: dict[str, str]) -> FlowView:
    """`names`: gemeente code -> name. Rows sorted by published value (largest first), then the x rows,
    then "overige gemeenten", then the total: of the row, the published count of drugsverdachten living
    in the gemeente; of the column, the published column total (everyone with the offence there)."""
    cells = rel.flows(flow.code, gemeente, year)

    def frame(rows: pd.DataFrame, code_column: str) -> pd.DataFrame:
        out = pd.DataFrame({"code": rows[code_column].to_numpy(), "waarde": rows["value"].to_numpy(),
                            "status": rows["status"].to_numpy()})
        out["naam"] = [("overige gemeenten" if c == flow.OTHER else names.get(c, c)) for c in out["code"]]
        order = out.assign(_hidden=out["status"] != statuses.PUBLISHED, _other=out["code"] == flow.OTHER,
                           _v=-out["waarde"].fillna(0.0))
        order = order.sort_values(["_other", "_hidden", "_v", "naam"], kind="stable")
        return order[COLUMNS].reset_index(drop=True)

    def total(value: float | None, status: str) -> pd.DataFrame:
        return pd.DataFrame({"code": [flow.ALL], "naam": ["Totaal"], "waarde": [value], "status": [status]})

    out = cells[cells["woon_code"] == gemeente]
    own, others = out[out["pleeg_code"] == gemeente], out[out["pleeg_code"] != gemeente]
    outgoing = pd.concat([frame(own, "pleeg_code"), frame(others, "pleeg_code")], ignore_index=True)
    if len(outgoing):
        outgoing.loc[0, "naam"] = f"{names.get(gemeente, gemeente)} (eigen gemeente)"
        outgoing = pd.concat([outgoing, total(*_cell(rel.cells_for_areas(flow.total, [gemeente], year=year)))],
                             ignore_index=True)
    into = cells[cells["pleeg_code"] == gemeente]
    incoming = pd.concat([frame(own, "woon_code"), frame(into[~into["woon_code"].isin([gemeente, flow.ALL])], "woon_code")],
                         ignore_index=True)
    if len(own):
        incoming.loc[0, "naam"] = outgoing.loc[0, "naam"]
    column_total = into[into["woon_code"] == flow.ALL]
    if len(column_total):
        incoming = pd.concat([incoming, total(*_cell(column_total))], ignore_index=True)
    return FlowView(outgoing, incoming, _cell(rel.cells_for_areas(flow.elsewhere, [gemeente], year=year)))


def _cell(frame: pd.DataFrame) -> tuple[float | None, str]:
    """(value, status) of a one-cell frame as the release has it; missing when there is no cell."""
    if frame.empty:
        return None, statuses.MISSING
    status = str(frame["status"].iloc[0])
    return (float(frame["value"].iloc[0]) if status == statuses.PUBLISHED else None), status


def as_table(frame: pd.DataFrame, place_label: str) -> pd.DataFrame:
    """For the page and its download: x for a suppressed flow."""
    return pd.DataFrame({place_label: frame["naam"],
                         "Verdachten": [statuses.cell_text(v, s, 0) for v, s in zip(frame["waarde"], frame["status"])]})


def total_text(frame: pd.DataFrame, flow: catalogue.FlowTable) -> str | None:
    """The table's "Totaal" row as shown (x when suppressed); None for a table without one."""
    total = frame[frame["code"] == flow.ALL]
    return None if total.empty else statuses.cell_text(total["waarde"].iloc[0], total["status"].iloc[0], 0)


def share_text(elsewhere: tuple[float | None, str], decimals: int = 1) -> str:
    value, status = elsewhere
    return fmt(value, decimals) + " %" if value is not None else statuses.of(status).short
