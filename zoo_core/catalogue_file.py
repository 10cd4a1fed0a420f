"""A deployment's own themes and indicators, declared in a TOML file (default data/indicators.toml).

The file adds to the built-in catalogue; it never changes a built-in entry. Two kinds of indicator:

- `disclosure = "public"`: a published table, published as it is (no disclosure control). Its cells
  come from `python -m zoo_core ingest` (cells.csv or a StatLine / data.politie.nl export).
- `disclosure = "confidential"`: base figures per area in a CSV (`base = "file.csv"`, a count or a sum)
  that the build protects like the demo figures (primary rules, secondary suppression, audit), plus
  rates and percentages derived from such a count (`numerator`) over a public context denominator.

    [[theme]]
    code = "eigen"
    name = "Eigen cijfers"

    [[indicator]]
    code = "eg_meldingen"
    theme = "eigen"
    name = "Meldingen (aantal)"
    ...

This module only reads and checks the file; `catalogue` builds the entries from what it returns. The
whole file is checked before anything is added: a bad entry raises CatalogueError naming the file, the
entry and the field, and the catalogue stays as it was.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Mapping

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MIN_YEAR, MAX_YEAR = 2000, 2100
DISCLOSURES = ("public", "confidential")
ADDITIVE_KINDS = ("count", "sum")  # kinds that add up over areas (Indicator.is_additive)
THEME_FIELDS = ("code", "name")
REQUIRED = ("code", "theme", "name", "definition", "unit", "kind", "levels", "years", "source", "disclosure")
OPTIONAL = ("unit_type", "numerator", "denominator", "per", "decimals", "licence", "demo", "caveat", "base", "at_most")
RESERVED_THEMES = ("context",)  # the CBS Kerncijfers the build reads itself
# A theme's code is the URL path of its page: not one of the app's other pages.
PAGE_PATHS = ("home", "profiel", "combine", "over_de_data", "thema")
REPO = Path(__file__).resolve().parent.parent


class CatalogueError(ValueError):
    """The indicator file is invalid; the message names the file, the entry and the field."""


def display(path: Path) -> str:
    """The path as a person would type it: relative to the repository where it lies inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def _one_of(options) -> str:
    return ", ".join(options)


class _Entry:
    """One [[theme]] or [[indicator]] table and the way its errors are named."""

    def __init__(self, file: str, kind: str, number: int, table: object):
        if not isinstance(table, dict):
            raise CatalogueError(f"{file}, [[{kind}]] #{number}: must be a table")
        self.table = table
        code = table.get("code")
        self.where = f"{file}, [[{kind}]] " + (f"{code!r}" if isinstance(code, str) and code else f"#{number}")

    def error(self, field: str, message: str) -> CatalogueError:
        return CatalogueError(f"{self.where}: field {field!r} {message}")

    def text(self, field: str, required: bool = True) -> str:
        value = self.table.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.error(field, f"must be a non-empty text; got {value!r}")
        return value.strip()

    def choice(self, field: str, options) -> str:
        value = self.table.get(field)
        if value not in options:
            raise self.error(field, f"must be one of {_one_of(options)}; got {value!r}")
        return value

    def code(self) -> str:
        value = self.table.get("code")
        if not isinstance(value, str) or not CODE.match(value):
            raise self.error("code", "must be a lowercase identifier (a letter, then letters, digits or _; "
                                     f"2-40 characters); got {value!r}")
        return value

    def fields(self, required, optional=()) -> None:
        """No unknown field, every required one present."""
        for key in self.table:
            if key not in required and key not in optional:
                raise self.error(key, f"is unknown; expected one of {_one_of(required + optional)}")
        for key in required:
            if self.table.get(key) is None:
                raise self.error(key, "is missing")


