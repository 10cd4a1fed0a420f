"""Woon- versus pleeggemeente: the published flow table, read as the app and an attacker read it."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from zoo_core import catalogue, flows, geography, statuses
from zoo_core.disclosure import load_rule_sets
from zoo_core.queries import Release

FLOW = catalogue.FLOWS["dr_woon_pleeg"]
YEAR = 2024


@pytest.fixture(scope="module")
def published(release_db) -> pd.DataFrame:
    con = duckdb.connect(str(release_db), read_only=True)
    try:
        return con.execute("SELECT * FROM flows WHERE flow = ?", [FLOW.code]).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def margins(release_db) -> pd.DataFrame:
    """Per gemeente and year the published row total and the count elsewhere (value, status)."""
    rel = Release(release_db)
    gem = list(rel.gemeenten()["area_code"])
    total = rel.cells_for_areas(FLOW.total, gem).set_index(["area_code", "year"])
    share = rel.cells_for_areas(FLOW.elsewhere, gem).set_index(["area_code", "year"])
    out = total[["value", "status"]].rename(columns={"value": "total", "status": "total_status"})
    out = out.join(share[["value", "status"]].rename(columns={"value": "pct", "status": "pct_status"}))
    return out


def _rows(published: pd.DataFrame) -> pd.DataFrame:
    """The cells of the woongemeenten' rows (not the column totals and column rests)."""
    return published[~published["woon_code"].isin([FLOW.ALL, FLOW.OTHER])]


def test_every_row_lists_own_gemeente_neighbours_big_cities_and_the_rest(published):
    """Which cells a row has is public, never a hint that a flow is not 0; so is which cells a column has."""
    gem = set(_rows(published)["woon_code"])
    assert len(gem) == 342 and all(g.startswith("GM") for g in gem)
    neighbours = geography.gemeente_neighbours().groupby("gemeente_code")["neighbour_code"].apply(set)
    year = published[published["year"] == YEAR]
    rows = _rows(year).groupby("woon_code")["pleeg_code"].apply(set)
    for g in gem:
        expected = {g, FLOW.OTHER} | set(FLOW.always_to) | neighbours.get(g, set())
        assert rows[g] == expected, g
    for marker in (FLOW.ALL, FLOW.OTHER):
        assert set(year.loc[year["woon_code"] == marker, "pleeg_code"]) - {FLOW.ALL} == gem, marker
    assert len(year[(year["woon_code"] == FLOW.ALL) & (year["pleeg_code"] == FLOW.ALL)]) == 1


def test_published_columns_add_up(published, margins, release_db):
    """Column p: its total = the flows of the rows that list p + the rest (OTHER, p); the column totals add
    up to all flows, which the rows' published totals add up to as well. The big cities are in every
    row, so their rest is a published 0."""
    checked = 0
    for year, cells in published.groupby("year"):
        value = cells.set_index(["woon_code", "pleeg_code"])["value"]
        status = cells.set_index(["woon_code", "pleeg_code"])["status"]
        grand = value[(FLOW.ALL, FLOW.ALL)]
        assert status[(FLOW.ALL, FLOW.ALL)] == statuses.PUBLISHED
        land = Release(release_db).cells_for_areas(FLOW.total, [geography.LAND_CODE], year=int(year))
        assert grand == land["value"].iloc[0] >= margins.xs(year, level="year")["total"].sum()  # some are x
        totals = cells[(cells["woon_code"] == FLOW.ALL) & (cells["pleeg_code"] != FLOW.ALL)]
        if (totals["status"] == statuses.PUBLISHED).all():
            assert totals["value"].sum() == grand
        for city in FLOW.always_to:
            assert status[(FLOW.OTHER, city)] == statuses.PUBLISHED and value[(FLOW.OTHER, city)] == 0
        for p, column in cells[cells["woon_code"] != FLOW.ALL].groupby("pleeg_code"):
            if p in (FLOW.OTHER, FLOW.ALL) or status[(FLOW.ALL, p)] != statuses.PUBLISHED:
                continue
            assert column["value"].sum() <= value[(FLOW.ALL, p)], (year, p)
            if (column["status"] == statuses.PUBLISHED).all():
                assert column["value"].sum() == value[(FLOW.ALL, p)], (year, p)
                checked += 1
    assert checked > 20


def test_no_suppressed_flow_has_a_value(published):
    hidden = published[published["status"] != statuses.PUBLISHED]
    assert len(hidden) > 1000  # the test can fail: there are secret flows
    assert hidden["value"].isna().all()
    assert set(published["status"]) == {statuses.PUBLISHED, statuses.SUPPRESSED}


def test_published_rows_add_up_to_their_published_margins(published, margins):
    checked = 0
    for (g, year), row in _rows(published).groupby(["woon_code", "year"]):
        m = margins.loc[(g, year)]
        if m["total_status"] == statuses.PUBLISHED:
            assert row["value"].sum() <= m["total"], (g, year)
        if (row["status"] == statuses.PUBLISHED).all() and m["total_status"] == statuses.PUBLISHED:
            assert row["value"].sum() == m["total"], (g, year)
            if m["pct_status"] == statuses.PUBLISHED:
                # the share is published with one decimal: the count it implies is off by up to 0.05 %
                off = abs(row.loc[row["pleeg_code"] != g, "value"].sum() - m["pct"] * m["total"] / 100)
                assert off <= m["total"] * 0.0005 + 1e-9, (g, year)
            checked += 1
    assert checked > 5  # most rows have a secret cell


