"""Build the release: confidential base tables -> disclosure control -> published cells.

`python -m zoo_core build` generates the demo base figures, protects every family x year x branche
table (primary rules, secondary suppression, audit) and writes two files:

- the release database (default data/release.duckdb): only what the app publishes; a suppressed cell
  has status 'suppressed' and no value. This is the only file an app server holds.
- the confidential base (default build/base.duckdb, outside data/): base values, the final patterns
  and the demo seed, for audits at the build side (`python -m zoo_core audit --base`). Never deployed.
"""
from __future__ import annotations

import multiprocessing
import os
import secrets
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import catalogue, demo, geography, own, release, statline
from .disclosure import cross
from .disclosure import (CellTable, DisclosureError, combine, load_rule_sets, mean_primary, primary_suppression, protect,
                         ratio_primary)
from .disclosure.audit import smallest_margin
from .disclosure.knowledge import propagate_upper, public_upper
from .disclosure.primary import PrimaryResult


@dataclass
class FamilyReport:
    family: str
    year: int
    sbi: str
    cells: int
    primary: int
    secondary: int
    bounded: int      # cells with a public upper bound the audit used (catalogue at_most / zero_with)
    seconds: float
    # What the final audit of the pattern found: the smallest (interval width - promised width) over this
    # table's hidden primary cells, a lower bound (witness intervals are inner estimates; the cells that
    # fall short are exactly those of the exact audit, and protect() returns only when there are none).
    margin: float


def context_cells(areas: pd.DataFrame, kerncijfers: pd.DataFrame) -> pd.DataFrame:
    """Real CBS context figures as published cells; additive ones summed to land, provincie and RIEC."""
    k = kerncijfers.set_index("area_code")
    gem = areas[areas["level"] == "gemeente"]
    frames = []
    for ind in catalogue.for_theme("context"):
        own = k[ind.code].rename("value").reset_index()
        if ind.is_additive:
            values = gem.join(k[ind.code], on="area_code")
            for col in ("provincie_code", "riec_code"):
                frames.append(values.groupby(col)[ind.code].sum(min_count=1).rename("value").reset_index()
                              .rename(columns={col: "area_code"}).assign(indicator=ind.code))
            frames.append(pd.DataFrame({"area_code": [geography.LAND_CODE], "value": [values[ind.code].sum()],
                                        "indicator": ind.code}))
        frames.append(own.assign(indicator=ind.code))
    cells = pd.concat(frames, ignore_index=True)
    levels = areas.set_index("area_code")["level"]
    allowed = cells.apply(lambda r: levels.get(r["area_code"]) in catalogue.get(r["indicator"]).levels, axis=1)
    cells = cells[allowed & cells["area_code"].isin(levels.index)]
    return cells.assign(year=2024, sbi="", status=np.where(cells["value"].isna(), "missing", "published"))


def _member_primary(ind: catalogue.Indicator, table: CellTable, denominators: dict[str, np.ndarray],
                    rules) -> PrimaryResult | None:
    """Rules a derived indicator adds to its family (its own denominator, 0%/100%, means)."""
    # A mean or ratio over an empty denominator is not applicable (published as such), not unsafe.
    if ind.kind == "mean":
        n = denominators[ind.denominator]
        return _only_where(mean_primary(n.astype(np.int64), table.top1, table.top2, table.values, rules), n > 0)
    if ind.kind in ("rate", "percentage") and ind.denominator:
        den = np.nan_to_num(denominators[ind.denominator], nan=0.0)
        result = ratio_primary(table.values, den, rules)
        if ind.kind == "rate":  # a rate of 0 says no more than its published count of 0; only the denominator rule applies
            return _only_where(result, (den > 0) & (den < rules.min_denominator))
        return _only_where(result, den > 0)
    return None


def _only_where(result: PrimaryResult, applies: np.ndarray) -> PrimaryResult:
    return PrimaryResult(result.mask & applies, [r if a else None for r, a in zip(result.reasons, applies)])


