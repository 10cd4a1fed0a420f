"""A deployment's own confidential figures: base counts or sums per area, protected by the build.

An indicator in the indicator file with `disclosure = "confidential"` and `base = "file.csv"` names a
CSV of base figures (UTF-8, comma-separated, one line per area and year)::

    area_code,year,value,n_units                 a count (n_units: the persons, addresses or
    GM0599,2024,412,412                          establishments behind the value)
    WK059901,2024,7,7
    area_code,year,value,n_units,top1,top2       a sum (e.g. euros): also its two largest contributions

The build reads every such file before it does anything else (`read_all`): a bad file stops it with a
message naming file, line and column, and the release on disk stays as it was. The figures then go
through the same disclosure control as the demo families (`build.protect_families`: primary rules,
secondary suppression, audit; `build.protect_own`), with the areas the file gives and the sum
relations among them (`relations_among`):

- the file publishes the areas it lists, the same areas in every year (0 is a value);
- where it lists a total and all its members (a gemeente and all its wijken, a wijk and all its
  buurten, a provincie or RIEC region and all its gemeenten, Nederland and all provincies or RIEC
  regions) they must add up, and the relation is protected (secondary suppression) like the demo's;
- a total listed with only some of its members is refused: the published total minus the published
  members would bound the hidden ones (an equation the disclosure control would not see).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import catalogue, geography
from .exchange import MAX_ERRORS, IngestError, Problem, csv_header, csv_rows, read_text

COUNT_COLUMNS = ["area_code", "year", "value", "n_units"]
SUM_COLUMNS = COUNT_COLUMNS + ["top1", "top2"]
BASE_COLUMNS = ["measure", "year", "area_code", "sbi", "value", "n_units", "top1", "top2"]


def families() -> list[str]:
    """The base measures a deployment declared with its own base figures, in catalogue order."""
    return [code for code, m in catalogue.BASE_MEASURES.items() if m.base_file]


def read_all(areas: pd.DataFrame) -> pd.DataFrame:
    """Base rows (BASE_COLUMNS) of every declared base file, each checked in full; IngestError otherwise."""
    frames = [read(Path(catalogue.BASE_MEASURES[f].base_file), f, areas) for f in families()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=BASE_COLUMNS)


def _number(raw: str, column: str, whole: bool, problems: list, line: int) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (whole and value != int(value)):
        what = "geheel getal >= 0" if whole else "getal >= 0 (met decimaalpunt)"
        problems.append(Problem(line, column, f"{raw[:30]!r} is geen {what}" if raw else f"leeg; verwacht een {what}"))
        return None
    return value


def read(path: Path, family: str, areas: pd.DataFrame) -> pd.DataFrame:
    """The base rows of one family's file, or IngestError listing every problem with line and column."""
    measure = catalogue.BASE_MEASURES[family]
    ind = catalogue.get(family)
    magnitude = measure.measure == "magnitude"
    expected = SUM_COLUMNS if magnitude else COUNT_COLUMNS
    file = Path(path).name
    text = read_text(path, expected=f"een kopregel {','.join(expected)} en gegevensregels")
    columns = csv_header(text, file, expected, note=f" ({family} is een {'som' if magnitude else 'aantal'})")
    level_of = areas.set_index("area_code")["level"]
    problems: list[Problem] = []
    rows, lines = [], {}
    for number, r in csv_rows(text, columns, problems):
        row = _row(r, ind, level_of, magnitude, problems, number)
        if row is not None:
            key = (row["year"], row["area_code"])
            if key in lines:
                problems.append(Problem(number, "area_code", f"{key[1]} {key[0]} staat er twee keer in "
                                                             f"(ook op regel {lines[key]})"))
            lines[key] = number
            rows.append(row)
    if not rows and not problems:
        raise IngestError(f"{file}: alleen een kopregel, geen gegevensregels")
    if not problems:
        problems = _table_problems(rows, lines, ind, areas)
    if problems:
        shown = "\n".join(p.render(file) for p in problems[:MAX_ERRORS])
        raise IngestError(f"{file} ({family}) is afgewezen; er is niets gebouwd of gewijzigd. "
                          f"{len(problems)} fout(en):\n{shown}")
    base = pd.DataFrame(rows)
    if not magnitude:
        base["top1"] = base["top2"] = np.nan
    return base.assign(measure=family, sbi="")[BASE_COLUMNS]


