"""The synthetic lesion cohort and the measurement-error model.

Reference numbers for the closed forms are standard normal / logistic values computed by hand
(e.g. Phi(0.3333) = 0.6306 from any normal table); the Monte Carlo check compares measure() with
the closed forms of the same module.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from her2ned.recist import TOO_SMALL
from her2ned.recist_cohort import (
    MeasurementError,
    measure,
    ned_call_table,
    p_called_ned,
    p_lesion_seen,
    p_node_called_normal,
    simulate_cohort,
)


def test_closed_forms_against_hand_values():
    e = MeasurementError(sd_mm=1.5, detect_d50_mm=4, detect_slope_mm=1)
    assert p_lesion_seen(4.0, e) == pytest.approx(0.5)
    assert p_lesion_seen(6.0, e) == pytest.approx(1 / (1 + math.exp(-2)))
    assert p_lesion_seen(0.0, e) == 0.0
    assert p_node_called_normal(9.0, e) == pytest.approx(0.6306, abs=1e-4)  # Phi(0.5/1.5)
    assert p_node_called_normal(4.0, e) == pytest.approx(0.99988, abs=1e-5)  # Phi(5.5/1.5)
    assert p_node_called_normal(9.4, MeasurementError(sd_mm=0)) == 1.0  # rounds to 9 mm
    assert p_node_called_normal(9.6, MeasurementError(sd_mm=0)) == 0.0  # rounds to 10 mm
    assert p_called_ned([4.0, 4.0], [9.0], e) == pytest.approx(0.25 * 0.6306, abs=1e-4)
    assert p_called_ned() == 1.0


def test_measure_agrees_with_the_closed_forms():
    rng = np.random.default_rng(7)
    e = MeasurementError()
    n = 20000
    nodes = np.array([measure(9.0, True, rng, e) for _ in range(n)])
    assert np.mean(nodes < 10) == pytest.approx(p_node_called_normal(9.0, e), abs=0.015)
    lesions = [measure(4.0, False, rng, e) for _ in range(n)]
    missed = np.mean([m == 0.0 for m in lesions])
    assert missed == pytest.approx(1 - p_lesion_seen(4.0, e), abs=0.015)
    assert TOO_SMALL in lesions  # a seen 4 mm lesion is usually recorded as "too small" (5 mm)


def test_inputs_are_validated():
    with pytest.raises(ValueError, match="sd_mm"):
        MeasurementError(sd_mm=-1)
    with pytest.raises(ValueError, match="detect_slope_mm"):
        MeasurementError(detect_slope_mm=0)
    with pytest.raises(ValueError, match="true_mm"):
        p_lesion_seen(-1)
    with pytest.raises(TypeError, match="rng"):
        measure(5, False, rng=1)
    with pytest.raises(ValueError, match="n must be"):
        simulate_cohort(0)
    with pytest.raises(ValueError, match="seed"):
        simulate_cohort(5, seed=-3)


def test_cohort_is_reproducible_and_consistent():
    a = simulate_cohort(30, seed=11)
    b = simulate_cohort(30, seed=11)
    c = simulate_cohort(30, seed=12)
    assert a.summary.equals(b.summary)
    assert not a.summary.equals(c.summary)
    s = a.summary
    assert set(s["bor"]) <= {"CR", "PR", "SD", "PD", "NE", "non-CR/non-PD"}
    # radiologic NED is an overall CR, so every NED patient has best response CR (no confirmation)
    assert (s.loc[s["ned"], "bor"] == "CR").all()
    assert (s.loc[s["bor"] == "CR", "ned"]).all()
    # follow-up stops at the first PD
    for p, row in zip(a.patients, s.itertuples()):
        assert len(p.weeks) >= 2
    table = a.assumptions_table()
    assert table["source"].str.contains("assumption").all()
    # rounding every measurement under 5 mm up to "too small" (5 mm) is the model's choice, not RECIST's
    row = table[table["name"] == "too_small_below_mm"]
    assert len(row) == 1 and row["value"].item() == 5.0
    assert "modelling" in row["source"].item() and "faintly seen" in row["source"].item()


def test_worse_measurement_makes_more_cr_calls_from_the_same_tumours():
    """Same seed, same tumour courses: more lesions are missed when the detection threshold rises."""
    sharp = simulate_cohort(150, seed=3, error=MeasurementError(detect_d50_mm=2.0))
    blurry = simulate_cohort(150, seed=3, error=MeasurementError(detect_d50_mm=6.0))
    assert blurry.summary["ned"].mean() > sharp.summary["ned"].mean()


def test_ned_call_table_shape():
    t = ned_call_table(sizes_mm=[4, 9, 11], sds_mm=[1, 2])
    assert len(t) == 6 and t["p_node_normal"].between(0, 1).all()
    assert t.loc[(t.true_mm == 11) & (t.sd_mm == 2), "p_node_normal"].item() < 0.5
