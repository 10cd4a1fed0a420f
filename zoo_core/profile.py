"""The gemeente profile: every indicator of one gemeente against a reference group (plain Python, no UI).

For each indicator of the demo themes (catalogue.demo_themes(); latest year; branch indicators once per risk branche) the
profile holds the gemeente's own cell, the reference value of the chosen group (zoo_core.reference:
an aggregate over published members only), the relative deviation as an index (reference = 100),
the significance by the documented method (zoo_core.stats: exact Poisson / binomial, 95 % and
99.8 %) and the exact interval of the gemeente's own value.

Suppression: a row whose own cell is not published carries NO value, NO index, NO interval and
no significance; only its status. Nothing here reads `value` unless status == 'published' (the
query API already returns NULL for anything else). The reference is an aggregate over published
cells only and is therefore safe to show next to a suppressed row.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from . import catalogue, reference, stats, statuses
from .numbers import fmt

DEFAULT_REFERENCE = "stedelijkheid"
STRENGTH = {"hoger_998": 2, "lager_998": 2, "hoger_95": 1, "lager_95": 1}
CAVEAT = ("Een opvallende afwijking is een signaal om het gesprek te beginnen, geen bewijs van ondermijning. "
          "Bij ruim veertig vergelijkingen valt op 95%-niveau toevallig al gauw één of twee keer iets op; "
          "weeg vooral de afwijkingen op 99,8%-niveau.")


@dataclass(frozen=True)
class ProfileRow:
    key: str                 # indicator code, plus ':sbi' for branch indicators
    code: str
    sbi: str
    theme: str
    theme_name: str
    label: str               # Dutch name shown (with branche)
    unit: str
    kind: str
    decimals: int
    year: int
    status: str              # published / suppressed / missing
    demo: bool
    value: float | None = None        # only when status == 'published'
    reference: float | None = None    # aggregate over published members (or the anchor's own cell)
    index: float | None = None        # value / reference * 100
    sig: str = "nvt"                  # key into stats.SIG_LABELS
    lo: float | None = None           # 95 % interval of the own value, in the indicator's unit
    hi: float | None = None

    @property
    def published(self) -> bool:
        return self.status == "published" and self.value is not None

    @property
    def sig_label(self) -> str:
        return stats.SIG_LABELS.get(self.sig, "n.v.t.") if self.published else ""

    @property
    def strength(self) -> int:
        return STRENGTH.get(self.sig, 0) if self.published else 0

    def value_text(self) -> str:
        if not self.published:
            return statuses.of(self.status).short
        return f"{fmt(self.value, self.decimals)} {self.unit}"


@dataclass(frozen=True)
class Profile:
    gemeente: str
    name: str
    group: reference.Group
    rows: tuple[ProfileRow, ...]
    demo: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def plotted(self) -> list[ProfileRow]:
        return [r for r in self.rows if r.published and r.index is not None]

    @property
    def suppressed(self) -> list[ProfileRow]:
        return [r for r in self.rows if r.status == "suppressed"]

    @property
    def notable(self) -> list[ProfileRow]:
        """Significant deviations, strongest first (99.8 % before 95 %, then the larger deviation)."""
        hits = [r for r in self.rows if r.strength > 0 and r.index is not None]
        return sorted(hits, key=lambda r: (-r.strength, -abs(math.log(max(r.index, 1e-9) / 100.0)), r.label))


def own_interval(kind: str, value, den, per, confidence: float = 0.95) -> tuple[float, float] | None:
    """Exact interval of a published value in its own unit (None for untested kinds)."""
    if kind not in stats.TESTED_KINDS or not (stats._valid(value) and stats._valid(den) and stats._valid(per)) or den <= 0:
        return None
    if kind == "rate":
        lo, hi = stats.poisson_interval(value * den / per, confidence)
        return lo * per / den, hi * per / den
    n = round(den)
    if n <= 0:
        return None
    k = min(max(round(value * den / per), 0), n)
    lo, hi = stats.binomial_interval(k, n, confidence)
    return lo * per, hi * per


class _Memo:
    """A Release wrapper that remembers query results for the duration of one profile build.

    The profile asks for the same frames many times (the denominator ctx_inwoners for a dozen
    indicators, the member frame of the reference next to the gemeente's own frame, the years and
    demo state of each branch indicator six times). Results are copied on the way out because
    callers add columns to them.
    """

    def __init__(self, rel):
        self._rel = rel
        self._memo: dict = {}

    def _call(self, name, *args, **kwargs):
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in self._memo:
            self._memo[key] = getattr(self._rel, name)(*args, **kwargs)
        out = self._memo[key]
        return out.copy() if isinstance(out, (pd.DataFrame, list, dict)) else out

    def values(self, *args, **kwargs):
        return self._call("values", *args, **kwargs)

    def years(self, *args, **kwargs):
        return self._call("years", *args, **kwargs)

    def is_demo(self, *args, **kwargs):
        return self._call("is_demo", *args, **kwargs)

    def area(self, *args, **kwargs):
        return self._call("area", *args, **kwargs)

    def areas(self, *args, **kwargs):
        return self._call("areas", *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._rel, name)


_NUMBER_WORDS = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")


def themes_phrase() -> str:
    """'de vijf thema's': the profile's themes counted from the catalogue, in Dutch words up to ten."""
    n = len(catalogue.demo_themes())
    return f"de {_NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else n} thema's" if n != 1 else "het thema"


def profile_indicators() -> list[tuple[catalogue.Indicator, str]]:
    """(indicator, sbi) pairs of the profile, in theme order; branch indicators once per risk branche."""
    out = []
    for theme in catalogue.demo_themes():
        inds = catalogue.for_theme(theme)
        if theme == "branches":
            for sbi in catalogue.RISK_BRANCHES:
                out += [(i, sbi) for i in inds if sbi in i.branches]
        else:
            out += [(i, "") for i in inds]
    return out


def row_label(ind: catalogue.Indicator, sbi: str) -> str:
    return f"{catalogue.branch_name(sbi)}: {ind.name.lower()}" if sbi else ind.name


def latest_year(rel, ind: catalogue.Indicator) -> int:
    years = rel.years(ind.code)
    return max(years) if years else max(ind.years)


def profile_row(rel, gemeente: str, ind: catalogue.Indicator, sbi: str, group: reference.Group,
                year: int | None = None) -> ProfileRow:
    year = latest_year(rel, ind) if year is None else int(year)
    frame = reference.with_denominator(rel, ind, year, "gemeente", None, sbi)
    own = frame[frame["area_code"] == gemeente]
    status = str(own["status"].iloc[0]) if len(own) else "missing"
    if group.anchor is None and group.member_level == "gemeente":
        # Exactly what reference_for computes for a group without an anchor cell (members' published
        # cells at gemeente level), taken from the frame already fetched instead of a second query.
        agg = stats.aggregate(frame[frame["area_code"].isin(set(group.members))], ind.kind)
        ref = reference.Reference(group, agg.value, "aggregaat", agg) if group.members else \
            reference.reference_for(rel, ind, year, sbi, group)
    else:
        ref = reference.reference_for(rel, ind, year, sbi, group)
    base = dict(key=ind.code + (f":{sbi}" if sbi else ""), code=ind.code, sbi=sbi, theme=ind.theme,
                theme_name=ind.theme_name, label=row_label(ind, sbi), unit=ind.unit, kind=ind.kind,
                decimals=ind.decimals, year=year, status=status if status in ("published", "suppressed") else "missing",
                demo=bool(rel.is_demo(ind.code, year)), reference=ref.value)
    value = own["value"].iloc[0] if len(own) else None
    if status != "published" or not stats._valid(value):
        if status == "published":
            base["status"] = "missing"
        return ProfileRow(**base)
    value = float(value)
    den_ok = own["den_status"].iloc[0] == "published"
    den = float(own["den"].iloc[0]) if den_ok and stats._valid(own["den"].iloc[0]) else None
    index = None if ref.value in (None, 0) or not stats._valid(ref.value) else value / ref.value * 100.0
    tested = stats.is_tested(ind.kind, ind.unit_type)
    sig = stats.significance(ind.kind, value, den, ind.per, ref.value) if tested else "nvt"
    interval = own_interval(ind.kind, value, den, ind.per) if tested else None
    lo, hi = interval if interval else (None, None)
    return ProfileRow(**base, value=value, index=index, sig=sig, lo=lo, hi=hi)


def build_profile(rel, gemeente: str, ref_code: str = DEFAULT_REFERENCE, picked: tuple[str, ...] = ()) -> Profile:
    """The whole profile of one gemeente; raises ValueError for an unknown gemeente or group."""
    area = rel.area(gemeente)
    if area is None or area["level"] != "gemeente":
        raise ValueError(f"onbekende gemeente: {gemeente!r}")
    rel = _Memo(rel)
    group = reference.build_group(rel, ref_code, gemeente, "gemeente", tuple(picked))
    rows = tuple(profile_row(rel, gemeente, ind, sbi, group) for ind, sbi in profile_indicators())
    notes = []
    if not group.members and group.anchor is None:
        notes.append(f"De referentiegroep ({group.label}) is leeg; er is geen vergelijking mogelijk.")
    return Profile(gemeente, str(area["name"]), group, rows, any(r.demo for r in rows), tuple(notes))


def sentence(row: ProfileRow, gemeente_name: str, group_label: str) -> str:
    """One plain-Dutch sentence on a notable deviation: value, reference, interval, strength."""
    d = row.decimals
    direction = "hoger" if row.sig.startswith("hoger") else "lager"
    level = "99,8%" if row.sig.endswith("998") else "95%"
    times = row.index / 100.0
    if direction == "hoger":
        size = f"{fmt(times, 1)} keer zo hoog als" if times >= 1.5 else f"{fmt(row.index - 100, 0)}% hoger dan"
    else:
        size = f"{fmt(100 - row.index, 0)}% lager dan"
    text = (f"{row.label} ({row.year}): {fmt(row.value, d)} {row.unit} in {gemeente_name}, "
            f"{size} bij {group_label} ({fmt(row.reference, d)}).")
    if row.lo is not None and row.hi is not None:
        text += f" 95%-interval van {gemeente_name}: {fmt(row.lo, d)} tot {fmt(row.hi, d)}."
    return text + f" Significant {direction} op {level}-niveau."


def sentences(profile: Profile) -> list[str]:
    return [sentence(r, profile.name, profile.group.label) for r in profile.notable]


def rows_frame(profile: Profile) -> pd.DataFrame:
    """One row per profile row; value/index/interval columns are None unless published."""
    recs = []
    for r in profile.rows:
        pub = r.published
        recs.append({"key": r.key, "code": r.code, "sbi": r.sbi, "thema": r.theme_name, "indicator": r.label,
                     "jaar": r.year, "status": r.status, "eenheid": r.unit,
                     "waarde": r.value if pub else None, "referentie": r.reference,
                     "index": r.index if pub else None, "sig": r.sig if pub else "nvt",
                     "significantie": r.sig_label, "ondergrens_95": r.lo if pub else None,
                     "bovengrens_95": r.hi if pub else None, "tekst": r.value_text(), "decimals": r.decimals,
                     "demo": r.demo})
    return pd.DataFrame(recs)


def notable_keys(profile: Profile, limit: int = 4) -> list[tuple[str, str]]:
    """(indicator, sbi) of the notable rows for the wijk table; tested indicators as a fallback. Only
    indicators published per wijk (not the vakantieparken, gemeente and up)."""
    per_wijk = {i.code for i in catalogue.INDICATORS.values() if "wijk" in i.levels}
    keys = [(r.code, r.sbi) for r in profile.notable if r.code in per_wijk]
    if len(keys) < limit:
        for r in profile.rows:
            if r.kind in stats.TESTED_KINDS and (r.code, r.sbi) not in keys and not r.sbi and r.code in per_wijk:
                keys.append((r.code, r.sbi))
            if len(keys) >= limit:
                break
    return keys[:limit]


def wijk_trends(rel, gemeente: str, keys: list[tuple[str, str]]) -> pd.DataFrame:
    """Long frame of the wijken of a gemeente: wijk, name, indicator key/label, year, value (published only), status."""
    wijken = rel.areas("wijk", within=gemeente)
    if wijken.empty:
        return pd.DataFrame(columns=["area_code", "wijk", "key", "indicator", "year", "value", "status", "decimals", "unit"])
    names = dict(zip(wijken["area_code"], wijken["name"]))
    parts = []
    for code, sbi in keys:
        ind = catalogue.get(code)
        if "wijk" not in ind.levels:
            continue
        years = rel.years(code)
        cells = rel.cells_for_areas(code, list(names), sbi=sbi)
        grid = pd.MultiIndex.from_product([list(names), years], names=["area_code", "year"]).to_frame(index=False)
        f = grid.merge(cells, on=["area_code", "year"], how="left")
        f["status"] = f["status"].fillna("missing")
        f.loc[f["status"] != "published", "value"] = None
        f["wijk"] = f["area_code"].map(names)
        f["key"] = code + (f":{sbi}" if sbi else "")
        f["indicator"] = row_label(ind, sbi)
        f["decimals"] = ind.decimals
        f["unit"] = ind.unit
        parts.append(f)
    if not parts:
        return pd.DataFrame(columns=["area_code", "wijk", "key", "indicator", "year", "value", "status", "decimals", "unit"])
    return pd.concat(parts, ignore_index=True)


def wijk_years_table(trends: pd.DataFrame) -> pd.DataFrame:
    """One indicator's wijk sparklines as a table: a row per wijk, a column per year (x, . as in the chart)."""
    if trends.empty:
        return pd.DataFrame(columns=["Wijk"])
    texts = trends.assign(tekst=[statuses.cell_text(v, s, int(d)) for v, s, d in
                                 zip(trends["value"], trends["status"], trends["decimals"])],
                          jaar=trends["year"].astype(str))
    wide = texts.pivot_table(index=["wijk", "area_code"], columns="jaar", values="tekst", aggfunc="first", sort=False)
    wide = wide.reset_index().rename(columns={"wijk": "Wijk", "area_code": "Code"})
    wide.columns.name = None
    return wide


