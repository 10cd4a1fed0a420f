"""The gemeente profile (zoo_core.profile) and its HTML report (zoo_core.report) on the test release."""
import math
import re

import pytest

from zoo_core import catalogue, profile as prof, reference, report, stats
from zoo_core.queries import Release


@pytest.fixture(scope="module")
def rel(release_db):
    return Release(release_db)


@pytest.fixture(scope="module")
def rotterdam(rel):
    return prof.build_profile(rel, "GM0599")


@pytest.fixture(scope="module")
def suppressed_gemeente(rel):
    """A gemeente with suppressed gemeente-level cells in the latest year."""
    v = rel.values("dr_verdachten_per_1000", max(rel.years("dr_verdachten_per_1000")), "gemeente")
    return v.loc[v["status"] == "suppressed", "area_code"].iloc[0]


def test_every_indicator_of_every_theme_once(rotterdam):
    expected = [(i.code, "") for t in ("vastgoed", "drugs", "transacties", "vakantieparken")
                for i in catalogue.for_theme(t)]
    expected += [(i.code, s) for s in catalogue.RISK_BRANCHES for i in catalogue.for_theme("branches")]
    assert sorted((r.code, r.sbi) for r in rotterdam.rows) == sorted(expected)
    assert len({r.key for r in rotterdam.rows}) == len(rotterdam.rows)
    assert not any(r.theme == "context" for r in rotterdam.rows)


def test_themes_are_counted_from_the_catalogue():
    assert prof.themes_phrase() == "de vijf thema's"


def test_latest_year_and_default_reference(rel, rotterdam):
    assert rotterdam.group.code == "stedelijkheid"
    assert "stedelijkheidsklasse 1" in rotterdam.group.label
    for r in rotterdam.rows:
        assert r.year == max(rel.years(r.code))
    assert rotterdam.demo


def test_reference_and_significance_match_documented_method(rel, rotterdam):
    """Reference and significance are exactly zoo_core.reference / zoo_core.stats."""
    for r in rotterdam.rows:
        ind = catalogue.get(r.code)
        ref = reference.reference_for(rel, ind, r.year, r.sbi, rotterdam.group)
        assert (ref.value is None and r.reference is None) or math.isclose(ref.value, r.reference, rel_tol=1e-12)
        if not r.published:
            continue
        if r.reference == 0:  # e.g. no holiday parks in the whole group: no index
            assert r.index is None
        else:
            assert math.isclose(r.index, r.value / r.reference * 100)
        if ind.unit_type == "euros":
            assert r.sig == "nvt"
            continue
        frame = reference.with_denominator(rel, ind, r.year, "gemeente", None, r.sbi)
        own = frame[frame["area_code"] == "GM0599"].iloc[0]
        assert r.sig == stats.significance(ind.kind, own["value"], own["den"], ind.per, ref.value)


def test_interval_contains_value(rotterdam):
    tested = [r for r in rotterdam.rows if r.published and r.lo is not None]
    assert tested
    for r in tested:
        assert r.lo <= r.value <= r.hi


def test_notable_sorted_by_strength_and_sentences(rotterdam):
    notable = rotterdam.notable
    assert notable and all(r.sig in prof.STRENGTH for r in notable)
    strengths = [r.strength for r in notable]
    assert strengths == sorted(strengths, reverse=True)
    for a, b in zip(notable, notable[1:]):
        if a.strength == b.strength:
            assert abs(math.log(a.index / 100)) >= abs(math.log(b.index / 100)) - 1e-12
    sentences = prof.sentences(rotterdam)
    assert len(sentences) == len(notable)
    first = sentences[0]
    r = notable[0]
    assert "Rotterdam" in first and prof.fmt(r.value, r.decimals) in first and prof.fmt(r.reference, r.decimals) in first
    assert "95%-interval" in first and "Significant" in first


