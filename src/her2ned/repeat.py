"""The study repeated many times: draw study-sized cohorts from the simulator and refit its models.

Each replicate draws ``n`` selected patients (progression-free at the threshold) from
:mod:`her2ned.simulate`, fits the multivariable logistic model of NED (ECOG 0, IHC 3+, grade ≤ 2) and
the Cox model of PFS on NED (entry at the threshold), with the fast numpy fits of
:mod:`her2ned.models.fast`. The design matrix and the Cox model are the study's own
(:mod:`her2ned.study_design`, :func:`her2ned.cohort_analysis.cox_ned`); the logistic fits run as one
batch over all replicates (the engine :func:`~her2ned.models.fast.logit_newton` is vectorised), so a
thousand replicates of 118 patients take a few seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._arguments import rng_from_seed
from .cohort_analysis import cox_ned
from .models.fast import logit_newton, wald_p
from .simulate import SimulationParams, simulate_cohort_arrays
from .study_design import STUDY_N, TERMS, design_matrix

__all__ = ["repeat_study", "TERMS"]  # TERMS re-exported from her2ned.study_design


def repeat_study(
    params: SimulationParams | None = None, *, n_studies: int = 1000, n: int = STUDY_N, seed: int
) -> pd.DataFrame:
    """Repeat the study ``n_studies`` times and return one row of estimates per replicate.

    Parameters
    ----------
    params : SimulationParams, optional
        The population model (its ``threshold_months`` is the selection).
    n_studies : int
        Replicates, 1 to 100,000.
    n : int
        Patients per study after selection (118 in TOG 2026), 20 to 100,000.
    seed : int
        Seed of the one random generator all replicates share.

    Returns
    -------
    pandas.DataFrame
        ``study, n_ned, or_<term>, p_<term>`` for each of ``ecog0, ihc3, grade_le2`` (NaN where the
        maximum-likelihood fit failed, e.g. separation), ``logit_ok``, ``hr_ned, p_hr``.

    Examples
    --------
    >>> r = repeat_study(n_studies=5, seed=1)
    >>> r.shape[0], "or_ecog0" in r
    (5, True)
    """
    for name, v, lo, hi in (("n_studies", n_studies, 1, 100_000), ("n", n, 20, 100_000)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {type(v).__name__}")
        if not lo <= v <= hi:
            raise ValueError(f"{name} must be between {lo:,} and {hi:,}, got {v}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    params = params or SimulationParams()
    rng = rng_from_seed(seed)
    Xs = np.empty((n_studies, n, 1 + len(TERMS)))
    ys = np.empty((n_studies, n))
    hr, p_hr = np.full(n_studies, np.nan), np.full(n_studies, np.nan)
    for i in range(n_studies):
        a = simulate_cohort_arrays(params, rng, n)
        Xs[i] = design_matrix(a)
        ys[i] = a["ned"]
        b, s = cox_ned(a)
        if np.isfinite(b):
            hr[i], p_hr[i] = np.exp(b), wald_p(b, s)
    # a constant outcome or predictor makes the information singular: logit_newton flags it
    beta, se, ok = logit_newton(Xs, ys)
    out = {"study": np.arange(1, n_studies + 1), "n_ned": ys.sum(axis=1).astype(int)}
    for j, t in enumerate(TERMS):
        out[f"or_{t}"] = np.exp(beta[:, j + 1])
        out[f"p_{t}"] = wald_p(beta[:, j + 1], se[:, j + 1])
    out["logit_ok"] = ok
    out["hr_ned"], out["p_hr"] = hr, p_hr
    return pd.DataFrame(out)
