import csv
import hashlib
import shutil

import duckdb
import pytest

from zoo_core import catalogue, exchange, release
from zoo_core.__main__ import main


@pytest.fixture
def db(release_db, tmp_path):
    copy = tmp_path / "release.duckdb"
    shutil.copyfile(release_db, copy)
    return copy


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- export ---------------------------------------------------------------------------------

def test_export_writes_exactly_what_is_published(release_db, tmp_path):
    counts = exchange.export(tmp_path, release_db)
    with open(tmp_path / "cells.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == exchange.CELL_COLUMNS
    assert len(rows) == counts["cells"]
    assert {r["status"] for r in rows} <= set(release.STATUSES)
    assert all((r["value"] != "") == (r["status"] == "published") for r in rows)
    assert {r["status"] for r in rows} >= {"published", "suppressed"}
    with open(tmp_path / "areas.csv", newline="", encoding="utf-8") as f:
        areas = list(csv.DictReader(f))
    assert list(areas[0]) == exchange.AREA_COLUMNS and len(areas) == 4383
    with open(tmp_path / "indicators.csv", newline="", encoding="utf-8") as f:
        inds = list(csv.DictReader(f))
    assert list(inds[0]) == exchange.INDICATOR_COLUMNS
    assert {r["indicator"] for r in inds} == set(catalogue.INDICATORS)
    fiu = next(r for r in inds if r["indicator"] == "tr_fiu_per_1000")
    assert fiu["per"] == "1000.0" and fiu["demo"] == "true" and fiu["numerator"] == "fiu_transacties"


def test_export_cli(release_db, tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "x"), "--db", str(release_db)]) == 0
    assert (tmp_path / "x" / "cells.csv").exists()


# --- ingest ---------------------------------------------------------------------------------

HEADER = "indicator,year,area_code,sbi,value,status\n"


def write(tmp_path, text, encoding="utf-8", name="input.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def cell(db, indicator, year, area, sbi=""):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value, status FROM cells WHERE indicator=? AND year=? AND area_code=? AND sbi=?",
                           [indicator, year, area, sbi]).fetchone()
    finally:
        con.close()


def test_valid_file_replaces_cells_and_records_it(db, tmp_path):
    path = write(tmp_path, HEADER + "tr_fiu,2024,GM0599,,1234,published\n"
                                    "tr_fiu,2024,GM0363,,x,\n"
                                    "br_vestigingen,2024,GM0599,96021,-,published\n"
                                    "dr_hennep,2023,WK059901,,,missing\n")
    assert exchange.ingest(path, db) == 4
    assert cell(db, "tr_fiu", 2024, "GM0599") == (1234.0, "published")
    assert cell(db, "tr_fiu", 2024, "GM0363") == (None, "suppressed")
    assert cell(db, "br_vestigingen", 2024, "GM0599", "96021") == (0.0, "published")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM ingested WHERE indicator='tr_fiu'").fetchone()[0] == 1
    con.close()


BAD_INPUTS = {
    "unknown_indicator": (HEADER + "nope,2024,GM0599,,1,published\n", "regel 2, kolom 'indicator'", "onbekende indicator"),
    "unknown_area": (HEADER + "tr_fiu,2024,GM9999,,1,published\n", "kolom 'area_code'", "GM9999"),
    "level_not_published": (HEADER + "ctx_inkomen,2024,BU04890101,,1,published\n", "kolom 'area_code'", "niveau buurt"),
    "duplicate": (HEADER + "tr_fiu,2024,GM0599,,1,published\ntr_fiu,2024,GM0599,,2,published\n", "regel 3", "dubbele cel"),
    "non_numeric": (HEADER + "tr_fiu,2024,GM0599,,veel,published\n", "kolom 'value'", "geen getal"),
    "negative_count": (HEADER + "tr_fiu,2024,GM0599,,-5,published\n", "kolom 'value'", "negatieve waarde"),
    "value_on_suppressed": (HEADER + "tr_fiu,2024,GM0599,,17,suppressed\n", "kolom 'value'", "mag geen waarde"),
    "published_without_value": (HEADER + "tr_fiu,2024,GM0599,,,published\n", "kolom 'value'", "zonder waarde"),
    "unknown_status": (HEADER + "tr_fiu,2024,GM0599,,3,secret\n", "kolom 'status'", "onbekende status"),
    "year_not_integer": (HEADER + "tr_fiu,twintig,GM0599,,3,published\n", "kolom 'year'", "geen geheel getal"),
    "year_out_of_range": (HEADER + "tr_fiu,1850,GM0599,,3,published\n", "kolom 'year'", "buiten"),
    "wrong_branche": (HEADER + "br_vestigingen,2024,GM0599,01131,3,published\n", "kolom 'sbi'", "hoort niet bij"),
    "branche_on_plain_indicator": (HEADER + "tr_fiu,2024,GM0599,96021,3,published\n", "kolom 'sbi'", "geen branches"),
    "percentage_over_100": (HEADER + "dr_jonge_aanwas_pct,2024,GM0599,,130,published\n", "kolom 'value'", "groter dan 100"),
    "infinite": (HEADER + "tr_fiu,2024,GM0599,,inf,published\n", "kolom 'value'", "eindig"),
    "missing_columns": ("indicator,year,area_code,value\ntr_fiu,2024,GM0599,3\n", "regel 1", "ontbrekende kolommen: sbi, status"),
    "extra_column": (HEADER.strip() + ",note\ntr_fiu,2024,GM0599,,3,published,hi\n", "regel 1", "onbekende kolommen: note"),
    "header_only": (HEADER, "input.csv", "alleen een kopregel"),
    "empty_file": ("", "input.csv", "leeg"),
    "semicolons": (HEADER.replace(",", ";") + "tr_fiu;2024;GM0599;;3;published\n", "regel 1", "scheidingsteken"),
    "wrong_field_count": (HEADER + "tr_fiu,2024,GM0599,3,published\n", "regel 2", "5 velden in plaats van 6"),
    "huge_line": (HEADER + "tr_fiu,2024,GM0599,," + "9" * 20_000 + ",published\n", "regel 2", "tekens lang"),
    "sql_in_code": (HEADER + "tr_fiu,2024,GM0599' OR 1=1 --,,3,published\n", "kolom 'area_code'", "onbekende gebiedscode"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_rejected_with_a_precise_message_and_nothing_changes(db, tmp_path, case):
    text, where, what = BAD_INPUTS[case]
    path = write(tmp_path, text)
    before = digest(db)
    with pytest.raises(exchange.IngestError) as err:
        exchange.ingest(path, db)
    message = str(err.value)
    assert "input.csv" in message and where in message and what in message, message
    assert digest(db) == before
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".release")], "temporary file left behind"