def test_suppressed_rows_carry_no_value(rel, suppressed_gemeente):
    p = prof.build_profile(rel, suppressed_gemeente, "nl")
    sup = p.suppressed
    assert sup
    for r in sup:
        assert r.value is None and r.index is None and r.lo is None and r.hi is None
        assert r.sig == "nvt" and r.sig_label == "" and r.strength == 0
        assert r.value_text() == "x — geheim"
    assert not set(r.key for r in sup) & set(r.key for r in p.plotted)
    frame = prof.rows_frame(p)
    assert frame.loc[frame["status"] == "suppressed", ["waarde", "index", "ondergrens_95"]].isna().all().all()


@pytest.mark.parametrize("group", reference.GEMEENTE_LEVEL_GROUPS)
def test_every_reference_group_builds(rel, group):
    p = prof.build_profile(rel, "GM0599", group, ("GM0363", "GM0344") if group == "eigen" else ())
    assert len(p.rows) == len(prof.profile_indicators())


def test_unknown_gemeente_raises(rel):
    with pytest.raises(ValueError):
        prof.build_profile(rel, "GM9999")


def test_wijk_table_shows_x_for_suppressed(rel):
    keys = [("tr_fiu_per_1000", ""), ("dr_verdachten_per_1000", "")]
    trends = prof.wijk_trends(rel, "GM0599", keys)
    n_wijk = len(rel.areas("wijk", within="GM0599"))
    assert len(trends) == n_wijk * sum(len(rel.years(c)) for c, _ in keys)
    assert trends.loc[trends["status"] != "published", "value"].isna().all()
    table = prof.wijk_table(trends)
    assert len(table) == n_wijk
    latest = trends[trends["year"] == trends["year"].max()]
    for _, row in latest[latest["status"] == "suppressed"].iterrows():
        col = [c for c in table.columns if c.startswith(row["indicator"])][0]
        assert table.set_index("Code").loc[row["area_code"], col] == "x"


def test_report_is_self_contained_and_complete(rotterdam):
    html = report.build_report(rotterdam, prof.sentences(rotterdam))
    assert html.startswith("<!DOCTYPE html>")
    assert "Rotterdam" in html and "DEMO" in html
    assert "@media print" in html
    assert "<svg" in html and html.count("class=\"dot\"") == len(rotterdam.plotted)
    assert not re.search(r"<script|<link|src=|https?://(?!creativecommons|www\.w3\.org/2000/svg)", html), "external resource in report"
    assert "Garwood" in html and "Clopper-Pearson" in html
    assert "signaal" in html


def test_report_escapes_and_suppressed_text(rel, suppressed_gemeente):
    p = prof.build_profile(rel, suppressed_gemeente, "nl")
    html = report.build_report(p, prof.sentences(p))
    assert html.count("x — geheim") >= len(p.suppressed)
    svg = report.dot_chart_svg(list(p.rows))
    assert svg.count("class=\"dot\"") == len(p.plotted)


def test_side_by_side_keeps_each_gemeentes_own_states(rel, rotterdam, suppressed_gemeente):
    other = prof.build_profile(rel, suppressed_gemeente)
    table = prof.side_by_side(rotterdam, other)
    assert len(table) == len(rotterdam.rows)
    assert list(table.columns[:3]) == ["Thema", "Indicator", "Jaar"]
    for profile_ in (rotterdam, other):
        by_label = {r.label: r for r in profile_.rows}
        for label, text, index in zip(table["Indicator"], table[profile_.name], table[f"Index {profile_.name}"]):
            r = by_label[label]
            if r.status == "suppressed":
                assert text == "x" and index == ""  # no number next to a secret cell, not even its index
            elif r.published:
                assert text not in ("x", ".") and re.fullmatch(r"-?[\d.]+(,\d+)?", text)
    assert (table[other.name] == "x").any()


def test_the_wijk_table_takes_only_indicators_published_per_wijk(rel):
    """The profile's wijk sparklines: a notable vakantieparken row (gemeente and up only) has no wijken."""
    parks = rel.values("vp_adressen", 2024, "gemeente").sort_values("value")
    gemeente = parks["area_code"].iloc[-1]  # the gemeente with the most holiday-park addresses
    p = prof.build_profile(rel, gemeente, "nl")
    assert any(r.theme == "vakantieparken" for r in p.rows)
    keys = prof.notable_keys(p)
    assert keys and all("wijk" in catalogue.get(code).levels for code, _ in keys)
