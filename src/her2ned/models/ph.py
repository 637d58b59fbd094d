"""Checks of the proportional-hazards assumption of a Cox model.

:func:`ph_table` runs the Grambsch–Therneau test on scaled Schoenfeld residuals (lifelines
``proportional_hazard_test``; R ``cox.zph``), one row per covariate. A small p-value says the hazard
ratio changes with time; a large one does not prove it constant, least of all with few events.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._arguments import column_name
from ..results import Table
from .core import cox_table

__all__ = ["ph_table"]

_TRANSFORMS = ("rank", "km", "identity", "log")


def ph_table(
    df: pd.DataFrame,
    duration: str,
    event: str,
    covariates: list[str],
    entry: str | None = None,
    time_transform: str = "rank",
) -> Table:
    """Schoenfeld-residual test of proportional hazards for each covariate.

    Parameters
    ----------
    entry : str, optional
        Left-truncation column; only a common entry time (the study's 36 months) is supported,
        where the fit is identical to one without it.
    time_transform : {"rank", "km", "identity", "log"}
        The function of time the residuals are correlated with ("km" is R's ``cox.zph`` default).

    Returns
    -------
    Table
        ``summary`` has columns ``term, statistic, p_value, time_transform``.

    Examples
    --------
    >>> from her2ned.simulate import simulate_population, select_cohort
    >>> cohort = select_cohort(simulate_population(seed=1))
    >>> list(ph_table(cohort, "pfs_months", "progressed", ["ned"]).summary.columns)
    ['term', 'statistic', 'p_value', 'time_transform']
    """
    from lifelines.statistics import proportional_hazard_test

    if not isinstance(time_transform, str) or time_transform not in _TRANSFORMS:
        raise ValueError(f"time_transform must be one of {_TRANSFORMS}, got {time_transform!r}")
    column_name(duration, "duration")
    column_name(event, "event")
    if entry is not None:
        column_name(entry, "entry")
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
        for name, col in (("entry", entry), ("duration", duration)):
            if col not in df:
                raise ValueError(f"{name} column {col!r} not in df")
        en = pd.to_numeric(df[entry], errors="coerce").to_numpy(dtype=float)
        if en.size == 0 or np.isnan(en).any():
            raise ValueError(f"entry column {entry!r} must hold numbers, without gaps, in at least one row")
        # With one common entry time at or before every duration the risk sets at every event
        # time are the same with or without it, so the fit (and its residuals) are identical.
        if not (np.ptp(en) == 0 and en[0] <= pd.to_numeric(df[duration], errors="coerce").min()):
            raise ValueError(
                "ph_table: lifelines has no Schoenfeld residuals for varying entry times; "
                "only a common entry at or before every duration is supported"
            )
        entry = None
    fit = cox_table(df, duration, event, covariates, entry=entry)
    cols = [duration, event, *covariates]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = proportional_hazard_test(fit.fitted, df[cols].astype(float), time_transform=time_transform)
    s = res.summary
    return Table(
        f"Grambsch–Therneau test of proportional hazards ({time_transform} time), scaled Schoenfeld residuals",
        pd.DataFrame(
            {
                "term": list(covariates),
                "statistic": s.loc[list(covariates), "test_statistic"].to_numpy(),
                "p_value": s.loc[list(covariates), "p"].to_numpy(),
                "time_transform": time_transform,
            }
        ),
        n=fit.n,
        events=fit.events,
    )
