"""The StatLine / data.politie.nl reader: layout variants, symbols, names, periods, atomic ingest, real files."""
import hashlib
import shutil

import duckdb
import pytest

from zoo_core import build, catalogue, combine, geography, statline
from zoo_core.__main__ import main
from zoo_core.exchange import IngestError
from zoo_core.queries import Release

REAL_FILES = [geography.OPEN_DATA / f for f in statline.SHIPPED["cr_misdrijven"]]

TITLE = "Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente 2026"
FILTER = "Soort misdrijf: Totaal misdrijven"


def export(*lines, sep=";", quote=True, newline="\n", bom=False) -> bytes:
    """A StatLine-style file: each line a string (one field) or a list of fields."""
    out = []
    for line in lines:
        fields = [line] if isinstance(line, str) else list(line)
        out.append(sep.join(f'"{f}"' if quote else f for f in fields))
    text = newline.join(out) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def standard(*rows, periods=("2023", "2024"), footer=("Bron: Politie",)):
    n = len(periods)
    return [TITLE, FILTER, "", ["Onderwerp"] + ["Geregistreerde misdrijven"] * n, ["Perioden", *periods],
            ["Regio's"] + ["aantal"] * n, *rows, *footer]


ROWS = (["Nederland", "1000", "1100"], ["Amsterdam", "500", "520"], ["Groningen (gemeente)", "20", "21"],
        ["Buitenland", ".", "."], ["Gemeenten; niet in te delen", "3", "4"], ["Amsterdam (RE)", "505", "530"])


