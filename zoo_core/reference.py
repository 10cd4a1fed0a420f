"""Reference groups: which areas a gemeente (or its wijken/buurten) is compared with.

Plain Python; the UI calls `reference_for` / `reference_trend` through ui/cache.py. Every value used
comes from `Release.values`, which returns NULL for anything not published, and aggregates are
taken over published members only (zoo_core.stats.aggregate).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import catalogue, stats

# Reference groups offered when all gemeenten are shown, and when wijken/buurten of one gemeente are.
GROUPS: dict[str, str] = {
    "nl": "Nederland",
    "provincie": "Provincie",
    "riec": "RIEC-regio",
    "buren": "Buurgemeenten",
    "stedelijkheid": "Zelfde stedelijkheidsklasse",
    "omvang": "Vergelijkbare omvang (inwoners)",
    "eigen": "Eigen selectie van gemeenten",
    "gemeente": "De gemeente zelf",
}
GEMEENTE_LEVEL_GROUPS = ("nl", "provincie", "riec", "buren", "stedelijkheid", "omvang", "eigen")
SUB_LEVEL_GROUPS = ("gemeente", "nl")


def default_group(level: str) -> str:
    """The one default reference group of a level: Nederland for all gemeenten, the gemeente itself for
    its wijken or buurten (the same whether the level came from a link or from the widget)."""
    return GEMEENTE_LEVEL_GROUPS[0] if level == "gemeente" else SUB_LEVEL_GROUPS[0]


SIZE_FACTOR = 1.5
MIN_PEERS = 10
MAX_PICKED = 50


@dataclass(frozen=True)
class Group:
    code: str
    label: str                    # Dutch, names the group (e.g. "Provincie Zuid-Holland")
    anchor: str | None            # area whose own published cell is the reference, if any
    members: tuple[str, ...]      # member gemeenten (or wijken/buurten for 'gemeente' at sub levels)
    member_level: str


@dataclass(frozen=True)
class Reference:
    group: Group
    value: float | None
    source: str                   # 'cel' (anchor's own published cell) or 'aggregaat'
    aggregate: stats.Aggregate | None

    @property
    def note(self) -> str:
        """A Dutch sentence for the UI on how the reference was made."""
        if self.value is None:
            return f"Geen referentiewaarde voor {self.group.label}: geen gepubliceerde waarden."
        if self.source == "cel":
            return f"Referentie: de gepubliceerde waarde van {self.group.label}."
        a = self.aggregate
        text = f"Referentie: {self.group.label}, berekend over {a.n_used} van {a.n_members} gebieden met een gepubliceerde waarde"
        if a.n_suppressed:
            text += f"; {a.n_suppressed} weggelaten omdat hun waarde geheim (onderdrukt) is"
        if a.n_missing:
            text += f"; {a.n_missing} zonder waarde"
        return text + "."


def similar_size(inwoners: dict[str, float], gemeente: str, factor: float = SIZE_FACTOR,
                 minimum: int = MIN_PEERS) -> list[str]:
    """Gemeenten with a population within `factor` of the gemeente's; at least `minimum` (nearest in log size)."""
    own = inwoners.get(gemeente)
    if own is None or not own or own <= 0:
        return []
    others = {c: v for c, v in inwoners.items() if c != gemeente and v is not None and v == v and v > 0}
    peers = [c for c, v in others.items() if own / factor <= v <= own * factor]
    if len(peers) < minimum:
        ranked = sorted(others, key=lambda c: (abs(np.log(others[c] / own)), c))
        peers = ranked[:minimum]
    return sorted(peers)


def same_class(classes: dict[str, float], gemeente: str) -> list[str]:
    own = classes.get(gemeente)
    if own is None or own != own:
        return []
    return sorted(c for c, v in classes.items() if c != gemeente and v == own)


def denominator_of(ind: catalogue.Indicator, year: int, sbi: str) -> tuple[str, int, str] | None:
    """(denominator code, year, sbi) whose published value is an indicator's denominator."""
    if not ind.denominator:
        return None
    den = catalogue.get(ind.denominator)
    return den.code, den.value_year(year), (sbi if den.has_branches else "")


def with_denominator(rel, ind: catalogue.Indicator, year: int, level: str, within: str | None, sbi: str) -> pd.DataFrame:
    """values() of an indicator plus its published denominator as columns den / den_status."""
    frame = rel.values(ind.code, year, level, within=within, sbi=sbi)
    spec = denominator_of(ind, year, sbi)
    if spec is None:
        frame["den"] = np.nan
        frame["den_status"] = "missing"
        return frame
    den = rel.values(spec[0], spec[1], level, within=within, sbi=spec[2])[["area_code", "value", "status"]]
    den = den.rename(columns={"value": "den", "status": "den_status"})
    return frame.merge(den, on="area_code", how="left")


