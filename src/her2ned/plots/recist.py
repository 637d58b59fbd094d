"""Figures for RECIST 1.1: spider and waterfall plots, one patient's course, and the NED call curves.

Every function takes ``ax=None`` and returns ``ax``. The reference lines are the RECIST 1.1
thresholds (Eisenhauer 2009): -30 % from baseline for PR, +20 % (from the nadir) for PD.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap

from .._arguments import axes_or_new, sequence, string
from ..recist import PD_INCREASE, PR_DECREASE, Assessment
from ..recist_cohort import MeasurementError, _check_error, p_lesion_seen, p_node_called_normal
from ..palette import INK, MUTED, NED_GROUP, PAPER, REFERENCE, RESPONSE, SIZES


_ORDER = ["CR", "PR", "SD", "non-CR/non-PD", "PD", "NE"]


def _thresholds(ax, outside=False):
    for y, text in (
        (-100 * PR_DECREASE, "−30 %: PR (from baseline)"),
        (100 * PD_INCREASE, "+20 %: PD threshold (from nadir)"),
    ):
        ax.axhline(y, color=MUTED, lw=0.8, ls="--", zorder=1)
        if outside:
            ax.annotate(
                text.replace(": ", ":\n"),
                xy=(1, y),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
                color=MUTED,
            )
        else:
            ax.annotate(
                text,
                xy=(1, y),
                xycoords=("axes fraction", "data"),
                xytext=(-4, 3),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=8,
                color=MUTED,
            )
    ax.axhline(0, color=INK, lw=0.8, zorder=1)


def _check_cols(df, cols, name):
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}; it needs {cols}")


def plot_spider(long: pd.DataFrame, ax=None, *, title: str = ""):
    """Spider plot: % change of the sum of diameters from baseline over time, one line per patient.

    Parameters
    ----------
    long : DataFrame
        One row per visit with ``patient``, ``week``, ``change`` (fraction) and ``bor`` (the line's
        colour), e.g. ``simulate_cohort(...).long``.

    Examples
    --------
    >>> from her2ned.recist_cohort import simulate_cohort
    >>> ax = plot_spider(simulate_cohort(10, seed=1).long)
    """
    _check_cols(long, ["patient", "week", "change", "bor"], "long")
    string(title, "title")
    ax = axes_or_new(ax, figsize=(7, 4.2))
    seen = set()
    for pid, g in long.groupby("patient", sort=False):
        g = g.dropna(subset=["change"])
        bor = g["bor"].iloc[0] if len(g) else "NE"
        colour = RESPONSE.get(bor, REFERENCE)
        label = bor if bor not in seen else None
        seen.add(bor)
        ax.plot(g["week"], 100 * g["change"], color=colour, lw=1.2, alpha=0.85, label=label, marker="o", ms=2.5)
    _thresholds(ax)
    ax.set_xlabel("weeks from start of treatment")
    ax.set_ylabel("change in sum of diameters\nfrom baseline (%)")
    ax.set_ylim(-105, max(60, float(np.nanmax(100 * long["change"].to_numpy(dtype=float), initial=0)) + 10))
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: _ORDER.index(labels[i]) if labels[i] in _ORDER else 99)
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        title="best overall response",
        frameon=False,
        fontsize=8,
        title_fontsize=8,
        loc="upper left",
        ncol=len(order),
    )
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_waterfall(summary: pd.DataFrame, ax=None, *, title: str = ""):
    """Waterfall plot: each patient's best % change of the sum, sorted, coloured by best response.

    Patients who reached radiologic NED (column ``ned``) are marked with a dot under their bar.

    Examples
    --------
    >>> from her2ned.recist_cohort import simulate_cohort
    >>> ax = plot_waterfall(simulate_cohort(10, seed=1).summary)
    """
    _check_cols(summary, ["best_change", "bor"], "summary")
    string(title, "title")
    d = summary.dropna(subset=["best_change"]).sort_values("best_change", ascending=False).reset_index(drop=True)
    if d.empty:
        raise ValueError("summary has no patient with a measured change: nothing to draw")
    ax = axes_or_new(ax, figsize=(7, 3.8))
    x = np.arange(len(d))
    colours = [RESPONSE.get(b, REFERENCE) for b in d["bor"]]
    ax.bar(x, 100 * d["best_change"], color=colours, width=0.85)
    if "ned" in d.columns and d["ned"].any():
        xs = x[d["ned"].to_numpy(dtype=bool)]
        ax.plot(xs, np.full(len(xs), -104), "v", color=NED_GROUP[1], ms=5, clip_on=False)
    _thresholds(ax, outside=True)
    for cat in _ORDER:
        if (d["bor"] == cat).any():
            ax.bar([np.nan], [np.nan], color=RESPONSE[cat], label=f"{cat} ({int((d['bor'] == cat).sum())})")
    if "ned" in d.columns and d["ned"].any():
        ax.plot(
            [], [], "v", color=NED_GROUP[1], ms=5, ls="none", label=f"reached radiologic NED ({int(d['ned'].sum())})"
        )
    ax.legend(
        title="best overall response",
        frameon=False,
        fontsize=8,
        title_fontsize=8,
        loc="lower left",
        bbox_to_anchor=(1.0, 0.0),
    )
    ax.set_xticks([])
    ax.set_xlabel("patients, sorted by best change")
    ax.set_ylabel("best change in sum\nfrom baseline (%)")
    ax.set_ylim(-108, max(40, 100 * float(d["best_change"].max()) + 10))
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_patient(assessment: Assessment, ax=None, *, title: str = ""):
    """One patient: each target lesion (thin) and the sum (thick) as % change from baseline,
    with the overall response written at every visit.

    Examples
    --------
    >>> from her2ned.recist import Patient, TargetLesion, assess
    >>> ax = plot_patient(assess(Patient([0, 8], [TargetLesion("liver 1", "liver", [20, 12])])))
    """
    if not isinstance(assessment, Assessment):
        raise TypeError(f"assessment must be an Assessment, got {type(assessment).__name__}")
    string(title, "title")
    ax = axes_or_new(ax, figsize=(6.5, 3.6))
    p, t = assessment.patient, assessment.table
    weeks = np.asarray(p.weeks)
    for les in p.targets:
        v = np.array([np.nan if m is None else m for m in les.values(p.rules)], dtype=float)
        ax.plot(
            weeks,
            100 * (v / v[0] - 1),
            color=REFERENCE,
            lw=1,
            ls=":" if les.nodal else "-",
            marker=".",
            label=f"{les.name}{' (node)' if les.nodal else ''}",
        )
    top = 60.0
    if p.targets:
        ch = 100 * t["change_from_baseline"].to_numpy(dtype=float)
        ax.plot(weeks, ch, color=INK, lw=2.4, marker="o", ms=5, label="sum of diameters", zorder=3)
        top = max(top, float(np.nanmax(ch, initial=0)) + 25)
        ys = np.where(np.isnan(ch), 0, ch)
    else:
        ys = np.zeros(len(weeks))
    for k in range(1, len(weeks)):
        resp = t["overall"].iloc[k]
        y = float(np.clip(ys[k], -100, top - 20))
        ax.annotate(
            resp.replace("non-CR/non-PD", "non-CR/\nnon-PD"),
            xy=(weeks[k], y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            color=RESPONSE.get(resp, INK),
            bbox=dict(boxstyle="round,pad=0.15", fc=PAPER, ec="none", alpha=0.8),
        )
    if any(p.new_lesions):
        for k, new in enumerate(p.new_lesions):
            if new:
                ax.axvline(weeks[k], color=RESPONSE["PD"], lw=1, alpha=0.5)
        ax.plot([], [], color=RESPONSE["PD"], lw=1, alpha=0.5, label="new lesion seen")
    _thresholds(ax, outside=True)  # labels outside the axes: response labels sit near the lines
    ax.set_ylim(-108, top)
    ax.set_xlim(weeks[0] - 2, weeks[-1] + max(3, 0.06 * (weeks[-1] - weeks[0])))
    ax.set_xticks(weeks)
    ax.set_xlabel("week of visit")
    ax.set_ylabel("change from baseline (%)")
    ax.legend(frameon=False, fontsize=7.5, loc="upper left", ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_ned_call(ax=None, *, sds_mm=(1.0, 1.5, 2.5), error: MeasurementError = MeasurementError()):
    """How likely a single residual finding is read as "gone", by its true size (assumed error model).

    Left of 10 mm the node curves show a *normal* node being read as normal; right of it, a
    pathological node being read as normal. The lesion curve shows a non-nodal residual being missed.

    Examples
    --------
    >>> ax = plot_ned_call()
    """
    sds = sequence(sds_mm, "sds_mm")
    if not sds or any(isinstance(s, bool) or not isinstance(s, Real) or not 0 <= s < math.inf for s in sds):
        raise ValueError(f"sds_mm must be a non-empty list of finite sds >= 0 mm, got {sds_mm!r}")
    _check_error(error)
    ax = axes_or_new(ax, figsize=(7, 3.8))
    x = np.linspace(0, 16, 321)
    ramp = LinearSegmentedColormap.from_list("sizes", SIZES)
    for s, c in zip(sds, ramp(np.linspace(0, 1, len(sds))) if len(sds) > 1 else [SIZES[1]]):
        e = MeasurementError(sd_mm=s, detect_d50_mm=error.detect_d50_mm, detect_slope_mm=error.detect_slope_mm)
        ax.plot(x, p_node_called_normal(x, e), color=c, lw=2, label=f"node recorded < 10 mm (sd {s:g} mm)")
    ax.plot(
        x,
        1 - p_lesion_seen(np.maximum(x, 1e-9), error),
        color=RESPONSE["PD"],
        lw=2,
        ls="--",
        label=f"non-nodal residual missed\n(seen half the time at {error.detect_d50_mm:g} mm)",
    )
    ax.axvline(10, color=MUTED, lw=0.8, ls=":")
    ax.annotate("RECIST 1.1: a node is\nnormal if < 10 mm", xy=(10, 0.97), xytext=(10.3, 0.86), fontsize=8, color=MUTED)
    ax.set_xlabel("true size of the residual finding (mm; short axis for a node)")
    ax.set_ylabel("probability it is read as gone / normal")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, 16)
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(0.64, 0.5))
    ax.spines[["top", "right"]].set_visible(False)
    return ax
