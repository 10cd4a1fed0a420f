"""Attack the test release with only what the app shows, and fail when a hidden cell gets narrower
than promised. The confidential base is read only as the truth to judge by."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from zoo_core import catalogue, combine, published
from zoo_core.attacker import Attacker

# Seeded sample of tables (every kind of public knowledge: linked tables, a context bound, euro sums
# bounded by a count, rounded means and rates; gemeente-and-up tables, 0 where a public indicator is 0);
# `python -m zoo_core audit` runs all of them.
SAMPLE = [("drugsverdachten_elders", 2024, ""), ("onverklaarbare_aankopen", 2021, ""), ("jonge_aanwas", 2023, ""),
          ("omzet", 2024, "96021"), ("verkoopsom", 2022, ""), ("drugsverdachten", 2019, ""),
          ("vestigingen", 2020, "4742"), ("vp_woningbezit_elders", 2024, ""), ("vp_rechtspersonen", 2019, ""),
          ("drugsverdachten_kenmerken", 2024, ""), ("hennep_bewoners_kenmerken", 2020, ""),  # area x class tables
          ("drugsverdachten_stromen", 2023, "")]  # woon x pleeggemeente
SEARCH_SELECTIONS = 5_000
LP_CHECKS = 150
JUDGED_TABLES = 16


@pytest.fixture(scope="module")
def attacker(release_db, base_db):
    return Attacker(release_db, base_db)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("family,year,sbi", SAMPLE, ids=[f"{f}-{y}-{s or 'x'}" for f, y, s in SAMPLE])
def test_lp_attacker_on_the_release_finds_no_cell_narrower_than_promised(attacker, family, year, sbi):
    result = attacker.audit_table(family, year, sbi)
    assert result.hidden > 0
    assert result.failures == [], [(f.key, f.lower, f.upper, f.reason) for f in result.failures[:5]]
    assert result.smallest_margin >= 0


def test_the_flow_attack_finds_a_secret_flow_left_alone_in_its_row(attacker, release_db, base_db):
    """The attack can fail: publish every other flow of a row whose 'elsewhere' total is published, and
    the one secret flow left follows exactly from that total."""
    table, hidden, primary, own = attacker.attack_flow("drugsverdachten_stromen", 2023)
    row = next((total, members) for total, members in table.relations
               if own[members].all() and not hidden[total] and hidden[members].sum() >= 2
               and (hidden[members] & primary[members]).any())
    total, members = row
    kept = members[hidden[members] & primary[members]][0]
    tampered = hidden.copy()
    tampered[members] = False
    tampered[kept] = True
    result = attacker.judge("drugsverdachten_stromen", 2023, "", table, tampered, primary, own, 0.0)
    assert table.keys[kept] in [f.key for f in result.failures]  # (the untampered table passes: test_lp_attacker...)
    fast = Attacker(release_db, base_db, exact=False)  # `audit --witness`: the same cells fall short
    assert ([f.key for f in fast.judge("drugsverdachten_stromen", 2023, "", table, tampered, primary, own, 0.0).failures]
            == [f.key for f in result.failures])


def _independent_range(table, hidden, offset, weights: dict[int, float]) -> tuple[float, float]:
    """min / max of a weighted sum of the family's cells by scipy linprog over the attacker's table:
    hidden cells free within their public bounds and links, published cells fixed at the TRUTH
    (the attacker is granted more than the release shows)."""
    matrix = table.relation_matrix()
    free = np.flatnonzero(hidden)
    a_eq = matrix[:, free]
    b_eq = -(matrix[:, ~hidden] @ table.values[~hidden])
    keep = np.diff(a_eq.tocsr().indptr) > 0
    column = {int(c): k for k, c in enumerate(free)}
    low_bound, high_bound = np.zeros(len(free)), table.upper[free].copy()
    ub_rows = []
    for small, big in table.links:
        if hidden[small] and hidden[big]:
            ub_rows.append((column[small], column[big]))
        elif hidden[small]:
            high_bound[column[small]] = min(high_bound[column[small]], table.values[big])
        elif hidden[big]:
            low_bound[column[big]] = max(low_bound[column[big]], table.values[small])
    kwargs = {}
    if ub_rows:
        a_ub = lil_matrix((len(ub_rows), len(free)))
        for row, (small, big) in enumerate(ub_rows):
            a_ub[row, small], a_ub[row, big] = 1, -1
        kwargs = dict(A_ub=a_ub.tocsr(), b_ub=np.zeros(len(ub_rows)))
    bounds = list(zip(low_bound, [None if not np.isfinite(h) else h for h in high_bound]))
    c, constant = np.zeros(len(free)), 0.0
    for cell, w in weights.items():
        if hidden[offset + cell]:
            c[column[offset + cell]] += w
        else:
            constant += w * table.values[offset + cell]
    if not c.any():
        return constant, constant
    args = dict(A_eq=a_eq[keep], b_eq=b_eq[keep], bounds=bounds, method="highs", **kwargs)
    low, high = linprog(c, **args), linprog(-c, **args)
    assert low.status == 0
    return constant + low.fun, (np.inf if high.status == 3 else constant - high.fun)


@pytest.mark.timeout(600)
def test_search_attacker_through_the_combine_functions_learns_nothing_beyond_the_export(release_db, attacker,
                                                                                      monkeypatch):
    """Drive the combine page's own functions (selections, "rest van", classes, ratios) over every
    scope and year with random choices, and record every derived number shown. Each one must hold
    the truth, and must be no narrower than what the published cells alone imply (an independent
    LP): then adding all of them to what the attacker knows cuts nothing off the set of tables
    consistent with the release, so no hidden cell's interval gets narrower. Every text shown must
    come from a fixed set, whatever the hidden values."""
    agg = combine.Aggregator(release_db)
    rel = agg.rel
    seen: list[tuple] = []
    original = agg.knowledge.family_range

    def recording(family, year, sbi, weights):
        result = original(family, year, sbi, weights)
        seen.append((family, int(year), sbi, dict(weights), result))
        return result
    monkeypatch.setattr(agg.knowledge, "family_range", recording)

    rng = np.random.default_rng(20241)
    demo = [i for i in catalogue.INDICATORS.values() if i.family]
    gemeenten = list(rel.areas("gemeente")["area_code"])
    rijnmond = sorted(set(rel.areas("buurt")["gemeente_code"]))
    texts = set()
    pairs_cache: dict = {}
    areas_of: dict = {}
    for step in range(SEARCH_SELECTIONS):
        scope = ("gemeenten", "wijken", "gemeente_wijken", "gemeente_buurten")[step % 4]
        gemeente = rng.choice(rijnmond if scope == "gemeente_buurten" else gemeenten)
        candidates = [i for i in demo if combine.indicator_supports(i.code, scope)]
        ind = candidates[rng.integers(len(candidates))]
        year = int(rng.choice(ind.years))
        sbi = str(rng.choice(ind.branches)) if ind.branches else ""
        level, within = combine.scope_level(scope), combine.scope_within(scope, gemeente)
        if (level, within) not in areas_of:
            areas_of[(level, within)] = list(rel.areas(level, within=within)["area_code"])
        areas = areas_of[(level, within)]
        chosen = list(rng.choice(areas, int(rng.integers(1, min(30, len(areas)) + 1)), replace=False))
        kind = step % 5
        if kind == 0:
            result = agg.rest_total(ind.code, year, sbi, combine.scope_parent(scope, gemeente), chosen)
        elif kind == 1 and step % 100 == 1:  # the class totals of a whole view (fewer: each is 20 totals)
            other = candidates[rng.integers(len(candidates))]
            key = (ind.code, sbi, other.code, year, scope, gemeente)
            if key not in pairs_cache:
                osbi = str(rng.choice(other.branches)) if other.branches else ""
                frame, _, _ = combine.bivariate(combine.pair_frame(rel, ind.code, sbi, other.code, osbi, year,
                                                                   scope, gemeente))
                pairs_cache[key] = agg.class_totals(frame, ind.code, sbi, other.code, osbi, year)
            for col in ("x", "y"):
                texts.update(d.note for d in pairs_cache[key][col])
            continue
        elif kind == 2:
            measure = catalogue.BASE_MEASURES[ind.family]
            den = "vestigingen" if measure.code != "vestigingen" else "fiu_transacties"
            result = agg.ratio(ind.family, sbi, den, str(rng.choice(catalogue.BASE_MEASURES["vestigingen"].branches)),
                               year, chosen)
        else:
            result = agg.selection_total(ind.code, year, sbi, chosen)
        texts.add(result.note)

    assert len(seen) >= SEARCH_SELECTIONS
    kinds = [r.kind for *_, r in seen]
    assert kinds.count("exact") and kinds.count("range") and kinds.count("x")  # the search reached all three
    allowed = {"", published.NOT_DERIVABLE, "de noemer is nul", "geen gebieden geselecteerd",
               "voor een deel van de gebieden is geen waarde bekend"}
    assert texts <= allowed, texts - allowed

    # Judged on a seeded sample of the tables the search touched: every number holds the truth, and
    # none that involves a hidden or rounded cell is narrower than the published cells imply
    # (an independent LP).
    index = agg.hierarchy.index
    keys = sorted({s[:3] for s in seen})
    judged = {keys[i] for i in rng.choice(len(keys), min(JUDGED_TABLES, len(keys)), replace=False)}
    involved = []
    for key in sorted(judged):
        table, hidden, _, offset = attacker.attack_table(*key)
        for *_, weights, result in (s for s in seen if s[:3] == key):
            cells = [offset + index[c] for c in weights]
            truth = sum(w * table.values[cell] for cell, w in zip(cells, weights.values()))
            assert result.low - 1e-6 * max(1, abs(truth)) <= truth <= result.high + 1e-6 * max(1, abs(truth)), key
            if not result.exact or hidden[cells].any():
                involved.append((table, hidden, offset, weights, result, key))
    assert involved
    for n in rng.choice(len(involved), min(LP_CHECKS, len(involved)), replace=False):
        table, hidden, offset, weights, result, key = involved[n]
        low, high = _independent_range(table, hidden, offset, {index[c]: w for c, w in weights.items()})
        tolerance = 1e-6 * max(1.0, abs(low))
        assert result.low <= low + tolerance, (key, result, low)
        assert result.high >= high - tolerance or not np.isfinite(result.high), (key, result, high)
