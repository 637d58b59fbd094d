"""The demonstration panel of the book's widget pattern: a proportion and its 95 % interval.

Live panel (needs a kernel): two sliders, N and the number reaching NED, redraw the interval.
Twin (static HTML): the same figure pre-rendered for a few values of N at the study's NED share.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .._arguments import axes_or_new, count, sequence
from ..palette import OURS, PUBLISHED
from ..proportions import wilson_interval
from ..study_design import STUDY_N, STUDY_NED  # TOG 2026 abstract (ledger): 55 of 118 reached NED
from .core import figure_to_html, frames_twin, show_safely


def plot_share_interval(k: int, n: int, ax=None):
    """Draw k/n with its Wilson 95 % interval against the study's 55/118. Returns ``ax``.

    Examples
    --------
    >>> ax = plot_share_interval(28, 60)
    >>> len(ax.get_yticks())
    2
    """
    low, high = wilson_interval(k, n)
    study_low, study_high = wilson_interval(STUDY_NED, STUDY_N)
    ax = axes_or_new(ax, figsize=(6, 2.2))
    rows = [
        (f"this cohort\n{k}/{n}", k / n, low, high, OURS),
        (f"TOG 2026\n{STUDY_NED}/{STUDY_N}", STUDY_NED / STUDY_N, study_low, study_high, PUBLISHED),
    ]
    for y, (label, p, lo, hi, colour) in enumerate(rows):
        ax.plot([lo, hi], [y, y], color=colour, lw=3)
        ax.plot(p, y, "o", color=colour, ms=9)
        ax.text(hi + 0.02, y, f"{p:.1%} ({lo:.1%}–{hi:.1%})", va="center", fontsize=9)
    ax.set_yticks([0, 1], [r[0] for r in rows])
    ax.set_xlim(0, 1.25)
    ax.set_ylim(-0.6, 1.6)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("share reaching NED, with Wilson 95 % interval")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def share_panel(n: int = STUDY_N, k: int = STUDY_NED) -> widgets.VBox:
    """Live panel: sliders for N and the number reaching NED; the figure follows."""
    n, k = count(n, "n", low=10, high=1000), count(k, "k", low=0, high=1000)
    if k > n:
        raise ValueError(f"k ({k}) cannot exceed n ({n})")
    n_slider = widgets.IntSlider(value=n, min=10, max=1000, step=1, description="N patients")
    k_slider = widgets.IntSlider(value=k, min=0, max=1000, step=1, description="NED")
    out = widgets.Output()

    def redraw(_=None):
        def draw():
            if k_slider.value > n_slider.value:
                raise ValueError(f"NED ({k_slider.value}) cannot exceed N ({n_slider.value}): lower NED or raise N.")
            fig, ax = plt.subplots(figsize=(6, 2.2))
            plot_share_interval(k_slider.value, n_slider.value, ax=ax)
            return fig

        show_safely(out, draw)

    n_slider.observe(redraw, "value")
    k_slider.observe(redraw, "value")
    redraw()
    return widgets.VBox([n_slider, k_slider, out])


def share_twin(sizes=(30, 60, 118, 250, 500, 1000)) -> widgets.VBox:
    """Kernel-free twin: the study's NED share (46.6 %) at several cohort sizes."""
    sizes = [count(n, f"sizes[{i}]", low=2, high=100_000) for i, n in enumerate(sequence(sizes, "sizes"))]
    if not sizes:
        raise ValueError("sizes must list at least one cohort size")
    frames, labels = [], []
    for n in sizes:
        k = round(n * STUDY_NED / STUDY_N)
        fig, ax = plt.subplots(figsize=(6, 2.2))
        plot_share_interval(k, n, ax=ax)
        frames.append(figure_to_html(fig, alt=f"{k} of {n} reach NED, with its 95% interval"))
        labels.append(f"N = {n}")
    return frames_twin(
        frames,
        labels,
        description="Cohort size",
        caption="Pre-computed frames: move the slider to see the interval narrow as N grows.",
    )
