"""Reference groups and reference values (zoo_core.reference) on the test release."""
import pytest

from zoo_core import catalogue, reference
from zoo_core.queries import Release


@pytest.fixture(scope="module")
def rel(release_db):
    return Release(release_db)


def test_similar_size_factor_and_minimum():
    sizes = {f"GM{i:04d}": 1000.0 * (i + 1) for i in range(40)}  # 1000 .. 40000
    peers = reference.similar_size(sizes, "GM0019", factor=1.5, minimum=10)  # own 20000 -> 13333..30000
    assert "GM0019" not in peers
    assert all(20000 / 1.5 <= sizes[c] <= 30000 for c in peers)
    few = reference.similar_size({"A": 100.0, "B": 1000.0, "C": 5000.0, "D": 90000.0}, "A", minimum=2)
    assert few == ["B", "C"]  # nearest in log size when too few fall within the factor


def test_same_class():
    assert reference.same_class({"A": 1.0, "B": 1.0, "C": 2.0}, "A") == ["B"]
    assert reference.same_class({"A": float("nan"), "B": 1.0}, "A") == []


def test_groups_for_amsterdam(rel):
    prov = reference.build_group(rel, "provincie", "GM0363")
    assert prov.anchor == "PV27" and "GM0363" in prov.members
    buren = reference.build_group(rel, "buren", "GM0363")
    assert buren.members and "GM0363" not in buren.members
    assert set(buren.members) == set(rel.neighbours("GM0363"))
    omvang = reference.build_group(rel, "omvang", "GM0363")
    assert len(omvang.members) >= reference.MIN_PEERS
    sub = reference.build_group(rel, "gemeente", "GM0599", level="buurt")
    assert sub.anchor == "GM0599" and all(rel.area(c)["gemeente_code"] == "GM0599" for c in sub.members[:5])


@pytest.mark.parametrize("group, gemeente, level", [
    ("gemeente", "GM0363", "gemeente"), ("buren", "GM0363", "wijk"), ("nl", "GM9999", "gemeente"),
    ("'; DROP TABLE cells; --", "GM0363", "gemeente"),
])
def test_invalid_groups_raise_valueerror(rel, group, gemeente, level):
    with pytest.raises(ValueError):
        reference.build_group(rel, group, gemeente, level)


def test_picked_group_keeps_only_known_gemeenten(rel):
    g = reference.build_group(rel, "eigen", "GM0363", picked=("GM0599", "GM9999", "x' OR 1=1"))
    assert g.members == ("GM0599",)


def _independent_reference(rel, ind, year, members):
    """sum(value*den)/sum(den) over published members, recomputed straight from the query API."""
    vals = rel.values(ind.code, year, "gemeente")
    den = rel.values(ind.denominator, 2024, "gemeente")[["area_code", "value", "status"]]
    f = vals.merge(den, on="area_code", suffixes=("", "_den"))
    f = f[f["area_code"].isin(members) & (f["status"] == "published") & (f["status_den"] == "published")]
    return (f["value"] * f["value_den"]).sum() / f["value_den"].sum(), len(f)


def test_reference_of_peer_group_uses_published_members_only(rel):
    ind = catalogue.get("tr_fiu_per_1000")
    # Pick the gemeente whose omvang peer group contains the most suppressed members.
    g = reference.build_group(rel, "omvang", "GM0363")
    ref = reference.reference_for(rel, ind, 2024, "", g)
    expected, n_used = _independent_reference(rel, ind, 2024, set(g.members))
    assert ref.source == "aggregaat"
    assert ref.value == pytest.approx(expected)
    assert ref.aggregate.n_used == n_used
    statuses = rel.values(ind.code, 2024, "gemeente").set_index("area_code").loc[list(g.members), "status"]
    assert ref.aggregate.n_suppressed == int((statuses == "suppressed").sum())


def test_reference_excludes_suppressed_members(rel):
    """A group with suppressed members: the reference equals the one over the published ones alone."""
    ind = catalogue.get("tr_fiu_per_1000")
    vals = rel.values(ind.code, 2024, "gemeente")
    sup = list(vals.loc[vals["status"] == "suppressed", "area_code"])[:3]
    pub = list(vals.loc[vals["status"] == "published", "area_code"])[:5]
    if not sup:
        pytest.skip("no suppressed gemeente in this release")
    both = reference.build_group(rel, "eigen", "GM0363", picked=tuple(sup + pub))
    only_pub = reference.build_group(rel, "eigen", "GM0363", picked=tuple(pub))
    r_both = reference.reference_for(rel, ind, 2024, "", both)
    r_pub = reference.reference_for(rel, ind, 2024, "", only_pub)
    assert r_both.value == pytest.approx(r_pub.value)
    assert r_both.aggregate.n_suppressed == len(sup)
    assert "weggelaten" in r_both.note


def test_reference_nl_uses_own_published_cell(rel):
    ind = catalogue.get("dr_verdachten_per_1000")
    g = reference.build_group(rel, "nl", "GM0363")
    ref = reference.reference_for(rel, ind, 2024, "", g)
    nl = rel.values(ind.code, 2024, "land")
    assert ref.source == "cel" and ref.value == pytest.approx(float(nl["value"].iloc[0]))


def test_reference_trend_has_every_year(rel):
    ind = catalogue.get("tr_fiu_per_1000")
    g = reference.build_group(rel, "provincie", "GM0599")
    tr = reference.reference_trend(rel, ind, "", g, rel.years(ind.code))
    assert list(tr["year"]) == rel.years(ind.code)


def test_default_group_per_level():
    from zoo_core import reference
    assert reference.default_group("gemeente") == "nl"
    assert reference.default_group("wijk") == reference.default_group("buurt") == "gemeente"
    assert reference.default_group("wijk") in reference.SUB_LEVEL_GROUPS
