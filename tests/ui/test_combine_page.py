"""AppTest of the combine page: default view, changes and no leak of suppressed values."""
import io
import zipfile
import json

import pandas as pd
import pytest

from zoo_core import combine
from zoo_core.queries import Release
from ui import maps
from ui.combine_page import brushed_codes

from .apptest_util import all_text, deck_features, open_page, vega

MARK = "987654"


def _features(at):
    return deck_features(at, "waarden")


def test_default_view_renders_scatter_and_bivariate_map(release_db):
    at = open_page("combine")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and not at.warning
    assert at.selectbox(key="combine:x").value == "tr_fiu_per_1000"
    assert at.selectbox(key="combine:y").value == "br_vestigingen_per_10k"
    assert at.selectbox(key="combine:sbi_y").value == "96021"
    assert at.selectbox(key="combine:scope").value == "wijken"
    charts = vega(at)
    assert charts, "scatter missing"
    spec = json.loads(charts[0].proto.spec)
    assert "brush" in json.dumps(spec.get("params", [])) + json.dumps(spec.get("layer", []))
    # ~2,000 SVG circles re-created on every year change cost seconds in the browser; canvas does not.
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas"
    feats = _features(at)
    n_wijken = len(Release(release_db).areas("wijk"))
    assert len(feats) == n_wijken
    klassen = {f["properties"]["k"] for f in feats}
    assert "geheim (x)" in klassen and any(k.startswith("X 3/3") for k in klassen)
    geheim = [f["properties"] for f in feats if f["properties"]["k"] == "geheim (x)"]
    assert all(p["c"] == maps.SUPPRESSED_COLOR for p in geheim)
    assert all("geheim" in p["wx"] or "geheim" in p["wy"] for p in geheim)
    text = all_text(at)
    assert "Spearman" in text and combine.CAVEAT in text
    assert "x — geheim: X of Y onderdrukt" in text  # legend has its own geheim class
    for k, v in {"x": "tr_fiu_per_1000", "y": "br_vestigingen_per_10k", "sbi_y": "96021", "scope": "wijken"}.items():
        assert at.query_params[k] in (v, [v])


def test_changing_y_and_scope_updates_map_and_url():
    at = open_page("combine")
    before = json.dumps(_features(at))
    at.selectbox(key="combine:sbi_y").set_value("96022").run()
    assert not at.exception
    assert json.dumps(_features(at)) != before
    assert at.query_params["sbi_y"] in ("96022", ["96022"])
    at.selectbox(key="combine:y").set_value("dr_verdachten_per_1000").run()
    assert not at.exception and "sbi_y" not in at.query_params
    at.selectbox(key="combine:gemeente").set_value("GM0599").run()
    at.selectbox(key="combine:scope").set_value("gemeente_buurten").run()
    assert not at.exception
    buurten = _features(at)
    assert 0 < len(buurten) < 1000
    assert at.query_params["scope"] in ("gemeente_buurten", ["gemeente_buurten"])
    at.selectbox(key="combine:x").set_value("ctx_woz").run()  # context indicator as X
    assert not at.exception and _features(at)
    # The pairs tables are shown.
    assert any("Klasse" in df.value.columns for df in at.dataframe)


def test_shared_url_restores_view():
    params = {"x": "dr_hennep_per_1000", "y": "br_omzet_per_inwoner", "sbi_y": "56102", "year": "2021",
              "scope": "gemeente_wijken", "gemeente": "GM0599"}
    at = open_page("combine", params)
    assert not at.exception and not at.warning
    assert at.selectbox(key="combine:x").value == "dr_hennep_per_1000"
    assert at.selectbox(key="combine:sbi_y").value == "56102"
    assert at.selectbox(key="combine:year").value == 2021
    assert at.selectbox(key="combine:scope").value == "gemeente_wijken"
    for k, v in params.items():
        assert at.query_params[k] in (v, [v])


