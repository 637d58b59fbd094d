"""What the bias lab's estimators are scored against: estimands defined in words, valued by simulation.

Every number here comes from the synthetic generative model of :mod:`her2ned.simulate`. "The
effect of NED" is not one number; before judging an estimator's bias, say which of these it is
meant to estimate:

``conditional_hr``
    One patient's hazard of progression after NED divided by her hazard before, at the same time
    since the start of therapy: the simulator's parameter ``hr_ned``. It is the same for every
    patient, so it needs no simulation. A comparison of groups estimates it only within groups of
    patients who share a baseline hazard (the lab's stratified analysis); over patients who differ in
    ways that act on progression (disease type, regimen) a Cox hazard ratio is not collapsible
    (Gail, Wieand & Piantadosi 1984).
``trial_hr``
    The marginal hazard ratio of a target trial (Hernán & Robins 2016) that starts at the landmark,
    the first moment the strategy can be assigned: take everyone progression-free at ``landmark``;
    compare "NED from now on" with "no NED from now on", following everyone for ``horizon`` months.
    Valued by drawing both potential outcomes of every patient
    (:func:`her2ned.simulate.landmark_potential_outcomes`) and fitting one Cox model to the two
    arms, which is the average hazard ratio a very large such trial would report.
``trial_rmst_difference``
    The same trial, on a scale that is collapsible and needs no proportional hazards: the mean
    progression-free months gained within the horizon (restricted mean survival time with NED
    minus without).

When NED does nothing (``hr_ned = 1``) all three say "no effect" (1, 1 and 0), whatever the
confounding: the null is the one place where they agree.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._arguments import count, float_array, months, rng_from_seed
from .fastcox import cox_binary
from .simulate import SimulationParams, landmark_potential_outcomes

__all__ = ["ESTIMANDS", "true_effects", "trial_hr"]

ESTIMANDS = {
    "conditional_hr": "one patient's hazard after NED / before NED (the simulator's hr_ned)",
    "trial_hr": "marginal HR of a target trial among those progression-free at the landmark: "
    "NED from the landmark on vs no NED from the landmark on, to the horizon",
    "trial_rmst_difference": "the same trial: restricted mean PFS to the horizon, with NED minus without (months)",
}


def trial_hr(
    t1: ArrayLike, event1: ArrayLike, t0: ArrayLike, event0: ArrayLike, *, batches: int = 20
) -> tuple[float, float]:
    """The marginal HR of two cloned arms (one Cox model) and the Monte Carlo SE of its log.

    The arms hold the same patients (common random numbers), so the model's SE, which treats the
    rows as independent, is not the Monte Carlo error; that comes from the spread of the estimate
    over ``batches`` disjoint batches of patients: SD / sqrt(batches).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> e = rng.exponential(size=40_000)
    >>> hr, se = trial_hr(e / 0.5, np.ones(40_000, bool), e, np.ones(40_000, bool))
    >>> bool(abs(hr - 0.5) < 0.01), bool(0 < se < 0.01)   # the same draws with the hazard halved
    (True, True)
    """
    batches = count(batches, "batches", low=2, high=1000)
    t1, t0 = float_array(t1, "t1", ndim=1), float_array(t0, "t0", ndim=1)
    m = t1.shape[0]
    if t0.shape != (m,) or m < 10 * batches:
        raise ValueError(f"t1 and t0 must hold the same patients, at least {10 * batches}; got {m} and {t0.shape[0]}")
    if not (np.isfinite(t1).all() and np.isfinite(t0).all()):
        raise ValueError("t1 and t0 must be finite times (cut them at the horizon)")
    event = []
    for name, e in (("event1", event1), ("event0", event0)):
        e = np.asarray(e)
        if e.shape != (m,) or not (e.dtype == bool or np.isin(e, (0, 1)).all()):
            raise ValueError(f"{name} must be {m} booleans or 0/1 values, one per patient")
        event.append(e.astype(bool))
    stop = np.concatenate([t1, t0])
    event = np.concatenate(event)
    x = np.repeat([1, 0], m)
    whole = cox_binary(stop, event, x)
    batch = np.tile(np.arange(m) % batches, 2)
    parts = cox_binary(stop, event, x, group=batch, n_groups=batches)
    if not (whole.converged[0] and parts.converged.all()):
        raise ValueError("the target trial's Cox model did not converge; raise n or the horizon")
    return float(whole.hr[0]), float(np.std(parts.beta, ddof=1) / math.sqrt(batches))


def true_effects(
    params: SimulationParams | None = None,
    *,
    landmark_months: float = 24.0,
    horizon_months: float = 120.0,
    n: int = 200_000,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """The true values of :data:`ESTIMANDS` for one setting of the generative model.

    Parameters
    ----------
    params : SimulationParams, optional
        The model (defaults if omitted).
    landmark_months : float
        Time zero of the target trial, months from the start of first-line therapy (>= 0).
    horizon_months : float
        Follow-up of the target trial after its time zero (> 0).
    n : int
        Patients drawn before the landmark's selection (10,000 to 5,000,000); the Monte Carlo
        error of the two trial values shrinks as 1/sqrt(n).
    seed : int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Index: estimand. Columns ``value``, ``mc_se`` (Monte Carlo standard error; 0 for the
        parameter itself; for the HR, of its logarithm, from 20 batches), ``definition``; ``attrs`` records the
        settings and the number of trial patients.

    Examples
    --------
    >>> t = true_effects(SimulationParams(hr_ned=1.0), n=10_000, seed=1)
    >>> t["value"].round(12).tolist()
    [1.0, 1.0, 0.0]
    """
    p = SimulationParams() if params is None else params
    if not isinstance(p, SimulationParams):
        raise TypeError(f"params must be a SimulationParams, got {type(p).__name__}")
    lm = months(landmark_months, "landmark_months", zero_ok=True)
    horizon = months(horizon_months, "horizon_months")
    n = count(n, "n", low=10_000, high=5_000_000)
    po = landmark_potential_outcomes(p, rng_from_seed(seed), n=n, landmark_months=lm)
    m = po["pfs_with_ned"].shape[0]
    if m < 100:
        raise ValueError(
            f"only {m} of {n:,} patients are progression-free at {lm:g} months; raise n or lower landmark_months"
        )
    t1 = np.minimum(po["pfs_with_ned"], horizon)
    t0 = np.minimum(po["pfs_without_ned"], horizon)
    gain = t1 - t0
    if p.hr_ned == 1.0:  # the two arms are the same patients with the same times
        hr, se_hr = 1.0, 0.0
    else:
        hr, se_hr = trial_hr(t1, po["pfs_with_ned"] <= horizon, t0, po["pfs_without_ned"] <= horizon)
    out = pd.DataFrame(
        {
            "value": [p.hr_ned, hr, float(gain.mean())],
            "mc_se": [0.0, se_hr, float(gain.std(ddof=1) / math.sqrt(m))],
            "definition": list(ESTIMANDS.values()),
        },
        index=pd.Index(list(ESTIMANDS), name="estimand"),
    )
    out.attrs.update(synthetic=True, landmark_months=lm, horizon_months=horizon, trial_patients=m)
    return out
