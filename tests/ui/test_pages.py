"""AppTest per page and per key interaction: assert on the data the page sends."""
import io
import json
import shutil

import pandas as pd
import pytest

from zoo_core import catalogue
from zoo_core.queries import Release
from zoo_core.release import release_path
from ui import maps, tables

from .apptest_util import THEMES, all_text, deck_features, decks, open_page, vega, vega_text


def test_home_has_title_demo_and_gemeente_search():
    at = open_page("home")
    assert not at.exception
    assert any("Zicht op ondermijning" in t.value for t in at.title)
    assert any("demo" in i.value.lower() for i in at.info)
    sb = at.selectbox(key="home:gemeente")
    sb.set_value("GM0599").run()
    assert at.query_params["gemeente"] == ["GM0599"] or at.query_params["gemeente"] == "GM0599"
    # The choice carries over to a theme page in the same session.
    at.switch_page("pages/drugs.py").run()
    assert at.selectbox(key="drugs:gemeente").value == "GM0599"


def test_over_de_data():
    at = open_page("over_de_data")
    assert not at.exception and not at.error
    text = all_text(at)
    assert "Bron: CBS, Kadaster" in text and "CC BY 4.0" in text
    assert "Garwood" in text and "Clopper-Pearson" in text
    assert len(at.dataframe) >= 3  # definitions, disclosure parameters, suppression report
    codes = set(at.dataframe[0].value["Code"])
    assert set(catalogue.INDICATORS) <= codes


def _display_values(df_element) -> pd.DataFrame:
    import pyarrow as pa
    return pa.ipc.open_stream(df_element.proto.arrow_data.styler.display_values).read_all().to_pandas()


def test_over_de_data_speaks_dutch_and_shows_symbols_as_symbols():
    """Issue 13.7: the demo assumptions were an English code block, the tables had English headers
    (persons, family, cells ...) and dot decimals, and the nihil sign "-" rendered as a list bullet."""
    from zoo_core import demo
    at = open_page("over_de_data")
    markdown = "\n".join(m.value for m in at.markdown)
    assert "```" not in markdown
    assert all(a in markdown for a in demo.ASSUMPTIONS_NL)
    assert "Figures are generated" not in all_text(at)
    # The symbols as code spans in a table: never a bare "-" that markdown turns into a bullet.
    assert "| `-` | nihil" in markdown and "| `x` | geheim" in markdown
    kinds = set(at.dataframe[0].value["Soort"])
    assert kinds and not kinds & {"count", "rate", "mean", "sum", "class"}  # "percentage" is Dutch too
    params = at.dataframe[1].value
    assert list(params.columns) == ["Parameter", "Personen", "Adressen", "Vestigingen", "Bedragen (euro)"]
    assert not params.astype(str).apply(lambda c: c.str.contains(r"\d\.\d")).any().any()  # no 15.0
    report = at.dataframe[2]
    assert list(report.value.columns) == ["Tabel", "Code", "Jaar", "Branche", "Cellen", "Primair geheim",
                                          "Secundair geheim", "Cellen met een publieke bovengrens", "Rekentijd (s)"]
    assert (report.value["Cellen met een publieke bovengrens"] > 0).any()
    shown = _display_values(report)
    assert shown["Rekentijd (s)"].str.contains(",").all() and not shown["Rekentijd (s)"].str.contains(r"\.").any()
    assert (shown["Cellen"] == [tables.fmt(c, 0) for c in report.value["Cellen"]]).all()  # 4.383


@pytest.mark.parametrize("page", ["home", "over_de_data", "vastgoed", "profiel"])
def test_demo_seed_is_not_shown(page, release_db, base_db):
    """The demo generator's seed is shown nowhere (it was on "Over de data"); the release does not
    even hold it, only the confidential base does."""
    import re

    import duckdb
    assert "seed" not in Release(release_db).info()
    con = duckdb.connect(str(base_db), read_only=True)
    seed = dict(con.execute("SELECT key, value FROM release_info").fetchall())["seed"]
    con.close()
    assert seed
    at = open_page(page)
    texts = [str(getattr(el, "value", "")) for kind in ("markdown", "caption", "warning", "info", "error",
                                                          "title", "header", "subheader", "table")
             for el in at.get(kind)]
    texts += [df.value.to_csv() for df in at.dataframe]
    text = "\n".join(texts)
    assert "seed" not in text.lower()
    assert not re.search(rf"(?<![\d.,]){seed}(?![\d.,])", text)


