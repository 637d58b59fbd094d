"""Tests of the Firth fit, back-calculated CIs, proportional-hazards checks and the fast numpy fits."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from her2ned.models import (
    add_model_columns,
    ci_from_ratio_p,
    cox_table,
    firth_logistic,
    firth_logistic_table,
    km_medians,
    logistic_table,
    ph_table,
    published_ci_table,
    se_from_ratio_p,
)
from her2ned.models.fast import cox_one, km_curve, km_median, logit_newton
from her2ned.simulate import SimulationParams, select_cohort, simulate_population


@pytest.fixture(scope="module")
def cohort():
    return add_model_columns(select_cohort(simulate_population(SimulationParams(n=1500), seed=9)))


# --- Firth -----------------------------------------------------------------------------------


@pytest.mark.parametrize("a,b,c,d", [(3, 0, 0, 3), (10, 2, 5, 7), (20, 1, 0, 4)])
def test_firth_2x2_equals_haldane(a, b, c, d):
    """For one binary predictor Firth's OR equals the +0.5 (Haldane) corrected cross-product ratio."""
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    x = np.r_[np.ones(a + b), np.zeros(c + d)]
    df = pd.DataFrame({"y": y, "x": x})
    expected = (a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5))
    assert firth_logistic_table(df, "y", ["x"]).summary.odds_ratio.item() == pytest.approx(expected, rel=1e-8)


def test_firth_maximises_penalised_likelihood(cohort):
    """Independent check: a general-purpose optimiser on l(b) + 0.5 log|I(b)| finds the same maximum."""
    preds = ["ecog0", "ihc3", "grade_le2"]
    X = np.column_stack([np.ones(len(cohort)), cohort[preds].to_numpy(float)])
    y = cohort["ned"].to_numpy(float)

    def neg(b):
        eta = X @ b
        mu = 1 / (1 + np.exp(-eta))
        return -(
            np.sum(y * eta - np.logaddexp(0, eta)) + 0.5 * np.linalg.slogdet(X.T @ (X * (mu * (1 - mu))[:, None]))[1]
        )

    ref = minimize(neg, np.zeros(4), method="BFGS", options={"gtol": 1e-9}).x
    beta, _, _ = firth_logistic(X, y)
    np.testing.assert_allclose(beta, ref, atol=1e-5)
    # and Firth shrinks towards 0 compared with maximum likelihood
    ml = logistic_table(cohort, "ned", preds).summary.coef
    assert np.all(np.abs(beta[1:]) <= np.abs(ml) + 1e-9)


def test_firth_finite_under_separation_where_ml_fails():
    df = pd.DataFrame(
        {"y": [0, 0, 0, 0, 1, 1, 1, 1, 1, 0], "x": [0, 0, 0, 0, 1, 1, 1, 1, 1, 1], "z": [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]}
    )
    df.loc[9, "x"] = 0  # exact separation on x
    with pytest.raises(ValueError):
        logistic_table(df, "y", ["x", "z"])
    tab = firth_logistic_table(df, "y", ["x", "z"]).summary
    assert np.isfinite(tab.odds_ratio).all() and tab.odds_ratio.iloc[0] > 10


# --- CIs from published estimates --------------------------------------------------------------


def test_published_cis_match_hand_derived_intervals():
    """Derived by hand from the abstract's ratios and p-values: CIs OR 5.99 → (1.7, 21), 4.79 → (1.1, 21),
    0.25 → (0.09, 0.73), HR 0.24 → (0.09, 0.62)."""
    expected = {"ecog0": (1.7, 21), "ihc3": (1.1, 21), "grade_le2": (0.09, 0.73), "ned": (0.09, 0.62)}
    tab = published_ci_table().summary.set_index("term")
    for term, (lo, hi) in expected.items():
        assert tab.loc[term, "ci_low"] == pytest.approx(lo, rel=0.06)
        assert tab.loc[term, "ci_high"] == pytest.approx(hi, rel=0.04)


def test_ci_from_p_round_trip():
    """An interval built from a known SE gives back that SE and its p."""
    from scipy.stats import norm

    se, log_ratio = 0.3, np.log(2.0)
    p = 2 * norm.sf(log_ratio / se)
    assert se_from_ratio_p(2.0, p) == pytest.approx(se, rel=1e-10)
    lo, hi = ci_from_ratio_p(2.0, p)
    assert lo == pytest.approx(np.exp(log_ratio - 1.959964 * se), rel=1e-6)
    for bad, match in [((0.0, 0.05), "ratio must be"), ((2.0, 1.5), "p must be"), ((1.0, 0.5), "differ from 1")]:
        with pytest.raises(ValueError, match=match):
            ci_from_ratio_p(*bad)


# --- proportional hazards ----------------------------------------------------------------------


def test_ph_table_against_lifelines_and_detects_violation():
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    rng = np.random.default_rng(2)
    n = 600
    x = rng.integers(0, 2, n)
    # crossing hazards: group 1 Weibull shape 2.5, group 0 exponential -> PH is violated
    t = np.where(x == 1, 10 * rng.weibull(2.5, n), rng.exponential(10, n))
    df = pd.DataFrame({"t": t, "e": 1, "x": x})
    tab = ph_table(df, "t", "e", ["x"]).summary
    ref = proportional_hazard_test(CoxPHFitter().fit(df, "t", "e"), df, time_transform="rank")
    assert tab.p_value.item() == pytest.approx(ref.summary.loc["x", "p"], rel=1e-8)
    assert tab.p_value.item() < 0.001
    # and under true PH the test is usually quiet
    t2 = rng.exponential(np.where(x == 1, 5, 10))
    assert ph_table(df.assign(t=t2), "t", "e", ["x"]).summary.p_value.item() > 0.001
    with pytest.raises(ValueError, match="time_transform"):
        ph_table(df, "t", "e", ["x"], time_transform="sqrt")


