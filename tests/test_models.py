"""Tests of the tidy model tables (her2ned.models.core)."""

import numpy as np
import pandas as pd
import pytest

from her2ned.models import add_model_columns, cox_table, km_medians, logistic_table, logrank_test
from her2ned.simulate import SimulationParams, select_cohort, simulate_population


@pytest.fixture(scope="module")
def cohort():
    return add_model_columns(select_cohort(simulate_population(SimulationParams(n=2000), seed=4)))


def test_logistic_columns_and_statsmodels(cohort):
    import statsmodels.api as sm

    preds = ["ecog0", "ihc3", "grade_le2"]
    tab = logistic_table(cohort, "ned", preds).summary
    assert list(tab.columns) == ["term", "odds_ratio", "ci_low", "ci_high", "p_value", "coef", "se"]
    assert list(tab.term) == preds
    ref = sm.Logit(cohort["ned"].astype(float), sm.add_constant(cohort[preds].astype(float))).fit(disp=0)
    np.testing.assert_allclose(tab.odds_ratio, np.exp(ref.params[preds]), rtol=1e-8)
    np.testing.assert_allclose(tab.p_value, ref.pvalues[preds], rtol=1e-6)
    ci = np.exp(ref.conf_int().loc[preds])
    np.testing.assert_allclose(tab.ci_low, ci[0], rtol=1e-8)
    assert (tab.ci_low < tab.odds_ratio).all() and (tab.odds_ratio < tab.ci_high).all()


def test_logistic_separation_is_a_value_error():
    df = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1, 0, 1], "x": [0, 0, 0, 1, 1, 1, 0, 1], "z": [0, 1, 0, 1, 0, 1, 1, 0]})
    with pytest.raises(ValueError, match="separation|converge"):
        logistic_table(df, "y", ["x", "z"])


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(outcome="nope", predictors=["x"]), ValueError, "outcome .nope. is not a column of df"),
        (dict(outcome="y", predictors="x"), TypeError, "predictors must be"),
        (dict(outcome="const", predictors=["x"]), ValueError, "every patient"),
        (dict(outcome="y", predictors=["const"]), ValueError, "single value"),
    ],
)
def test_logistic_input_errors(kwargs, exc, match):
    df = pd.DataFrame({"y": [0, 1, 0, 1, 1], "x": [0, 1, 1, 0, 1], "const": [1] * 5})
    with pytest.raises(exc, match=match):
        logistic_table(df, **kwargs)


def test_km_median_by_hand():
    # group a: events at 1,2,3,4,5 -> S drops by 0.2 per event; median = 3 (first t with S <= 0.5)
    df = pd.DataFrame({"t": [1, 2, 3, 4, 5, 2, 4, 6, 8], "e": [1] * 5 + [1, 0, 1, 0], "g": ["a"] * 5 + ["b"] * 4})
    tab = km_medians(df, "t", "e", "g").summary
    assert list(tab.columns) == ["group", "n", "events", "median", "ci_low", "ci_high"]
    a = tab.set_index("group").loc["a"]
    assert a["median"] == 3 and a["n"] == 5 and a["events"] == 5
    # group b: S(2)=0.75, S(6)=0.75*0.5=0.375 -> median 6
    assert tab.set_index("group").loc["b", "median"] == 6


def test_km_left_truncation_changes_risk_set():
    # without entry: S = .8, .6, .4 at t = 1, 2, 3 -> median 3. With entry, at t = 1 only the two
    # patients who entered at 0 are at risk, one fails: S(1) = .5 -> median 1 (worked by hand).
    df = pd.DataFrame({"t": [1, 2, 3, 4, 5], "e": [1] * 5, "g": [1] * 5, "en": [0, 0, 1.5, 1.5, 1.5]})
    plain = km_medians(df, "t", "e", "g").summary["median"].item()
    trunc = km_medians(df, "t", "e", "g", entry="en").summary["median"].item()
    assert plain == 3
    assert trunc == 1
    # a risk set that empties early is reported in words, not as lifelines' StatError
    bad = pd.DataFrame({"t": [1, 3, 4, 5], "e": [1] * 4, "g": [1] * 4, "en": [0, 2, 2, 2]})
    with pytest.raises(ValueError, match="risk set"):
        km_medians(bad, "t", "e", "g", entry="en")
    with pytest.raises(ValueError, match="entry"):
        km_medians(df.assign(en=[0, 9, 2, 2, 2]), "t", "e", "g", entry="en")


