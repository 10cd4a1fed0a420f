"""zoo_core.combine against a real release: pairs, classes, correlation and derived aggregates.

Derived totals come from the release alone: exact where the published cells determine them, else
the range they allow. The confidential base is read here only as the truth to test against.
"""
import shutil

import duckdb
import numpy as np
import pytest

from zoo_core import combine, numbers
from zoo_core.published import Derived
from zoo_core.queries import Release

YEAR = 2024
X, Y, SBI_Y = "tr_fiu_per_1000", "br_vestigingen_per_10k", "96021"


@pytest.fixture(scope="module")
def rel(release_db):
    return Release(release_db)


@pytest.fixture(scope="module")
def agg(release_db):
    return combine.Aggregator(release_db)


@pytest.fixture(scope="module")
def base(base_db):
    """Confidential base of the fiu family + the kappers family, 2024 (test oracle only)."""
    con = duckdb.connect(str(base_db), read_only=True)
    b = con.execute("SELECT measure, sbi, area_code, value, n_units FROM base_cells WHERE year = ? AND "
                    "((measure = 'fiu_transacties' AND sbi = '') OR (measure = 'vestigingen' AND sbi = ?))",
                    [YEAR, SBI_Y]).df()
    p = con.execute("SELECT family, sbi, area_code, suppressed FROM patterns WHERE year = ? AND "
                    "((family = 'fiu_transacties' AND sbi = '') OR (family = 'vestigingen' AND sbi = ?))",
                    [YEAR, SBI_Y]).df()
    con.close()
    return b.merge(p.rename(columns={"family": "measure"}), on=["measure", "sbi", "area_code"])


@pytest.fixture(scope="module")
def fiu(base, rel):
    """fiu_transacties per wijk: value, n_units, suppressed, gemeente_code; plus published gemeente totals."""
    f = base[base["measure"] == "fiu_transacties"].set_index("area_code")
    wijken = rel.areas("wijk").set_index("area_code")[["gemeente_code"]]
    return wijken.join(f[["value", "n_units", "suppressed"]])


def test_pairs_never_carry_unpublished_values(rel):
    f = combine.pair_frame(rel, X, "", Y, SBI_Y, YEAR, "wijken", None)
    assert len(f) == len(rel.areas("wijk"))
    assert f.loc[f["x_status"] != "published", "x"].isna().all()
    assert f.loc[f["y_status"] != "published", "y"].isna().all()
    both_sup = (f["x_status"] == "suppressed") | (f["y_status"] == "suppressed")
    assert (f.loc[both_sup, "pair_status"] == "suppressed").all() and both_sup.any()
    f, bx, by = combine.bivariate(f)
    assert len(bx) == len(by) == 2
    assert (f.loc[both_sup, "klasse"] == combine.GEHEIM).all()  # own class, never a value class
    assert set(f.loc[~both_sup, "klasse"]) <= set(combine.CLASSES) | {combine.ONTBREEKT}
    pub = f[f["pair_status"] == "published"]
    assert (pub.loc[pub["klasse"] == "3-3", "x"] > bx[1]).all()
    corr = combine.spearman(f)
    assert corr.n_used == len(pub) and corr.n_suppressed == int(both_sup.sum())
    assert corr.n_used + corr.n_suppressed + corr.n_missing == len(f)
    from scipy.stats import spearmanr
    assert corr.rho == pytest.approx(spearmanr(pub["x"], pub["y"]).statistic)
    text = combine.describe(corr, "X", "Y", "Alle wijken", len(combine.high_high(f)))
    assert combine.CAVEAT in text and numbers.fmt(corr.n_suppressed, 0) in text


def test_export_has_published_values_and_x_for_suppressed(rel):
    f, _, _ = combine.bivariate(combine.pair_frame(rel, X, "", Y, SBI_Y, YEAR, "wijken", None))
    e = combine.export_frame(f, "X", "Y", YEAR, "", SBI_Y).set_index("gebiedscode")
    sup = f.loc[f["x_status"] == "suppressed", "area_code"]
    assert (e.loc[sup, "x_waarde"] == "x").all()
    pub = f[f["x_status"] == "published"].set_index("area_code")
    assert np.allclose(e.loc[pub.index, "x_waarde"].astype(float), pub["x"])


