"""Self-checks for the exercises of the chapter "Selection and time".

Each returns a :class:`her2ned.checks.core.Feedback` (right or wrong, with a hint); none raises on a
wrong or malformed answer. Expected numbers are computed by :mod:`her2ned.bias` with the seeds the
exercises state, never typed in.
"""

from __future__ import annotations

from functools import lru_cache

from ..bias import compare_estimators, monte_carlo, predictor_odds_ratios
from ..estimands import true_effects
from ..simulate import SimulationParams
from .core import Feedback, check_choice, check_number

#: Exercise 1: one population with no effect of NED, late NED, seed 7.
EX1 = dict(params=SimulationParams(n=1000, hr_ned=1.0, ned_timing="late"), seed=7)
#: Exercise 3: predictor ORs in one large population, seed 1.
EX3 = dict(seed=1, n=100_000)
#: Exercise 4: no indolent subgroup, true HR 0.24, 200 replicates, seed 4.
EX4 = dict(params=SimulationParams(n=1000, indolent_fraction=0.0), n_replicates=200, seed=4)

WHY_EQUAL_OPTIONS = {
    "a": "Because nobody in the selected cohort has an event before 36 months, so every risk set is the same",
    "b": "Because lifelines ignores entry times in a Cox model",
    "c": "Because NED is always reached before 36 months",
    "d": "By chance in this seed; other seeds differ",
}

#: Exercise 6: NED does nothing but marks indolent disease (OR 4, an assumption), 200 replicates, seed 6.
EX6 = dict(params=SimulationParams(n=1000, hr_ned=1.0, or_ned_indolent=4.0), n_replicates=200, seed=6)
#: Exercise 7: the target-trial HR from the start of therapy in the default world, 400,000 patients, seed 7.
EX7 = dict(params=SimulationParams(), landmark_months=0.0, n=400_000, seed=7)

TIME_ZERO_OPTIONS = (
    "start of first-line therapy",
    "the date NED is confirmed",
    "36 months after the start of therapy",
    "the date of progression",
)


def ex1_naive_hr(answer) -> Feedback:
    """Exercise 1: the naive HR (two decimals) in :data:`EX1`.

    Examples
    --------
    >>> from her2ned.bias import compare_estimators
    >>> t = compare_estimators(EX1["params"], seed=EX1["seed"])
    >>> bool(ex1_naive_hr(round(t.loc[t.estimator == "naive", "hr"].item(), 2)))
    True
    """
    t = compare_estimators(EX1["params"], seed=EX1["seed"])
    expected = float(t.loc[t.estimator == "naive", "hr"].item())
    return check_number(
        answer,
        expected,
        abs_tol=0.006,
        rel_tol=0,
        name="naive HR",
        hint="Use compare_estimators(EX1['params'], seed=EX1['seed']) and read the 'hr' "
        "of the row 'naive'; give two decimals.",
        explanation=f"{expected:.2f}: well below 1 although NED does nothing here.",
    )


def ex2_why_equal(answer) -> Feedback:
    """Exercise 2: why estimates (b) and (c) coincide. Answer with a letter from ``WHY_EQUAL_OPTIONS``.

    Examples
    --------
    >>> bool(ex2_why_equal("a"))
    True
    """
    return check_choice(
        answer,
        "a",
        allowed=list(WHY_EQUAL_OPTIONS),
        name="letter",
        hint="Write down the risk set at an event time after 36 months with and without "
        "delayed entry. Who is in one and not the other?",
        explanation="The partial likelihood only looks at risk sets at event "
        "times, all after 36 months, and everyone selected is at risk from "
        "36 months either way.",
    )


@lru_cache(maxsize=1)
def _ex3_expected() -> float:
    t = predictor_odds_ratios(**EX3)
    return float(t.loc[(t.predictor == "ECOG 0 vs 1") & (t.cohort == "whole population"), "or"].item())


