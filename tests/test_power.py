"""Tests of her2ned.power: counts from percentages, two-proportion tests, log-rank power.

Reference numbers and where they came from:
* p-values of the 2x2 tables: R 4.x ``prop.test(correct=FALSE/TRUE)`` and ``fisher.test`` (run once
  by hand, printed to 10 significant digits).
* the log-rank statistic: lifelines ``logrank_test`` on random data (computed in the test).
* Schoenfeld's formula: HR 0.5, 1:1, two-sided alpha 0.05, power 0.8 needs 65.3 events (the textbook
  value, e.g. Collett, *Modelling Survival Data in Medical Research*, chapter 10).
* power: a seeded Monte Carlo simulation with the module's own log-rank (checked against lifelines).
"""

import math

import numpy as np
import pytest
from scipy import integrate

from her2ned import power as pw
from her2ned.claims import load_claims
from her2ned.models import ci_from_ratio_p

C = load_claims()


def test_counts_matching_ma_percentages():
    # The Ma 2025 split: 117 HER2 2+/ISH+ and 458 HER2 3+ (the only split consistent with the abstract's
    # percentages, derived by hand).
    assert pw.counts_matching(C["ma_pcr_2plus"].value, 117, C["ma_pcr_2plus"].precision) == [19]
    assert pw.counts_matching(C["ma_pcr_3plus"].value, 458, C["ma_pcr_3plus"].precision) == [211]
    assert pw.counts_matching(C["ma_hr_pos_2plus"].value, 117, 1) == [89]
    assert pw.counts_matching(C["ma_hr_pos_3plus"].value, 458, 1) == [223]
    # 19/117 = 16.239..., 211/458 = 46.069...: these round to the published values, neighbours do not.
    assert round(100 * 19 / 117, 2) == 16.24 and round(100 * 211 / 458, 2) == 46.07
    assert round(100 * 20 / 117, 2) != 16.24 and round(100 * 210 / 458, 2) != 46.07


@pytest.mark.parametrize(
    "pct, n, dec, expected",
    [
        (50, 10, 0, [5]),
        (62, 100, 0, [62]),
        (71.4, 112, 1, [80]),
        (33.3, 3, 1, [1]),
        (16.24, 118, 2, []),  # no count out of 118 gives 16.24 %
        (10, 200, 0, [19, 20]),  # 9.5 % rounds up to 10; 10.5 % rounds to 11
        (0, 5, 0, [0]),
        (100, 7, 0, [7]),
    ],
)
def test_counts_matching_cases(pct, n, dec, expected):
    assert pw.counts_matching(pct, n, dec) == expected


def test_ma_split_is_unique():
    specs_a = [(C["ma_pcr_2plus"].value, 2), (C["ma_hr_pos_2plus"].value, 1)]
    specs_b = [(C["ma_pcr_3plus"].value, 2), (C["ma_hr_pos_3plus"].value, 1)]
    t = pw.consistent_splits(C["ma_n"].value, specs_a, specs_b)
    assert t[["n_a", "n_b", "a1", "a2", "b1", "b2"]].values.tolist() == [[117, 458, 19, 89, 211, 223]]


def test_ma_dual_vs_single_sub_split():
    # 19.12 % and 12.24 % inside the 117: 13/68 and 6/49, which add up to 19/117.
    t = pw.consistent_splits(117, [(C["ma_pcr_dual_2plus"].value, 2)], [(C["ma_pcr_single_2plus"].value, 2)])
    assert t[["n_a", "n_b", "a1", "b1"]].values.tolist() == [[68, 49, 13, 6]]


@pytest.mark.parametrize(
    "counts, ref",
    [
        ((19, 117, 211, 458), (4.146475886e-09, 7.809570451e-09, 9.902490959e-10)),
        ((13, 68, 6, 49), (0.3200003524, 0.4590484567, 0.4470617054)),
        ((80, 112, 62, 100), (0.1450514746, 0.1898713886, 0.1878288777)),
    ],
)
def test_compare_proportions_matches_r(counts, ref):
    r = pw.compare_proportions(*counts)
    assert r.p_pearson == pytest.approx(ref[0], rel=1e-6)
    assert r.p_yates == pytest.approx(ref[1], rel=1e-6)
    assert r.p_fisher == pytest.approx(ref[2], rel=1e-6)