def test_brush_selection_maps_to_published_areas_only():
    f = pd.DataFrame({"area_code": ["a", "b", "c", "d"], "x": [1.0, 2.0, None, 5.0], "y": [1.0, 2.0, None, 1.0],
                      "pair_status": ["published", "published", "suppressed", "published"]})
    assert brushed_codes({"brush": {"x": [0.5, 2.5], "y": [0, 3]}}, f) == ["a", "b"]
    assert brushed_codes({"brush": {"x": [6, 0]}}, f) == ["a", "b", "d"]
    assert brushed_codes({}, f) == [] and brushed_codes(None, f) == []
    assert brushed_codes({"brush": {"x": ["boom", 1]}}, f) == []




VIEWS = [
    {},
    {"scope": "gemeenten"},
    {"scope": "gemeente_wijken", "gemeente": "GM1940"},
    {"scope": "gemeente_buurten", "gemeente": "GM0599", "x": "dr_hennep_per_1000", "y": "br_vestigingen",
     "sbi_y": "96022"},
    {"scope": "gemeente_wijken", "gemeente": "GM0599", "x": "vg_verkoopprijs", "y": "br_omzet_per_inwoner",
     "sbi_y": "56102", "year": "2020"},
    {"scope": "gemeenten", "x": "dr_verdachten_familie", "sbi_x": "fam_met", "y": "dr_hennep_bewoners_leeftijd",
     "sbi_y": "lft_0_17"},  # two kenmerk classes (issue 16)
]


@pytest.mark.timeout(600)
def test_no_suppressed_value_reaches_the_combine_page(poisoned_db, monkeypatch, downloads):
    monkeypatch.setenv("ZOO_DB", str(poisoned_db))
    for params in VIEWS:
        downloads.clear()
        at = open_page("combine", params)
        assert not at.exception, (params, [e.value for e in at.exception])
        assert not [w.value for w in at.warning if "Ongeldige" in w.value], params
        at.session_state["combine:class_totals"] = True  # open the lazy panels: their tables too
        at.session_state["combine:pairs_table"] = True
        downloads.clear()
        at.run()
        assert len([df for df in at.dataframe if len(df.value) > 0]) >= 3, params
        text = all_text(at)
        assert MARK not in text and "987.654" not in text, params
        assert "geheim" in text
        assert len(downloads) == 3 and all(MARK.encode() not in d for d in downloads), params  # CSV, Excel NL, Excel
        with zipfile.ZipFile(io.BytesIO(downloads[-1])) as xlsx:  # Excel is a zip: look inside the sheets too
            assert all(MARK.encode() not in xlsx.read(name) for name in xlsx.namelist()), params
        csv = pd.read_csv(io.BytesIO(downloads[0]), dtype=str)
        assert (csv[["x_waarde", "y_waarde"]] == "x").any().any(), params


def test_class_totals_are_derived_only_when_their_panel_is_opened(monkeypatch):
    """Class totals cost two LPs each, so a closed panel must not compute them; opening it shows them,
    derived from published cells only: a number, a range ("tussen ... en ...") or x."""
    calls = []
    real = combine.Aggregator.class_totals
    monkeypatch.setattr(combine.Aggregator, "class_totals", lambda self, *a: calls.append(a) or real(self, *a))
    at = open_page("combine", {"year": "2021"})
    at.selectbox(key="combine:year").set_value(2022).run()
    assert not at.exception
    assert calls == []
    assert not any("Gebieden" in df.value.columns for df in at.dataframe)
    at.session_state["combine:class_totals"] = True
    at.run()
    assert not at.exception
    totals = next(df.value for df in at.dataframe if "Gebieden" in df.value.columns)
    assert len(totals) >= 2 and "geheim" in set(totals["Klasse"])
    shown = [str(v) for col in totals.columns[2:] for v in totals[col]]
    published_rows = totals[totals["Klasse"] != "geheim"]
    assert all("tussen" not in str(v) and not str(v).startswith("x") for v in published_rows.iloc[:, 2])
    assert all(v[0].isdigit() or v.startswith("tussen ") or v.startswith("x") for v in shown), shown
    assert "het bereik dat de gepubliceerde cijfers toelaten" in all_text(at)


