"""Forest plots of odds or hazard ratios, beside the published values, and the spread of repeated studies.

Ratios are drawn on a log axis (a ratio of 2 and of 1/2 are equally far from 1). Our estimate is a
filled dot with its 95 % CI; the published value a hollow grey diamond with its back-calculated CI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._arguments import axes_or_new, flag, float_array, positive
from ..results import Result
from ..study_design import MODEL_TERMS
from ..palette import HIGHLIGHT, INK, OURS, PAPER, PUBLISHED

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn
    from matplotlib.axes import Axes

__all__ = ["plot_forest", "plot_estimate_spread"]


def _ratio_table(table, name: str = "table") -> tuple[pd.DataFrame, str]:
    """The table behind ``table`` (a result's ``summary``, or a DataFrame) and its ratio column, checked."""
    if isinstance(table, Result):
        table = table.summary
    if not isinstance(table, pd.DataFrame) or "term" not in table:
        raise TypeError(f"{name} must be a result or a DataFrame with a 'term' column")
    est = next((col for col in ("odds_ratio", "hazard_ratio", "ratio") if col in table), None)
    if est is None:
        raise ValueError(
            f"{name} must have an 'odds_ratio', 'hazard_ratio' or 'ratio' column "
            f"(from logistic_table / cox_table); got {list(table.columns)}"
        )
    missing = [c for c in ("ci_low", "ci_high") if c not in table]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}")
    not_numeric = [c for c in (est, "ci_low", "ci_high") if not pd.api.types.is_numeric_dtype(table[c])]
    if not_numeric:
        raise TypeError(f"{name} column(s) {not_numeric} must hold numbers")
    return table, est


def _xlim(xlim) -> tuple[float, float]:
    """Two finite numbers 0 < low < high (a log axis)."""
    if not (isinstance(xlim, (tuple, list, np.ndarray)) and len(xlim) == 2):
        raise TypeError(f"xlim must be a pair (low, high), got {xlim!r}")
    lo, hi = (positive(v, "xlim") for v in xlim)
    if not lo < hi:
        raise ValueError(f"xlim must satisfy low < high, got {xlim}")
    return xlim


def _labels(labels) -> dict:
    if labels is not None and not isinstance(labels, dict):
        raise TypeError(f"labels must be a dict of term -> label or None, got {type(labels).__name__}")
    return {**MODEL_TERMS, **(labels or {})}


def plot_forest(
    table: Result | pd.DataFrame,
    published: Result | pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
    labels: dict | None = None,
    xlabel: str | None = None,
    annotate: bool = True,
    xlim: tuple[float, float] = (0.03, 60.0),
) -> Axes:
    """Forest plot of ratios with 95 % CIs, optionally beside published values.

    Parameters
    ----------
    table : result or DataFrame
        A result of ``logistic_table``/``cox_table``, or a table ``term, odds_ratio|hazard_ratio,
        ci_low, ci_high``.
    published : result or DataFrame, optional
        ``term, ratio, ci_low, ci_high`` (e.g. :func:`her2ned.models.published_ci_table`).
    labels : dict, optional
        term → label; defaults to :data:`her2ned.models.MODEL_TERMS`.
    xlim : (float, float)
        Axis range; intervals beyond it are clipped and end in an arrow.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from her2ned.models import published_ci_table
    >>> pub = published_ci_table().summary.iloc[:3]
    >>> ax = plot_forest(pub, pub)
    """
    table, est = _ratio_table(table)
    lo_x, hi_x = _xlim(xlim)
    if not 0 < lo_x < 1 < hi_x:
        raise ValueError(f"xlim must satisfy 0 < low < 1 < high, got {xlim}")
    labels = _labels(labels)
    annotate = flag(annotate, "annotate")
    if xlabel is not None and not isinstance(xlabel, str):
        raise TypeError(f"xlabel must be a str or None, got {type(xlabel).__name__}")
    if published is not None:
        published, pest = _ratio_table(published, "published")
        if published["term"].duplicated().any():
            raise ValueError("published has a term more than once")
    ax = axes_or_new(ax, figsize=(7, 0.8 + 0.75 * len(table)))
    terms = list(table["term"])
    n = len(terms)
    pub = None
    if published is not None:
        pub = published.set_index("term")
    off = 0.17 if pub is not None else 0.0
    for i, row in enumerate(table.itertuples(index=False)):
        y = n - 1 - i
        r, lo, hi = getattr(row, est), row.ci_low, row.ci_high
        if np.isfinite(r):
            ax.plot([max(lo, lo_x), min(hi, hi_x)], [y + off] * 2, color=OURS, lw=2.5, solid_capstyle="round")
            ax.plot(r, y + off, "o", color=OURS, ms=8, zorder=3)
            if annotate:
                ax.text(hi_x * 1.15, y + off, f"{r:.2f} ({lo:.2f}–{hi:.2f})", va="center", fontsize=8.5, color=OURS)
        if pub is not None and row.term in pub.index:
            p = pub.loc[row.term]
            ax.plot([max(p.ci_low, lo_x), min(p.ci_high, hi_x)], [y - off] * 2, color=PUBLISHED, lw=1.5)
            ax.plot(p[pest], y - off, "D", mfc=PAPER, mec=PUBLISHED, ms=7, zorder=3)
            if annotate:
                ax.text(
                    hi_x * 1.15,
                    y - off,
                    f"{p[pest]:.2f} ({p.ci_low:.2f}–{p.ci_high:.2f})",
                    va="center",
                    fontsize=8.5,
                    color=PUBLISHED,
                )
    ax.axvline(1, color=INK, lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlim(lo_x, hi_x)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks(range(n), [labels.get(t, t) for t in reversed(terms)])
    ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 25, 50) if lo_x <= t <= hi_x]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(
        xlabel
        or (
            "odds ratio (log scale)"
            if est == "odds_ratio"
            else "hazard ratio (log scale)"
            if est == "hazard_ratio"
            else "ratio (log scale)"
        )
    )
    ax.spines[["top", "right"]].set_visible(False)
    if pub is not None:
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], color=OURS, marker="o", lw=2.5, label="this cohort (95 % CI)"),
            Line2D([], [], color=PUBLISHED, marker="D", mfc=PAPER, lw=1.5, label="TOG 2026 (CI back-calculated)"),
        ]
        # below the x-axis label (about 0.42 inch under the axes), so a title above stays free
        height_in = ax.get_position().height * ax.figure.get_figheight()
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0, -0.42 / height_in),
            ncol=2,
            frameon=False,
            fontsize=8.5,
        )
    return ax