def read(path: Path, *, themes: Mapping[str, str], indicators: Mapping[str, object], kinds, levels,
         unit_types, reserved_codes=()) -> tuple[dict[str, str], list[dict]]:
    """Check the file and return (new themes {code: name}, new indicators as field dicts).

    `themes` and `indicators` are the built-in catalogue (indicators need .theme and .kind);
    `reserved_codes` are other codes a new one may not take (the built-in base measures). Each field dict
    holds the Indicator fields plus `base_file` and `at_most` (confidential base figures only)."""
    path = Path(path)
    file = display(path)
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except OSError as exc:
        raise CatalogueError(f"{file}: cannot read the indicator file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{file}: not valid TOML ({exc})") from None
    for key, value in raw.items():
        if key not in ("theme", "indicator"):
            raise CatalogueError(f"{file}: unknown table {key!r}; expected [[theme]] and [[indicator]]")
        if not isinstance(value, list):
            raise CatalogueError(f"{file}: {key!r} must be written as [[{key}]] (a list of tables)")

    new_themes: dict[str, str] = {}
    for number, table in enumerate(raw.get("theme", []), start=1):
        entry = _Entry(file, "theme", number, table)
        entry.fields(THEME_FIELDS)
        code = entry.code()
        if code in themes or code in new_themes or code in PAGE_PATHS:
            raise entry.error("code", f"{code!r} is already a theme or page; choose another code")
        new_themes[code] = entry.text("name")

    own = {}
    for number, table in enumerate(raw.get("indicator", []), start=1):
        entry = _Entry(file, "indicator", number, table)
        entry.fields(REQUIRED, OPTIONAL)
        fields = _indicator(entry, {**themes, **new_themes}, kinds, levels, unit_types, path.parent)
        code = fields["code"]
        if code in indicators or code in reserved_codes:
            raise entry.error("code", f"{code!r} is a built-in code; choose another code")
        if code in own:
            raise entry.error("code", f"{code!r} occurs twice in the file")
        own[code] = (entry, fields)
    for entry, fields in own.values():
        _references(entry, fields, indicators, {c: f for c, (_, f) in own.items()})
    used = {f["theme"] for _, f in own.values()}
    for code in new_themes:
        if code not in used:
            raise CatalogueError(f"{file}, [[theme]] {code!r}: no [[indicator]] has this theme")
    return new_themes, [f for _, f in own.values()]


def _indicator(entry: _Entry, themes: Mapping[str, str], kinds, levels, unit_types, folder: Path) -> dict:
    t = entry.table
    code = entry.code()
    theme = t.get("theme")
    if theme in RESERVED_THEMES:
        raise entry.error("theme", f"{theme!r} is reserved for the CBS Kerncijfers the build reads; choose another theme")
    theme = entry.choice("theme", [c for c in themes if c not in RESERVED_THEMES])
    kind = entry.choice("kind", kinds)
    disclosure = entry.choice("disclosure", DISCLOSURES)
    fields = {"code": code, "theme": theme, "name": entry.text("name"), "definition": entry.text("definition"),
              "unit": entry.text("unit"), "kind": kind, "source": entry.text("source"),
              "licence": entry.text("licence", required=False), "caveat": entry.text("caveat", required=False),
              "levels": _levels(entry, levels), "years": _years(entry), "demo": _flag(entry, "demo"),
              "numerator": entry.text("numerator", required=False) or None,
              "denominator": entry.text("denominator", required=False) or None,
              "per": _per(entry), "decimals": _decimals(entry, kind), "disclosure": disclosure,
              "base_file": None, "at_most": entry.text("at_most", required=False) or None}
    if t.get("unit_type") is not None or disclosure == "confidential":
        fields["unit_type"] = entry.choice("unit_type", unit_types)
    else:
        fields["unit_type"] = "persons"  # not used: a public table is published as it is
    if disclosure == "public":
        for key in ("base", "at_most"):
            if t.get(key) is not None:
                raise entry.error(key, "is only for confidential base figures (disclosure = \"confidential\")")
        fields["family"] = ""
        if kind in ADDITIVE_KINDS and fields["numerator"] is None:
            fields["numerator"] = code  # as the built-in public counts: the count is its own numerator
    elif t.get("base") is not None:
        base = entry.text("base")
        if kind not in ("count", "sum"):
            raise entry.error("kind", f"must be count or sum for base figures (base = {base!r}); got {kind!r}")
        if kind == "count" and fields["unit_type"] == "euros":
            raise entry.error("unit_type", "cannot be 'euros' for a count; a sum of euros has kind = \"sum\"")
        for key in ("numerator", "denominator", "per"):
            if t.get(key) is not None:
                raise entry.error(key, "is not used for base figures (the file gives the value itself)")
        fields.update(base_file=str((folder / base).resolve()) if not Path(base).is_absolute() else base,
                      family=code, numerator=code)
    else:
        if kind not in ("rate", "percentage"):
            raise entry.error("base", f"is missing: a confidential {kind} needs its base figures (base = \"file.csv\"); "
                                      "only a rate or percentage is derived from another indicator (numerator)")
        if t.get("at_most") is not None:
            raise entry.error("at_most", "is only for base figures (an indicator with base = ...)")
    if kind in ("rate", "percentage"):
        for key in ("numerator", "denominator", "per"):
            if t.get(key) is None:
                raise entry.error(key, f"is missing: a {kind} needs numerator, denominator and per")
    return fields