# --- fast fits vs the reference libraries --------------------------------------------------------


def test_logit_newton_matches_statsmodels(cohort):
    preds = ["ecog0", "ihc3", "grade_le2"]
    tab = logistic_table(cohort, "ned", preds)
    X = np.column_stack([np.ones(len(cohort)), cohort[preds].to_numpy(float)])
    beta, se, ok = logit_newton(X, cohort["ned"].to_numpy(float))
    assert ok
    np.testing.assert_allclose(beta[1:], tab.summary.coef, rtol=1e-7)
    np.testing.assert_allclose(se[1:], tab.summary.se, rtol=1e-6)
    # batched: two replicates, the second separated -> flagged, not a huge OR
    y_sep = X[:, 1].copy()
    b2, s2, ok2 = logit_newton(np.stack([X, X]), np.stack([cohort["ned"].to_numpy(float), y_sep]))
    assert ok2.tolist() == [True, False] and np.isnan(b2[1]).all()
    np.testing.assert_allclose(b2[0], beta, rtol=1e-9)


def test_cox_one_matches_lifelines(cohort):
    for entry in (None, "entry_months"):
        tab = cox_table(cohort, "pfs_months", "progressed", ["ned"], entry=entry)
        beta, se = cox_one(
            cohort.pfs_months.to_numpy(),
            cohort.progressed.to_numpy(),
            cohort.ned.to_numpy(),
            None if entry is None else cohort[entry].to_numpy(),
        )
        assert beta == pytest.approx(tab.summary.coef[0], abs=1e-6)
        assert se == pytest.approx(tab.summary.se[0], rel=1e-5)
    # tied times (Efron) on integer months
    c = cohort.assign(t=np.ceil(cohort.pfs_months))
    tab = cox_table(c, "t", "progressed", ["ned"])
    beta, se = cox_one(c.t.to_numpy(), c.progressed.to_numpy(), c.ned.to_numpy())
    assert beta == pytest.approx(tab.summary.coef[0], abs=1e-6)
    # degenerate: no events in one group
    assert np.isnan(cox_one(np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 0]), np.array([0, 0, 1, 1]))[0])


def test_km_curve_matches_lifelines(cohort):
    from lifelines import KaplanMeierFitter

    for entry in (None, "entry_months"):
        for g in (0, 1):
            sub = cohort[cohort.ned == g]
            en = None if entry is None else sub[entry].to_numpy()
            times, surv = km_curve(sub.pfs_months.to_numpy(), sub.progressed.to_numpy(), en)
            kmf = KaplanMeierFitter().fit(sub.pfs_months, sub.progressed, entry=en)
            ref = kmf.survival_function_at_times(times[1:]).to_numpy()
            np.testing.assert_allclose(surv[1:], ref, rtol=1e-10)
            med = km_medians(sub, "pfs_months", "progressed", "ned", entry=entry).summary["median"].item()
            assert km_median(times, surv) == pytest.approx(med) or (np.isnan(med) and np.isnan(km_median(times, surv)))


# --- the study repeated ------------------------------------------------------------------------


def test_repeat_study_matches_single_fits_and_is_fast():
    import time

    from her2ned.repeat import repeat_study
    from her2ned.simulate import _to_frame, simulate_cohort_arrays

    start = time.perf_counter()
    r = repeat_study(n_studies=200, seed=3)
    assert time.perf_counter() - start < 10
    assert len(r) == 200 and r.logit_ok.mean() > 0.95
    # replicate 1 refitted with statsmodels / lifelines from the same random stream
    rng = np.random.default_rng(3)
    df = add_model_columns(_to_frame(simulate_cohort_arrays(SimulationParams(), rng, 118)))
    ors = logistic_table(df, "ned", ["ecog0", "ihc3", "grade_le2"])
    np.testing.assert_allclose(
        r.loc[0, ["or_ecog0", "or_ihc3", "or_grade_le2"]].to_numpy(float), ors.summary.odds_ratio.to_numpy(), rtol=1e-6
    )
    hr = cox_table(df, "pfs_months", "progressed", ["ned"], entry="entry_months").summary.hazard_ratio.item()
    assert r.loc[0, "hr_ned"] == pytest.approx(hr, rel=1e-5)
    with pytest.raises(ValueError, match="n_studies must be between"):
        repeat_study(n_studies=0, seed=1)


def test_add_model_columns_entry():
    out = add_model_columns(pd.DataFrame({"ecog": [0]}), entry_months=36)
    assert out["entry_months"].item() == 36.0
    with pytest.raises(ValueError, match="entry_months"):
        add_model_columns(pd.DataFrame({"ecog": [0]}), entry_months=-1)


def test_ph_table_common_entry_equals_no_entry(cohort):
    a = ph_table(cohort, "pfs_months", "progressed", ["ned"], entry="entry_months")
    b = ph_table(cohort, "pfs_months", "progressed", ["ned"])
    assert a.summary.p_value.item() == b.summary.p_value.item()
    varying = cohort.assign(entry_months=np.linspace(0, 30, len(cohort)))
    with pytest.raises(ValueError, match="varying entry"):
        ph_table(varying, "pfs_months", "progressed", ["ned"], entry="entry_months")
