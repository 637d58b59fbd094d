"""Tests of the population simulator and the study's selection (her2ned.simulate)."""

import time

import numpy as np
import pandas as pd
import pytest

from her2ned.simulate import (
    SimulationParams,
    assumptions_table,
    select_arrays,
    select_cohort,
    simulate_arrays,
    simulate_cohort_arrays,
    simulate_population,
)

COLUMNS = [
    "patient_id",
    "age",
    "ecog",
    "her2_ihc",
    "grade",
    "hr_positive",
    "de_novo",
    "visceral",
    "regimen",
    "local_therapy",
    "ned",
    "time_to_ned",
    "pfs_months",
    "progressed",
]


@pytest.mark.parametrize(
    "field,value,match",
    [
        ("p_ecog0", 1.2, r"p_ecog0 must be a share in \[0, 1\]"),
        ("p_ihc3", -0.1, r"p_ihc3 must be a share"),
        ("or_ecog0", 0.0, r"or_ecog0 must be > 0"),
        ("hr_ned", -1.0, r"hr_ned must be > 0"),
        ("threshold_months", -1.0, r"threshold_months must be >= 0"),
        ("cure_fraction", 1.0, r"cure_fraction must be in \[0, 1\)"),
        ("ned_timing", "sometime", r"ned_timing must be one of"),
        ("ned_timing", -3.0, r"ned_timing must be a median"),
        ("n", 0, r"n must be between"),
        ("hr_tp", float("nan"), r"hr_tp must be finite"),
    ],
)
def test_params_validated(field, value, match):
    with pytest.raises(ValueError, match=match):
        SimulationParams(**{field: value})


def test_params_type_errors():
    with pytest.raises(TypeError, match="n must be an integer"):
        SimulationParams(n=10.5)
    with pytest.raises(TypeError, match="p_ecog0 must be a number"):
        SimulationParams(p_ecog0="half")
    with pytest.raises(TypeError, match="seed"):
        simulate_population(seed="abc")


def test_presets_and_frozen():
    assert SimulationParams(ned_timing="early").ned_median_months == 6.0
    assert SimulationParams(ned_timing="late").ned_median_months == 24.0
    with pytest.raises(Exception):
        SimulationParams().hr_ned = 2.0  # frozen


def test_population_columns_and_reproducible():
    a = simulate_population(SimulationParams(n=500), seed=7)
    b = simulate_population(SimulationParams(n=500), seed=7)
    c = simulate_population(SimulationParams(n=500), seed=8)
    assert list(a.columns) == COLUMNS
    pd.testing.assert_frame_equal(a, b)
    assert not a["pfs_months"].equals(c["pfs_months"])
    assert set(a["her2_ihc"]) <= {"3+", "2+/ISH+"}
    assert set(a["grade"]) <= {1, 2, 3}
    assert set(a["regimen"]) <= {"T", "T+P"}
    assert set(a["ecog"]) <= {0, 1}


def test_ned_competes_with_progression_and_censoring():
    pop = simulate_population(SimulationParams(n=20_000), seed=3)
    ned = pop[pop.ned == 1]
    assert (ned["time_to_ned"] < ned["pfs_months"]).all()
    assert pop.loc[pop.ned == 0, "time_to_ned"].isna().all()
    # some patients who could have reached NED progressed first: NED share < latent share
    arrays = simulate_arrays(SimulationParams(n=20_000), np.random.default_rng(3))
    assert arrays["ned"].mean() < np.isfinite(arrays["true_time_to_ned"]).mean()


def test_marginals_follow_parameters():
    a = simulate_arrays(SimulationParams(n=100_000, p_ecog0=0.3, p_ihc3=0.7, p_grade3=0.4), np.random.default_rng(11))
    assert abs((a["ecog"] == 0).mean() - 0.3) < 0.01
    assert abs(a["ihc3"].mean() - 0.7) < 0.01
    assert abs((a["grade"] == 3).mean() - 0.4) < 0.01


def _pf36_by_latent(hr_ned):
    a = simulate_arrays(SimulationParams(n=200_000, hr_ned=hr_ned, dropout_per_year=0.0), np.random.default_rng(21))
    could = np.isfinite(a["true_time_to_ned"])
    return (a["pfs_months"][could] >= 36).mean(), (a["pfs_months"][~could] >= 36).mean()


def test_hr_ned_one_means_no_effect():
    """With hr_ned = 1, being able to reach NED does not change progression (nor does the covariates)."""
    with_ned, without = _pf36_by_latent(1.0)
    assert abs(with_ned - without) < 0.01
    with_ned, without = _pf36_by_latent(0.24)
    assert with_ned > without + 0.1


def test_default_selected_cohort_resembles_study():
    """Defaults are tuned so the selected cohort looks like TOG 2026 (46.6 % NED; 131 vs 66 months)."""
    from lifelines import KaplanMeierFitter

    a = simulate_arrays(SimulationParams(n=200_000), np.random.default_rng(5))
    assert 0.13 <= (a["pfs_months"] >= 36).mean() <= 0.30  # the book's assumed range (no source reports it)
    s = select_arrays(a, 36)
    assert 0.42 <= s["ned"].mean() <= 0.51
    med = {
        g: KaplanMeierFitter().fit(s["pfs_months"][s["ned"] == g], s["progressed"][s["ned"] == g]).median_survival_time_
        for g in (0, 1)
    }
    assert 55 <= med[0] <= 78
    assert 110 <= med[1] <= 150


def test_select_cohort():
    pop = simulate_population(SimulationParams(n=5000), seed=2)
    cohort = select_cohort(pop, threshold_months=24)
    assert (cohort["pfs_months"] >= 24).all()
    assert len(cohort) == (pop["pfs_months"] >= 24).sum()
    assert (cohort["entry_months"] == 24).all()
    with pytest.raises(ValueError, match="threshold_months must be >= 0"):
        select_cohort(pop, -5)
    with pytest.raises(TypeError, match="population must be a DataFrame"):
        select_cohort([1, 2, 3])


def test_cohort_arrays_exact_size_and_speed():
    rng = np.random.default_rng(0)
    c = simulate_cohort_arrays(None, rng, 118)
    assert len(c["ned"]) == 118 and (c["pfs_months"] >= 36).all()
    start = time.perf_counter()
    for _ in range(100):
        simulate_cohort_arrays(None, rng, 1000)
    elapsed = time.perf_counter() - start
    assert elapsed < 10, f"100 cohorts of 1,000 took {elapsed:.1f} s"
    with pytest.raises(ValueError, match="lower threshold_months"):
        simulate_cohort_arrays(
            SimulationParams(accrual_months=0, followup_after_accrual_months=10),
            rng,
            10,
            threshold_months=36,
            max_draws=20_000,
        )


def test_assumptions_table_covers_every_field():
    t = assumptions_table()
    from dataclasses import fields

    assert list(t["parameter"]) == [f.name for f in fields(SimulationParams)]
    assert t["source"].str.len().gt(0).all()
    assert t.loc[t.parameter == "p_visceral", "is_assumption"].item()
    assert not t.loc[t.parameter == "or_ecog0", "is_assumption"].item()
