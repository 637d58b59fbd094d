"""The engines the reconstruction's searches call thousands of times (the shared fits of her2ned.models.fast, and
the searches' wrappers around them) agree with the reference libraries the book analyses with: lifelines,
statsmodels and scipy, to 1e-6 (relative; 1e-7 absolute for a coefficient near 0, about where lifelines itself
stops). Ties are tested too: the tables the searches build have none among event times, other callers do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test
from scipy.stats import chi2_contingency

from her2ned.reconstruct.covariates import _PAT, _X, _batch_logit, _chi2_p
from her2ned.models.fast import km_curve, km_median, logrank_statistic
from her2ned.reconstruct.pfs import _cox_p


def _survival(seed, n=80, ties=False):
    rng = np.random.default_rng(seed)
    g = (rng.random(n) < 0.45).astype(int)
    x1, x2 = (rng.random(n) < 0.3).astype(int), (rng.random(n) < 0.5).astype(int)
    t = np.round(36 + rng.exponential(np.where(g == 1, 90, 40)), 2)
    if ties:
        t = np.round(t / 6)  # whole half-years: many tied times
    else:
        t += np.arange(n) * 1e-4  # distinct times, as the search keeps them
    e = (rng.random(n) < 0.7).astype(int)
    return t, e, g, x1, x2


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_km_median_equals_lifelines(seed, ties):
    t, e, *_ = _survival(seed, ties=ties)
    ref = KaplanMeierFitter().fit(t, e).median_survival_time_
    ours = km_median(*km_curve(t, e))
    assert (np.isinf(ref) and np.isnan(ours)) or ours == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_logrank_p_equals_lifelines(seed, ties):
    t, e, g, *_ = _survival(seed, ties=ties)
    ref = logrank_test(t[g == 1], t[g == 0], e[g == 1], e[g == 0])
    chi2, p = logrank_statistic(t, e, g)
    assert (chi2, p) == pytest.approx((ref.test_statistic, ref.p_value), rel=1e-6)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_cox_equals_lifelines(seed, ties):
    t, e, g, x1, x2 = _survival(seed, ties=ties)
    X = np.column_stack([g, x1, x2]).astype(float)
    beta, p = _cox_p(t, e, X)
    df = pd.DataFrame({"t": t, "e": e, "g": g, "x1": x1, "x2": x2})
    # lifelines stops at a step of 1e-7 by default; ask it for the precision the comparison needs
    ref = CoxPHFitter().fit(df, "t", "e", fit_options={"precision": 1e-12}).summary.loc[["g", "x1", "x2"]]
    np.testing.assert_allclose(beta, ref["coef"].to_numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(p, ref["p"].to_numpy(), rtol=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_grouped_logit_equals_statsmodels(seed):
    rng = np.random.default_rng(seed)
    m = rng.integers(2, 9, len(_PAT)).astype(float)  # patients per covariate pattern
    y = np.floor(m * rng.uniform(0.2, 0.8, len(_PAT)))  # of whom reached NED
    b, p, bad = _batch_logit(np.stack([y, np.zeros_like(y)]), np.stack([m, m]), _X)
    assert not bad[0] and bad[1]  # the second table, nobody at NED, has no finite maximum
    # statsmodels on the same data, one row per patient
    rows = np.repeat(np.arange(len(_PAT)), m.astype(int))
    outcome = np.concatenate([np.r_[np.ones(int(k)), np.zeros(int(n - k))] for k, n in zip(y, m)])
    fit = sm.Logit(outcome, _X[rows]).fit(disp=0)
    np.testing.assert_allclose(b[0], fit.params, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(p[0], fit.pvalues, rtol=1e-5)


@pytest.mark.parametrize("table", [(20, 35, 8, 55), (50, 5, 30, 33), (3, 52, 10, 53)])
def test_chi2_p_equals_scipy(table):
    a, b, c, d = table
    ref = chi2_contingency(np.array([[a, b], [c, d]]), correction=False)[1]
    assert float(_chi2_p(np.array([a]), np.array([b]), np.array([c]), np.array([d]))[0]) == pytest.approx(ref, rel=1e-9)