def gemeente_context(rel, code: str, year: int = 2024) -> dict[str, float]:
    frame = rel.values(code, year, "gemeente")
    return dict(zip(frame["area_code"], frame["value"]))


def build_group(rel, group: str, gemeente: str, level: str = "gemeente", picked: tuple[str, ...] = ()) -> Group:
    """The reference group `group` for `gemeente`; raises ValueError for a group not valid at `level`."""
    g = rel.area(gemeente)
    if g is None or g["level"] != "gemeente":
        raise ValueError(f"onbekende gemeente: {gemeente!r}")
    gemeenten = rel.areas("gemeente")
    if level != "gemeente":
        if group not in SUB_LEVEL_GROUPS:
            raise ValueError(f"referentiegroep {group!r} past niet bij niveau {level!r}")
        if group == "gemeente":
            members = tuple(rel.areas(level, within=gemeente)["area_code"])
            return Group(group, f"gemeente {g['name']}", gemeente, members, level)
        return Group(group, "Nederland", "NL01", tuple(rel.areas(level)["area_code"]), level)
    if group not in GEMEENTE_LEVEL_GROUPS:
        raise ValueError(f"onbekende referentiegroep: {group!r}")
    if group == "nl":
        return Group(group, "Nederland", "NL01", tuple(gemeenten["area_code"]), "gemeente")
    if group in ("provincie", "riec"):
        column = f"{group}_code"
        anchor = g[column]
        if not anchor or anchor != anchor:
            raise ValueError(f"{gemeente} heeft geen {group}")
        parent = rel.area(anchor)
        label = ("Provincie " if group == "provincie" else "RIEC ") + str(parent["name"] if parent else anchor)
        members = tuple(gemeenten.loc[gemeenten[column] == anchor, "area_code"])
        return Group(group, label, anchor, members, "gemeente")
    if group == "buren":
        members = tuple(rel.neighbours(gemeente))
        return Group(group, f"buurgemeenten van {g['name']}", None, members, "gemeente")
    if group == "stedelijkheid":
        classes = gemeente_context(rel, "ctx_stedelijkheid")
        own = classes.get(gemeente)
        label = f"gemeenten met stedelijkheidsklasse {int(own)}" if own == own and own is not None else "zelfde stedelijkheidsklasse"
        return Group(group, label, None, tuple(same_class(classes, gemeente)), "gemeente")
    if group == "omvang":
        members = tuple(similar_size(gemeente_context(rel, "ctx_inwoners"), gemeente))
        return Group(group, f"gemeenten van vergelijkbare omvang als {g['name']}", None, members, "gemeente")
    valid = set(gemeenten["area_code"])
    members = tuple(sorted({c for c in picked if c in valid}))[:MAX_PICKED]
    return Group(group, "eigen selectie van gemeenten", None, members, "gemeente")


def reference_for(rel, ind: catalogue.Indicator, year: int, sbi: str, group: Group) -> Reference:
    """Reference value of `group` for one indicator and year, from published cells only."""
    if ind.kind in stats.RATIO_KINDS and group.anchor is not None:
        own = rel.values(ind.code, year, rel.area(group.anchor)["level"], sbi=sbi)
        own = own[own["area_code"] == group.anchor]
        if len(own) and own["status"].iloc[0] == "published" and pd.notna(own["value"].iloc[0]):
            return Reference(group, float(own["value"].iloc[0]), "cel", None)
    if not group.members:
        return Reference(group, None, "aggregaat", stats.Aggregate(None, 0, 0, 0, 0))
    within = None
    if group.member_level != "gemeente" and group.anchor and group.anchor != "NL01":
        within = group.anchor
    frame = with_denominator(rel, ind, year, group.member_level, within, sbi)
    frame = frame[frame["area_code"].isin(set(group.members))]
    agg = stats.aggregate(frame, ind.kind)
    return Reference(group, agg.value, "aggregaat", agg)


def reference_trend(rel, ind: catalogue.Indicator, sbi: str, group: Group, years: list[int]) -> pd.DataFrame:
    rows = []
    for y in years:
        ref = reference_for(rel, ind, y, sbi, group)
        rows.append({"year": int(y), "reference": ref.value})
    return pd.DataFrame(rows, columns=["year", "reference"])