def test_compare_proportions_outputs():
    r = pw.compare_proportions(19, 117, 211, 458, labels=("2+/ISH+", "3+"))
    assert r.difference == pytest.approx(19 / 117 - 211 / 458)
    lo, hi = r.difference_ci
    assert lo < r.difference < hi < 0
    assert r.odds_ratio == pytest.approx((19 * 247) / (98 * 211))
    frame = r.summary
    assert frame["percent"].tolist() == [16.24, 46.07]
    assert "Fisher" in r._repr_html_()


@pytest.mark.parametrize(
    "args, match",
    [
        ((20, 10, 1, 5), "k1"),
        ((1, 10, 6, 5), "k2"),
        ((0, 10, 0, 5), "no events"),
        ((1, 0, 1, 5), "n1"),
    ],
)
def test_compare_proportions_invalid(args, match):
    with pytest.raises(ValueError, match=match):
        pw.compare_proportions(*args)


def test_power_two_proportions_sanity():
    assert pw.power_two_proportions(0.3, 0.3, 100, 100) == pytest.approx(0.05, abs=1e-3)
    big = pw.power_two_proportions(0.1624, 0.4607, 117, 458)
    assert big > 0.999
    small = pw.power_two_proportions(0.1912, 0.1224, 68, 49)
    assert 0.1 < small < 0.25
    with pytest.raises(ValueError, match="p1"):
        pw.power_two_proportions(1.2, 0.3, 10, 10)


def test_power_two_proportions_against_simulation():
    rng = np.random.default_rng(7)
    from scipy import stats

    n1, n2, p1, p2 = 80, 90, 0.45, 0.25
    hits = 0
    for _ in range(2000):
        k1, k2 = rng.binomial(n1, p1), rng.binomial(n2, p2)
        table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
        hits += stats.chi2_contingency(table, correction=False)[1] < 0.05
    assert pw.power_two_proportions(p1, p2, n1, n2) == pytest.approx(hits / 2000, abs=0.04)


def test_schoenfeld_textbook_value():
    assert pw.events_for_power(0.5) == pytest.approx(65.3, abs=0.1)
    assert pw.logrank_power(0.5, pw.events_for_power(0.5)) == pytest.approx(0.8, abs=1e-3)
    assert pw.detectable_hr(pw.events_for_power(0.7)) == pytest.approx(0.7)
    assert pw.logrank_power(1.0, 100) == pytest.approx(0.05)


def test_implied_events_round_trip():
    d = pw.implied_events(0.8, 0.05, 0.5)
    assert pw.logrank_power(0.8, d) == pytest.approx(0.5, abs=1e-3)  # observed z = critical z
    with pytest.raises(ValueError, match="hr"):
        pw.implied_events(1.0, 0.3)


@pytest.mark.parametrize("median, a, b", [(15.0, 0.0, 49.4), (10.0, 12.0, 36.0), (13.9, 24.7, 24.7)])
def test_event_probability_against_integration(median, a, b):
    lam = math.log(2) / median
    if a == b:
        ref = 1 - math.exp(-lam * a)
    else:
        ref = integrate.quad(lambda c: 1 - math.exp(-lam * c), a, b)[0] / (b - a)
    assert pw.event_probability(median, a, b) == pytest.approx(ref, rel=1e-9)


def test_event_probability_invalid():
    with pytest.raises(ValueError, match="followup_max"):
        pw.event_probability(10, 20, 10)
    with pytest.raises(ValueError, match="median"):
        pw.event_probability(-1, 0, 10)
    with pytest.raises(TypeError, match="median"):
        pw.event_probability("10", 0, 10)


