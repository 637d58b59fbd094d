"""Bad input, fuzzed: every public function of ``her2ned`` fed wrong types, NaN, infinities, empty and huge values.

For each public function (``__all__``, or every public name defined in the module) and each of its
parameters, hypothesis draws a bad value and puts it in place of that parameter in an otherwise valid
call (``VALID`` below). The call must return, or raise ``ValueError`` or ``TypeError`` whose message names
the parameter. Any other exception fails, and so does a call still running after ``LIMIT_S`` seconds
(a hang, or a huge input taken at its word). Examples are derandomised, so CI sees the same cases every run.

Where a valid call is slow (the reconstruction's searches, the Monte Carlo runners), the drawn values are
only ones that must be refused (wrong types, NaN, infinities, negative numbers), so that an accepted
value cannot start a minutes-long computation.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import math
import pkgutil
import re
import resource
import signal
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import her2ned  # noqa: E402

LIMIT_S = 20

REFUSED = [None, "x", "", object(), [], {}, float("nan"), float("inf"), -float("inf"), -1, -1e308, (1, "a")]
"""Values no parameter of this package accepts as a number, a table, a seed or a name."""

BAD = st.one_of(
    st.sampled_from(REFUSED + [True, 0, 10**12, 1e308, 2**63, [float("nan")] * 3, "NaN"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.text(max_size=4),
    st.lists(st.one_of(st.floats(allow_nan=True), st.none(), st.text(max_size=2)), max_size=4),
    st.builds(pd.DataFrame),
    st.just(np.array([])),
    st.just(np.full(4, np.nan)),
    st.just(pd.DataFrame({"x": [np.nan, np.inf]})),
)


@functools.cache
def cohort():
    from her2ned.datasets import load_csv
    from her2ned.models import add_model_columns

    return add_model_columns(load_csv("reconstructed", "tog2026_cohort.csv"), entry_months=36)


@functools.cache
def population():
    from her2ned.simulate import SimulationParams, simulate_population

    return simulate_population(SimulationParams(n=600), seed=1)


@functools.cache
def cure_cohort():
    from her2ned.cure import simulated_cohort

    return simulated_cohort(cure_fraction=0.3, follow_up_months=120.0, n_selected=200, seed=5)


@functools.cache
def detection_rows():
    from her2ned.cure import cure_detection

    return cure_detection(replicates=2, seed=1, progress=False)


@functools.cache
def arrays():
    from her2ned.simulate import simulate_arrays

    return simulate_arrays(None, np.random.default_rng(0), n=600)


@functools.cache
def small_mc():
    from her2ned.bias import monte_carlo
    from her2ned.simulate import SimulationParams

    return monte_carlo(SimulationParams(n=300), n_replicates=3, seed=1, progress=False)


@functools.cache
def assessment():
    from her2ned.recist import Patient, TargetLesion, assess

    return assess(Patient([0, 8, 16], [TargetLesion("liver 1", "liver", [20, 12, 0])]))


@functools.cache
def recist_cohort():
    from her2ned.recist_cohort import simulate_cohort

    return simulate_cohort(10, seed=1)


def _targets():
    from her2ned.reconstruct import targets_from_claims

    return targets_from_claims()


def _rng():
    return np.random.default_rng(1)


@functools.cache
def stop_cohort():
    from her2ned.stop_at_ned import StopTrialParams, simulate_stop_cohort

    return simulate_stop_cohort(StopTrialParams(n=300), seed=1)


@functools.cache
def study_cohort():
    from her2ned.simulate import SimulationParams, select_cohort, simulate_population

    return select_cohort(simulate_population(SimulationParams(n=3000), seed=1))


@functools.cache
def simulated_cohort():
    from her2ned.simulate import simulate_cohort_arrays

    return simulate_cohort_arrays(None, np.random.default_rng(2), 118)


# A valid call for every function with required parameters (lambdas: built when needed, fresh each call).
VALID = {
    "bias.estimator_rows": lambda: dict(population=arrays(), estimator="naive"),
    "bias.estimate_all": lambda: dict(population=arrays()),
    "bias.compare_estimators": lambda: dict(seed=1),
    "bias.monte_carlo": lambda: dict(seed=1, n_replicates=2, progress=False),
    "bias.summarise_replicates": lambda: dict(replicates=small_mc().replicates, true_hr=0.5),
    "bias.summarise_against": lambda: dict(replicates=small_mc().replicates, truths={"conditional_hr": 0.5}),
    "estimands.true_effects": lambda: dict(seed=1, n=10_000),
    "estimands.trial_hr": lambda: dict(
        t1=np.arange(1.0, 401.0), event1=np.ones(400, bool), t0=np.arange(1.0, 401.0) / 2, event0=np.ones(400, bool)
    ),
    "models.fast.km_rmst": lambda: dict(times=np.array([0.0, 2.0]), surv=np.array([1.0, 0.5]), horizon=4.0),
    "fastcox.cox_binary_weighted": lambda: dict(
        stop=[1.0, 2, 3, 4], event=[1, 1, 1, 0], x=[1, 0, 1, 0], weight=[1.0, 2, 1, 1]
    ),
    "stop_at_ned.simulate_stop_cohort": lambda: dict(seed=1),
    "stop_at_ned.true_stop_effect": lambda: dict(seed=1, n=10_000),
    "stop_at_ned.clone_censor_weight": lambda: dict(cohort=stop_cohort()),
    "stop_at_ned.emulate_stop_trial": lambda: dict(cohort=stop_cohort()),
    "study_analyses.landmark_weights": lambda: dict(cohort=study_cohort()),
    "study_analyses.study_analyses": lambda: dict(cohort=study_cohort()),
    "bias.lifelines_estimates": lambda: dict(population=arrays(), estimators=("naive",)),
    "bias.predictor_odds_ratios": lambda: dict(seed=1, n=20_000),
    "bias.induced_association": lambda: dict(seed=1, n=20_000),
    "bias.simulate_with_grade_effect": lambda: dict(params=None, rng=_rng(), n=500),
    "claims.parse_p": lambda: dict(p="< 0.005"),
    "claims.load_ledger_file": lambda: dict(path=her2ned.datasets.data_path("published", "tog2026.yaml")),
    "feasible.witness_name": lambda: dict(quantity="share_ecog0", end="low"),
    "feasible.unreported": lambda: dict(df=cohort()),
    "feasible.feasible_starts": lambda: dict(rng=_rng(), targets=_targets(), n_starts=1),
    "feasible.push_share": lambda: dict(
        cells=np.full((2, 32), 2), quantity="share_ecog0", end="low", rng=_rng(), targets=_targets()
    ),
    "feasible.events_scan": lambda: dict(df=cohort(), group=1, rng=_rng(), targets=_targets()),
    "feasible.search_region": lambda: dict(cohort=cohort()),
    "feasible.range_table": lambda: dict(
        witnesses=dict(list(her2ned.feasible.load_witnesses().items())[:2]), cohort=cohort()
    ),
    "feasible.conclusion_measures": lambda: dict(df=cohort()),
    "feasible.conclusion_table": lambda: dict(
        witnesses=dict(list(her2ned.feasible.load_witnesses().items())[:1]), cohort=cohort()
    ),
    "feasible.format_range_csv": lambda: dict(ranges=her2ned.feasible.committed_ranges()),
    "followup.scenario_assumptions": lambda: dict(scenario={"loss_rate_per_year": 0.1}),
    "followup.scenario_row": lambda: dict(cohort=cohort(), scenario={}, seed=1, draws=5),
    "followup.scenario_table": lambda: dict(cohort=cohort(), draws=5),
    "followup.followup_table": lambda: dict(cohort=cohort(), draws=5),
    "followup.format_scenarios_csv": lambda: dict(table=pd.DataFrame({"a": [1.0]})),
    "fastcox.cox_binary": lambda: dict(stop=[1.0, 2, 3, 4], event=[1, 1, 0, 1], x=[1, 0, 1, 0]),
    "fastcox.risk_set_terms": lambda: dict(stop=[1.0, 2, 3], event=[1, 1, 0], x=[1, 0, 0]),
    "her2.ish_group": lambda: dict(ratio=2.5, copies=5.0),
    "models.core.ratio_summary": lambda: dict(
        terms=["x"], ratio="odds_ratio", coef=np.array([0.5]), se=np.array([0.2])
    ),
    "results.table_html": lambda: dict(table=pd.DataFrame({"term": ["x"], "p_value": [0.01]})),
    "models.core.logistic_table": lambda: dict(df=cohort(), outcome="ned", predictors=["ecog0", "ihc3"]),
    "models.core.km_medians": lambda: dict(df=cohort(), duration="pfs_months", event="progressed", group="ned"),
    "models.core.logrank_test": lambda: dict(df=cohort(), duration="pfs_months", event="progressed", group="ned"),
    "models.core.cox_table": lambda: dict(df=cohort(), duration="pfs_months", event="progressed", covariates=["ned"]),
    "models.core.add_model_columns": lambda: dict(df=cohort()),
    "models.fast.logit_newton": lambda: dict(X=np.c_[np.ones(6), [0, 1, 0, 1, 1, 0]], y=np.array([0, 1, 1, 0, 1, 0])),
    "models.fast.wald_p": lambda: dict(beta=np.array([0.5, -1.2]), se=np.array([0.2, 0.4])),
    "models.fast.logrank_statistic": lambda: dict(time=[1.0, 2, 3, 4], event=[1, 1, 0, 1], group=[0, 1, 0, 1]),
    "models.fast.cox_fit": lambda: dict(
        time=np.array([5.0, 8, 12, 3, 9, 20]),
        event=np.array([1, 1, 1, 1, 0, 1]),
        X=np.array([[0, 1], [0, 0], [0, 1], [1, 0], [1, 0], [1, 1]]),
    ),
    "models.fast.cox_one": lambda: dict(
        time=np.array([1.0, 2, 3, 4]), event=np.array([1, 1, 0, 1]), x=np.array([1.0, 0, 1, 0])
    ),
    "models.fast.km_curve": lambda: dict(time=np.array([1.0, 2, 3]), event=np.array([1, 0, 1])),
    "models.fast.km_median": lambda: dict(times=np.array([0.0, 1, 2]), surv=np.array([1.0, 0.6, 0.3])),
    "models.firth.firth_logistic": lambda: dict(
        X=np.c_[np.ones(6), [0, 1, 0, 1, 1, 0]], y=np.array([0, 1, 1, 0, 1, 0])
    ),
    "models.firth.firth_logistic_table": lambda: dict(df=cohort(), outcome="ned", predictors=["ecog0"]),
    "models.ph.ph_table": lambda: dict(df=cohort(), duration="pfs_months", event="progressed", covariates=["ned"]),
    "models.published.se_from_ratio_p": lambda: dict(ratio=0.24, p=0.003),
    "models.published.ci_from_ratio_p": lambda: dict(ratio=0.24, p=0.003),
    "repeat.repeat_study": lambda: dict(seed=1, n_studies=2),
    "plots.bias.plot_estimates": lambda: dict(table=her2ned.bias.compare_estimators(seed=1)),
    "plots.bias.plot_monte_carlo": lambda: dict(mc=small_mc()),
    "plots.bias.plot_predictor_ors": lambda: dict(table=her2ned.bias.predictor_odds_ratios(seed=1, n=20_000)),
    "plots.cohort.plot_ensemble_spread": lambda: dict(
        ens=her2ned.datasets.load_csv("reconstructed", "tog2026_ensemble.csv")
    ),
    "plots.cohort.plot_feasible_ranges": lambda: dict(ranges=her2ned.feasible.committed_ranges()),
    "plots.forest.plot_forest": lambda: dict(table=her2ned.models.published.published_ci_table().summary.iloc[:3]),
    "plots.forest.plot_estimate_spread": lambda: dict(estimates={"ecog0": np.array([2.0, 5.0, 8.0])}),
    "plots.her2.plot_two_proportions": lambda: dict(result=her2ned.power.compare_proportions(19, 117, 211, 458)),
    "plots.her2.plot_power_curve": lambda: dict(events=129),
    "plots.recist.plot_spider": lambda: dict(long=recist_cohort().long),
    "plots.recist.plot_waterfall": lambda: dict(summary=recist_cohort().summary),
    "plots.recist.plot_patient": lambda: dict(assessment=assessment()),
    "plots.survival.plot_km": lambda: dict(df=cohort()),
    "models.fast.numbers_at_risk": lambda: dict(duration=[5.0, 10, 40], times=[0, 36]),
    "power.counts_matching": lambda: dict(percent=16.24, n=117, decimals=2),
    "power.consistent_splits": lambda: dict(total=575, group_a=[(16.24, 2)], group_b=[(46.07, 2)]),
    "power.compare_proportions": lambda: dict(k1=19, n1=117, k2=211, n2=458),
    "power.power_two_proportions": lambda: dict(p1=0.2, p2=0.4, n1=100, n2=100),
    "power.hazard_from_median": lambda: dict(median=12.0),
    "power.event_probability": lambda: dict(median=12.0, followup_min=6.0, followup_max=24.0),
    "power.logrank_power": lambda: dict(hr=0.7, events=100),
    "power.events_for_power": lambda: dict(hr=0.7),
    "power.detectable_hr": lambda: dict(events=100),
    "power.implied_events": lambda: dict(hr=0.7, p=0.04),
    "power.compare_medians": lambda: dict(
        median_a=16.0, median_b=13.9, n_a=112, n_b=100, followup_min=0, followup_max=60
    ),
    "power.simulated_logrank_power": lambda: dict(
        median_a=16.0, median_b=13.9, n_a=50, n_b=50, followup_min=0, followup_max=60, n_sim=20
    ),
    "proportions.wilson_interval": lambda: dict(k=5, n=20),
    "recist.check_baseline": lambda: dict(targets=[her2ned.recist.TargetLesion("liver 1", "liver", [20])]),
    "recist.target_response": lambda: dict(values=[35.0], nodal=[False], baseline_sum=50, nadir=50),
    "recist.non_target_response": lambda: dict(statuses=["present"], names=["bone"]),
    "recist.overall_response": lambda: dict(target="CR", non_target="CR", new_lesion=False),
    "recist.assess": lambda: dict(
        patient=her2ned.recist.Patient([0, 8], [her2ned.recist.TargetLesion("liver 1", "liver", [20, 10])])
    ),
    "recist.best_overall_response": lambda: dict(assessment=assessment()),
    "recist.radiologic_ned": lambda: dict(assessment=assessment()),
    "recist_cohort.p_lesion_seen": lambda: dict(true_mm=4.0),
    "recist_cohort.p_node_called_normal": lambda: dict(true_short_axis_mm=9.0),
    "recist_cohort.measure": lambda: dict(true_mm=30.0, nodal=False, rng=_rng()),
    "reconstruct.covariates.search_covariates": lambda: dict(
        rng=_rng(), targets=_targets(), n=118, n_ned=55, kicks=30, restarts=2
    ),
    "reconstruct.table.complete_table": lambda: dict(
        rng=_rng(), targets=_targets(), cells=np.array([[28] + [1] * 27 + [0] * 4, [32] + [1] * 31])
    ),
    "reconstruct.ages.search_ages": lambda: dict(rng=_rng(), targets=_targets(), n=118, n_ned=55),
    "reconstruct.pfs.search_pfs": lambda: dict(
        rng=_rng(),
        targets=_targets(),
        ned=cohort().ned,
        local_therapy=cohort().local_therapy,
        tp=cohort().tp,
        draws=200,
    ),
    "reconstruct.verify.reproduced_values": lambda: dict(df=cohort()),
    "reconstruct.tog_targets.check_targets": lambda: dict(values=her2ned.reconstruct.reproduced_values(cohort())),
    "reconstruct.table.format_cohort_csv": lambda: dict(
        df=her2ned.datasets.load_csv("reconstructed", "tog2026_cohort.csv")
    ),
    "reconstruct.verify.univariable_tests": lambda: dict(df=cohort()),
    "reconstruct.ensemble.summarise_table": lambda: dict(df=cohort()),
    "reconstruct.ensemble.format_ensemble_csv": lambda: dict(
        ens=her2ned.datasets.load_csv("reconstructed", "tog2026_ensemble.csv")
    ),
    "simulate.simulate_arrays": lambda: dict(params=None, rng=_rng()),
    "simulate.simulate_population": lambda: dict(seed=1),
    "simulate.select_cohort": lambda: dict(population=population()),
    "simulate.select_arrays": lambda: dict(arrays=arrays()),
    "simulate.simulate_cohort_arrays": lambda: dict(params=None, rng=_rng(), n_selected=20),
    "simulate.landmark_potential_outcomes": lambda: dict(params=None, rng=_rng(), n=1000, landmark_months=24.0),
    "tables.table_one": lambda: dict(df=cohort()),
    "her2.classify": lambda: dict(ihc="2+", ratio=2.5, copies=5.0),
    "competing.cumulative_incidence": lambda: dict(time=[2.0, 3, 5, 6], cause=[1, 2, 1, 0]),
    "competing.ned_events": lambda: dict(
        df=pd.DataFrame({"ned": [1, 0], "time_to_ned": [8.0, np.nan], "pfs_months": [50.0, 20.0], "progressed": [1, 1]})
    ),
    "ipd.round_trip": lambda: dict(time=[5.0, 8, 12, 20, 30], event=[1, 0, 1, 1, 0], rng=_rng()),
    "competing.fine_gray": lambda: dict(
        time=[1.0, 2, 3, 4, 5, 6], cause=[1, 2, 1, 0, 1, 2], X=np.array([[0.0], [1], [1], [0], [1], [0]])
    ),
    "ipd.ipd_from_km": lambda: dict(times=[0, 12, 12, 20], surv=[1, 1, 0.5, 0.5], risk_times=[0, 12], n_risk=[10, 6]),
    "ipd.digitise_km": lambda: dict(times=[0, 5, 9], surv=[1, 0.5, 0.25], rng=_rng()),
    "widgets.core.message_html": lambda: dict(text="hello"),
    "widgets.core.figure_to_html": lambda: dict(fig=plt.figure(), alt="an empty figure"),
    "widgets.core.frames_twin": lambda: dict(frames=["<p>a</p>", "<p>b</p>"], labels=["a", "b"]),
    "widgets.core.show_safely": lambda: dict(output=__import__("ipywidgets").Output(), draw=lambda: None),
    "widgets.demo.plot_share_interval": lambda: dict(k=5, n=20),
    "widgets.her2.classify_controls": lambda: dict(ihc="2+", ultralow=False, ish_done=True, ratio=2.5, copies=5.0),
    "widgets.recist.example_frame": lambda: dict(example=her2ned.widgets.recist.EXAMPLES[0]),
    "widgets.recist.response_table_html": lambda: dict(assessment=assessment()),
    "recist.TargetLesion": lambda: dict(name="liver 1", organ="liver", measurements=[20, 10]),
    "recist.NonTargetLesion": lambda: dict(name="bone 1", organ="bone", statuses=["present", "absent"]),
    "recist.Patient": lambda: dict(weeks=[0, 8], targets=[her2ned.recist.TargetLesion("liver 1", "liver", [20, 10])]),
    "targets.build_targets": lambda: dict(defaults={"heros_n": ("exact", 0)}, claims=her2ned.claims.load_claims()),
    "targets.check_targets": lambda: dict(
        values={"heros_n": 268.0},
        targets=her2ned.targets.build_targets({"heros_n": ("exact", 0)}, her2ned.claims.load_claims()),
    ),
    "models.fast.km_band": lambda: dict(time=[5.0, 8, 12, 20, 30], event=[1, 0, 1, 1, 0]),
    "models.fast.km_at": lambda: dict(times=[0.0, 2, 5], values=[1.0, 0.8, 0.5], at=[1.0, 6]),
    "heros.reproduced_values": lambda: dict(df=her2ned.datasets.load_csv("reconstructed", "heros2014_cohort.csv")),
    "heros.search_table": lambda: dict(rng=np.random.default_rng(11), targets=her2ned.heros.targets()),
    "heros.format_cohort_csv": lambda: dict(df=her2ned.datasets.load_csv("reconstructed", "heros2014_cohort.csv")),
    "heros.format_range_csv": lambda: dict(ranges=her2ned.datasets.load_csv("reconstructed", "heros2014_ranges.csv")),
    "cure.cure_versus_no_cure": lambda: dict(durations=cure_cohort().pfs_months, events=cure_cohort().progressed),
    "cure.fit_mixture_cure": lambda: dict(data=cure_cohort(), entry=36.0),
    "cure.follow_up_check": lambda: dict(durations=[10.0, 20, 30, 90], events=[1, 1, 0, 0]),
    "cure.share_cured_at_entry": lambda: dict(cure_fraction=0.1, n=20_000),
    "cure.simulated_cohort": lambda: dict(cure_fraction=0.1, follow_up_months=60.0, seed=1),
    "cure.cure_detection": lambda: dict(replicates=1, seed=1, progress=False),
    "cure.summarise_detection": lambda: dict(rows=detection_rows()),
    "plots.cure.plot_cure_fit": lambda: dict(fit=her2ned.cure.fit_mixture_cure(cure_cohort(), entry=36.0)),
    "plots.cure.plot_follow_up_check": lambda: dict(durations=[40.0, 44, 52, 60, 70], events=[1, 1, 1, 0, 0]),
    "plots.cure.plot_against_published": lambda: dict(
        durations=[30.0, 40, 50, 60, 70, 80],
        events=[1, 1, 1, 0, 1, 0],
        median=(50, 40, 70),
        share_at=(60, 0.5, 0.2, 0.8),
    ),
    "heros.simulator_check": lambda: dict(worlds={"defaults": her2ned.simulate.SimulationParams()}, n=5000),
    "heros.entry_rules": lambda: dict(n=5000),
    "plots.cure.plot_cure_detection": lambda: dict(summary=her2ned.cure.summarise_detection(detection_rows())),
    "checks.core.check_number": lambda: dict(answer=3.0, expected=3.0),
    "checks.core.check_choice": lambda: dict(answer="a", expected="a"),
    "study_design.published_values": lambda: dict(claims=her2ned.claims.load_claims()),
    "study_design.published_ratios": lambda: dict(claims=her2ned.claims.load_claims()),
    "study_design.design_matrix": lambda: dict(data=simulated_cohort(), terms=("ecog0", "ihc3", "grade_le2")),
    "cohort_analysis.analyse_cohort": lambda: dict(cohort=simulated_cohort()),
    "cohort_analysis.cox_ned": lambda: dict(cohort=simulated_cohort()),
}
# Self-checks take the reader's answer; None is what the self-check cells pass before anyone answers.
ANSWERS = ("answer", "new_call", "old_call")

SLOW = {
    "reconstruct.table.reconstruct",
    "reconstruct.ensemble.reconstruct_ensemble",
    "reconstruct.covariates.search_covariates",
    "reconstruct.ages.search_ages",
    "reconstruct.pfs.search_pfs",
    "reconstruct.ensemble.summarise_table",
    "reconstruct.tog_targets.check_targets",
    "bias.monte_carlo",
    "repeat.repeat_study",
    "power.simulated_logrank_power",
    "simulate.simulate_arrays",
    "simulate.simulate_cohort_arrays",
    "recist_cohort.simulate_cohort",
    "widgets.explorer.explorer_twin",
    "widgets.bias.bias_lab_twin",
    "claims.ledger_table",
    "feasible.feasible_starts",
    "feasible.push_share",
    "feasible.events_scan",
    "feasible.search_region",
    "feasible.conclusion_table",
    "followup.scenario_row",
    "followup.scenario_table",
    "followup.followup_table",
    "reconstruct.table.complete_table",
    "cure.cure_detection",
    "heros.search_table",
    "heros.reconstruct",
    "heros.feasible_range",
    "simulate.landmark_potential_outcomes",
    "estimands.true_effects",
    "stop_at_ned.true_stop_effect",
}
"""Valid calls that take seconds to minutes: fuzzed with values that must be refused only."""

READER_CLASSES = {
    "recist.Rules",
    "recist.TargetLesion",
    "recist.NonTargetLesion",
    "recist.Patient",
    "recist_cohort.MeasurementError",
    "recist_cohort.CohortAssumptions",
    "reconstruct.assumptions.Assumptions",
    "simulate.SimulationParams",
    "heros.HerosAssumptions",
    "widgets.bias.BiasLabPanel",
    "stop_at_ned.StopTrialParams",
    "widgets.her2.HER2Panel",
    "widgets.recist.RecistPanel",
    "widgets.explorer.ExplorerFigure",
}
"""Classes a reader constructs. The other public classes are results (fits, verdicts, feedback) whose fields
the package fills in; they are not fuzzed."""

SKIP = {
    "widgets.recist.patient_from_grid": "takes the panel's grid of widget values; fuzzed through the panel in "
    "tests/test_recist_panel.py",
}


def public_callables():
    for info in pkgutil.walk_packages(her2ned.__path__, "her2ned."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue  # private modules (argument checks shared by the public functions)
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if getattr(obj, "__module__", None) != info.name:
                continue
            if inspect.isfunction(obj) or (inspect.isclass(obj) and not issubclass(obj, BaseException)):
                yield info.name.removeprefix("her2ned.") + "." + name, obj


CALLABLES = dict(public_callables())


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def _parameters(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _mentions(message: str, name: str) -> bool:
    """The message names the parameter as a word ("n must be...", "n_replicates", "n replicates")."""
    m = message.lower()
    return any(
        re.search(rf"(?<![a-z0-9_]){re.escape(form)}(?![a-z0-9_])", m)
        for form in {name.lower(), name.lower().replace("_", " ")}
    )


MEMORY_HEADROOM = 3 * 2**30  # bytes a single call may add to the process's address space


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def call_with(fn, kwargs):
    """Call with a time and memory limit; returns None if the outcome is allowed, else what went wrong.

    A huge input taken at its word then fails fast with MemoryError instead of exhausting the machine."""
    old = signal.signal(signal.SIGALRM, _alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + MEMORY_HEADROOM, hard))
    signal.alarm(LIMIT_S)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(**kwargs)
    except Hang:
        return f"still running after {LIMIT_S} s"
    except (ValueError, TypeError) as e:
        return e
    except Exception as e:  # noqa: BLE001 - the point of the test
        return f"{type(e).__name__}: {e}"
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, old)
        plt.close("all")
    return None


def valid_call(name, fn) -> dict | None:
    """Keyword arguments of a valid call (None if the test does not know one)."""
    if name in VALID:
        return VALID[name]()
    required = [p.name for p in _parameters(fn) if p.default is p.empty]
    if all(r in ANSWERS for r in required):
        return dict.fromkeys(required)
    return None


def test_every_public_function_has_a_valid_call():
    missing = [
        name
        for name, fn in CALLABLES.items()
        if name not in SKIP and not inspect.isclass(fn) and valid_call(name, fn) is None
    ]
    assert not missing, f"add a valid call to VALID for: {missing}"
    stale = sorted(set(VALID) - set(CALLABLES))
    assert not stale, f"VALID names functions that are not public: {stale}"


def test_the_valid_calls_are_valid():
    for name, make in VALID.items():
        if name in SLOW:
            continue
        outcome = call_with(CALLABLES[name], make())
        assert outcome is None, f"{name}(**VALID) failed: {outcome!r}"


FUZZED = [
    name
    for name, fn in sorted(CALLABLES.items())
    if name not in SKIP and _parameters(fn) and (not inspect.isclass(fn) or name in READER_CLASSES)
]


@pytest.mark.parametrize("name", FUZZED)
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_bad_input_is_refused_by_name_or_accepted(name, data):
    fn = CALLABLES[name]
    params = _parameters(fn)
    param = data.draw(st.sampled_from(params), label="parameter")
    value = data.draw(st.sampled_from(REFUSED) if name in SLOW else BAD, label="value")
    kwargs = {**(valid_call(name, fn) or {}), param.name: value}
    outcome = call_with(fn, kwargs)
    if outcome is None:
        return
    if isinstance(outcome, (ValueError, TypeError)):
        assert _mentions(str(outcome), param.name), (
            f"{name}({param.name}={value!r}) raised {type(outcome).__name__} without naming {param.name!r}: {outcome}"
        )
        return
    pytest.fail(f"{name}({param.name}={value!r}): {outcome}")


def test_the_fuzzer_catches_what_it_should():
    """A function that crashes, one that refuses without naming, and one that hangs are all caught."""

    def crashes(n):
        return [1][n]

    def vague(n):
        raise ValueError("bad input")

    def hangs(n):
        while True:
            math.sqrt(2)

    assert "IndexError" in call_with(crashes, {"n": 5})
    assert not _mentions(str(call_with(vague, {"n": 5})), "n_replicates")
    old, globals()["LIMIT_S"] = LIMIT_S, 1
    try:
        assert "still running" in call_with(hangs, {"n": 5})
    finally:
        globals()["LIMIT_S"] = old
