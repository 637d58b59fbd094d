"""Figures of the bias lab (chapter "Selection and time"). Each takes ``ax=None`` and returns ``ax``."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._arguments import axes_or_new, positive
from ..bias import ESTIMATOR_NAMES, ESTIMATORS
from ..palette import COHORTS, ESTIMAND, ESTIMATOR, INK, MUTED, REFERENCE

_HR_TICKS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5]

#: How the figures name the estimands of :mod:`her2ned.estimands` (reference lines).
ESTIMAND_NAMES = {
    "conditional_hr": "conditional HR",
    "trial_hr": "target-trial HR",
    "trial_hr_start": "trial HR from start",
}


def _check_estimands(estimands) -> dict:
    """None or a mapping of estimand name (``ESTIMAND_NAMES``) to a positive true HR."""
    if estimands is None:
        return {}
    if not isinstance(estimands, Mapping):
        raise TypeError(f"estimands must be a mapping of estimand name to HR, got {type(estimands).__name__}")
    for name, value in estimands.items():
        if name not in ESTIMAND_NAMES:
            raise ValueError(f"estimands keys must be among {sorted(ESTIMAND_NAMES)}, got {name!r}")
        positive(value, f"estimands[{name!r}]")
    return dict(estimands)


def _estimand_lines(ax, estimands: dict) -> str:
    """Dotted lines at the other estimands' values, labelled at the top; returns the x-label's note."""
    notes = []
    for name, value in estimands.items():
        ax.axvline(value, color=ESTIMAND[name], lw=1.3, ls=":")
        ax.annotate(
            ESTIMAND_NAMES[name],
            (value, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=8,
            color=ESTIMAND[name],
        )
        notes.append(f"dotted: {ESTIMAND_NAMES[name]} {value:.2f}")
    return "; " + "; ".join(notes) if notes else ""


def _hr_axis(ax, lo, hi, true_hr, others=()):
    lo = min(lo, true_hr, *others) / 1.4
    hi = max(hi, true_hr, *others) * 1.4
    lo, hi = max(lo, 0.02), min(hi, 20)
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ticks = [t for t in _HR_TICKS if lo <= t <= hi]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.axvline(true_hr, color=INK, lw=1.5, ls="--")
    ax.axvline(1.0, color=REFERENCE, lw=0.8)
    ax.spines[["top", "right"]].set_visible(False)


def plot_estimates(table: pd.DataFrame, true_hr: float | None = None, ax=None, *, estimands=None):
    """Forest plot: each estimator's HR of NED with its 95 % CI, against the true HR.

    Parameters
    ----------
    table : DataFrame
        From :func:`her2ned.bias.compare_estimators` (``estimator, hr, ci_low, ci_high,
        n_patients, n_events, converged`` and ``true_hr``).
    true_hr : float, optional
        Default: the table's ``true_hr`` column.
    ax : matplotlib Axes, optional
    estimands : mapping, optional
        Other true values to draw as dotted lines, e.g. ``{"trial_hr": 0.31}`` (names as in
        :data:`ESTIMAND_NAMES`; values from :func:`her2ned.estimands.true_effects`).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from her2ned.bias import compare_estimators
    >>> ax = plot_estimates(compare_estimators(seed=1), estimands={"trial_hr": 0.31})
    """
    need = {"estimator", "hr", "ci_low", "ci_high", "converged"}
    if not isinstance(table, pd.DataFrame) or not need <= set(table.columns):
        raise ValueError(f"table must be a DataFrame with columns {sorted(need)} (from compare_estimators)")
    if true_hr is None:
        if "true_hr" not in table:
            raise ValueError("true_hr must be given when the table has no 'true_hr' column")
        true_hr = float(table["true_hr"].iloc[0])
    positive(true_hr, "true_hr")
    estimands = _check_estimands(estimands)
    ax = axes_or_new(ax, figsize=(8, 3.4))
    ok = table[table["converged"].astype(bool)]
    if ok.empty:
        raise ValueError("no estimator could be fitted (too few patients or events): raise N")
    _hr_axis(ax, float(np.nanmin(ok["ci_low"])), float(np.nanmax(ok["ci_high"])), true_hr, estimands.values())
    note = _estimand_lines(ax, estimands)
    rows = [e for e in ESTIMATORS if e in set(table["estimator"])]
    xmin, xmax = ax.get_xlim()
    for y, est in enumerate(rows):
        r = table[table["estimator"] == est].iloc[0]
        yy = len(rows) - 1 - y
        colour = ESTIMATOR[est]
        if not bool(r["converged"]):
            ax.text(
                math.sqrt(xmin * xmax),
                yy,
                "cannot be estimated (no events in a group)",
                ha="center",
                va="center",
                fontsize=9,
                color=MUTED,
            )
            continue
        ax.plot([max(r["ci_low"], xmin), min(r["ci_high"], xmax)], [yy, yy], color=colour, lw=3)
        ax.plot(r["hr"], yy, "o", color=colour, ms=8)
        extra = f"  n={int(r['n_patients'])}, events={int(r['n_events'])}" if "n_patients" in r else ""
        ax.text(
            xmax,
            yy,
            f" {r['hr']:.2f} ({r['ci_low']:.2f}–{r['ci_high']:.2f}){extra}",
            va="center",
            fontsize=9,
            clip_on=False,
        )
    ax.set_yticks(range(len(rows)), [ESTIMATOR_NAMES[e] for e in reversed(rows)], fontsize=9)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel(f"HR of progression, NED vs not (log scale); dashed: true HR {true_hr:g}{note}")
    return ax


def plot_monte_carlo(mc, ax=None, *, estimands=None):
    """Spread of each estimator's HR over Monte Carlo replicates, against the true HR.

    The thick bar spans the middle 95 % of the estimates, the dot is exp(mean log HR); the right
    margin gives the coverage of the 95 % confidence intervals.

    Parameters
    ----------
    mc : her2ned.bias.MonteCarloResult
    ax : matplotlib Axes, optional
    estimands : mapping, optional
        Other true values to draw as dotted lines (as in :func:`plot_estimates`); the coverage in
        the margin stays that of ``mc.true_hr``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from her2ned.bias import monte_carlo
    >>> from her2ned.simulate import SimulationParams
    >>> ax = plot_monte_carlo(monte_carlo(SimulationParams(n=300), n_replicates=10, seed=1,
    ...                                   progress=False))
    """
    from ..bias import MonteCarloResult

    if not isinstance(mc, MonteCarloResult):
        raise TypeError(f"mc must be a MonteCarloResult (from monte_carlo), got {type(mc).__name__}")
    estimands = _check_estimands(estimands)
    ax = axes_or_new(ax, figsize=(8, 3.4))
    reps = mc.replicates[mc.replicates["converged"].astype(bool)]
    rows = [e for e in ESTIMATORS if e in mc.summary.index]
    q = {e: np.exp(np.percentile(reps.loc[reps.estimator == e, "log_hr"], [2.5, 97.5])) for e in rows}
    _hr_axis(ax, min(v[0] for v in q.values()), max(v[1] for v in q.values()), mc.true_hr, estimands.values())
    note = _estimand_lines(ax, estimands)
    xmax = ax.get_xlim()[1]
    for y, est in enumerate(rows):
        yy = len(rows) - 1 - y
        s = mc.summary.loc[est]
        ax.plot(q[est], [yy, yy], color=ESTIMATOR[est], lw=6, alpha=0.5, solid_capstyle="butt")
        ax.plot(s["mean_hr"], yy, "o", color=ESTIMATOR[est], ms=8)
        ax.text(
            xmax, yy, f" mean {s['mean_hr']:.2f}; coverage {s['coverage']:.0%}", va="center", fontsize=9, clip_on=False
        )
    ax.set_yticks(range(len(rows)), [ESTIMATOR_NAMES[e] for e in reversed(rows)], fontsize=9)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    k = mc.summary["replicates"].max()
    ax.set_xlabel(f"HR of NED over {k} synthetic populations (bar: middle 95 %); dashed: true HR {mc.true_hr:g}{note}")
    return ax


def plot_predictor_ors(table: pd.DataFrame, ax=None):
    """Odds ratios of the predictors of NED by cohort (whole population vs selected), with the truth.

    Parameters
    ----------
    table : DataFrame
        From :func:`her2ned.bias.predictor_odds_ratios`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from her2ned.bias import predictor_odds_ratios
    >>> ax = plot_predictor_ors(predictor_odds_ratios(seed=1, n=20_000))
    """
    need = {"predictor", "cohort", "or", "ci_low", "ci_high", "true_or"}
    if not isinstance(table, pd.DataFrame) or not need <= set(table.columns):
        raise ValueError(f"table must be a DataFrame with columns {sorted(need)} (from predictor_odds_ratios)")
    ax = axes_or_new(ax, figsize=(8, 3.6))
    preds = list(dict.fromkeys(table["predictor"]))
    cohorts = list(dict.fromkeys(table["cohort"]))
    width = 0.7 / len(cohorts)
    for i, pred in enumerate(preds):
        y0 = len(preds) - 1 - i
        t = table[table["predictor"] == pred]
        truth = float(t["true_or"].iloc[0])
        ax.plot([truth, truth], [y0 - 0.42, y0 + 0.42], color=INK, ls="--", lw=1.2)
        for j, c in enumerate(cohorts):
            r = t[t["cohort"] == c].iloc[0]
            y = y0 + 0.35 - (j + 0.5) * width
            ax.plot([r["ci_low"], r["ci_high"]], [y, y], color=COHORTS[j % len(COHORTS)], lw=2)
            ax.plot(r["or"], y, "o", color=COHORTS[j % len(COHORTS)], ms=6, label=c if i == 0 else None)
    ax.set_xscale("log")
    ticks = [0.2, 0.5, 1, 2, 5, 10]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.axvline(1, color=REFERENCE, lw=0.8)
    ax.set_yticks(range(len(preds)), list(reversed(preds)), fontsize=9)
    ax.set_xlabel("odds ratio of reaching NED (log scale); dashed: simulator's true OR")
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
