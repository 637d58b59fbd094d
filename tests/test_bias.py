"""The bias lab: estimator definitions, agreement with lifelines, and the Monte Carlo behaviour.

Every population is synthetic (``her2ned.simulate``). The lifelines reference numbers are computed
in the tests by lifelines 0.30 on the same rows (``her2ned.bias.lifelines_estimates``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from her2ned.bias import (
    ESTIMATORS,
    compare_estimators,
    estimate_all,
    estimator_rows,
    induced_association,
    lifelines_estimates,
    monte_carlo,
    predictor_odds_ratios,
    summarise_replicates,
)
from her2ned.simulate import SimulationParams, simulate_arrays

TIGHT = {"precision": 1e-16, "r_precision": 1e-18}


@pytest.fixture(scope="module")
def null_mc():
    """Fixed seed, true HR of NED = 1, 400 replicates of 1,000 patients, NED timing 'late'."""
    params = SimulationParams(n=1000, hr_ned=1.0, ned_timing="late")
    return monte_carlo(params, n_replicates=400, seed=20260306, progress=False)


def test_null_effect_naive_is_biased_landmark_and_time_dependent_are_not(null_mc):
    """Must-show: with no effect of NED, the naive HR lies well below 1; landmark and
    time-dependent estimates are centred on 1 with coverage near 95 %."""
    s = null_mc.summary
    # naive: guarantee-time bias makes NED look strongly protective; coverage collapses
    assert s.loc["naive", "mean_hr"] < 0.7
    assert s.loc["naive", "coverage"] < 0.05
    for est in ("landmark", "time_dependent"):
        # centred on log HR 0: within 3 Monte Carlo SEs (plus 0.01 on the log scale)
        assert abs(s.loc[est, "bias_log_hr"]) < 3 * s.loc[est, "mc_se_bias"] + 0.01
        # 95 % coverage: 400 replicates give a Monte Carlo SE of about 1.1 points
        assert 0.92 <= s.loc[est, "coverage"] <= 0.98
        # the model SE describes the spread of the estimates
        assert s.loc[est, "mean_model_se"] == pytest.approx(s.loc[est, "empirical_se"], rel=0.15)
    assert (s["failed"] == 0).all()


def test_null_effect_late_ned_biases_the_study_design(null_mc):
    """With late NED (median 24 months, assumption), NED reached after 36 months is immortal time
    inside the selected cohort, so the study's design still favours NED."""
    s = null_mc.summary
    assert s.loc["study", "bias_log_hr"] < -4 * s.loc["study", "mc_se_bias"]
    assert s.loc["study", "mean_hr"] < s.loc["landmark", "mean_hr"]


def test_left_truncation_equals_study_design_exactly(null_mc):
    """Nobody selected has an event before entry, so delayed entry leaves every risk set unchanged."""
    r = null_mc.replicates.set_index(["replicate", "estimator"])["log_hr"].unstack()
    np.testing.assert_allclose(r["left_truncated"], r["study"], atol=1e-9)


def test_early_ned_makes_the_study_design_a_landmark():
    """When NED is settled before 36 months, selecting at 36 and comparing NED ever is a landmark
    analysis at 36: centred on the truth (1) under the null."""
    params = SimulationParams(n=1000, hr_ned=1.0, ned_timing="early")
    s = monte_carlo(params, n_replicates=200, seed=5, progress=False).summary
    assert abs(s.loc["study", "bias_log_hr"]) < 3 * s.loc["study", "mc_se_bias"] + 0.01
    assert s.loc["naive", "mean_hr"] < 0.8


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_estimates_match_lifelines(seed):
    """All seven fast estimates agree with lifelines fitted to the same population to 1e-6."""
    params = SimulationParams(n=600, hr_ned=0.5, ned_timing="late" if seed == 2 else 9.0)
    pop = simulate_arrays(params, np.random.default_rng(seed))
    fast = estimate_all(pop, threshold_months=36.0, landmark_months=18.0, estimators=ESTIMATORS).set_index("estimator")
    ref = lifelines_estimates(
        pop, threshold_months=36.0, landmark_months=18.0, fit_options=TIGHT, estimators=ESTIMATORS
    )
    for est in ESTIMATORS:
        assert fast.loc[est, "log_hr"] == pytest.approx(ref.loc[est, "log_hr"], abs=1e-6), est
        assert fast.loc[est, "se"] == pytest.approx(ref.loc[est, "se"], abs=1e-6), est


