"""Properties of a real built release (the session fixture builds one through the full pipeline)."""
import numpy as np
import pytest
from scipy.optimize import linprog

from zoo_core import catalogue, geography, release
from zoo_core.queries import Release


@pytest.fixture(scope="module")
def con(release_db):
    c = release.connect_readonly(release_db)
    yield c
    c.close()


def frame(con, sql, params=()):
    return con.execute(sql, list(params)).df()


def test_statuses_and_values_are_consistent(con):
    bad = frame(con, "SELECT count(*) n FROM cells WHERE status NOT IN ('published','suppressed','missing','not_applicable') "
                     "OR (status = 'published') <> (value IS NOT NULL)")
    assert bad["n"].iloc[0] == 0
    counts = dict(frame(con, "SELECT status, count(*) n FROM cells GROUP BY status").values)
    assert counts["published"] > 0 and counts["suppressed"] > 0


def test_the_confidential_base_is_not_in_the_release(con, release_db):
    tables = set(frame(con, "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'rel'")["table_name"])
    assert "base_cells" not in tables and "patterns" not in tables
    columns = set(frame(con, "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'rel'")["column_name"])
    assert not {"n_units", "top1", "top2"} & columns
    # Nothing next to the release but the release: a deployment copies only that file.
    assert sorted(p.name for p in release_db.parent.iterdir() if p.is_file()) == ["release.duckdb"]


def test_the_demo_seed_is_kept_only_in_the_base(con, base_db):
    import duckdb
    info = dict(frame(con, "SELECT key, value FROM release_info").itertuples(index=False))
    assert "seed" not in info
    base = duckdb.connect(str(base_db), read_only=True)
    try:
        assert dict(base.execute("SELECT key, value FROM release_info").fetchall())["seed"] == "20241"
    finally:
        base.close()


def test_every_indicator_level_and_year_is_present(con):
    present = frame(con, "SELECT indicator, year, count(*) n FROM cells GROUP BY indicator, year")
    for ind in catalogue.INDICATORS.values():
        years = set(present.loc[present["indicator"] == ind.code, "year"])
        assert years == set(ind.years), ind.code


def test_family_members_share_one_pattern(con):
    for count, rate in [("tr_fiu", "tr_fiu_per_1000"), ("dr_hennep", "dr_hennep_per_1000"),
                        ("vg_onverklaarbare_aankopen", "vg_onverklaarbare_aankopen_pct")]:
        f = frame(con, "SELECT a.area_code FROM cells a JOIN cells b USING (area_code, year, sbi) "
                       "WHERE a.indicator = ? AND b.indicator = ? AND (a.status = 'suppressed') <> (b.status = 'suppressed')",
                  [count, rate])
        assert f.empty, (count, rate, f.head())


def test_percentage_is_suppressed_wherever_its_denominator_is(con):
    f = frame(con, "SELECT count(*) n FROM cells d JOIN cells p USING (area_code, year, sbi) "
                   "WHERE d.indicator = 'vg_verkochte_woningen' AND p.indicator = 'vg_onverklaarbare_aankopen_pct' "
                   "AND d.status = 'suppressed' AND p.status <> 'suppressed'")
    assert f["n"].iloc[0] == 0


def test_suppression_report_covers_every_table_and_the_public_bounds(con):
    report = frame(con, "SELECT * FROM suppression_report")
    n_tables = sum(len(m.branches or ("",)) * len(catalogue.DEMO_YEARS) for m in catalogue.BASE_MEASURES.values())
    assert len(report) == n_tables and (report["secondary"] > 0).any()
    bounded = {m.code for m in catalogue.BASE_MEASURES.values() if m.at_most or m.zero_with}
    assert set(report.loc[report["bounded"] > 0, "family"]) == bounded


@pytest.fixture(scope="module")
def hierarchy(con):
    return geography.Hierarchy.from_areas(frame(con, "SELECT * FROM areas ORDER BY rowid"))


def published_table(con, hierarchy, indicator, year):
    cells = frame(con, "SELECT area_code, value, status FROM cells WHERE indicator = ? AND year = ? AND sbi = ''",
                  [indicator, year]).set_index("area_code").reindex(hierarchy.areas["area_code"])
    return cells["value"].to_numpy(), (cells["status"] == "suppressed").to_numpy()


def test_published_counts_add_up_and_no_relation_has_one_hidden_cell(con, hierarchy, release_db):
    """Subtraction never recovers a hidden cell: no relation has exactly one, except a cell whose value
    is public anyway (bounded by 0: e.g. a wijk of 5 inwoners whose one buurt has 0 inwoners in the
    CBS figures), which hiding more cannot protect and which protects nothing."""
    from zoo_core.published import PublishedKnowledge
    values, hidden = published_table(con, hierarchy, "dr_verdachten", 2024)
    knowledge = PublishedKnowledge(Release(release_db))
    assert list(knowledge.codes) == list(hierarchy.areas["area_code"])
    known = knowledge.table("drugsverdachten", 2024, "").high == 0
    for total, members in hierarchy.relations():
        cells = np.concatenate([[total], members])
        n_hidden = int(hidden[cells].sum())
        assert n_hidden != 1 or known[cells[hidden[cells]]].all(), hierarchy.areas["area_code"][total]
        if n_hidden == 0:
            assert values[total] == pytest.approx(values[members].sum())


@pytest.mark.timeout(300)
def test_attacker_with_the_published_release_cannot_pin_a_suppressed_count(con, hierarchy):
    """Independent audit from the attacker's side: only published cells and the public relations."""
    values, hidden = published_table(con, hierarchy, "dr_verdachten", 2024)
    hidden_idx = np.flatnonzero(hidden)
    position = {c: i for i, c in enumerate(hidden_idx)}
    rows, rhs = [], []
    for total, members in hierarchy.relations():
        cells = np.concatenate([[total], members])
        signs = np.concatenate([[1.0], -np.ones(len(members))])
        mask = hidden[cells]
        if not mask.any():
            continue
        row = np.zeros(len(hidden_idx))
        for c, s in zip(cells[mask], signs[mask]):
            row[position[c]] = s
        rows.append(row)
        rhs.append(-float(np.dot(signs[~mask], values[cells[~mask]])))
    A, b = np.array(rows), np.array(rhs)
    rng = np.random.default_rng(0)
    for var in rng.choice(len(hidden_idx), size=min(40, len(hidden_idx)), replace=False):
        c = np.zeros(len(hidden_idx))
        c[var] = 1
        low = linprog(c, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0
        upper = np.inf if high.status == 3 else -high.fun
        assert upper - low.fun > 1e-6, f"suppressed cell {hierarchy.areas['area_code'][hidden_idx[var]]} is derivable"