@pytest.mark.parametrize("theme", THEMES)
def test_theme_page_renders_map_table_chart(theme):
    at = open_page(theme)
    assert not at.exception, at.exception
    assert not at.error
    assert at.title[0].value == catalogue.THEMES[theme]
    d = decks(at)
    assert len(d) == 1  # the theme map; the drugs page's flow map waits in a closed panel (test_flow_section)
    assert all("mapProvider" not in deck or deck["mapProvider"] is None for deck in d)
    features = deck_features(at)
    assert len(features) == 342  # every gemeente
    assert {"n", "w", "r", "d", "c"} == set(features[0]["properties"])
    assert vega(at), "trend chart missing"
    ranking = at.dataframe[0].value
    assert list(ranking.columns)[:4] == ["Rang", "Gebied", "Code", "Waarde"]
    assert len(ranking) == 342
    assert any("demo" in i.value.lower() for i in at.info)  # demo banner
    assert "gebiedsindeling 2024" in all_text(at)


def _suppressed_codes(rel, ind, year, level, within=None, sbi=""):
    v = rel.values(ind, year, level, within=within, sbi=sbi)
    return set(v.loc[v["status"] == "suppressed", "area_code"])


def test_suppressed_areas_are_grey_and_say_geheim(release_db):
    at = open_page("transacties", {"indicator": "tr_fiu_per_1000", "year": "2024", "gemeente": "GM1940",
                                   "level": "wijk"})
    rel = Release(release_db)
    sup = _suppressed_codes(rel, "tr_fiu_per_1000", 2024, "wijk", within="GM1940")
    assert sup, "test needs a gemeente with suppressed wijken"
    names = {r["area_code"]: r["name"] for r in rel.areas("wijk", within="GM1940").to_dict("records")}
    feats = {f["properties"]["n"]: f["properties"] for f in deck_features(at)}
    for code in sup:
        p = feats[names[code]]
        assert "geheim" in p["w"] and p["d"] == ""
        assert p["c"] == maps.SUPPRESSED_COLOR
    ranking = at.dataframe[0].value.set_index("Code")
    for code in sup:
        assert pd.isna(ranking.loc[code, "Waarde"])  # no value, never 0
        assert pd.isna(ranking.loc[code, "Rang"]) and pd.isna(ranking.loc[code, "Afwijking"])
        assert ranking.loc[code, "Status"] == "x — geheim (onderdrukt)"


def test_ranking_sends_numbers_so_headers_sort_numerically():
    """Rang, Waarde, Referentie and Afwijking are numeric columns (as text, 102,57 sorted before 11,21);
    the Dutch notation is display only; a cell that is not published has no value in them."""
    at = open_page("transacties", {"indicator": "tr_fiu_per_1000", "gemeente": "GM1940", "level": "wijk"})
    ranking = at.dataframe[0].value
    for col in ("Rang", "Waarde", "Referentie", "Afwijking"):
        assert pd.api.types.is_numeric_dtype(ranking[col]), (col, ranking[col].dtype)
    published = ranking["Status"] == ""
    assert (~published).any() and published.any()
    assert ranking.loc[~published, ["Rang", "Waarde", "Afwijking"]].isna().all().all()
    assert list(ranking.loc[published, "Rang"]) == list(range(1, published.sum() + 1))
    assert ranking.loc[published, "Waarde"].is_monotonic_decreasing
    import pyarrow as pa
    shown = pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.styler.display_values).read_all().to_pandas()
    first = ranking.index[0]
    decimals = catalogue.get("tr_fiu_per_1000").decimals
    assert shown["Waarde"].iloc[first] == tables.fmt(ranking["Waarde"].iloc[first], decimals)  # Dutch: 12,34
    assert "," in shown["Waarde"].iloc[first] and "." not in shown["Waarde"].iloc[first]
    assert shown["Afwijking"].iloc[first] == tables.fmt_pct(ranking["Afwijking"].iloc[first])
    assert shown["Referentie"].iloc[first] == tables.fmt(ranking["Referentie"].iloc[first], decimals)
    assert set(shown.loc[~published, "Waarde"]) == {""}


