"""Reference values, deviations and significance of published values (plain Python, no UI).

Method (also shown on the theme pages and on "Over de data"):

- Reference value of a group of areas = sum of the numerators / sum of the denominators * per,
  over the members whose value AND denominator are published. Because numerator = value * den / per,
  this is sum(value * den) / sum(den): an aggregate over published cells only, which reveals
  nothing new. Suppressed members are left out and counted so the UI can say so.
- Counts have no common denominator: their reference is the mean over the published members.
- Rates: observed count O = value * den / per, expected E = reference * den / per. O is significantly
  higher (lower) when E lies below (above) the exact Poisson (Garwood) interval of O, at 95 % and at
  99.8 % (the usual funnel-plot limits, Spiegelhalter 2005).
- Percentages: k = value * den / 100 out of n = den; exact binomial (Clopper-Pearson) interval.
- Counts, means, classes and euro amounts (omzet per inwoner): no significance test ("n.v.t.").
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import beta, chi2

LEVELS_OF_CONFIDENCE = (0.95, 0.998)
TESTED_KINDS = ("rate", "percentage")
# Poisson and binomial intervals assume the numerator counts units; euro amounts are not counts.
UNTESTED_UNIT_TYPES = ("euros",)
RATIO_KINDS = ("rate", "percentage", "mean")

SIG_LABELS = {
    "hoger_998": "▲ hoger (99,8%)",
    "hoger_95": "▲ hoger (95%)",
    "lager_998": "▼ lager (99,8%)",
    "lager_95": "▼ lager (95%)",
    "geen": "—",
    "nvt": "n.v.t.",
}

METHOD_TEXT = (
    "**Referentiewaarde**: bij percentages, cijfers per 1.000 en gemiddelden is de referentie de som van de "
    "tellers gedeeld door de som van de noemers van de groep, alleen over leden met een gepubliceerde waarde; "
    "geheime (onderdrukte) leden tellen niet mee en worden apart genoemd. Bij aantallen is de referentie het "
    "gemiddelde van de gepubliceerde gebieden. **Significantie**: bij cijfers per 1.000/10.000 inwoners of "
    "woningen een exact Poisson-interval (Garwood), bij percentages een exact binomiaal interval "
    "(Clopper-Pearson), op 95% en 99,8% (funnelgrenzen). Aantallen, gemiddelden en eurobedragen: n.v.t. "
    "Een relatief hoge waarde is een signaal, geen bewijs."
)


def poisson_interval(observed: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) confidence interval for a Poisson count."""
    if observed < 0 or not math.isfinite(observed):
        raise ValueError(f"observed must be a finite count >= 0, got {observed!r}")
    alpha = 1.0 - confidence
    o = float(round(observed))
    lower = 0.0 if o == 0 else chi2.ppf(alpha / 2, 2 * o) / 2
    upper = chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    return float(lower), float(upper)


def binomial_interval(successes: float, trials: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval for a proportion k/n."""
    k, n = float(round(successes)), float(round(trials))
    if n <= 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={successes!r}, n={trials!r}")
    alpha = 1.0 - confidence
    lower = 0.0 if k == 0 else beta.ppf(alpha / 2, k, n - k + 1)
    upper = 1.0 if k == n else beta.ppf(1 - alpha / 2, k + 1, n - k)
    return float(lower), float(upper)


def _valid(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and not pd.isna(x)


def significance(kind: str, value, den, per, reference) -> str:
    """Key into SIG_LABELS for one area compared with a reference value."""
    if kind not in TESTED_KINDS:
        return "nvt"
    if not (_valid(value) and _valid(den) and _valid(reference) and _valid(per)) or den <= 0:
        return "nvt"
    if kind == "rate":
        observed = value * den / per
        expected = reference * den / per
        intervals = {c: poisson_interval(observed, c) for c in LEVELS_OF_CONFIDENCE}
    else:
        n = round(den)
        k = min(max(round(value * den / per), 0), n)
        if n <= 0:
            return "nvt"
        expected = reference / per
        intervals = {c: binomial_interval(k, n, c) for c in LEVELS_OF_CONFIDENCE}
    lo998, hi998 = intervals[0.998]
    lo95, hi95 = intervals[0.95]
    if expected < lo998:
        return "hoger_998"
    if expected < lo95:
        return "hoger_95"
    if expected > hi998:
        return "lager_998"
    if expected > hi95:
        return "lager_95"
    return "geen"


def deviation_pct(value, reference) -> float | None:
    """Relative deviation from the reference in percent (None when not computable)."""
    if not (_valid(value) and _valid(reference)) or reference == 0:
        return None
    return float((value - reference) / reference * 100.0)


@dataclass(frozen=True)
class Aggregate:
    value: float | None     # reference value, None if no member is usable
    n_members: int          # areas in the group
    n_used: int             # members that entered the aggregate
    n_suppressed: int       # members left out because their value (or denominator) is suppressed
    n_missing: int          # members left out because a value is missing / not applicable


def aggregate(frame: pd.DataFrame, kind: str) -> Aggregate:
    """Reference value of a group over its PUBLISHED members only.

    frame columns: value, status and (for ratio kinds) den, den_status. value/den are NULL unless
    published, as the query API returns them.
    """
    n = len(frame)
    if n == 0:
        return Aggregate(None, 0, 0, 0, 0)
    value_ok = (frame["status"] == "published") & frame["value"].notna()
    if kind in RATIO_KINDS and "den" in frame:
        den_ok = frame["den"].notna() & (frame["den"] > 0)
        if "den_status" in frame:
            den_ok &= frame["den_status"] == "published"
        usable = value_ok & den_ok
        suppressed = ~usable & ((frame["status"] == "suppressed") |
                                (frame.get("den_status", pd.Series("published", index=frame.index)) == "suppressed"))
        if usable.any():
            v = frame.loc[usable, "value"].astype(float).to_numpy()
            d = frame.loc[usable, "den"].astype(float).to_numpy()
            result = float(np.sum(v * d) / np.sum(d))
        else:
            result = None
    else:
        usable = value_ok
        suppressed = ~usable & (frame["status"] == "suppressed")
        result = float(frame.loc[usable, "value"].astype(float).mean()) if usable.any() else None
    n_used = int(usable.sum())
    n_sup = int(suppressed.sum())
    return Aggregate(result, n, n_used, n_sup, n - n_used - n_sup)


def is_tested(kind: str, unit_type: str) -> bool:
    return kind in TESTED_KINDS and unit_type not in UNTESTED_UNIT_TYPES


def compare(frame: pd.DataFrame, kind: str, per: float | None, reference: float | None,
            unit_type: str = "persons") -> pd.DataFrame:
    """Add deviation (%) and significance key/label columns to a frame with value (and den)."""
    if not is_tested(kind, unit_type):
        kind = "untested"
    out = frame.copy()
    dens = out["den"] if "den" in out else pd.Series(np.nan, index=out.index)
    out["reference"] = reference
    out["deviation"] = [deviation_pct(v, reference) for v in out["value"]]
    out["sig"] = [significance(kind, v, d, per, reference) for v, d in zip(out["value"], dens)]
    out.loc[out["status"] != "published", "sig"] = "nvt"
    out["sig_label"] = out["sig"].map(SIG_LABELS)
    return out