def plot_estimate_spread(
    estimates: dict,
    published: dict | None = None,
    *,
    ax: Axes | None = None,
    labels: dict | None = None,
    xlim: tuple[float, float] = (0.02, 100.0),
    xlabel: str = "odds ratio in each repeated study (log scale)",
) -> Axes:
    """Where the estimates of many repeated studies fall: one row of dots per term, log axis.

    Parameters
    ----------
    estimates : dict
        term → array of ratios (NaN for failed fits are dropped).
    published : dict, optional
        term → published ratio (a grey diamond), e.g. {"ecog0": 5.99}.

    Examples
    --------
    >>> import numpy as np
    >>> ax = plot_estimate_spread({"ecog0": np.exp(np.random.default_rng(0).normal(1.8, 0.6, 200))},
    ...                           {"ecog0": 5.99})
    """
    if not isinstance(estimates, dict) or not estimates:
        raise TypeError("estimates must be a non-empty dict of term -> array of ratios")
    if published is not None:
        if not isinstance(published, dict):
            raise TypeError(f"published must be a dict of term -> ratio or None, got {type(published).__name__}")
        for term, ratio in published.items():
            positive(ratio, f"published[{term!r}]")
    labels = _labels(labels)
    lo_x, hi_x = _xlim(xlim)
    estimates = {term: float_array(values, f"estimates[{term!r}]") for term, values in estimates.items()}
    ax = axes_or_new(ax, figsize=(7, 0.9 + 0.9 * len(estimates)))
    rng = np.random.default_rng(0)  # jitter only; fixed so the figure is reproducible
    n = len(estimates)
    for i, (term, v) in enumerate(estimates.items()):
        y = n - 1 - i
        v = v[np.isfinite(v)]
        shown = np.clip(v, lo_x, hi_x)
        ax.scatter(shown, y + rng.uniform(-0.22, 0.22, len(v)), s=6, alpha=0.35, color=OURS, lw=0)
        if len(v):
            q = np.quantile(v, [0.05, 0.5, 0.95])
            ax.plot([max(q[0], lo_x), min(q[2], hi_x)], [y - 0.33] * 2, color=INK, lw=2)
            ax.plot(q[1], y - 0.33, "|", color=INK, ms=12, mew=2)
        if published and term in published:
            ax.plot(published[term], y, "D", mfc=PAPER, mec=HIGHLIGHT, mew=2, ms=9, zorder=4)
    ax.axvline(1, color=INK, lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlim(lo_x, hi_x)
    ax.set_ylim(-0.7, n - 0.4)
    ax.set_yticks(range(n), [labels.get(t, t) for t in reversed(list(estimates))])
    ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 25, 50) if lo_x <= t <= hi_x]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=OURS, marker="o", ls="", alpha=0.6, label="one repeated study"),
        Line2D([], [], color=INK, lw=2, marker="|", ms=10, label="median and 5–95 % range"),
    ]
    if published:
        handles.append(Line2D([], [], color=HIGHLIGHT, marker="D", mfc=PAPER, ls="", label="TOG 2026"))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False, fontsize=8.5)
    return ax