def test_change_indicator_updates_map_and_table():
    at = open_page("drugs")
    before = json.dumps(deck_features(at))
    at.selectbox(key="drugs:indicator").set_value("dr_verdachten_per_1000").run()
    after = deck_features(at)
    assert json.dumps(after) != before
    assert any("per 1.000 inwoners" in f["properties"]["w"] for f in after)
    assert at.query_params["indicator"] in ("dr_verdachten_per_1000", ["dr_verdachten_per_1000"])


def test_change_level_to_wijken_and_buurten():
    at = open_page("transacties", {"gemeente": "GM0599"})
    at.selectbox(key="transacties:level").set_value("wijk").run()
    wijken = deck_features(at)
    assert 0 < len(wijken) < 342
    assert at.selectbox(key="transacties:ref").options  # gemeente / Nederland only
    assert set(at.selectbox(key="transacties:ref").options) == {"De gemeente zelf", "Nederland"}
    at.selectbox(key="transacties:level").set_value("buurt").run()
    buurten = deck_features(at)
    assert len(buurten) > len(wijken)
    assert not at.exception


def test_buurt_level_only_where_buurten_exist():
    at = open_page("transacties", {"gemeente": "GM0363"})  # Amsterdam: no buurten in the release
    assert "Buurten van gemeente" not in at.selectbox(key="transacties:level").options
    at = open_page("transacties", {"gemeente": "GM0599"})
    assert "Buurten van gemeente" in at.selectbox(key="transacties:level").options


def test_change_year_changes_values():
    at = open_page("vastgoed", {"indicator": "vg_onverklaarbare_aankopen_pct", "year": "2024"})
    a = at.dataframe[0].value
    at.selectbox(key="vastgoed:year").set_value(2019).run()
    b = at.dataframe[0].value
    assert not a.equals(b)
    assert at.query_params["year"] in ("2019", ["2019"])


def test_change_reference_changes_reference_column():
    at = open_page("transacties", {"indicator": "tr_fiu_per_1000", "gemeente": "GM0599"})
    nl = set(at.dataframe[0].value["Referentie"])
    at.selectbox(key="transacties:ref").set_value("provincie").run()
    prov = set(at.dataframe[0].value["Referentie"])
    assert nl != prov and len(prov) == 1
    at.selectbox(key="transacties:ref").set_value("buren").run()
    assert any("buurgemeenten" in c.value for c in at.caption)
    at.selectbox(key="transacties:ref").set_value("eigen").run()
    at.multiselect(key="transacties:kies").set_value(["GM0363", "GM0344"]).run()
    assert not at.exception
    assert "GM0363" in str(at.query_params["kies"])


def test_branch_page_has_branche_widget():
    at = open_page("branches", {"sbi": "96022"})
    sb = at.selectbox(key="branches:sbi")
    assert sb.value == "96022"
    sb.set_value("4742").run()
    assert at.query_params["sbi"] in ("4742", ["4742"])


def test_trend_chart_gaps_for_suppressed_years(release_db):
    rel = Release(release_db)
    ind = "tr_fiu_per_1000"
    cells = rel.cells_for_areas(ind, list(rel.areas("wijk")["area_code"]))
    sup = cells[cells["status"] == "suppressed"]
    area = sup["area_code"].iloc[0]
    gem = rel.area(area)["gemeente_code"]
    at = open_page("transacties", {"indicator": ind, "gemeente": gem, "level": "wijk", "area": area})
    assert at.selectbox(key="transacties:area").value == area
    text = vega_text(at)
    assert "geheim (x)" in text
    spec = json.loads(vega(at)[0].proto.spec)
    assert spec["layer"][0]["encoding"]["detail"]["field"] == "segment"


