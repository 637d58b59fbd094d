"""The cohort explorer: draw a study-sized cohort from the simulator and analyse it as the paper did.

Controls: N (patients after selection), the shares of ECOG 0, IHC 3+ and grade 3, the three true odds
ratios of reaching NED, the true effect of NED on progression (``hr_ned``), the selection threshold
and the seed. Outputs: a small Table 1 by NED status, the three odds ratios (forest plot), Kaplan–Meier
curves by NED and the Cox HR of NED, each beside the TOG 2026 value.

:func:`explore` is the pure computation: it simulates a cohort and runs the study's analysis on it
(:func:`her2ned.cohort_analysis.analyse_cohort`, numpy fits checked against statsmodels and lifelines in
the tests); the study's terms, selection and published values come from :mod:`her2ned.study_design`.
:class:`ExplorerFigure` draws a result into one reused matplotlib figure (artists are updated, not
recreated), so a control change redraws in tens of milliseconds. :func:`explorer_panel` wires the
controls; :func:`explorer_twin` is the kernel-free twin (a precomputed grid over the true NED effect
and the selection threshold).

Everything drawn is synthetic.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
import io
import math
from dataclasses import dataclass, field
from numbers import Real

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import SYNTHETIC_NOTICE, palette
from .._arguments import count, sequence
from ..cohort_analysis import analyse_cohort
from ..models.fast import numbers_at_risk
from ..models.published import published_ci_table
from ..results import Result
from ..simulate import SimulationParams, simulate_cohort_arrays
from ..study_design import STUDY_N, TERM_LABELS, TERMS, THRESHOLD_MONTHS, published_values
from .core import PanelImage, frames_twin, message_html, show_safely

__all__ = [
    "explore",
    "ExplorerResult",
    "ExplorerFigure",
    "explorer_panel",
    "explorer_twin",
    "CONTROL_RANGES",
    "CONTROL_DEFAULTS",
    "PUBLISHED",
    "TERMS",
    "TERM_LABELS",
]

#: TOG 2026 abstract: ORs, HR, medians (months) and counts, read from the claim ledger.
PUBLISHED = published_values()

#: (min, max) of every control; the tests sweep these ranges.
CONTROL_RANGES = {
    "n": (40, 1000),
    "p_ecog0": (0.0, 1.0),
    "p_ihc3": (0.0, 1.0),
    "p_grade3": (0.0, 1.0),
    "or_ecog0": (0.1, 20.0),
    "or_ihc3": (0.1, 20.0),
    "or_grade_le2": (0.05, 10.0),
    "hr_ned": (0.1, 2.0),
    "threshold_months": (0.0, 60.0),
    "seed": (0, 999),
}

#: Where every control starts (explore's defaults and the panel's): the study's size and selection,
#: and the simulator's default world for the rest.
CONTROL_DEFAULTS = {
    "n": STUDY_N,
    **{
        name: getattr(SimulationParams(), name)
        for name in ("p_ecog0", "p_ihc3", "p_grade3", "or_ecog0", "or_ihc3", "or_grade_le2", "hr_ned")
    },
    "threshold_months": THRESHOLD_MONTHS,
    "seed": 0,
}


#: Times (months since the start of therapy) of the explorer's numbers at risk.
AT_RISK_MONTHS = (36, 60, 120, 180)


@dataclass(eq=False, repr=False)
class ExplorerResult(Result):
    """What :func:`explore` computes for one cohort (all arrays numpy); ``summary`` sets every number
    the figure shows beside the published value."""

    n: int
    n_ned: int
    threshold: float
    table: list  # rows (label, NED value, non-NED value)
    odds_ratios: dict  # term -> (or, low, high), NaN when not estimable
    hr: float
    hr_ci: tuple
    curves: dict  # group -> (times, surv)
    medians: dict  # group -> median (NaN: not reached)
    events: int
    notes: list = field(default_factory=list)
    at_risk: dict = field(default_factory=dict)  # group -> numbers at risk at AT_RISK_MONTHS

    model = "the study's analysis of one synthetic cohort, beside TOG 2026"

    def counts(self) -> list[tuple[str, object]]:
        return [("n", self.n), ("reached NED", self.n_ned), ("events (progression)", self.events)]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per number: ``quantity``, ``this cohort`` (NED · no NED where both) and ``TOG 2026``."""
        return pd.DataFrame(self._rows(), columns=["quantity", "this cohort", "TOG 2026"])

    def _rows(self) -> list[tuple[str, str, str]]:
        # the rows as plain tuples: the live panel's HTML reads them directly on every redraw (a
        # DataFrame built and iterated there cost about a millisecond of the redraw's ten)
        def ratio(v, lo, hi):
            return f"{v:.2f} ({lo:.2f}–{hi:.2f})" if np.isfinite(v) else "not estimable"

        def med(v):
            return f"{v:.0f}" if np.isfinite(v) else "not reached"

        rows = [
            ("Cox HR of NED", ratio(self.hr, *self.hr_ci), f"{PUBLISHED['hr']:.2f}"),
            (
                "median PFS, NED / no NED (months)",
                f"{med(self.medians[1])} / {med(self.medians[0])}",
                f"{PUBLISHED['median_ned']:.0f} / {PUBLISHED['median_non_ned']:.0f}",
            ),
        ]
        rows += [(f"OR of NED, {TERM_LABELS[t]}", ratio(*self.odds_ratios[t]), f"{PUBLISHED[t]:.2f}") for t in TERMS]
        rows += [(label, f"{a} · {b}", "") for label, a, b in self.table]
        if self.at_risk:  # the Kaplan–Meier figure's numbers-at-risk table, as text beside it
            rows.append(
                (
                    f"at risk at {' / '.join(f'{t:.0f}' for t in AT_RISK_MONTHS)} months",
                    " · ".join("/".join(str(int(c)) for c in self.at_risk[g]) for g in (1, 0)),
                    "",
                )
            )
        return rows

    def _repr_html_(self) -> str:
        """The header, then the summary as a compact table (the HR in a span the live panel updates)."""
        cell = 'style="padding:1px 8px"'
        body = []
        for quantity, ours, published in self._rows():
            value = f"<span class='her2ned-hr'>{ours}</span>" if quantity == "Cox HR of NED" else html.escape(ours)
            body.append(
                f"<tr><td {cell}>{html.escape(quantity)}</td><td {cell}>{value}</td><td {cell}>{published}</td></tr>"
            )
        notes = "".join(message_html(n, "info") for n in self.notes)
        return (
            f'<div class="her2ned-explorer-summary" style="font-size:88%">{self.header_html()}'
            f"<table><thead><tr><th {cell}></th><th {cell}>this cohort (NED · no NED)</th>"
            f"<th {cell}>TOG 2026</th></tr></thead><tbody>{''.join(body)}</tbody></table>{notes}"
            f"<div style='color:#666;font-size:85%'>{html.escape(SYNTHETIC_NOTICE)}</div></div>"
        )