def write(tmp_path, content: bytes, name="export.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def cells_of(tmp_path, areas, content, indicator="cr_misdrijven", topic=None):
    table = statline.read(write(tmp_path, content))
    cells, report = statline.table_cells(table, indicator, areas, topic)
    return table, cells.set_index(["area_code", "year"]), report


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- layout variants ---------------------------------------------------------------------------------

HEADER_VARIANTS = {
    "as_downloaded": standard(*ROWS),
    "no_title_no_filter_no_blank": standard(*ROWS)[3:],
    "several_filters_no_blank": [TITLE, FILTER, "Regio's: Gemeenten", *standard(*ROWS)[3:]],
    "no_onderwerp_line": [TITLE, FILTER, "", *standard(*ROWS)[4:]],
    "no_unit_line": [*standard(*ROWS)[:5], *standard(*ROWS)[6:]],
    "perioden_before_onderwerp": [TITLE, "", standard(*ROWS)[4], standard(*ROWS)[3], *standard(*ROWS)[5:]],
    "no_footer": standard(*ROWS, footer=()),
    "long_footer": standard(*ROWS, footer=("Bron: CBS", "Centraal Bureau voor de Statistiek, Den Haag/Heerlen",
                                           "", "")),
    "footer_without_bron": standard(*ROWS, footer=("Gegevens gewijzigd op 1 december 2026",)),
}


@pytest.mark.parametrize("variant", sorted(HEADER_VARIANTS))
def test_header_and_footer_variants_give_the_same_cells(tmp_path, areas, variant):
    table, cells, report = cells_of(tmp_path, areas, export(*HEADER_VARIANTS[variant]))
    assert [c.year for c in table.columns] == [2023, 2024]
    assert cells.loc[("GM0363", 2024), "value"] == 520 and cells.loc[("GM0014", 2023), "value"] == 20
    assert cells.loc[("NL01", 2023), "value"] == 1000
    riec = next(c for c, n in zip(areas["area_code"], areas["name"]) if n == "RIEC Amsterdam")
    assert cells.loc[(riec, 2024), "value"] == 530
    assert len(cells) == 8
    assert [name for _, name, _ in report.skipped] == ["Buitenland", "Gemeenten; niet in te delen"]
    if variant in ("as_downloaded", "several_filters_no_blank", "no_onderwerp_line", "no_unit_line"):
        assert table.title == TITLE and FILTER in table.filters
    if variant == "as_downloaded":
        assert table.source == "Bron: Politie" and table.dimension == "Regio's"
        assert {c.unit for c in table.columns} == {"aantal"}


@pytest.mark.parametrize("options", [{"newline": "\r\n", "bom": True}, {"quote": False}, {"sep": "\t"},
                                     {"sep": ",", "quote": True}])
def test_separators_quotes_bom_and_line_endings(tmp_path, areas, options):
    rows = ROWS if options.get("quote", True) else [r for r in ROWS if ";" not in r[0]]  # unquoted: no ';' in a name
    _, cells, _ = cells_of(tmp_path, areas, export(*standard(*rows), **options))
    assert cells.loc[("GM0363", 2024), "value"] == 520


def test_data_after_the_footer_is_refused(tmp_path, areas):
    content = export(*standard(*ROWS), ["Utrecht (gemeente)", "1", "2"])
    with pytest.raises(IngestError, match=r"regel 14: gegevensregel na de voettekst"):
        statline.read(write(tmp_path, content))


def test_a_file_without_perioden_says_how_to_export(tmp_path):
    with pytest.raises(IngestError, match="perioden als kolommen"):
        statline.read(write(tmp_path, export(TITLE, ["Regio's", "Perioden", "aantal"], ["Amsterdam", "2024", "5"])))


def test_wrong_number_of_fields_names_the_line(tmp_path):
    with pytest.raises(IngestError, match=r"regel 7: 2 velden in plaats van 3"):
        statline.read(write(tmp_path, export(*standard(["Amsterdam", "500"]))))


# --- symbols and numbers -----------------------------------------------------------------------------

def test_cbs_symbols_and_number_formats(tmp_path, areas):
    rows = [["Amsterdam", "x", "."], ["Rotterdam", "-", ""], ["Utrecht (gemeente)", "12,5", "12.5"],
            ["Groningen (gemeente)", "82 964", "0"], ["Buitenland", "X", "7"]]
    _, cells, report = cells_of(tmp_path, areas, export(*standard(*rows)), indicator="ctx_inwoners")
    status = cells["status"].to_dict()
    value = cells["value"].to_dict()
    assert status[("GM0363", 2023)] == "suppressed" and value[("GM0363", 2023)] != value[("GM0363", 2023)]  # NaN
    assert status[("GM0363", 2024)] == "missing"
    assert status[("GM0599", 2023)] == "published" and value[("GM0599", 2023)] == 0.0
    assert status[("GM0599", 2024)] == "not_applicable"
    assert value[("GM0344", 2023)] == 12.5 and value[("GM0344", 2024)] == 12.5
    assert value[("GM0014", 2023)] == 82964 and value[("GM0014", 2024)] == 0
    assert report.unattributed == {2024: 7.0}


@pytest.mark.parametrize("value, what", [("veel", "geen getal en geen CBS-teken"), ("-5", "negatieve waarde"),
                                         ("1e5", "geen getal"), ("?", "geen getal")])
def test_a_bad_value_names_line_and_period(tmp_path, areas, value, what):
    content = export(*standard(["Amsterdam", "500", value]))
    with pytest.raises(IngestError) as err:
        cells_of(tmp_path, areas, content)
    assert "export.csv, regel 7, kolom '2024'" in str(err.value) and what in str(err.value)


# --- names ---------------------------------------------------------------------------------------------

def test_every_level_and_disambiguation_is_matched(tmp_path, areas):
    rows = [["Nederland", "1", "1"], ["Utrecht (PV)", "2", "2"], ["Fryslân (PV)", "3", "3"], ["Limburg", "4", "4"],
            ["Zeeland - West-Brabant (RE)", "5", "5"], ["'s-Gravenhage", "6", "6"], ["Groningen (gemeente)", "7", "7"],
            ["Bergen (NH.)", "8", "8"], ["GM0599", "9", "9"], ["Noord-Nederland (LD)", "10", "10"],
            ["Niet in te delen (RE)", "11", "11"], ["Buitenland", ".", "."]]
    _, cells, report = cells_of(tmp_path, areas, export(*standard(*rows)))
    codes = set(cells.index.get_level_values(0))
    names = dict(zip(areas["area_code"], areas["name"]))
    assert {names[c] for c in codes} == {"Nederland", "Utrecht", "Fryslân", "Limburg", "RIEC Zeeland-West-Brabant",
                                         "'s-Gravenhage", "Groningen", "Bergen (NH.)", "Rotterdam"}
    assert report.matched == {"land": 1, "provincie": 3, "riec": 1, "gemeente": 4}
    skipped = {name: reason for _, name, reason in report.skipped}
    assert "landsdeel" in skipped["Noord-Nederland (LD)"] and set(skipped) == {
        "Noord-Nederland (LD)", "Niet in te delen (RE)", "Buitenland"}


def test_every_unmatched_and_ambiguous_name_is_reported_with_its_line(tmp_path, areas):
    rows = [["Amsterdm", "1", "1"], ["Groningen", "2", "2"]] + [[f"Nergensdorp {i}", "1", "1"] for i in range(25)] \
        + [["Atlantis (PV)", "1", "1"], ["Amsterdam", "1", "1"]]
    with pytest.raises(IngestError) as err:
        cells_of(tmp_path, areas, export(*standard(*rows)))
    message = str(err.value)
    assert "niets gewijzigd" in message and "28 fout(en)" in message
    assert "regel 7, kolom 'Regio's': onbekende gebiedsnaam 'Amsterdm' (bedoelt u 'Amsterdam'?)" in message
    assert "regel 8" in message and "dubbelzinnige naam 'Groningen'" in message
    assert "'Groningen (gemeente)' of 'Groningen (PV)'" in message
    assert all(f"regel {9 + i}:" in message.replace(", kolom 'Regio's'", "") for i in range(25))  # none cut off
    assert "regel 34" in message and "onbekende provincie 'Atlantis'" in message
    assert "regel 35" not in message


def test_duplicate_names_and_codes_are_refused(tmp_path, areas):
    rows = [["Amsterdam", "1", "1"], ["Rotterdam", "1", "1"], ["Amsterdam", "2", "2"], ["GM0599", "3", "3"]]
    with pytest.raises(IngestError) as err:
        cells_of(tmp_path, areas, export(*standard(*rows)))
    message = str(err.value)
    assert "regel 9" in message and "'Amsterdam' is hetzelfde gebied (GM0363) als 'Amsterdam' op regel 7" in message
    assert "regel 10" in message and "(GM0599) als 'Rotterdam' op regel 8" in message


def test_a_level_the_indicator_does_not_publish_is_refused(tmp_path, areas):
    with pytest.raises(IngestError, match=r"regel 7, kolom '2023': cr_misdrijven wordt niet gepubliceerd op niveau wijk"):
        cells_of(tmp_path, areas, export(*standard(["WK0363AA", "1", "1"])))


# --- periods, topics, units ------------------------------------------------------------------------------

@pytest.mark.parametrize("period", ["2024 1e kwartaal", "2024 januari", "2023/2024", "24", "Totaal"])
def test_a_period_that_is_not_a_year_is_an_error(tmp_path, period):
    with pytest.raises(IngestError) as err:
        statline.read(write(tmp_path, export(*standard(["Amsterdam", "1", "2"], periods=("2023", period)))))
    assert f"regel 5, kolom '{period}': periode '{period}' is geen jaar" in str(err.value)


def test_provisional_years_are_read_and_noted(tmp_path, areas):
    _, cells, report = cells_of(tmp_path, areas, export(*standard(["Amsterdam", "1", "2"], periods=("2023", "2024*"))))
    assert cells.loc[("GM0363", 2024), "value"] == 2
    assert any("2024*" in n and "voorlopig" in n for n in report.notes)
    _, _, report = cells_of(tmp_path, areas, export(*standard(["Amsterdam", "1", "2"], periods=("2024", "2025"))))
    assert any("jaar 2025 staat niet in de catalogus" in n for n in report.notes)


def test_a_period_twice_is_an_error(tmp_path):
    with pytest.raises(IngestError, match="periode 2024 staat twee keer"):
        statline.read(write(tmp_path, export(*standard(["Amsterdam", "1", "2"], periods=("2024", "2024*")))))


def test_several_topics_need_onderwerp(tmp_path, areas):
    lines = [TITLE, ["Onderwerp", "Geregistreerde misdrijven", "Aangiften"], ["Perioden", "2024", "2024"],
             ["Regio's", "aantal", "aantal"], ["Amsterdam", "82964", "40000"], "Bron: Politie"]
    with pytest.raises(IngestError, match="meer dan één onderwerp.*--onderwerp"):
        cells_of(tmp_path, areas, export(*lines))
    _, cells, _ = cells_of(tmp_path, areas, export(*lines), topic="Aangiften")
    assert cells.loc[("GM0363", 2024), "value"] == 40000


def test_a_count_table_is_not_read_into_a_rate(tmp_path, areas):
    with pytest.raises(IngestError, match="lees haar in als cr_misdrijven"):
        cells_of(tmp_path, areas, export(*standard(["Amsterdam", "1", "2"])), indicator="cr_misdrijven_per_1000")
    with pytest.raises(IngestError, match="onbekende indicator 'nope'"):
        cells_of(tmp_path, areas, export(*standard(["Amsterdam", "1", "2"])), indicator="nope")


# --- totals and rates --------------------------------------------------------------------------------------

def _all_gemeenten(areas, drop=()):
    gem = areas[areas["level"] == "gemeente"]
    return [[code, "10", "20"] for code in gem["area_code"] if code not in drop]


def test_totals_the_file_lacks_are_summed_only_when_complete(tmp_path, areas):
    table = statline.read(write(tmp_path, export(*standard(*_all_gemeenten(areas, drop=("GM0014",)),
                                                           ["Groningen (gemeente)", "10", "x"]))))
    cells, report = statline.table_cells(table, "cr_misdrijven", areas)
    out = statline.complete_totals(cells, areas, "cr_misdrijven", report).set_index(["area_code", "year"])
    n_utrecht = int(((areas["level"] == "gemeente") & (areas["provincie_code"] == "PV26")).sum())
    assert out.loc[("PV26", 2024), "value"] == 20 * n_utrecht
    assert out.loc[("NL01", 2023), "value"] == 10 * 342 and out.loc[("NL01", 2024), "status"] == "missing"
    assert out.loc[("PV20", 2024), "status"] == "missing" and out.loc[("PV20", 2023), "status"] == "published"
    groningen_riec = areas.set_index("area_code").loc["GM0014", "riec_code"]
    assert out.loc[(groningen_riec, 2024), "status"] == "missing"
    assert any("11 van 12 provincie-totalen" in n for n in report.notes)


def test_an_ingest_of_part_of_the_country_only_writes_the_totals_it_has_all_gemeenten_of(tmp_path, areas):
    flevoland = areas.loc[(areas["level"] == "gemeente") & (areas["provincie_code"] == "PV24"), "area_code"]
    table = statline.read(write(tmp_path, export(*standard(*[[c, "1", "2"] for c in flevoland]))))
    cells, report = statline.table_cells(table, "cr_misdrijven", areas)
    out = statline.complete_totals(cells, areas, "cr_misdrijven", report, absent="omit")
    totals = out[~out["area_code"].isin(flevoland)].set_index(["area_code", "year"])
    assert list(totals.index) == [("PV24", 2023), ("PV24", 2024)]
    assert totals.loc[("PV24", 2024), "value"] == 2 * len(flevoland)
    assert any("blijven zoals ze waren" in n for n in report.notes)


def test_the_land_is_not_summed_when_part_of_the_table_belongs_to_no_gemeente(tmp_path, areas):
    table = statline.read(write(tmp_path, export(*standard(*_all_gemeenten(areas), ["Gemeenten; niet in te delen", "5", "0"]))))
    cells, report = statline.table_cells(table, "cr_misdrijven", areas)
    out = statline.complete_totals(cells, areas, "cr_misdrijven", report).set_index(["area_code", "year"])
    assert out.loc[("NL01", 2023), "status"] == "missing" and out.loc[("NL01", 2024), "value"] == 20 * 342


# --- the real files ------------------------------------------------------------------------------------------

def test_the_real_politie_files_parse(areas):
    years = {}
    for path in REAL_FILES:
        table = statline.read(path)
        assert table.title.startswith("Geregistreerde misdrijven en aangiften") and table.source == "Bron: Politie"
        cells, report = statline.table_cells(table, "cr_misdrijven", areas)
        assert report.matched == {"land": 1, "riec": 10, "gemeente": 342}
        assert sorted(name for _, name, _ in report.skipped) == ["Buitenland", "Gemeenten; niet in te delen",
                                                                 "Niet in te delen (RE)"]
        for year, part in cells.groupby("year"):
            years[year] = part.set_index("area_code")["value"]
    assert sorted(years) == [2022, 2023, 2024]
    assert years[2024]["GM0363"] == 82964 and years[2024]["GM0599"] == 54505 and years[2024]["GM0518"] == 38823
    assert years[2024]["GM0344"] == 25271 and years[2024]["GM0014"] == 14981
    gem = areas.loc[areas["level"] == "gemeente", "area_code"]
    assert {y: int(years[y][gem].sum()) for y in years} == {2022: 799756, 2023: 805308, 2024: 805357}
    assert {y: int(years[y]["NL01"]) for y in years} == {2022: 800027, 2023: 805590, 2024: 805559}


def test_shipped_cells_give_counts_totals_and_rates(areas, kerncijfers):
    context = build.context_cells(areas, kerncijfers)
    cells = statline.shipped_cells(areas, context, log=lambda *_: None).set_index(["indicator", "area_code", "year"])
    assert (cells["status"] == "published").all()
    assert cells.loc[("cr_misdrijven", "GM0363", 2024), "value"] == 82964
    inwoners = context.set_index(["indicator", "area_code"]).loc[("ctx_inwoners", "GM0363"), "value"]
    assert cells.loc[("cr_misdrijven_per_1000", "GM0363", 2022), "value"] == round(76890 / inwoners * 1000, 2)
    gem = areas[areas["level"] == "gemeente"]
    utrecht = gem.loc[gem["provincie_code"] == "PV26", "area_code"]
    assert cells.loc[("cr_misdrijven", "PV26", 2024), "value"] == sum(
        cells.loc[("cr_misdrijven", c, 2024), "value"] for c in utrecht)
    for ind in ("cr_misdrijven", "cr_misdrijven_per_1000"):
        part = cells.loc[ind]
        assert set(part.index.get_level_values("year")) == set(catalogue.get(ind).years)
        levels = set(part.index.get_level_values("area_code").map(areas.set_index("area_code")["level"]))
        assert levels == set(catalogue.get(ind).levels)


# --- ingest into a release: atomic, CLI ------------------------------------------------------------------------

@pytest.fixture
def db(release_db, tmp_path):
    copy = tmp_path / "release.duckdb"
    shutil.copyfile(release_db, copy)
    return copy


def cell(db, indicator, year, area):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value, status FROM cells WHERE indicator=? AND year=? AND area_code=? AND sbi=''",
                           [indicator, year, area]).fetchone()
    finally:
        con.close()