def test_logrank_statistic_matches_lifelines():
    from lifelines.statistics import logrank_test

    rng = np.random.default_rng(3)
    for _ in range(5):
        n = 60
        t = np.round(rng.exponential(10, n), 0) + 1  # ties on purpose
        e = rng.random(n) < 0.7
        g = np.arange(n) % 2 == 0
        ref = logrank_test(t[g], t[~g], e[g], e[~g])
        chi2, p = pw.logrank_statistic(t, e, g)
        assert chi2 == pytest.approx(ref.test_statistic, rel=1e-8)
        assert p == pytest.approx(ref.p_value, rel=1e-8)


def test_logrank_statistic_invalid():
    with pytest.raises(ValueError, match="both groups"):
        pw.logrank_statistic([1, 2], [1, 1], [True, True])
    with pytest.raises(ValueError, match="no events"):
        pw.logrank_statistic([1, 2], [0, 0], [True, False])


def test_ozcan_power_schoenfeld_agrees_with_simulation():
    kw = dict(followup_min=0.0, followup_max=2 * C["ozcan_followup"].value)
    r = pw.compare_medians(
        C["ozcan_pfs_low"].value, C["ozcan_pfs_zero"].value, C["ozcan_n_low"].value, C["ozcan_n_zero"].value, **kw
    )
    assert r.hr == pytest.approx(13.9 / 16.0)
    assert 100 < r.events < 160
    assert r.power < 0.2
    sim = pw.simulated_logrank_power(
        C["ozcan_pfs_low"].value,
        C["ozcan_pfs_zero"].value,
        C["ozcan_n_low"].value,
        C["ozcan_n_zero"].value,
        n_sim=1500,
        seed=11,
        **kw,
    )
    assert sim == pytest.approx(r.power, abs=0.03)


def test_strong_effect_simulated_power_matches_formula():
    kw = dict(followup_min=0.0, followup_max=36.0)
    r = pw.compare_medians(20, 10, 60, 60, **kw)
    sim = pw.simulated_logrank_power(20, 10, 60, 60, n_sim=1000, seed=5, **kw)
    assert sim == pytest.approx(r.power, abs=0.05)


def test_compare_medians_invalid():
    with pytest.raises(ValueError, match="median_a equals median_b"):
        pw.compare_medians(10, 10, 50, 50, followup_min=0, followup_max=20)
    with pytest.raises(TypeError, match="n_a"):
        pw.compare_medians(10, 12, 50.5, 50, followup_min=0, followup_max=20)


@pytest.mark.parametrize(
    "est, p, ref",
    [
        # derived by hand from the abstract's ratios and p-values (arithmetic only): OR 5.99 -> (1.7, 21),
        # OR 4.79 -> (1.1, 21), OR 0.25 -> (0.09, 0.73), HR 0.24 -> (0.09, 0.62)
        (5.99, 0.005, (1.7, 21)),
        (4.79, 0.035, (1.1, 21)),
        (0.25, 0.011, (0.09, 0.73)),
        (0.24, 0.003, (0.09, 0.62)),
    ],
)
def test_ci_from_ratio_p_matches_hand_derived_intervals(est, p, ref):
    low, high = ci_from_ratio_p(est, p)
    assert low == pytest.approx(ref[0], abs=0.051 if ref[0] > 1 else 0.006)
    assert high == pytest.approx(ref[1], rel=0.05)


def test_ci_from_ratio_p_invalid():
    with pytest.raises(ValueError, match="ratio"):
        ci_from_ratio_p(1.0, 0.5)
    with pytest.raises(ValueError, match="p must"):
        ci_from_ratio_p(2.0, 0.0)


def test_results_are_plain_python_floats():
    # myst-nb glue formats text/plain: numpy scalars print as 'np.float64(...)' and break `{glue:text}`
    for value in (
        pw.events_for_power(0.8),
        pw.implied_events(0.8, 0.3),
        pw.detectable_hr(100),
        pw.event_probability(10, 0, 20),
        *ci_from_ratio_p(2.0, 0.01),
        pw.logrank_power(0.8, 50),
        pw.compare_medians(16, 14, 100, 100, followup_min=0, followup_max=40).events,
    ):
        assert type(value) is float