def test_real_crime_figures_combine_with_a_demo_indicator_over_their_common_years():
    at = open_page("combine", {"x": "cr_misdrijven_per_1000", "y": "tr_fiu_per_1000", "scope": "gemeenten",
                               "year": "2022"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and not at.warning
    assert list(at.selectbox(key="combine:year").options) == ["2022", "2023", "2024"]
    assert at.selectbox(key="combine:year").value == 2022
    assert at.selectbox(key="combine:scope").value == "gemeenten"
    assert len(_features(at)) == 342
    assert "Spearman" in all_text(at)


def test_no_buurten_scope_for_a_gemeente_without_buurten_and_the_box_says_so():
    """Issue 13.12: Amsterdam has no buurten in the release; a link asking for them gets the wijken,
    a warning naming the gemeente, and a box that no longer offers (or shows) Buurten."""
    at = open_page("combine", {"scope": "gemeente_buurten", "gemeente": "GM0363"})
    assert not at.exception
    assert any("geen buurten" in w.value and "Amsterdam" in w.value for w in at.warning)
    box = at.selectbox(key="combine:scope")
    assert box.value == "gemeente_wijken" and "gemeente_buurten" not in box.options
    assert at.query_params["scope"] in ("gemeente_wijken", ["gemeente_wijken"])
    rotterdam = open_page("combine", {"scope": "gemeente_buurten", "gemeente": "GM0599"})
    assert rotterdam.selectbox(key="combine:scope").value == "gemeente_buurten" and not rotterdam.warning


def test_pairs_tables_name_the_gemeente_of_a_wijk_and_log_axes_are_in_the_link():
    """Issue 13.11 and 13.10: "Centrum" alone is ambiguous; a log scale is there and shared."""
    at = open_page("combine", {"scope": "wijken", "log": "1"})
    assert not at.exception and at.toggle(key="combine:log").value is True
    table = next(df.value for df in at.dataframe if "Gebied" in df.value.columns and len(df.value))
    assert table["Gebied"].str.contains(r" \(.+\)$").all(), table["Gebied"].head()
    assert at.query_params["log"] in ("1", ["1"])
    assert '"symlog"' in vega(at)[0].proto.spec
    at.toggle(key="combine:log").set_value(False).run()
    assert "log" not in at.query_params


def test_a_breakdown_class_is_combined_like_a_branche(release_db, monkeypatch):
    """Issue 16: a kenmerk class on an axis (per gemeente: breakdowns are not published for wijken); its values
    are the published class cells, a class of another kenmerk or a made-up one falls back with a warning."""
    monkeypatch.setenv("ZOO_DB", str(release_db))
    at = open_page("combine", {"x": "dr_verdachten_leeftijd", "sbi_x": "lft_18_24", "y": "tr_fiu_per_1000",
                               "scope": "gemeenten", "year": "2024"})
    assert not at.exception and not at.warning
    assert at.selectbox(key="combine:sbi_x").label == "Leeftijd X"
    assert at.selectbox(key="combine:sbi_x").value == "lft_18_24"
    assert "18 tot 25 jaar" in at.selectbox(key="combine:sbi_x").format_func("lft_18_24")
    truth = Release(release_db).values("dr_verdachten_leeftijd", 2024, "gemeente", sbi="lft_18_24")
    shown = next(df.value for df in at.dataframe if "X" in df.value.columns and "Code" in df.value.columns)
    rotterdam = truth.set_index("area_code").loc["GM0599"]
    assert rotterdam["status"] == "published"
    assert shown.set_index("Code").loc["GM0599", "X"] == f"{int(rotterdam['value']):,}".replace(",", ".")
    assert "lft_18_24" in at.query_params.get("sbi_x", [])
    at = open_page("combine", {"x": "dr_verdachten_leeftijd", "sbi_x": "man", "scope": "gemeenten"})
    assert any("Ongeldige" in w.value for w in at.warning)
    assert at.selectbox(key="combine:sbi_x").value == "lft_0_17"