def test_km_not_reached_is_nan():
    df = pd.DataFrame({"t": [1, 2, 3, 4], "e": [1, 0, 0, 0], "g": [0, 0, 0, 0]})
    assert np.isnan(km_medians(df, "t", "e", "g").summary["median"].item())


def test_logrank_matches_lifelines(cohort):
    from lifelines.statistics import logrank_test as ll

    res = logrank_test(cohort, "pfs_months", "progressed", "ned")
    g = cohort["ned"] == 1
    ref = ll(cohort.pfs_months[g], cohort.pfs_months[~g], cohort.progressed[g], cohort.progressed[~g])
    assert res.statistic == pytest.approx(ref.test_statistic, rel=1e-10)
    assert res.p_value == pytest.approx(ref.p_value, rel=1e-8)
    with pytest.raises(ValueError, match="single value"):
        logrank_test(cohort.assign(k=1), "pfs_months", "progressed", "k")


def test_cox_table(cohort):
    fit = cox_table(cohort, "pfs_months", "progressed", ["ned", "tp"], entry="entry_months")
    tab = fit.summary
    assert list(tab.columns) == ["term", "hazard_ratio", "ci_low", "ci_high", "p_value", "coef", "se"]
    assert tab.hazard_ratio.iloc[0] < 1  # NED is protective in the default simulation
    assert fit.fitted.summary.shape[0] == 2
    with pytest.raises(ValueError, match="no events"):
        cox_table(cohort.assign(progressed=0), "pfs_months", "progressed", ["ned"])
    with pytest.raises(ValueError, match="single value"):
        cox_table(cohort.assign(k=1), "pfs_months", "progressed", ["k"])
    with pytest.raises(TypeError, match="covariates"):
        cox_table(cohort, "pfs_months", "progressed", "ned")


def test_add_model_columns():
    df = pd.DataFrame({"ecog": [0, 1], "her2_ihc": ["3+", "2+/ISH+"], "grade": [3, 1], "regimen": ["T", "T+P"]})
    out = add_model_columns(df)
    assert out[["ecog0", "ihc3", "grade_le2", "tp"]].values.tolist() == [[1, 1, 0, 0], [0, 0, 1, 1]]


def test_km_band_equals_lifelines_confidence_interval_and_median_interval():
    # lifelines' confidence_interval_ (exponential Greenwood) and median_survival_times of its edges
    import numpy as np
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    from her2ned.models.fast import km_at, km_band, km_median

    rng = np.random.default_rng(7)
    for _ in range(20):
        n = int(rng.integers(20, 300))
        latent = np.round(24 + 40 * rng.weibull(1.2, n), int(rng.integers(0, 3)))  # ties at 0 decimals
        censor = 24 + rng.uniform(0, 120, n)
        t, e = np.minimum(latent, censor), (latent <= censor).astype(int)
        times, s, lo, hi = km_band(t, e)
        kmf = KaplanMeierFitter().fit(t, e)
        grid = kmf.survival_function_.index.to_numpy()
        ci = kmf.confidence_interval_
        assert np.allclose(km_at(times, s, grid), kmf.survival_function_.iloc[:, 0], atol=1e-12)
        assert np.allclose(km_at(times, lo, grid), ci.iloc[:, 0], atol=1e-12)
        assert np.allclose(km_at(times, hi, grid), ci.iloc[:, 1], atol=1e-12)
        ref = np.asarray(median_survival_times(ci), dtype=float).ravel()[:2]
        assert np.allclose([km_median(times, lo), km_median(times, hi)], ref, equal_nan=True)