def _check_controls(values: dict) -> dict:
    out = {}
    for name, (lo, hi) in CONTROL_RANGES.items():
        v = values[name]
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {type(v).__name__}")
        if not (lo <= v <= hi):
            raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {v:g}")
        out[name] = v
    return out


_D = CONTROL_DEFAULTS


def explore(
    n: int = _D["n"],
    p_ecog0: float = _D["p_ecog0"],
    p_ihc3: float = _D["p_ihc3"],
    p_grade3: float = _D["p_grade3"],
    or_ecog0: float = _D["or_ecog0"],
    or_ihc3: float = _D["or_ihc3"],
    or_grade_le2: float = _D["or_grade_le2"],
    hr_ned: float = _D["hr_ned"],
    threshold_months: float = _D["threshold_months"],
    seed: int = _D["seed"],
    base: SimulationParams | None = None,
) -> ExplorerResult:
    """Simulate one selected cohort of ``n`` patients and analyse it as TOG 2026 did.

    Parameters are the explorer's controls (ranges in :data:`CONTROL_RANGES`, defaults in
    :data:`CONTROL_DEFAULTS`); the remaining simulator parameters come from ``base`` (default
    :class:`~her2ned.simulate.SimulationParams`). The analysis is
    :func:`~her2ned.cohort_analysis.analyse_cohort`; this adds the panel's Table 1 and numbers at risk.

    Returns
    -------
    ExplorerResult

    Raises
    ------
    ValueError
        A control outside its range, or a draw the study's analysis cannot handle (nobody or
        everybody reached NED, no progression); the message says what to change.

    Examples
    --------
    >>> r = explore(seed=1)
    >>> r.n, round(r.hr, 2) < 1
    (118, True)
    """
    c = _check_controls(
        dict(
            n=n,
            p_ecog0=p_ecog0,
            p_ihc3=p_ihc3,
            p_grade3=p_grade3,
            or_ecog0=or_ecog0,
            or_ihc3=or_ihc3,
            or_grade_le2=or_grade_le2,
            hr_ned=hr_ned,
            threshold_months=threshold_months,
            seed=seed,
        )
    )
    if base is not None and not isinstance(base, SimulationParams):
        raise TypeError(f"base must be a SimulationParams or None, got {type(base).__name__}")
    base = base or SimulationParams()
    params = base.replace(
        p_ecog0=float(p_ecog0),
        p_ihc3=float(p_ihc3),
        p_grade3=float(p_grade3),
        or_ecog0=float(or_ecog0),
        or_ihc3=float(or_ihc3),
        or_grade_le2=float(or_grade_le2),
        hr_ned=float(hr_ned),
        threshold_months=float(threshold_months),
    )
    a = simulate_cohort_arrays(params, np.random.default_rng(int(c["seed"])), int(n))
    r = analyse_cohort(a)
    # the analysis reports a degenerate draw as NaN; the panel says what to change instead
    if r.n_ned == 0:
        raise ValueError(
            "No patient in this draw reached NED, so NED and non-NED cannot be compared. "
            "Raise the odds ratios or N, or change the seed."
        )
    if r.n_ned == n:
        raise ValueError(
            "Every patient in this draw reached NED, so there is no comparison group. "
            "Lower the odds ratios or change the seed."
        )
    if r.events == 0:
        raise ValueError(
            "No patient in this draw progressed, so survival cannot be compared. "
            "Raise N or lower the selection threshold."
        )
    # Table 1 (a compact version: numbers and shares by NED status)
    ned = a["ned"]
    g1, g0 = ned == 1, ned == 0

    def share(mask, cond):
        return f"{int(cond[mask].sum())} ({100 * cond[mask].mean():.0f} %)"

    table = [
        ("patients", str(int(g1.sum())), str(int(g0.sum()))),
        ("median age, years", f"{np.median(a['age'][g1]):.0f}", f"{np.median(a['age'][g0]):.0f}"),
        ("ECOG 0", share(g1, a["ecog"] == 0), share(g0, a["ecog"] == 0)),
        ("HER2 IHC 3+", share(g1, a["ihc3"] == 1), share(g0, a["ihc3"] == 1)),
        ("grade 3", share(g1, a["grade"] == 3), share(g0, a["grade"] == 3)),
    ]
    # the Kaplan–Meier figure's numbers at risk (everyone enters at the threshold: left truncation)
    at_risk = {
        g: numbers_at_risk(a["pfs_months"][m], AT_RISK_MONTHS, a["entry_months"][m]) for g, m in ((1, g1), (0, g0))
    }
    return ExplorerResult(
        n=int(n),
        n_ned=r.n_ned,
        threshold=float(threshold_months),
        table=table,
        odds_ratios=dict(r.odds_ratios),
        hr=r.hr,
        hr_ci=r.hr_ci,
        curves=dict(r.curves),
        medians=dict(r.medians),
        events=r.events,
        notes=list(r.notes),
        at_risk=at_risk,
    )


