"""Tidy results for the study's three models: logistic regression, Kaplan–Meier and Cox.

Every function returns a result (:mod:`her2ned.results`): a tidy ``summary`` DataFrame, a header
(model, n, events) in its HTML view, and ``plot``. Inputs are checked first; a degenerate fit (perfect separation,
no events, a constant predictor) raises ``ValueError`` in words a reader can act on.

References: statsmodels ``Logit`` (Seabold & Perktold 2010) and lifelines ``KaplanMeierFitter``,
``CoxPHFitter`` and ``logrank_test`` (Davidson-Pilon 2019).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._arguments import column_name, float_array, sequence, string
from ..results import Table
from ..study_design import CODING, MODEL_TERMS
from .fast import Z_95, wald_p

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn
    from matplotlib.axes import Axes

__all__ = [
    "RegressionTable",
    "KaplanMeierTable",
    "TestTable",
    "ratio_summary",
    "logistic_table",
    "km_medians",
    "logrank_test",
    "cox_table",
    "add_model_columns",
    "MODEL_TERMS",
]

# MODEL_TERMS (the 0/1 model columns and their labels) is the study's design: her2ned.study_design.


@dataclass(frozen=True, eq=False, repr=False)
class RegressionTable(Table):
    """Ratios with Wald 95 % CIs from a regression, one row per term.

    ``summary`` has columns ``term, odds_ratio`` (or ``hazard_ratio``) ``, ci_low, ci_high, p_value,
    coef, se``; ``fitted`` is the library's fitted model where one exists (the lifelines
    ``CoxPHFitter``, for residual checks); ``intercept`` the logistic intercept. ``plot`` draws a
    forest plot (:func:`her2ned.plots.plot_forest`, whose arguments it takes).
    """

    fitted: object = None
    intercept: float | None = None

    def plot(self, ax: Axes | None = None, **kwargs) -> Axes:
        """Forest plot of the ratios and their CIs (``kwargs`` go to :func:`her2ned.plots.plot_forest`)."""
        from ..plots.forest import plot_forest

        return plot_forest(self.summary, ax=ax, **kwargs)


@dataclass(frozen=True, eq=False, repr=False)
class KaplanMeierTable(Table):
    """Kaplan–Meier medians per group; ``plot`` draws the curves (:func:`her2ned.plots.plot_km`)."""

    data: pd.DataFrame | None = None  # the columns the curves were fitted to, for plot
    columns: tuple[str, str, str, str | None] = ("pfs_months", "progressed", "ned", None)

    def plot(self, ax: Axes | None = None, **kwargs) -> Axes:
        """The Kaplan–Meier curves by group (``kwargs`` go to :func:`her2ned.plots.plot_km`)."""
        from ..plots.survival import plot_km

        duration, event, group, entry = self.columns
        return plot_km(self.data, duration, event, group, entry=entry, ax=ax, **kwargs)


@dataclass(frozen=True, eq=False, repr=False)
class TestTable(Table):
    """A hypothesis test: ``summary`` has one row, ``test, statistic, df, p_value``."""

    __test__ = False  # not a pytest test class

    @property
    def statistic(self) -> float:
        return float(self.summary["statistic"].iloc[0])

    @property
    def p_value(self) -> float:
        return float(self.summary["p_value"].iloc[0])


def _check_frame(df, columns: dict, *, who: str) -> None:
    """``df`` is a non-empty DataFrame holding every named column; ``columns`` maps each parameter's
    name to its value (a column name or a list of them; leave out optional parameters not given)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{who}: df must be a pandas DataFrame, got {type(df).__name__}")
    for param, value in columns.items():
        names = value if isinstance(value, (list, tuple)) else [value]
        for c in names:
            column_name(c, f"{who}: {param}")
            if c not in df.columns:
                raise ValueError(f"{who}: {param} {c!r} is not a column of df; available: {list(df.columns)}")
    if len(df) == 0:
        raise ValueError(f"{who}: df has no rows")


def _binary(series: pd.Series, name: str, who: str) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError(f"{who}: column {name!r} has missing or non-numeric values")
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError(f"{who}: column {name!r} must be coded 0/1")
    return values


