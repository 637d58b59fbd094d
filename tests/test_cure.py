"""Mixture cure models (her2ned.cure).

References: the same likelihood written from its definition in base R and maximised with ``optim``
(tests/r/cure.R); lifelines' own Weibull, log-normal and log-logistic fitters for the model without cure;
data drawn from a known cure model for recovery; the follow-up statistic worked out by hand.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_rscript
from lifelines import LogLogisticFitter, LogNormalFitter, WeibullFitter

from her2ned.cure import (
    LATENCIES,
    cure_detection,
    cure_versus_no_cure,
    fit_mixture_cure,
    follow_up_check,
    simulated_cohort,
    summarise_detection,
)
from her2ned.datasets import load_csv

ROOT = Path(__file__).resolve().parents[1]
ENTRY = 36.0


def _cure_data(n=400, cured=0.4, scale=40.0, shape=1.3, seed=1, entry=ENTRY, spread=0.15):
    """Patients event-free at ``entry``: a share ``cured`` (± ``spread`` by x) never progress, the rest
    Weibull beyond entry."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n)
    is_cured = rng.random(n) < np.where(x == 1, cured + spread, cured - spread)
    # uncured: Weibull conditional on surviving to entry (inverse transform of S(t)/S(entry))
    u = rng.random(n)
    t_prog = scale * ((entry / scale) ** shape - np.log(u)) ** (1 / shape)
    t_prog = np.where(is_cured, np.inf, t_prog)
    censor = entry + rng.uniform(20, 200, n)
    return pd.DataFrame({"time": np.minimum(t_prog, censor), "event": (t_prog <= censor).astype(int), "x": x})


