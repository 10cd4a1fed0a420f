"""Combining two indicators: per-area pairs, bivariate classes, rank correlation and CHECKED aggregates.

Showing two published values side by side creates nothing new, as long as an area where X or Y is
suppressed stays suppressed ("geheim") and is never put into a value class. Every NEW number derived
from cells that include a suppressed one (the true total of a selection or a class, "rest of the
area" = parent minus selection, a ratio of two indicators over a selection) goes through the
DerivedChecker against the confidential base with a persistent ledger. Aggregates over published
cells only are computed directly. Plain Python: no Streamlit here.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from . import catalogue, geography, release
from .disclosure import CellTable, DerivedChecker, load_rule_sets
from .queries import Release

CAVEAT = "samenhang is geen oorzaak; een signaal, geen bewijs"
GEHEIM = "geheim"
ONTBREEKT = "ontbreekt"
# The audit of a derived total grows with the number of suppressed cells it touches (two LPs each);
# beyond this many the total is refused (safe) instead of keeping a user waiting for seconds.
MAX_HIDDEN = 150
CLASSES = [f"{bx}-{by}" for by in (3, 2, 1) for bx in (1, 2, 3)]  # legend order: top row = high Y

# Scope token -> (level, needs a gemeente)
SCOPES: dict[str, tuple[str, bool]] = {
    "gemeenten": ("gemeente", False),
    "wijken": ("wijk", False),
    "gemeente_wijken": ("wijk", True),
    "gemeente_buurten": ("buurt", True),
}
SCOPE_LABELS = {
    "gemeenten": "Alle gemeenten",
    "wijken": "Alle wijken van Nederland",
    "gemeente_wijken": "Wijken van een gemeente",
    "gemeente_buurten": "Buurten van een gemeente",
}
DEFAULT_X = ("tr_fiu_per_1000", "")
DEFAULT_Y = ("br_vestigingen_per_10k", "96021")
DEFAULT_SCOPE = "wijken"


def scope_level(scope: str) -> str:
    return SCOPES[scope][0]


def scope_within(scope: str, gemeente: str | None) -> str | None:
    return gemeente if SCOPES[scope][1] else None


def scope_parent(scope: str, gemeente: str | None) -> str:
    """The published total that the areas of a scope add up to (the land, or the gemeente)."""
    return gemeente if SCOPES[scope][1] and gemeente else geography.LAND_CODE


def indicator_supports(code: str, scope: str) -> bool:
    return scope_level(scope) in catalogue.get(code).levels


def common_years(x: str, y: str) -> list[int]:
    return sorted(set(catalogue.get(x).years) & set(catalogue.get(y).years))


# --- per-area pairs ------------------------------------------------------------------------------

def pair_frame(rel: Release, x: str, sbi_x: str, y: str, sbi_y: str, year: int, scope: str,
               gemeente: str | None) -> pd.DataFrame:
    """One row per area of the scope: area_code, name, gemeente_code, x, x_status, y, y_status,
    pair_status. A value is NaN unless its status is 'published'."""
    level, within = scope_level(scope), scope_within(scope, gemeente)
    vx = rel.values(x, year, level, within=within, sbi=sbi_x)
    vy = rel.values(y, year, level, within=within, sbi=sbi_y)
    f = vx[["area_code", "name", "gemeente_code", "value", "status"]].rename(columns={"value": "x", "status": "x_status"})
    f = f.merge(vy[["area_code", "value", "status"]].rename(columns={"value": "y", "status": "y_status"}),
                on="area_code", how="left")
    f["y_status"] = f["y_status"].fillna("missing")
    for col in ("x", "y"):  # defence in depth: never keep a value that is not published
        f[col] = f[col].where(f[f"{col}_status"] == "published").astype(float)
    suppressed = (f["x_status"] == "suppressed") | (f["y_status"] == "suppressed")
    published = (f["x_status"] == "published") & (f["y_status"] == "published") & f["x"].notna() & f["y"].notna()
    f["pair_status"] = np.where(suppressed, "suppressed", np.where(published, "published", "missing"))
    return f.reset_index(drop=True)


def tertile_breaks(values) -> list[float]:
    v = np.asarray(pd.Series(values, dtype=float).dropna())
    if v.size == 0:
        return []
    return [float(q) for q in np.quantile(v, [1 / 3, 2 / 3])]


def bivariate(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[float], list[float]]:
    """Adds bx, by (1..3, 0 when not a published pair) and klasse ('bx-by', 'geheim' or 'ontbreekt').
    Tertiles are computed on the published values of the scope only."""
    f = frame.copy()
    pub = f["pair_status"] == "published"
    bxs, bys = tertile_breaks(f.loc[pub, "x"]), tertile_breaks(f.loc[pub, "y"])
    p = pub.to_numpy()
    for col, br in (("bx", bxs), ("by", bys)):
        t = np.searchsorted(br, np.nan_to_num(f[col[1]].to_numpy(float)), side="right") + 1 if br else np.full(len(f), 2)
        f[col] = np.where(p, t, 0)
    names = np.array([f"{i}-{j}" for j in range(4) for i in range(4)], dtype=object).reshape(4, 4)  # [by, bx]
    f["klasse"] = np.where(p, names[f["by"].to_numpy(), f["bx"].to_numpy()],
                           np.where(f["pair_status"] == "suppressed", GEHEIM, ONTBREEKT))
    return f, bxs, bys


@dataclass
class Correlation:
    rho: float | None
    p_value: float | None
    n_used: int
    n_suppressed: int
    n_missing: int


def spearman(frame: pd.DataFrame) -> Correlation:
    from scipy.stats import spearmanr
    pub = frame[frame["pair_status"] == "published"]
    n_sup = int((frame["pair_status"] == "suppressed").sum())
    n_mis = int((frame["pair_status"] == "missing").sum())
    if len(pub) < 3 or pub["x"].nunique() < 2 or pub["y"].nunique() < 2:
        return Correlation(None, None, len(pub), n_sup, n_mis)
    r = spearmanr(pub["x"], pub["y"])
    return Correlation(float(r.statistic), float(r.pvalue), len(pub), n_sup, n_mis)


def strength(rho: float) -> str:
    a = abs(rho)
    return ("geen noemenswaardige" if a < 0.1 else "een zwakke" if a < 0.3 else
            "een matige" if a < 0.5 else "een sterke")


def describe(corr: Correlation, x_name: str, y_name: str, scope_label: str, n_high_high: int) -> str:
    """A plain-Dutch sentence about the pattern, with the caveat."""
    left_out = (f" {corr.n_suppressed} gebieden met een geheime waarde en {corr.n_missing} zonder waarde "
                "zijn niet meegenomen.")
    if corr.rho is None:
        return (f"Te weinig gebieden met twee gepubliceerde waarden ({corr.n_used}) om een samenhang te "
                f"beschrijven.{left_out} Let op: {CAVEAT}.")
    direction = "hoger" if corr.rho > 0 else "lager"
    pattern = (f"Gebieden: {scope_label}. Er is {strength(corr.rho)} samenhang tussen '{x_name}' en '{y_name}' "
               f"(Spearman rho = {corr.rho:.2f}, n = {corr.n_used}).")
    if abs(corr.rho) >= 0.1:
        pattern += f" Waar '{x_name}' hoger is, is '{y_name}' doorgaans ook {direction}."
    pattern += f" {n_high_high} gebieden vallen in de hoogste groep (bovenste derde) voor beide."
    return pattern + left_out + f" Let op: {CAVEAT}."


def high_high(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["klasse"] == "3-3"].sort_values(["x", "y"], ascending=False)


def export_frame(frame: pd.DataFrame, x_name: str, y_name: str, year: int, sbi_x: str, sbi_y: str) -> pd.DataFrame:
    """The combined table for download: published values only; CBS symbols x (geheim) and . otherwise."""
    def cell(v, s):
        return v if s == "published" and pd.notna(v) else release.CBS_SYMBOL.get(s, ".")
    f = frame.sort_values("area_code")
    return pd.DataFrame({
        "gebiedscode": f["area_code"].to_numpy(), "gebied": f["name"].to_numpy(), "jaar": year,
        "x_indicator": x_name, "x_branche": sbi_x, "x_waarde": [cell(v, s) for v, s in zip(f["x"], f["x_status"])],
        "y_indicator": y_name, "y_branche": sbi_y, "y_waarde": [cell(v, s) for v, s in zip(f["y"], f["y_status"])],
        "klasse": f["klasse"].to_numpy() if "klasse" in f else "",
    })


# --- checked aggregates --------------------------------------------------------------------------

@dataclass
class Aggregate:
    released: bool
    value: float | None
    reason: str | None = None
    checked: bool = False         # True when suppressed cells were involved and the checker released it
    parts: dict = field(default_factory=dict)

    def text(self, decimals: int = 1, unit: str = "") -> str:
        if not self.released or self.value is None:
            return f"x — geheim ({self.reason})" if self.reason else "x — geheim"
        from_fmt = f"{self.value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
        return from_fmt + (f" {unit}" if unit else "")


def refused(reason: str) -> Aggregate:
    return Aggregate(False, None, reason)


NO_BASE = ("dit totaal bevat geheime cellen en kan in deze omgeving niet worden gecontroleerd "
           "(het vertrouwelijke bronbestand ontbreekt)")
INGESTED = ("dit totaal bevat geheime cellen van een ingelezen officiële tabel; het kan niet worden "
            "gecontroleerd en wordt daarom niet getoond")


class Aggregator:
    """Totals over sets of areas with weights, checked against the confidential base (if present).

    One per release file (the server holds one; tests make their own with a temporary ledger).
    """

    def __init__(self, release_path: Path, ledger_path: Path | None = None, rules=None):
        self.release_path = Path(release_path)
        self.rel = Release(self.release_path)
        self.base_path = release.base_path_for(self.release_path)
        self.ledger_path = Path(ledger_path) if ledger_path else self.release_path.with_name("ledger.jsonl")
        self.rules = rules or load_rule_sets()
        info = self.rel.info()
        self.identity = f"{info.get('built_at', '?')}/{info.get('seed', '?')}"
        areas = self.rel.areas()
        areas["_lvl"] = areas["level"].map({lvl: i for i, lvl in enumerate(catalogue.LEVELS)})
        areas = areas.sort_values(["_lvl", "area_code"]).drop(columns="_lvl").reset_index(drop=True)
        self.hierarchy = geography.Hierarchy.from_areas(areas)
        self.codes = areas["area_code"].to_numpy()
        self._relations = None
        self._tables: dict[tuple, tuple[CellTable, np.ndarray]] = {}
        self._cells: dict[tuple, pd.DataFrame] = {}
        self._lock = threading.Lock()
        self._checker: DerivedChecker | None = None
        cur = self.rel.cursor()
        try:
            self._ingested = {(r[0], int(r[1])) for r in cur.execute("SELECT indicator, year FROM ingested").fetchall()}
        except duckdb.Error:
            self._ingested = set()
        finally:
            cur.close()
        self.has_base = self.base_path.exists()
        if self.has_base:
            try:
                con = duckdb.connect(str(self.base_path), read_only=True)
                base_info = dict(con.execute("SELECT key, value FROM release_info").fetchall())
                con.close()
                # A base that belongs to another build does not describe what is published.
                self.has_base = (base_info.get("built_at"), base_info.get("seed")) == (info.get("built_at"),
                                                                                        info.get("seed"))
            except duckdb.Error:
                self.has_base = False

    # -- plumbing
    def _index(self, code: str) -> int:
        return self.hierarchy.index[code]

    def checker(self) -> DerivedChecker:
        if self._checker is None:
            self._checker = DerivedChecker(self.ledger_path)
        return self._checker

    def table_id(self, family: str, year: int, sbi: str) -> str:
        return f"{family}/{year}/{sbi or '-'}/{self.identity}"

    def family_ingested(self, family: str, year: int) -> bool:
        return any((i.code, int(year)) in self._ingested for i in catalogue.family_members(family))

    def table(self, family: str, year: int, sbi: str) -> tuple[CellTable, np.ndarray]:
        key = (family, int(year), sbi)
        with self._lock:
            if key not in self._tables:
                if self._relations is None:
                    self._relations = self.hierarchy.relations()
                measure = catalogue.BASE_MEASURES[family]
                con = duckdb.connect(str(self.base_path), read_only=True)
                try:
                    b = con.execute("SELECT area_code, value, n_units, top1, top2 FROM base_cells "
                                    "WHERE measure = ? AND year = ? AND sbi = ?", [family, int(year), sbi]).df()
                    p = con.execute("SELECT area_code, suppressed FROM patterns WHERE family = ? AND year = ? AND sbi = ?",
                                    [family, int(year), sbi]).df()
                finally:
                    con.close()
                b = b.set_index("area_code").reindex(self.codes)
                sup = p.set_index("area_code")["suppressed"].reindex(self.codes).fillna(False).to_numpy(bool)
                mag = measure.measure == "magnitude"
                t = CellTable(keys=list(self.codes), values=b["value"].fillna(0.0).to_numpy(),
                              n_units=b["n_units"].fillna(0).to_numpy(np.int64),
                              top1=b["top1"].fillna(0.0).to_numpy() if mag else None,
                              top2=b["top2"].fillna(0.0).to_numpy() if mag else None,
                              relations=self._relations, measure=measure.measure, rules=self.rules[measure.unit_type])
                self._tables[key] = (t, sup)
            return self._tables[key]

    def _published(self, indicator: str, year: int, sbi: str, codes: list[str]) -> pd.DataFrame:
        """Published state (value, status) of one indicator table for the given areas; one query per table."""
        key = (indicator, int(year), sbi)
        with self._lock:
            cells = self._cells.get(key)
        if cells is None:
            cur = self.rel.cursor()
            try:
                cells = cur.execute("SELECT area_code, CASE WHEN status = 'published' THEN value END AS value, status "
                                    "FROM cells WHERE indicator = ? AND year = ? AND sbi = ?",
                                    [indicator, int(year), sbi]).df().set_index("area_code")
            finally:
                cur.close()
            with self._lock:
                self._cells[key] = cells
        out = cells.reindex(codes)
        out["status"] = out["status"].fillna("missing")
        return out

    # -- a checked weighted sum of one base measure
    def measure_sum(self, family: str, year: int, sbi: str, weights: dict[str, float], label: str = "",
                    fallback: tuple[str, float | None] | None = None) -> Aggregate:
        """sum(w * base value) over areas. Published-only: exact, directly. Involving suppressed cells:
        only through the DerivedChecker (and never without a base that matches this release)."""
        if not self.has_base or self.family_ingested(family, year):
            return self._published_only_sum(family, year, sbi, weights, fallback)
        table, sup = self.table(family, year, sbi)
        idx = {self._index(c): float(w) for c, w in weights.items() if w}
        hidden = [i for i in idx if sup[i]]
        if len(hidden) > MAX_HIDDEN:
            return refused(f"het totaal bevat {len(hidden)} geheime cellen; dat is te veel om snel te controleren "
                           f"(maximaal {MAX_HIDDEN}); maak de selectie kleiner")
        try:
            result = self.checker().check(self.table_id(family, year, sbi), table, sup, idx, label)
        except OSError as exc:  # e.g. a read-only deployment: no ledger, no release of hidden parts
            if hidden:
                return refused(f"de controle op onthulling kan niet worden uitgevoerd ({exc.__class__.__name__})")
            result = type("R", (), {"released": True, "value": float(sum(w * table.values[i] for i, w in idx.items())),
                                    "reason": None})()
        if not result.released:
            return refused(result.reason)
        return Aggregate(True, result.value, None, checked=bool(hidden))

    def _published_only_sum(self, family: str, year: int, sbi: str, weights: dict[str, float],
                            fallback: tuple[str, float | None] | None) -> Aggregate:
        """Without a usable base: a sum over published cells only, from the published count indicator
        of the family (or the published rate x its published denominator)."""
        reason = INGESTED if self.has_base else NO_BASE
        members = catalogue.family_members(family)
        count = next((i for i in members if i.kind in ("count", "sum")), None)
        codes = [c for c, w in weights.items() if w]
        ind = count or (catalogue.get(fallback[0]) if fallback else None)
        if ind is None:
            return refused(reason)
        cells = self._published(ind.code, year, sbi, codes)
        if (cells["status"] != "published").any():
            return refused(reason)
        vals = cells["value"].astype(float)
        if count is None:  # a rate: numerator = rate x denominator / per
            den = self._published(ind.denominator, year if catalogue.get(ind.denominator).demo else 2024, "", codes)
            if (den["status"] != "published").any():
                return refused("de noemer ontbreekt voor een deel van de gebieden")
            vals = vals * den["value"].astype(float) / (ind.per or 1)
        return Aggregate(True, float(sum(weights[c] * v for c, v in zip(codes, vals))))

    # -- denominators
    def _denominator(self, ind: catalogue.Indicator, year: int, sbi: str, weights: dict[str, float],
                     label: str) -> Aggregate:
        den = catalogue.get(ind.denominator)
        if den.family:  # a confidential count of another family: checked like a numerator
            return self.measure_sum(den.family, year, sbi, weights, label + " (noemer)")
        codes = [c for c, w in weights.items() if w]
        cells = self._published(den.code, den.years[-1], "", codes)
        if (cells["status"] != "published").any():
            n = int((cells["status"] != "published").sum())
            return refused(f"de noemer ({den.name.lower()}) ontbreekt voor {n} gebied(en)")
        return Aggregate(True, float(sum(weights[c] * v for c, v in zip(codes, cells["value"].astype(float)))))

    # -- an indicator over a weighted set of areas
    def indicator_total(self, indicator: str, year: int, sbi: str, weights: dict[str, float],
                        label: str = "") -> Aggregate:
        """Count/sum: checked sum. Rate/percentage/mean: checked numerator sum / denominator sum x per
        (a public denominator is summed directly, a confidential one is checked too)."""
        ind = catalogue.get(indicator)
        weights = {c: float(w) for c, w in weights.items() if w}
        if not weights:
            return refused("geen gebieden geselecteerd")
        unknown = [c for c in weights if c not in self.hierarchy.index]
        if unknown:
            return refused("onbekende gebieden in de selectie")
        if not ind.family:  # real context figures: published or missing, never suppressed
            if not ind.is_additive:
                return refused("dit kenmerk is niet optelbaar over gebieden")
            cells = self._published(indicator, year, "", list(weights))
            if (cells["status"] != "published").any():
                return refused("voor een deel van de gebieden is geen waarde bekend")
            return Aggregate(True, float(sum(weights[c] * v for c, v in zip(weights, cells["value"].astype(float)))))
        label = label or f"{indicator} {year} {sbi}"
        num = self.measure_sum(ind.family, year, sbi, weights, label, fallback=(indicator, None))
        if ind.kind in ("count", "sum") or not ind.denominator:
            return num
        if not num.released:
            return num
        den = self._denominator(ind, year, sbi, weights, label)
        if not den.released:
            return den
        rules = self.rules[ind.unit_type]
        if den.value is None or den.value <= 0:
            return refused("de noemer is nul")
        if ind.kind in ("rate", "percentage") and den.value < rules.min_denominator:
            return refused(f"noemer kleiner dan {rules.min_denominator}")
        value = num.value / den.value * (ind.per or 1)
        return Aggregate(True, value, None, checked=num.checked or den.checked,
                         parts={"teller": num.value, "noemer": den.value})

    def selection_total(self, indicator: str, year: int, sbi: str, codes, label: str = "selectie") -> Aggregate:
        return self.indicator_total(indicator, year, sbi, {c: 1.0 for c in codes}, label)

    def rest_total(self, indicator: str, year: int, sbi: str, parent: str, codes, label: str = "rest") -> Aggregate:
        """parent minus the selection ("rest van de gemeente")."""
        weights = {parent: 1.0}
        for c in codes:
            weights[c] = weights.get(c, 0.0) - 1.0
        return self.indicator_total(indicator, year, sbi, weights, label)

    def ratio(self, num_family: str, num_sbi: str, den_family: str, den_sbi: str, year: int, codes,
              per: float = 1.0, label: str = "verhouding") -> Aggregate:
        """A ratio of two confidential measures over a selection (e.g. transacties per kapper): both
        sums are checked and the denominator must pass the denominator rule of its unit type."""
        weights = {c: 1.0 for c in codes}
        if not weights:
            return refused("geen gebieden geselecteerd")
        den = self.measure_sum(den_family, year, den_sbi, weights, label + " (noemer)")
        if not den.released:
            return refused(f"noemer: {den.reason}")
        rules = self.rules[catalogue.BASE_MEASURES[den_family].unit_type]
        if den.value < rules.min_denominator:
            return refused(f"de noemer telt minder dan {rules.min_denominator} "
                           f"{'vestigingen' if rules.unit_type == 'establishments' else 'eenheden'}")
        num = self.measure_sum(num_family, year, num_sbi, weights, label + " (teller)")
        if not num.released:
            return refused(f"teller: {num.reason}")
        return Aggregate(True, num.value / den.value * per, None, checked=num.checked or den.checked,
                         parts={"teller": num.value, "noemer": den.value})

    def class_totals(self, frame: pd.DataFrame, x: str, sbi_x: str, y: str, sbi_y: str, year: int) -> pd.DataFrame:
        """Per bivariate class (and the geheim class): n and the X and Y aggregates over ALL members
        (the geheim class contains suppressed cells, so it is checked)."""
        rows = []
        for klasse in CLASSES + [GEHEIM]:
            members = list(frame.loc[frame["klasse"] == klasse, "area_code"])
            if not members:
                continue
            ax = self.selection_total(x, year, sbi_x, members, f"klasse {klasse}")
            ay = self.selection_total(y, year, sbi_y, members, f"klasse {klasse}")
            rows.append({"klasse": klasse, "n": len(members), "x": ax, "y": ay})
        return pd.DataFrame(rows)


def ratio_families(x: str, sbi_x: str, y: str, sbi_y: str) -> tuple[str, str, str, str] | None:
    """For two demo indicators: (numerator family, sbi, denominator family, sbi) of 'X per Y' when the
    Y family counts units (e.g. transacties per kapper); else None."""
    ix, iy = catalogue.get(x), catalogue.get(y)
    if not ix.family or not iy.family or ix.family == iy.family:
        return None
    if catalogue.BASE_MEASURES[iy.family].measure != "count":
        return None
    return ix.family, sbi_x, iy.family, sbi_y

