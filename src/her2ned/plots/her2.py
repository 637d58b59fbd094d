"""Figures for the HER2 chapter: the ISH plane, the receptor and its drugs, two proportions, power.

Every function takes ``ax=None`` and returns ``ax``; none calls ``plt.show()``.
"""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from .._arguments import axes_or_new, flag, positive, string
from .. import her2
from ..power import detectable_hr, logrank_power
from ..proportions import wilson_interval
from ..palette import DIAGRAM as D
from ..palette import HER2_CALL, HIGHLIGHT, INK, ISH_GROUP, MUTED, ON_DARK, OURS, PAPER, REFERENCE

GROUP_TEXT = {
    1: "Group 1\npositive",
    2: "Group 2\nwork-up",
    3: "Group 3\nwork-up",
    4: "Group 4\nwork-up",
    5: "Group 5\nnegative",
}


def plot_ish_plane(
    ratio=None,
    copies=None,
    ihc=None,
    *,
    ultralow: bool = False,
    show_historic: bool = False,
    max_copies: float = 12.0,
    max_ratio: float = 5.0,
    ax=None,
):
    """The dual-probe ISH plane (copies per cell x HER2/CEP17 ratio) with the five ASCO/CAP 2018 groups.

    Boundaries: ratio 2.0, copies 4.0 and 6.0 (Wolff 2018). Dotted diagonals mark the CEP17 count
    per cell that each ratio implies (ratio = HER2 copies / CEP17 copies). With ``ratio`` and
    ``copies`` the sample is drawn and labelled with its group and call (using ``ihc`` for the
    work-up); ``show_historic`` adds the HER-OS rule (ratio > 2.2, Witzel 2014).

    Examples
    --------
    >>> ax = plot_ish_plane(1.7, 6.6, "2+")
    >>> ax.get_xlabel()
    'mean HER2 signals per cell'
    """
    flag(ultralow, "ultralow"), flag(show_historic, "show_historic")
    ax = axes_or_new(ax, figsize=(6.4, 4.6))
    # The axes must show every boundary: copies 6.0 and ratio 2.0 (Wolff 2018).
    for name, v, low, top in (("max_copies", max_copies, 6.5, 100), ("max_ratio", max_ratio, 2.5, 50)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not low <= v <= top:
            raise ValueError(f"{name} must be a number in [{low}, {top}], got {v!r}")
    r2, c4, c6 = her2.RATIO_CUTOFF, her2.COPIES_LOW, her2.COPIES_HIGH
    regions = {
        1: (c4, r2, max_copies - c4, max_ratio - r2),
        2: (0, r2, c4, max_ratio - r2),
        3: (c6, 0, max_copies - c6, r2),
        4: (c4, 0, c6 - c4, r2),
        5: (0, 0, c4, r2),
    }
    for g, (x, y, w, h) in regions.items():
        ax.add_patch(Rectangle((x, y), w, h, facecolor=ISH_GROUP[g], edgecolor="none", alpha=0.85, zorder=0))
    labels = {
        1: ((c4 + max_copies) / 2, (r2 + max_ratio) / 2),
        2: (c4 / 2, (r2 + max_ratio) / 2),
        3: ((c6 + max_copies) / 2, r2 / 2),
        4: ((c4 + c6) / 2, r2 / 2),
        5: (c4 / 2, r2 / 2),
    }
    for g, (x, y) in labels.items():
        ax.text(
            x,
            y,
            GROUP_TEXT[g],
            ha="center",
            va="center",
            fontsize=9.5,
            color=INK,
            fontweight="bold" if g in (1, 5) else "normal",
            zorder=2,
        )
    ax.axhline(r2, color=INK, lw=1.4, zorder=1)
    ax.plot([c4, c4], [0, max_ratio], color=INK, lw=1.4, zorder=1)
    ax.plot([c6, c6], [0, r2], color=INK, lw=1.4, zorder=1)
    xs = np.linspace(0.01, max_copies, 50)
    for cep in (1, 2, 3, 4):
        ys = xs / cep
        keep = ys <= max_ratio
        ax.plot(xs[keep], ys[keep], ls=":", lw=0.8, color=MUTED, zorder=1)
        xe = min(max_copies, max_ratio * cep)
        ax.text(
            xe - 0.1,
            min(max_ratio, xe / cep) - 0.05,
            f"CEP17={cep}",
            fontsize=7,
            color=MUTED,
            ha="right",
            va="top",
            rotation=0,
            zorder=1,
        )
    if show_historic:
        ax.axhline(her2.HISTORIC_RATIO_CUTOFF, color=INK, lw=1.2, ls="--", zorder=1)
        ax.text(
            0.15,
            her2.HISTORIC_RATIO_CUTOFF + 0.05,
            "HER-OS rule: ratio > 2.2",
            ha="left",
            va="bottom",
            fontsize=8,
            zorder=2,
        )
    if ratio is not None or copies is not None:
        result = her2.classify(ihc, ratio, copies, ultralow=ultralow)
        x, y = min(copies, max_copies * 0.98), min(ratio, max_ratio * 0.98)
        colour = HER2_CALL[result.call]
        ax.plot(x, y, "o", ms=11, mfc=colour, mec=ON_DARK, mew=2, zorder=5)
        call = result.call + (f" (needs {result.needs})" if result.needs else "")
        ihc_txt = f"IHC {result.ihc}, " if result.ihc else "no IHC, "
        text = f"{ihc_txt}group {result.ish_group}\n→ {call}"
        dx = -0.4 if x > max_copies * 0.6 else 0.4
        ax.annotate(
            text,
            (x, y),
            xytext=(x + dx, y + (0.45 if y < max_ratio * 0.8 else -0.6)),
            ha="right" if dx < 0 else "left",
            fontsize=9,
            color=colour,
            fontweight="bold",
            zorder=6,
            bbox=dict(boxstyle="round,pad=0.25", fc=PAPER, ec=colour, alpha=0.95),
        )
    ax.set_xlim(0, max_copies)
    ax.set_ylim(0, max_ratio)
    ax.set_xlabel("mean HER2 signals per cell")
    ax.set_ylabel("HER2/CEP17 ratio")
    ax.set_xticks(sorted(set([0, 2, c4, c6, 8, 10, 12]) & set(np.arange(0, max_copies + 1))))
    ax.set_yticks([0, 1, r2, 3, 4, 5] if max_ratio >= 5 else [0, 1, r2, 3, 4])
    ax.set_title("Dual-probe ISH groups, ASCO/CAP 2018", fontsize=11)
    return ax


def _receptor(ax, x, colour, label, *, ligand=False, width=0.9):
    """One receptor: extracellular domain, transmembrane stalk, kinase domain."""
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, 6.75),
            width,
            2.1,
            boxstyle="round,pad=0.05,rounding_size=0.35",
            fc=colour,
            ec=D["outline"],
            lw=1,
            zorder=3,
        )
    )
    ax.add_patch(Rectangle((x - 0.08, 6.0), 0.16, 0.75, fc=colour, ec=D["outline"], lw=0.8, zorder=3))
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, 4.85),
            width,
            1.15,
            boxstyle="round,pad=0.04,rounding_size=0.25",
            fc=colour,
            ec=D["outline"],
            lw=1,
            zorder=3,
        )
    )
    ax.text(
        x, 7.8, label, ha="center", va="center", fontsize=8.5, color=ON_DARK, fontweight="bold", zorder=4, rotation=90
    )
    ax.text(x, 5.42, "kinase", ha="center", va="center", fontsize=6.5, color=ON_DARK, zorder=4, rotation=90)
    if ligand:
        ax.add_patch(plt.Circle((x, 9.25), 0.25, fc=D["ligand"], ec=D["outline"], lw=0.8, zorder=4))


