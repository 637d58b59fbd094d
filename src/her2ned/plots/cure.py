"""Figures of the cure chapter: a fitted cure model over its data, and how often a study finds a cure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._arguments import axes_or_new, finite
from ..cure import CureFit, follow_up_check
from ..models.fast import km_curve
from ..palette import INK, LATENCY, MUTED, NED_GROUP, OURS, PUBLISHED, REFERENCE, SHADE

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn
    from matplotlib.axes import Axes

__all__ = ["plot_cure_fit", "plot_follow_up_check", "plot_cure_detection", "plot_against_published"]


def plot_cure_fit(fit: CureFit, ax: Axes | None = None, *, xmax: float | None = None) -> Axes:
    """Kaplan–Meier curve(s) of the data and the cure model's curve(s), with the cure share marked.

    With one binary cure covariate, one pair of curves per level; otherwise the whole cohort, the
    model curve averaged over its patients.

    Examples
    --------
    >>> from her2ned.cure import fit_mixture_cure, simulated_cohort
    >>> df = simulated_cohort(cure_fraction=0.3, follow_up_months=120, seed=5, n_selected=300)
    >>> ax = plot_cure_fit(fit_mixture_cure(df, entry=36.0))
    """
    if not isinstance(fit, CureFit):
        raise TypeError(f"fit must be a CureFit (from fit_mixture_cure), got {type(fit).__name__}")
    ax = axes_or_new(ax, (7.5, 4.2))
    data = fit.data
    last = float(data["T"].max())
    xmax = last * 1.05 if xmax is None else finite(xmax, "xmax")
    if xmax <= fit.entry:
        raise ValueError(f"xmax must be after the entry time {fit.entry:g}, got {xmax:g}")
    grid = np.linspace(max(fit.entry, 1e-6), xmax, 300)
    covs = fit.cure_covariates
    binary = len(covs) == 1 and set(np.unique(data[covs[0]])) <= {0.0, 1.0}
    groups = [(None, data)] if not binary else [(v, data[data[covs[0]] == v]) for v in (1.0, 0.0)]
    for value, part in groups:
        colour = INK if value is None else NED_GROUP[int(value)]
        label = "all patients" if value is None else f"{covs[0]} = {int(value)}"
        times, surv = km_curve(part["T"].to_numpy(), part["E"].to_numpy(), np.full(len(part), fit.entry))
        ax.step(
            np.r_[times, part["T"].max()],
            np.r_[surv, surv[-1]],
            where="post",
            color=colour,
            lw=1.6,
            label=f"Kaplan–Meier, {label}",
        )
        if value is None:
            rows = [dict(zip(covs, r)) for r in part[covs].to_numpy()] if covs else [None]
            model = np.mean([fit.survival(grid, r) for r in rows], axis=0)
            share = float(np.mean([fit.cure_share(r)["cure_share"] for r in rows]))
        else:
            model = fit.survival(grid, {covs[0]: value})
            share = float(fit.cure_share({covs[0]: value})["cure_share"])
        ax.plot(grid, model, color=colour, lw=1.4, ls="--", label=f"cure model, {label}")
        ax.axhline(share, color=colour, lw=0.8, ls=":")
        below = value == 0.0  # two groups: one label above its line, one below
        ax.annotate(
            f"cured {share:.0%}",
            (xmax, share),
            xytext=(-4, -10 if below else 3),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color=colour,
        )
    ax.axvline(last, color=REFERENCE, lw=0.8)
    ax.annotate(
        "last follow-up", (last, 1.0), xytext=(-3, -10), textcoords="offset points", ha="right", fontsize=8, color=MUTED
    )
    ax.set_xlim(fit.entry, xmax)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("months from the start of first-line therapy")
    ax.set_ylabel(f"progression-free, given free at {fit.entry:g} months")
    ax.set_title(f"Mixture cure model, {fit.latency} latency (dashed) over the data (steps)", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    return ax


def plot_follow_up_check(
    durations: ArrayLike, events: ArrayLike, *, entry: float = 0.0, ax: Axes | None = None, title: str = ""
) -> Axes:
    """A Kaplan–Meier curve with the plateau after the last progression and Maller and Zhou's window.

    The window (shaded) is as long as the plateau and ends at the last progression; ticks mark
    progressions, so a reader sees how many fall in the window and none after it.

    Examples
    --------
    >>> ax = plot_follow_up_check([40, 44, 52, 55, 58, 60, 70], [1, 1, 1, 1, 1, 0, 0], entry=36.0)
    """
    check = follow_up_check(durations, events)
    entry = finite(entry, "entry", low=0.0)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    t, d = np.asarray(durations, dtype=float), np.asarray(events, dtype=float)
    if (t < entry).any():
        raise ValueError(f"entry must not be after any duration, got {entry:g}")
    ax = axes_or_new(ax, (7.5, 3.6))
    lo = max(2 * check.last_event_months - check.last_follow_up_months, entry)
    ax.axvspan(lo, check.last_event_months, color=SHADE, zorder=0)
    times, surv = km_curve(t, d, np.full(len(t), entry))
    ax.step(np.r_[times, t.max()], np.r_[surv, surv[-1]], where="post", color=OURS, lw=1.6)
    ax.plot(t[d == 1], np.full(int(d.sum()), 0.03), "|", color=INK, ms=8)
    ax.annotate(
        f"window: {check.window_events} progressions",
        (lo, 0.10),
        xytext=(3, 0),
        textcoords="offset points",
        fontsize=8,
        color=INK,
    )
    ax.annotate(
        "",
        xy=(check.last_follow_up_months, 0.2),
        xytext=(check.last_event_months, 0.2),
        arrowprops={"arrowstyle": "<->", "color": MUTED},
    )
    middle = (check.last_event_months + check.last_follow_up_months) / 2
    ax.annotate(
        f"plateau {check.plateau_months:.0f} months",
        (middle, 0.2),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        fontsize=8,
        color=MUTED,
    )
    verdict = "looks sufficient" if check.sufficient else "not shown sufficient"
    ax.set_title(title or f"q = {check.q:.3g}: follow-up {verdict}", loc="left", fontsize=10)
    ax.set_xlim(entry, t.max() * 1.03)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("months from the start of first-line therapy")
    ax.set_ylabel("progression-free")
    return ax


def plot_cure_detection(summary: pd.DataFrame, alpha: float = 0.05, ax: Axes | None = None) -> Axes:
    """Share of simulated studies that "found" a cure share, by true cure fraction, follow-up and latency.

    ``summary`` has columns ``cure_fraction, follow_up_months, latency, found`` (a share), one row per
    setting (``summarise_detection`` gives it).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"cure_fraction": [0.0, 0.0], "follow_up_months": [24.0, 120.0],
    ...                   "latency": ["weibull", "weibull"], "found": [0.05, 0.1]})
    >>> ax = plot_cure_detection(s)
    """
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"summary must be a DataFrame, got {type(summary).__name__}")
    need = {"cure_fraction", "follow_up_months", "latency", "found"}
    if not need <= set(summary.columns):
        raise ValueError(f"summary needs the columns {sorted(need)}; missing {sorted(need - set(summary.columns))}")
    alpha = finite(alpha, "alpha")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    from matplotlib.ticker import PercentFormatter

    ax = axes_or_new(ax, (7.5, 3.8))
    settings = summary[["cure_fraction", "follow_up_months"]].drop_duplicates().to_numpy()
    lats = list(dict.fromkeys(summary["latency"]))
    width = 0.8 / len(lats)
    for j, lat in enumerate(lats):
        part = summary[summary["latency"] == lat].set_index(["cure_fraction", "follow_up_months"])["found"]
        heights = [float(part.get((c, f), np.nan)) for c, f in settings]
        x = np.arange(len(settings)) - 0.4 + width * (j + 0.5)
        ax.bar(x, heights, width * 0.92, color=LATENCY.get(lat, INK), label=f"{lat} latency")
        for xi, h in zip(x, heights):
            ax.annotate(
                f"{h:.0%}", (xi, h), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=7, color=INK
            )
    ax.axhline(alpha, color=MUTED, lw=0.9, ls="--")
    ax.annotate(
        f"test level {alpha:.0%}",
        (-0.5, alpha),
        xytext=(2, 3),
        textcoords="offset points",
        ha="left",
        fontsize=8,
        color=MUTED,
    )
    ax.set_xticks(np.arange(len(settings)))
    ax.set_xticklabels(
        [f"{'no one' if c == 0 else f'{c:.0%}'} cured\n{f:g} mo follow-up" for c, f in settings], fontsize=8
    )
    top = float(np.nanmax(summary["found"])) if len(summary) else 0.0
    ax.set_ylim(0, min(1.05, max(0.3, 1.3 * top)))
    ax.set_ylabel('studies that "find" a cure share')
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))  # in per cent, as the bars are labelled
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return ax


def plot_against_published(
    durations: ArrayLike, events: ArrayLike, *, median: tuple, share_at: tuple, ax: Axes | None = None, title: str = ""
) -> Axes:
    """A Kaplan–Meier curve with its 95 % band and the published median and share, each with its CI.

    ``median`` is ``(value, low, high)`` in months; ``share_at`` is ``(time, value, low, high)`` with the
    share as a proportion.

    Examples
    --------
    >>> ax = plot_against_published([30, 40, 50, 60, 70, 80], [1, 1, 1, 0, 1, 0], median=(50, 40, 70),
    ...                             share_at=(60, 0.5, 0.2, 0.8))
    """
    from ..models.fast import km_band

    follow_up_check(durations, events)  # refuses bad durations and events by name
    t, d = np.asarray(durations, dtype=float), np.asarray(events, dtype=float)
    if not isinstance(median, (tuple, list)) or not isinstance(share_at, (tuple, list)):
        raise TypeError("median and share_at must be tuples of numbers")
    if len(median) != 3 or len(share_at) != 4:
        raise ValueError("median must be (value, low, high) and share_at (time, value, low, high)")
    m, m_lo, m_hi = (finite(x, "median") for x in median)
    at, sv, s_lo, s_hi = (finite(x, "share_at") for x in share_at)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    ax = axes_or_new(ax, (7.5, 4.0))
    times, surv, lo, hi = km_band(t, d)
    end = t.max()
    ax.fill_between(
        np.r_[times, end],
        np.r_[lo, lo[-1]],
        np.r_[hi, hi[-1]],
        step="post",
        color=OURS,
        alpha=0.15,
        lw=0,
        label="95 % band (log(−log) Greenwood)",
    )
    ax.step(np.r_[times, end], np.r_[surv, surv[-1]], where="post", color=OURS, lw=1.6, label="this synthetic table")
    ax.errorbar(
        [m],
        [0.5],
        xerr=[[m - m_lo], [m_hi - m]],
        fmt="o",
        color=PUBLISHED,
        capsize=4,
        label="published median, 95 % CI",
    )
    ax.errorbar(
        [at],
        [sv],
        yerr=[[sv - s_lo], [s_hi - sv]],
        fmt="s",
        color=PUBLISHED,
        capsize=4,
        label=f"published share at {at:g} months, 95 % CI",
    )
    ax.axhline(0.5, color=REFERENCE, lw=0.8, ls=":")
    ax.set_xlim(0, end * 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("months from the start of trastuzumab")
    ax.set_ylabel("progression-free")
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    return ax