REFUSED = {
    "unmatched_name": export(*standard(["Amsterdam", "1", "2"], ["Amsterdm", "1", "2"])),
    "duplicate_name": export(*standard(["Amsterdam", "1", "2"], ["Amsterdam", "1", "2"])),
    "period_not_a_year": export(*standard(["Amsterdam", "1", "2"], periods=("2023", "2024 1e kwartaal"))),
    "bad_value": export(*standard(["Amsterdam", "1", "veel"])),
    "data_after_footer": export(*standard(["Amsterdam", "1", "2"]), ["Rotterdam", "1", "2"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_file_leaves_the_database_byte_identical(db, tmp_path, case, capsys):
    path = write(tmp_path, REFUSED[case])
    before = digest(db)
    with pytest.raises(IngestError, match="export.csv"):
        statline.ingest(path, "cr_misdrijven", db)
    assert main(["ingest", str(path), "--indicator", "cr_misdrijven", "--db", str(db)]) == 2
    assert "export.csv" in capsys.readouterr().err
    assert digest(db) == before
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".release")], "temporary file left behind"


def test_cli_ingests_a_statline_export_and_recomputes_the_rate(db, tmp_path, capsys):
    path = write(tmp_path, export(*standard(["Amsterdam", "1000", "2000"], ["Buitenland", ".", "."])))
    noord_holland = cell(db, "cr_misdrijven", 2024, "PV27")
    assert main(["ingest", str(path), "--indicator", "cr_misdrijven", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "'Buitenland' overgeslagen" in out and "ingested 4 cells" in out
    assert cell(db, "cr_misdrijven", 2024, "GM0363") == (2000.0, "published")
    inwoners = cell(db, "ctx_inwoners", 2024, "GM0363")[0]
    assert cell(db, "cr_misdrijven_per_1000", 2023, "GM0363") == (round(1000 / inwoners * 1000, 2), "published")
    assert cell(db, "cr_misdrijven", 2024, "GM0599") == (54505.0, "published")  # other cells untouched
    assert cell(db, "cr_misdrijven", 2024, "PV27") == noord_holland  # not all its gemeenten in the file: kept
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM ingested WHERE file = 'export.csv'").fetchone()[0] == 4
    con.close()


def test_cli_needs_indicator_for_statline_and_refuses_it_for_cells_csv(db, tmp_path, capsys):
    statline_file = write(tmp_path, export(*standard(["Amsterdam", "1", "2"])))
    before = digest(db)
    assert main(["ingest", str(statline_file), "--db", str(db)]) == 2
    assert "--indicator" in capsys.readouterr().err
    cells_file = write(tmp_path, b"indicator,year,area_code,sbi,value,status\ntr_fiu,2024,GM0599,,3,published\n", "c.csv")
    assert main(["ingest", str(cells_file), "--indicator", "tr_fiu", "--db", str(db)]) == 2
    assert "laat --indicator" in capsys.readouterr().err
    assert digest(db) == before
    assert statline.detect_format(cells_file) == "cells" and statline.detect_format(statline_file) == "statline"
    assert main(["ingest", str(cells_file), "--db", str(db)]) == 0  # the cells.csv ingest keeps working


# --- the built release -------------------------------------------------------------------------------------------

def test_the_release_has_the_real_crime_figures_and_combines_them(release_db):
    rel = Release(release_db)
    assert rel.years("cr_misdrijven") == [2022, 2023, 2024]
    amsterdam = rel.values("cr_misdrijven", 2024, "gemeente").set_index("area_code").loc["GM0363"]
    assert amsterdam["value"] == 82964 and amsterdam["status"] == "published"
    assert not rel.is_demo("cr_misdrijven", 2024) and not rel.is_demo("cr_misdrijven_per_1000")
    assert combine.common_years("cr_misdrijven_per_1000", "tr_fiu_per_1000") == [2022, 2023, 2024]
    assert combine.indicator_supports("cr_misdrijven_per_1000", "gemeenten")
    assert not combine.indicator_supports("cr_misdrijven_per_1000", "wijken")
    pairs = combine.pair_frame(rel, "cr_misdrijven_per_1000", "", "tr_fiu_per_1000", "", 2022, "gemeenten", None)
    assert len(pairs) == 342 and pairs["x_status"].eq("published").all()
    assert pairs["pair_status"].isin(["published", "suppressed"]).all()
    assert pairs.set_index("area_code").loc["GM0363", "x"] == rel.values(
        "cr_misdrijven_per_1000", 2022, "gemeente").set_index("area_code").loc["GM0363", "value"]
