"""A deployment's own confidential counts (docs/examples/own-figures): read and checked with file, line and
column; protected by the build like the demo families (primary, secondary, audit); published in the release;
a bad file changes nothing."""
import shutil

import pandas as pd
import pytest

from tests.conftest import EXAMPLE
from zoo_core import attacker, build, catalogue, geography, own, release
from zoo_core.disclosure import CellTable, audit, load_rule_sets
from zoo_core.exchange import IngestError

# The example's cells below 10 addresses (the threshold of data/disclosure.toml), and one that is 0.
SMALL = {(2023, "WK004701"), (2023, "WK007201"), (2023, "WK007202"), (2024, "WK004701"), (2024, "WK007202")}
GEMEENTEN = {"GM0047": "Veendam", "GM0072": "Harlingen", "GM0148": "Dalfsen"}


@pytest.fixture(scope="module")
def areas():
    return geography.load_areas()


@pytest.fixture(scope="module")
def cells(own_release):
    con = release.connect_readonly(own_release)
    try:
        return con.execute("SELECT * FROM cells WHERE indicator LIKE 'eg_%' ORDER BY indicator, year, area_code").df()
    finally:
        con.close()


def test_the_example_is_read_as_base_rows(declared, areas):
    declared(EXAMPLE / "indicators.toml")
    base = own.read_all(areas)
    assert len(base) == 24 and set(base["measure"]) == {"eg_meldingen"} and set(base["year"]) == {2023, 2024}
    assert base.loc[(base["area_code"] == "WK004701") & (base["year"] == 2023), "value"].item() == 4


def test_cells_below_the_threshold_are_suppressed_with_their_secondary_partners(cells):
    counts = cells[cells["indicator"] == "eg_meldingen"]
    suppressed = counts[counts["status"] == "suppressed"]
    hidden = set(zip(suppressed["year"].astype(int), suppressed["area_code"]))
    assert SMALL <= hidden
    for year in (2023, 2024):
        for gemeente in GEMEENTEN:
            wijken = {a for y, a in hidden if y == year and a.startswith("WK" + gemeente[2:])}
            assert len(wijken) != 1, (year, gemeente)  # one hidden wijk would follow from the published gemeente
    assert not {a for _, a in hidden if a.startswith("WK0148")}  # Dalfsen: nothing small, nothing hidden
    assert not {a for _, a in hidden if a.startswith("GM")}
    # Harlingen 2023: 2 + 3 hidden would be known together as 5 (< 10): its third wijk is hidden too.
    assert {a for y, a in hidden if y == 2023 and a.startswith("WK0072")} == {"WK007200", "WK007201", "WK007202"}


def test_the_rate_shares_the_pattern_and_nothing_hidden_has_a_value(cells):
    wide = cells.pivot_table(index=["year", "area_code"], columns="indicator", values="status", aggfunc="first")
    assert (wide["eg_meldingen"] == wide["eg_meldingen_per_1000"]).all()
    assert cells.loc[cells["status"] != "published", "value"].isna().all()
    assert cells.loc[cells["status"] == "published", "value"].notna().all()
    published = cells[(cells["indicator"] == "eg_meldingen") & (cells["status"] == "published")]
    assert dict(zip(published[published["year"] == 2024]["area_code"], published[published["year"] == 2024]["value"])) \
        == {"GM0047": 71, "GM0072": 42, "GM0148": 49, "WK004700": 52, "WK014801": 25, "WK014802": 14, "WK014803": 10}
    rate = cells[(cells["indicator"] == "eg_meldingen_per_1000") & (cells["area_code"] == "GM0047")
                 & (cells["year"] == 2024)]["value"].item()
    assert rate == pytest.approx(71 / 13084 * 1000, abs=0.005)  # woningvoorraad Veendam 2024


def test_the_audit_of_the_published_pattern_passes(declared, areas, cells):
    declared(EXAMPLE / "indicators.toml")
    base = own.read_all(areas)
    sub, relations = own.relations_among(areas, set(base["area_code"]))
    assert len(relations) == 3  # each gemeente = its wijken; nothing above the gemeenten
    counts = cells[cells["indicator"] == "eg_meldingen"]
    for year in (2023, 2024):
        rows = base[base["year"] == year].set_index("area_code").reindex(sub["area_code"])
        table = CellTable.from_rows(sub["area_code"], rows, relations, "count", load_rule_sets()["addresses"])
        status = counts[counts["year"] == year].set_index("area_code").reindex(sub["area_code"])["status"]
        result = audit(table, (status == "suppressed").to_numpy(), primary=(rows["n_units"].between(1, 9)).to_numpy())
        assert result.ok, result.failures
        assert (result.upper - result.lower)[(status == "suppressed").to_numpy()].min() >= 5