class ExplorerFigure:
    """One matplotlib figure (forest plot | Kaplan–Meier) redrawn by blitting.

    The static parts (axes, ticks, labels, the published values) are drawn once and cached as a
    bitmap; an update restores that bitmap and draws only the moving artists, then encodes the
    pixels as a PNG. This keeps a redraw to a few tens of milliseconds (text rendering dominates
    a full matplotlib draw on a small machine).

    Examples
    --------
    >>> f = ExplorerFigure(); f.update(explore(seed=2)); png = f.png()
    >>> png[:4] == b"\\x89PNG"
    True
    """

    XMAX = 210.0

    def __init__(self, dpi: int = 72):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.patches import Rectangle

        self.dpi = dpi = count(dpi, "dpi", low=10, high=600)
        self.fig = Figure(figsize=(10, 3.5), dpi=dpi)
        FigureCanvasAgg(self.fig)
        self.ax_or = ax = self.fig.add_axes([0.15, 0.17, 0.25, 0.68])
        self.ax_km = ak = self.fig.add_axes([0.61, 0.17, 0.37, 0.68])
        self._dynamic = []
        pub = published_ci_table().summary.set_index("term")
        self._or_lines, self._or_dots = [], []
        for i, t in enumerate(TERMS):
            y = 2 - i
            ax.plot([pub.loc[t, "ci_low"], pub.loc[t, "ci_high"]], [y - 0.16] * 2, color=palette.PUBLISHED, lw=1.5)
            ax.plot(pub.loc[t, "ratio"], y - 0.16, "D", mfc=palette.PAPER, mec=palette.PUBLISHED, ms=6)
            ax.text(
                1.03,
                y - 0.16,
                f"{pub.loc[t, 'ratio']:.2f} ({pub.loc[t, 'ci_low']:.2f}–{pub.loc[t, 'ci_high']:.2f})",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
                color=palette.PUBLISHED,
            )
            self._or_lines.append(ax.plot([], [], color=palette.OURS, lw=2.5)[0])
            self._or_dots.append(ax.plot([], [], "o", color=palette.OURS, ms=7)[0])
        ax.axvline(1, color=palette.INK, lw=0.8, ls=":")
        ax.set_xscale("log")
        ax.set_xlim(0.02, 100)
        ax.set_ylim(-0.6, 2.6)
        ax.set_yticks([2, 1, 0], [TERM_LABELS[t] for t in TERMS], fontsize=9)
        ax.set_xticks([0.05, 0.25, 1, 4, 20], ["0.05", "0.25", "1", "4", "20"])
        ax.minorticks_off()
        ax.set_xlabel("odds ratio of NED (log scale)", fontsize=9)
        ax.set_title("odds ratios:  ● this cohort   ◇ TOG 2026", fontsize=9, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        self._shade = Rectangle((0, 0), THRESHOLD_MONTHS, 1.02, color=palette.SHADE, zorder=0)
        ak.add_patch(self._shade)
        self._km = {
            1: ak.plot([], [], drawstyle="steps-post", lw=2, color=palette.NED_GROUP[1])[0],
            0: ak.plot([], [], drawstyle="steps-post", lw=2, color=palette.NED_GROUP[0])[0],
        }
        self._med = {g: ak.plot([], [], ls="--", lw=1, color=self._km[g].get_color())[0] for g in (0, 1)}
        for g, name in ((1, "NED"), (0, "no NED")):
            ak.text(
                0.98,
                0.95 - 0.09 * (1 - g),
                name,
                transform=ak.transAxes,
                ha="right",
                va="top",
                fontsize=9,
                color=self._km[g].get_color(),
                fontweight="bold",
            )
        ak.axhline(0.5, color=palette.REFERENCE, lw=0.8, ls=":")
        ak.set_xlim(0, self.XMAX)
        ak.set_ylim(0, 1.02)
        ak.set_xlabel("months since start of first-line therapy", fontsize=9)
        ak.set_ylabel("progression-free", fontsize=9)
        ak.spines[["top", "right"]].set_visible(False)
        ak.set_title("Kaplan–Meier by NED (dashes: medians)", fontsize=9, loc="left")
        # numbers that change are shown in the HTML beside the picture (text rendering is slow)
        self._dynamic = [*self._or_lines, *self._or_dots, self._shade, *self._km.values(), *self._med.values()]
        for a in self._dynamic:
            a.set_animated(True)
        self.fig.canvas.draw()
        self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def update(self, r: ExplorerResult) -> None:
        """Move the artists to show ``r`` (call :meth:`png` to render)."""
        for i, t in enumerate(TERMS):
            y = 2 - i + 0.16
            o, lo, hi = r.odds_ratios[t]
            if np.isfinite(o):
                self._or_lines[i].set_data([max(lo, 0.02), min(hi, 100)], [y, y])
                self._or_dots[i].set_data([min(max(o, 0.02), 100)], [y])
            else:
                self._or_lines[i].set_data([], [])
                self._or_dots[i].set_data([], [])
        self._shade.set_width(r.threshold)
        for g in (1, 0):
            t, s = r.curves[g]
            self._km[g].set_data(np.append(t, self.XMAX), np.append(s, s[-1]))
            med = r.medians[g]
            self._med[g].set_data(([med, med], [0, 0.5]) if np.isfinite(med) else ([], []))
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        for a in self._dynamic:
            a.axes.draw_artist(a)

    def png(self) -> bytes:
        """The current picture as PNG bytes (fast, lightly compressed)."""
        from PIL import Image as PILImage

        pixels = np.asarray(self.fig.canvas.buffer_rgba())
        buffer = io.BytesIO()
        PILImage.fromarray(pixels[..., :3]).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def html(self, alt: str) -> str:
        """The current picture as an inline ``<img>`` (for the kernel-free twin)."""
        import base64

        data = base64.b64encode(self.png()).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%;"/>'


#: Each control's slider and label; its range is CONTROL_RANGES (log sliders: log10 of it), its start
#: CONTROL_DEFAULTS.
_SLIDERS = {
    "n": (widgets.IntSlider, "N (selected)"),
    "p_ecog0": (widgets.FloatSlider, "share ECOG 0"),
    "p_ihc3": (widgets.FloatSlider, "share IHC 3+"),
    "p_grade3": (widgets.FloatSlider, "share grade 3"),
    "or_ecog0": (widgets.FloatLogSlider, "true OR ECOG 0"),
    "or_ihc3": (widgets.FloatLogSlider, "true OR IHC 3+"),
    "or_grade_le2": (widgets.FloatLogSlider, "true OR grade ≤2"),
    "hr_ned": (widgets.FloatLogSlider, "true HR of NED"),
    "threshold_months": (widgets.IntSlider, "select: PFS ≥ (mo)"),
    "seed": (widgets.IntSlider, "seed"),
}


def _slider(name: str, options: dict) -> widgets.Widget:
    kind, description = _SLIDERS[name]
    lo, hi = CONTROL_RANGES[name]
    value = CONTROL_DEFAULTS[name]
    if kind is widgets.FloatLogSlider:
        return kind(
            value=value, base=10, min=math.log10(lo), max=math.log10(hi), step=0.01, description=description, **options
        )
    if kind is widgets.IntSlider:
        return kind(value=int(value), min=int(lo), max=int(hi), step=1, description=description, **options)
    return kind(value=value, min=lo, max=hi, step=0.01, description=description, **options)


class ExplorerPanel(widgets.VBox):
    """The live cohort explorer. Controls are attributes (``n``, ``p_ecog0``, ..., ``seed``)."""

    def __init__(self, **initial):
        self.figure = ExplorerFigure()
        self.output = widgets.Output()
        self.last_result: ExplorerResult | None = None
        self.redraws = 0
        style = {"description_width": "120px"}
        lay = widgets.Layout(width="330px")
        cu = dict(continuous_update=False, style=style, layout=lay)
        self.controls = {name: _slider(name, cu) for name in CONTROL_RANGES}
        for name, w in self.controls.items():
            setattr(self, name, w)
        for name, value in initial.items():
            if name not in self.controls:
                raise ValueError(f"unknown control {name!r}; controls are {list(self.controls)}")
            self.controls[name].value = value
        left = widgets.VBox([self.n, self.p_ecog0, self.p_ihc3, self.p_grade3, self.seed])
        right = widgets.VBox([self.or_ecog0, self.or_ihc3, self.or_grade_le2, self.hr_ned, self.threshold_months])
        note = widgets.HTML(
            "<em>Live panel: needs a running kernel (e.g. Binder). Every cohort is simulated (synthetic).</em>"
        )
        super().__init__([note, widgets.HBox([left, right]), self.output])
        self.add_class("her2ned-explorer")
        for w in self.controls.values():
            w.observe(self.redraw, "value")
        self.redraw()

    def values(self) -> dict:
        """The current control values."""
        return {name: w.value for name, w in self.controls.items()}

    def set_values(self, **values) -> None:
        """Set several controls at once and redraw once (for tests and the classroom)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; controls are {list(self.controls)}")
        self._suspended = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._suspended = False
        self.redraw()

    def redraw(self, _=None) -> None:
        """Recompute from the controls and replace the panel's output (a message if degenerate)."""
        if getattr(self, "_suspended", False):
            return
        from IPython.display import HTML

        def draw():
            r = explore(**self.values())
            self.last_result = r
            self.figure.update(r)
            alt = (
                f"Odds ratios of NED with 95 % intervals beside the published ones, and Kaplan-Meier "
                f"curves of PFS by NED status, for one simulated cohort of {r.n} selected patients"
            )
            return [HTML(r._repr_html_()), PanelImage(self.figure.png(), alt)]

        self.last_result = None
        show_safely(self.output, draw)
        self.redraws += 1


def explorer_panel(**initial: float) -> ExplorerPanel:
    """The live cohort explorer (needs a kernel). Keyword arguments set initial control values.

    Examples
    --------
    >>> p = explorer_panel(seed=3)
    >>> p.hr_ned.value = 1.0   # the panel recomputes and redraws
    >>> p.last_result.n
    118
    """
    return ExplorerPanel(**initial)


#: The twin's grid: the true effect of NED crossed with the selection threshold.
TWIN_GRID = [(hr, thr) for hr in (1.0, CONTROL_DEFAULTS["hr_ned"]) for thr in (0, 12, 24, 36, 48, 60)]


def explorer_twin(seed: int = 0, grid: Sequence[tuple[float, float]] = TWIN_GRID, dpi: int = 70) -> widgets.VBox:
    """Kernel-free twin: the explorer precomputed over the true HR of NED × selection threshold."""
    grid = sequence(grid, "grid")
    if not grid or not all(
        isinstance(g, (tuple, list))
        and len(g) == 2
        and all(isinstance(x, Real) and not isinstance(x, bool) and math.isfinite(x) and x >= 0 for x in g)
        for g in grid
    ):
        raise ValueError(f"grid must be a non-empty list of (true HR, threshold in months) pairs, got {grid!r}")
    frames, labels = [], []
    fig = ExplorerFigure(dpi=dpi)
    for hr, thr in grid:
        try:
            r = explore(hr_ned=hr, threshold_months=thr, seed=seed)
            fig.update(r)
            body = r._repr_html_() + fig.html(
                alt=f"True HR of NED {hr:g}, selection at {thr} months: estimated HR {r.hr:.2f}"
            )
        except ValueError as exc:  # pragma: no cover - the grid is chosen to avoid degenerate draws
            body = message_html(str(exc))
        frames.append(body)
        labels.append(f"true HR {hr:g} · PFS ≥ {thr} mo")
    return frames_twin(
        frames,
        labels,
        description="True NED effect · selection",
        caption=(
            f"Pre-computed frames (N = {CONTROL_DEFAULTS['n']}, seed fixed). Move the slider: "
            "first the true HR of NED is 1 (NED changes nothing), then "
            f"{CONTROL_DEFAULTS['hr_ned']:g}; within each, the selection threshold rises "
            "from 0 to 60 months."
        ),
    )
