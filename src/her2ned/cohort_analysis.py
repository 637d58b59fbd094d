"""The study's analysis of one cohort, written once: NED share, odds ratios of NED, PFS by NED.

:func:`analyse_cohort` runs what TOG 2026 reported on one cohort (the design is
:mod:`her2ned.study_design`): the share reaching NED; the multivariable logistic model of NED on its
three terms (odds ratios, Wald 95 % intervals and p-values); Kaplan–Meier medians of PFS by NED; and
the Cox hazard ratio of progression for NED. Everyone is at risk from their ``entry_months`` (left
truncation at the selection), so the survival part is not biased by the immortal time before it.

The fits are the fast numpy engines of :mod:`her2ned.models.fast` (checked against statsmodels and
lifelines in the tests), so the cohort explorer can redraw in milliseconds and
:func:`her2ned.repeat.repeat_study` can repeat the study a thousand times; both call this module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .models.fast import Z_95, cox_one, km_curve, km_median, logit_newton, wald_p
from .results import Result
from .study_design import DURATION, ENTRY, EVENT, OUTCOME, TERM_LABELS, TERMS, design_matrix

__all__ = ["CohortAnalysis", "analyse_cohort", "cox_ned"]

_NAN3 = (math.nan, math.nan, math.nan)


def _survival_columns(cohort) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """NED, PFS, progression and entry as float arrays of one length, checked."""
    if not isinstance(cohort, (Mapping, pd.DataFrame)):
        raise TypeError(
            f"cohort must be a dict of arrays (simulate_cohort_arrays) or a pandas DataFrame, "
            f"got {type(cohort).__name__}"
        )
    out = []
    for name in (OUTCOME, DURATION, EVENT, ENTRY):
        if name not in cohort:
            hint = " (add_model_columns(df, entry_months=36) adds it)" if name == ENTRY else ""
            raise ValueError(f"cohort has no column {name!r}{hint}")
        try:
            column = np.asarray(cohort[name], dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"cohort: column {name!r} must hold numbers") from None
        if column.ndim != 1 or (out and len(column) != len(out[0])):
            raise ValueError(
                f"cohort: column {name!r} must be one-dimensional with one value per patient, got shape {column.shape}"
            )
        if not np.isfinite(column).all():
            raise ValueError(f"cohort: column {name!r} has missing or infinite values")
        if name in (OUTCOME, EVENT) and not np.isin(column, (0.0, 1.0)).all():
            raise ValueError(f"cohort: column {name!r} must be coded 0/1")
        out.append(column)
    if len(out[0]) == 0:
        raise ValueError("cohort has no rows")
    return tuple(out)


def cox_ned(cohort: Mapping[str, np.ndarray] | pd.DataFrame) -> tuple[float, float]:
    """The study's Cox model of PFS on NED: the log hazard ratio of NED and its standard error.

    Efron ties, every patient at risk from ``entry_months`` (:func:`her2ned.models.fast.cox_one`).

    Parameters
    ----------
    cohort : dict of arrays or pandas.DataFrame
        Columns ``ned``, ``pfs_months``, ``progressed`` and ``entry_months``.

    Returns
    -------
    log_hr, se : float
        NaN when the likelihood has no finite maximum (no progression, or none in one group).

    Raises
    ------
    TypeError
        ``cohort`` is not a mapping or a DataFrame.
    ValueError
        A column is missing, not finite numbers of one length, or ``ned`` / ``progressed`` not 0/1.

    Examples
    --------
    >>> import numpy as np
    >>> from her2ned.simulate import simulate_cohort_arrays
    >>> b, se = cox_ned(simulate_cohort_arrays(None, np.random.default_rng(1), 118))
    >>> bool(b < 0 < se)
    True
    """
    ned, time, event, entry = _survival_columns(cohort)
    return cox_one(time, event, ned, entry)


@dataclass(frozen=True, eq=False, repr=False)
class CohortAnalysis(Result):
    """What :func:`analyse_cohort` found in one cohort (NaN where a quantity is not estimable).

    ``odds_ratios`` maps each term to ``(odds ratio, 95 % low, 95 % high)`` and ``or_p`` to its Wald
    p-value; ``curves`` and ``medians`` are keyed by NED status (1, then 0); ``notes`` say in words
    why something is NaN.
    """

    n: int
    n_ned: int
    events: int
    odds_ratios: Mapping[str, tuple[float, float, float]]
    or_p: Mapping[str, float]
    hr: float
    hr_ci: tuple[float, float]
    hr_p: float
    curves: Mapping[int, tuple[np.ndarray, np.ndarray]]
    medians: Mapping[int, float]
    notes: tuple[str, ...] = ()

    @property
    def ned_share(self) -> float:
        """The share of the cohort that reached NED."""
        return self.n_ned / self.n

    @property
    def model(self) -> str:
        """The analysis in words (the header of the HTML view)."""
        return (
            "logistic NED ~ "
            + " + ".join(TERM_LABELS[t] for t in TERMS)
            + "; Kaplan–Meier and Cox PFS ~ NED, at risk from entry (fast numpy engines)"
        )

    @property
    def summary(self) -> pd.DataFrame:
        """Every estimate as a tidy table: ``quantity, term, estimate, ci_low, ci_high, p_value``."""
        nan = math.nan
        rows = [("share reaching NED", "ned", self.ned_share, nan, nan, nan)]
        rows += [(f"odds ratio of NED, {TERM_LABELS[t]}", t, *self.odds_ratios[t], self.or_p[t]) for t in TERMS]
        rows += [
            ("median PFS, NED (months)", "ned = 1", self.medians[1], nan, nan, nan),
            ("median PFS, no NED (months)", "ned = 0", self.medians[0], nan, nan, nan),
            ("hazard ratio of progression, NED vs not", "ned", self.hr, *self.hr_ci, self.hr_p),
        ]
        return pd.DataFrame(rows, columns=["quantity", "term", "estimate", "ci_low", "ci_high", "p_value"])

    def counts(self) -> list[tuple[str, object]]:
        return [
            ("n", self.n),
            ("reached NED", f"{self.n_ned} ({100 * self.ned_share:.1f} %)"),
            ("events (progression)", self.events),
        ]


def analyse_cohort(cohort: Mapping[str, np.ndarray] | pd.DataFrame) -> CohortAnalysis:
    """Analyse one cohort as TOG 2026 did: NED share, logistic odds ratios, KM medians and Cox HR by NED.

    Parameters
    ----------
    cohort : dict of arrays or pandas.DataFrame
        One cohort: the arrays of :func:`her2ned.simulate.simulate_cohort_arrays`, or a table with the
        same columns (or with the model columns of :func:`her2ned.models.add_model_columns`). Needs
        ``ned``, ``pfs_months``, ``progressed``, ``entry_months`` and the logistic terms (see
        :func:`her2ned.study_design.design_matrix`).

    Returns
    -------
    CohortAnalysis
        The estimates; ``.summary`` is a tidy table. A quantity the cohort cannot give (nobody or
        everybody reached NED, a constant term, separation, no progression in a group) is NaN, with a
        note saying why; nothing is raised for it.

    Raises
    ------
    TypeError
        ``cohort`` is not a mapping or a DataFrame.
    ValueError
        ``cohort`` lacks a column, has no rows, or a column is not finite numbers of one length.

    Examples
    --------
    >>> import numpy as np
    >>> from her2ned.simulate import simulate_cohort_arrays
    >>> r = analyse_cohort(simulate_cohort_arrays(None, np.random.default_rng(1), 118))
    >>> r.n, r.summary.shape, bool(r.hr < 1)
    (118, (7, 6), True)
    """
    ned, time, event, entry = _survival_columns(cohort)
    try:
        X = design_matrix(cohort)
    except ValueError as exc:  # say which argument: design_matrix calls it data
        raise ValueError(f"cohort: {exc}") from None
    if len(X) != len(ned):
        raise ValueError(f"cohort: the model columns have {len(X)} rows but {OUTCOME!r} has {len(ned)}")
    n, k, events = len(ned), int(ned.sum()), int(event.sum())
    notes = []
    ors, or_p = dict.fromkeys(TERMS, _NAN3), dict.fromkeys(TERMS, math.nan)
    constant = [t for j, t in enumerate(TERMS) if np.ptp(X[:, j + 1]) == 0]
    if k in (0, n):
        notes.append(f"Nothing is estimable by NED status: {'no' if k == 0 else 'every'} patient reached NED.")
    elif constant:
        notes.append(
            "Odds ratios not estimable: every patient has the same "
            + ", ".join(TERM_LABELS[t] for t in constant)
            + " category."
        )
    else:
        beta, se, ok = logit_newton(X, ned)
        if ok:
            for j, t in enumerate(TERMS):
                b, s = beta[j + 1], se[j + 1]
                ors[t] = (math.exp(b), math.exp(b - Z_95 * s), math.exp(b + Z_95 * s))
                or_p[t] = wald_p(b, s)
        else:
            notes.append(
                "Odds ratios not estimable: a category predicts NED perfectly in this draw "
                "(separation); the Firth-penalised fit in the chapter handles this."
            )
    curves, medians = {}, {}
    for g in (1, 0):
        m = ned == g
        curves[g] = km_curve(time[m], event[m], entry[m])
        medians[g] = km_median(*curves[g])
    b, s = cox_one(time, event, ned, entry)
    if np.isfinite(b):
        hr, hr_ci = math.exp(b), (math.exp(b - Z_95 * s), math.exp(b + Z_95 * s))
        hr_p = wald_p(b, s)
    else:
        hr, hr_ci, hr_p = math.nan, (math.nan, math.nan), math.nan
        if 0 < k < n:
            notes.append("The Cox HR is not estimable: one group has no progression in this draw.")
    return CohortAnalysis(
        n=n,
        n_ned=k,
        events=events,
        odds_ratios=ors,
        or_p=or_p,
        hr=hr,
        hr_ci=hr_ci,
        hr_p=hr_p,
        curves=curves,
        medians=medians,
        notes=tuple(notes),
    )