def test_the_attacker_reading_only_the_release_finds_every_hidden_cell_wide_enough(declared, own_release):
    declared(EXAMPLE / "indicators.toml")
    attack = attacker.Attacker(own_release, own_release.parent / "confidential" / "base.duckdb")
    own_tables = [t for t in attacker.tables() if t[0] == "eg_meldingen"]
    assert own_tables == [("eg_meldingen", 2023, ""), ("eg_meldingen", 2024, "")]
    for family, year, sbi in own_tables:
        result = attack.audit_table(family, year, sbi)
        assert result.hidden >= 4 and result.failures == [] and result.smallest_margin >= 0


def test_the_build_report_and_release_list_the_own_indicators(own_release):
    con = release.connect_readonly(own_release)
    try:
        report = con.execute("SELECT family, year, \"primary\", secondary FROM suppression_report "
                             "WHERE family = 'eg_meldingen' ORDER BY year").df()
        indicators = con.execute("SELECT indicator, theme FROM indicators WHERE indicator LIKE 'eg_%'").df()
    finally:
        con.close()
    assert report.to_dict("list") == {"family": ["eg_meldingen"] * 2, "year": [2023, 2024], "primary": [3, 2],
                                      "secondary": [2, 3]}
    assert set(indicators["indicator"]) == {"eg_sluitingen", "eg_meldingen", "eg_meldingen_per_1000"}


def test_the_public_table_is_published_as_it_is(cells):
    public = cells[cells["indicator"] == "eg_sluitingen"]
    assert dict(zip(public["area_code"], public["value"])) == {"GM0047": 3, "GM0072": 1, "GM0148": 0}
    assert set(public["status"]) == {"published"}  # 1 sluiting is published: a public table is not suppressed


def bad_csv(tmp_path, text: str, declared):
    csv = tmp_path / "meldingen.csv"
    csv.write_text(text, encoding="utf-8")
    toml = (EXAMPLE / "indicators.toml").read_text(encoding="utf-8")
    (tmp_path / "indicators.toml").write_text(toml, encoding="utf-8")  # base = "meldingen.csv" next to it
    declared(tmp_path / "indicators.toml")
    return csv


EXAMPLE_ROWS = (EXAMPLE / "meldingen.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("WK004701,2023", "WK999999,2023"), "meldingen.csv, regel 4, kolom 'area_code': onbekende "
                                                           "gebiedscode 'WK999999'"),
    (lambda t: t.replace("WK004702,2023,15,15", "WK004702,2023,vijftien,15"),
     "meldingen.csv, regel 5, kolom 'value': 'vijftien' is geen geheel getal >= 0"),
    (lambda t: t.replace("WK004702,2023,15,15", "WK004702,2023,15.5,15"), "regel 5, kolom 'value': '15.5' is geen geheel"),
    (lambda t: t.replace("WK004702,2023,15,15", "WK004702,2023,-1,15"), "regel 5, kolom 'value': '-1' is geen geheel"),
    (lambda t: t.replace("WK004702,2023,15,15", "WK004702,2023,15,"), "regel 5, kolom 'n_units': leeg"),
    (lambda t: t.replace("area_code,year,value,n_units", "area_code,year,value"),
     "meldingen.csv, regel 1: ontbrekende kolommen: n_units; verwacht precies area_code,year,value,n_units "
     "(eg_meldingen is een aantal)"),
    (lambda t: t.replace("area_code,year,value,n_units", "area_code;year;value;n_units").replace(",", ";"),
     "meldingen.csv, regel 1: verkeerd scheidingsteken"),
    (lambda t: t.replace("GM0047,2023,67,67", "GM0047,2022,67,67"), "regel 2, kolom 'year': jaar 2022 hoort niet bij "
                                                                   "eg_meldingen (years: 2023, 2024)"),
    (lambda t: t.replace("GM0047,2023", "PV20,2023"), "regel 2, kolom 'area_code': PV20 is een provincie; eg_meldingen "
                                                       "wordt gepubliceerd op gemeente, wijk"),
    (lambda t: t.replace("GM0047,2023,67,67", "GM0047,2023,68,68"), "regel 2, kolom 'value': GM0047 2023: 68, maar de "
                                                                   "som van zijn 3 onderdelen is 67"),
    (lambda t: t.replace("WK007202,2023,3,3\n", "").replace("WK007202,2024,7,7\n", ""),
     "regel 6, kolom 'area_code': GM0072 staat erin met 2 van zijn 3 onderdelen; geef ze allemaal (0 mag) of geen "
     "(ontbreekt: WK007202)"),
    (lambda t: t.replace("WK014803,2024,10,10\n", "").replace("GM0148,2024,49,49", "GM0148,2024,39,39"),
     "regel 13, kolom 'year': WK014803 staat er voor 2023 maar niet voor 2024"),
    (lambda t: t + "WK004700,2024,52,52\n", "regel 26, kolom 'area_code': WK004700 2024 staat er twee keer in "
                                            "(ook op regel 15)"),
    (lambda t: t.replace("WK004700,2023,48,48", "WK004700,2023,48,0"), "regel 3, kolom 'n_units': n_units 0 past niet"),
    (lambda t: t.replace("WK004700,2023,48,48", "WK004700,2023,48"), "regel 3: 3 velden in plaats van 4"),
])
def test_a_bad_csv_is_named_with_file_line_and_column_and_the_release_stays_unchanged(tmp_path, declared, edit,
                                                                                      message, own_release):
    csv = bad_csv(tmp_path, edit(EXAMPLE_ROWS), declared)
    existing = tmp_path / "release.duckdb"
    shutil.copyfile(own_release, existing)
    before = existing.read_bytes()
    with pytest.raises(IngestError) as err:
        build.build(existing, seed=1, log=lambda *_: None, base_out=tmp_path / "base.duckdb")
    assert message in str(err.value), str(err.value)
    assert str(err.value).startswith(f"{csv.name} (eg_meldingen) is afgewezen; er is niets gebouwd of gewijzigd") or \
        "regel 1" in message
    assert existing.read_bytes() == before and not (tmp_path / "base.duckdb").exists()