def test_monte_carlo_replicates_equal_single_population_fits():
    """A batch of replicates fitted together equals each population fitted alone."""
    params = SimulationParams(n=400, hr_ned=0.7)
    rng = np.random.default_rng(9)
    pop = simulate_arrays(params, rng, n=5 * 400)
    group = np.repeat(np.arange(5), 400)
    together = estimate_all(pop, group=group)
    for g in range(5):
        alone = estimate_all({k: v[group == g] for k, v in pop.items()})
        np.testing.assert_allclose(
            together.loc[together.replicate == g, "log_hr"].to_numpy(), alone["log_hr"].to_numpy(), atol=1e-10
        )


def test_estimator_rows_definitions():
    pop = {
        "ned": np.array([1, 1, 0, 0]),
        "time_to_ned": np.array([5.0, 30.0, np.nan, np.nan]),
        "pfs_months": np.array([50.0, 40.0, 10.0, 37.0]),
        "progressed": np.array([1, 0, 1, 1]),
    }
    naive = estimator_rows(pop, "naive")
    assert naive["x"].tolist() == [1, 1, 0, 0] and naive["stop"].tolist() == [50, 40, 10, 37]
    study = estimator_rows(pop, "study", threshold_months=36)
    assert study["stop"].tolist() == [50, 40, 37]
    lt = estimator_rows(pop, "left_truncated", threshold_months=36)
    assert lt["entry"].tolist() == [36, 36, 36]
    lm = estimator_rows(pop, "landmark", landmark_months=24)
    assert lm["x"].tolist() == [1, 0, 0]  # NED at 30 months is not NED at the landmark
    assert lm["stop"].tolist() == [26, 16, 13]  # time from the landmark
    td = estimator_rows(pop, "time_dependent")
    assert sorted(zip(td["entry"].tolist(), td["stop"].tolist(), td["x"].tolist())) == sorted(
        [
            (-math.inf, 5.0, 0),
            (-math.inf, 30.0, 0),
            (-math.inf, 10.0, 0),
            (-math.inf, 37.0, 0),
            (5.0, 50.0, 1),
            (30.0, 40.0, 1),
        ]
    )
    # the pre-NED rows never carry the event
    assert td["event"][td["x"] == 0].tolist() == [False, False, True, True]


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(estimator="oracle"), ValueError, "estimator must be one of"),
        (
            dict(estimator="naive", threshold_months=-1),
            ValueError,
            "threshold_months must be a finite number of months",
        ),
        (dict(estimator="naive", landmark_months="12"), TypeError, "landmark_months must be a number"),
    ],
)
def test_estimator_rows_validates(kwargs, err, match):
    pop = simulate_arrays(None, np.random.default_rng(0), n=50)
    with pytest.raises(err, match=match):
        estimator_rows(pop, **kwargs)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="time_to_ned"):
        estimate_all(pd.DataFrame({"ned": [1], "pfs_months": [3.0], "progressed": [1]}))


