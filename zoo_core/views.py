"""One immutable view object per page kind: what a theme, combine or profile page shows.

A view is parsed from untrusted URL parameters (every value checked against the catalogue or the
release; an invalid one gives a Dutch warning and the default, nothing raises), written back to the
URL with `to_params`, and passed to the cached queries as their key (a frozen dataclass hashes by
its fields). No Streamlit here: `ui/state.py` reads and writes the address, this module decides.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Protocol

from zoo_core import catalogue, combine, profile, reference, stats

DEFAULT_GEMEENTE = "GM0599"  # Rotterdam: the one default for the gemeente shared by every page
MAX_LEN = 64
_TOKEN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_LIST = re.compile(r"^[A-Za-z0-9_,]{1,1000}$")
THEME_LEVELS = ("gemeente", "wijk", "buurt")
MAX_LINKED_SELECTION = 60  # the combine selection in a link (the list parameter holds at most 1,000 characters)
PROFILE_GROUPS = tuple(reference.GEMEENTE_LEVEL_GROUPS)


class Choices(Protocol):
    """What the release offers, as far as parsing a view needs it (ui.cache answers from its caches)."""

    def gemeenten(self) -> frozenset[str]: ...

    def years(self, indicator: str) -> list[int]: ...

    def sub_levels(self, gemeente: str) -> list[str]: ...

    def area_codes(self, level: str | None, within: str | None) -> frozenset[str]: ...


class ReleaseChoices:
    """Choices read straight from a Release (tests, CLI); the app uses the cached version in ui.cache."""

    def __init__(self, release):
        self._rel = release

    def gemeenten(self) -> frozenset[str]:
        return frozenset(self._rel.gemeenten()["area_code"])

    def years(self, indicator: str) -> list[int]:
        return self._rel.years(indicator)

    def sub_levels(self, gemeente: str) -> list[str]:
        return [lvl for lvl in ("wijk", "buurt") if len(self._rel.areas(lvl, within=gemeente))]

    def area_codes(self, level: str | None, within: str | None) -> frozenset[str]:
        return frozenset(self._rel.areas(level, within=within)["area_code"])


# --- checking one untrusted value --------------------------------------------------------------
def clean(raw) -> str | None:
    """A plain ASCII token of at most 64 characters, or None."""
    if not isinstance(raw, str) or len(raw) > MAX_LEN or not _TOKEN.match(raw):
        return None
    return raw


def shown(raw) -> str:
    """A short, harmless rendering of an untrusted value for a warning text."""
    text = str(raw)
    text = "".join(ch if ch.isalnum() or ch in " _-.," else "?" for ch in text[:30])
    return text + ("…" if len(str(raw)) > 30 else "")


def invalid_value(label: str, raw) -> str:
    return (f"Ongeldige waarde voor '{label}' in de link ({shown(raw)!r}) genegeerd; "
            "de standaardwaarde wordt getoond.")


def pick(params: Mapping, key: str, allowed, default, warnings: list[str], label: str, convert: Callable = str):
    """Value of `key` if it is in `allowed` (after `convert`), else `default` with a warning."""
    if key not in params:
        return default
    raw = params[key]
    token = clean(raw)
    value = None
    if token is not None:
        try:
            value = convert(token)
        except (TypeError, ValueError):
            value = None
    if value is not None and value in allowed:
        return value
    warnings.append(invalid_value(label, raw))
    return default


def pick_list(params: Mapping, key: str, allowed, warnings: list[str], label: str, limit: int = 50) -> tuple[str, ...]:
    """Known codes of a comma-separated list, in order, without repeats, at most `limit`."""
    if key not in params or params[key] == "":
        return ()
    raw = params[key]
    if not isinstance(raw, str) or not _LIST.match(raw):
        warnings.append(f"Ongeldige lijst voor '{label}' in de link genegeerd.")
        return ()
    items = [c for c in raw.split(",") if c]
    good = [c for c in items if c in allowed][:limit]
    if len(good) != len(items):
        warnings.append(f"Onbekende codes in '{label}' in de link genegeerd.")
    return tuple(dict.fromkeys(good))


def to_year(token: str) -> int:
    if not token.isdigit() or len(token) != 4:
        raise ValueError(token)
    return int(token)


def pick_gemeente(params: Mapping, valid: frozenset[str], shared: str | None, warnings: list[str]) -> str:
    """The gemeente of the link, else the one chosen elsewhere in this session, else the default."""
    if shared not in valid:
        shared = DEFAULT_GEMEENTE if DEFAULT_GEMEENTE in valid else min(valid)
    return pick(params, "gemeente", valid, shared, warnings, "gemeente")


def _params(values: dict) -> dict[str, str]:
    """URL parameters of a view: strings, empty values left out."""
    return {k: str(v) for k, v in values.items() if v not in (None, "", (), [])}


# --- theme pages -------------------------------------------------------------------------------
def default_indicator(theme: str) -> str:
    """A theme page opens on its first indicator with a significance test (a rate), else its first."""
    inds = catalogue.for_theme(theme)
    tested = [i for i in inds if i.kind in stats.TESTED_KINDS]
    return (tested or inds)[0].code


def theme_levels(choices: Choices, ind: catalogue.Indicator, gemeente: str) -> list[str]:
    """The levels a theme page offers for this indicator and gemeente (wijk and buurt where they exist)."""
    subs = choices.sub_levels(gemeente)
    return [lvl for lvl in THEME_LEVELS if lvl in ind.levels and (lvl == "gemeente" or lvl in subs)]


def reference_groups(level: str) -> tuple[str, ...]:
    return tuple(reference.GEMEENTE_LEVEL_GROUPS if level == "gemeente" else reference.SUB_LEVEL_GROUPS)


@dataclass(frozen=True)
class ThemeView:
    """A theme page: one indicator (and branche) in one year, per area of a level, against a reference."""

    theme: str
    indicator: str
    year: int | None
    gemeente: str
    level: str = "gemeente"
    sbi: str = ""
    ref: str = "nl"
    kies: tuple[str, ...] = ()       # the hand-picked reference group (ref == "eigen")
    area: str | None = None          # the trend's area; None: the page's default (first of the ranking)
    kenmerk: str = ""                # the breakdown shown in "Kenmerken" (pages with breakdowns)

    @property
    def within(self) -> str | None:
        return None if self.level == "gemeente" else self.gemeente

    @property
    def table_key(self) -> ThemeView:
        """The part that decides the map, ranking and downloads (not the trend's area or the kenmerk)."""
        return dataclasses.replace(self, area=None, kenmerk="")

    @property
    def trend_key(self) -> ThemeView:
        """The part that decides the trend chart (every year of one area, not the kenmerk)."""
        return dataclasses.replace(self, year=None, kenmerk="")

    @classmethod
    def parse(cls, theme: str, params: Mapping, choices: Choices,
              shared_gemeente: str | None = None) -> tuple[ThemeView, list[str]]:
        warnings: list[str] = []
        gemeenten = choices.gemeenten()
        gemeente = pick_gemeente(params, gemeenten, shared_gemeente, warnings)
        codes = [i.code for i in catalogue.for_theme(theme)]
        params = dict(params)
        if params.get("indicator") in catalogue.INDICATORS and params["indicator"] not in codes:
            params.pop("indicator")  # a valid code of another theme: a stale link, not an attack
        indicator = pick(params, "indicator", set(codes), default_indicator(theme), warnings, "indicator")
        ind = catalogue.get(indicator)
        years = choices.years(indicator)
        year = pick(params, "year", set(years), max(years) if years else None, warnings, "jaar", to_year)
        sbi = pick(params, "sbi", set(ind.branches), ind.branches[0], warnings, "branche") if ind.has_branches else ""
        level = pick(params, "level", set(theme_levels(choices, ind, gemeente)), "gemeente", warnings, "niveau")
        ref = pick(params, "ref", set(reference_groups(level)), reference.default_group(level), warnings,
                   "vergelijk met")
        kies = pick_list(params, "kies", gemeenten, warnings, "eigen selectie", limit=reference.MAX_PICKED)
        kenmerken = [i.code for i in catalogue.breakdowns_for(theme)]
        kenmerk = pick(params, "kenmerk", set(kenmerken), kenmerken[0], warnings, "kenmerk") if kenmerken else ""
        area = None
        if "area" in params:
            within = None if level == "gemeente" else gemeente
            area = pick(params, "area", choices.area_codes(level, within), None, warnings, "gebied")
        return cls(theme, indicator, year, gemeente, level, sbi, ref, kies, area, kenmerk), warnings

    def to_params(self) -> dict[str, str]:
        return _params({"indicator": self.indicator, "year": self.year, "level": self.level,
                        "gemeente": self.gemeente, "sbi": self.sbi, "ref": self.ref, "area": self.area,
                        "kies": ",".join(self.kies) if self.ref == "eigen" else "", "kenmerk": self.kenmerk})


# --- the combine page ----------------------------------------------------------------------------
def default_category(ind: catalogue.Indicator, preferred: str = "") -> str:
    if not ind.categories:
        return ""
    return preferred if preferred in ind.categories else ind.categories[0]


@dataclass(frozen=True)
class CombineView:
    """The combine page: indicator X against Y (each with its branche or class) per area of a scope."""

    x: str
    y: str
    year: int | None
    gemeente: str
    sbi_x: str = ""
    sbi_y: str = ""
    scope: str = combine.DEFAULT_SCOPE
    log: bool = False
    sel: tuple[str, ...] = ()        # the selection (brush or list), as far as it fits in a link

    @property
    def pairs_key(self) -> CombineView:
        """The part that decides the pairs, classes and totals (not the axes' scale or the selection)."""
        return dataclasses.replace(self, log=False, sel=())

    @property
    def spec_key(self) -> CombineView:
        """The part that decides the scatter's spec (the selection is the chart's own state)."""
        return dataclasses.replace(self, sel=())

    @property
    def within(self) -> str | None:
        return combine.scope_within(self.scope, self.gemeente)

    @classmethod
    def parse(cls, params: Mapping, choices: Choices,
              shared_gemeente: str | None = None) -> tuple[CombineView, list[str]]:
        warnings: list[str] = []
        codes = set(catalogue.INDICATORS)
        x = pick(params, "x", codes, combine.DEFAULT_X[0], warnings, "indicator X")
        y = pick(params, "y", codes, combine.DEFAULT_Y[0], warnings, "indicator Y")
        ix, iy = catalogue.get(x), catalogue.get(y)
        sbi_x = (pick(params, "sbi_x", set(ix.categories), default_category(ix), warnings,
                      f"{ix.category_kind.lower()} X") if ix.categories else "")
        sbi_y = (pick(params, "sbi_y", set(iy.categories), default_category(iy, combine.DEFAULT_Y[1]), warnings,
                      f"{iy.category_kind.lower()} Y") if iy.categories else "")
        years = combine.common_years(x, y)
        year = pick(params, "year", set(years), max(years) if years else None, warnings, "jaar", to_year)
        scope = pick(params, "scope", set(combine.SCOPES), combine.DEFAULT_SCOPE, warnings, "gebieden")
        gemeente = pick_gemeente(params, choices.gemeenten(), shared_gemeente, warnings)
        log = pick(params, "log", {"0", "1"}, "0", warnings, "logaritmische assen") == "1"
        # Checked against every area here; against the areas of the view once its pairs are known.
        sel = pick_list(params, "sel", choices.area_codes(None, None), warnings, "selectie",
                        limit=MAX_LINKED_SELECTION)
        return cls(x, y, year, gemeente, sbi_x, sbi_y, scope, log, sel), warnings

    def to_params(self) -> dict[str, str]:
        linked = self.sel if len(self.sel) <= MAX_LINKED_SELECTION else ()
        return _params({"x": self.x, "y": self.y, "sbi_x": self.sbi_x, "sbi_y": self.sbi_y, "year": self.year,
                        "scope": self.scope, "gemeente": self.gemeente, "log": "1" if self.log else None,
                        "sel": ",".join(linked)})


# --- the gemeente profile ----------------------------------------------------------------------
@dataclass(frozen=True)
class ProfileView:
    """The profile of one gemeente against a reference group, optionally beside a second gemeente."""

    gemeente: str
    ref: str = profile.DEFAULT_REFERENCE
    kies: tuple[str, ...] = ()
    naast: str | None = None         # a second gemeente side by side

    @property
    def own_key(self) -> ProfileView:
        """The part that decides this gemeente's profile."""
        return dataclasses.replace(self, naast=None)

    @property
    def beside(self) -> ProfileView | None:
        """The profile shown side by side: the second gemeente against the same reference group."""
        return None if self.naast is None else ProfileView(self.naast, self.ref, self.kies)

    @classmethod
    def parse(cls, params: Mapping, choices: Choices,
              shared_gemeente: str | None = None) -> tuple[ProfileView, list[str]]:
        warnings: list[str] = []
        valid = choices.gemeenten()
        gemeente = pick_gemeente(params, valid, shared_gemeente, warnings)
        ref = pick(params, "ref", set(PROFILE_GROUPS), profile.DEFAULT_REFERENCE, warnings, "vergelijk met")
        kies = pick_list(params, "kies", valid, warnings, "eigen selectie", limit=reference.MAX_PICKED)
        naast = pick(params, "naast", valid, None, warnings, "naast elkaar met")
        return cls(gemeente, ref, kies, naast), warnings

    def to_params(self) -> dict[str, str]:
        return _params({"gemeente": self.gemeente, "ref": self.ref,
                        "kies": ",".join(self.kies) if self.ref == "eigen" else "", "naast": self.naast})


# Every URL parameter a page reads (ui.state reads only these from the address).
PARAMS = {
    "theme": tuple(f.name for f in dataclasses.fields(ThemeView) if f.name != "theme"),
    "combine": tuple(f.name for f in dataclasses.fields(CombineView)),
    "profile": tuple(f.name for f in dataclasses.fields(ProfileView)),
}
