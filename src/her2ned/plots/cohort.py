"""Figures of the reconstructed cohort: how much the unreported quantities vary across tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._arguments import axes_or_new
from ..palette import INK, OURS, PUBLISHED, REFERENCE

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn
    from matplotlib.axes import Axes

__all__ = ["plot_ensemble_spread", "ENSEMBLE_PANELS", "plot_feasible_ranges", "RANGE_PANELS"]

#: Panels of :func:`plot_feasible_ranges`: title, unit scale and the quantities in it.
RANGE_PANELS = [
    ("shares of patients (%)", 100, ["share_ecog0", "share_ihc3", "share_grade3", "share_local_therapy", "share_tp"]),
    ("patients", 1, ["events_ned", "events_non_ned", "at_risk_ned_median", "at_risk_non_ned_median"]),
    ("months", 1, ["median_followup_months"]),
]

#: Quantity, label and whether it is a share (plotted in %).
ENSEMBLE_PANELS = [
    ("share_ecog0", "ECOG 0 (%)", True),
    ("share_ihc3", "IHC 3+ (%)", True),
    ("share_grade3", "grade 3 (%)", True),
    ("events_ned", "progressions, NED", False),
    ("events_non_ned", "progressions, non-NED", False),
    ("median_followup_months", "median follow-up (months)", False),
]


def plot_ensemble_spread(ens: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Strip plot: one dot per consistent table, one row per unreported quantity.

    Each dot is one table; its position is the relative deviation from the median over the
    tables, on one common axis. A row whose dots sit on zero is a quantity the abstract pins
    down; a spread-out row is one it leaves open (within the search's stated assumptions).

    Parameters
    ----------
    ens : pandas.DataFrame
        The ensemble summary (``data/reconstructed/tog2026_ensemble.csv``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> ax = plot_ensemble_spread(load_csv("reconstructed", "tog2026_ensemble.csv"))
    >>> len(ax.get_yticks())
    6
    """
    import numpy as np

    if not isinstance(ens, pd.DataFrame):
        raise TypeError(f"ens must be a pandas DataFrame, got {type(ens).__name__}")
    missing = [c for c, _, _ in ENSEMBLE_PANELS if c not in ens.columns]
    if missing:
        raise ValueError(f"ens lacks column(s) {missing}")
    ax = axes_or_new(ax, figsize=(8, 4))
    rng = np.random.default_rng(0)  # vertical jitter only
    labels = []
    for i, (col, label, share) in enumerate(ENSEMBLE_PANELS):
        v = ens[col].to_numpy(float)
        dev = 100 * (v / np.median(v) - 1)
        ax.scatter(dev, i + rng.uniform(-0.18, 0.18, len(v)), s=22, alpha=0.7, color=OURS)
        shown = v * 100 if share else v
        fmt = "{:.1f}" if share or col.startswith("median") else "{:.0f}"
        labels.append(f"{label}\nrange {fmt.format(shown.min())}–{fmt.format(shown.max())}")
    ax.axvline(0, color=REFERENCE, lw=0.8, zorder=0)
    ax.set_yticks(range(len(ENSEMBLE_PANELS)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("deviation from the median over the tables (%)")
    ax.set_title(f"{len(ens)} synthetic tables that all reproduce the abstract", fontsize=10)
    for s_ in ("top", "right"):
        ax.spines[s_].set_visible(False)
    return ax


def plot_feasible_ranges(ranges: pd.DataFrame, axes: Sequence[Axes] | np.ndarray | None = None) -> list[Axes]:
    """Range bars: for each unreported quantity, the lowest to highest value over tables that meet
    every target (light bar), the ensemble's tables searched from one start (dark bar) and the shipped
    table (dot).

    ``ranges`` is :func:`her2ned.feasible.range_table`. Returns the three Axes (shares, counts, months).

    Examples
    --------
    >>> from her2ned.feasible import committed_ranges
    >>> len(plot_feasible_ranges(committed_ranges()))
    3
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if not isinstance(ranges, pd.DataFrame):
        raise TypeError(f"ranges must be a pandas DataFrame, got {type(ranges).__name__}")
    need = {q for _, _, qs in RANGE_PANELS for q in qs}
    have = set(ranges["quantity"]) if "quantity" in ranges.columns else set()
    if need - have:
        raise ValueError(f"ranges lacks quantity row(s) {sorted(need - have)}")
    if axes is None:
        _, axes = plt.subplots(3, 1, figsize=(8, 6.2), height_ratios=[5, 4, 1.3])
    from matplotlib.axes import Axes

    axes = list(axes) if isinstance(axes, (list, tuple, np.ndarray)) else []
    if len(axes) != 3 or not all(isinstance(a, Axes) for a in axes):
        raise ValueError("axes must be three matplotlib Axes (shares, counts, months) or None")
    r = ranges.set_index("quantity")
    for ax, (title, scale, qs) in zip(axes, RANGE_PANELS):
        for i, q in enumerate(qs):
            lo, hi, own = (scale * r.loc[q, c] for c in ("low", "high", "cohort"))
            ax.barh(i, hi - lo, left=lo, height=0.55, color=OURS, alpha=0.3, edgecolor=OURS)
            e_lo, e_hi = scale * r.loc[q, "ensemble_low"], scale * r.loc[q, "ensemble_high"]
            if np.isfinite(e_lo):
                # projecting caps keep a span of zero width (every ensemble table agrees) visible
                ax.plot([e_lo, e_hi], [i, i], color=OURS, lw=5, solid_capstyle="projecting")
            ax.plot(own, i, "o", color=INK, ms=5, zorder=3)
            fmt = "{:.0f}" if scale == 1 and not q.startswith("median") else "{:.1f}"
            ax.annotate(
                f"{fmt.format(lo)}–{fmt.format(hi)}",
                (hi, i),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=PUBLISHED,
            )
        ax.set_yticks(range(len(qs)))
        ax.set_yticklabels([r.loc[q, "label"] for q in qs], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(title, fontsize=8)
        ax.margins(x=0.12)
        if scale == 100:
            ax.set_xlim(0, 112)
        elif "patients" in title:
            ax.set_xlim(left=0)
        ax.grid(axis="x", color=REFERENCE, lw=0.4, alpha=0.5)
        for s_ in ("top", "right"):
            ax.spines[s_].set_visible(False)
    axes[0].set_title(
        "Light bar: tables found that meet every target;\n"
        "dark bar: the ensemble (seeds of one start); dot: the shipped table",
        fontsize=9,
        loc="left",
    )
    return axes
