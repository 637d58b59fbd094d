"""The analyses the study could have run inside its own cohort, had it recorded when NED was reached.

The study compared NED *ever* with NED never among patients progression-free at 36 months, with time
from the start of therapy (the bias lab's estimator ``study``). With the date of NED, three better
analyses fit the same cohort (Anderson 1983; Giobbie-Hurder 2013; Hernán & Robins, *What If*,
ch. 12 and 17):

``landmark``
    At a landmark ``L`` after entry (36 months, the entry itself, or 48): patients still
    progression-free at ``L``, NED status *at* ``L``, time from ``L``. It answers a question about
    patients alive and progression-free at ``L``; NED reached after ``L`` counts as no NED.
``entry_time_dependent``
    Delayed entry at 36 months, NED as a time-dependent covariate: a patient counts as NED from the
    later of entry and the date of NED.
``ipw_landmark``
    The landmark, weighted by the inverse probability of the NED status each patient had at ``L``
    given the covariates that predict NED (stabilised weights from a logistic model; a Cox model
    with the weights and a robust sandwich variance, :func:`her2ned.fastcox.cox_binary_weighted`,
    as R's ``coxph(..., weights, robust = TRUE)``). It removes confounding by those covariates only; it
    cannot touch a confounder that is not in the model, such as how sensitive the disease is.

The reconstructed cohort of this book has no dates of NED (the abstract gives none), so these run on
synthetic cohorts from :mod:`her2ned.simulate`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._arguments import months, sequence
from .bias import estimator_rows
from .fastcox import cox_binary, cox_binary_weighted
from .models.core import add_model_columns
from .models.fast import Z_95
from .study_design import TERMS

__all__ = ["STUDY_COVARIATES", "landmark_weights", "study_analyses"]

#: The covariates the study found to predict NED (ECOG 0, IHC 3+, grade <= 2) and age per 10 years.
STUDY_COVARIATES = (*TERMS, "age10")

_NEEDED = ("ned", "time_to_ned", "pfs_months", "progressed")


def _cohort(cohort) -> pd.DataFrame:
    if not isinstance(cohort, pd.DataFrame):
        raise TypeError(
            f"cohort must be a DataFrame (e.g. select_cohort(simulate_population(...))), got {type(cohort).__name__}"
        )
    missing = [c for c in _NEEDED if c not in cohort]
    if missing:
        raise ValueError(
            f"cohort lacks column(s) {missing}: these analyses need the date of NED "
            "(time_to_ned), which the reconstructed cohort does not have"
        )
    out = add_model_columns(cohort)
    if "age" in out:
        out["age10"] = out["age"] / 10.0
    return out


def _covariates(covariates, df: pd.DataFrame) -> list[str]:
    cols = sequence(covariates, "covariates")
    if not cols:
        raise ValueError("covariates must name at least one column of the propensity model")
    bad = [c for c in cols if not isinstance(c, str) or c not in df]
    if bad:
        raise ValueError(
            f"covariates {bad} are not columns of the cohort (after add_model_columns); available: {sorted(df.columns)}"
        )
    return list(cols)


def landmark_weights(
    cohort: pd.DataFrame, landmark_months: float = 36.0, *, covariates: Sequence[str] = STUDY_COVARIATES
) -> pd.DataFrame:
    """Stabilised inverse-probability weights for NED status at a landmark.

    Among patients progression-free at ``landmark_months``, a logistic model (statsmodels, maximum
    likelihood) of "NED by the landmark" on ``covariates`` gives each patient's probability ``e`` of
    NED; her weight is ``P(NED) / e`` if she had NED and ``(1 - P(NED)) / (1 - e)`` if not.

    Returns
    -------
    pandas.DataFrame
        The landmark's patients (original index) with ``x`` (NED at the landmark), ``time`` (months
        from the landmark), ``event``, ``propensity`` and ``weight``.

    Examples
    --------
    >>> from her2ned.simulate import SimulationParams, select_cohort, simulate_population
    >>> cohort = select_cohort(simulate_population(SimulationParams(n=3000), seed=1))
    >>> w = landmark_weights(cohort, 36.0)
    >>> bool(abs(w["weight"].mean() - 1) < 0.1)
    True
    """
    import statsmodels.api as sm

    df = _cohort(cohort)
    lm = months(landmark_months, "landmark_months")
    cols = _covariates(covariates, df)
    rows = estimator_rows(df, "landmark", landmark_months=lm)
    at = df.iloc[rows["patient"]]
    x = rows["x"].astype(float)
    if len(x) == 0:
        raise ValueError(f"landmark_months = {lm:g}: nobody is progression-free then, so there is no one to weight")
    if x.min() == x.max():
        raise ValueError(f"landmark_months = {lm:g}: everyone or no one progression-free then has NED: no weights")
    design = sm.add_constant(at[cols].astype(float), has_constant="add")
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        raise ValueError(
            f"covariates {cols} are collinear with each other or constant among the "
            f"{len(x)} patients at {lm:g} months: drop one"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = sm.Logit(x, design).fit(disp=0).predict(design)
    share = x.mean()
    out = pd.DataFrame(
        {"x": rows["x"], "time": rows["stop"], "event": rows["event"].astype(int), "propensity": np.asarray(e)},
        index=at.index,
    )
    out["weight"] = np.where(x == 1, share / out["propensity"], (1 - share) / (1 - out["propensity"]))
    return out


def _row(name, label, beta, se, n, events, method):
    return {
        "analysis": name,
        "label": label,
        "hr": math.exp(beta),
        "ci_low": math.exp(beta - Z_95 * se),
        "ci_high": math.exp(beta + Z_95 * se),
        "log_hr": beta,
        "se": se,
        "n_patients": n,
        "n_events": events,
        "method": method,
    }


def study_analyses(
    cohort: pd.DataFrame,
    *,
    threshold_months: float = 36.0,
    landmarks: Sequence[float] = (36.0, 48.0),
    covariates: Sequence[str] = STUDY_COVARIATES,
) -> pd.DataFrame:
    """The study's own analysis beside the analyses it could have run, on one cohort.

    Parameters
    ----------
    cohort : DataFrame
        Patients progression-free at ``threshold_months``, with ``ned, time_to_ned, pfs_months,
        progressed`` and the covariates (``ecog, her2_ihc, grade, age`` as from
        :func:`her2ned.simulate.select_cohort`).
    threshold_months : float
        The cohort's entry (36 in the study).
    landmarks : sequence of float
        Landmarks after entry (months from the start of therapy, each >= the threshold).
    covariates : sequence of str
        Columns of the propensity model of the weighted landmark (at the first landmark).

    Returns
    -------
    pandas.DataFrame
        One row per analysis: ``analysis, label, hr, ci_low, ci_high, log_hr, se, n_patients,
        n_events, method`` (95 % Wald intervals; robust for the weighted one).

    Examples
    --------
    >>> from her2ned.simulate import SimulationParams, select_cohort, simulate_population
    >>> cohort = select_cohort(simulate_population(SimulationParams(n=3000), seed=1))
    >>> study_analyses(cohort)["analysis"].tolist()
    ['study', 'landmark_36', 'landmark_48', 'entry_time_dependent', 'ipw_landmark_36']
    """
    df = _cohort(cohort)
    thr = months(threshold_months, "threshold_months")
    if (df["pfs_months"] < thr).any():
        raise ValueError(
            f"cohort must hold only patients progression-free at threshold_months ({thr:g}); "
            f"{int((df['pfs_months'] < thr).sum())} are not"
        )
    lms = [months(v, "landmarks") for v in sequence(landmarks, "landmarks")]
    if not lms or min(lms) < thr:
        raise ValueError(f"landmarks must be one or more times >= threshold_months ({thr:g}), got {lms}")
    _covariates(covariates, df)
    out = []

    def fast(name, label, estimator, **kw):
        r = estimator_rows(df, estimator, threshold_months=thr, **kw)
        entry = None if np.all(np.isneginf(r["entry"])) else r["entry"]
        fit = cox_binary(r["stop"], r["event"], r["x"], entry=entry)
        if not fit.converged[0]:
            raise ValueError(f"{label}: the Cox model has no finite estimate (no events in one group)")
        out.append(
            _row(
                name,
                label,
                float(fit.beta[0]),
                float(fit.se[0]),
                len(np.unique(r["patient"])),
                int(fit.n_events[0]),
                "Cox (Efron), one binary covariate",
            )
        )

    fast("study", "the study's analysis: NED ever vs never, time from start", "study")
    for lm in lms:
        fast(
            f"landmark_{lm:g}",
            f"landmark at {lm:g} months: NED by then, time from then",
            "landmark",
            landmark_months=lm,
        )
    fast("entry_time_dependent", f"NED time-dependent from entry at {thr:g} months", "entry_time_dependent")
    w = landmark_weights(df, lms[0], covariates=covariates)
    fit = cox_binary_weighted(w["time"], w["event"], w["x"], w["weight"])
    if not fit.converged:
        raise ValueError("the weighted landmark has no finite estimate (no events in one group)")
    out.append(
        _row(
            f"ipw_landmark_{lms[0]:g}",
            f"landmark at {lms[0]:g} months, weighted for {', '.join(covariates)}",
            fit.beta,
            fit.se,
            len(w),
            int(w["event"].sum()),
            "weighted Cox, robust variance (Lin & Wei)",
        )
    )
    res = pd.DataFrame(out)
    res.attrs["synthetic"] = True
    return res