def _row(r: dict[str, str], ind: catalogue.Indicator, level_of: pd.Series, magnitude: bool, problems: list,
         line: int) -> dict | None:
    before = len(problems)
    code = r["area_code"]
    level = level_of.get(code)
    if level is None:
        problems.append(Problem(line, "area_code", f"onbekende gebiedscode {code[:40]!r}"))
    elif level not in ind.levels:
        problems.append(Problem(line, "area_code", f"{code} is een {level}; {ind.code} wordt gepubliceerd op "
                                                   f"{', '.join(ind.levels)} (indicatorbestand, levels)"))
    try:
        year = int(r["year"])
    except ValueError:
        year = None
        problems.append(Problem(line, "year", f"jaar {r['year'][:20]!r} is geen geheel getal"))
    if year is not None and year not in ind.years:
        problems.append(Problem(line, "year", f"jaar {year} hoort niet bij {ind.code} "
                                              f"(years: {', '.join(map(str, ind.years))})"))
    value = _number(r["value"], "value", not magnitude, problems, line)
    units = _number(r["n_units"], "n_units", True, problems, line)
    top1 = top2 = None
    if magnitude:
        top1 = _number(r["top1"], "top1", False, problems, line)
        top2 = _number(r["top2"], "top2", False, problems, line)
    if len(problems) > before:
        return None
    if (value > 0) != (units > 0):
        problems.append(Problem(line, "n_units", f"n_units {units:g} past niet bij waarde {value:g} "
                                                 "(0 eenheden hoort bij waarde 0, en omgekeerd)"))
    if magnitude and not (top2 <= top1 and top1 + top2 <= value * (1 + 1e-9) and (units >= 2 or top2 == 0)):
        problems.append(Problem(line, "top1", f"top1 {top1:g} en top2 {top2:g} passen niet bij waarde {value:g} en "
                                              f"{units:g} eenheden (top2 <= top1, top1 + top2 <= waarde)"))
    return None if len(problems) > before else {"area_code": r["area_code"], "year": year, "value": value,
                                                "n_units": int(units), "top1": top1, "top2": top2}


def _table_problems(rows: list[dict], lines: dict, ind: catalogue.Indicator, areas: pd.DataFrame) -> list[Problem]:
    """Checks over the whole file: every year, the same areas each year, sums that add up, no partial totals."""
    problems = []
    by_year: dict[int, dict[str, dict]] = {}
    for row in rows:
        by_year.setdefault(row["year"], {})[row["area_code"]] = row
    all_codes = set().union(*(set(v) for v in by_year.values()))
    for year in ind.years:
        if year not in by_year:
            problems.append(Problem(1, "year", f"jaar {year} ontbreekt (years van {ind.code}: "
                                               f"{', '.join(map(str, ind.years))})"))
    for year, cells in sorted(by_year.items()):
        for code in sorted(all_codes - set(cells)):
            other = next(y for y in sorted(by_year) if code in by_year[y])
            problems.append(Problem(lines[(other, code)], "year", f"{code} staat er voor {other} maar niet voor "
                                                                  f"{year}: geef elk gebied voor elk jaar (0 mag)"))
    if problems:
        return problems
    hierarchy = geography.Hierarchy.from_areas(areas)
    codes = areas["area_code"].to_numpy()
    for total, members in hierarchy.relations():
        total_code, member_codes = codes[total], codes[members]
        given = [c for c in member_codes if c in all_codes]
        if total_code not in all_codes or not given:
            continue
        first_year = min(by_year)
        if len(given) < len(member_codes):
            absent = [c for c in member_codes if c not in all_codes]
            problems.append(Problem(lines[(first_year, total_code)], "area_code",
                                    f"{total_code} staat erin met {len(given)} van zijn {len(member_codes)} onderdelen; "
                                    f"geef ze allemaal (0 mag) of geen (ontbreekt: {', '.join(absent[:5])}"
                                    + (", ..." if len(absent) > 5 else "") + ")"))
            continue
        for year, cells in sorted(by_year.items()):
            for column in ("value", "n_units"):
                parts = sum(cells[c][column] for c in member_codes)
                if not math.isclose(parts, cells[total_code][column], rel_tol=1e-9, abs_tol=1e-6):
                    problems.append(Problem(lines[(year, total_code)], column,
                                            f"{total_code} {year}: {cells[total_code][column]:g}, maar de som van zijn "
                                            f"{len(member_codes)} onderdelen is {parts:g}"))
    return problems


def relations_among(areas: pd.DataFrame, present: set[str]) -> tuple[pd.DataFrame, list[tuple[int, np.ndarray]]]:
    """The areas in `present` (in the order of `areas`) and the sum relations among them: a relation of the
    full hierarchy whose total and members are all present (read() refuses a partial one)."""
    full = geography.Hierarchy.from_areas(areas)
    sub = areas[areas["area_code"].isin(present)].reset_index(drop=True)
    position = {c: i for i, c in enumerate(sub["area_code"])}
    codes = areas["area_code"].to_numpy()
    relations = []
    for total, members in full.relations():
        if codes[total] in position and all(c in position for c in codes[members]):
            relations.append((position[codes[total]], np.array([position[c] for c in codes[members]], dtype=np.int64)))
    return sub, relations
