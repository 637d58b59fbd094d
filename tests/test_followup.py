"""The follow-up model: its committed tables regenerate, its table meets every target, and what it
says about the published p-value is checked against an independent calculation."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from her2ned import followup
from her2ned.datasets import data_path, load_csv
from her2ned.reconstruct import ASSUMPTIONS, Assumptions, check_targets, format_cohort_csv, reproduced_values


@pytest.fixture(scope="module")
def cohort():
    return load_csv("reconstructed", "tog2026_cohort.csv")


def test_the_followup_table_regenerates_byte_for_byte_and_reports_what_it_misses(cohort):
    table, missed = followup.followup_table(cohort)
    assert format_cohort_csv(table) == data_path("reconstructed", "tog2026_followup.csv").read_text(encoding="utf-8")
    tab = check_targets(reproduced_values(table))
    # the closest draw under this follow-up model need not meet every target (chapter 5 says which it misses);
    # the search's own list of misses must be the independent check's, and no design target may move
    assert sorted(missed) == sorted(tab.loc[~tab["met"], "target"]), tab.loc[~tab["met"]]
    assert set(missed) <= {"tog_pfs_p", "tog_hr_ned:p", "tog_pfs_median_ned", "tog_pfs_median_non_ned"}
    # the covariates are the cohort's; only the follow-up changed
    keep = [c for c in cohort.columns if c not in ("pfs_months", "progressed")]
    pd.testing.assert_frame_equal(table[keep], cohort[keep])


def test_followup_comes_from_the_model(cohort):
    table = load_csv("reconstructed", "tog2026_followup.csv")
    a0, _ = ASSUMPTIONS.accrual_window
    longest = 12 * (ASSUMPTIONS.data_cut - a0)
    assert table.pfs_months.max() <= longest + 0.01  # nobody followed beyond the data cut
    assert table.pfs_months.min() >= 36
    # reverse Kaplan–Meier median follow-up, with lifelines, is the scenario row's order of magnitude
    km = KaplanMeierFitter().fit(table.pfs_months, 1 - table.progressed)
    assert 36 < km.median_survival_time_ < longest


@pytest.mark.parametrize("index", [0, followup.SCENARIOS.index(followup.FOLLOWUP_SCENARIO)])
def test_a_scenario_row_regenerates(cohort, index):
    committed = load_csv("reconstructed", "followup_scenarios.csv")
    row = followup.scenario_row(cohort, followup.SCENARIOS[index], followup.FOLLOWUP_SEED + index)
    text = followup.format_scenarios_csv(pd.DataFrame([row]))
    expected = followup.format_scenarios_csv(committed.iloc[[index]])
    assert text == expected


def test_uniform_accrual_cannot_give_the_published_p():
    # Independent of the search: var(log HR) is roughly 1/d1 + 1/d0 for d1 and d0 progressions, so the
    # published HR 0.24 with p = 0.003 allows about 1 / (se^2 - 1/d0) NED progressions (about 5 for
    # d0 = 30 or more). Uniform accrual needs several times that many to bring the NED curve to its median.
    from scipy.stats import norm

    se = abs(np.log(0.24)) / norm.isf(0.003 / 2)
    d1_allowed = 1 / (se**2 - 1 / 30)
    assert 4 < d1_allowed < 6
    scen = load_csv("reconstructed", "followup_scenarios.csv")
    uniform = scen[scen.accrual_growth_per_year == 0]
    assert len(uniform) == 3
    assert (uniform.events_ned > 2 * d1_allowed).all()
    assert (uniform.met_all == 0).all() and (uniform.p_max < 0.003).all()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: followup.scenario_assumptions({"loss_rate": 0.1}), "unknown assumption"),
        (lambda: followup.scenario_assumptions({"loss_rate_per_year": 1.5}), "loss_rate_per_year"),
        (lambda: followup.scenario_assumptions({"accrual_window": (2020.0, 2023.0)}), "accrual_window"),
        (lambda: followup.scenario_assumptions("fast"), "scenario must be a dict"),
        (lambda: Assumptions(accrual_growth_per_year=-1), "accrual_growth_per_year"),
        (lambda: Assumptions(pfs_model="cure"), "pfs_model"),
        (lambda: followup.followup_table(pd.DataFrame({"ned": [1]})), "cohort must be a patient table"),
        (lambda: followup.scenario_row(load_csv("reconstructed", "tog2026_cohort.csv"), {}, 1, draws=0), "draws"),
    ],
)
def test_bad_input_is_named(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


def test_format_scenarios_csv_is_stable():
    df = pd.DataFrame({"a": [1 / 3], "b": [2]})
    assert followup.format_scenarios_csv(df) == "a,b\n0.333333,2\n"
    assert pd.read_csv(io.StringIO(followup.format_scenarios_csv(df))).shape == (1, 2)


@pytest.mark.parametrize("growth", [0.0, 0.2, 0.6])
def test_accrual_starts_follow_their_density(growth):
    # the mean of a density growing as exp(g x) on [0, L] is L / (1 - exp(-g L)) - 1/g (L / 2 when g = 0)
    from her2ned.reconstruct.pfs import _accrual_starts

    a0, a1 = 2006.0, 2021.0
    x = _accrual_starts(np.random.default_rng(1), 200_000, (a0, a1), growth) - a0
    length = a1 - a0
    mean = length / 2 if growth == 0 else length / -np.expm1(-growth * length) - 1 / growth
    assert x.min() >= 0 and x.max() <= length
    assert abs(x.mean() - mean) < 4 * x.std() / np.sqrt(len(x))
