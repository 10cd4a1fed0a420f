"""Breakdowns (kenmerken) in a built release: protected as area x class tables linked to their total."""
import duckdb
import numpy as np
import pytest

from zoo_core import breakdown, build, catalogue, geography, reference
from zoo_core.disclosure import audit, load_rule_sets
from zoo_core.queries import Release


@pytest.fixture(scope="module")
def rel(release_db):
    return Release(release_db)


def test_release_has_every_class_for_gemeenten_and_up_only(rel, release_db):
    con = duckdb.connect(str(release_db), read_only=True)
    for ind in catalogue.INDICATORS.values():
        if not ind.breakdown:
            continue
        rows = con.execute("SELECT c.sbi, a.level, count(*), count(c.value), sum((c.status = 'suppressed')::int) "
                           "FROM cells c JOIN areas a USING (area_code) WHERE indicator = ? AND year = 2024 "
                           "GROUP BY ALL", [ind.code]).fetchall()
        assert {r[0] for r in rows} == set(catalogue.BREAKDOWNS[ind.breakdown].class_codes), ind.code
        assert {r[1] for r in rows} == set(catalogue.BREAKDOWN_LEVELS), ind.code
        for *_, n, n_values, n_suppressed in rows:
            assert n_values == n - n_suppressed  # a suppressed class has no value in the release
    suppressed = con.execute("SELECT count(*) FROM cells WHERE indicator LIKE 'dr_%_leeftijd' AND status = 'suppressed'"
                             ).fetchone()[0]
    assert suppressed > 0
    con.close()


def test_the_build_patterns_pass_one_audit_over_both_dimensions(base_db, release_db):
    """Rebuild each 2024 table from the confidential base and audit the released pattern exactly."""
    areas = geography.load_areas()
    hierarchy = geography.Hierarchy.from_areas(areas)
    codes = hierarchy.areas["area_code"].to_numpy()
    con = duckdb.connect(str(base_db), read_only=True)
    base = con.execute("SELECT * FROM base_cells WHERE year = 2024").df()
    patterns = con.execute("SELECT * FROM patterns WHERE year = 2024").df()
    con.close()
    context = build.context_cells(areas, geography.load_kerncijfers())
    ctx = context.pivot_table(index="area_code", columns="indicator", values="value", aggfunc="first").reindex(codes)
    ctx = {c: ctx[c].to_numpy() for c in ctx.columns}
    pats = patterns.set_index(["family", "sbi", "area_code"])["suppressed"]
    rule_sets = load_rule_sets()
    indexed = base.set_index(["measure", "year", "sbi"]).sort_index()
    for family in ("drugsverdachten_kenmerken", "hennep_bewoners_kenmerken"):
        measure = catalogue.BASE_MEASURES[family]
        total_hidden = np.array([bool(pats[(measure.breakdown_of, "", a)]) for a in codes])
        cross, columns = build.breakdown_cross(family, 2024, indexed, codes, hierarchy.areas["level"].to_numpy(),
                                               hierarchy.relations(), ctx, rule_sets, total_hidden)
        t = cross.table
        hidden = np.zeros(len(t), dtype=bool)
        for (r, c), i in np.ndenumerate(cross.cell_index):
            if i >= 0:
                hidden[i] = bool(pats[(family if c else measure.breakdown_of, columns[c], codes[r])])
        primary = build._class_primary(cross, rule_sets["persons"])
        result = audit(t, hidden, primary=primary)
        assert result.ok, [f.key for f in result.failures[:5]]
        # no area with a published total hides exactly one class of a breakdown (subtraction)
        for r in np.flatnonzero(cross.cell_index[:, 1] >= 0):
            if hidden[cross.cell_index[r, 0]]:
                continue
            start = 1
            for b in measure.breakdowns:
                k = len(catalogue.BREAKDOWNS[b].classes)
                assert hidden[cross.cell_index[r, start:start + k]].sum() != 1, (codes[r], b)
                start += k


def test_view_shows_suppressed_classes_as_x_and_reference_shares_add_up(rel):
    ind = catalogue.get("dr_verdachten_leeftijd")
    frame = rel.values(ind.code, 2024, "gemeente", sbi="lft_0_17")
    gm = frame.loc[frame["status"] == "suppressed", "area_code"].iloc[0]
    group = reference.build_group(rel, "nl", gm)
    view, note = breakdown.view(rel, ind, 2024, gm, group)
    assert list(view["code"]) == list(catalogue.BREAKDOWNS["leeftijd"].class_codes)
    hidden = view[view["status"] == "suppressed"]
    assert len(hidden) >= 2 and hidden["waarde"].isna().all() and hidden["aandeel"].isna().all()
    assert sum(view["referentie"]) == pytest.approx(100)
    assert "Nederland" in note
    table = breakdown.as_table(view, "gemeente", "Nederland")
    assert set(table.iloc[hidden.index, 1]) == {"x"} and set(table.iloc[hidden.index, 2]) == {"x"}
    # a group without an anchor: the members whose classes are all published
    own = reference.build_group(rel, "buren", gm)
    view, note = breakdown.view(rel, ind, 2024, gm, own)
    assert "berekend over" in note
