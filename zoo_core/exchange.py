"""Export what the app publishes as CSV, and ingest real published tables into a release.

Export writes exactly the published state: cells.csv, areas.csv, indicators.csv.
Ingest validates the whole file first and only then writes a new database file that replaces the
old one by an atomic rename: a rejected file leaves the release byte-identical.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import catalogue, release, statuses
from .geography import AREA_COLUMNS

CELL_COLUMNS = ["indicator", "year", "area_code", "sbi", "value", "status"]
INDICATOR_COLUMNS = ["indicator", "theme", "name", "unit", "kind", "numerator", "denominator", "per", "unit_type", "demo"]
MAX_LINE_CHARS = 10_000
MAX_ERRORS = 20
# CBS table symbols accepted in the value column
SYMBOL_STATUS = statuses.STATUS_OF_SYMBOL
NIL_SYMBOL = "-"  # CBS: nil, i.e. a published 0
CONFIDENTIAL = ("{code} is vertrouwelijk (indicatorbestand: disclosure = \"confidential\"); de cijfers komen alleen via "
                "de geheimhouding van python -m zoo_core build, niet via ingest")


def export(out_dir: Path, db: Path | None = None) -> dict[str, int]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = release.connect_readonly(db)
    try:
        # DuckDB writes the million cells itself. A value only where published: enforced again on the
        # way out rather than trusted from the store; whole numbers without ".0".
        target = str(out_dir / "cells.csv").replace("'", "''")
        con.execute(f"""COPY (SELECT indicator, year, area_code, sbi,
                                CASE WHEN status <> 'published' OR value IS NULL OR isnan(value) THEN NULL
                                     WHEN value = trunc(value) THEN CAST(CAST(value AS BIGINT) AS VARCHAR)
                                     ELSE CAST(value AS VARCHAR) END AS value, status
                         FROM cells ORDER BY indicator, year, sbi, area_code)
                        TO '{target}' (HEADER, DELIMITER ',')""")
        n_cells = con.execute("SELECT count(*) FROM cells").fetchone()[0]
        areas = con.execute(f"SELECT {', '.join(AREA_COLUMNS)} FROM areas").df()
        indicators = con.execute(f"SELECT {', '.join(INDICATOR_COLUMNS)} FROM indicators ORDER BY indicator").df()
    finally:
        con.close()
    areas.to_csv(out_dir / "areas.csv", index=False)
    indicators["demo"] = indicators["demo"].map({True: "true", False: "false"})
    indicators.to_csv(out_dir / "indicators.csv", index=False)
    return {"cells": int(n_cells), "areas": len(areas), "indicators": len(indicators)}


def csv_excel_nl(table: pd.DataFrame) -> bytes:
    """A table as CSV that Dutch Excel opens in columns: `;` separator, decimal comma, UTF-8 with a BOM
    (so accents survive), CRLF line ends. Numbers are written without thousands separator and never in
    scientific notation, so Excel reads them as numbers; text cells (names, `x` for suppressed, `.` for
    missing, empty) stay exactly as they are."""
    def cell(v) -> str:
        if v is None or isinstance(v, bool) or isinstance(v, str):
            return "" if v is None else str(v)
        if isinstance(v, (int, float, np.integer, np.floating)):
            if isinstance(v, (float, np.floating)) and math.isnan(v):
                return ""
            if float(v).is_integer():
                return str(int(v))
            return np.format_float_positional(float(v), trim="-").replace(".", ",")
        return "" if pd.isna(v) else str(v)
    text = pd.DataFrame({c: [cell(v) for v in table[c]] for c in table.columns}).to_csv(
        index=False, sep=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return text.encode("utf-8-sig")


class IngestError(ValueError):
    """A rejected file; the message lists each problem with file, line and column."""


@dataclass
class Problem:
    line: int
    column: str
    message: str

    def render(self, file: str) -> str:
        where = f"{file}, regel {self.line}" + (f", kolom '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


def _decode(raw: bytes, file: str, expected: str = f"een kopregel {','.join(CELL_COLUMNS)} en gegevensregels") -> str:
    if not raw.strip():
        raise IngestError(f"{file}: het bestand is leeg; verwacht {expected}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise IngestError(f"{file}, regel {line}: geen geldige UTF-8-tekst (byte {exc.start}); "
                          "sla het bestand op als UTF-8") from None


def read_text(path: Path, **expected) -> str:
    """The file as text (UTF-8, BOM allowed), or IngestError for an unreadable, empty, non-UTF-8 file or an
    overlong line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: kan het bestand niet lezen ({exc.strerror})") from None
    text = _decode(raw, path.name, **expected)
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise IngestError(f"{path.name}, regel {number}: regel is {len(line)} tekens lang (maximaal {MAX_LINE_CHARS})")
    return text


