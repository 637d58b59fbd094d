"""The stop-at-NED target trial and its clone–censor–weight emulation (her2ned.stop_at_ned).

The truth comes from both potential outcomes of simulated women, and is checked against a closed form
for an exponential world; the emulation is checked by simulation (centred on the truth, where the
unweighted and the naive analyses are not), by hand on small cohorts, and its Cox fits against R.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_rscript
from scipy.integrate import quad

from her2ned.stop_at_ned import (
    StopTrialParams,
    clone_censor_weight,
    emulate_stop_trial,
    simulate_stop_cohort,
    true_stop_effect,
)

ROOT = Path(__file__).resolve().parents[1]


def test_truth_matches_the_exponential_closed_form():
    """Constant hazards (Weibull shape 1), no grace to speak of: RMST of an exponential with hazard
    lam over (0, h] is (1 - exp(-lam h)) / lam; "stop" switches to hr_stop x lam at the stop time."""
    p = StopTrialParams(weibull_shape=1.0, grace_months=1e-6, p_marker=0.5)
    lam0 = math.log(2) / p.median_pfs_months
    h = p.horizon_months

    def rmst(lam):
        return (1 - math.exp(-lam * h)) / lam

    cont = 0.5 * rmst(lam0) + 0.5 * rmst(lam0 * p.hr_marker)
    stop = 0.5 * rmst(lam0 * p.hr_stop) + 0.5 * rmst(lam0 * p.hr_marker * p.hr_stop)
    t = true_stop_effect(p, seed=3, n=400_000)
    assert abs(t.loc["rmst_continue", "value"] - cont) < 4 * t.loc["rmst_continue", "mc_se"]
    assert abs(t.loc["rmst_stop", "value"] - stop) < 4 * t.loc["rmst_stop", "mc_se"]


def test_truth_with_a_grace_period_matches_the_closed_form():
    """Constant hazards and a 3-month grace period: under "stop" a woman stops at S* = min(S, grace),
    S exponential with her marker's rate. Given S* = s the RMST to h is
    (1 - e^{-lam s}) / lam + e^{-lam s} (1 - e^{-lam hr (h - s)}) / (lam hr); average over S*."""
    p = StopTrialParams(weibull_shape=1.0, grace_months=3.0)
    lam0, h, g = math.log(2) / p.median_pfs_months, p.horizon_months, p.grace_months

    def given(s, lam):
        return (1 - math.exp(-lam * s)) / lam + math.exp(-lam * s) * (1 - math.exp(-lam * p.hr_stop * (h - s))) / (
            lam * p.hr_stop
        )

    def rmst_stop(lam, rate):
        within = quad(lambda s: rate * math.exp(-rate * s) * given(s, lam), 0, g)[0]
        return within + math.exp(-rate * g) * given(g, lam)

    rate0 = p.stop_per_year / 12
    expected = (1 - p.p_marker) * rmst_stop(lam0, rate0) + p.p_marker * rmst_stop(
        lam0 * p.hr_marker, rate0 * p.rr_stop_marker
    )
    t = true_stop_effect(p, seed=5, n=400_000)
    assert abs(t.loc["rmst_stop", "value"] - expected) < 4 * t.loc["rmst_stop", "mc_se"]


def test_cohort_is_reproducible_and_stopping_follows_the_marker():
    a = simulate_stop_cohort(StopTrialParams(n=20_000), seed=4)
    pd.testing.assert_frame_equal(a, simulate_stop_cohort(StopTrialParams(n=20_000), seed=4))
    stopped = a["stop_months"].notna()
    assert stopped[a.marker == 1].mean() > stopped[a.marker == 0].mean() + 0.2
    assert (a.loc[stopped, "stop_months"] < a.loc[stopped, "pfs_months"]).all()


def test_clone_rows_by_hand():
    cohort = pd.DataFrame(
        {
            "patient": [0, 1, 2],
            "marker": [0, 0, 0],
            "stop_months": [2.0, np.nan, 10.0],
            "pfs_months": [30.0, 2.5, 40.0],
            "progressed": [1, 1, 0],
        }
    )
    r = clone_censor_weight(cohort, grace_months=3.0, interval_months=100.0, weighted=False)
    got = sorted(map(tuple, r[["patient", "arm", "start", "stop", "event"]].to_numpy().tolist()))
    assert got == [
        (0.0, 0.0, 0.0, 2.0, 0.0),  # continue: censored when she stops at 2
        (0.0, 1.0, 0.0, 3.0, 0.0),  # stop: stopped within grace; grace period row
        (0.0, 1.0, 3.0, 30.0, 1.0),  #        then followed to her progression
        (1.0, 0.0, 0.0, 2.5, 1.0),  # continue: progressed on therapy
        (1.0, 1.0, 0.0, 2.5, 1.0),  # stop: progressed within grace, still compliant
        (2.0, 0.0, 0.0, 10.0, 0.0),  # continue: censored at her stop at 10
        (2.0, 1.0, 0.0, 3.0, 0.0),
    ]  # stop: not stopped by the end of grace -> censored at 3


def test_weights_by_hand():
    """Stop arm: one over the share stopped by the grace period among those at risk then (per marker);
    continue arm: one over the Kaplan-Meier probability of not having stopped."""
    cohort = pd.DataFrame(
        {
            "patient": range(4),
            "marker": [0, 0, 0, 0],
            "stop_months": [1.0, np.nan, np.nan, 5.0],
            "pfs_months": [20.0, 20.0, 20.0, 20.0],
            "progressed": [0, 0, 0, 0],
        }
    )
    r = clone_censor_weight(cohort, grace_months=3.0, interval_months=2.0)
    after = r[(r.arm == 1) & (r.start == 3.0)]
    assert after["patient"].tolist() == [0] and after["weight"].item() == pytest.approx(4.0)  # 1 of 4
    cont = r[(r.arm == 0) & (r.patient == 1)].set_index("start")["weight"]
    # no stop before 1 month: weight 1; after the stop at 1 (1 of 4): 4/3; after 5 (1 of 3 left): 2
    assert cont.loc[0.0] == pytest.approx(1.0)
    assert cont.loc[2.0] == pytest.approx(4 / 3) and cont.loc[4.0] == pytest.approx(4 / 3)
    assert cont.loc[6.0] == pytest.approx(2.0)


def test_emulation_is_centred_on_the_truth_and_the_shortcuts_are_not():
    p = StopTrialParams()
    truth = true_stop_effect(p, seed=1).loc["rmst_difference", "value"]
    reps = pd.DataFrame(
        [
            emulate_stop_trial(simulate_stop_cohort(p, seed=1000 + k), hazard_ratio=False)["rmst_difference"]
            for k in range(150)
        ]
    )
    mean, se = reps.mean(), reps.std() / math.sqrt(len(reps))
    assert abs(mean["ccw_weighted"] - truth) < 3 * se["ccw_weighted"] + 0.1
    assert abs(mean["ccw_unweighted"] - truth) > 3 * se["ccw_unweighted"]
    assert mean["ever_stopped"] > 0 > truth  # immortal time and confounding turn harm into benefit


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="grace_months"):
        StopTrialParams(grace_months=100.0, horizon_months=60.0)
    with pytest.raises(TypeError, match="params"):
        simulate_stop_cohort({"n": 10}, seed=1)
    with pytest.raises(ValueError, match="stop_months"):
        clone_censor_weight(
            pd.DataFrame({"patient": [0], "marker": [0], "stop_months": [9.0], "pfs_months": [5.0], "progressed": [1]})
        )
    with pytest.raises(ValueError, match="cohort lacks"):
        emulate_stop_trial(pd.DataFrame({"patient": [0]}))
    with pytest.raises(ValueError, match="n must be"):
        true_stop_effect(seed=1, n=5)


def test_weighted_cox_fits_match_r(tmp_path):
    require_rscript("r-cran-survival")
    c = simulate_stop_cohort(StopTrialParams(n=600), seed=7)
    ours = emulate_stop_trial(c)
    ever = c["stop_months"].notna().astype(int)
    blocks = [
        pd.DataFrame(
            {
                "analysis": "ever_stopped",
                "patient": c.patient,
                "start": 0.0,
                "stop": c.pfs_months,
                "event": c.progressed,
                "arm": ever,
                "weight": 1.0,
            }
        )
    ]
    for name, weighted in (("ccw_unweighted", False), ("ccw_weighted", True)):
        rows = clone_censor_weight(c, weighted=weighted)
        blocks.append(rows.drop(columns="clone").assign(analysis=name))
    pd.concat(blocks).to_csv(tmp_path / "rows.csv", index=False, float_format="%.17g")
    proc = subprocess.run(
        ["Rscript", str(ROOT / "tests" / "r" / "stop_trial.R"), str(tmp_path / "rows.csv"), str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    ref = pd.read_csv(tmp_path / "out.csv", header=None, index_col=0)[1]
    for name in ours.index:
        assert ours.loc[name, "log_hr"] == pytest.approx(ref[f"{name}_beta"], abs=1e-6), name
        assert ours.loc[name, "se"] == pytest.approx(ref[f"{name}_robust_se"], abs=1e-6), name
