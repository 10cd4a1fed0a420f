"""Leak test: plant 987654.321 in every non-published cell and look for it in everything sent."""

import pytest

from zoo_core import catalogue
from zoo_core.queries import Release

from .apptest_util import THEMES, all_text, open_page

MARK = "987654"




@pytest.fixture(scope="module")
def wijk_gemeente(poisoned_db):
    """A gemeente with suppressed wijk cells for the first indicator of each theme."""
    rel = Release(poisoned_db)
    v = rel.values("tr_fiu_per_1000", 2024, "wijk")
    return v.loc[v["status"] == "suppressed", "gemeente_code"].value_counts().index[0]


def _secret_gemeente(indicator):
    """A gemeente whose cell of `indicator` is suppressed in 2024 (in the release the leak test reads)."""
    rel = Release()
    v = rel.values(indicator, 2024, "gemeente")
    hidden = v.loc[v["status"] == "suppressed", "area_code"]
    return hidden.iloc[0] if len(hidden) else None


def _views(theme, gm):
    for ind in catalogue.for_theme(theme):
        sbis = ind.branches[:2] if ind.has_branches else ("",)
        for sbi in sbis:
            base = {"indicator": ind.code, **({"sbi": sbi} if sbi else {})}
            yield {**base, "level": "gemeente", "ref": "omvang", "gemeente": gm}
            if "wijk" in ind.levels:  # (vakantieparken: gemeente and up only)
                yield {**base, "level": "wijk", "gemeente": gm, "ref": "gemeente"}
            else:  # the trend of a gemeente whose own cell is secret, against an aggregate group
                yield {**base, "level": "gemeente", "ref": "buren", "gemeente": _secret_gemeente(ind.code) or gm}
            if "buurt" in ind.levels:
                yield {**base, "level": "buurt", "gemeente": "GM0599", "ref": "gemeente"}
    # Breakdowns: every kenmerk of the theme for the gemeente, against Nederland and an aggregate group.
    for ind in catalogue.breakdowns_for(theme):
        yield {"kenmerk": ind.code, "level": "gemeente", "gemeente": gm, "ref": "nl"}
        yield {"kenmerk": ind.code, "level": "gemeente", "gemeente": gm, "ref": "buren"}


def test_the_leak_views_include_suppressed_classes(poisoned_db, wijk_gemeente):
    """The breakdown views above must show a gemeente with secret classes, or they test nothing."""
    rel = Release(poisoned_db)
    for ind in catalogue.breakdowns_for("drugs"):
        frame = rel.cells_for_areas(ind.code, [wijk_gemeente], sbi=catalogue.BREAKDOWNS[ind.breakdown].class_codes[0])
        suppressed = [rel.cells_for_areas(ind.code, [wijk_gemeente], sbi=c, year=2024)["status"].iloc[0]
                      for c in catalogue.BREAKDOWNS[ind.breakdown].class_codes]
        assert len(frame) == len(catalogue.DEMO_YEARS)
        if "suppressed" in suppressed:
            return
    pytest.fail(f"no breakdown of {wijk_gemeente} has a secret class in 2024")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("theme", THEMES)
def test_no_suppressed_value_reaches_the_page(theme, poisoned_db, wijk_gemeente, monkeypatch, downloads):
    monkeypatch.setenv("ZOO_DB", str(poisoned_db))
    n_views = 0
    for params in _views(theme, wijk_gemeente):
        downloads.clear()
        at = open_page(theme, params)
        assert not at.exception, (params, [e.value for e in at.exception])
        assert not [w.value for w in at.warning if "Ongeldige" in w.value], params
        text = all_text(at)
        assert MARK not in text, params
        assert len(downloads) == 3  # CSV, CSV (Excel NL), Excel
        for data in downloads:
            assert MARK.encode() not in data, params
        # Excel is a zip: look inside the sheet XML too.
        import io, zipfile
        with zipfile.ZipFile(io.BytesIO(downloads[-1])) as z:
            for name in z.namelist():
                assert MARK.encode() not in z.read(name), (params, name)
        # Trend of a suppressed-prone area too.
        n_views += 1
    assert n_views >= 3
