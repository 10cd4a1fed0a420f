"""Combining two indicators: per-area pairs, bivariate classes, rank correlation and CHECKED aggregates.

Showing two published values side by side creates nothing new, as long as an area where X or Y is
suppressed stays suppressed ("geheim") and is never put into a value class. Every NEW number (the
total of a selection or a class, "rest of the area" = parent minus selection, a ratio of two
indicators over a selection) is derived from the published cells only (zoo_core.published): exact
where they determine it, else the range they allow. Plain Python: no Streamlit here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import catalogue, geography, numbers, published, reference, release, statuses
from .published import Derived
from .queries import Release

CAVEAT = "samenhang is geen oorzaak; een signaal, geen bewijs"
GEHEIM = statuses.SUPPRESSED_CLASS
ONTBREEKT = statuses.MISSING_CLASS
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
    both = (f["x_status"] == "published") & (f["y_status"] == "published") & f["x"].notna() & f["y"].notna()
    f["pair_status"] = np.where(suppressed, "suppressed", np.where(both, "published", "missing"))
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
    left_out = (f" {numbers.count(corr.n_suppressed, 'gebied', 'gebieden')} met een geheime waarde en "
                f"{numbers.fmt(corr.n_missing, 0)} zonder waarde zijn niet meegenomen.")
    if corr.rho is None:
        return (f"Te weinig gebieden met twee gepubliceerde waarden ({corr.n_used}) om een samenhang te "
                f"beschrijven.{left_out} Let op: {CAVEAT}.")
    direction = "hoger" if corr.rho > 0 else "lager"
    pattern = (f"Gebieden: {scope_label}. Er is {strength(corr.rho)} samenhang tussen '{x_name}' en '{y_name}' "
               f"(Spearman rho = {numbers.fmt(corr.rho, 2)}, n = {numbers.fmt(corr.n_used, 0)}).")
    if abs(corr.rho) >= 0.3:  # "doorgaans" only where the pattern is at least moderate
        pattern += f" Waar '{x_name}' hoger is, is '{y_name}' doorgaans ook {direction}."
    elif abs(corr.rho) >= 0.1:
        pattern += f" Waar '{x_name}' hoger is, is '{y_name}' iets vaker {direction}, maar lang niet altijd."
    pattern += (f" {n_high_high} {'gebied valt' if n_high_high == 1 else 'gebieden vallen'} in de hoogste groep "
                "(bovenste derde) voor beide.")
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


# --- derived aggregates: from published cells only ------------------------------------------------

class Aggregator:
    """Totals over sets of areas (classes, a selection, "rest van") and ratios, from the release alone.

    Each answer is a `published.Derived`: exact where published information determines it, else the
    range it allows, else x. Which of the three, and every text, depends only on what is published.
    One per release file; safe to share between sessions and threads.
    """

    def __init__(self, release_path: Path):
        self.rel = Release(Path(release_path))
        self.knowledge = published.PublishedKnowledge(self.rel)
        self.hierarchy = self.knowledge.hierarchy

    def _public_sum(self, ind: catalogue.Indicator, year: int, sbi: str, weights: dict[str, float]) -> Derived:
        """A public (non-family) additive indicator summed over areas: exact, or x where a value is missing."""
        values = self.knowledge.published_values(ind.code, year, sbi)[[self.hierarchy.index[c] for c in weights]]
        if np.isnan(values).any():
            return published.unknown("voor een deel van de gebieden is geen waarde bekend")
        total = float(np.dot(list(weights.values()), values))
        return Derived(total, total)

    def _base_sum(self, ind: catalogue.Indicator, year: int, sbi: str, weights: dict[str, float]) -> Derived:
        """The additive quantity behind an indicator (its numerator) over weighted areas."""
        if ind.family:
            return self.knowledge.family_range(ind.family, year, sbi, weights)
        if ind.is_additive:
            return self._public_sum(ind, year, sbi, weights)
        numerator = catalogue.INDICATORS.get(ind.numerator or "")
        if numerator is not None and numerator.is_additive:
            return self._public_sum(numerator, year, sbi, weights)
        return published.unknown("dit kenmerk is niet optelbaar over gebieden")

    def _denominator_sum(self, ind: catalogue.Indicator, year: int, sbi: str, weights: dict[str, float]) -> Derived:
        code, den_year, den_sbi = reference.denominator_of(ind, year, sbi)
        return self._base_sum(catalogue.get(code), den_year, den_sbi, weights)

    def indicator_total(self, indicator: str, year: int, sbi: str, weights: dict[str, float]) -> Derived:
        """Count: the sum. Rate, share or mean: numerator sum / denominator sum x per, as a range when
        either is a range (the widest quotient of the two ranges)."""
        ind = catalogue.get(indicator)
        weights = {c: float(w) for c, w in weights.items() if w}
        if not weights:
            return published.unknown("geen gebieden geselecteerd")
        if any(c not in self.hierarchy.index for c in weights):
            return published.unknown("onbekende gebieden in de selectie")
        numerator = self._base_sum(ind, year, sbi, weights)
        if ind.is_additive or not ind.denominator or not numerator.known:
            return numerator
        denominator = self._denominator_sum(ind, year, sbi, weights)
        return ratio_of(numerator, denominator, ind.per or 1.0)

    def selection_total(self, indicator: str, year: int, sbi: str, codes) -> Derived:
        return self.indicator_total(indicator, year, sbi, {c: 1.0 for c in codes})

    def rest_total(self, indicator: str, year: int, sbi: str, parent: str, codes) -> Derived:
        """parent minus the selection ("rest van de gemeente")."""
        weights = {parent: 1.0}
        for c in codes:
            weights[c] = weights.get(c, 0.0) - 1.0
        return self.indicator_total(indicator, year, sbi, weights)

    def ratio(self, num_family: str, num_sbi: str, den_family: str, den_sbi: str, year: int, codes,
              per: float = 1.0) -> Derived:
        """A ratio of two base measures over a selection (e.g. transacties per kapper)."""
        weights = {c: 1.0 for c in codes}
        if not weights:
            return published.unknown("geen gebieden geselecteerd")
        numerator = self.knowledge.family_range(num_family, year, num_sbi, weights)
        denominator = self.knowledge.family_range(den_family, year, den_sbi, weights)
        return ratio_of(numerator, denominator, per)

    def class_totals(self, frame: pd.DataFrame, x: str, sbi_x: str, y: str, sbi_y: str, year: int) -> pd.DataFrame:
        """Per bivariate class (and the geheim class): n and the X and Y aggregates over ALL members."""
        rows = []
        for klasse in CLASSES + [GEHEIM]:
            members = list(frame.loc[frame["klasse"] == klasse, "area_code"])
            if not members:
                continue
            rows.append({"klasse": klasse, "n": len(members), "x": self.selection_total(x, year, sbi_x, members),
                         "y": self.selection_total(y, year, sbi_y, members)})
        return pd.DataFrame(rows)


def ratio_of(numerator: Derived, denominator: Derived, per: float) -> Derived:
    """numerator / denominator x per over two ranges: from the smallest to the largest quotient."""
    if not numerator.known or not denominator.known:
        return numerator if not numerator.known else denominator
    if denominator.low <= 0:
        if denominator.high <= 0:
            return published.unknown("de noemer is nul")
        return Derived(numerator.low / denominator.high * per, math.inf, published.NOT_DERIVABLE)
    return Derived(numerator.low / denominator.high * per, numerator.high / denominator.low * per)


def ratio_families(x: str, sbi_x: str, y: str, sbi_y: str) -> tuple[str, str, str, str] | None:
    """For two demo indicators: (numerator family, sbi, denominator family, sbi) of 'X per Y' when the
    Y family counts units (e.g. transacties per kapper); else None."""
    ix, iy = catalogue.get(x), catalogue.get(y)
    if not ix.family or not iy.family or ix.family == iy.family:
        return None
    if catalogue.BASE_MEASURES[iy.family].measure != "count":
        return None
    return ix.family, sbi_x, iy.family, sbi_y