def test_a_sum_needs_its_two_largest_contributions(tmp_path, declared, areas):
    toml = (EXAMPLE / "indicators.toml").read_text(encoding="utf-8").split("# Confidential")[0]
    toml += ('[[indicator]]\ncode = "eg_bedrag"\ntheme = "eigen"\nname = "Bedrag"\ndefinition = "Som."\nunit = "euro"\n'
             'kind = "sum"\nunit_type = "euros"\nlevels = ["gemeente", "wijk"]\nyears = [2024]\nsource = "X"\n'
             'disclosure = "confidential"\nbase = "bedrag.csv"\n')
    (tmp_path / "indicators.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "bedrag.csv").write_text("area_code,year,value,n_units,top1,top2\n"
                                         "GM0072,2024,1000,6,400,300\nWK007200,2024,900,4,400,300\n"
                                         "WK007201,2024,60,1,70,0\nWK007202,2024,40,1,40,0\n", encoding="utf-8")
    declared(tmp_path / "indicators.toml")
    with pytest.raises(IngestError) as err:
        own.read_all(areas)
    assert "bedrag.csv, regel 4, kolom 'top1': top1 70 en top2 0 passen niet bij waarde 60" in str(err.value)
    (tmp_path / "bedrag.csv").write_text("area_code,year,value,n_units\nGM0072,2024,1000,6\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        own.read_all(areas)
    assert "regel 1: ontbrekende kolommen: top1, top2" in str(err.value) and "(eg_bedrag is een som)" in str(err.value)


def test_own_families_run_with_their_own_years_and_the_demo_families_unchanged(declared):
    declared(EXAMPLE / "indicators.toml")
    assert catalogue.BASE_MEASURES["eg_meldingen"].years == (2023, 2024)
    assert catalogue.BASE_MEASURES["hennep"].years == catalogue.DEMO_YEARS
    assert own.families() == ["eg_meldingen"]
    empty = build.protect_families(pd.DataFrame(columns=own.BASE_COLUMNS), None, pd.DataFrame())
    assert [len(part) for part in empty] == [0, 0, 0]


def test_a_confidential_indicator_cannot_be_ingested_around_the_build(tmp_path, declared, own_release):
    from zoo_core import exchange, statline
    declared(EXAMPLE / "indicators.toml")
    existing = tmp_path / "release.duckdb"
    shutil.copyfile(own_release, existing)
    before = existing.read_bytes()
    cells = tmp_path / "cells.csv"
    cells.write_text("indicator,year,area_code,sbi,value,status\neg_meldingen,2024,WK004701,,6,published\n",
                     encoding="utf-8")
    with pytest.raises(IngestError, match=r"regel 2, kolom 'indicator': eg_meldingen is vertrouwelijk"):
        exchange.ingest(cells, existing)
    export = tmp_path / "statline.csv"
    export.write_text('"Perioden";"2024"\n"Regio\'s";"aantal"\n"Veendam";"6"\n', encoding="utf-8")
    with pytest.raises(IngestError, match="eg_meldingen_per_1000 is vertrouwelijk"):
        statline.ingest(export, "eg_meldingen_per_1000", existing)
    assert existing.read_bytes() == before
