"""A theme from the indicator file gets a page in app.py's navigation (pages/thema.py) that shows its
indicators as every theme page does; a bad indicator file stops the app with the message."""
import sys

import pytest
from streamlit.testing.v1 import AppTest

import zoo_core
from tests.conftest import EXAMPLE
from zoo_core import catalogue

from .apptest_util import APP, all_text, deck_features


@pytest.fixture
def open_declared(declared, own_release, monkeypatch):
    """Open the example's theme page (on the release built with the example) with these URL parameters."""
    declared(EXAMPLE / "indicators.toml")
    monkeypatch.setenv("ZOO_DB", str(own_release))
    return open_theme_page


def open_theme_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()  # the first run registers the navigation, so that pages/thema.py resolves to the theme's url_path
    at.query_params.clear()  # the home page wrote its own
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.switch_page("pages/thema.py").run()
    return at


def test_the_declared_theme_page_shows_its_indicators(open_declared):
    at = open_declared({"indicator": "eg_meldingen", "year": "2024"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == catalogue.THEMES["eigen"] == "Eigen cijfers gemeente"
    assert list(at.selectbox(key="eigen:indicator").options) == ["Sluitingen van panden (Opiumwet, aantal)",
                                                                 "Meldingen van mogelijke ondermijning (aantal)",
                                                                 "Meldingen van mogelijke ondermijning per 1.000 woningen"]
    assert at.selectbox(key="eigen:indicator").value == "eg_meldingen"
    assert list(at.selectbox(key="eigen:year").options) == ["2023", "2024"]
    assert any("demo" in i.value.lower() for i in at.info)  # the example declares demo = true
    ranking = at.dataframe[0].value.set_index("Code")
    assert ranking.loc["GM0047", "Waarde"] == 71 and ranking.loc["GM0148", "Waarde"] == 49
    assert len(deck_features(at)) == 342  # every gemeente on the map; those outside the file are missing (.)
    text = all_text(at)
    assert "Voorbeeldgemeenten, meldpunt ondermijning" in text and "CC BY 4.0" in text


def test_the_wijken_show_the_suppressed_cells_as_x_and_no_value(open_declared):
    at = open_declared({"indicator": "eg_meldingen", "year": "2023", "level": "wijk", "gemeente": "GM0072"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="eigen:level").value == "wijk"
    ranking = at.dataframe[0].value.set_index("Code")
    assert set(ranking.index) == {"WK007200", "WK007201", "WK007202"}
    assert ranking["Waarde"].isna().all()  # all three hidden: 2 + 3 alone would be known together as 5
    assert "3 gebieden hebben een geheime (onderdrukte) waarde" in all_text(at)


def test_an_indicator_without_cells_in_the_release_says_so(open_declared, release_db, monkeypatch):
    monkeypatch.setenv("ZOO_DB", str(release_db))  # the demo release: built without the indicator file
    at = open_declared()
    assert not at.exception, [e.value for e in at.exception]
    assert at.info and "staan nog geen cijfers in deze release" in at.info[0].value


def test_a_bad_indicator_file_stops_the_app_with_the_message(tmp_path, monkeypatch):
    bad = tmp_path / "indicators.toml"
    text = (EXAMPLE / "indicators.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('code = "eg_sluitingen"', 'code = "xyz"').replace('kind = "count"', 'kind = "cnt"', 1),
                   encoding="utf-8")
    monkeypatch.setenv("ZOO_INDICATORS", str(bad))
    # app.py imports the catalogue afresh (as a new server process would); the test's own module comes back after.
    monkeypatch.delitem(sys.modules, "zoo_core.catalogue")
    monkeypatch.delattr(zoo_core, "catalogue")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error[0].value.startswith("Het indicatorbestand is ongeldig; de app start niet.")
    assert f"{bad}, [[indicator]] 'xyz': field 'kind' must be one of count, sum" in at.error[0].value
    assert not at.title  # no page ran


def test_the_combine_page_crosses_a_declared_indicator(declared, own_release, monkeypatch):
    """Issue 15: an indicator of the file is one of the combine page's axes with no code change."""
    declared(EXAMPLE / "indicators.toml")
    monkeypatch.setenv("ZOO_DB", str(own_release))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.query_params.clear()
    for key, value in {"x": "eg_meldingen", "y": "cr_misdrijven_per_1000", "year": "2024",
                       "scope": "gemeenten"}.items():
        at.query_params[key] = value
    at.switch_page("pages/combine.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]
    assert at.selectbox(key="combine:x").value == "eg_meldingen"
    assert "Meldingen van mogelijke ondermijning (aantal) (Eigen cijfers gemeente)" in at.selectbox(key="combine:x").options
    table = at.dataframe[-1].value.set_index("Code")  # the combined table: the file's count next to the crime rate
    assert table.loc["GM0047", "X"] == "71" and str(table.loc["GM0047", "Y"]).strip(), table.head()