def _references(entry: _Entry, fields: dict, builtin: Mapping[str, object], own: Mapping[str, dict]) -> None:
    """numerator, denominator and at_most name indicators that exist and fit."""
    def kind_of(code):
        return own[code]["kind"] if code in own else getattr(builtin.get(code), "kind", None)

    def is_context(code):
        return code in builtin and getattr(builtin[code], "theme", "") == "context"

    if fields["at_most"] is not None and not (is_context(fields["at_most"]) and kind_of(fields["at_most"]) == "count"):
        raise entry.error("at_most", f"must be a public context count (e.g. ctx_inwoners); got {fields['at_most']!r}")
    for key in ("numerator", "denominator"):
        code = fields[key]
        if code is not None and code != fields["code"] and code not in own and code not in builtin:
            raise entry.error(key, f"names an unknown indicator {code!r}")
    if fields["disclosure"] != "confidential" or fields["base_file"] is not None:
        return
    numerator = own.get(fields["numerator"])
    if numerator is None or numerator["base_file"] is None or numerator["kind"] != "count":
        raise entry.error("numerator", "of a confidential rate must be a confidential count of this file "
                                       f"(with base = ...); got {fields['numerator']!r}")
    if not (is_context(fields["denominator"]) and kind_of(fields["denominator"]) == "count"):
        raise entry.error("denominator", "of a confidential rate must be a public context count "
                                         f"(e.g. ctx_inwoners); got {fields['denominator']!r}")
    if fields["unit_type"] != numerator["unit_type"]:
        raise entry.error("unit_type", f"must be that of its numerator ({numerator['unit_type']!r}); "
                                       f"got {fields['unit_type']!r}")
    if not set(fields["years"]) <= set(numerator["years"]):
        raise entry.error("years", f"must be years of its numerator {fields['numerator']!r} "
                                   f"({', '.join(map(str, numerator['years']))})")
    fields["family"] = numerator["family"]


def _levels(entry: _Entry, levels) -> tuple[str, ...]:
    value = entry.table.get("levels")
    if not isinstance(value, list) or not value or any(v not in levels for v in value) or len(set(value)) < len(value):
        raise entry.error("levels", f"must be a list of different levels out of {_one_of(levels)}; got {value!r}")
    return tuple(lvl for lvl in levels if lvl in value)


def _years(entry: _Entry) -> tuple[int, ...]:
    value = entry.table.get("years")
    ok = isinstance(value, list) and value and len(set(value)) == len(value) and all(
        isinstance(y, int) and not isinstance(y, bool) and MIN_YEAR <= y <= MAX_YEAR for y in value)
    if not ok:
        raise entry.error("years", f"must be a list of different years ({MIN_YEAR}-{MAX_YEAR}), e.g. [2023, 2024]; "
                                   f"got {value!r}")
    return tuple(sorted(value))


def _flag(entry: _Entry, field: str) -> bool:
    value = entry.table.get(field, False)
    if not isinstance(value, bool):
        raise entry.error(field, f"must be true or false; got {value!r}")
    return value


def _per(entry: _Entry) -> float | None:
    value = entry.table.get("per")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise entry.error("per", f"must be a number > 0 (e.g. 1000 for 'per 1.000'); got {value!r}")
    return float(value)


def _decimals(entry: _Entry, kind: str) -> int:
    value = entry.table.get("decimals", 0 if kind in ("count", "sum", "class") else 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise entry.error("decimals", f"must be a whole number from 0 to 6; got {value!r}")
    return value
