"""The gemeente profile page with AppTest: what it sends, hostile URLs, and the leak test (page + export)."""
import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from zoo_core import profile as prof, views
from zoo_core.queries import Release

from .apptest_util import all_text, deck_features, decks, open_page, vega, vega_frames, vega_text

MARK = "987654"


def test_profile_renders_everything(monkeypatch, downloads):
    at = open_page("profiel", {"gemeente": "GM0599"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and not at.warning
    assert at.title[0].value == "Profiel van Rotterdam"
    assert any("demo" in i.value.lower() for i in at.info)
    assert at.selectbox(key="profiel:ref").value == "stedelijkheid"
    text = all_text(at)
    assert "Opvallend" in text and "signaal" in text and "Significant" in text
    specs = [json.loads(el.proto.spec) for el in vega(at)]
    assert len(specs) == 2  # dot chart + wijk sparklines, both as wide as their container (reflow)
    assert all(spec["width"] == "container" and "layer" in spec for spec in specs)
    # map of the gemeente and its buurgemeenten, no basemap
    d = decks(at)
    assert len(d) == 1 and d[0].get("mapProvider") in (None,)
    names = {f["properties"]["n"] for f in deck_features(at)}
    assert "Rotterdam" in names and 3 <= len(names) <= 20
    # wijk table, and the text alternatives of the dot chart, the wijk sparklines and the map
    assert len(at.dataframe) == 4
    dots, wijken, wijk_years, neighbours = (el.value for el in at.dataframe)
    chart_rows = next(frame for frame in vega_frames(vega(at)[0]) if "rij_tekst" in frame.columns)
    assert list(dots["Indicator"]) == list(chart_rows["indicator"])  # every row of the chart
    assert set(neighbours["Gemeente"]) == names and neighbours["Rol"].iloc[0] == "gekozen gemeente"
    assert set(wijk_years["Code"]) == set(wijken["Code"]) and "2024" in wijk_years.columns
    assert at.query_params["gemeente"] in ("GM0599", ["GM0599"])
    assert len(downloads) == 1
    html = downloads[0].decode()
    assert "Rotterdam" in html and "<svg" in html and "DEMO" in html


def test_default_gemeente_comes_from_home():
    at = open_page("home")
    at.selectbox(key="home:gemeente").set_value("GM0344").run()
    at.switch_page("pages/profiel.py").run()
    assert not at.exception
    assert at.selectbox(key="profiel:gemeente").value == "GM0344"
    assert at.title[0].value == "Profiel van Utrecht"


def test_default_without_choice_is_rotterdam():
    at = open_page("profiel")
    assert not at.exception and not at.warning
    assert at.selectbox(key="profiel:gemeente").value == views.DEFAULT_GEMEENTE


def test_change_reference_and_gemeente():
    at = open_page("profiel", {"gemeente": "GM0599"})
    before = vega_text(at)
    at.selectbox(key="profiel:ref").set_value("nl").run()
    assert not at.exception
    assert vega_text(at) != before
    assert at.query_params["ref"] in ("nl", ["nl"])
    at.selectbox(key="profiel:ref").set_value("eigen").run()
    at.multiselect(key="profiel:kies").set_value(["GM0363", "GM0344"]).run()
    assert not at.exception
    assert "GM0363" in str(at.query_params["kies"])
    at.selectbox(key="profiel:gemeente").set_value("GM0363").run()
    assert at.title[0].value == "Profiel van Amsterdam"


@pytest.fixture(scope="module")
def leak_gemeenten(poisoned_db):
    """Gemeenten with suppressed gemeente-level cells and the one with most suppressed wijk cells."""
    con = duckdb.connect(str(poisoned_db), read_only=True)
    gms = [r[0] for r in con.execute(
        "SELECT c.area_code FROM cells c JOIN areas a USING (area_code) WHERE a.level = 'gemeente' "
        "AND c.status = 'suppressed' AND c.indicator NOT LIKE 'ctx%' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2"
    ).fetchall()]
    gms += [r[0] for r in con.execute(
        "SELECT a.gemeente_code FROM cells c JOIN areas a USING (area_code) WHERE a.level = 'wijk' "
        "AND c.status = 'suppressed' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()]
    con.close()
    return gms


@pytest.mark.timeout(600)
def test_no_suppressed_value_reaches_page_or_export(poisoned_db, leak_gemeenten, monkeypatch, downloads):
    path, gms = poisoned_db, leak_gemeenten
    monkeypatch.setenv("ZOO_DB", str(path))
    views = [{"gemeente": g, "ref": r} for g in gms + ["GM0599"] for r in ("stedelijkheid", "nl")]
    views.append({"gemeente": gms[0], "ref": "buren"})
    views.append({"gemeente": "GM0599", "ref": "nl", "naast": gms[0]})  # a secret-heavy gemeente side by side
    for params in views:
        downloads.clear()
        at = open_page("profiel", params)
        assert not at.exception, (params, [e.value for e in at.exception])
        text = all_text(at)
        assert MARK not in text, params
        assert "x — geheim" in text or params["gemeente"] == "GM0599"
        assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 1, "the printed dot chart was not scanned"
        assert len(downloads) == 1
        assert MARK.encode() not in downloads[0], params
        # every wijk trend, not only the first one shown
        p = prof.build_profile(Release(path), params["gemeente"], params["ref"])
        for code, sbi in prof.notable_keys(p):
            key = code + (f":{sbi}" if sbi else "")
            at.selectbox(key="profiel:trend").set_value(key).run()
            assert not at.exception, (params, key)
            assert MARK not in vega_text(at), (params, key)


def test_neighbour_map_legend_of_a_small_gemeente_has_no_repeated_class():
    """Issue 13.8: Schiermonnikoog's neighbour map legend read "35,73 – 35,73" twice."""
    import re
    at = open_page("profiel", {"gemeente": "GM0088"})
    legend = next(m.value for m in at.markdown if "klassen" in m.value)
    rows = [re.sub(r"<[^>]+>", "", r) for r in legend.split("<br/>")[1:]]
    classes = [r for r in rows if "geheim" not in r and "geen waarde" not in r]
    assert classes and len(classes) == len(set(classes)), rows
    for c in classes:
        if " – " in c:
            lo, hi = c.split(" – ")
            assert lo != hi, c


def test_sparklines_break_at_suppressed_years():
    """A wijk's line is cut where a year is not published: the years either side are in different runs."""
    from ui.profile_page import sparkline_frame
    trends = pd.DataFrame({
        "area_code": ["WK01"] * 4 + ["WK02"] * 4, "wijk": ["A"] * 4 + ["B"] * 4, "year": [2021, 2022, 2023, 2024] * 2,
        "value": [1.0, None, 3.0, 5.0, 2.0, 2.0, 2.0, None],
        "status": ["published", "suppressed", "published", "published"] + ["published"] * 3 + ["missing"],
        "decimals": [1] * 8})
    f = sparkline_frame(trends)
    a = f[f["wijk"] == "A"].set_index("jaar")
    assert a.loc[2021, "deel"] != a.loc[2023, "deel"] == a.loc[2024, "deel"]
    assert pd.isna(a.loc[2022, "y"]) and a.loc[2022, "tekst"] == "x"
    # scaled within the row: the wijk's highest value at the top of its row, lowest at the bottom
    assert a.loc[2024, "y"] < a.loc[2023, "y"] < a.loc[2021, "y"]
    assert a["y"].dropna().between(-0.5, 0.5).all()
    b = f[f["wijk"] == "B"].set_index("jaar")
    assert (b["rij"] == 1).all() and np.allclose(b.loc[2021:2023, "y"], 1.0)  # a flat line sits on the row's centre
    assert b.loc[2024, "tekst"] == "." and pd.isna(b.loc[2024, "y"])


@pytest.mark.parametrize("gemeente", ["GM0088", "GM0981"])  # Schiermonnikoog, Vaals: first indicator secret in every wijk
def test_wijk_sparklines_open_on_an_indicator_with_values(gemeente):
    at = open_page("profiel", {"gemeente": gemeente})
    assert not at.exception
    rows = next(frame for frame in vega_frames(vega(at)[1]) if "gepubliceerd" in frame.columns)
    assert rows["gepubliceerd"].any(), at.selectbox(key="profiel:trend").value
