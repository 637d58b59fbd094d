"""The HER2 classifier panel: IHC score and dual-probe ISH values -> group, call, category, path.

Live panel (needs a kernel): :class:`HER2Panel`. Kernel-free twin for the static book:
:func:`her2_twin`, the teaching examples of :data:`her2ned.her2.EXAMPLES` pre-rendered, one per frame.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML

from .. import her2
from .._arguments import count, finite, flag, sequence
from ..palette import PAPER, REFERENCE
from ..plots.her2 import plot_ish_plane
from .core import figure_to_html, frames_twin, show_safely

IHC_OPTIONS = ("not done",) + her2.IHC_SCORES


def classify_controls(ihc: str, ultralow: bool, ish_done: bool, ratio: float, copies: float) -> her2.HER2Result:
    """The pure function behind the panel: control values -> :class:`her2ned.her2.HER2Result`.

    ``ihc`` is one of ``"not done"``, ``"0"``, ``"1+"``, ``"2+"``, ``"3+"``; ``ratio`` and ``copies``
    are used only when ``ish_done``.

    Examples
    --------
    >>> classify_controls("2+", False, True, 1.7, 6.6).call
    'positive'
    >>> classify_controls("2+", False, False, 1.7, 6.6).needs
    'ISH'
    """
    if not isinstance(ihc, str) or ihc not in IHC_OPTIONS:
        raise ValueError(f"ihc must be one of {IHC_OPTIONS}, got {ihc!r}")
    ultralow, ish_done = flag(ultralow, "ultralow"), flag(ish_done, "ish_done")
    score = None if ihc == "not done" else ihc
    if ultralow and score != "0":
        raise ValueError(
            "The ultralow pattern (faint staining in <= 10 % of cells) exists only for IHC 0: "
            "untick it or choose IHC 0."
        )
    if not ish_done:
        if score is None:
            raise ValueError("Neither IHC nor ISH is done: choose an IHC score or tick 'dual-probe ISH done'.")
        return her2.classify(score, ultralow=ultralow)
    return her2.classify(score, ratio, copies, ultralow=ultralow)


def _figure(result: her2.HER2Result, figsize=(6.0, 4.2)):
    fig, ax = plt.subplots(figsize=figsize)
    if result.ratio is None:
        plot_ish_plane(ax=ax)
        ax.text(
            6,
            4.3,
            "no ISH result: no point to place",
            ha="center",
            fontsize=9,
            style="italic",
            bbox=dict(boxstyle="round", fc=PAPER, ec=REFERENCE),
        )
    else:
        plot_ish_plane(result.ratio, result.copies, result.ihc, ultralow=result.ultralow, ax=ax)
    fig.tight_layout()
    return fig


_RATIO, _COPIES = (0.5, 5.0), (0.5, 12.0)  # the sliders' ranges


class HER2Panel(widgets.VBox):
    """Live classifier: IHC selector, ISH switch, ratio and copy-number sliders; result and ISH plane.

    Controls are attributes (``ihc``, ``ultralow``, ``ish_done``, ``ratio``, ``copies``) so tests can set
    ``.value``; ``result`` holds the last :class:`her2ned.her2.HER2Result` (None after invalid input).
    """

    def __init__(self, ihc: str = "2+", ratio: float = 1.7, copies: float = 6.6, ish_done: bool = True):
        if not isinstance(ihc, str) or ihc not in IHC_OPTIONS:
            raise ValueError(f"ihc must be one of {list(IHC_OPTIONS)}, got {ihc!r}")
        for name, value, (low, high) in (("ratio", ratio, _RATIO), ("copies", copies, _COPIES)):
            if not low <= finite(value, name) <= high:
                raise ValueError(f"{name} must be from {low} to {high} (the sliders' range), got {value!r}")
        flag(ish_done, "ish_done")
        style = {"description_width": "initial"}
        # Slider ranges match the axes of plot_ish_plane (copies 0-12, ratio 0-5), so the point never leaves it.
        self.ihc = widgets.ToggleButtons(
            options=list(IHC_OPTIONS),
            value=ihc,
            description="IHC score",
            style={"button_width": "70px", "description_width": "initial"},
        )
        self.ultralow = widgets.Checkbox(value=False, description="ultralow pattern (IHC 0 only)", style=style)
        self.ish_done = widgets.Checkbox(value=ish_done, description="dual-probe ISH done", style=style)
        self.ratio = widgets.FloatSlider(
            value=ratio,
            min=_RATIO[0],
            max=_RATIO[1],
            step=0.05,
            description="HER2/CEP17 ratio",
            style=style,
            continuous_update=False,
            readout_format=".2f",
        )
        self.copies = widgets.FloatSlider(
            value=copies,
            min=_COPIES[0],
            max=_COPIES[1],
            step=0.1,
            description="HER2 copies per cell",
            style=style,
            continuous_update=False,
            readout_format=".1f",
        )
        self.output = widgets.Output()
        self.result: her2.HER2Result | None = None
        for control in (self.ihc, self.ultralow, self.ish_done, self.ratio, self.copies):
            control.observe(self.redraw, "value")
        note = widgets.HTML("<em>Live panel: needs a running kernel (e.g. Binder).</em>")
        super().__init__(
            [note, self.ihc, widgets.HBox([self.ultralow, self.ish_done]), self.ratio, self.copies, self.output]
        )
        self.add_class("her2ned-her2-panel")
        self.redraw()

    def redraw(self, _=None) -> None:
        self.ratio.disabled = self.copies.disabled = not self.ish_done.value
        self.result = None

        def draw():
            result = classify_controls(
                self.ihc.value, self.ultralow.value, self.ish_done.value, self.ratio.value, self.copies.value
            )
            self.result = result
            return [HTML(result._repr_html_()), _figure(result)]  # show_safely gives the figure alt text

        show_safely(self.output, draw)


def her2_panel(**kwargs) -> HER2Panel:
    """The live classifier panel (see :class:`HER2Panel`)."""
    return HER2Panel(**kwargs)


def twin_frames(examples=her2.EXAMPLES, dpi: int = 70) -> tuple[list[str], list[str]]:
    """Pre-rendered HTML frames (result + ISH plane) for each example tumour, and their labels."""
    examples, dpi = sequence(examples, "examples"), count(dpi, "dpi", low=10, high=600)
    for i, example in enumerate(examples):
        if not (
            isinstance(example, (tuple, list))
            and len(example) == 2
            and isinstance(example[0], str)
            and isinstance(example[1], dict)
        ):
            raise TypeError(f"examples[{i}] must be a (label, classify keyword arguments) pair, got {example!r}")
    frames, labels = [], []
    for label, kwargs in examples:
        result = her2.classify(**kwargs)
        fig = _figure(result, figsize=(5.4, 3.8))
        alt = f"{label}: HER2 {result.call}, {result.category}"
        frames.append(
            '<div style="display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start">'
            f'<div style="flex:1 1 300px">{figure_to_html(fig, alt, dpi=dpi)}</div>'
            f'<div style="flex:1 1 260px;font-size:90%">{result._repr_html_()}</div></div>'
        )
        labels.append(label)
    return frames, labels


def her2_twin() -> widgets.VBox:
    """Kernel-free twin: a slider steps through twelve example tumours, one per path of the guideline."""
    frames, labels = twin_frames()
    return frames_twin(
        frames,
        labels,
        description="Example tumour",
        caption="Pre-computed frames (no kernel needed): move the slider to step through example "
        "tumours, one for each path through ASCO/CAP 2018.",
    )
