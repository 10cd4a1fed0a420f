"""Read a StatLine / data.politie.nl CSV export exactly as downloaded and turn it into release cells.

The layout these table viewers write (periods as columns)::

    "Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente 2026"   title (optional)
    "Soort misdrijf: Totaal misdrijven"                                       filter lines (0 or more)
    ""                                                                        blank lines (ignored)
    "Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven"       topic per column (optional)
    "Perioden";"2022";"2023"                                                  one period per column (required)
    "Regio's";"aantal";"aantal"                                               row dimension and unit (optional)
    "Nederland";"800027";"805590"                                             one line per area
    ...
    "Bron: Politie"                                                           footer (optional, may go on)

Separator `;` (`,` and tab are recognised too), fields quoted or not, UTF-8 with or without BOM,
LF or CRLF. Cell values: numbers (decimal point or comma) or the CBS symbols `x` (secret), `.` (not
available), `-` (nil, a published 0) and an empty cell (not applicable). A period must be a year
(`2024`; `2024*` and `2024**`, provisional, are read as 2024).

Areas are names, matched to codes for every level zoo knows: gemeenten (also with StatLine's
disambiguation `Groningen (gemeente)`), provincies (`Utrecht (PV)` or the plain name), police units
`Amsterdam (RE)` (= zoo's RIEC regions) and `Nederland` (the land). An area code (`GM0363`) is accepted
as well. Rows that are not an area of zoo are skipped and reported explicitly: `Buitenland`, every
"niet in te delen" row, and levels zoo does not have (landsdelen `(LD)`, COROP `(CR)`, ...). An
unknown or ambiguous name is an error naming its line. Everything is validated before anything is
written; the write goes through `exchange.write_cells` (an atomic copy-and-rename of the release).

A public table is published as it is: no disclosure control, no suppression added.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import catalogue, exchange, geography, release, statuses
from .exchange import IngestError, Problem

TOPIC_KEYS = {"onderwerp", "onderwerpen"}
PERIOD_KEYS = {"perioden", "periode", "periods"}
DIMENSION_KEYS = {"regio's", "regios", "regio", "regio’s", "gemeenten", "gemeente", "regio-indeling", "gebied",
                  "gebieden", "wijken en buurten"}
SEPARATORS = (";", ",", "\t")
YEAR = re.compile(r"^(\d{4})(\*{1,2})?$")
NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
GROUPED = re.compile(r"^-?\d{1,3}( \d{3})+([.,]\d+)?$")  # "82 964", as the table viewer shows it
SYMBOL_STATUS = {**statuses.STATUS_OF_SYMBOL, "": statuses.NOT_APPLICABLE}  # StatLine: empty = not applicable
NIL = "-"
COUNT_UNITS = {"aantal", "absoluut", "absolute aantallen", "aantallen"}
HEADER_SCAN_LINES = 40  # the Perioden line must be among the first lines

# Rows that are not an area of zoo: skipped, and said so.
SKIP_ROWS = {
    "buitenland": "buiten Nederland: geen gebied in zoo",
    "onbekend": "onbekend gebied",
    "buitenland/onbekend": "buiten Nederland of onbekend: geen gebied in zoo",
}
UNATTRIBUTED = "niet in te delen"  # any row naming it: not attributable to one area
# StatLine's level suffixes: the ones zoo has, and the ones it does not have (skipped, reported).
SUFFIX_LEVEL = {"gemeente": "gemeente", "gem": "gemeente", "pv": "provincie", "provincie": "provincie",
                "re": "riec", "politie-eenheid": "riec", "land": "land"}
UNSUPPORTED_SUFFIX = {"ld": "landsdeel", "cr": "COROP-gebied", "vr": "veiligheidsregio", "ggd": "GGD-regio",
                      "am": "arbeidsmarktregio", "ja": "jeugdregio", "rd": "RES-regio", "wk": "wijk", "bu": "buurt",
                      "md": "middelgrote gemeenten", "co": "COROP-subgebied"}
ALIASES = {"gemeente": {"den haag": "'s-gravenhage", "den bosch": "'s-hertogenbosch"},
           "provincie": {"friesland": "fryslân"}}
SUFFIX = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")


def norm(name: str) -> str:
    """Compare names without case, spacing around dashes, or the kind of apostrophe."""
    s = unicodedata.normalize("NFC", name).strip().lower()
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    s = re.sub(r"\s*[-\u2010\u2011\u2013\u2014]\s*", "-", s)
    return re.sub(r"\s+", " ", s)


# --- reading the file ------------------------------------------------------------------------------

@dataclass
class Column:
    position: int          # field index in a data line
    period: str            # as written
    year: int | None       # None when the period is not a year (an error)
    provisional: bool
    topic: str
    unit: str


@dataclass
class DataRow:
    line: int
    label: str
    fields: list[str]


@dataclass
class Table:
    """A StatLine export as read: header, columns, rows and footer, nothing interpreted yet."""
    file: str
    separator: str
    title: str
    filters: list[str]
    dimension: str
    columns: list[Column]
    rows: list[DataRow]
    footer: list[str]
    attributes: dict[str, list[str]] = field(default_factory=dict)  # other column header lines

    @property
    def source(self) -> str:
        return next((f for f in self.footer if f.lower().startswith("bron")), "")


def _rejected(file: str, problems: list[Problem], limit: int | None = exchange.MAX_ERRORS) -> IngestError:
    shown = problems if limit is None else problems[:limit]
    more = f" (de eerste {limit} getoond)" if limit is not None and len(problems) > limit else ""
    return IngestError(f"{file} is afgewezen, er is niets gewijzigd. {len(problems)} fout(en){more}:\n"
                       + "\n".join(p.render(file) for p in shown))


def _records(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) per record; the line number is where the record starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"')
    out, start = [], 1
    try:
        for record in reader:
            out.append((start, [f.strip() for f in record]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(f"regel {reader.line_num}: kan de regel niet lezen ({exc})") from None
    return out


def _period_line(records) -> int | None:
    for i, (_, fields) in enumerate(records[:HEADER_SCAN_LINES]):
        if len(fields) >= 2 and norm(fields[0]) in PERIOD_KEYS:
            return i
    return None


def looks_like_statline(text: str) -> bool:
    """A 'Perioden' line among the first lines, with any of the separators."""
    head = "\n".join(text.splitlines()[:HEADER_SCAN_LINES])
    for sep in SEPARATORS:
        try:
            if _period_line(_records(head, sep)) is not None:
                return True
        except IngestError:
            continue
    return False


def detect_format(path: Path) -> str:
    """'statline' or 'cells' (the project's own cells.csv; also the answer for files that are neither,
    so their error message is the cells.csv one)."""
    try:
        raw = Path(path).read_bytes()[:200_000]
        text = raw.decode("utf-8-sig", errors="replace")
    except OSError:
        return "cells"
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.replace('"', "").replace(" ", "").lower().startswith("indicator,year"):
        return "cells"
    return "statline" if looks_like_statline(text) else "cells"


def _is_value(field: str) -> bool:
    f = field.strip()
    return f.lower() in SYMBOL_STATUS or f == NIL or bool(NUMBER.match(f)) or bool(GROUPED.match(f))


def read(path: Path) -> Table:
    """Parse the layout of an export; raise IngestError for anything that is not a StatLine table."""
    file = Path(path).name
    text = exchange.read_text(path, expected="een StatLine-tabel (titel, Perioden, een regel per gebied)")
    records, sep, at = None, None, None
    for candidate in SEPARATORS:
        try:
            recs = _records(text, candidate)
        except IngestError as exc:
            raise IngestError(f"{file}, {exc}") from None
        at = _period_line(recs)
        if at is not None:
            records, sep = recs, candidate
            break
    if records is None:
        raise IngestError(f"{file}: geen regel 'Perioden' gevonden in de eerste {HEADER_SCAN_LINES} regels. "
                          "Exporteer de tabel uit StatLine als CSV met de perioden als kolommen "
                          "(de regio's als regels).")

    # Header block: the multi-field lines just above the Perioden line that name a column attribute.
    start = at
    while start > 0 and len(records[start - 1][1]) == len(records[at][1]) and records[start - 1][1][0] \
            and not all(f == "" for f in records[start - 1][1][1:]):
        start -= 1
    preamble = [f for _, fields in records[:start] for f in fields if f]
    title = preamble[0] if preamble else ""
    filters = preamble[1:]
    period_fields = records[at][1]
    n = len(period_fields)
    attributes: dict[str, list[str]] = {}
    topics = [""] * (n - 1)
    for _, fields in records[start:at]:
        if norm(fields[0]) in TOPIC_KEYS:
            topics = fields[1:]
        else:
            attributes[fields[0]] = fields[1:]

    problems: list[Problem] = []
    # Optional unit line: the row dimension's name plus a unit per column (not values).
    i = at + 1
    while i < len(records) and (not any(records[i][1]) or (len(records[i][1]) == n and norm(records[i][1][0]) in TOPIC_KEYS)):
        if any(records[i][1]):  # an Onderwerp line below the Perioden line
            topics = records[i][1][1:]
        i += 1
    dimension, units = "", [""] * (n - 1)
    if i < len(records) and len(records[i][1]) == n and (
            norm(records[i][1][0]) in DIMENSION_KEYS or not all(_is_value(f) for f in records[i][1][1:])):
        dimension, units = records[i][1][0], records[i][1][1:]
        i += 1

    columns = []
    period_line = records[at][0]
    seen_periods: dict[str, int] = {}
    for pos, label in enumerate(period_fields[1:], start=1):
        m = YEAR.match(label)
        year = int(m.group(1)) if m else None
        if year is None:
            problems.append(Problem(period_line, label[:40], f"periode {label[:40]!r} is geen jaar; zoo leest "
                                    "alleen jaarcijfers (zoals 2024 of 2024*)"))
        columns.append(Column(pos, label, year, bool(m and m.group(2)), topics[pos - 1] if pos - 1 < len(topics) else "",
                              units[pos - 1] if pos - 1 < len(units) else ""))

    rows, footer = [], []
    for number, fields in records[i:]:
        if not any(fields):
            continue
        if footer or len(fields) == 1 or fields[0].lower().startswith("bron:"):
            if footer and len([f for f in fields if f]) > 1:
                problems.append(Problem(number, "", "gegevensregel na de voettekst (na "
                                        f"{footer[0][:40]!r}); verwijder de voettekst niet, maar ook niets erna"))
            footer += [f for f in fields if f]
            continue
        if len(fields) != n:
            problems.append(Problem(number, "", f"{len(fields)} velden in plaats van {n} (zoals de regel Perioden)"))
            continue
        if not fields[0]:
            problems.append(Problem(number, dimension or "gebied", "regel zonder gebiedsnaam"))
            continue
        rows.append(DataRow(number, fields[0], fields[1:]))
    if not rows and not problems:
        raise IngestError(f"{file}: geen gegevensregels onder de kopregels")
    for col in columns:
        if col.year is not None:
            key = f"{col.year}|{norm(col.topic)}"
            if key in seen_periods:
                problems.append(Problem(period_line, col.period, f"periode {col.year} staat twee keer in de tabel "
                                        f"(kolom {seen_periods[key] + 1} en {col.position + 1})"))
            seen_periods.setdefault(key, col.position)
    if problems:
        raise _rejected(file, problems)
    return Table(file, sep, title, filters, dimension, columns, rows, footer, attributes)


# --- names to codes --------------------------------------------------------------------------------

@dataclass
class Match:
    kind: str              # 'area', 'skip' or 'error'
    code: str = ""
    level: str = ""
    message: str = ""


class AreaNames:
    """Name -> area code for the levels a StatLine region table can have (land to gemeente)."""

    def __init__(self, areas: pd.DataFrame):
        self.codes = dict(zip(areas["area_code"], areas["level"]))
        self.names = dict(zip(areas["area_code"], areas["name"]))
        self.by_level: dict[str, dict[str, list[str]]] = {lvl: {} for lvl in ("land", "provincie", "riec", "gemeente")}
        for code, level, name in zip(areas["area_code"], areas["level"], areas["name"]):
            if level not in self.by_level:
                continue
            keys = {norm(name)}
            if level == "riec" and norm(name).startswith("riec "):
                keys.add(norm(name)[5:])  # the police unit's own name (RIEC regions are the 10 police units)
            for key in keys:
                self.by_level[level].setdefault(key, []).append(code)
        for level, aliases in ALIASES.items():
            for alias, target in aliases.items():
                if target in self.by_level[level]:
                    self.by_level[level].setdefault(alias, self.by_level[level][target])
        # A plain name (no suffix) may be a gemeente or a provincie; police units only with "(RE)".
        self.plain: dict[str, list[str]] = {}
        for level in ("gemeente", "provincie"):
            for key, codes in self.by_level[level].items():
                self.plain.setdefault(key, []).extend(codes)
        for name, codes in self.by_level["riec"].items():
            if name.startswith("riec "):
                self.plain.setdefault(name, []).extend(codes)

    def _describe(self, code: str) -> str:
        return f"{catalogue.LEVEL_NAMES[self.codes[code]].lower()} {self.names[code]} ({code})"

    def match(self, label: str) -> Match:
        key = norm(label)
        if label.strip().upper() in self.codes:
            code = label.strip().upper()
            return Match("area", code, self.codes[code])
        if key == "nederland" or key == "nederland (land)":
            code = next(iter(self.by_level["land"].get("nederland", [geography.LAND_CODE])))
            return Match("area", code, "land")
        if UNATTRIBUTED in key:
            return Match("skip", message="niet aan één gebied toe te delen")
        if key in SKIP_ROWS:
            return Match("skip", message=SKIP_ROWS[key])
        found = self.plain.get(key, [])
        if len(found) == 1:
            return Match("area", found[0], self.codes[found[0]])
        if len(found) > 1:
            options = " of ".join(f"'{label.strip()} ({'gemeente' if self.codes[c] == 'gemeente' else 'PV'})'"
                                  for c in found)
            return Match("error", message=f"dubbelzinnige naam {label[:60]!r}: "
                         + " en ".join(self._describe(c) for c in found) + f"; schrijf {options}")
        m = SUFFIX.match(label.strip())
        if m:
            name, suffix = m.group(1), norm(m.group(2))
            if suffix in UNSUPPORTED_SUFFIX:
                return Match("skip", message=f"{UNSUPPORTED_SUFFIX[suffix]}: dit niveau heeft zoo niet")
            level = SUFFIX_LEVEL.get(suffix)
            if level is not None:
                codes = self.by_level[level].get(norm(name), [])
                if len(codes) == 1:
                    return Match("area", codes[0], level)
                if len(codes) > 1:
                    return Match("error", message=f"dubbelzinnige naam {label[:60]!r}: "
                                 + " en ".join(self._describe(c) for c in codes))
                return Match("error", message=f"onbekende {catalogue.LEVEL_NAMES[level].lower()} {name[:60]!r}"
                             + self._suggest(name, self.by_level[level]))
        return Match("error", message=f"onbekende gebiedsnaam {label[:60]!r}" + self._suggest(label, self.plain))

    def _suggest(self, label: str, index: dict[str, list[str]]) -> str:
        close = difflib.get_close_matches(norm(label), list(index), n=1, cutoff=0.8)
        return f" (bedoelt u {self.names[index[close[0]][0]]!r}?)" if close else ""


# --- table to cells --------------------------------------------------------------------------------

@dataclass
class Report:
    """What a StatLine file gave: matched areas per level, skipped rows, derived totals, notes."""
    file: str
    indicator: str
    title: str = ""
    source: str = ""
    years: list[int] = field(default_factory=list)
    matched: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)   # (line, name, reason)
    notes: list[str] = field(default_factory=list)
    unattributed: dict[int, float] = field(default_factory=dict)        # year -> value of "niet in te delen"/Buitenland

    def lines(self) -> list[str]:
        out = [f"{self.file}: {self.title or '(geen titel)'}" + (f" — {self.source}" if self.source else ""),
               f"  indicator {self.indicator}, jaren {', '.join(map(str, self.years))}; gebieden: "
               + ", ".join(f"{n} {lvl}" for lvl, n in self.matched.items())]
        out += [f"  regel {line}: {name!r} overgeslagen ({reason})" for line, name, reason in self.skipped]
        out += [f"  {n}" for n in self.notes]
        return out


def _column_problems(table: Table, ind: catalogue.Indicator, topic: str | None) -> tuple[list[Column], list[str]]:
    """The columns to read (one topic), or the reasons the table does not fit the indicator."""
    errors: list[str] = []
    columns = table.columns
    topics = sorted({c.topic for c in columns})
    if topic is not None:
        columns = [c for c in columns if norm(c.topic) == norm(topic)]
        if not columns:
            errors.append(f"onderwerp {topic!r} staat niet in de tabel (wel: {', '.join(repr(t) for t in topics)})")
    elif len(topics) > 1:
        errors.append("de tabel heeft meer dan één onderwerp (" + ", ".join(repr(t) for t in topics)
                      + "); kies er één met --onderwerp")
    for name, values in table.attributes.items():
        if len({values[c.position - 1] for c in columns if c.position - 1 < len(values)}) > 1:
            errors.append(f"de kolommen verschillen in {name!r}; download één waarde van {name!r} per bestand")
    units = {c.unit for c in columns if c.unit}
    if len(units) > 1:
        errors.append(f"de kolommen hebben verschillende eenheden ({', '.join(sorted(units))})")
    unit = next(iter(units), "")
    if unit and ind.kind == "count" and norm(unit) not in COUNT_UNITS:
        errors.append(f"de tabel is in {unit!r}, maar {ind.code} is een aantal")
    if unit and ind.kind != "count" and norm(unit) in COUNT_UNITS:
        counts = [i.code for i in catalogue.INDICATORS.values() if i.code == ind.numerator and i.kind == "count"]
        errors.append(f"de tabel is in {unit!r} (een aantal), maar {ind.code} is een {ind.kind}"
                      + (f"; lees haar in als {counts[0]} (het cijfer per ... wordt daaruit berekend)" if counts else ""))
    return columns, errors


def table_cells(table: Table, indicator: str, areas: pd.DataFrame, topic: str | None = None
                ) -> tuple[pd.DataFrame, Report]:
    """Validate every row and value of `table` for `indicator`; return cells (exchange.CELL_COLUMNS) and a
    report, or raise IngestError naming every unmatched, ambiguous or duplicate name with its line."""
    file = table.file
    ind = catalogue.INDICATORS.get(indicator)
    if ind is None:
        plain = ", ".join(i.code for i in catalogue.INDICATORS.values() if not i.branches)
        raise IngestError(f"{file}: onbekende indicator {indicator[:60]!r} (kies uit: {plain})")
    if catalogue.protected_by_build(ind):
        raise IngestError(f"{file}: " + exchange.CONFIDENTIAL.format(code=ind.code))
    if ind.branches:
        raise IngestError(f"{file}: {ind.code} is per branche; een StatLine-tabel heeft geen branche (gebruik cells.csv)")
    columns, errors = _column_problems(table, ind, topic)
    if errors:
        raise IngestError(f"{file} is afgewezen, er is niets gewijzigd: " + "; ".join(errors))

    names = AreaNames(areas)
    levels = names.codes
    problems: list[Problem] = []
    name_problems: list[Problem] = []
    report = Report(file, ind.code, table.title, table.source, sorted({c.year for c in columns}))
    seen: dict[str, tuple[int, str]] = {}
    rows = []
    dim = table.dimension or "gebied"
    for row in table.rows:
        m = names.match(row.label)
        if m.kind == "error":
            name_problems.append(Problem(row.line, dim, m.message))
            continue
        if m.kind == "skip":
            report.skipped.append((row.line, row.label, m.message))
            for col in columns:
                value = row.fields[col.position - 1]
                if _is_value(value) and value.strip().lower() not in SYMBOL_STATUS and value.strip() != NIL:
                    report.unattributed[col.year] = report.unattributed.get(col.year, 0.0) + _number(value)
            continue
        if m.code in seen:
            first_line, first_label = seen[m.code]
            name_problems.append(Problem(row.line, dim, f"{row.label[:60]!r} is hetzelfde gebied ({m.code}) als "
                                         f"{first_label[:60]!r} op regel {first_line}"))
            continue
        seen[m.code] = (row.line, row.label)
        for col in columns:
            raw = row.fields[col.position - 1]
            r = _cell(ind.code, col.year, m.code, raw)
            if r is None:
                problems.append(Problem(row.line, col.period, f"waarde {raw[:30]!r} is geen getal en geen CBS-teken "
                                        "(x geheim, . ontbreekt, - nihil, leeg niet van toepassing)"))
                continue
            cell_problems = exchange._check_row(r, levels)
            problems += [Problem(row.line, col.period, msg) for _, msg in cell_problems]
            if not cell_problems:
                rows.append(exchange._clean_row(r))
    if name_problems or problems:
        # Every name problem is listed, so all names can be fixed in one go; other problems up to MAX_ERRORS.
        raise _rejected(file, name_problems + problems[:exchange.MAX_ERRORS], limit=None)
    cells = pd.DataFrame(rows, columns=exchange.CELL_COLUMNS)
    found = pd.Series(cells["area_code"].unique()).map(levels).value_counts()
    report.matched = {lvl: int(found[lvl]) for lvl in catalogue.LEVELS if lvl in found}
    report.notes += [f"periode {c.period}: voorlopig cijfer, gelezen als {c.year}" for c in columns if c.provisional]
    report.notes += [f"jaar {y} staat niet in de catalogus voor {ind.code} (jaren {', '.join(map(str, ind.years))}); "
                     "het wordt wel opgeslagen" for y in report.years if y not in ind.years]
    return cells, report


def _number(value: str) -> float:
    v = value.strip().replace(" ", "").replace(",", ".")
    return float(v)


def _cell(indicator: str, year: int, code: str, raw: str) -> dict[str, str] | None:
    """A StatLine value as a cells.csv row (strings) for exchange._check_row, or None if unreadable."""
    v = raw.strip()
    base = {"indicator": indicator, "year": str(year), "area_code": code, "sbi": ""}
    if v.lower() in SYMBOL_STATUS:
        return {**base, "value": "", "status": SYMBOL_STATUS[v.lower()]}
    if v == NIL:
        return {**base, "value": NIL, "status": "published"}
    if NUMBER.match(v) or GROUPED.match(v):
        return {**base, "value": repr(_number(v)), "status": "published"}
    return None


# --- totals and rates derived from a count ---------------------------------------------------------

def complete_totals(cells: pd.DataFrame, areas: pd.DataFrame, indicator: str, report: Report | None = None,
                    absent: str = "missing") -> pd.DataFrame:
    """Add the provincie, RIEC and land totals of an additive indicator that the file does not give: the sum
    of its gemeenten where all of them are published, 'missing' where one is not (x, . or empty). A total
    with a gemeente that is not in the file at all is 'missing' too (absent='missing', the build), or not
    written (absent='omit', an ingest of part of the country: the release keeps its total). A level the file
    has is kept as it is (a published national total includes what cannot be attributed to a gemeente). The
    land is not summed when the file had a non-zero row that belongs to no gemeente."""
    ind = catalogue.get(indicator)
    levels = areas.set_index("area_code")["level"]
    present = set(cells["area_code"].map(levels))
    if not ind.is_additive or "gemeente" not in present:
        return cells
    gem = areas.loc[areas["level"] == "gemeente", ["area_code", "provincie_code", "riec_code"]].assign(land=geography.LAND_CODE)
    frames = [cells]
    for level, col in (("provincie", "provincie_code"), ("riec", "riec_code"), ("land", "land")):
        if level not in ind.levels or level in present:
            continue
        for year, part in cells.groupby("year"):
            g = gem.merge(part[["area_code", "value", "status"]], on="area_code", how="left")
            g = g.assign(ok=g["status"].eq("published"), given=g["status"].notna())
            totals = g.groupby(col).agg(value=("value", "sum"), complete=("ok", "all"), given=("given", "all")).reset_index()
            if absent == "omit":
                totals = totals[totals["given"]]
                if totals.empty:
                    continue
            if level == "land" and report is not None and report.unattributed.get(int(year), 0):
                totals["complete"] = False
                report.notes.append(f"{year}: Nederland niet berekend: een deel van de tabel is niet aan een gemeente "
                                    "toe te delen en de tabel geeft geen totaal voor Nederland")
            frames.append(pd.DataFrame({"indicator": indicator, "year": int(year), "area_code": totals[col], "sbi": "",
                                        "value": np.where(totals["complete"], totals["value"], np.nan),
                                        "status": np.where(totals["complete"], "published", "missing")}))
            if report is not None:
                n = int(totals["complete"].sum())
                report.notes.append(f"{year}: {n} van {len(totals)} {catalogue.LEVEL_NAMES[level].lower()}-totalen "
                                    "berekend als som van de gemeenten" + ("" if n == len(totals) else
                                                                          "; de rest ontbreekt (niet alle gemeenten bekend)"))
                if absent == "omit" and len(totals) < areas["level"].eq(level).sum():
                    report.notes.append(f"{year}: de andere {catalogue.LEVEL_NAMES[level].lower()}-totalen blijven "
                                        "zoals ze waren (niet al hun gemeenten staan in het bestand)")
    return pd.concat(frames, ignore_index=True)


def derived_rates(counts: pd.DataFrame, indicator: str, denominators: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Cells of every catalogue rate whose numerator is `indicator` and whose denominator is public:
    rate = count / denominator x per, rounded as the catalogue says. `denominators` maps a denominator code
    to its published cells (area_code, value, status) of the year the catalogue uses."""
    frames = []
    for rate in catalogue.INDICATORS.values():
        if rate.numerator != indicator or rate.kind != "rate" or not rate.denominator or rate.family:
            continue
        den = denominators[rate.denominator].set_index("area_code")
        for year, part in counts.groupby("year"):
            part = part[part["area_code"].isin(den.index)]
            d = den.reindex(part["area_code"])
            dv, ds = d["value"].to_numpy(float), d["status"].to_numpy(object)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = part["value"].to_numpy(float) / dv * (rate.per or 1)
            status = np.where(part["status"] != "published", part["status"],
                              np.where(ds != "published", "missing", np.where(dv > 0, "published", "not_applicable")))
            frames.append(pd.DataFrame({"indicator": rate.code, "year": int(year), "area_code": part["area_code"].to_numpy(),
                                        "sbi": "", "value": np.where(status == "published", np.round(value, rate.decimals),
                                                                     np.nan), "status": status}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=exchange.CELL_COLUMNS)


def _restrict_levels(cells: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    levels = areas.set_index("area_code")["level"]
    keep = [lvl in catalogue.get(i).levels for i, lvl in zip(cells["indicator"], cells["area_code"].map(levels))]
    return cells[np.array(keep, dtype=bool)].reset_index(drop=True)


def load(paths, indicator: str, areas: pd.DataFrame, denominators: dict[str, pd.DataFrame],
         topic: str | None = None, absent: str = "missing") -> tuple[pd.DataFrame, list[Report]]:
    """Read one or more exports of one indicator (e.g. 2022-2023 and 2024), check that no area-year comes
    twice, add missing totals (see complete_totals for `absent`) and the rates derived from it. Raises
    IngestError before anything is written."""
    frames, reports, years_in = [], [], {}
    for path in paths:
        cells, report = table_cells(read(path), indicator, areas, topic)
        for year in report.years:
            if year in years_in:
                raise IngestError(f"{report.file}: jaar {year} staat ook in {years_in[year]}; lees elk jaar één keer in")
            years_in[year] = report.file
        frames.append(cells)
        reports.append(report)
    counts = pd.concat(frames, ignore_index=True)
    merged = Report("+".join(r.file for r in reports), indicator,
                    unattributed={y: v for r in reports for y, v in r.unattributed.items()})
    counts = complete_totals(counts, areas, indicator, merged, absent)
    reports[-1].notes += merged.notes
    rates = derived_rates(counts, indicator, denominators)
    out = pd.concat([counts, rates], ignore_index=True) if len(rates) else counts
    return _restrict_levels(out, areas), reports


# --- the two entry points: the build and the CLI ---------------------------------------------------

# Real public tables shipped in data/open (byte copies of the downloads) and the indicator each feeds.
SHIPPED: dict[str, tuple[str, ...]] = {
    "cr_misdrijven": ("politie_47013NED_misdrijven_totaal_gemeente_2022_2023.csv",
                      "politie_47013NED_misdrijven_totaal_gemeente_2024.csv"),
}


def _denominators_from(cells: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out = {}
    for code in cells["indicator"].unique():
        part = cells[cells["indicator"] == code]
        out[code] = part[part["year"] == part["year"].max()][["area_code", "value", "status"]]
    return out


def shipped_cells(areas: pd.DataFrame, context: pd.DataFrame, open_data: Path = geography.OPEN_DATA,
                  log=print) -> pd.DataFrame:
    """The published cells of every real public table in SHIPPED (read with this module's reader), with
    their derived totals and rates; `context` holds the real denominators (build.context_cells)."""
    frames = []
    denominators = _denominators_from(context)
    for code, files in SHIPPED.items():
        cells, reports = load([open_data / f for f in files], code, areas, denominators)
        got = set(cells.loc[cells["indicator"] == code, "year"])
        if got != set(catalogue.get(code).years):
            raise RuntimeError(f"{code}: files give years {sorted(got)}, the catalogue says {catalogue.get(code).years}")
        for r in reports:
            for line in r.lines():
                log(line)
        frames.append(cells)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=exchange.CELL_COLUMNS)


def ingest(path: Path, indicator: str, db: Path | None = None, topic: str | None = None) -> tuple[int, Report]:
    """Validate a StatLine export against the release and write its cells (and the rates derived from the
    count) atomically; a refused file changes nothing. Returns (cells written, report)."""
    db = Path(db or release.release_path())
    con = release.connect_readonly(db)
    try:
        areas = con.execute("SELECT * FROM areas").df()
        denominators = {}
        for rate in catalogue.INDICATORS.values():
            if rate.numerator == indicator and rate.kind == "rate" and rate.denominator and not rate.family:
                den = catalogue.get(rate.denominator)
                denominators[den.code] = con.execute(
                    "SELECT area_code, value, status FROM cells WHERE indicator = ? AND year = ? AND sbi = ''",
                    [den.code, max(den.years)]).df()
    finally:
        con.close()
    cells, reports = load([path], indicator, areas, denominators, topic, absent="omit")
    return exchange.write_cells(db, cells, Path(path).name), reports[0]