def test_shared_url_restores_view():
    params = {"indicator": "dr_hennep_per_1000", "year": "2021", "level": "wijk", "gemeente": "GM0599",
              "ref": "gemeente"}
    at = open_page("drugs", params)
    assert not at.warning or all("Ongeldige" not in w.value for w in at.warning)
    assert at.selectbox(key="drugs:indicator").value == "dr_hennep_per_1000"
    assert at.selectbox(key="drugs:year").value == 2021
    assert at.selectbox(key="drugs:level").value == "wijk"
    assert at.selectbox(key="drugs:ref").value == "gemeente"
    for k, v in params.items():
        assert at.query_params[k] in (v, [v])


def test_downloads_contain_exactly_the_shown_rows(monkeypatch):
    from streamlit.delta_generator import DeltaGenerator
    seen = []
    orig = DeltaGenerator.download_button

    def spy(self, label, data, *a, **kw):
        seen.append((label, data))
        return orig(self, label, data, *a, **kw)
    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    at = open_page("transacties", {"gemeente": "GM1940", "level": "wijk", "indicator": "tr_fiu_per_1000"})
    labels = [s[0] for s in seen]
    assert "Download CSV" in labels and "Download Excel" in labels
    csv = dict(seen)["Download CSV"].decode()
    lines = csv.strip().splitlines()
    assert len(lines) - 1 == len(at.dataframe[0].value)
    assert any(",x," in line for line in lines[1:])  # suppressed written as x
    excel = dict(seen)["Download Excel"]
    assert callable(excel)  # deferred: the ~1 s Excel writer runs on a click, not on every rerun
    workbook = excel()
    assert workbook[:2] == b"PK"
    assert len(pd.read_excel(io.BytesIO(workbook))) == len(lines) - 1
    # Issue 13.23: the CSV variant for Dutch Excel, next to the standard one: ; decimal comma, BOM
    nl = dict(seen)["Download CSV (Excel NL)"]
    assert callable(nl)
    raw = nl()
    assert raw.startswith(b"\xef\xbb\xbf")
    nl_lines = raw.decode("utf-8-sig").strip().splitlines()
    assert len(nl_lines) == len(lines)
    assert nl_lines[0] == lines[0].replace(",", ";")
    assert any(";x;" in line for line in nl_lines[1:])  # suppressed stays x
    back = pd.read_csv(io.BytesIO(raw), sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    std = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)

    def same(a: str, b: str) -> bool:  # the same cell, only written the Dutch way
        try:
            return float(a) == float(b.replace(",", "."))
        except ValueError:
            return a == b
    assert back.shape == std.shape
    assert all(same(a, b) for c in std.columns for a, b in zip(std[c], back[c]))
    assert any("," in line.split(";")[6] for line in nl_lines[1:])  # waarde with a decimal comma


@pytest.mark.parametrize("page", ["home", *THEMES, "over_de_data"])
@pytest.mark.parametrize("broken", ["missing", "corrupt"])
def test_broken_release_shows_error_with_rebuild_command(page, broken, tmp_path, monkeypatch):
    path = tmp_path / "release.duckdb"
    if broken == "corrupt":
        path.write_bytes(b"this is not a duckdb file" * 100)
    monkeypatch.setenv("ZOO_DB", str(path))
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    shown = all_text(at)
    problem = "ontbreekt" if broken == "missing" else "is beschadigd"
    assert len(at.error) == 1 and f"de database van deze installatie {problem}" in at.error[0].value
    # Issue 13.15: the command once, one that works from the project folder, and no server path.
    assert shown.count("-m zoo_core build") == 1 and ".venv/bin/python -m zoo_core build" in shown
    assert str(tmp_path) not in shown and "release.duckdb" not in shown


def test_open_session_keeps_its_view_while_the_release_is_away(tmp_path, monkeypatch):
    """Issue 13.15: a release that goes missing under an open session, and comes back."""
    path = tmp_path / "release.duckdb"
    shutil.copy(release_path(), path)
    monkeypatch.setenv("ZOO_DB", str(path))
    at = open_page("transacties")
    at.selectbox(key="transacties:year").set_value(2021).run()
    at.selectbox(key="transacties:level").set_value("wijk").run()
    path.rename(tmp_path / "away.duckdb")
    at.run()
    assert at.error and not at.selectbox  # nothing to draw the widgets with
    at.button(key="release_retry").click().run()
    assert at.error
    (tmp_path / "away.duckdb").rename(path)
    at.button(key="release_retry").click().run()
    assert not at.error and not at.exception
    assert at.selectbox(key="transacties:year").value == 2021
    assert at.selectbox(key="transacties:level").value == "wijk"