def _logistic_inputs(df, outcome: str, predictors, who: str) -> tuple[np.ndarray, np.ndarray]:
    """The 0/1 outcome and the numeric predictor matrix, checked; shared by the ML and Firth fits."""
    if isinstance(predictors, str) or not isinstance(predictors, Sequence) or len(predictors) == 0:
        raise TypeError(f"{who}: predictors must be a non-empty list of column names")
    _check_frame(df, {"outcome": outcome, "predictors": list(predictors)}, who=who)
    y = _binary(df[outcome], outcome, who)
    X = df[list(predictors)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if np.isnan(X).any():
        raise ValueError(f"{who}: predictors have missing or non-numeric values")
    for j, name in enumerate(predictors):
        if np.ptp(X[:, j]) == 0:
            raise ValueError(f"{who}: predictor {name!r} takes a single value; it cannot be estimated")
    return y, X


def add_model_columns(df: pd.DataFrame, entry_months: float | None = None) -> pd.DataFrame:
    """Add the study's 0/1 model columns (``ecog0``, ``ihc3``, ``grade_le2``, ``tp``) to a copy of ``df``.

    Only columns whose source column is present are added: ``ecog`` (0/1) → ``ecog0``;
    ``her2_ihc`` ("3+"/"2+/ISH+") → ``ihc3``; ``grade`` (1/2/3) → ``grade_le2``; ``regimen``
    ("T"/"T+P") → ``tp``. With ``entry_months`` (e.g. 36, the study's selection), an
    ``entry_months`` column for left-truncated analyses is added too.

    Examples
    --------
    >>> import pandas as pd
    >>> add_model_columns(pd.DataFrame({"ecog": [0, 1], "grade": [3, 2]}))[["ecog0", "grade_le2"]].values.tolist()
    [[1, 0], [0, 1]]
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    out = df.copy()
    if entry_months is not None:
        if isinstance(entry_months, bool) or not isinstance(entry_months, (int, float)) or entry_months < 0:
            raise ValueError(f"entry_months must be a number >= 0, got {entry_months!r}")
        out["entry_months"] = float(entry_months)
    for column, (source, rule) in CODING.items():  # the study's coding, written once
        if source in out:
            out[column] = rule(out[source]).astype(int)
    return out


def logistic_table(df: pd.DataFrame, outcome: str, predictors: list[str]) -> RegressionTable:
    """Odds ratios with Wald 95 % CIs and p-values from a maximum-likelihood logistic regression.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    outcome : str
        Column coded 0/1 (e.g. ``"ned"``).
    predictors : list of str
        Numeric columns already coded 0/1 (or continuous); an intercept is added and not reported.

    Returns
    -------
    RegressionTable
        ``summary`` has columns ``term, odds_ratio, ci_low, ci_high, p_value, coef, se``, one row per
        predictor; ``fitted`` is the statsmodels result.

    Raises
    ------
    ValueError
        Missing columns, a constant outcome or predictor, perfect (or quasi-) separation, or a fit
        that does not converge; use :func:`her2ned.models.firth_logistic_table` for sparse cells.

    Examples
    --------
    >>> from her2ned.simulate import simulate_population, select_cohort
    >>> from her2ned.models import add_model_columns, logistic_table
    >>> cohort = add_model_columns(select_cohort(simulate_population(seed=1)))
    >>> list(logistic_table(cohort, "ned", ["ecog0", "ihc3", "grade_le2"]).summary.columns)
    ['term', 'odds_ratio', 'ci_low', 'ci_high', 'p_value', 'coef', 'se']
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    who = "logistic_table"
    y, X = _logistic_inputs(df, outcome, predictors, who)
    if y.min() == y.max():
        raise ValueError(f"{who}: outcome {outcome!r} is {int(y[0])} for every patient; a model needs both outcomes")
    Xc = np.column_stack([np.ones(len(y)), X])
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            res = sm.Logit(y, Xc).fit(disp=0, maxiter=100)
        except (PerfectSeparationWarning, np.linalg.LinAlgError) as exc:
            raise ValueError(
                f"{who}: perfect separation: a predictor (or combination) predicts "
                f"{outcome!r} exactly, so the maximum-likelihood OR is infinite; "
                "try the Firth-penalised fit"
            ) from exc
        except Exception as exc:  # statsmodels raises its own PerfectSeparationError in old versions
            if "separation" in str(exc).lower():
                raise ValueError(f"{who}: perfect separation in {outcome!r}; try the Firth-penalised fit") from exc
            raise
    params, bse = np.asarray(res.params), np.asarray(res.bse)
    converged = bool(res.mle_retvals.get("converged", False))
    if not converged or not np.all(np.isfinite(bse)) or np.any(np.abs(params[1:]) > 15):
        raise ValueError(
            f"{who}: the fit did not converge (quasi-separation or too few events); "
            "an odds ratio cannot be estimated by maximum likelihood: try the "
            "Firth-penalised fit"
        )
    return RegressionTable(
        f"logistic regression of {outcome} (maximum likelihood, Wald 95 % CI)",
        ratio_summary(predictors, "odds_ratio", params[1:], bse[1:]),
        n=len(y),
        events=int(y.sum()),
        fitted=res,
        intercept=float(params[0]),
    )


def ratio_summary(terms: Sequence[str], ratio: str, coef: np.ndarray, se: np.ndarray) -> pd.DataFrame:
    """The tidy table of a regression: ``term, <ratio>, ci_low, ci_high, p_value, coef, se`` (Wald 95 %).

    Examples
    --------
    >>> ratio_summary(["x"], "odds_ratio", np.array([0.0]), np.array([1.0])).round(2).to_dict("records")
    [{'term': 'x', 'odds_ratio': 1.0, 'ci_low': 0.14, 'ci_high': 7.1, 'p_value': 1.0, 'coef': 0.0, 'se': 1.0}]
    """
    terms = [column_name(t, "terms") for t in sequence(terms, "terms")]
    ratio = string(ratio, "ratio")
    coef, se = float_array(coef, "coef", ndim=1), float_array(se, "se", ndim=1)
    if not len(terms) == len(coef) == len(se):
        raise ValueError(f"terms, coef and se must have one entry per term; got {len(terms)}, {len(coef)}, {len(se)}")
    if (se[np.isfinite(se)] <= 0).any():
        raise ValueError("se must be > 0 (or NaN where a fit gave none)")
    return pd.DataFrame(
        {
            "term": list(terms),
            ratio: np.exp(coef),
            "ci_low": np.exp(coef - Z_95 * se),
            "ci_high": np.exp(coef + Z_95 * se),
            "p_value": wald_p(coef, se),
            "coef": coef,
            "se": se,
        }
    )


def _check_survival(df, duration, event, extra: dict, who):
    _check_frame(df, {"duration": duration, "event": event, **extra}, who=who)
    t = pd.to_numeric(df[duration], errors="coerce").to_numpy(dtype=float)
    if np.isnan(t).any() or (t < 0).any():
        raise ValueError(f"{who}: duration {duration!r} must be non-negative numbers without gaps")
    e = _binary(df[event], event, who)
    return t, e


def km_medians(df: pd.DataFrame, duration: str, event: str, group: str, entry: str | None = None) -> KaplanMeierTable:
    """Kaplan–Meier median (with its 95 % CI) per group, optionally with left truncation.

    Parameters
    ----------
    df : pandas.DataFrame
    duration : str
        Time from the origin (start of first-line therapy) to progression or censoring.
    event : str
        1 = progressed, 0 = censored.
    group : str
        Column whose values define the curves (e.g. ``"ned"``).
    entry : str, optional
        Time each patient entered the risk set (left truncation, e.g. 36 months); durations still
        run from the origin (lifelines ``entry=``).

    Returns
    -------
    KaplanMeierTable
        ``summary`` has columns ``group, n, events, median, ci_low, ci_high``. A median (or bound) the curve never
        reaches is NaN ("not reached").

    Examples
    --------
    >>> from her2ned.simulate import simulate_population, select_cohort
    >>> cohort = select_cohort(simulate_population(seed=1))
    >>> list(km_medians(cohort, "pfs_months", "progressed", "ned").summary.columns)
    ['group', 'n', 'events', 'median', 'ci_low', 'ci_high']
    """
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError
    from lifelines.utils import median_survival_times

    who = "km_medians"
    t, e = _check_survival(df, duration, event, {"group": group, **({} if entry is None else {"entry": entry})}, who)
    if entry is not None:
        en = pd.to_numeric(df[entry], errors="coerce").to_numpy(dtype=float)
        if np.isnan(en).any() or (en > t).any() or (en < 0).any():
            raise ValueError(f"{who}: entry {entry!r} must lie between 0 and the duration for every row")
    rows = []
    for g in sorted(df[group].dropna().unique()):
        mask = (df[group] == g).to_numpy()
        kmf = KaplanMeierFitter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                kmf.fit(t[mask], e[mask], entry=None if entry is None else en[mask])
            except StatError as exc:
                raise ValueError(
                    f"{who}: in group {g!r} the risk set empties before late entrants "
                    "arrive (too few early entry times), so the curve drops to 0: "
                    "the Kaplan–Meier estimate with this truncation is undefined"
                ) from exc
            ci = median_survival_times(kmf.confidence_interval_)
        med = kmf.median_survival_time_
        lo, hi = (float(v) for v in np.asarray(ci, dtype=float).ravel()[:2])
        rows.append(
            {
                "group": g,
                "n": int(mask.sum()),
                "events": int(e[mask].sum()),
                "median": float(med) if np.isfinite(med) else np.nan,
                "ci_low": lo if np.isfinite(lo) else np.nan,
                "ci_high": hi if np.isfinite(hi) else np.nan,
            }
        )
    if not rows:
        raise ValueError(f"{who}: group column {group!r} has no non-missing values")
    used = [duration, event, group, *([entry] if entry is not None else [])]
    return KaplanMeierTable(
        "Kaplan–Meier median PFS by " + group + ("" if entry is None else f", at risk from {entry}") + " (95 % CI)",
        pd.DataFrame(rows),
        n=len(t),
        events=int(e.sum()),
        data=df[used].copy(),
        columns=(duration, event, group, entry),
    )


def logrank_test(df: pd.DataFrame, duration: str, event: str, group: str) -> TestTable:
    """Log-rank test of equal survival across the groups in ``group``.

    Returns
    -------
    TestTable
        ``statistic`` (chi-squared) and ``p_value``; ``summary`` has one row, ``test, statistic, df, p_value``.

    Examples
    --------
    >>> from her2ned.simulate import simulate_population, select_cohort
    >>> cohort = select_cohort(simulate_population(seed=1))
    >>> list(logrank_test(cohort, "pfs_months", "progressed", "ned").summary.columns)
    ['test', 'statistic', 'df', 'p_value']
    """
    from lifelines.statistics import multivariate_logrank_test

    who = "logrank_test"
    t, e = _check_survival(df, duration, event, {"group": group}, who)
    groups = df[group].to_numpy()
    if pd.Series(groups).nunique() < 2:
        raise ValueError(f"{who}: group {group!r} has a single value; a comparison needs two groups")
    if e.sum() == 0:
        raise ValueError(f"{who}: no events (every patient censored); the test is undefined")
    res = multivariate_logrank_test(t, groups, e)
    summary = pd.DataFrame(
        {
            "test": ["log-rank (Mantel–Cox)"],
            "statistic": [float(res.test_statistic)],
            "df": [int(pd.Series(groups).nunique() - 1)],
            "p_value": [float(res.p_value)],
        }
    )
    return TestTable(f"log-rank test of {duration} by {group}", summary, n=len(t), events=int(e.sum()))


def cox_table(
    df: pd.DataFrame, duration: str, event: str, covariates: list[str], entry: str | None = None
) -> RegressionTable:
    """Hazard ratios with Wald 95 % CIs and p-values from a Cox model (Efron ties, lifelines).

    Parameters
    ----------
    df : pandas.DataFrame
    duration, event : str
        Time from the origin and the 0/1 event indicator.
    covariates : list of str
        Numeric columns (0/1 or continuous).
    entry : str, optional
        Left-truncation column (lifelines ``entry_col``), on the same clock as ``duration``.

    Returns
    -------
    RegressionTable
        ``summary`` has columns ``term, hazard_ratio, ci_low, ci_high, p_value, coef, se``; ``fitted``
        is the lifelines model (for proportional-hazards checks).

    Examples
    --------
    >>> from her2ned.simulate import simulate_population, select_cohort
    >>> cohort = select_cohort(simulate_population(seed=1))
    >>> cox_table(cohort, "pfs_months", "progressed", ["ned"], entry="entry_months").summary.shape
    (1, 7)
    """
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError

    who = "cox_table"
    if isinstance(covariates, str) or not isinstance(covariates, Sequence) or len(covariates) == 0:
        raise TypeError(f"{who}: covariates must be a non-empty list of column names")
    columns = {"covariates": list(covariates), **({} if entry is None else {"entry": entry})}
    t, e = _check_survival(df, duration, event, columns, who)
    if e.sum() == 0:
        raise ValueError(f"{who}: no events (every patient censored); hazard ratios are undefined")
    data = df[[duration, event, *covariates, *([entry] if entry is not None else [])]].copy()
    data[event] = e
    for c in covariates:
        col = pd.to_numeric(data[c], errors="coerce")
        if col.isna().any():
            raise ValueError(f"{who}: covariate {c!r} has missing or non-numeric values")
        if col.nunique() < 2:
            raise ValueError(f"{who}: covariate {c!r} takes a single value; it cannot be estimated")
        if col.nunique() == 2 and col.groupby(col).size().min() > 0:
            lo = col == col.min()
            if e[lo.to_numpy()].sum() == 0 or e[~lo.to_numpy()].sum() == 0:
                raise ValueError(
                    f"{who}: one level of {c!r} has no events; its hazard ratio is 0 or infinite (monotone likelihood)"
                )
        data[c] = col.astype(float)
    # lifelines uses Efron's method for ties; tighter tolerances than its defaults so that
    # coefficients agree with R coxph to 1e-6
    cph = CoxPHFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cph.fit(
                data,
                duration_col=duration,
                event_col=event,
                entry_col=entry,
                fit_options={"precision": 1e-16, "r_precision": 0.0},
            )
        except ConvergenceError as exc:
            raise ValueError(
                f"{who}: the Cox fit did not converge ({exc.__class__.__name__}); "
                "too few events or a covariate that separates them"
            ) from exc
    s = cph.summary
    return RegressionTable(
        f"Cox model of {duration} (Efron ties, Wald 95 % CI"
        + ("" if entry is None else f", at risk from {entry}")
        + ")",
        ratio_summary(covariates, "hazard_ratio", s["coef"].to_numpy(), s["se(coef)"].to_numpy()),
        n=len(data),
        events=int(e.sum()),
        fitted=cph,
    )