def _box(ax, x, y, text, colour, w=1.5, h=0.5):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.03,rounding_size=0.15",
            fc=colour,
            ec=D["outline"],
            lw=0.8,
            zorder=3,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=8.5, zorder=4)


def _arrow(ax, a, b, colour=D["outline"], style="-|>", lw=1.2, ls="-"):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=11, color=colour, lw=lw, ls=ls, zorder=2))


def plot_her2_signalling(ax=None):
    """A diagram of HER2 dimers at the membrane, the two main downstream pathways and where drugs act.

    HER2 has no ligand and is always ready to pair; it signals as a homodimer when over-expressed and
    as the preferred partner of ligand-bound HER3 and EGFR (HER1). Downstream: PI3K-AKT-mTOR
    (survival, growth) and RAS-RAF-MEK-ERK (proliferation). Drugs: trastuzumab (domain IV),
    pertuzumab (domain II, the dimerisation arm), T-DM1 and trastuzumab deruxtecan (trastuzumab carrying
    a cytotoxic payload into the cell), tucatinib (a small molecule blocking the kinase inside the cell).

    Examples
    --------
    >>> ax = plot_her2_signalling()
    >>> ax.get_title()[:4]
    'HER2'
    """
    ax = axes_or_new(ax, figsize=(10, 7))
    her2_c, her3_c, egfr_c = D["her2"], D["her3"], D["egfr"]
    # Membrane
    ax.add_patch(Rectangle((0, 6.0), 14, 0.75, fc=D["membrane"], ec=D["membrane_edge"], lw=1, zorder=1))
    ax.text(0.15, 6.37, "cell membrane", fontsize=8, va="center", color=D["membrane_text"])
    ax.text(0.15, 9.7, "outside the cell", fontsize=8.5, color=MUTED, style="italic")
    ax.text(6.4, 4.2, "inside the cell", fontsize=8.5, color=MUTED, style="italic", ha="center")
    # Dimers
    pairs = [
        (2.6, (her2_c, "HER2"), (her2_c, "HER2"), False, "HER2–HER2\n(over-expression)"),
        (6.4, (her2_c, "HER2"), (her3_c, "HER3"), True, "HER2–HER3\n(strongest PI3K signal)"),
        (9.7, (her2_c, "HER2"), (egfr_c, "EGFR"), True, "HER2–EGFR"),
    ]
    for x, left, right, ligand, caption in pairs:
        _receptor(ax, x - 0.5, *left)
        _receptor(ax, x + 0.5, *right, ligand=ligand)
        ax.text(x, 10.0, caption, ha="center", va="bottom", fontsize=8.5)
        # phosphorylation marks between the kinases
        for dy in (5.1, 5.75):
            ax.add_patch(plt.Circle((x, dy), 0.11, fc=D["payload"], ec=D["outline"], lw=0.6, zorder=4))
    ax.text(7.45, 9.25, "ligand", fontsize=7.5, va="center")
    # Drugs: numbered markers at their sites, explained in a legend on the right
    sites = [((2.1 - 0.45, 7.05), "1"), ((5.9 + 0.45, 8.35), "2"), ((2.6, 4.1), "3"), ((9.7 - 0.5, 5.42), "4")]
    ax.add_patch(plt.Circle((2.6, 4.1), 0.3, fc=D["drug_fill"], ec=D["drug"], lw=1, zorder=3))
    ax.text(2.6, 3.72, "internalised\nconjugate", fontsize=7, color=D["drug"], va="top", ha="center")
    for (x, y), num in sites:
        if num != "3":
            ax.add_patch(plt.Circle((x, y), 0.24, fc=D["drug"], ec=ON_DARK, lw=1.2, zorder=6))
            ax.text(x, y, num, ha="center", va="center", fontsize=8.5, color=ON_DARK, fontweight="bold", zorder=7)
        else:
            ax.text(x, y, num, ha="center", va="center", fontsize=8.5, color=D["drug"], fontweight="bold", zorder=7)
    legend = (
        "Where the drugs act\n\n"
        "1  trastuzumab: antibody on\n    domain IV; immune killing\n    (ADCC), blocks shedding\n\n"
        "2  pertuzumab: antibody on\n    domain II, the arm HER2\n    pairs with; blocks dimers\n\n"
        "3  T-DM1, trastuzumab\n    deruxtecan: trastuzumab\n"
        "    carrying a cytotoxic payload\n    into the cell\n\n"
        "4  tucatinib: small molecule\n    blocking the kinase inside"
    )
    ax.text(
        11.55,
        9.8,
        legend,
        fontsize=8.3,
        va="top",
        ha="left",
        color=D["drug_dark"],
        linespacing=1.25,
        bbox=dict(boxstyle="round,pad=0.45", fc=D["drug_light"], ec=D["drug"], lw=1),
    )
    # Pathways
    _arrow(ax, (5.4, 4.8), (4.3, 3.95))
    _arrow(ax, (7.4, 4.8), (8.6, 3.95))
    for y, name in zip((3.65, 2.85, 2.05), ("PI3K", "AKT", "mTOR")):
        _box(ax, 4.3, y, name, D["pathway_a"])
    for y, name in zip((3.65, 2.85, 2.05, 1.25), ("RAS", "RAF", "MEK", "ERK")):
        _box(ax, 8.6, y, name, D["pathway_b"])
    for x, ys in ((4.3, (3.65, 2.85, 2.05)), (8.6, (3.65, 2.85, 2.05, 1.25))):
        for a, b in zip(ys[:-1], ys[1:]):
            _arrow(ax, (x, a - 0.27), (x, b + 0.27))
    ax.text(4.3, 1.55, "survival, growth", ha="center", fontsize=8.5, style="italic")
    ax.text(8.6, 0.72, "proliferation", ha="center", fontsize=8.5, style="italic")
    # Nucleus with the amplified gene
    ax.add_patch(
        FancyBboxPatch(
            (0.3, 0.25),
            2.9,
            2.7,
            boxstyle="round,pad=0.05,rounding_size=0.6",
            fc=D["nucleus"],
            ec=D["nucleus_edge"],
            lw=1,
            zorder=1,
        )
    )
    ax.text(1.75, 2.6, "nucleus", ha="center", fontsize=8, color=MUTED)
    ax.add_patch(Rectangle((0.6, 1.55), 2.3, 0.3, fc=D["chromosome"], ec=D["nucleus_edge"], zorder=2))
    ax.text(1.75, 1.27, "chromosome 17", ha="center", fontsize=7, color=MUTED)
    for i in range(9):
        ax.add_patch(Rectangle((0.72 + i * 0.235, 1.9 + (i % 3) * 0.17), 0.17, 0.14, fc=her2_c, ec="none", zorder=2))
    ax.text(1.75, 0.65, "ERBB2 amplified:\nmany gene copies", ha="center", fontsize=8, color=her2_c)
    _arrow(ax, (1.1, 3.0), (1.55, 4.8), colour=her2_c, ls="--")
    ax.text(0.2, 3.6, "many\nreceptors", fontsize=7.5, color=her2_c)
    ax.set_xlim(0, 15.3)
    ax.set_ylim(0.2, 10.9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("HER2 signalling and where the anti-HER2 drugs act (schematic)", fontsize=12)
    return ax


def plot_two_proportions(result, *, title: str = "", ax=None):
    """Dot-and-interval plot of the two proportions in a :class:`her2ned.power.TwoProportions`.

    Each group: its percentage with the Wilson 95 % interval and the recovered counts.

    Examples
    --------
    >>> from her2ned.power import compare_proportions
    >>> ax = plot_two_proportions(compare_proportions(19, 117, 211, 458, labels=("2+/ISH+", "3+")))
    >>> len(ax.get_yticks())
    2
    """
    from ..power import TwoProportions

    if not isinstance(result, TwoProportions):
        raise TypeError(
            f"result must be a TwoProportions from her2ned.power.compare_proportions, got {type(result).__name__}"
        )
    string(title, "title")
    ax = axes_or_new(ax, figsize=(6, 2.3))
    rows = [(result.labels[0], result.k1, result.n1), (result.labels[1], result.k2, result.n2)]
    colours = (OURS, HIGHLIGHT)
    for y, ((label, k, n), colour) in enumerate(zip(rows, colours)):
        lo, hi = wilson_interval(k, n)
        ax.plot([100 * lo, 100 * hi], [y, y], color=colour, lw=4, solid_capstyle="round", alpha=0.6)
        ax.plot(100 * k / n, y, "o", color=colour, ms=10)
        ax.text(100 * hi + 2, y, f"{100 * k / n:.2f} %  ({k}/{n})", va="center", fontsize=9)
    ax.set_yticks([0, 1], [r[0] for r in rows])
    ax.set_ylim(-0.6, 1.6)
    ax.set_xlim(0, 100)
    ax.set_xlabel("percent, with Wilson 95 % interval")
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=11)
    return ax


