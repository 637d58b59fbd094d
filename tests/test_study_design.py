"""The study's design as data: terms, coding, the design matrix, and published values read from the ledger."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
import yaml

from her2ned import study_design as sd
from her2ned.claims import load_claims
from her2ned.datasets import data_path, load_csv
from her2ned.models import MODEL_TERMS, add_model_columns
from her2ned.simulate import _to_frame, simulate_cohort_arrays


@pytest.fixture(scope="module")
def tog_yaml():
    """The TOG 2026 ledger read straight from its YAML (not through her2ned.claims)."""
    doc = yaml.safe_load(data_path("published", "tog2026.yaml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in doc["claims"]}


@pytest.fixture(scope="module")
def arrays():
    return simulate_cohort_arrays(None, np.random.default_rng(4), 150)


# --- published values: the ledger's, never copies --------------------------------------------------


def test_published_values_equal_the_yaml(tog_yaml):
    v = sd.published_values()
    assert set(v) == set(sd.PUBLISHED_CLAIMS)
    for key, claim_id in sd.PUBLISHED_CLAIMS.items():
        assert v[key] == tog_yaml[claim_id]["value"], key
    assert (v["ecog0"], v["ihc3"], v["grade_le2"], v["hr"]) == (5.99, 4.79, 0.25, 0.24)


def test_published_ratios_equal_the_yaml(tog_yaml):
    rows = sd.published_ratios()
    assert [r[:2] for r in rows] == [("ecog0", "OR"), ("ihc3", "OR"), ("grade_le2", "OR"), ("ned", "HR")]
    for term, _, ratio, p in rows:
        claim = tog_yaml[sd.PUBLISHED_CLAIMS["hr" if term == "ned" else term]]
        assert (ratio, p) == (claim["value"], claim["p"])


def test_design_constants_come_from_the_ledger(tog_yaml):
    assert sd.THRESHOLD_MONTHS == float(tog_yaml["tog_min_pfs"]["value"]) == 36.0
    assert (sd.STUDY_N, sd.STUDY_NED) == (tog_yaml["tog_n"]["value"], tog_yaml["tog_ned_n"]["value"])


def test_old_names_still_point_at_the_design():
    from her2ned import repeat
    from her2ned.models.published import TOG_RATIOS
    from her2ned.widgets import demo, explorer

    assert explorer.PUBLISHED == sd.published_values()
    assert explorer.TERMS is sd.TERMS and repeat.TERMS is sd.TERMS
    assert explorer.TERM_LABELS is sd.TERM_LABELS and MODEL_TERMS is sd.MODEL_TERMS
    assert TOG_RATIOS == sd.published_ratios()
    assert (demo.STUDY_N, demo.STUDY_NED) == (118, 55)
    assert set(sd.TERMS) <= set(sd.TERM_LABELS) and set(sd.TERMS) <= set(sd.MODEL_TERMS)


def test_a_changed_ledger_changes_the_values():
    claims = load_claims()
    changed = {**claims, "tog_hr_ned": dataclasses.replace(claims["tog_hr_ned"], value=0.5)}
    assert sd.published_values(changed)["hr"] == 0.5
    assert sd.published_ratios(changed)[-1] == ("ned", "HR", 0.5, 0.003)


def test_published_values_refuse_a_bad_ledger():
    claims = load_claims()
    with pytest.raises(TypeError, match="claims must be a mapping"):
        sd.published_values([1, 2])
    with pytest.raises(ValueError, match="claims has no claim 'tog_or_ecog'"):
        sd.published_values({})
    with pytest.raises(ValueError, match=r"claims\['tog_n'\] must be a numeric Claim"):
        sd.published_values({**claims, "tog_n": 118})
    bound = {**claims, "tog_hr_ned": dataclasses.replace(claims["tog_hr_ned"], p="<0.005")}
    with pytest.raises(ValueError, match="claims.*exact p-value"):
        sd.published_ratios(bound)


# --- the design matrix ---------------------------------------------------------------------------


def _expected(ecog, ihc3, grade):
    return np.column_stack([np.ones(len(ecog)), np.asarray(ecog) == 0, ihc3, np.asarray(grade) <= 2]).astype(float)


def test_design_matrix_from_simulator_arrays(arrays):
    X = sd.design_matrix(arrays)
    assert X.dtype == float and X.shape == (150, 4)
    np.testing.assert_array_equal(X, _expected(arrays["ecog"], arrays["ihc3"], arrays["grade"]))


def test_design_matrix_from_each_kind_of_table(arrays):
    expected = sd.design_matrix(arrays)
    raw = _to_frame(arrays)  # words: her2_ihc "3+", regimen "T+P"
    np.testing.assert_array_equal(sd.design_matrix(raw), expected)
    np.testing.assert_array_equal(sd.design_matrix(add_model_columns(raw)), expected)
    np.testing.assert_array_equal(sd.design_matrix(pd.DataFrame(arrays)), expected)


def test_model_columns_win_over_their_sources():
    df = pd.DataFrame({"ecog": [0, 0], "ecog0": [0, 1], "ihc3": [1, 0], "grade": [3, 1]})
    assert sd.design_matrix(df).tolist() == [[1, 0, 1, 0], [1, 1, 0, 1]]


def test_design_matrix_other_terms():
    cohort = add_model_columns(load_csv("reconstructed", "tog2026_cohort.csv"))
    terms = ["ecog0", "ihc3", "grade_le2", "local_therapy", "tp"]
    X = sd.design_matrix(cohort, terms)
    np.testing.assert_array_equal(X[:, 1:], cohort[terms].to_numpy(float))
    assert sd.design_matrix({"regimen": np.array(["T", "T+P"])}, ["tp"]).tolist() == [[1, 0], [1, 1]]


def test_add_model_columns_uses_the_same_coding():
    df = pd.DataFrame({"ecog": [0, 1], "her2_ihc": ["3+", "2+/ISH+"], "grade": [1, 3], "regimen": ["T+P", "T"]})
    out = add_model_columns(df)
    assert out[["ecog0", "ihc3", "grade_le2", "tp"]].values.tolist() == [[1, 1, 1, 1], [0, 0, 0, 0]]
    for column, (source, rule) in sd.CODING.items():
        np.testing.assert_array_equal(out[column], rule(df[source]).astype(int))


@pytest.mark.parametrize(
    "data,terms,error,message",
    [
        ([1, 2], sd.TERMS, TypeError, "data must be a dict of arrays or a pandas DataFrame"),
        (pd.DataFrame(), sd.TERMS, ValueError, "data has no column 'ecog0' or its source column 'ecog'"),
        ({"ecog0": np.array([])}, ["ecog0"], ValueError, "data has no rows"),
        ({"ecog0": [1, 0], "ihc3": [1]}, ["ecog0", "ihc3"], ValueError, "data: column 'ihc3' must be one-dimensional"),
        ({"ecog0": [1, np.nan]}, ["ecog0"], ValueError, "data: column 'ecog0' has missing"),
        ({"ecog0": ["a", "b"]}, ["ecog0"], ValueError, "data: column 'ecog0' must hold numbers"),
        ({"y": [1]}, ["x"], ValueError, "data has no column 'x'; give"),
        ({"x": [1]}, "x", TypeError, "terms must be a list"),
        ({"x": [1]}, [], ValueError, "terms must name at least one"),
        ({"x": [1]}, [3], TypeError, r"terms\[0\] must be a column name"),
        ({"x": [1]}, ["x", "x"], ValueError, "terms must not repeat"),
    ],
)
def test_design_matrix_refuses_bad_input_by_name(data, terms, error, message):
    with pytest.raises(error, match=message):
        sd.design_matrix(data, terms)