def test_criminaliteit_page_shows_the_real_politie_figures():
    at = open_page("criminaliteit", {"indicator": "cr_misdrijven", "year": "2024"})
    assert not at.exception, at.exception
    assert not at.error and not at.warning
    assert at.title[0].value == catalogue.THEMES["criminaliteit"] == "Geregistreerde criminaliteit"
    assert not any("demo" in i.value.lower() for i in at.info)  # real figures: no demo banner
    assert list(at.selectbox(key="criminaliteit:year").options) == ["2022", "2023", "2024"]
    assert len(deck_features(at)) == 342
    ranking = at.dataframe[0].value.set_index("Code")
    assert len(ranking) == 342 and ranking.loc["GM0363", "Gebied"] == "Amsterdam"
    assert ranking.loc["GM0363", "Waarde"] == 82964  # a number in the grid (it sorts as one)
    text = all_text(at)
    assert "Politie (47013NED)" in text and "Geregistreerde misdrijven (aantal)" in text
    # The default indicator is the rate per 1.000 inwoners, on the 2024 population.
    at = open_page("criminaliteit")
    assert at.selectbox(key="criminaliteit:indicator").value == "cr_misdrijven_per_1000"
    assert at.selectbox(key="criminaliteit:year").value == 2024
    assert "bevolking op 1 januari 2024" in all_text(at)


@pytest.mark.parametrize("level", ["wijk", "buurt"])
def test_default_reference_is_the_same_from_a_link_and_from_the_widget(level):
    """Issue 13.16: level=wijk in the link gave "De gemeente zelf", choosing Wijken in the box kept
    "Nederland". One default per level; a group the user chose stays when it is still valid."""
    from_link = open_page("transacties", {"gemeente": "GM0599", "level": level})
    at = open_page("transacties", {"gemeente": "GM0599"})
    assert at.selectbox(key="transacties:ref").value == "nl"
    at.selectbox(key="transacties:level").set_value(level).run()
    assert at.selectbox(key="transacties:ref").value == from_link.selectbox(key="transacties:ref").value == "gemeente"
    at.selectbox(key="transacties:level").set_value("gemeente").run()  # back: the gemeente level's default
    assert at.selectbox(key="transacties:ref").value == "nl"
    assert open_page("transacties", {"gemeente": "GM0599", "level": "gemeente"}).selectbox(
        key="transacties:ref").value == "nl"
    # an explicit choice that is valid at both levels is kept
    at.selectbox(key="transacties:level").set_value(level).run()
    at.selectbox(key="transacties:ref").set_value("nl").run()
    other = "buurt" if level == "wijk" else "wijk"
    at.selectbox(key="transacties:level").set_value(other).run()
    assert at.selectbox(key="transacties:ref").value == "nl"
    assert at.query_params["ref"] in ("nl", ["nl"])


@pytest.mark.parametrize("page, params", [("transacties", {"ref": "eigen"}), ("branches", {"ref": "eigen"}),
                                          ("profiel", {"ref": "eigen"}), ("home", {}), ("combine", {})])
def test_select_widgets_have_dutch_placeholders(page, params):
    """Issue 13.21: without a placeholder Streamlit shows "Choose an option" / "Choose options"."""
    from ui import widgets
    at = open_page(page, params)
    boxes = list(at.selectbox) + list(at.multiselect)
    assert boxes and any(True for _ in at.multiselect) == (page not in ("home", "combine"))
    for box in boxes:
        assert box.proto.placeholder in (widgets.CHOOSE, widgets.CHOOSE_GEMEENTEN, widgets.GEMEENTE_PLACEHOLDER,
                                         "Typ een gebiedsnaam"), \
            (box.label, box.proto.placeholder)