def _member_cells(ind: catalogue.Indicator, values: np.ndarray, suppressed: np.ndarray,
                  denominators: dict[str, np.ndarray], codes: np.ndarray, year: int, sbi: str) -> pd.DataFrame:
    status = np.where(suppressed, "suppressed", "published").astype(object)
    if ind.is_additive:
        out = values.astype(float)
    else:
        den = denominators[ind.denominator].astype(float)
        undefined = ~(den > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = values / den * (ind.per or 1)
        status = np.where(suppressed, "suppressed", np.where(np.isnan(den), "missing",
                          np.where(undefined, "not_applicable", "published"))).astype(object)
    out = np.where(status == "published", np.round(out, ind.decimals), np.nan)
    return pd.DataFrame({"indicator": ind.code, "year": year, "area_code": codes, "sbi": sbi, "value": out, "status": status})


CELL_COLUMNS = ["indicator", "year", "area_code", "sbi", "value", "status"]
# Read by the worker processes; set before the pool forks so the large frames are shared, not pickled.
_SHARED: dict = {}


def _published(values: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """What the release shows of a base measure: its value where published, NaN where hidden."""
    return np.where(pattern, np.nan, values)


def _public_upper(measure: catalogue.BaseMeasure, year: int, sbi: str, parent: dict | None) -> np.ndarray:
    """Public upper bound per cell of a family (catalogue `at_most` / `zero_with`, on what is published)."""
    ctx, base, codes = _SHARED["ctx"], _SHARED["base"], _SHARED["codes"]
    if not (measure.at_most or measure.zero_with):
        return np.full(len(codes), np.inf)

    def published_family(code: str) -> np.ndarray:
        if parent is None or parent["family"] != code:
            raise DisclosureError(f"{measure.code}: bound by {code}, which must be the family it depends on")
        values = base.loc[(code, year, sbi)].set_index("area_code").reindex(codes)["value"].fillna(0.0).to_numpy()
        return _published(values, parent["finals"][year])

    at_most = None
    if measure.at_most:
        at_most = ctx[measure.at_most] if measure.at_most in ctx else published_family(measure.at_most)
    zero_with = None
    if measure.zero_with:  # a family, or a public indicator (vakantieparkadressen: 0 where a gemeente has none)
        zero_with = published_family(measure.zero_with) if measure.zero_with in catalogue.BASE_MEASURES \
            else ctx[measure.zero_with]
    return public_upper(at_most, zero_with)


def _family_table(family: str, year: int, sbi: str, parent: dict | None) -> CellTable:
    base, codes, relations, rule_sets = (_SHARED[k] for k in ("base", "codes", "relations", "rule_sets"))
    measure = catalogue.BASE_MEASURES[family]
    rows = base.loc[(family, year, sbi)].set_index("area_code").reindex(codes)
    try:
        return CellTable.from_rows(codes, rows, relations, measure.measure, rule_sets[measure.unit_type],
                                   upper=propagate_upper(_public_upper(measure, year, sbi, parent), relations))
    except ValueError as exc:  # the base data break a bound the catalogue promises attackers can use
        raise DisclosureError(f"{family} {year} {sbi or '-'}: {exc}") from None


def _protect_chain(family: str, sbi: str, parent: dict | None) -> tuple:
    """Protect one family x branche over all years, in order (each year prefers last year's pattern).
    `parent`: the protected family this one depends on ({'family', 'finals', 'primaries'} per year)."""
    base, codes, denominators_ctx = (_SHARED[k] for k in ("base", "codes", "ctx"))
    measure = catalogue.BASE_MEASURES[family]
    members = catalogue.family_members(family)
    finals, primaries, published, patterns, reports = {}, {}, [], [], []
    for year in measure.years:
        started = time.perf_counter()
        table = _family_table(family, year, sbi, parent)
        values = table.values
        denominators = dict(denominators_ctx)
        for ind in members:  # a denominator that is itself a demo count (e.g. verkochte woningen)
            den = catalogue.INDICATORS.get(ind.denominator or "")
            if den is not None and den.demo and den.family:  # (a public demo count such as vp_adressen is in ctx)
                denominators[den.code] = base.loc[(den.family, year, sbi)].set_index("area_code") \
                    .reindex(codes)["value"].fillna(0.0).to_numpy()
        results = [primary_suppression(table)]
        results += [r for ind in members if (r := _member_primary(ind, table, denominators, table.rules)) is not None]
        if parent is not None:
            results.append(PrimaryResult(parent["finals"][year], ["volgt onderdrukking van de noemer" if h else None
                                                                  for h in parent["finals"][year]]))
        primary = combine(*results)
        if parent is not None and measure.at_most == parent["family"]:
            # One audit over both tables: the parent's pattern is fixed, only the child may hide more.
            parent_table = _family_table(parent["family"], year, sbi, None)
            n = len(parent_table)
            linked = table.linked_under(parent_table, parent["family"])
            result = protect(linked, np.concatenate([parent["primaries"][year], primary.mask]),
                             np.concatenate([np.zeros(n, bool), finals.get(year - 1, np.zeros(n, bool))]),
                             frozen=np.arange(2 * n) < n,
                             hidden_already=np.concatenate([parent["finals"][year], np.zeros(n, bool)]))
            suppressed, n_primary = result.suppressed[n:], int(result.primary[n:].sum())
            margin = smallest_margin(linked, result.audit, result.suppressed, result.primary, np.arange(2 * n) >= n)
        else:
            result = protect(table, primary.mask, finals.get(year - 1))
            suppressed, n_primary = result.suppressed, int(result.primary.sum())
            margin = smallest_margin(table, result.audit, result.suppressed, result.primary)
        finals[year], primaries[year] = suppressed, primary.mask
        published += [_member_cells(ind, values, suppressed, denominators, codes, year, sbi) for ind in members]
        patterns.append(pd.DataFrame({"family": family, "year": year, "sbi": sbi, "area_code": codes,
                                      "suppressed": suppressed, "primary": primary.mask}))
        reports.append(FamilyReport(family, year, sbi, len(codes), n_primary, int(suppressed.sum()) - n_primary,
                                    int(np.isfinite(table.upper).sum()), time.perf_counter() - started, margin))
    return (family, sbi, {"family": family, "finals": finals, "primaries": primaries, "parent": parent},
            published, patterns, reports)


def flow_cell_table(family: str, year: int, parent: dict) -> tuple[CellTable, pd.DataFrame, int]:
    """The woon x pleeggemeente table of one year (flow_cross) over the build's base, its margins the
    area tables of drugsverdachten and of those with a delict elsewhere, linked as their own chain
    protected them. `parent`: the protected elsewhere family (its own `parent` the totals)."""
    grand = parent["parent"]
    totals = _family_table(grand["family"], year, "", None)
    margins = _family_table(parent["family"], year, "", grand).linked_under(totals, grand["family"])
    return flow_cross(family, year, _SHARED["base"], _SHARED["codes"], _SHARED["levels"], _SHARED["neighbours"],
                      margins)


def flow_cross(family: str, year: int, base: pd.DataFrame, codes: np.ndarray, levels: np.ndarray,
               neighbours: pd.DataFrame, margins: CellTable) -> tuple[CellTable, pd.DataFrame, int]:
    """The woon x pleeggemeente table of one year, stacked after its margins as one table, so one audit
    sees all an attacker can combine. Cells, in this order:
    - `margins`: the area tables of the row totals (drugsverdachten) and of those with a delict elsewhere,
      linked (2n cells, every area and relation);
    - per woongemeente g one cell per listed pleeggemeente (g itself, its bordering gemeenten and the flow's
      `always_to`, zero or not: which cells exist is public) and one cell (g, OTHER) for all other
      pleeggemeenten of the row;
    - per pleeggemeente p its column total (ALL, p) and one cell (OTHER, p) for the residents of every
      gemeente whose row does not list p; and the grand total (ALL, ALL);
    - latent cells (never published, CellTable.latent): the far flows behind the OTHER cells. They carry
      what an attacker knows of how row and column OTHER cells fit together (nonnegative flows, each row's
      and each column's sum). The model gives them only the pairs of one sparse table of far flows with
      those sums (_sparse_transport), plus a few pairs per row and column: an attacker who knew that much
      more is at least as strong as a real one, so an interval it leaves wide enough is wide enough.
    Relations: per row total = own gemeente + elsewhere, elsewhere = its other cells; per column total =
    its listed cells + (OTHER, p); grand total = the column totals = the row totals of the gemeenten;
    (g, OTHER) and (OTHER, p) = their latent cells.
    The build and the attacker (zoo_core.attacker) both use this table, so they model the same relations.
    `base` indexed by (measure, year, sbi). Returns (table, woon and pleeg of the flow cells from index 2n
    on (the latent cells after them are not listed), n)."""
    flow = catalogue.flow_table(family)
    n = len(codes)
    position = pd.Series(np.arange(n), index=codes)
    gem = codes[levels == "gemeente"]
    listed = pd.concat([pd.DataFrame({"woon": gem, "pleeg": gem}),
                        pd.DataFrame({"woon": neighbours["gemeente_code"], "pleeg": neighbours["neighbour_code"]}),
                        pd.DataFrame({"woon": np.repeat(gem, len(flow.always_to)),
                                      "pleeg": np.tile(np.array(flow.always_to, dtype=object), len(gem))}),
                        pd.DataFrame({"woon": gem, "pleeg": flow.OTHER})], ignore_index=True)
    listed = listed[listed["woon"].isin(gem) & (listed["pleeg"].isin(gem) | (listed["pleeg"] == flow.OTHER))]
    listed = listed.drop_duplicates().sort_values(["woon", "pleeg"], kind="stable").reset_index(drop=True)
    flows = base.loc[(family, year)].reset_index().rename(columns={"area_code": "woon", "sbi": "pleeg"})
    flows = flows[flows["woon"].isin(gem) & flows["pleeg"].isin(gem)]
    named = listed[listed["pleeg"] != flow.OTHER]  # the pairs a row lists by name
    named_pairs = pd.MultiIndex.from_frame(named[["woon", "pleeg"]])
    is_listed = pd.MultiIndex.from_frame(flows[["woon", "pleeg"]]).isin(named_pairs)
    far = flows[~is_listed & (flows["value"] > 0)].groupby(["woon", "pleeg"], as_index=False)["value"].sum()
    value = (flows[is_listed].groupby(["woon", "pleeg"])["value"].sum()
             .reindex(pd.MultiIndex.from_frame(listed), fill_value=0.0).to_numpy(np.float64, copy=True))
    value[(listed["pleeg"] == flow.OTHER).to_numpy()] = (
        far.groupby("woon")["value"].sum().reindex(gem, fill_value=0.0).to_numpy())
    columns = pd.DataFrame({"woon": np.concatenate([np.full(len(gem), flow.ALL, dtype=object),
                                                   np.full(len(gem), flow.OTHER, dtype=object), [flow.ALL]]),
                            "pleeg": np.concatenate([gem, gem, [flow.ALL]])})
    far_in = far.groupby("pleeg")["value"].sum().reindex(gem, fill_value=0.0).to_numpy()
    into = pd.Series(value, index=pd.MultiIndex.from_frame(listed))
    col_total = (into[listed["pleeg"].to_numpy() != flow.OTHER].groupby(level="pleeg").sum()
                 .reindex(gem, fill_value=0.0).to_numpy() + far_in)
    column_value = np.concatenate([col_total, far_in, [col_total.sum()]])
    far = _sparse_transport(far, named_pairs)
    support, reachable = _latent_support(far, named, named_pairs, gem)
    latent_value = (far.set_index(["woon", "pleeg"])["value"]
                    .reindex(pd.MultiIndex.from_frame(support), fill_value=0.0).to_numpy(np.float64))

    cell = 2 * n + np.arange(len(listed))
    col_cell = cell[-1] + 1 + np.arange(len(gem))
    other_in_cell = col_cell + len(gem)
    grand_cell = int(other_in_cell[-1] + 1)
    latent_cell = grand_cell + 1 + np.arange(len(support))
    woon = position.loc[listed["woon"]].to_numpy()
    own = (listed["woon"] == listed["pleeg"]).to_numpy()
    other_out = (listed["pleeg"] == flow.OTHER).to_numpy()
    relations = list(margins.relations)
    relations += [(int(g), np.array([c, n + g])) for g, c in zip(woon[own], cell[own])]
    for g, cells in zip(*_groups(woon[~own], cell[~own])):
        relations.append((n + int(g), cells))
    gem_index = pd.Series(np.arange(len(gem)), index=gem)
    into_column = gem_index.loc[listed["pleeg"][~other_out]].to_numpy()
    for j, cells in zip(*_groups(into_column, cell[~other_out])):
        relations.append((int(col_cell[j]), np.append(cells, other_in_cell[j])))
    relations.append((grand_cell, col_cell))
    relations.append((grand_cell, position.loc[gem].to_numpy()))  # the row totals of the gemeenten
    row_of_other = pd.Series(cell[other_out], index=listed["woon"][other_out].to_numpy())
    for g, cells in zip(*_groups(row_of_other.loc[support["woon"]].to_numpy(), latent_cell)):
        relations.append((int(g), cells))
    for j, cells in zip(*_groups(gem_index.loc[support["pleeg"]].to_numpy(), latent_cell)):
        relations.append((int(other_in_cell[j]), cells))
    # (OTHER, p) is publicly 0 where every row lists p (the big cities): it has no latent cells.
    upper = np.full(len(listed) + len(columns) + len(support), np.inf)
    upper[len(listed) + len(gem) + np.flatnonzero(~np.isin(gem, reachable))] = 0.0
    flow_values = np.concatenate([value, column_value, latent_value])
    keys = ([f"{w}>{p}" for w, p in zip(listed["woon"], listed["pleeg"])]
            + [f"{w}>{p}" for w, p in zip(columns["woon"], columns["pleeg"])]
            + [f"latent:{w}>{p}" for w, p in zip(support["woon"], support["pleeg"])])
    table = CellTable(keys=margins.keys + keys, values=np.concatenate([margins.values, flow_values]),
                      n_units=np.concatenate([margins.n_units, flow_values.astype(np.int64)]), top1=None, top2=None,
                      relations=relations, measure="count", rules=margins.rules,
                      upper=np.concatenate([margins.upper, upper]), links=margins.links,
                      latent=np.arange(2 * n + len(flow_values)) >= latent_cell[0] if len(support) else None)
    return table, pd.concat([listed, columns], ignore_index=True), n


LATENT_EXTRA = 3  # pairs per row and per column added to the far flows' support (see flow_cross)


def _sparse_transport(far: pd.DataFrame, named_pairs: pd.MultiIndex) -> pd.DataFrame:
    """Far flows (woon, pleeg, value) with the same row and column sums as `far` on as few unlisted pairs
    as a greedy finds (largest row first, into the columns with most left; about one pair per row and
    column instead of ~15 per row): a smaller audit LP. Any such table is one an attacker cannot rule out,
    so it may stand in for the true far flows; `far` itself where the greedy gets stuck."""
    named = set(named_pairs)
    rows = far.groupby("woon")["value"].sum().sort_values(ascending=False, kind="stable")
    left = far.groupby("pleeg")["value"].sum().sort_values(ascending=False, kind="stable").to_dict()
    pairs = []
    for woon, need in rows.items():
        for pleeg in sorted(left, key=lambda p: -left[p]):
            if need <= 0:
                break
            if left[pleeg] <= 0 or (woon, pleeg) in named:
                continue
            amount = min(need, left[pleeg])
            pairs.append((woon, pleeg, amount))
            left[pleeg] -= amount
            need -= amount
        if need > 0:
            return far
    return pd.DataFrame(pairs, columns=["woon", "pleeg", "value"])


def _latent_support(far: pd.DataFrame, named: pd.DataFrame, named_pairs: pd.MultiIndex,
                    gem: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The pairs (woon, pleeg) the latent far flows may use: every nonzero flow of `far`, and per row and
    per column LATENT_EXTRA far pairs with the gemeenten of the largest far flows on the other side, so
    that the model's narrowness ties no OTHER cell to one or two partners. Also returns the gemeenten
    that some row does not list (only they can receive far flows)."""
    listed_by = named.groupby("pleeg").size()
    reachable = gem[~np.isin(gem, listed_by.index[listed_by == len(gem)])]

    def far_only(pairs: pd.DataFrame) -> pd.DataFrame:
        return pairs[~pd.MultiIndex.from_frame(pairs).isin(named_pairs)]

    def largest(side: str, among: np.ndarray) -> np.ndarray:
        totals = far.groupby(side)["value"].sum().reindex(among, fill_value=0.0)
        return totals.sort_values(ascending=False, kind="stable").index[:4 * LATENT_EXTRA].to_numpy()

    hubs_in, hubs_out = largest("pleeg", reachable), largest("woon", gem)
    per_row = far_only(pd.DataFrame({"woon": np.repeat(gem, len(hubs_in)), "pleeg": np.tile(hubs_in, len(gem))}))
    per_column = far_only(pd.DataFrame({"woon": np.tile(hubs_out, len(reachable)),
                                        "pleeg": np.repeat(reachable, len(hubs_out))}))
    support = pd.concat([far[["woon", "pleeg"]], per_row.groupby("woon").head(LATENT_EXTRA),
                         per_column.groupby("pleeg").head(LATENT_EXTRA)]).drop_duplicates()
    return support.sort_values(["woon", "pleeg"], kind="stable").reset_index(drop=True), reachable


def _groups(keys: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Keys and their items -> (distinct keys, the items of each)."""
    order = np.argsort(keys, kind="stable")
    keys, items = keys[order], items[order]
    distinct, starts = np.unique(keys, return_index=True)
    return distinct, np.split(items, starts[1:])


def _protect_flow_chain(family: str, sbi: str, parent: dict) -> tuple:
    """A flow family over all years, one woon x pleeggemeente table per year (flow_cell_table): the
    margins keep the patterns their own chains gave them (frozen); primary rules per flow cell,
    secondary suppression and the audit over every relation at once. Each year prefers last year's
    hidden flows. Returns what _protect_chain returns; the cells carry the flow table's code with
    woongemeente as area_code and pleeggemeente (or FlowTable.OTHER) as sbi."""
    flow = catalogue.flow_table(family)
    grand = parent["parent"]
    cells, out_patterns, reports, finals, previous = [], [], [], {}, set()
    for year in catalogue.BASE_MEASURES[family].years:
        started = time.perf_counter()
        table, keys, n = flow_cell_table(family, year, parent)
        shown = slice(2 * n, 2 * n + len(keys))  # the flow cells a release has; the latent ones follow
        frozen = (np.arange(len(table)) < 2 * n) | table.latent
        # A row's own-gemeente cell is total - elsewhere: public where both margins are, so hiding it
        # would protect nothing (and the audit would find it exact).
        own = np.flatnonzero(((keys["woon"] == keys["pleeg"]) & (keys["woon"] != flow.ALL)).to_numpy())
        row = pd.Series(np.arange(n), index=_SHARED["codes"]).loc[keys["woon"].to_numpy()[own]].to_numpy()
        margins_hidden = np.concatenate([grand["finals"][year], parent["finals"][year]])
        frozen[2 * n + own[~margins_hidden[row] & ~margins_hidden[n + row]]] = True
        hidden_already = np.concatenate([grand["finals"][year], parent["finals"][year], np.zeros(len(table) - 2 * n, bool)])
        hidden_already |= table.latent
        primary = primary_suppression(table).mask & ~table.latent
        primary[:2 * n] = np.concatenate([grand["primaries"][year], parent["primaries"][year]])
        key_list = table.keys[shown]
        preferred = np.zeros(len(table), bool)
        preferred[shown] = [k in previous for k in key_list]
        result = protect(table, primary, preferred=preferred, frozen=frozen, hidden_already=hidden_already)
        hidden = result.suppressed[shown]
        previous = {k for k, h in zip(key_list, hidden) if h}
        finals[year] = hidden
        values = table.values[shown]
        cells.append(pd.DataFrame({"indicator": flow.code, "year": year, "area_code": keys["woon"], "sbi": keys["pleeg"],
                                   "value": np.where(hidden, np.nan, values),
                                   "status": np.where(hidden, "suppressed", "published")}))
        out_patterns.append(pd.DataFrame({"family": family, "year": year, "sbi": keys["pleeg"], "area_code": keys["woon"],
                                          "suppressed": hidden, "primary": primary[shown]}))
        n_primary = int(primary[shown].sum())
        flow_cells = np.arange(len(table)) >= 2 * n
        reports.append(FamilyReport(family, year, sbi, len(keys), n_primary, int(hidden.sum()) - n_primary, 0,
                                    time.perf_counter() - started,
                                    smallest_margin(table, result.audit, result.suppressed, result.primary, flow_cells)))
    return family, sbi, {"family": family, "finals": finals, "primaries": {}}, cells, out_patterns, reports


def protect_families(base: pd.DataFrame, hierarchy: geography.Hierarchy, context: pd.DataFrame,
                     rule_sets=None, log=print, workers: int | None = None, relations=None,
                     neighbours: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[FamilyReport]]:
    """Run disclosure control over every family x year x branche of `base`. Returns (cells, patterns, reports).
    `relations`: the sum relations among the areas of `hierarchy` (default: all of its relations; a
    deployment's own figures over part of the areas pass the relations among those, see zoo_core.own).
    `neighbours`: geography.gemeente_neighbours() (the rows of a flow table), read here when not given.

    Chains (family x branche, all years) are independent except that a family inheriting another's
    pattern (e.g. verkoopsom from verkochte_woningen) waits for it: it starts as soon as that one is
    done, on all cores. Same input, same output: each chain is deterministic and results are merged in a fixed order.
    """
    present = set(base["measure"])
    chains = [(family, sbi) for family in catalogue.family_order() if family in present
              for sbi in catalogue.BASE_MEASURES[family].branches or ("",)]
    if not chains:
        return pd.DataFrame(columns=CELL_COLUMNS), pd.DataFrame(), []
    codes = hierarchy.areas["area_code"].to_numpy()
    ctx = context.pivot_table(index="area_code", columns="indicator", values="value", aggfunc="first").reindex(codes)
    _SHARED.update(base=base.set_index(["measure", "year", "sbi"]).sort_index(), codes=codes,
                   levels=hierarchy.areas["level"].to_numpy(),
                   relations=hierarchy.relations() if relations is None else relations,
                   ctx={c: ctx[c].to_numpy() for c in ctx.columns}, rule_sets=rule_sets or load_rule_sets(),
                   neighbours=neighbours if neighbours is not None or not any(
                       catalogue.BASE_MEASURES[f].flow_of for f, _ in chains) else geography.gemeente_neighbours())
    done: dict[tuple[str, str], tuple] = {}
    workers = workers or min(len(chains), os.cpu_count() or 1)
    context_fork = multiprocessing.get_context("fork")
    def parent_of(chain):
        measure = catalogue.BASE_MEASURES[chain[0]]
        return measure.depends_on or measure.breakdown_of or measure.flow_of, chain[1]

    def submit(pool, chain, parent):
        measure = catalogue.BASE_MEASURES[chain[0]]
        worker = (_protect_breakdown_chain if measure.breakdown_of else _protect_flow_chain if measure.flow_of
                  else _protect_chain)
        return pool.submit(worker, chain[0], chain[1], parent)

    children: dict[tuple[str, str], list] = {}
    for chain in chains:
        if parent_of(chain)[0]:
            children.setdefault(parent_of(chain), []).append(chain)

    def depth(chain) -> int:
        """Chains waiting on this one, in the longest line (drugsverdachten -> elders -> stromen: 3)."""
        return 1 + max((depth(c) for c in children.get(chain, [])), default=0)

    def priority(chain) -> tuple[int, bool]:
        """Deepest first, then a chain that waited for its parent: a chain queued behind every independent
        one starts its dependants last (the flows, the longest chain, had waited for the whole first wave)."""
        return -depth(chain), not parent_of(chain)[0]

    # At most one chain per worker is handed to the pool at a time, in order of priority.
    ready = sorted((c for c in chains if not parent_of(c)[0]), key=priority)  # stable
    parent_results: dict[tuple[str, str], dict | None] = {c: None for c in ready}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context_fork) as pool:
        running: set = set()
        while ready or running:
            while ready and len(running) < workers:
                chain = ready.pop(0)
                running.add(submit(pool, chain, parent_results[chain]))
            finished = next(as_completed(running))
            running.remove(finished)
            result = finished.result()
            done[(result[0], result[1])] = result
            measure = catalogue.BASE_MEASURES[result[0]]
            shape = "area x class" if measure.breakdown_of else "woon x pleeg" if measure.flow_of else None
            for r in result[5]:
                log(f"  {r.family:<24} {r.year} {r.sbi or '-':>5}  cells {r.cells:>5}  primary {r.primary:>4}  "
                    f"secondary {r.secondary:>4}  " + (shape or f"bounded {r.bounded:>4}")
                    + f"  margin >= {r.margin:g}  {r.seconds:.2f}s")
            for chain in children.get((result[0], result[1]), []):
                parent_results[chain] = result[2]
                ready.append(chain)
            ready.sort(key=priority)
    _SHARED.clear()
    ordered = [done[c] for c in chains]
    return (pd.concat([c for r in ordered for c in r[3]], ignore_index=True),
            pd.concat([p for r in ordered for p in r[4]], ignore_index=True),
            [rep for r in ordered for rep in r[5]])


def breakdown_cross(family: str, year: int, base: pd.DataFrame, codes: np.ndarray, levels: np.ndarray, relations,
                    ctx: dict[str, np.ndarray], rule_sets, total_hidden: np.ndarray
                    ) -> tuple[cross.CrossTable, list[str]]:
    """The area x class table of a breakdown family for one year: column 0 is the total family (every
    area, with its public bound), then the classes of each breakdown (only for catalogue.BREAKDOWN_LEVELS);
    per area the classes of each breakdown add up to the total, per class the area hierarchy adds up.
    `base` indexed by (measure, year, sbi); `total_hidden` per area: the total family's pattern. A class
    is publicly at most its area's published total (so a class of an area with a published 0 is known
    and never chosen as protection), else at most the total's public bound.
    Returns the table and its column keys ('' = the total)."""
    measure = catalogue.BASE_MEASURES[family]
    total = catalogue.BASE_MEASURES[measure.breakdown_of]
    classes = [c for b in measure.breakdowns for c in catalogue.BREAKDOWNS[b].class_codes]
    columns = [""] + classes

    def column(code: str, sbi: str) -> np.ndarray:
        return base.loc[(code, year, sbi)].set_index("area_code").reindex(codes)["value"].fillna(0.0).to_numpy()

    values = np.column_stack([column(measure.breakdown_of, "")] + [column(family, c) for c in classes])
    present = np.ones(values.shape, dtype=bool)
    present[:, 1:] = np.isin(levels, catalogue.BREAKDOWN_LEVELS)[:, None]
    upper = np.full(values.shape, np.inf)
    if total.at_most:
        upper[:, 0] = propagate_upper(public_upper(ctx[total.at_most]), relations)
    upper[:, 1:] = np.where(total_hidden, upper[:, 0], values[:, 0])[:, None]
    col_relations, start = [], 1
    for b in measure.breakdowns:
        k = len(catalogue.BREAKDOWNS[b].classes)
        col_relations.append((0, list(range(start, start + k))))
        start += k
    table = cross.cross_table(list(codes), columns, values, values, relations, col_relations,
                              rule_sets[measure.unit_type], upper=upper, present=present)
    try:
        cross.check_additive(table)
    except ValueError as exc:
        raise DisclosureError(f"{family} {year}: {exc}") from None
    return table, columns


def _class_primary(table: cross.CrossTable, rules) -> np.ndarray:
    """Primary rules for the class cells: the threshold, and a class of 0 or of everyone in an area with
    fewer than extreme_share_min_denominator units (a count with a public total is a share)."""
    t = table.table
    mask = primary_suppression(t).mask
    index = table.cell_index
    rows = np.flatnonzero(index[:, 1] >= 0)
    totals = t.values[index[rows, 0]]
    for c in range(1, index.shape[1]):
        cells = index[rows, c]
        share = ratio_primary(t.values[cells], totals, rules)
        small = (totals > 0) & (totals < rules.extreme_share_min_denominator)
        extreme = ((t.values[cells] == 0) | (t.values[cells] == totals)) & small
        mask[cells] |= extreme & share.mask
    return mask


def _protect_breakdown_chain(family: str, sbi: str, parent: dict) -> tuple:
    """A breakdown family over all years, as one area x class table per year (each year prefers last
    year's class pattern): primary rules per class cell, secondary suppression over every relation in
    both dimensions, one audit over all of them. The total column is the protected total family
    `parent`, frozen with its pattern, so the classes never change what is published of it.
    Returns what _protect_chain returns."""
    base, codes, levels, relations, ctx, rule_sets = (_SHARED[k] for k in ("base", "codes", "levels", "relations",
                                                                             "ctx", "rule_sets"))
    measure = catalogue.BASE_MEASURES[family]
    rules = rule_sets[measure.unit_type]
    cells, out_patterns, reports, finals, primaries = [], [], [], {}, {}
    previous = None
    for year in measure.years:
        started = time.perf_counter()
        table, columns = breakdown_cross(family, year, base, codes, levels, relations, ctx, rule_sets,
                                         parent["finals"][year])
        t, index = table.table, table.cell_index
        total_cells = index[:, 0]
        frozen = np.zeros(len(t), dtype=bool)
        frozen[total_cells] = True
        hidden_total = np.zeros(len(t), dtype=bool)
        hidden_total[total_cells] = parent["finals"][year]
        primary = _class_primary(table, rules)
        primary[total_cells] = parent["primaries"][year]
        result = protect(t, primary, preferred=previous, frozen=frozen, hidden_already=hidden_total)
        previous = result.suppressed & ~frozen
        finals[year], primaries[year] = previous, primary & ~frozen
        rows = np.flatnonzero(index[:, 1] >= 0)
        n_primary = int((primary & ~frozen).sum())
        for c, code in enumerate(columns[1:], start=1):
            idx = index[rows, c]
            hidden = result.suppressed[idx]
            ind = next(i for i in catalogue.family_members(family) if code in catalogue.BREAKDOWNS[i.breakdown].class_codes)
            cells.append(pd.DataFrame({"indicator": ind.code, "year": year, "area_code": codes[rows], "sbi": code,
                                       "value": np.where(hidden, np.nan, t.values[idx]),
                                       "status": np.where(hidden, "suppressed", "published")}))
            out_patterns.append(pd.DataFrame({"family": family, "year": year, "sbi": code, "area_code": codes[rows],
                                              "suppressed": hidden, "primary": primary[idx]}))
        reports.append(FamilyReport(family, year, sbi, int((~frozen).sum()), n_primary,
                                    int((result.suppressed & ~frozen).sum()) - n_primary, 0,
                                    time.perf_counter() - started,
                                    smallest_margin(t, result.audit, result.suppressed, result.primary, ~frozen)))
    return family, sbi, {"family": family, "finals": finals, "primaries": primaries}, cells, out_patterns, reports


def protect_by_levels(base: pd.DataFrame, areas: pd.DataFrame, context: pd.DataFrame, log=print,
                      workers: int | None = None, neighbours: pd.DataFrame | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame, list[FamilyReport]]:
    """protect_families, once per set of published levels (catalogue.family_levels): a family published on
    gemeente and up only (vakantieparken) is protected over the areas of those levels and the relations among
    them, since nothing below the gemeente is published. A breakdown family goes with its total; a family goes
    with the family it depends on. Results in a fixed order (the full levels first)."""
    def levels_of(family: str) -> tuple[str, ...]:
        measure = catalogue.BASE_MEASURES[family]
        parent = measure.breakdown_of or measure.depends_on or measure.flow_of
        return levels_of(parent) if parent else catalogue.family_levels(family)

    for family in catalogue.BASE_MEASURES:  # the catalogue promises a child is published where its parent is
        parent = catalogue.BASE_MEASURES[family].depends_on
        if parent and not catalogue.BASE_MEASURES[family].breakdown_of \
                and catalogue.family_levels(family) != catalogue.family_levels(parent):
            raise DisclosureError(f"{family}: published on other levels than {parent}, whose pattern it inherits")
    measure_levels = base["measure"].map({m: levels_of(m) for m in base["measure"].unique()})
    groups = sorted(set(measure_levels), key=lambda lv: (-len(lv), lv))
    if not groups:
        return protect_families(base, geography.Hierarchy.from_areas(areas), context, log=log, workers=workers,
                                neighbours=neighbours)
    parts = []
    for levels in groups:
        rows = base[measure_levels.map(lambda lv, levels=levels: lv == levels).to_numpy(bool)]
        sub = areas if set(levels) == set(catalogue.LEVELS) else areas[areas["level"].isin(levels)]
        parts.append(protect_families(rows, geography.Hierarchy.from_areas(sub), context, log=log, workers=workers,
                                      neighbours=neighbours))
    return (pd.concat([p[0] for p in parts], ignore_index=True),
            pd.concat([p[1] for p in parts if len(p[1])], ignore_index=True) if any(len(p[1]) for p in parts)
            else pd.DataFrame(), [r for p in parts for r in p[2]])


def protect_own(base: pd.DataFrame, areas: pd.DataFrame, context: pd.DataFrame, log=print,
                workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[FamilyReport]]:
    """Protect a deployment's own families (base rows from own.read_all) like the demo families, each over
    the areas its file gives and the relations among them. Returns (cells, patterns, reports) as
    protect_families; cells only on the levels and years the catalogue declares for each indicator."""
    cells, patterns, reports = [pd.DataFrame(columns=CELL_COLUMNS)], [], []
    for _family, rows in base.groupby("measure", sort=False):
        sub, relations = own.relations_among(areas, set(rows["area_code"]))
        c, p, r = protect_families(rows, geography.Hierarchy.from_areas(sub), context, log=log, workers=workers,
                                   relations=relations)
        level_of = sub.set_index("area_code")["level"]
        shown = [level in catalogue.get(code).levels and year in catalogue.get(code).years
                 for code, year, level in zip(c["indicator"], c["year"], c["area_code"].map(level_of))]
        cells.append(c[np.array(shown, dtype=bool)])
        patterns.append(p)
        reports += r
    return (pd.concat(cells, ignore_index=True), pd.concat(patterns, ignore_index=True) if patterns else pd.DataFrame(),
            reports)


def build(out: Path = release.DEFAULT_RELEASE, seed: int | None = None, log=print, scale: bool = False,
          base_out: Path | None | bool = None) -> list[FamilyReport]:
    """Build the release. seed=None draws a fresh random seed: the generator is open, so a fixed,
    known seed would let anyone regenerate the whole confidential demo base. The seed is written only
    to the confidential base (`base_out`, default build/base.duckdb), never to the release.
    scale=True: the synthetic national buurt division of zoo_core.scale (~15,000 buurten, for
    performance tests only) instead of the real areas; the same disclosure control runs."""
    started = time.perf_counter()
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    if scale:
        from . import scale as scale_division
        division = scale_division.national_buurten()
        areas, kerncijfers = division.areas, division.kerncijfers
    else:
        areas = geography.load_areas()
        kerncijfers = geography.load_kerncijfers()
    log(f"areas: {len(areas)}  ({time.perf_counter() - started:.1f}s)")
    # A deployment's own confidential figures (indicator file, base = ...): read and checked first, so a
    # bad file stops the build before any work and the release on disk stays as it was.
    own_base = own.read_all(areas)
    if len(own_base):
        log(f"own base cells: {len(own_base)} ({', '.join(own.families())})")
    base = demo.generate_base(areas, kerncijfers, seed)
    log(f"demo base cells: {len(base)}  ({time.perf_counter() - started:.1f}s)")
    # Public demo context (the holiday parks and their addresses) joins the CBS context: denominators and bounds.
    context = pd.concat([context_cells(areas, kerncijfers), demo.park_context_cells(areas, kerncijfers, seed)],
                        ignore_index=True)
    neighbours = geography.gemeente_neighbours()  # the flow tables' rows, and a table of the release
    cells, patterns, reports = protect_by_levels(base, areas, context, log=log, neighbours=neighbours)
    is_flow = cells["indicator"].isin(catalogue.FLOWS)
    flows = cells[is_flow].rename(columns={"indicator": "flow", "area_code": "woon_code", "sbi": "pleeg_code"})
    cells = cells[~is_flow]
    own_cells, own_patterns, own_reports = protect_own(own_base, areas, context, log=log)
    log(f"disclosure control done ({time.perf_counter() - started:.1f}s)")
    base = pd.concat([base, own_base], ignore_index=True) if len(own_base) else base
    patterns = pd.concat([patterns, own_patterns], ignore_index=True) if len(own_patterns) else patterns
    reports += own_reports
    cells = pd.concat([c for c in (cells, own_cells, context[cells.columns]) if len(c)], ignore_index=True)
    # Real public tables in data/open (politie 47013NED), read as downloaded; published as they are.
    cells = pd.concat([cells, statline.shipped_cells(areas, context, log=log)[cells.columns]], ignore_index=True)
    shapes = division.shapes if scale else geography.load_shapes(areas)
    info = {"kind": "demo", "built_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
            "area_division": "gebiedsindeling 2024"}
    if scale:
        info["area_division"] = "gebiedsindeling 2024 met synthetische buurten (schaaltest, geen echte indeling)"
        info["scale"] = "synthetic national buurten"
    release.write_release(out, areas=areas, cells=cells, shapes=shapes, neighbours=neighbours, info=info,
                          # The margins stay out: a euro cell's promised width is a share of its value, so a
                          # table's smallest margin beside the widths an attacker computes would narrow a value.
                          reports=pd.DataFrame([r.__dict__ for r in reports]).drop(columns="margin"), flows=flows)
    log(f"release written: {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s")
    if base_out is not False:  # False: the caller keeps no base (e.g. an app server's own demo build)
        base_out = Path(base_out) if base_out else release.DEFAULT_BASE
        release.write_base(base_out, base=base, patterns=patterns, info={**info, "seed": str(seed)})
        log(f"confidential base (stays with the build, never deployed): {base_out}")
    return reports