def test_an_attacker_with_the_published_rows_cannot_narrow_a_secret_flow(published, margins, base_db):
    """Per woongemeente the published flows and margins give one equation over its secret cells: with one
    secret cell it is exact, with more each lies in [0, rest]. A secret flow of 1-9 persons must keep a
    range at least protection_abs wide. The truth comes from the confidential base (build side)."""
    rules = load_rule_sets()["persons"]
    con = duckdb.connect(str(base_db), read_only=True)
    truth = con.execute("SELECT year, area_code AS woon, sbi AS pleeg, value FROM base_cells WHERE measure = ?",
                        [FLOW.family]).df()
    con.close()
    attacked = 0
    for (g, year), row in _rows(published).groupby(["woon_code", "year"]):
        hidden = row[row["status"] != statuses.PUBLISHED]
        if hidden.empty:
            continue
        m = margins.loc[(g, year)]
        if m["total_status"] != statuses.PUBLISHED:
            continue  # the attacker has no equation for this row from the published cells
        rest = m["total"] - row["value"].sum()
        true = truth[(truth["year"] == year) & (truth["woon"] == g)].set_index("pleeg")["value"]
        listed = set(row["pleeg_code"]) - {FLOW.OTHER}
        for pleeg in hidden["pleeg_code"]:
            value = (true.drop(list(listed & set(true.index))).sum() if pleeg == FLOW.OTHER
                     else true.get(pleeg, 0.0))
            if 1 <= value < rules.min_units:
                width = 0.0 if len(hidden) == 1 else rest
                assert width >= rules.protection_abs, (g, year, pleeg, value, rest, len(hidden))
                attacked += 1
    assert attacked > 500


def test_view_lists_own_gemeente_first_and_secret_flows_as_x(release_db):
    rel = Release(release_db)
    names = dict(zip(rel.gemeenten()["area_code"], rel.gemeenten()["name"]))
    fv = flows.view(rel, FLOW, "GM0599", YEAR, names)
    assert fv.outgoing.loc[0, "code"] == "GM0599" and fv.outgoing.loc[0, "naam"] == "Rotterdam (eigen gemeente)"
    shown = flows.as_table(fv.outgoing, "Pleeggemeente")
    secret = fv.outgoing["status"] == statuses.SUPPRESSED
    assert (shown.loc[secret, "Verdachten"] == "x").all()
    published = fv.outgoing.loc[~secret & ~fv.outgoing["code"].isin([FLOW.OTHER, FLOW.ALL]), "waarde"].iloc[1:]
    assert list(published) == sorted(published, reverse=True)
    assert fv.incoming.loc[0].tolist() == fv.outgoing.loc[0].tolist()  # the own gemeente's cell starts both
    assert list(fv.incoming["code"]).count("GM0599") == 1 and len(fv.incoming) > 300  # Rotterdam is in every row
    for table in (fv.outgoing, fv.incoming):
        assert list(table["code"].iloc[-2:]) == [FLOW.OTHER, FLOW.ALL] and table["naam"].iloc[-1] == "Totaal"
    assert fv.incoming["waarde"].iloc[-2] == 0  # every row lists Rotterdam: no resident of another one is "overig"
    assert fv.elsewhere[1] == statuses.PUBLISHED and 0 < fv.elsewhere[0] < 100


def test_the_sparse_far_flows_keep_every_row_and_column_sum_on_unlisted_pairs_only():
    """The audit's latent cells use one sparse table of far flows: it must have the true sums (else the
    published rests would not fit) and no pair a row lists by name (those are cells of their own)."""
    import numpy as np

    from zoo_core.build import _sparse_transport
    rng = np.random.default_rng(5)
    gem = [f"GM{i:04d}" for i in range(30)]
    listed = pd.DataFrame([(w, p) for w in gem for p in gem if abs(gem.index(w) - gem.index(p)) <= 2],
                          columns=["woon", "pleeg"])
    pairs = [(w, p) for w in gem for p in gem if abs(gem.index(w) - gem.index(p)) > 2]
    far = pd.DataFrame([(w, p, float(v)) for (w, p), v in zip(pairs, rng.poisson(0.8, len(pairs))) if v],
                       columns=["woon", "pleeg", "value"])
    sparse = _sparse_transport(far, pd.MultiIndex.from_frame(listed))
    for side in ("woon", "pleeg"):
        assert sparse.groupby(side)["value"].sum().to_dict() == far.groupby(side)["value"].sum().to_dict()
    assert not pd.MultiIndex.from_frame(sparse[["woon", "pleeg"]]).isin(pd.MultiIndex.from_frame(listed)).any()
    assert (sparse["value"] > 0).all() and len(sparse) < len(far) / 4