def test_published_only_selection_is_exact_and_equals_the_published_sum(rel, agg):
    v = rel.values("tr_fiu", YEAR, "wijk")
    pub = v[v["status"] == "published"].head(40)
    result = agg.selection_total("tr_fiu", YEAR, "", pub["area_code"])
    assert result.exact and result.value == pytest.approx(pub["value"].sum(), abs=1e-9)
    assert result.text(0) == f"{int(pub['value'].sum()):,}".replace(",", ".")
    # The rate over the same selection is numerator sum / denominator sum.
    rate = agg.selection_total(X, YEAR, "", pub["area_code"])
    inw = rel.values("ctx_inwoners", YEAR, "wijk").set_index("area_code").loc[pub["area_code"], "value"]
    assert rate.exact and rate.value == pytest.approx(pub["value"].sum() / inw.sum() * 1000)


def test_a_total_with_one_hidden_wijk_is_a_range_that_holds_the_truth_never_the_value(rel, agg, fiu):
    pub = fiu[~fiu["suppressed"]].head(30)
    hidden = fiu[fiu["suppressed"] & (fiu["n_units"] > 0) & (fiu["n_units"] < 10)]
    assert len(hidden), "test needs a primary-suppressed wijk"
    for code in hidden.index[:5]:
        result = agg.selection_total("tr_fiu", YEAR, "", list(pub.index) + [code])
        truth = pub["value"].sum() + hidden.loc[code, "value"]
        assert not result.exact and result.low <= truth <= result.high
        # What is shown is the published part plus at least the promised width for the hidden wijk.
        assert result.high - result.low >= 5 or result.high == np.inf
        assert "tussen" in result.text(0) or result.text(0).startswith("x")


def test_all_wijken_of_a_gemeente_but_one_hidden_gives_back_only_what_is_published(rel, agg, fiu):
    """The old differencing attack: gemeente total minus a selection. The rest is a range that
    published information implies, as wide for the hidden wijk as the audit promised."""
    tried = 0
    gm_values = rel.values("tr_fiu", YEAR, "gemeente").set_index("area_code")
    for gm, wk in fiu.groupby("gemeente_code"):
        hidden = wk[wk["suppressed"]]
        if len(hidden) < 2 or gm_values.loc[gm, "status"] != "published":
            continue
        target = hidden.index[0]
        selection = [c for c in wk.index if c != target]
        rest = agg.rest_total("tr_fiu", YEAR, "", gm, selection)
        total = agg.selection_total("tr_fiu", YEAR, "", selection)
        assert rest.low <= fiu.loc[target, "value"] <= rest.high
        assert total.low + rest.low <= gm_values.loc[gm, "value"] + 1e-6
        if fiu.loc[target, "n_units"] < 10:
            assert rest.high - rest.low >= 5, (gm, target)
        tried += 1
        if tried >= 5:
            break
    assert tried, "no gemeente with >= 2 suppressed wijken and a published total"


def test_derived_text_says_exact_range_or_x():
    assert Derived(1234.0, 1234.0).text(0, "personen") == "1.234 personen"
    assert Derived(1240.0, 1310.0).text(0) == "tussen 1.240 en 1.310"
    assert Derived(125.211, 125.214).text(2) == "125,21"  # narrower than the shown precision
    assert Derived(3.0, np.inf, "niet af te leiden").text(0) == "x (niet af te leiden)"
    assert Derived(3.0, np.inf).kind == "x" and Derived(1.0, 2.0).kind == "range" and Derived(2.0, 2.0).kind == "exact"


def test_ratio_per_kapper_is_a_range_holding_the_truth(rel, agg, base):
    kap = base[base["measure"] == "vestigingen"].set_index("area_code")
    fiu = base[base["measure"] == "fiu_transacties"].set_index("area_code")
    wijken = list(rel.areas("wijk")["area_code"])
    rng = np.random.default_rng(1)
    for _ in range(20):
        sel = list(rng.choice(wijken, 25, replace=False))
        result = agg.ratio("fiu_transacties", "", "vestigingen", SBI_Y, YEAR, sel)
        truth_den = kap.loc[sel, "value"].sum()
        if truth_den == 0:
            continue
        truth = fiu.loc[sel, "value"].sum() / truth_den
        assert result.low <= truth + 1e-9 and (truth <= result.high + 1e-9)
        if not (kap.loc[sel, "suppressed"].any() or fiu.loc[sel, "suppressed"].any()):
            assert result.exact and result.value == pytest.approx(truth)


