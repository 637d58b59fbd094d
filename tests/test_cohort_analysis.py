"""The study's analysis of one cohort equals statsmodels and lifelines, and refuses bad input by name."""

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from lifelines import CoxPHFitter, KaplanMeierFitter

from her2ned.cohort_analysis import CohortAnalysis, analyse_cohort, cox_ned
from her2ned.models import add_model_columns
from her2ned.simulate import SimulationParams, _to_frame, simulate_cohort_arrays
from her2ned.study_design import TERMS, design_matrix

COHORTS = [
    (SimulationParams(), 118, 1),
    (SimulationParams(), 118, 5),
    (SimulationParams(hr_ned=1.0), 300, 2),
    (SimulationParams(threshold_months=12.0, or_ecog0=2.0), 200, 8),
]


def _cohort(params, n, seed):
    return simulate_cohort_arrays(params, np.random.default_rng(seed), n)


@pytest.mark.parametrize("params,n,seed", COHORTS)
def test_analysis_equals_statsmodels_and_lifelines(params, n, seed):
    a = _cohort(params, n, seed)
    r = analyse_cohort(a)
    df = pd.DataFrame({k: v for k, v in a.items()})
    assert (r.n, r.n_ned, r.events) == (n, int(a["ned"].sum()), int(a["progressed"].sum()))
    assert r.ned_share == pytest.approx(a["ned"].mean())
    # logistic: statsmodels Logit on the same design matrix
    fit = sm.Logit(a["ned"].astype(float), design_matrix(a)).fit(disp=0)
    ci = np.exp(fit.conf_int())
    for j, t in enumerate(TERMS):
        o, lo, hi = r.odds_ratios[t]
        assert o == pytest.approx(math.exp(fit.params[j + 1]), rel=1e-6)
        assert (lo, hi) == pytest.approx((ci[j + 1, 0], ci[j + 1, 1]), rel=1e-6)
        assert r.or_p[t] == pytest.approx(fit.pvalues[j + 1], rel=1e-6)
    # Kaplan-Meier medians by NED with delayed entry
    for g in (0, 1):
        sub = df[df.ned == g]
        km = KaplanMeierFitter().fit(sub.pfs_months, sub.progressed, entry=sub.entry_months)
        ref = km.median_survival_time_
        assert (math.isinf(ref) and math.isnan(r.medians[g])) or r.medians[g] == pytest.approx(ref, rel=1e-6)
    # Cox: lifelines with entry_col (left truncation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cph = CoxPHFitter().fit(
            df[["pfs_months", "progressed", "ned", "entry_months"]].astype(float),
            "pfs_months",
            "progressed",
            entry_col="entry_months",
            fit_options={"precision": 1e-16, "r_precision": 0.0},
        )  # tighter than its default
    s = cph.summary.loc["ned"]
    assert r.hr == pytest.approx(s["exp(coef)"], rel=1e-6)
    assert r.hr_ci == pytest.approx((s["exp(coef) lower 95%"], s["exp(coef) upper 95%"]), rel=1e-6)
    assert r.hr_p == pytest.approx(s["p"], rel=1e-6)
    b, se = cox_ned(a)
    assert (b, se) == pytest.approx((s["coef"], s["se(coef)"]), rel=1e-6)


def test_a_table_gives_the_same_analysis_as_the_arrays():
    a = _cohort(SimulationParams(), 118, 3)
    r = analyse_cohort(a)
    for table in (pd.DataFrame(a), add_model_columns(_to_frame(a))):
        pd.testing.assert_frame_equal(analyse_cohort(table).summary, r.summary)


def test_summary_and_html():
    r = analyse_cohort(_cohort(SimulationParams(), 118, 1))
    s = r.summary
    assert list(s.columns) == ["quantity", "term", "estimate", "ci_low", "ci_high", "p_value"]
    assert list(s.term) == ["ned", *TERMS, "ned = 1", "ned = 0", "ned"]
    assert s.estimate.iloc[-1] == r.hr and s.estimate.iloc[0] == r.ned_share
    page = r._repr_html_()
    assert "logistic NED" in page and "n = 118" in page and f"events (progression) = {r.events}" in page
    assert "<table" in page
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.hr = 1.0


def test_degenerate_cohorts_give_nan_with_a_note():
    a = _cohort(SimulationParams(), 118, 1)
    none = {**a, "ned": np.zeros(118, dtype=a["ned"].dtype)}
    r = analyse_cohort(none)
    assert r.n_ned == 0 and math.isnan(r.hr) and math.isnan(r.odds_ratios["ecog0"][0])
    assert r.notes == ("Nothing is estimable by NED status: no patient reached NED.",)
    constant = {**a, "ecog": np.zeros(118, dtype=a["ecog"].dtype)}
    r = analyse_cohort(constant)
    assert math.isnan(r.or_p["ecog0"]) and math.isfinite(r.hr)
    assert r.notes == ("Odds ratios not estimable: every patient has the same ECOG 0 vs 1 category.",)
    ned_never_progress = {**a, "progressed": np.where(a["ned"] == 1, 0, a["progressed"])}
    r = analyse_cohort(ned_never_progress)
    assert math.isnan(r.hr) and any("Cox HR is not estimable" in n for n in r.notes)
    assert isinstance(r, CohortAnalysis)


@pytest.mark.parametrize(
    "change,error,message",
    [
        (lambda a: [1, 2], TypeError, "cohort must be a dict of arrays"),
        (
            lambda a: {k: v for k, v in a.items() if k != "entry_months"},
            ValueError,
            "cohort has no column 'entry_months'",
        ),
        (lambda a: {**a, "ned": a["ned"] * 2}, ValueError, "cohort: column 'ned' must be coded 0/1"),
        (lambda a: {**a, "pfs_months": a["pfs_months"][:5]}, ValueError, "cohort: column 'pfs_months' must be one"),
        (lambda a: {**a, "progressed": np.full(len(a["ned"]), np.nan)}, ValueError, "cohort: column 'progressed' has"),
        (lambda a: {k: v for k, v in a.items() if k != "grade"}, ValueError, "cohort: data has no column 'grade_le2'"),
        (lambda a: {k: v[:0] for k, v in a.items()}, ValueError, "cohort has no rows"),
    ],
)
def test_bad_cohorts_are_refused_by_name(change, error, message):
    a = _cohort(SimulationParams(), 60, 1)
    with pytest.raises(error, match=message):
        analyse_cohort(change(a))
    if "grade" not in message:  # the Cox model does not need the logistic terms
        with pytest.raises(error, match=message):
            cox_ned(change(a))