def csv_header(text: str, file: str, expected: list[str], note: str = "") -> list[str]:
    """The columns of a comma-separated file that must have exactly the columns `expected` (any order), or
    IngestError for line 1 (another separator, a missing or an unknown column). `note` ends the message."""
    header = text.splitlines()[0]
    if "," not in header and any(sep in header for sep in (";", "\t", "|")):
        raise IngestError(f"{file}, regel 1: verkeerd scheidingsteken; gebruik komma's (kopregel: {header[:80]!r})")
    columns = [c.strip() for c in next(csv.reader(io.StringIO(text)))]
    missing = [c for c in expected if c not in columns]
    extra = [c for c in columns if c not in expected]
    if missing or extra:
        detail = (f"ontbrekende kolommen: {', '.join(missing)}" if missing else "") + \
                 ("; " if missing and extra else "") + (f"onbekende kolommen: {', '.join(extra)}" if extra else "")
        raise IngestError(f"{file}, regel 1: {detail}; verwacht precies {','.join(expected)}{note}")
    return columns


def csv_rows(text: str, columns: list[str], problems: list[Problem]):
    """(line number, {column: stripped text}) per data line after the header; blank lines are skipped, a
    line with the wrong number of fields goes to `problems`. Stops after MAX_ERRORS problems."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    for record in reader:
        if len(problems) >= MAX_ERRORS:
            return
        if not any(f.strip() for f in record):
            continue
        if len(record) != len(columns):
            problems.append(Problem(reader.line_num, "", f"{len(record)} velden in plaats van {len(columns)}"))
            continue
        yield reader.line_num, {c: v.strip() for c, v in zip(columns, record)}


def validate(path: Path, db: Path | None = None) -> pd.DataFrame:
    """Parse and check a cells.csv file against the release; return clean rows or raise IngestError."""
    file = Path(path).name
    text = read_text(path)
    columns = csv_header(text, file, CELL_COLUMNS)

    con = release.connect_readonly(db)
    try:
        levels = dict(con.execute("SELECT area_code, level FROM areas").fetchall())
    finally:
        con.close()

    problems: list[Problem] = []
    rows, seen = [], {}
    for number, r in csv_rows(text, columns, problems):
        row_problems = _check_row(r, levels)
        problems += [Problem(number, col, msg) for col, msg in row_problems]
        if not row_problems:
            key = (r["indicator"], int(r["year"]), r["area_code"], r["sbi"])
            if key in seen:
                problems.append(Problem(number, "", f"dubbele cel {key[0]} {key[1]} {key[2]} {key[3]} (ook op regel {seen[key]})"))
            seen[key] = number
            rows.append(_clean_row(r))
    if not rows and not problems:
        raise IngestError(f"{file}: alleen een kopregel, geen gegevensregels")
    if problems:
        shown = "\n".join(p.render(file) for p in problems[:MAX_ERRORS])
        more = " (en mogelijk meer)" if len(problems) >= MAX_ERRORS else ""
        raise IngestError(f"{file} is afgewezen, er is niets gewijzigd. {len(problems)} fout(en){more}:\n{shown}")
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def _check_row(r: dict[str, str], levels: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    ind = catalogue.INDICATORS.get(r["indicator"])
    if ind is None:
        out.append(("indicator", f"onbekende indicator {r['indicator'][:60]!r}"))
    elif catalogue.protected_by_build(ind):
        out.append(("indicator", CONFIDENTIAL.format(code=ind.code)))
        ind = None
    try:
        year = int(r["year"])
        if not 2000 <= year <= 2100:
            out.append(("year", f"jaar {year} ligt buiten 2000-2100"))
    except ValueError:
        out.append(("year", f"jaar {r['year'][:20]!r} is geen geheel getal"))
    level = levels.get(r["area_code"])
    if level is None:
        out.append(("area_code", f"onbekende gebiedscode {r['area_code'][:40]!r}"))
    elif ind is not None and level not in ind.levels:
        out.append(("area_code", f"{ind.code} wordt niet gepubliceerd op niveau {level}"))
    if ind is not None:
        if ind.branches and r["sbi"] not in ind.branches:
            out.append(("sbi", f"branche {r['sbi'][:20]!r} hoort niet bij {ind.code} (toegestaan: {', '.join(ind.branches)})"))
        if not ind.branches and r["sbi"]:
            out.append(("sbi", f"{ind.code} heeft geen branches; laat sbi leeg"))
    status, value = r["status"], r["value"]
    if status in SYMBOL_STATUS:  # CBS symbol written in the status column
        status = SYMBOL_STATUS[status]
    if status == "" and value in SYMBOL_STATUS:
        status = SYMBOL_STATUS[value]
    if status not in release.STATUSES:
        out.append(("status", f"onbekende status {r['status'][:30]!r} (toegestaan: {', '.join(release.STATUSES)}, x, .)"))
        return out
    if status == "published":
        if value == NIL_SYMBOL:
            return out
        try:
            number = float(value)
        except ValueError:
            out.append(("value", f"waarde {value[:30]!r} is geen getal" if value else "gepubliceerde cel zonder waarde"))
            return out
        if not math.isfinite(number):
            out.append(("value", f"waarde {value!r} is geen eindig getal"))
        elif ind is not None and number < 0 and ind.kind in ("count", "rate", "percentage", "mean", "sum", "class"):
            out.append(("value", f"negatieve waarde {value} voor een {ind.kind}"))
        elif ind is not None and ind.kind == "percentage" and number > 100:
            out.append(("value", f"percentage {value} is groter dan 100"))
    elif value not in ("", "x", ".", NIL_SYMBOL):
        out.append(("value", f"een cel met status {status} mag geen waarde hebben (gevonden {value[:30]!r})"))
    return out


def _clean_row(r: dict[str, str]) -> dict:
    status = SYMBOL_STATUS.get(r["status"], r["status"]) or SYMBOL_STATUS.get(r["value"], "")
    value = 0.0 if r["value"] == NIL_SYMBOL else (float(r["value"]) if status == "published" else None)
    return {"indicator": r["indicator"], "year": int(r["year"]), "area_code": r["area_code"], "sbi": r["sbi"],
            "value": value, "status": status}


def ingest(path: Path, db: Path | None = None) -> int:
    """Validate `path`, then replace the matching cells of the release atomically. Returns rows loaded."""
    db = Path(db or release.release_path())
    rows = validate(path, db)
    return write_cells(db, rows, Path(path).name)


def write_cells(db: Path, rows: pd.DataFrame, file: str) -> int:
    """Replace the matching cells of the release with `rows` (CELL_COLUMNS, already validated) in a new copy
    that is renamed into place, and record the file per indicator-year. Returns rows written."""
    with release.atomic_duckdb(db, copy_from=db) as con:
        con.register("incoming", rows[CELL_COLUMNS])
        con.execute("DELETE FROM cells WHERE (indicator, year, area_code, sbi) IN "
                    "(SELECT indicator, year, area_code, sbi FROM incoming)")
        con.execute("INSERT INTO cells SELECT indicator, CAST(year AS INTEGER), area_code, sbi, value, status FROM incoming")
        con.execute("INSERT INTO ingested SELECT indicator, year, ?, count(*), CAST(now() AS VARCHAR) "
                    "FROM incoming GROUP BY indicator, year", [file])
    return len(rows)
