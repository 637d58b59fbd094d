"""Figures of the reconstructed cohort: how much the unreported quantities vary across tables."""

from __future__ import annotations

import pandas as pd

from .._arguments import axes_or_new
from ..palette import OURS, REFERENCE

__all__ = ["plot_ensemble_spread", "ENSEMBLE_PANELS"]

#: Quantity, label and whether it is a share (plotted in %).
ENSEMBLE_PANELS = [
    ("share_ecog0", "ECOG 0 (%)", True), ("share_ihc3", "IHC 3+ (%)", True),
    ("share_grade3", "grade 3 (%)", True), ("events_ned", "progressions, NED", False),
    ("events_non_ned", "progressions, non-NED", False),
    ("median_followup_months", "median follow-up (months)", False),
]


def plot_ensemble_spread(ens: pd.DataFrame, ax=None):
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
    rng = np.random.default_rng(0)   # vertical jitter only
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