def wijk_table(trends: pd.DataFrame) -> pd.DataFrame:
    """Latest-year value per wijk (rows) and notable indicator (columns), as text: x for suppressed."""
    if trends.empty:
        return pd.DataFrame(columns=["Wijk", "Code"])
    last = trends[trends["year"] == trends.groupby("key")["year"].transform("max")]
    last = last.assign(tekst=[statuses.cell_text(v, s, int(d)) for v, s, d in
                              zip(last["value"], last["status"], last["decimals"])])
    last = last.assign(kolom=last["indicator"] + " (" + last["year"].astype(str) + ")")
    wide = last.pivot_table(index=["area_code", "wijk"], columns="kolom", values="tekst", aggfunc="first", sort=False)
    wide = wide.reset_index().rename(columns={"wijk": "Wijk", "area_code": "Code"})
    wide.columns.name = None
    return wide[["Wijk", "Code"] + [c for c in wide.columns if c not in ("Wijk", "Code")]]


def side_by_side(a: Profile, b: Profile) -> pd.DataFrame:
    """Two gemeenten's profiles in one table, row by row: each value (x for suppressed) with its index
    against that gemeente's own reference group and whether it differs significantly. Only published
    cells carry numbers, as in each profile on its own."""
    b_rows = {r.key: r for r in b.rows}
    recs = []
    for ra in a.rows:
        rb = b_rows.get(ra.key)
        rec = {"Thema": ra.theme_name, "Indicator": ra.label, "Jaar": str(ra.year)}
        for prof, r in ((a, ra), (b, rb)):
            if r is None:
                rec.update({prof.name: statuses.SYMBOL[statuses.MISSING], f"Index {prof.name}": "", f"Verschil {prof.name}": ""})
                continue
            rec[prof.name] = statuses.cell_text(r.value, r.status, r.decimals)
            rec[f"Index {prof.name}"] = fmt(r.index, 0) if r.published and r.index is not None else ""
            rec[f"Verschil {prof.name}"] = r.sig_label
        recs.append(rec)
    return pd.DataFrame(recs)