def test_compare_estimators_is_reproducible_and_labelled():
    a = compare_estimators(SimulationParams(n=800), seed=4)
    b = compare_estimators(SimulationParams(n=800), seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert list(a["estimator"]) == list(ESTIMATORS)
    assert (a["true_hr"] == SimulationParams().hr_ned).all() and a.attrs["synthetic"]


def test_summary_coverage_counts_by_hand():
    reps = pd.DataFrame(
        {
            "estimator": ["naive"] * 4,
            "log_hr": [0.0, 0.1, -0.5, 1.0],
            "se": [0.1, 0.1, 0.1, 0.1],
            "converged": [True, True, True, False],
        }
    )
    s = summarise_replicates(reps, true_hr=1.0)
    assert s.loc["naive", "coverage"] == pytest.approx(2 / 3)
    assert s.loc["naive", "failed"] == 1
    assert s.loc["naive", "bias_log_hr"] == pytest.approx((0.0 + 0.1 - 0.5) / 3)
    with pytest.raises(ValueError, match="true_hr"):
        summarise_replicates(reps, true_hr=0)


def test_monte_carlo_validates():
    with pytest.raises(ValueError, match="n_replicates"):
        monte_carlo(n_replicates=0, seed=1)
    with pytest.raises(TypeError, match="params"):
        monte_carlo({"n": 10}, n_replicates=1, seed=1)


def test_selection_moves_predictor_odds_ratios():
    """In the whole population NED competes with early progression, which dilutes the ORs; among
    those progression-free at 24 or 36 months most who could reach NED did, and the ORs approach the
    simulator's true ORs of being able to reach NED."""
    t = predictor_odds_ratios(seed=2, n=100_000).set_index(["predictor", "cohort"])
    for pred in ("ECOG 0 vs 1", "IHC 3+ vs 2+/ISH+"):
        whole = t.loc[(pred, "whole population"), "or"]
        sel36 = t.loc[(pred, "PF at 36 months"), "or"]
        assert whole < sel36 < t.loc[(pred, "whole population"), "true_or"] * 1.1
        assert whole < 0.8 * sel36
    assert t.loc[("grade <= 2 vs 3", "whole population"), "or"] > t.loc[("grade <= 2 vs 3", "PF at 36 months"), "or"]


def test_collider_links_independent_predictors():
    t = induced_association(seed=3, n=400_000).set_index("cohort")
    assert abs(t.loc["whole population", "or_ecog0_ihc3"] - 1) < 0.05
    assert t.loc["PF at 36 months", "or_ecog0_ihc3"] > t.loc["whole population", "or_ecog0_ihc3"]
    # Bayes' rule, not the code: for factors independent in the population, the selected cohort's OR is
    # the population OR times the factors' multiplicative interaction on the chance of selection
    # (Greenland 2003). The identity holds cell by cell, so to rounding error.
    for cohort in ("PF at 24 months", "PF at 36 months"):
        assert t.loc[cohort, "or_ecog0_ihc3"] == pytest.approx(
            t.loc["whole population", "or_ecog0_ihc3"] * t.loc[cohort, "selection_interaction"], rel=1e-12
        )
        assert t.loc[cohort, "selection_interaction"] > 1  # hence OR > 1: the favourable factors go together


# ---------------------------------------------------------------- panel and twin (headless)


def test_lab_estimates_validates_ranges():
    from her2ned.widgets.bias import lab_estimates

    with pytest.raises(ValueError, match="hr_ned must be between 0.2 and 1.5"):
        lab_estimates(hr_ned=3.0)
    with pytest.raises(ValueError, match="ned_timing must be one of"):
        lab_estimates(ned_timing="never")
    with pytest.raises(ValueError, match="n must be an integer between 200 and 5000"):
        lab_estimates(n=10)
    with pytest.raises(ValueError, match="landmark_months must be between"):
        lab_estimates(landmark_months=0)
    with pytest.raises(ValueError, match="confounding must be between 1.0 and 10.0"):
        lab_estimates(confounding=0.5)
    with pytest.raises(ValueError, match="estimand must be one of"):
        lab_estimates(estimand="marginal")


def test_panel_recomputes_when_controls_move():
    from her2ned.widgets.bias import bias_lab_panel

    panel = bias_lab_panel(n=500)
    first = panel.table.copy()
    assert (first["true_hr"] == 1.0).all()
    panel.hr_ned.value = 0.5
    assert (panel.table["true_hr"] == 0.5).all()
    panel.threshold.value = 24
    panel.timing.value = "early"
    panel.landmark.value = 12
    assert (
        panel.table.loc[panel.table.estimator == "study", "n_patients"].item()
        > first.loc[first.estimator == "study", "n_patients"].item()
    )
    # the confounder moves the estimates; the estimand toggle moves the truth, not the estimates
    before = panel.table.set_index("estimator")["hr"]
    panel.confounding.value = 6.0
    moved = panel.table.set_index("estimator")["hr"]
    assert (moved != before).any()
    panel.estimand.value = "trial_hr"
    assert panel.table["true_hr"].iloc[0] == panel.table.attrs["estimands"]["trial_hr"] != 0.5
    pd.testing.assert_series_equal(panel.table.set_index("estimator")["hr"], moved)
    panel.estimand.value = "trial_hr_start"
    assert panel.table["true_hr"].iloc[0] == panel.table.attrs["estimands"]["trial_hr_start"]
    assert "<img" in panel.figure.value
    with pytest.raises(ValueError, match="confounding"):
        bias_lab_panel(confounding=20.0)


def test_twin_has_one_frame_per_setting():
    from her2ned.widgets.bias import TWIN_GRID, bias_lab_twin

    assert len(TWIN_GRID) <= 16
    twin = bias_lab_twin(grid=TWIN_GRID[:2], n=300)
    caption, slider, stack = twin.children
    assert len(stack.children) == 2 and len(slider.options) == 2
    assert all("<img" in f.value for f in stack.children)


def test_grade_effect_wrapper_is_neutral_at_one_and_shortens_grade3_pfs():
    from her2ned.bias import simulate_with_grade_effect

    p = SimulationParams(hr_ned=1.0)
    a = simulate_with_grade_effect(p, np.random.default_rng(1), n=100_000, hr_grade3=2.0)
    g3 = a["grade"] == 3
    assert abs(g3.mean() - p.p_grade3) < 0.01
    # with equal baseline otherwise, grade 3 PFS is clearly shorter
    assert np.median(a["pfs_months"][g3]) < 0.8 * np.median(a["pfs_months"][~g3])
    b = simulate_with_grade_effect(p, np.random.default_rng(1), n=100_000, hr_grade3=1.0)
    g3 = b["grade"] == 3
    assert np.median(b["pfs_months"][g3]) == pytest.approx(np.median(b["pfs_months"][~g3]), rel=0.05)
    with pytest.raises(ValueError, match="hr_grade3 must be"):
        simulate_with_grade_effect(p, np.random.default_rng(1), n=100, hr_grade3=0)


def test_selection_can_flip_the_sign_of_a_predictor():
    """Grade with no effect on NED (OR 1) but a direct effect on progression (HR 2, assumption):
    the whole population shows grade <= 2 favouring NED; among those progression-free at 36 months
    grade 3 appears to favour NED -- the direction of the study's surprising finding."""
    t = predictor_odds_ratios(SimulationParams(or_grade_le2=1.0), seed=4, n=200_000, hr_grade3=2.0)
    g = t[t.predictor == "grade <= 2 vs 3"].set_index("cohort")
    assert g.loc["whole population", "ci_low"] > 1.2
    assert g.loc["PF at 36 months", "ci_high"] < 1.0


# ---------------------------------------------------------------- exercise self-checks


def test_self_checks_accept_right_and_reject_wrong_answers():
    from her2ned.checks import bias as checks

    t = compare_estimators(checks.EX1["params"], seed=checks.EX1["seed"])
    naive = round(t.loc[t.estimator == "naive", "hr"].item(), 2)
    assert checks.ex1_naive_hr(naive)
    wrong = checks.ex1_naive_hr(1.0)
    assert not wrong and "compare_estimators" in wrong.message
    assert not checks.ex1_naive_hr("about one")  # malformed: a message, not an exception
    assert checks.ex2_why_equal("A") and not checks.ex2_why_equal("c")
    assert "must be one of" in checks.ex2_why_equal("z").message
    assert checks.ex5_time_zero("The date NED is confirmed")
    assert not checks.ex5_time_zero("start of first-line therapy")
    expected = checks._ex3_expected()
    assert checks.ex3_ecog_or_whole(round(expected, 2)) and not checks.ex3_ecog_or_whole(5.99)
    td = checks._ex4_expected()
    assert checks.ex4_time_dependent_mean(round(td, 2)) and not checks.ex4_time_dependent_mean(0.5)
    # exercises 6 and 7, computed the way the exercise tells the student to (all estimators, the table)
    mc6 = monte_carlo(
        checks.EX6["params"], n_replicates=checks.EX6["n_replicates"], seed=checks.EX6["seed"], progress=False
    )
    td6 = round(float(mc6.summary.loc["time_dependent", "mean_hr"]), 2)
    assert checks.ex6_confounded_time_dependent(td6) and not checks.ex6_confounded_time_dependent(1.0)
    from her2ned.estimands import true_effects

    trial = round(float(true_effects(**checks.EX7).loc["trial_hr", "value"]), 2)
    assert checks.ex7_trial_hr(trial) and not checks.ex7_trial_hr(0.24)


def test_panel_shows_a_message_not_a_traceback_when_nothing_can_be_estimated(monkeypatch):
    import her2ned.widgets.bias as wb

    panel = wb.bias_lab_panel(n=300)
    assert "<img" in panel.figure.value
    failed = panel.table.assign(converged=False)
    monkeypatch.setattr(wb, "lab_estimates", lambda **kw: failed)
    panel.seed.value = 2  # triggers a redraw with every fit failed
    assert panel.table is None and panel.figure.value == ""