def _menu_to(at, page: str) -> None:
    """A click in the menu: the new page opens without the old page's link parameters."""
    at.query_params.clear()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_page_keeps_its_view_while_you_look_elsewhere():
    """Issue 13.9: settings were reset by switching pages; only the gemeente was kept."""
    at = open_page("drugs")
    at.selectbox(key="drugs:indicator").set_value("dr_verdachten_per_1000").run()
    at.selectbox(key="drugs:year").set_value(2021).run()
    at.selectbox(key="drugs:ref").set_value("nl").run()
    _menu_to(at, "combine")
    at.selectbox(key="combine:year").set_value(2020).run()
    _menu_to(at, "vastgoed")
    at.selectbox(key="vastgoed:gemeente").set_value("GM0344").run()  # a gemeente chosen elsewhere wins
    _menu_to(at, "drugs")
    assert at.selectbox(key="drugs:indicator").value == "dr_verdachten_per_1000"
    assert at.selectbox(key="drugs:year").value == 2021 and at.selectbox(key="drugs:ref").value == "nl"
    assert at.selectbox(key="drugs:gemeente").value == "GM0344"
    assert not at.warning, [w.value for w in at.warning]
    assert at.query_params["indicator"] in ("dr_verdachten_per_1000", ["dr_verdachten_per_1000"])  # the link too
    _menu_to(at, "combine")
    assert at.selectbox(key="combine:year").value == 2020 and at.selectbox(key="combine:gemeente").value == "GM0344"
    # a link still wins over what the session remembers
    at.query_params.clear()
    at.query_params["indicator"] = "dr_hennep"
    at.switch_page("pages/drugs.py").run()
    assert at.selectbox(key="drugs:indicator").value == "dr_hennep"


def test_home_leads_to_the_gemeente_profile_and_its_wijken():
    """Issue 13, expected and missing: a path from Home to the gemeente's own profile."""
    at = open_page("home", {"gemeente": "GM0599"})
    links = {el.proto.label: el.proto for el in at.get("page_link")}
    profile = links["Profiel van Rotterdam: alle indicatoren op één pagina"]
    assert profile.page.endswith("profiel") and "gemeente=GM0599" in profile.query_string
    combine = links["De wijken van Rotterdam: twee indicatoren combineren"]
    assert "scope=gemeente_wijken" in combine.query_string and "gemeente=GM0599" in combine.query_string


def _share_link(at) -> str:
    (code,) = [el for el in at.get("code")]
    return code.proto.code_text


def test_combine_selection_travels_in_the_link():
    """Issue 13, expected and missing: the brush selection in the share link."""
    view = {"x": "tr_fiu_per_1000", "y": "dr_verdachten_per_1000", "year": "2024", "scope": "gemeente_wijken",
            "gemeente": "GM0599", "sel": "WK059915,WK059910"}
    at = open_page("combine", view)
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert any("Selectie (2 gebieden)" in m.value for m in at.markdown)
    assert at.query_params["sel"] in ("WK059915,WK059910", ["WK059915,WK059910"])
    link = _share_link(at)
    assert link.startswith("/combine?") and "sel=WK059915%2CWK059910" in link and "gemeente=GM0599" in link
    # A code that is no area is named as such, the rest of the selection stays.
    at = open_page("combine", {**view, "sel": "WK059915,GM9999"})
    assert any("selectie" in w.value for w in at.warning)
    assert any("Selectie (1 gebied)" in m.value for m in at.markdown)


def test_theme_page_share_link_holds_the_view():
    at = open_page("drugs", {"indicator": "dr_verdachten_per_1000", "year": "2021", "gemeente": "GM0599"})
    link = _share_link(at)
    assert link.startswith("/drugs?") and "year=2021" in link and "gemeente=GM0599" in link
    assert "indicator=dr_verdachten_per_1000" in link


def test_profile_puts_two_gemeenten_side_by_side():
    """Issue 13, expected and missing: two gemeenten side by side (Vaals next to Schiermonnikoog)."""
    at = open_page("profiel", {"gemeente": "GM0981", "naast": "GM0088"})
    assert not at.exception and not at.warning
    assert at.selectbox(key="profiel:naast").value == "GM0088"
    (table,) = [df.value for df in at.dataframe if "Index Schiermonnikoog" in df.value.columns]
    assert {"Vaals", "Schiermonnikoog", "Index Vaals"} <= set(table.columns)
    assert "naast=GM0088" in _share_link(at)
    at.selectbox(key="profiel:naast").set_value(None).run()
    assert not any("Index Schiermonnikoog" in df.value.columns for df in at.dataframe)
    assert "naast" not in at.query_params
    # The gemeente itself is no second gemeente; a code that is none is refused with a warning.
    assert open_page("profiel", {"gemeente": "GM0981", "naast": "GM0981"}).selectbox(key="profiel:naast").value is None
    assert open_page("profiel", {"gemeente": "GM0981", "naast": "<b>"}).warning


