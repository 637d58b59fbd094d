"""The bias-lab panel: move the design and the truth, watch seven estimators of the NED effect.

Live panel (needs a kernel): selection threshold, true HR of NED, NED timing, how strongly NED marks
slow disease (the confounding), landmark time and N redraw one synthetic population's estimates with
their 95 % CIs against two true values: the conditional HR and the HR of a target trial at the
landmark (:mod:`her2ned.estimands`); a toggle says which one the figure judges by.
Twin (static HTML): the same figure pre-rendered on a small grid of settings.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd

from .._arguments import count, sequence
from ..bias import DEFAULT_LANDMARK_MONTHS, compare_estimators
from ..estimands import true_effects
from ..plots.bias import ESTIMAND_NAMES, plot_estimates
from ..simulate import SimulationParams
from .core import figure_to_html, frames_twin, show_safely

HR_RANGE = (0.2, 1.5)  # the panel's range for the true HR of NED (issue 7)
THRESHOLD_RANGE = (6, 60)  # months; TOG 2026 used 36, HER-OS 24
LANDMARK_RANGE = (3, 60)  # months
N_RANGE = (200, 5000)  # patients in the whole first-line population
TIMINGS = ("early", "late")  # her2ned.simulate.NED_TIMING_PRESETS (both assumptions)
CONFOUNDING_RANGE = (1.0, 10.0)  # or_ned_indolent: 1 = none (the simulator's default); an assumption
ESTIMANDS = ("conditional_hr", "trial_hr", "trial_hr_start")  # the truths the figure can judge by
ESTIMAND_N = 50_000  # patients drawn to value the target-trial HR (Monte Carlo SE about 0.01)


def _in_range(value, name: str, bounds: tuple, unit: str = ""):
    lo, hi = bounds
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo} and {hi}{unit}, got {value!r}")
    return value


def _timing(value, name: str = "ned_timing") -> str:
    if not isinstance(value, str) or value not in TIMINGS:
        raise ValueError(f"{name} must be one of {TIMINGS}, got {value!r}")
    return value


def _estimand(value, name: str = "estimand") -> str:
    if not isinstance(value, str) or value not in ESTIMANDS:
        raise ValueError(f"{name} must be one of {ESTIMANDS}, got {value!r}")
    return value


def lab_estimates(
    *,
    threshold_months: float = 36,
    hr_ned: float = 1.0,
    ned_timing: str = "late",
    landmark_months: float = DEFAULT_LANDMARK_MONTHS,
    n: int = 1000,
    seed: int = 1,
    confounding: float = 1.0,
    estimand: str = "conditional_hr",
) -> pd.DataFrame:
    """The panel's pure function: one synthetic population, the seven estimates beside the truth.

    Parameters
    ----------
    threshold_months : float
        Selection for the study design, in [6, 60] months.
    hr_ned : float
        True HR of progression once NED is reached, in [0.2, 1.5].
    ned_timing : {"early", "late"}
        Median time to NED (6 or 24 months; assumptions, see ``her2ned.simulate``).
    landmark_months : float
        Landmark time, in [3, 60] months.
    n : int
        Patients in the population, 200 to 5000.
    seed : int
    confounding : float
        ``or_ned_indolent``, the odds ratio of being able to reach NED for indolent vs aggressive
        disease, in [1, 10] (1: none).
    estimand : {"conditional_hr", "trial_hr", "trial_hr_start"}
        The truth the table's ``true_hr`` holds: the conditional HR, or the target-trial HR at the
        landmark, or from the start of therapy (all three are in ``attrs["estimands"]``).

    Returns
    -------
    pandas.DataFrame
        As :func:`her2ned.bias.compare_estimators`, with ``true_hr`` the chosen estimand's value,
        an ``estimand`` column and ``attrs["estimands"]`` holding both true values.

    Examples
    --------
    >>> t = lab_estimates(hr_ned=1.0, n=500, confounding=4.0)
    >>> len(t), t.attrs["estimands"]
    (7, {'conditional_hr': 1.0, 'trial_hr': 1.0, 'trial_hr_start': 1.0})
    """
    _in_range(hr_ned, "hr_ned", HR_RANGE)
    _in_range(threshold_months, "threshold_months", THRESHOLD_RANGE, " months")
    _in_range(landmark_months, "landmark_months", LANDMARK_RANGE, " months")
    _timing(ned_timing)
    _in_range(confounding, "confounding", CONFOUNDING_RANGE)
    _estimand(estimand)
    if isinstance(n, bool) or not isinstance(n, int) or not N_RANGE[0] <= n <= N_RANGE[1]:
        raise ValueError(f"n must be an integer between {N_RANGE[0]} and {N_RANGE[1]}, got {n!r}")
    params = SimulationParams(
        n=n,
        hr_ned=float(hr_ned),
        ned_timing=ned_timing,
        threshold_months=float(threshold_months),
        or_ned_indolent=float(confounding),
    )
    table = compare_estimators(params, seed=seed, landmark_months=float(landmark_months))
    at_landmark = true_effects(params, landmark_months=float(landmark_months), n=ESTIMAND_N, seed=seed)["value"]
    at_start = true_effects(params, landmark_months=0.0, n=ESTIMAND_N, seed=seed)["value"]
    truths = {
        "conditional_hr": float(at_landmark["conditional_hr"]),
        "trial_hr": float(at_landmark["trial_hr"]),
        "trial_hr_start": float(at_start["trial_hr"]),
    }
    table["true_hr"] = truths[estimand]
    table["estimand"] = estimand
    table.attrs["estimands"] = truths
    return table


def _figure(table: pd.DataFrame):
    """The forest plot, dashed at the table's estimand and dotted at one other: the conditional HR, or
    (when that is the one judged by) the target-trial HR at the landmark."""
    chosen = table["estimand"].iloc[0]
    other = "trial_hr" if chosen == "conditional_hr" else "conditional_hr"
    others = {other: table.attrs["estimands"][other]}
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    try:
        plot_estimates(table, ax=ax, estimands=others)
        name, value = ESTIMAND_NAMES[chosen], table["true_hr"].iloc[0]
        rest = "; ".join(f"dotted: {ESTIMAND_NAMES[e]} {v:.2f}" for e, v in others.items())
        ax.set_xlabel(f"HR of progression, NED vs not (log scale); dashed: {name} {value:.2f}; {rest}")
    except Exception:
        plt.close(fig)
        raise
    return fig


class BiasLabPanel(widgets.VBox):
    """Live panel. Controls are attributes (``threshold, hr_ned, timing, confounding, estimand,
    landmark, n, seed``) so tests can set ``.value``; ``table`` holds the last computed estimates
    (None after a failed draw)."""

    def __init__(
        self,
        *,
        threshold_months: int = 36,
        hr_ned: float = 1.0,
        ned_timing: str = "late",
        landmark_months: int = int(DEFAULT_LANDMARK_MONTHS),
        n: int = 1000,
        seed: int = 1,
        confounding: float = 1.0,
        estimand: str = "conditional_hr",
    ):
        # the controls would clamp or cast a value silently (or fail without naming it)
        threshold_months = count(threshold_months, "threshold_months", *THRESHOLD_RANGE)
        hr_ned = _in_range(hr_ned, "hr_ned", HR_RANGE)
        ned_timing = _timing(ned_timing)
        confounding = _in_range(confounding, "confounding", CONFOUNDING_RANGE)
        estimand = _estimand(estimand)
        landmark_months = count(landmark_months, "landmark_months", *LANDMARK_RANGE)
        n = count(n, "n", *N_RANGE)
        seed = count(seed, "seed", low=0, high=10**6)
        style = {"description_width": "190px"}
        layout = widgets.Layout(width="min(100%, 520px)")
        self.threshold = widgets.IntSlider(
            value=threshold_months,
            min=THRESHOLD_RANGE[0],
            max=THRESHOLD_RANGE[1],
            step=3,
            style=style,
            layout=layout,
            description="Selection: PF at (months)",
            continuous_update=False,
        )
        self.hr_ned = widgets.FloatSlider(
            value=hr_ned,
            min=HR_RANGE[0],
            max=HR_RANGE[1],
            step=0.02,
            style=style,
            layout=layout,
            readout_format=".2f",
            description="True HR of NED",
            continuous_update=False,
        )
        self.timing = widgets.ToggleButtons(
            options=list(TIMINGS), value=ned_timing, style=style, description="When NED happens"
        )
        self.confounding = widgets.FloatSlider(
            value=confounding,
            min=CONFOUNDING_RANGE[0],
            max=CONFOUNDING_RANGE[1],
            step=0.5,
            style=style,
            layout=layout,
            readout_format=".1f",
            continuous_update=False,
            description="NED marks slow disease (OR)",
        )
        self.estimand = widgets.ToggleButtons(
            options=[(ESTIMAND_NAMES[e], e) for e in ESTIMANDS],
            value=estimand,
            style=style,
            description="Judge by",
            tooltips=[
                "one patient's hazard after NED / before NED (the simulator's true HR)",
                "marginal HR of a trial that assigns NED or no NED at the landmark",
                "marginal HR of a trial that assigns NED or no NED at the start of therapy",
            ],
        )
        self.landmark = widgets.IntSlider(
            value=landmark_months,
            min=LANDMARK_RANGE[0],
            max=LANDMARK_RANGE[1],
            step=3,
            style=style,
            layout=layout,
            description="Landmark L (months)",
            continuous_update=False,
        )
        self.n = widgets.IntSlider(
            value=n,
            min=N_RANGE[0],
            max=N_RANGE[1],
            step=100,
            style=style,
            layout=layout,
            description="N (whole population)",
            continuous_update=False,
        )
        self.seed = widgets.BoundedIntText(value=seed, min=0, max=10**6, description="Seed", style=style)
        self.output = widgets.Output()  # plain-language messages (show_safely)
        self.figure = widgets.HTML()  # the figure, as an inline PNG (no open matplotlib figures)
        self.table: pd.DataFrame | None = None
        controls = (
            self.threshold,
            self.hr_ned,
            self.timing,
            self.confounding,
            self.estimand,
            self.landmark,
            self.n,
            self.seed,
        )
        for w in controls:
            w.observe(self.redraw, "value")
        super().__init__([*controls, self.output, self.figure])
        self.add_class("her2ned-bias-panel")
        self.redraw()

    def redraw(self, _=None) -> None:
        def draw():
            self.table = None
            self.figure.value = ""
            table = lab_estimates(
                threshold_months=self.threshold.value,
                hr_ned=self.hr_ned.value,
                ned_timing=self.timing.value,
                landmark_months=self.landmark.value,
                n=self.n.value,
                seed=self.seed.value,
                confounding=self.confounding.value,
                estimand=self.estimand.value,
            )
            fig = _figure(table)  # raises ValueError when nothing can be estimated
            self.figure.value = figure_to_html(fig, dpi=80, alt=_alt(table, self.confounding.value))
            self.table = table

        show_safely(self.output, draw)


def _alt(table: pd.DataFrame, confounding: float) -> str:
    t = table.attrs["estimands"]
    return (
        f"Seven estimates of the HR of NED with 95% intervals; true HR {t['conditional_hr']:g} "
        f"(conditional), target-trial HR {t['trial_hr']:.2f}; confounding OR {confounding:g}"
    )


def bias_lab_panel(**kwargs) -> BiasLabPanel:
    """The live bias-lab panel (see :class:`BiasLabPanel`).

    Examples
    --------
    >>> panel = bias_lab_panel(n=300)
    >>> panel.hr_ned.value = 0.5
    >>> float(panel.table["true_hr"].iloc[0])
    0.5
    >>> panel.estimand.value = "trial_hr"
    >>> bool(panel.table["true_hr"].iloc[0] > 0.5)
    True
    """
    return BiasLabPanel(**kwargs)


#: The twin's grid: (true HR, NED timing, threshold, confounding OR); N = 1000, landmark 24 months, seed 1.
TWIN_GRID = tuple(
    (hr, timing, thr, conf) for conf in (1.0, 4.0) for hr in (1.0, 0.24) for timing in TIMINGS for thr in (24, 36)
)


def bias_lab_twin(
    grid=TWIN_GRID, *, n: int = 1000, landmark_months: int = 24, seed: int = 1, dpi: int = 72
) -> widgets.VBox:
    """Kernel-free twin: the panel's figure pre-rendered for each (true HR, timing, threshold, confounding).

    Each frame judges by the conditional HR (dashed) and shows the target-trial HR (dotted).

    Examples
    --------
    >>> twin = bias_lab_twin(grid=[(1.0, "late", 36, 4.0)], n=300)
    >>> len(twin.children[2].children)
    1
    """
    grid = sequence(grid, "grid")
    if not grid:
        raise ValueError("grid must hold at least one (true HR, NED timing, threshold, confounding) setting")
    for i, setting in enumerate(grid):
        if not (isinstance(setting, (tuple, list)) and len(setting) == 4):
            raise TypeError(f"grid must hold (true HR, NED timing, threshold, confounding) settings, got {setting!r}")
        _in_range(setting[0], f"grid[{i}] true HR", HR_RANGE)
        _timing(setting[1], f"grid[{i}] NED timing")
        _in_range(setting[2], f"grid[{i}] threshold", THRESHOLD_RANGE, " months")
        _in_range(setting[3], f"grid[{i}] confounding", CONFOUNDING_RANGE)
    frames, labels = [], []
    for hr, timing, thr, conf in grid:
        table = lab_estimates(
            threshold_months=thr,
            hr_ned=hr,
            ned_timing=timing,
            landmark_months=landmark_months,
            n=n,
            seed=seed,
            confounding=conf,
        )
        fig = _figure(table)
        labels.append(f"HR {hr:g}, {timing}, {thr} mo, OR {conf:g}")
        frames.append(
            figure_to_html(fig, dpi=dpi, alt=_alt(table, conf) + f"; NED {timing}, selection at {thr} months")
        )
    return frames_twin(
        frames,
        labels,
        description="Setting",
        caption=(
            f"Pre-computed frames (one synthetic population of {n}, landmark "
            f"{landmark_months} months, seed {seed}): move the slider to change "
            "the true HR, when NED happens (early/late), the selection threshold "
            "(months progression-free) and how strongly NED marks slow disease "
            "(confounding OR 1: none; 4: strong)."
        ),
    )
