"""her2ned.models against R (glm, survival::coxph, survfit, survdiff, and a Firth fit written in R).

Reference values are produced live at test time by ``tests/r/reference_fits.R`` (the R code sits
there, one block per model) on two cohorts: the reconstructed TOG 2026 cohort
(``data/reconstructed/tog2026_cohort.csv``, when it exists) and a simulated cohort written to a
temporary file. Where the methods agree (ML logistic; Cox with Efron ties; Kaplan–Meier) we require
agreement to 1e-6. Skips with a reason if ``Rscript`` is absent (CI installs r-base-core and
r-cran-survival, so there it runs).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_rscript

from her2ned.models import add_model_columns, cox_table, firth_logistic_table, km_medians, logistic_table, logrank_test
from her2ned.models.fast import cox_fit, cox_one, km_curve, km_median, logit_newton, logrank_statistic
from her2ned.simulate import SimulationParams, select_cohort, simulate_population

ROOT = Path(__file__).resolve().parents[1]
R_SCRIPT = ROOT / "tests" / "r" / "reference_fits.R"
RECONSTRUCTED = ROOT / "data" / "reconstructed" / "tog2026_cohort.csv"
TOL = 1e-6


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    df = add_model_columns(df)
    if "entry_months" not in df:
        df["entry_months"] = 36.0
    return df[["ned", "ecog0", "ihc3", "grade_le2", "pfs_months", "progressed", "entry_months"]]


def _cohorts():
    yield "simulated", lambda: _prepare(select_cohort(simulate_population(SimulationParams(n=600), seed=2026)))
    yield "reconstructed", lambda: _prepare(pd.read_csv(RECONSTRUCTED))


@pytest.fixture(scope="module", params=[name for name, _ in _cohorts()])
def fitted(request, tmp_path_factory):
    require_rscript("r-cran-survival")
    if request.param == "reconstructed" and not RECONSTRUCTED.exists():
        pytest.skip(f"{RECONSTRUCTED.relative_to(ROOT)} does not exist yet (made by her2ned.reconstruct)")
    df = dict(_cohorts())[request.param]()
    folder = tmp_path_factory.mktemp(f"r_{request.param}")
    csv, out = folder / "cohort.csv", folder / "ref.csv"
    df.to_csv(csv, index=False, float_format="%.17g")
    proc = subprocess.run(["Rscript", str(R_SCRIPT), str(csv), str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"R failed:\n{proc.stderr}"
    ref = pd.read_csv(out).set_index("key")["value"]
    return pd.read_csv(csv), ref


@pytest.mark.parametrize("fit,prefix", [(logistic_table, "glm"), (firth_logistic_table, "firth")])
def test_logistic_fits_match_r(fitted, fit, prefix):
    df, ref = fitted
    tab = fit(df, "ned", ["ecog0", "ihc3", "grade_le2"])
    for term, coef, se in zip(tab.summary.term, tab.summary.coef, tab.summary.se):
        assert coef == pytest.approx(ref[f"{prefix}_coef_{term}"], abs=TOL)
        assert se == pytest.approx(ref[f"{prefix}_se_{term}"], abs=TOL)


@pytest.mark.parametrize("entry,prefix", [(None, "cox"), ("entry_months", "coxlt")])
def test_cox_matches_coxph_efron(fitted, entry, prefix):
    df, ref = fitted
    tab = cox_table(df, "pfs_months", "progressed", ["ned"], entry=entry)
    assert tab.summary.coef[0] == pytest.approx(ref[f"{prefix}_coef_ned"], abs=TOL)
    assert tab.summary.se[0] == pytest.approx(ref[f"{prefix}_se_ned"], abs=TOL)


def test_multivariable_cox_matches_coxph(fitted):
    df, ref = fitted
    covs = ["ned", "ecog0", "ihc3", "grade_le2"]
    tab = cox_table(df, "pfs_months", "progressed", covs)
    for term, coef, se in zip(tab.summary.term, tab.summary.coef, tab.summary.se):
        assert coef == pytest.approx(ref[f"coxm_coef_{term}"], abs=TOL)
        assert se == pytest.approx(ref[f"coxm_se_{term}"], abs=TOL)


@pytest.mark.parametrize("entry,prefix", [(None, "km"), ("entry_months", "kmlt")])
def test_km_medians_match_survfit(fitted, entry, prefix):
    df, ref = fitted
    tab = km_medians(df, "pfs_months", "progressed", "ned", entry=entry).summary.set_index("group")
    for g in (0, 1):
        r_med = ref[f"{prefix}_median_{g}"]
        if ref[f"{prefix}_flat_half_{g}"] == 1:
            continue  # R reports the midpoint of a flat stretch at exactly 0.5; lifelines its start
        ours = tab.loc[g, "median"]
        if np.isnan(r_med):
            assert np.isnan(ours)
        else:
            assert ours == pytest.approx(r_med, abs=TOL)


def test_logrank_matches_survdiff(fitted):
    df, ref = fitted
    assert logrank_test(df, "pfs_months", "progressed", "ned").statistic == pytest.approx(ref["logrank_chisq"], abs=TOL)


# The fast numpy paths of her2ned.models.fast against the same R fits (each estimator's second path).
def test_fast_logistic_matches_glm(fitted):
    df, ref = fitted
    terms = ["ecog0", "ihc3", "grade_le2"]
    X = np.column_stack([np.ones(len(df)), df[terms].to_numpy(float)])
    beta, se, ok = logit_newton(X, df["ned"].to_numpy(float))
    assert ok
    for j, term in enumerate(terms, start=1):
        assert beta[j] == pytest.approx(ref[f"glm_coef_{term}"], abs=TOL)
        assert se[j] == pytest.approx(ref[f"glm_se_{term}"], abs=TOL)


@pytest.mark.parametrize("entry,prefix", [(None, "cox"), ("entry_months", "coxlt")])
def test_fast_cox_matches_coxph_efron(fitted, entry, prefix):
    df, ref = fitted
    beta, se = cox_one(df.pfs_months, df.progressed, df.ned, None if entry is None else df[entry])
    assert (beta, se) == pytest.approx((ref[f"{prefix}_coef_ned"], ref[f"{prefix}_se_ned"]), abs=TOL)


def test_fast_multivariable_cox_matches_coxph(fitted):
    df, ref = fitted
    covs = ["ned", "ecog0", "ihc3", "grade_le2"]
    beta, se = cox_fit(df.pfs_months, df.progressed, df[covs].to_numpy(float))
    for j, term in enumerate(covs):
        assert (beta[j], se[j]) == pytest.approx((ref[f"coxm_coef_{term}"], ref[f"coxm_se_{term}"]), abs=TOL)


def test_fast_logrank_matches_survdiff(fitted):
    df, ref = fitted
    chi2, _ = logrank_statistic(df.pfs_months, df.progressed, df.ned)
    assert chi2 == pytest.approx(ref["logrank_chisq"], abs=TOL)


@pytest.mark.parametrize("entry,prefix", [(None, "km"), ("entry_months", "kmlt")])
def test_fast_km_median_matches_survfit(fitted, entry, prefix):
    df, ref = fitted
    for g in (0, 1):
        sub = df[df.ned == g]
        if ref[f"{prefix}_flat_half_{g}"] == 1:
            continue  # R reports the midpoint of a flat stretch at exactly 0.5; the first time at 0.5 here
        ours = km_median(*km_curve(sub.pfs_months, sub.progressed, None if entry is None else sub[entry]))
        r_med = ref[f"{prefix}_median_{g}"]
        assert (np.isnan(ours) and np.isnan(r_med)) or ours == pytest.approx(r_med, abs=TOL)
