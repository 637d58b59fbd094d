"""Kaplan–Meier curves by group, with the selection window and medians marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._arguments import axes_or_new, column_name, finite, flag, positive
from ..models.fast import km_curve, km_median, numbers_at_risk  # numbers_at_risk: importable from here too
from ..palette import INK, MUTED, NED_GROUP, REFERENCE, SHADE

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn
    from matplotlib.axes import Axes

__all__ = ["plot_km", "numbers_at_risk"]


def plot_km(
    df: pd.DataFrame,
    duration: str = "pfs_months",
    event: str = "progressed",
    group: str = "ned",
    *,
    entry: str | None = None,
    ax: Axes | None = None,
    labels: dict | None = None,
    threshold: float | None = None,
    show_medians: bool = True,
    xmax: float | None = None,
    at_risk: bool = True,
) -> Axes:
    """Kaplan–Meier curves of ``duration`` by ``group`` (optionally left-truncated at ``entry``).

    Parameters
    ----------
    df : DataFrame
    duration, event, group : str
        Columns: time from the origin, 1 = event, the grouping (e.g. ``ned``).
    entry : str, optional
        Delayed-entry column (left truncation).
    threshold : float, optional
        Shade [0, threshold]: the window in which every selected patient is progression-free by
        construction.
    show_medians : bool
        Dashed drop lines at each curve's median.
    at_risk : bool
        A numbers-at-risk table under the axis, one row per group at each x tick (patients still
        followed and, with ``entry``, already entered): how many patients each part of a curve rests on.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from her2ned.simulate import simulate_population, select_cohort
    >>> ax = plot_km(select_cohort(simulate_population(seed=1)), threshold=36)
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a DataFrame, got {type(df).__name__}")
    for param, c in {"duration": duration, "event": event, "group": group, "entry": entry}.items():
        if c is None and param == "entry":
            continue
        column_name(c, param)
        if c not in df:
            raise ValueError(f"{param} {c!r} is not a column of df; available: {list(df.columns)}")
    if labels is not None and not isinstance(labels, dict):
        raise TypeError(f"labels must be None or a dict {{group value: label}}, got {type(labels).__name__}")
    if threshold is not None:
        finite(threshold, "threshold", low=0)
    if xmax is not None:
        positive(xmax, "xmax")
    flag(show_medians, "show_medians"), flag(at_risk, "at_risk")
    labels = labels or {1: "NED", 0: "no NED"}
    ax = axes_or_new(ax, figsize=(7, 4))
    if threshold is not None:
        ax.axvspan(0, threshold, color=SHADE, zorder=0)
        ax.text(
            threshold / 2,
            0.04,
            f"selected: no progression\nbefore {threshold:g} months",
            ha="center",
            va="bottom",
            fontsize=8,
            color=MUTED,
        )
    top = 0.0
    for g in sorted(df[group].unique(), reverse=True):
        sub = df[df[group] == g]
        t, s = km_curve(
            sub[duration].to_numpy(float),
            sub[event].to_numpy(float),
            None if entry is None else sub[entry].to_numpy(float),
        )
        t_end = float(sub[duration].max())
        colour = NED_GROUP.get(g, None)
        tt = np.concatenate([[0.0] if entry is None and t[0] > 0 else [], t, [t_end]])
        ss = np.concatenate([[1.0] if entry is None and t[0] > 0 else [], s, [s[-1]]])
        med = km_median(t, s)
        lab = (
            f"{labels.get(g, g)} (n = {len(sub)}; median {med:.0f} mo)"
            if np.isfinite(med)
            else f"{labels.get(g, g)} (n = {len(sub)}; median not reached)"
        )
        (line,) = ax.plot(tt, ss, drawstyle="steps-post", lw=2.2, color=colour, label=lab)
        cens = sub[sub[event] == 0][duration].to_numpy(float)
        if len(cens):
            idx = np.searchsorted(t, cens, side="right") - 1
            ax.plot(cens, s[np.clip(idx, 0, len(s) - 1)], "|", ms=6, color=line.get_color(), alpha=0.7)
        if show_medians and np.isfinite(med):
            ax.plot([med, med], [0, 0.5], ls="--", lw=1, color=line.get_color())
        top = max(top, t_end)
    if show_medians:
        ax.axhline(0.5, color=REFERENCE, lw=0.8, ls=":")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, xmax or top * 1.02)
    ax.set_xlabel("months since start of first-line therapy")
    ax.set_ylabel("progression-free" + (" (given entry)" if entry else ""))
    ax.legend(loc="upper right", frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    if at_risk:
        _at_risk_table(ax, df, duration, group, entry, labels)
    return ax


def _at_risk_table(ax, df, duration, group, entry, labels):
    """Rows of numbers at risk under the x-axis label, aligned with the ticks."""
    lo, hi = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if lo <= t <= hi]
    ax.set_xticks(ticks)
    style = dict(
        xycoords=("data", "axes fraction"),
        textcoords="offset points",
        va="top",
        fontsize=8,
        annotation_clip=False,
        gid="at-risk",
    )
    ax.annotate("Number at risk", xy=(lo, 0), xytext=(-16, -36), ha="right", color=MUTED, **style)
    for row, g in enumerate(sorted(df[group].unique(), reverse=True)):
        sub = df[df[group] == g]
        counts = numbers_at_risk(sub[duration], ticks, None if entry is None else sub[entry])
        y = -48 - 11 * row
        ax.annotate(
            str(labels.get(g, g)), xy=(lo, 0), xytext=(-16, y), ha="right", color=NED_GROUP.get(g, INK), **style
        )
        for t, n in zip(ticks, counts):
            ax.annotate(f"{n}", xy=(t, 0), xytext=(0, y), ha="center", color=INK, **style)
