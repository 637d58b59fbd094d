import io

import numpy as np
import pandas as pd
import pytest

from her2ned.claims import LedgerError, load_claims
from her2ned.datasets import data_path
from her2ned.reconstruct import (
    COHORT_SEED,
    ENSEMBLE_COLUMNS,
    ReconstructionError,
    Target,
    assumptions_table,
    format_cohort_csv,
    format_ensemble_csv,
    reconstruct,
    reconstruct_ensemble,
    targets_from_claims,
)


def test_regeneration_is_byte_for_byte():
    committed = data_path("reconstructed", "tog2026_cohort.csv").read_bytes()
    assert format_cohort_csv(reconstruct(COHORT_SEED)).encode("utf-8") == committed


def test_ensemble_rows_regenerate():
    committed = data_path("reconstructed", "tog2026_ensemble.csv").read_text(encoding="utf-8")
    ens = pd.read_csv(io.StringIO(committed))
    assert len(ens) >= 20 and ens["seed"].is_unique
    assert (ens["max_distance"] <= 1).all()  # every table in the ensemble is consistent
    lines = committed.splitlines()
    fresh = format_ensemble_csv(reconstruct_ensemble([int(ens.seed.iloc[0])])).splitlines()
    assert fresh[0] == lines[0] and fresh[1] == lines[1]


def test_ensemble_tables_differ():
    ens = pd.read_csv(data_path("reconstructed", "tog2026_ensemble.csv"))
    assert list(ens.columns) == ENSEMBLE_COLUMNS
    assert ens[["events_total", "median_followup_months"]].nunique().min() > 1


def test_ned_above_n_names_the_claim():
    claims = load_claims()
    from dataclasses import replace

    claims["tog_ned_n"] = replace(claims["tog_ned_n"], value=130)
    with pytest.raises(ReconstructionError, match="tog_ned_n"):
        reconstruct(claims=claims)


def test_malformed_ledger_entry_names_the_claim():
    from dataclasses import replace

    claims = load_claims()
    claims["tog_or_ecog"] = replace(claims["tog_or_ecog"], value="about six")
    with pytest.raises(LedgerError, match="tog_or_ecog"):
        reconstruct(claims=claims)
    claims = load_claims()
    del claims["tog_hr_ned"]
    with pytest.raises(LedgerError, match="tog_hr_ned"):
        targets_from_claims(claims)


def test_impossible_tolerance_names_the_claim():
    with pytest.raises(ReconstructionError, match="tog_or_ecog") as info:
        reconstruct(tolerances={"tog_or_ecog": ("rel", 1e-6)}, budget=0.05)
    assert "tog_or_ecog" in info.value.claims
    assert info.value.closest is not None


def test_bad_arguments():
    with pytest.raises(TypeError, match="seed"):
        reconstruct(seed=-1)
    with pytest.raises(ValueError, match="budget"):
        reconstruct(budget=0)
    with pytest.raises(ValueError, match="tolerances"):
        reconstruct(tolerances={"tog_nope": ("rel", 0.1)})
    with pytest.raises(ValueError, match="tolerances"):
        reconstruct(tolerances={"tog_or_ecog": ("rel", -1)})


def test_target_distance():
    t = Target("x", "x", "q", 2.0, "rel", 0.25)
    assert t.distance(2.5) == pytest.approx(1.0)
    assert t.distance(np.nan) == np.inf
    assert Target("y", "y", "q", 0.005, "below", None).distance(0.004) == 0


def test_assumptions_shown():
    tab = assumptions_table()
    assert {"n_centres", "univariable_test_age", "cox_covariates"} <= set(tab["assumption"])


def test_univariable_tests_agree_with_the_report():
    from her2ned.datasets import load_csv
    from her2ned.reconstruct import reproduced_values, univariable_tests

    df = load_csv("reconstructed", "tog2026_cohort.csv")
    u = univariable_tests(df).set_index("variable")
    v = reproduced_values(df)
    assert u.loc["ECOG 0 vs 1", "chi-square"] == pytest.approx(v["tog_ecog_p"])
    # a continuity correction and the exact test are more conservative on these tables
    assert (u["chi-square (Yates)"] > u["chi-square"]).all()
    assert (u["Fisher exact"] > u["chi-square"]).all()
    with pytest.raises(ValueError, match="column"):
        univariable_tests(df.drop(columns="grade"))
