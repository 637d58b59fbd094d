"""The vectorised binary Cox solver against lifelines (the reference implementation).

Reference numbers are computed in the test itself by lifelines 0.30 (``CoxPHFitter`` and
``CoxTimeVaryingFitter``, Efron ties), fitted to the same rows; lifelines' convergence tolerance is
tightened with ``fit_options`` so the comparison tests our solver, not lifelines' stopping rule.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter, CoxTimeVaryingFitter

from her2ned.fastcox import cox_binary, risk_set_terms

TIGHT = {"precision": 1e-16, "r_precision": 1e-18}


def lifelines_cph(stop, event, x, entry=None):
    df = pd.DataFrame({"T": stop, "E": event.astype(bool), "x": x.astype(float)})
    kw = {}
    if entry is not None:
        df["entry"] = entry
        kw["entry_col"] = "entry"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = CoxPHFitter().fit(df, "T", "E", fit_options=TIGHT, **kw)
    return float(m.params_["x"]), float(m.standard_errors_["x"])


def toy(rng, n=300, hr=0.6, ties=False):
    x = rng.integers(0, 2, n)
    t = rng.exponential(10.0 / hr**x)
    c = rng.exponential(20.0, n)
    stop, event = np.minimum(t, c), t <= c
    if ties:
        stop = np.ceil(stop)  # integer months: many tied event times
    return stop, event, x


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
def test_right_censored_matches_lifelines(seed, ties):
    stop, event, x = toy(np.random.default_rng(seed), ties=ties)
    if ties:
        assert len(np.unique(stop[event])) < event.sum() / 2, "the toy data must actually have ties"
    fit = cox_binary(stop, event, x)
    beta, se = lifelines_cph(stop, event, x)
    assert fit.converged[0]
    assert fit.beta[0] == pytest.approx(beta, abs=1e-6)
    assert fit.se[0] == pytest.approx(se, abs=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_delayed_entry_matches_lifelines_entry_col(seed):
    rng = np.random.default_rng(100 + seed)
    stop, event, x = toy(rng, ties=seed % 2 == 1)
    entry = rng.uniform(0.0, 0.9) * stop * rng.random(stop.size)
    fit = cox_binary(stop, event, x, entry=entry)
    beta, se = lifelines_cph(stop, event, x, entry=entry)
    assert fit.beta[0] == pytest.approx(beta, abs=1e-6)
    assert fit.se[0] == pytest.approx(se, abs=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_start_stop_rows_match_coxtimevaryingfitter(seed):
    rng = np.random.default_rng(200 + seed)
    n = 300
    switch = rng.exponential(6.0, n)  # x turns from 0 to 1 at `switch`
    t = rng.exponential(12.0, n)
    if seed % 2:
        t, switch = np.ceil(t), np.ceil(switch)  # ties, including event times equal to switch times
    c = rng.exponential(25.0, n)
    stop, event = np.minimum(t, c), t <= c
    has = switch < stop
    starts = np.concatenate([np.zeros(n), switch[has]])
    stops = np.concatenate([np.where(has, switch, stop), stop[has]])
    events = np.concatenate([event & ~has, event[has]])
    xs = np.concatenate([np.zeros(n), np.ones(has.sum())])
    ids = np.concatenate([np.arange(n), np.flatnonzero(has)])
    df = pd.DataFrame({"id": ids, "start": starts, "stop": stops, "event": events, "x": xs})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = CoxTimeVaryingFitter().fit(
            df, id_col="id", start_col="start", stop_col="stop", event_col="event", fit_options=TIGHT
        )
    fit = cox_binary(stops, events, xs.astype(int), entry=starts)
    assert fit.beta[0] == pytest.approx(float(m.params_["x"]), abs=1e-6)
    assert fit.se[0] == pytest.approx(float(m.standard_errors_["x"]), abs=1e-6)


def test_many_groups_equal_separate_fits():
    """Fitting replicates together gives exactly what fitting each alone gives (with mixed entries)."""
    rng = np.random.default_rng(7)
    parts, singles = [], []
    for g in range(6):
        stop, event, x = toy(rng, n=150 + 20 * g, ties=g % 2 == 0)
        entry = np.where(rng.random(stop.size) < 0.5, -np.inf, stop * rng.random(stop.size) * 0.8)
        parts.append((stop, event, x, entry, np.full(stop.size, g)))
        singles.append(cox_binary(stop, event, x, entry=entry))
    cat = [np.concatenate(p) for p in zip(*parts)]
    order = rng.permutation(cat[0].size)  # rows need not be sorted by group
    fit = cox_binary(*(c[order] for c in cat[:3]), entry=cat[3][order], group=cat[4][order])
    np.testing.assert_allclose(fit.beta, [s.beta[0] for s in singles], rtol=0, atol=1e-12)
    np.testing.assert_allclose(fit.se, [s.se[0] for s in singles], rtol=0, atol=1e-12)


def test_breslow_differs_from_efron_only_with_ties():
    rng = np.random.default_rng(3)
    stop, event, x = toy(rng)
    assert cox_binary(stop, event, x, ties="breslow").beta[0] == pytest.approx(
        cox_binary(stop, event, x).beta[0], abs=1e-12
    )
    stop = np.ceil(stop)
    b, e = cox_binary(stop, event, x, ties="breslow").beta[0], cox_binary(stop, event, x).beta[0]
    assert abs(b - e) > 1e-4
    # Breslow attenuates towards 0 relative to Efron with heavy ties (a known property)
    assert abs(b) < abs(e)


def test_breslow_matches_statsmodels_phreg():
    """Reference: statsmodels PHReg(ties="breslow"), an independent implementation."""
    from statsmodels.duration.hazard_regression import PHReg

    stop, event, x = toy(np.random.default_rng(11), ties=True)
    ref = PHReg(stop, x.astype(float)[:, None], status=event.astype(float), ties="breslow").fit()
    fit = cox_binary(stop, event, x, ties="breslow")
    assert fit.beta[0] == pytest.approx(ref.params[0], abs=1e-6)
    assert fit.se[0] == pytest.approx(ref.bse[0], abs=1e-6)


def test_monotone_likelihood_is_flagged_not_returned():
    stop = np.array([1.0, 2.0, 3.0, 4.0])
    event = np.array([1, 1, 0, 0])
    x = np.array([1, 1, 0, 0])  # every event in x = 1: HR -> infinity
    fit = cox_binary(stop, event, x)
    assert not fit.converged[0] and np.isnan(fit.beta[0]) and np.isnan(fit.se[0])
    # no events at all in one replicate
    fit = cox_binary(np.r_[stop, stop], np.r_[event, 0 * event], np.r_[[1, 0, 1, 0], x], group=np.repeat([0, 1], 4))
    assert fit.converged.tolist() == [True, False]


def test_risk_set_counts_by_hand():
    # rows: (entry, stop, event, x) -- at t=2: rows 1 (x=0) and 2 (x=1) are at risk; row 3 enters at 2
    A, B, d1, n = risk_set_terms([2.0, 3.0, 4.0], [1, 1, 1], [0, 1, 1], entry=[0.0, 0.0, 2.0])
    assert A.tolist() == [[1.0, 0.0, 0.0]] and B.tolist() == [[1.0, 2.0, 1.0]]
    assert d1.tolist() == [2] and n.tolist() == [3]
    # Efron with two tied events (one per group) among four at risk
    A, B, _, _ = risk_set_terms([1.0, 1.0, 2.0, 2.0], [1, 1, 0, 0], [0, 1, 0, 1])
    assert A.tolist() == [[2.0, 1.5]] and B.tolist() == [[2.0, 1.5]]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(stop=[1.0, 2.0], event=[1, 1], x=[0, 2]), "x must be binary"),
        (dict(stop=[1.0, 2.0], event=[1, 1], x=[0]), "x must be one-dimensional with 2"),
        (dict(stop=[1.0, np.nan], event=[1, 1], x=[0, 1]), "stop must be finite"),
        (dict(stop=[1.0, 2.0], event=[1, 3], x=[0, 1]), "event must be boolean"),
        (dict(stop=[1.0, 2.0], event=[1, 1], x=[0, 1], entry=[1.0, 0.0]), "entry must be strictly less"),
        (dict(stop=[1.0, 2.0], event=[1, 1], x=[0, 1], ties="exact"), "ties must be one of"),
        (dict(stop=[], event=[], x=[]), "stop is empty"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cox_binary(**kwargs)


def test_group_must_be_integer():
    with pytest.raises(TypeError, match="group must hold integers"):
        cox_binary([1.0, 2.0], [1, 1], [0, 1], group=[0.5, 1.5])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(20, 120), hr=st.floats(0.3, 3.0))
def test_score_is_zero_at_the_estimate(seed, n, hr):
    """Property: at a converged estimate the Efron score is zero and the likelihood is maximal."""
    stop, event, x = toy(np.random.default_rng(seed), n=n, hr=hr, ties=seed % 2 == 0)
    fit = cox_binary(stop, event, x)
    if not fit.converged[0]:
        return
    A, B, d1, _ = risk_set_terms(stop, event, x)
    b = fit.beta[0]

    def ll(beta):
        return d1[0] * beta - np.log(A[0] + B[0] * np.exp(beta)).sum()

    p = B[0] * np.exp(b) / (A[0] + B[0] * np.exp(b))
    assert abs(d1[0] - p.sum()) < 1e-8
    assert ll(b) >= max(ll(b - 1e-3), ll(b + 1e-3))


def test_weighted_fit_matches_lifelines_robust():
    """Weights and a robust variance, every row its own cluster, no delayed entry: lifelines'
    CoxPHFitter(weights_col, robust=True) computes the same (with untied event times)."""
    import warnings

    from lifelines import CoxPHFitter

    from her2ned.fastcox import cox_binary_weighted

    rng = np.random.default_rng(12)
    n = 500
    x = rng.integers(0, 2, n)
    t = rng.exponential(1 / np.exp(-0.4 * x))
    e = rng.random(n) < 0.7
    w = rng.uniform(0.2, 3.0, n)
    ours = cox_binary_weighted(t, e, x, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = CoxPHFitter().fit(
            pd.DataFrame({"t": t, "e": e, "x": x, "w": w}),
            "t",
            "e",
            weights_col="w",
            robust=True,
            fit_options={"precision": 1e-12, "max_steps": 200},
        )
    assert ours.beta == pytest.approx(ref.params_["x"], abs=1e-6)
    assert ours.se == pytest.approx(ref.standard_errors_["x"], abs=1e-6)
    with pytest.raises(ValueError, match="weight"):
        cox_binary_weighted(t, e, x, -w)


# lifelines warns that non-integer weights make its naive variance biased; only the point estimate is compared
@pytest.mark.filterwarnings("ignore:It looks like your weights are not integers")
def test_weighted_km_equals_duplicated_rows_and_lifelines():
    from lifelines import KaplanMeierFitter
    from lifelines.utils import restricted_mean_survival_time

    from her2ned.models.fast import km_curve, km_rmst

    rng = np.random.default_rng(3)
    t = np.round(rng.exponential(10, 300), 1) + 0.1
    e = (rng.random(300) < 0.7).astype(float)
    entry = np.where(rng.random(300) < 0.3, np.minimum(t - 0.05, rng.uniform(0, 3, 300)), 0.0)
    w = rng.integers(1, 4, 300).astype(float)
    times, surv = km_curve(t, e, entry=entry, weights=w)
    rep = np.repeat(np.arange(300), w.astype(int))  # weight k = the row k times
    t2, s2 = km_curve(t[rep], e[rep], entry=entry[rep])
    np.testing.assert_array_equal(times, t2)
    np.testing.assert_allclose(surv, s2, rtol=0, atol=1e-12)
    ref = KaplanMeierFitter().fit(t, e, weights=w + 0.5)  # non-integer weights, no entry
    ours = km_curve(t, e, weights=w + 0.5)
    assert km_rmst(*ours, 20.0) == pytest.approx(restricted_mean_survival_time(ref, t=20.0), abs=1e-9)