def test_wrong_encoding_names_the_line(db, tmp_path):
    path = write(tmp_path, (HEADER + "tr_fiu,2024,GM0599,,3,published\n").encode() + "dr_hennep,2024,WK059901,,3,géén\n".encode("latin-1"))
    before = digest(db)
    with pytest.raises(exchange.IngestError, match=r"regel 3: geen geldige UTF-8"):
        exchange.ingest(path, db)
    assert digest(db) == before


def test_all_errors_of_a_file_are_listed(db, tmp_path):
    path = write(tmp_path, HEADER + "nope,2024,GM0599,,1,published\ntr_fiu,2024,GM0599,,-1,published\n")
    with pytest.raises(exchange.IngestError) as err:
        exchange.ingest(path, db)
    assert "2 fout(en)" in str(err.value) and "regel 2" in str(err.value) and "regel 3" in str(err.value)


def test_missing_or_corrupt_database_gives_the_rebuild_command(tmp_path):
    path = write(tmp_path, HEADER + "tr_fiu,2024,GM0599,,1,published\n")
    with pytest.raises(release.ReleaseError, match="-m zoo_core build"):
        exchange.ingest(path, tmp_path / "absent.duckdb")
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"not a database" * 100)
    before = digest(corrupt)
    with pytest.raises(release.ReleaseError, match="beschadigd"):
        exchange.ingest(path, corrupt)
    assert digest(corrupt) == before


def test_ingest_cli_reports_error_and_exit_code(db, tmp_path, capsys):
    path = write(tmp_path, HEADER + "nope,2024,GM0599,,1,published\n")
    assert main(["ingest", str(path), "--db", str(db)]) == 2
    assert "onbekende indicator" in capsys.readouterr().err


# --- CSV for Dutch Excel (issue 13, item 23) ---------------------------------------------------
def test_csv_excel_nl_separator_decimal_comma_bom():
    import pandas as pd
    table = pd.DataFrame({"gebied": ["Súdwest-Fryslân", "'s-Gravenhage", "Vaals", "Ergens; anders"],
                          "jaar": [2024, 2024, 2024, 2024],
                          "waarde": [12.5, "x", ".", 0.0],
                          "referentie": [1234.75, "", "", 0.00001],
                          "afwijking_pct": [-3.2, "", "", 100.0]})
    raw = exchange.csv_excel_nl(table)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads the accents right
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "gebied;jaar;waarde;referentie;afwijking_pct"
    assert lines[1] == "Súdwest-Fryslân;2024;12,5;1234,75;-3,2"
    assert lines[2] == "'s-Gravenhage;2024;x;;"       # suppressed stays x, never 0
    assert lines[3] == "Vaals;2024;.;;"               # missing stays .
    assert lines[4] == '"Ergens; anders";2024;0;0,00001;100'  # no scientific notation; ; quoted
    assert lines[5] == ""


def test_csv_excel_nl_reads_back_with_pandas_as_dutch_excel_would():
    import io
    import pandas as pd
    table = pd.DataFrame({"gebied": ["A", "B"], "waarde": [1.5, 1234.25], "n": [3, 4]})
    back = pd.read_csv(io.BytesIO(exchange.csv_excel_nl(table)), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(back.columns) == ["gebied", "waarde", "n"]
    assert back["waarde"].tolist() == [1.5, 1234.25] and back["n"].tolist() == [3, 4]
