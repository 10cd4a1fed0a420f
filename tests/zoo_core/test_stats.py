"""Exact intervals, significance and reference aggregation (zoo_core.stats)."""

import pandas as pd
import pytest

from zoo_core import stats


@pytest.mark.parametrize("observed, lower, upper", [
    # Garwood exact 95% limits, textbook table values (e.g. Ulm 1990; Sahai & Khurshid).
    (0, 0.0, 3.6889),
    (1, 0.0253, 5.5716),
    (5, 1.6235, 11.6683),
    (10, 4.7954, 18.3904),
    (100, 81.3640, 121.6268),
])
def test_poisson_interval_95_matches_textbook(observed, lower, upper):
    lo, hi = stats.poisson_interval(observed, 0.95)
    assert lo == pytest.approx(lower, abs=1e-3)
    assert hi == pytest.approx(upper, abs=1e-3)


def test_poisson_interval_998_is_wider_than_95():
    lo95, hi95 = stats.poisson_interval(20, 0.95)
    lo998, hi998 = stats.poisson_interval(20, 0.998)
    assert lo998 < lo95 < 20 < hi95 < hi998


@pytest.mark.parametrize("k, n, lower, upper", [
    # Clopper-Pearson 95%: 5/10 -> (0.1871, 0.8129); 0/10 -> (0, 0.3085); 10/10 -> (0.6915, 1).
    (5, 10, 0.18709, 0.81291),
    (0, 10, 0.0, 0.30850),
    (10, 10, 0.69150, 1.0),
    (1, 20, 0.00126, 0.24873),
])
def test_binomial_interval_clopper_pearson(k, n, lower, upper):
    lo, hi = stats.binomial_interval(k, n, 0.95)
    assert lo == pytest.approx(lower, abs=1e-4)
    assert hi == pytest.approx(upper, abs=1e-4)


@pytest.mark.parametrize("bad", [(-1,), (float("nan"),)])
def test_poisson_interval_rejects_bad_counts(bad):
    with pytest.raises(ValueError):
        stats.poisson_interval(*bad)


def test_binomial_interval_rejects_k_above_n():
    with pytest.raises(ValueError):
        stats.binomial_interval(11, 10)


def test_rate_significance_levels():
    # 30 events among 10,000 (3 per 1,000) against a reference of 1.5 per 1,000: E = 15, clearly higher.
    assert stats.significance("rate", 3.0, 10_000, 1000, 1.5) == "hoger_998"
    # 22 events vs E = 15: inside the 99.8% but outside the 95% interval? 95% CI of 22 is (13.8, 33.3): no.
    assert stats.significance("rate", 2.2, 10_000, 1000, 1.5) == "geen"
    # 24 events vs E = 15: 95% lower limit 15.38 > 15 -> higher at 95%, not at 99.8% (lower 12.6).
    assert stats.significance("rate", 2.4, 10_000, 1000, 1.5) == "hoger_95"
    # 5 events vs E = 15: upper 95% 11.67 < 15 but upper 99.8% 16.45 > 15 -> lower at 95% only.
    assert stats.significance("rate", 0.5, 10_000, 1000, 1.5) == "lager_95"
    # 2 events vs E = 15: upper 99.8% 11.2 < 15 -> lower at 99.8%.
    assert stats.significance("rate", 0.2, 10_000, 1000, 1.5) == "lager_998"


def test_percentage_significance_uses_binomial():
    # 30 of 100 vs reference 15%: CP 95% CI of 0.30 is (0.212, 0.400) -> higher.
    assert stats.significance("percentage", 30.0, 100, 100, 15.0) in ("hoger_95", "hoger_998")
    assert stats.significance("percentage", 16.0, 100, 100, 15.0) == "geen"


@pytest.mark.parametrize("kind", ["count", "mean", "class"])
def test_no_significance_for_counts_means_classes(kind):
    assert stats.significance(kind, 300, 10_000, 1000, 1.0) == "nvt"


def test_significance_without_denominator_or_reference_is_nvt():
    assert stats.significance("rate", 3.0, None, 1000, 1.5) == "nvt"
    assert stats.significance("rate", 3.0, 1000, 1000, None) == "nvt"
    assert stats.significance("rate", None, 1000, 1000, 1.5) == "nvt"


def test_deviation_pct():
    assert stats.deviation_pct(15, 10) == pytest.approx(50.0)
    assert stats.deviation_pct(5, 10) == pytest.approx(-50.0)
    assert stats.deviation_pct(5, 0) is None
    assert stats.deviation_pct(None, 10) is None


def _frame(rows):
    return pd.DataFrame(rows, columns=["area_code", "value", "status", "den", "den_status"])


def test_aggregate_rate_over_published_members_only():
    f = _frame([
        ("A", 2.0, "published", 1000.0, "published"),     # 2 events
        ("B", 4.0, "published", 3000.0, "published"),     # 12 events
        ("C", None, "suppressed", 500.0, "published"),    # left out
        ("D", 1.0, "published", None, "missing"),         # no denominator: left out
    ])
    agg = stats.aggregate(f, "rate")
    assert agg.value == pytest.approx((2.0 * 1000 + 4.0 * 3000) / 4000)  # 3.5 per 1,000
    assert (agg.n_members, agg.n_used, agg.n_suppressed, agg.n_missing) == (4, 2, 1, 1)


def test_aggregate_ignores_a_value_on_a_suppressed_row():
    # Even if a value slipped through on a non-published row, it must not enter the reference.
    f = _frame([
        ("A", 2.0, "published", 1000.0, "published"),
        ("B", 987654.321, "suppressed", 1000.0, "published"),
    ])
    agg = stats.aggregate(f, "percentage")
    assert agg.value == pytest.approx(2.0)
    assert agg.n_suppressed == 1


def test_aggregate_counts_is_mean_of_published():
    f = _frame([("A", 10.0, "published", None, None), ("B", 30.0, "published", None, None),
                ("C", None, "suppressed", None, None)])
    agg = stats.aggregate(f, "count")
    assert agg.value == pytest.approx(20.0)
    assert agg.n_suppressed == 1


def test_aggregate_empty_and_all_suppressed():
    assert stats.aggregate(_frame([]), "rate").value is None
    f = _frame([("A", None, "suppressed", 10.0, "published")])
    assert stats.aggregate(f, "rate").value is None


def test_compare_marks_suppressed_rows_nvt_and_labels():
    f = _frame([("A", 3.0, "published", 10_000.0, "published"), ("B", None, "suppressed", 10_000.0, "published")])
    out = stats.compare(f, "rate", 1000, 1.5)
    assert out.loc[0, "sig_label"] == "▲ hoger (99,8%)"
    assert out.loc[1, "sig"] == "nvt"
    assert pd.isna(out.loc[1, "deviation"]) or out.loc[1, "deviation"] is None


def test_euro_rates_are_not_tested_as_counts():
    import pandas as pd
    from zoo_core import stats
    frame = pd.DataFrame({"value": [500.0, 50.0], "den": [10_000.0, 10_000.0], "status": ["published"] * 2})
    assert set(stats.compare(frame, "rate", 1, 100.0, "euros")["sig"]) == {"nvt"}
    assert set(stats.compare(frame, "rate", 1, 100.0, "persons")["sig"]) == {"hoger_998", "lager_998"}