@pytest.fixture(scope="module")
def r_reference(tmp_path_factory):
    require_rscript()
    folder = tmp_path_factory.mktemp("cure")
    d = _cure_data()
    d.to_csv(folder / "data.csv", index=False)
    out = {}
    for latency in LATENCIES:
        proc = subprocess.run(
            [
                "Rscript",
                str(ROOT / "tests" / "r" / "cure.R"),
                str(folder / "data.csv"),
                str(ENTRY),
                latency,
                str(folder / "out.csv"),
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        values = dict(line.split(",") for line in (folder / "out.csv").read_text().splitlines())
        out[latency] = {k: float(v) for k, v in values.items()}
    return d, out


@pytest.mark.parametrize("latency", list(LATENCIES))
def test_lifelines_fit_agrees_with_base_r_optim(r_reference, latency):
    d, ref = r_reference
    r = ref[latency]
    assert r["convergence"] == 0
    fit = fit_mixture_cure(d, "time", "event", entry=ENTRY, cure_covariates=["x"], latency=latency)
    names = ["g0", "g1", "a", "b"]
    assert fit.log_likelihood == pytest.approx(r["loglik"], abs=1e-6)
    assert np.allclose(fit.summary["estimate"], [r[f"est_{k}"] for k in names], atol=1e-4)
    # R's Hessian is numerical (finite differences), so standard errors agree to about 1e-6, checked at 1e-4
    assert np.allclose(fit.summary["se"], [r[f"se_{k}"] for k in names], atol=1e-4)


@pytest.mark.parametrize("latency", list(LATENCIES))
def test_direct_maximiser_agrees_with_lifelines(latency):
    d = _cure_data(seed=2)
    fit = fit_mixture_cure(d, "time", "event", entry=ENTRY, latency=latency)
    test = cure_versus_no_cure(d.time, d.event, entry=ENTRY, latency=latency)
    assert test.converged
    assert np.allclose(test.params, fit.summary["estimate"], atol=1e-6)
    assert test.log_likelihood == pytest.approx(fit.log_likelihood, abs=1e-6)
    assert test.cure_share == pytest.approx(fit.cure_share()["cure_share"], abs=1e-6)


@pytest.mark.parametrize(
    "latency, fitter, to_params, start",
    [
        ("weibull", WeibullFitter, lambda f: [np.log(f.lambda_), np.log(f.rho_)], lambda m: [m, 1.0]),
        ("lognormal", LogNormalFitter, lambda f: [f.mu_, np.log(f.sigma_)], lambda m: [np.log(m), 1.0]),
        ("loglogistic", LogLogisticFitter, lambda f: [np.log(f.alpha_), np.log(f.beta_)], lambda m: [m, 3.0]),
    ],
)
@pytest.mark.parametrize("entry", [0.0, ENTRY])
def test_no_cure_model_is_lifelines_own_latency_fit(latency, fitter, to_params, start, entry):
    # the model without cure is the plain parametric model, left-truncated at entry (data without a cure,
    # where its maximum is inside the parameter space)
    d = _cure_data(cured=0.0, spread=0.0, seed=3, entry=entry)
    # lifelines from a start of its own (from shape 1 its log-logistic runs into its bound on the scale)
    ref = fitter().fit(
        d.time,
        d.event,
        entry=np.full(len(d), entry) if entry else None,
        initial_point=np.array(start(float(np.median(d.time)))),
    )
    test = cure_versus_no_cure(d.time, d.event, entry=entry or None, latency=latency)
    assert test.log_likelihood_no_cure == pytest.approx(ref.log_likelihood_, abs=1e-6)
    assert np.allclose(test.params_no_cure, to_params(ref), atol=1e-4)
    assert test.p_value > 0.05


def test_recovers_a_known_cure_share():
    d = _cure_data(n=4000, cured=0.4, seed=4)
    fit = fit_mixture_cure(d, "time", "event", entry=ENTRY, cure_covariates=["x"])
    true = {
        "logit_cure": [np.log(0.25 / 0.75), np.log(0.55 / 0.45) - np.log(0.25 / 0.75)],
        "log_scale": [np.log(40.0)],
        "log_shape": [np.log(1.3)],
    }
    est = fit.summary["estimate"].to_numpy()
    se = fit.summary["se"].to_numpy()
    assert (np.abs(est - np.concatenate(list(true.values()))) < 3.5 * se).all()
    assert fit.cure_share({"x": 1})["lower"] < 0.55 < fit.cure_share({"x": 1})["upper"]


def test_interval_contains_estimate_and_test_is_significant_with_a_plateau():
    d = _cure_data(n=300, cured=0.4, seed=5)
    test = cure_versus_no_cure(d.time, d.event, entry=ENTRY)
    assert 0 < test.cure_low < test.cure_share < test.cure_high < 1
    assert test.p_value < 0.001


def test_no_plateau_gives_share_zero_and_p_one_half():
    # the reconstructed TOG table: its last patient is a progression, so the estimate sits at 0
    tog = load_csv("reconstructed", "tog2026_cohort.csv")
    test = cure_versus_no_cure(tog.pfs_months, tog.progressed, entry=ENTRY)
    assert test.cure_share == 0.0 and test.cure_low == 0.0 and 0 < test.cure_high < 1
    assert test.p_value == 0.5
    with pytest.raises(ValueError, match="estimate is 0"):
        fit_mixture_cure(tog, entry=ENTRY, cure_covariates=["ned"])


def test_follow_up_check_by_hand():
    # last event 40, last follow-up 110: plateau 70; window (2*40 - 110, 40] holds all 4 events
    c = follow_up_check([10, 20, 30, 40, 100, 110], [1, 1, 1, 1, 0, 0])
    assert (c.last_event_months, c.last_follow_up_months, c.plateau_months, c.window_events) == (40, 110, 70, 4)
    assert c.q == pytest.approx((1 - 4 / 6) ** 6) and c.sufficient
    # last observation a progression: no plateau, nothing in the empty window
    c = follow_up_check([10, 20, 30, 40], [0, 1, 0, 1])
    assert c.plateau_months == 0 and c.window_events == 0 and c.q == 1 and not c.sufficient
    # window (2*50 - 60, 50] = (40, 50] holds one of the events
    c = follow_up_check([10, 45, 50, 60], [1, 1, 1, 0])
    assert c.window_events == 2 and c.q == pytest.approx(0.5**4)


def test_detection_study_is_deterministic_and_summarised():
    kw = dict(
        cure_fractions=(0.0, 0.3),
        follow_up_months=(120.0,),
        latencies=("weibull", "loglogistic"),
        replicates=3,
        seed=11,
        progress=False,
    )
    a, b = cure_detection(**kw), cure_detection(**kw)
    pd.testing.assert_frame_equal(a, b)
    s = summarise_detection(a)
    assert len(s) == 4 and (s["studies"] == 3).all() and s["found"].between(0, 1).all()


def test_simulated_cohort_is_selected_and_synthetic():
    df = simulated_cohort(cure_fraction=0.2, follow_up_months=60, seed=3)
    assert len(df) == 118 and (df.pfs_months >= 36).all() and df.attrs["synthetic"]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda d: cure_versus_no_cure(d.time, d.event, latency="gompertz"), "latency"),
        (lambda d: cure_versus_no_cure(d.time, d.event * 2), "events"),
        (lambda d: cure_versus_no_cure(d.time, d.event, entry=1000.0), "entry"),
        (lambda d: cure_versus_no_cure(d.time[:2], d.event[:2]), "at least 3"),
        (lambda d: cure_versus_no_cure(d.time, d.event, level=1.0), "level"),
        (lambda d: fit_mixture_cure(d, "time", "event", cure_covariates=["nope"]), "nope"),
        (lambda d: fit_mixture_cure(d.assign(c=1.0), "time", "event", cure_covariates=["c"]), "constant"),
        (lambda d: fit_mixture_cure(d, "time", "event", cure_covariates="x"), "list"),
        (lambda d: fit_mixture_cure(d.time, "time", "event"), "DataFrame"),
        (lambda d: follow_up_check(d.time, d.event * 0), "at least 2 events"),
        (lambda d: cure_detection(replicates=0, seed=1), "replicates"),
        (lambda d: cure_detection(cure_fractions=(1.5,), seed=1), "cure_fractions"),
    ],
)
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call(_cure_data(n=50))