def ex3_ecog_or_whole(answer) -> Feedback:
    """Exercise 3: the OR of NED for ECOG 0 vs 1 in the whole population of :data:`EX3`.

    Examples
    --------
    >>> bool(ex3_ecog_or_whole(5.99))   # the true OR, not the one seen in the whole population
    False
    """
    expected = _ex3_expected()
    return check_number(
        answer,
        expected,
        rel_tol=0.02,
        name="odds ratio",
        hint="predictor_odds_ratios(seed=1, n=100_000): the row 'ECOG 0 vs 1', cohort 'whole population'.",
        explanation=f"{expected:.2f}: smaller than among the selected, because in the "
        "whole population many who could reach NED progress first.",
    )


@lru_cache(maxsize=1)
def _ex4_expected() -> float:
    mc = monte_carlo(EX4["params"], n_replicates=EX4["n_replicates"], seed=EX4["seed"], progress=False)
    return float(mc.summary.loc["time_dependent", "mean_hr"])


def ex4_time_dependent_mean(answer) -> Feedback:
    """Exercise 4: mean HR of the time-dependent estimator without the indolent subgroup (:data:`EX4`).

    Examples
    --------
    >>> bool(ex4_time_dependent_mean(round(_ex4_expected(), 2)))
    True
    """
    expected = _ex4_expected()
    return check_number(
        answer,
        expected,
        abs_tol=0.006,
        rel_tol=0,
        name="mean HR",
        hint="monte_carlo(EX4['params'], n_replicates=200, seed=4) and read summary.loc['time_dependent', 'mean_hr'].",
        explanation=f"{expected:.2f}: close to the true 0.24 once every patient shares one baseline hazard.",
    )


def ex5_time_zero(answer) -> Feedback:
    """Exercise 5: time zero of a target trial of stopping anti-HER2 therapy at NED.

    Examples
    --------
    >>> bool(ex5_time_zero("the date NED is confirmed"))
    True
    """
    return check_choice(
        answer,
        "the date NED is confirmed",
        allowed=TIME_ZERO_OPTIONS,
        name="time zero",
        hint="Time zero is when eligibility is met and the strategies (stop or continue) start to differ.",
        explanation="At confirmed NED a patient becomes eligible and the strategies "
        "diverge; starting the clock earlier or later recreates immortal time.",
    )


@lru_cache(maxsize=1)
def _ex6_expected() -> float:
    mc = monte_carlo(
        EX6["params"],
        n_replicates=EX6["n_replicates"],
        seed=EX6["seed"],
        progress=False,
        estimators=("time_dependent",),
    )
    return float(mc.summary.loc["time_dependent", "mean_hr"])


def ex6_confounded_time_dependent(answer) -> Feedback:
    """Exercise 6: mean HR of the time-dependent analysis when NED only marks slow disease (:data:`EX6`).

    Examples
    --------
    >>> bool(ex6_confounded_time_dependent(1.0))   # the truth, not what the analysis reports
    False
    """
    expected = _ex6_expected()
    return check_number(
        answer,
        expected,
        abs_tol=0.006,
        rel_tol=0,
        name="mean HR",
        hint="monte_carlo(EX6['params'], n_replicates=200, seed=6) and read summary.loc['time_dependent', 'mean_hr'].",
        explanation=f"{expected:.2f}: below 1 although NED does nothing. The timing of NED "
        "is handled correctly; what is left is confounding by disease type, "
        "which only stratifying on it, (g), removes.",
    )


@lru_cache(maxsize=1)
def _ex7_expected() -> float:
    return float(true_effects(**EX7).loc["trial_hr", "value"])


def ex7_trial_hr(answer) -> Feedback:
    """Exercise 7: the target-trial HR from the start of therapy in the default world (:data:`EX7`).

    Examples
    --------
    >>> bool(ex7_trial_hr(0.24))   # the conditional HR, not the trial's
    False
    """
    expected = _ex7_expected()
    return check_number(
        answer,
        expected,
        abs_tol=0.006,
        rel_tol=0,
        name="target-trial HR",
        hint="true_effects(**EX7) and read the row 'trial_hr', column 'value'.",
        explanation=f"{expected:.2f}: above the conditional 0.24, because a marginal Cox "
        "HR over a mixture of fast and slow disease is pulled towards 1 "
        "(non-collapsibility); in this world the time-dependent analysis "
        "happens to land near it.",
    )