def test_kenmerken_show_paired_bars_and_x_for_a_secret_class(release_db):
    """The drugs page's breakdown: bars only for published shares, x text and x in the table for the rest."""
    from zoo_core.queries import Release
    from .apptest_util import vega_frames
    rel = Release(release_db)
    cells = rel.values("dr_verdachten_leeftijd", 2024, "gemeente", sbi="lft_0_17")
    gm = cells.loc[cells["status"] == "suppressed", "area_code"].iloc[0]
    at = open_page("drugs", {"gemeente": gm, "year": "2024", "kenmerk": "dr_verdachten_leeftijd"})
    assert not at.exception
    assert at.selectbox(key="drugs:kenmerk").value == "dr_verdachten_leeftijd"
    charts = [el for el in vega(at) if "aandeel" in el.proto.spec]
    assert len(charts) == 1
    data = pd.concat(vega_frames(charts[0]))
    area_rows = data[~data["reeks"].str.startswith("Referentie")]
    secret = area_rows[area_rows["aandeel"].isna()]
    assert "jonger dan 18 jaar" in set(secret["klasse"]) and set(secret["tekst"]) == {"x"}
    assert (area_rows["aandeel"].dropna() > 0).all() or len(area_rows["aandeel"].dropna()) == 0
    table = next(df.value for df in at.dataframe if "Klasse" in df.value.columns)
    row = table[table["Klasse"] == "jonger dan 18 jaar"].iloc[0]
    assert row.iloc[1] == "x" and row.iloc[2] == "x"
    assert "DEMO" in " ".join(c.value for c in at.caption)
    # another kenmerk from the box; the URL follows
    at.selectbox(key="drugs:kenmerk").set_value("dr_hennep_bewoners_geslacht").run()
    assert not at.exception
    assert at.query_params["kenmerk"] in ("dr_hennep_bewoners_geslacht", ["dr_hennep_bewoners_geslacht"])
    table = next(df.value for df in at.dataframe if "Klasse" in df.value.columns)
    assert list(table["Klasse"]) == ["man", "vrouw"]


def test_vakantieparken_page_is_demo_per_gemeente_with_dots_where_there_are_no_parks():
    rel = Release(release_path())
    parks = rel.values("vp_adressen", 2024, "gemeente").set_index("area_code")["value"]
    without = parks[parks == 0].index[0]  # a gemeente without holiday parks
    at = open_page("vakantieparken", {"gemeente": without})
    assert not at.exception, at.exception
    assert not at.error and not at.warning
    assert at.title[0].value == catalogue.THEMES["vakantieparken"] == "Vakantieparken"
    assert any("demo" in i.value.lower() for i in at.info)  # demo banner
    assert list(at.selectbox(key="vakantieparken:level").options) == ["Alle gemeenten"]  # no wijken, no buurten
    indicators = list(at.selectbox(key="vakantieparken:indicator").options)
    assert indicators == [i.name for i in catalogue.for_theme("vakantieparken")]
    rate = at.selectbox(key="vakantieparken:indicator").value
    assert catalogue.get(rate).denominator == "vp_adressen"  # the default: a rate per 100 park addresses
    ranking = at.dataframe[0].value.set_index("Code")
    assert len(ranking) == 342 and pd.isna(ranking.loc[without, "Waarde"]) and ranking.loc[without, "Status"] != ""
    assert not ranking.loc[without, "Status"].startswith("x")  # no denominator: '.', not secret
    at = open_page("vakantieparken", {"gemeente": without, "indicator": "vp_personen", "year": "2024"})
    ranking = at.dataframe[0].value.set_index("Code")
    assert ranking.loc[without, "Waarde"] == 0  # no park addresses: no registrations, published as 0
    assert (ranking["Status"].astype(str).str.startswith("x")).any()  # and secret cells elsewhere, as x