def test_aggregates_need_nothing_but_the_release(release_db, tmp_path, fiu):
    """A deployment copies only the release file: every derived total works from it alone."""
    path = tmp_path / "release.duckdb"
    shutil.copyfile(release_db, path)
    agg = combine.Aggregator(path)
    selection = list(fiu.index[fiu["suppressed"]][:3]) + list(fiu.index[~fiu["suppressed"]][:20])
    result = agg.selection_total("tr_fiu", YEAR, "", selection)
    truth = fiu.loc[selection, "value"].sum()
    assert result.low <= truth <= result.high
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release.duckdb"]  # no ledger, nothing written


def test_class_totals_cover_classes_and_geheim(rel, agg):
    f, _, _ = combine.bivariate(combine.pair_frame(rel, X, "", Y, SBI_Y, YEAR, "gemeente_wijken", "GM0599"))
    totals = agg.class_totals(f, X, "", Y, SBI_Y, YEAR)
    assert set(totals["klasse"]) <= set(combine.CLASSES) | {combine.GEHEIM}
    assert combine.GEHEIM in set(totals["klasse"])
    for _, row in totals.iterrows():
        if row["klasse"] != combine.GEHEIM:  # published pairs only: exact
            assert row["x"].exact and row["y"].exact
        else:
            assert all(a.kind in ("exact", "range", "x") for a in (row["x"], row["y"]))


def test_the_sentence_speaks_dutch_and_does_not_overstate_a_weak_pattern():
    weak = combine.Correlation(0.19, 0.01, 1200, 1, 0)
    text = combine.describe(weak, "X", "Y", "Alle wijken", 1)
    assert "rho = 0,19" in text and "n = 1.200" in text and "doorgaans" not in text and "iets vaker" in text
    assert "1 gebied valt" in text and "1 gebied met een geheime waarde" in text
    strong = combine.describe(combine.Correlation(0.56, 0.0, 300, 2, 3), "X", "Y", "Alle wijken", 4)
    assert "rho = 0,56" in strong and "doorgaans ook hoger" in strong and "4 gebieden vallen" in strong


def test_derived_numbers_do_not_move_when_the_hidden_cells_hold_other_values(release_db, tmp_path, rel):
    """What is shown (number, range or x, and every text) depends on published cells only: plant
    other values in every non-published cell of a copy of the release and compare."""
    poisoned = tmp_path / "release.duckdb"
    shutil.copyfile(release_db, poisoned)
    con = duckdb.connect(str(poisoned))
    con.execute("UPDATE cells SET value = 987654.321 WHERE status <> 'published'")
    con.close()
    clean, dirty = combine.Aggregator(release_db), combine.Aggregator(poisoned)
    rng = np.random.default_rng(3)
    wijken = list(rel.areas("wijk")["area_code"])
    for code, sbi in [("tr_fiu", ""), ("br_omzet_per_inwoner", "96021"), ("dr_verdachten_elders_pct", ""),
                      ("vg_verkoopprijs", "")]:
        for _ in range(15):
            chosen = list(rng.choice(wijken, 12, replace=False))
            a, b = clean.selection_total(code, YEAR, sbi, chosen), dirty.selection_total(code, YEAR, sbi, chosen)
            assert (a.low, a.high, a.note, a.text(2)) == (b.low, b.high, b.note, b.text(2)), code
    f, _, _ = combine.bivariate(combine.pair_frame(rel, X, "", Y, SBI_Y, YEAR, "wijken", None))
    ta, tb = clean.class_totals(f, X, "", Y, SBI_Y, YEAR), dirty.class_totals(f, X, "", Y, SBI_Y, YEAR)
    assert [d.text(2) for d in ta["x"]] + [d.text(2) for d in ta["y"]] == \
        [d.text(2) for d in tb["x"]] + [d.text(2) for d in tb["y"]]
