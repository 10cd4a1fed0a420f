"""The drugs page's "Woon- versus pleeggemeente" section: tables and arcs from published flows only."""
from __future__ import annotations

import json

import duckdb

from ui import flow_view
from zoo_core import catalogue

from .apptest_util import all_text, decks, open_page

MARK = "987654"
FLOW = catalogue.FLOWS["dr_woon_pleeg"]
MAP_OPEN = {flow_view.map_key("drugs"): True}


def _flow_tables(at):
    return [df.value for df in at.dataframe if df.value.columns[0] in ("Pleeggemeente", "Woongemeente")]


def test_rotterdam_sees_its_flows_with_x_for_secret_ones(release_db, monkeypatch):
    monkeypatch.setenv("ZOO_DB", str(release_db))
    at = open_page("drugs", {"gemeente": "GM0599", "year": "2024"}, state=MAP_OPEN)
    assert not at.exception
    assert any("Woon- versus pleeggemeente" in m.value for m in at.markdown)
    outgoing, incoming = _flow_tables(at)
    con = duckdb.connect(str(release_db), read_only=True)
    truth = con.execute("SELECT pleeg_code, value, status FROM flows WHERE flow = ? AND year = 2024 AND woon_code = "
                        "'GM0599'", [FLOW.code]).df()
    column_total = con.execute("SELECT value FROM flows WHERE flow = ? AND year = 2024 AND woon_code = ? AND "
                               "pleeg_code = 'GM0599' AND status = 'published'", [FLOW.code, FLOW.ALL]).fetchone()[0]
    row_total = con.execute("SELECT value FROM cells WHERE indicator = ? AND year = 2024 AND area_code = 'GM0599' AND "
                            "status = 'published'", [FLOW.total]).fetchone()[0]
    con.close()

    def dutch(value: float) -> str:
        return f"{int(value):,}".replace(",", ".")

    assert len(outgoing) == len(truth) + 1
    assert outgoing.iloc[0].tolist() == ["Rotterdam (eigen gemeente)", dutch(truth.set_index('pleeg_code').loc['GM0599', 'value'])]
    assert outgoing.iloc[-1].tolist() == ["Totaal", dutch(row_total)]
    assert (outgoing["Verdachten"] == "x").sum() == (truth["status"] == "suppressed").sum()
    assert len(incoming) > 300  # every woongemeente lists Rotterdam
    assert incoming.iloc[-1].tolist() == ["Totaal", dutch(column_total)]
    assert incoming.iloc[-2, 0] == "overige gemeenten" and incoming.iloc[0].tolist() == outgoing.iloc[0].tolist()
    headings = [m.value for m in at.markdown if m.value.startswith("**Waar ")]  # the grid scrolls; its heading holds the total
    assert headings == [f"**Waar inwoners van Rotterdam het delict pleegden** (totaal {dutch(row_total)})",
                        f"**Waar verdachten met een delict in Rotterdam wonen** (totaal {dutch(column_total)})"]
    arcs = next(layer for d in decks(at) for layer in d["layers"] if layer["@@type"] == "ArcLayer")
    assert 0 < len(arcs["data"]) <= 40
    assert all("verdachten" in a["t"] for a in arcs["data"])


def test_no_secret_flow_reaches_the_page(poisoned_db, monkeypatch):
    monkeypatch.setenv("ZOO_DB", str(poisoned_db))
    con = duckdb.connect(str(poisoned_db), read_only=True)
    gemeente = con.execute("SELECT woon_code FROM flows WHERE status = 'suppressed' AND woon_code LIKE 'GM%' "
                           "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    con.close()
    for year in ("2019", "2024"):
        at = open_page("drugs", {"gemeente": gemeente, "year": year}, state=MAP_OPEN)
        assert not at.exception
        outgoing, _ = _flow_tables(at)
        assert (outgoing["Verdachten"] == "x").any()  # the view shows secret flows: the check below can fail
        text = all_text(at)
        assert MARK not in text, (gemeente, year)
        assert MARK not in json.dumps([d for d in decks(at)])


def test_the_arc_map_is_drawn_once_its_panel_is_opened(release_db, monkeypatch):
    """A second map on the page costs its first frame in the browser: the arcs wait in a closed panel."""
    monkeypatch.setenv("ZOO_DB", str(release_db))
    at = open_page("drugs", {"gemeente": "GM0599", "year": "2024"})
    assert not at.exception
    assert [e.label for e in at.expander if e.label == "Kaart van de stromen"]
    assert not [layer for d in decks(at) for layer in d["layers"] if layer["@@type"] == "ArcLayer"]
    assert len(_flow_tables(at)) == 2  # the tables are there without the map
    at.session_state[flow_view.map_key("drugs")] = True
    at.run()
    assert [layer for d in decks(at) for layer in d["layers"] if layer["@@type"] == "ArcLayer"]