def plot_power_curve(
    events: float, allocation: float = 0.5, *, observed_hr: float | None = None, alpha: float = 0.05, ax=None
):
    """Power of the log-rank test against the true hazard ratio, for a fixed number of events.

    Marks the hazard ratio a study observed (``observed_hr``) and the one it could detect with 80 %
    power (Schoenfeld's formula, :func:`her2ned.power.logrank_power`).

    Examples
    --------
    >>> ax = plot_power_curve(129, 112 / 212, observed_hr=0.87)
    >>> bool(ax.get_ylim()[1] <= 1.05)
    True
    """
    if observed_hr is not None:
        positive(observed_hr, "observed_hr")
    ax = axes_or_new(ax, figsize=(6.2, 3.6))
    hrs = np.linspace(0.4, 1.0, 200)
    pw = [logrank_power(h, events, allocation, alpha) for h in hrs]
    ax.plot(hrs, pw, color=OURS, lw=2.2)
    ax.axhline(0.8, color=REFERENCE, lw=0.8, ls="--")
    ax.text(0.41, 0.82, "80 % power", fontsize=8, color=MUTED)
    hr80 = detectable_hr(events, 0.8, allocation, alpha)
    ax.plot([hr80, hr80], [0, 0.8], color=REFERENCE, lw=0.8, ls="--")
    ax.text(hr80 - 0.01, 0.35, f"detectable with\n80 % power:\nHR {hr80:.2f}", fontsize=8.5, ha="right", color=INK)
    if observed_hr is not None:
        p_obs = logrank_power(observed_hr, events, allocation, alpha)
        ax.plot(observed_hr, p_obs, "o", color=HIGHLIGHT, ms=9, zorder=5)
        ax.annotate(
            f"observed HR {observed_hr:.2f}\npower {100 * p_obs:.0f} %",
            (observed_hr, p_obs),
            xytext=(min(observed_hr, 0.92), p_obs + 0.38),
            fontsize=8.5,
            color=HIGHLIGHT,
            ha="center",
            arrowprops=dict(arrowstyle="-", color=HIGHLIGHT, lw=0.8),
        )
    ax.set_xlim(0.4, 1.0)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("true hazard ratio")
    ax.set_ylabel("power (two-sided, α = 0.05)")
    ax.set_title(f"Log-rank power with {events:.0f} events", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
