"""Competing risks: the Aalen–Johansen cumulative incidence and Fine–Gray's subdistribution hazards,
checked by hand, against lifelines and against R's cmprsk (``tests/r/competing.R``, to 1e-6)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_rscript
from lifelines import AalenJohansenFitter, KaplanMeierFitter

from her2ned.competing import NED, PROGRESSION, cumulative_incidence, fine_gray, ned_events

ROOT = Path(__file__).resolve().parents[1]
AT = [0.5, 1.0, 1.5, 2.0]


def _data(seed=5, n=150, decimals=2):
    """Two competing causes depending on x1 (binary) and x2 (normal), uniform censoring; times rounded
    to ``decimals`` so that there are ties, as in real data."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.integers(0, 2, n), rng.normal(size=n)
    t1 = rng.exponential(1 / (0.5 * np.exp(0.7 * x1 - 0.3 * x2)))
    t2 = rng.exponential(1 / (0.4 * np.exp(-0.4 * x1)))
    t = np.minimum.reduce([t1, t2, rng.uniform(0, 3, n)])
    cause = np.where(t == t1, 1, np.where(t == t2, 2, 0))
    return pd.DataFrame({"time": np.round(t, decimals) if decimals else t, "cause": cause, "x1": x1, "x2": x2})


def _at(cif, times):
    return np.array([cif.cif[cif.time <= s].iloc[-1] if (cif.time <= s).any() else 0.0 for s in times])


def test_cumulative_incidence_by_hand():
    # 4 patients: NED (1) at 2, progression (2) at 3, NED at 5, censored at 6.
    # At 2: 1 of 4 → CIF 1/4, S = 3/4; at 3: progression, S = 1/2; at 5: 1 of 2 at risk → CIF += S(5-)·1/2
    cif = cumulative_incidence([2, 3, 5, 6], [1, 2, 1, 0])
    assert cif.cif.tolist() == [0.25, 0.25, 0.5]
    assert cif.survival.tolist() == [0.75, 0.5, 0.25]


def test_the_causes_and_survival_add_up_to_one():
    d = _data()
    one, two = cumulative_incidence(d.time, d.cause, 1), cumulative_incidence(d.time, d.cause, 2)
    assert np.allclose(one.cif + two.cif + one.survival, 1.0)


def test_agrees_with_lifelines_aalen_johansen():
    d = _data(decimals=None)  # lifelines jitters tied times; without ties the two must agree exactly
    ours = cumulative_incidence(d.time, d.cause, 1)
    aj = AalenJohansenFitter(calculate_variance=False).fit(d.time, d.cause, event_of_interest=1)
    theirs = aj.cumulative_density_.iloc[:, 0]
    assert np.allclose(_at(ours, theirs.index[1:]), theirs.to_numpy()[1:], atol=1e-12)


def test_one_minus_kaplan_meier_overstates_the_incidence():
    # censoring the competing event describes a world without it: 1 - KM ≥ CIF, strictly once both occur
    d = _data()
    cif = cumulative_incidence(d.time, d.cause, 1)
    km = KaplanMeierFitter().fit(d.time, d.cause == 1)
    naive = 1 - km.survival_function_at_times(cif.time).to_numpy()
    assert (naive >= cif.cif.to_numpy() - 1e-12).all() and naive[-1] > cif.cif.iloc[-1] + 0.05


@pytest.fixture(scope="module")
def r_reference(tmp_path_factory):
    require_rscript("r-cran-cmprsk")
    folder = tmp_path_factory.mktemp("competing")
    d = _data()
    d.to_csv(folder / "data.csv", index=False)
    pd.DataFrame({"t": AT}).to_csv(folder / "times.csv", index=False)
    proc = subprocess.run(
        [
            "Rscript",
            str(ROOT / "tests" / "r" / "competing.R"),
            str(folder / "data.csv"),
            str(folder / "times.csv"),
            str(folder / "out.csv"),
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "cmprsk" in proc.stderr and not os.environ.get("CI"):
        pytest.skip("the R package cmprsk is not installed (apt-get install r-cran-cmprsk)")
    assert proc.returncode == 0, proc.stderr
    values = dict(line.split(",") for line in (folder / "out.csv").read_text().splitlines())
    return d, {k: float(v) for k, v in values.items()}


@pytest.mark.parametrize("cause", [1, 2])
def test_cumulative_incidence_agrees_with_cmprsk(r_reference, cause):
    d, ref = r_reference
    ours = _at(cumulative_incidence(d.time, d.cause, cause), AT)
    theirs = [ref[f"cif_{cause}_{i + 1}"] for i in range(len(AT))]
    assert np.allclose(ours, theirs, atol=1e-6)


def test_fine_gray_agrees_with_cmprsk(r_reference):
    d, ref = r_reference
    fit = fine_gray(d.time, d.cause, d[["x1", "x2"]])
    assert fit.converged
    assert np.allclose(fit.coef, [ref["fg_coef_x1"], ref["fg_coef_x2"]], atol=1e-6)


def test_fine_gray_without_competing_events_is_cox():
    # with no competing event every weight is 1 or 0: the Breslow Cox fit (lifelines ties are Efron,
    # so the data are tie-free here)
    from lifelines import CoxPHFitter

    d = _data(decimals=None)
    d = d.assign(cause=np.where(d.cause == 2, 0, d.cause))
    fit = fine_gray(d.time, d.cause, d[["x1", "x2"]])
    cox = CoxPHFitter().fit(d[["time", "cause", "x1", "x2"]], "time", "cause")
    assert np.allclose(fit.coef, cox.params_[["x1", "x2"]].to_numpy(), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(cause=[0, 1, 1.5, 2]), "cause"),
        (dict(time=[1, -2, 3, 4]), "time"),
        (dict(event=3), "event"),
        (dict(X=np.ones((4, 1))), "X"),
        (dict(X=np.ones((3, 1))), "X"),
    ],
)
def test_bad_input_is_refused_by_name(kwargs, name):
    good = dict(time=[1.0, 2, 3, 4], cause=[1, 2, 1, 0], X=np.array([[0.0], [1], [1], [0]]))
    with pytest.raises((ValueError, TypeError), match=name):
        fine_gray(**{**good, **kwargs})


def test_ned_events_codes_the_first_event():
    # NED before progression is the event; progression without NED competes; neither is censored
    df = pd.DataFrame(
        {
            "ned": [1, 1, 0, 0],
            "time_to_ned": [8.0, 12.0, np.nan, np.nan],
            "pfs_months": [50.0, 30.0, 20.0, 40.0],
            "progressed": [1, 0, 1, 0],
        }
    )
    time, cause = ned_events(df)
    assert time.tolist() == [8.0, 12.0, 20.0, 40.0]
    assert cause.tolist() == [NED, NED, PROGRESSION, 0]
    with pytest.raises(ValueError, match="time_to_ned"):
        ned_events(df.drop(columns="time_to_ned"))
