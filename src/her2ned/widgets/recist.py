"""The RECIST 1.1 response calculator: a lesions x visits table the reader edits.

Live panel (:func:`recist_panel`, needs a kernel): one number box per target lesion and visit, a
status per visit for the non-target lesions and a tick box per visit for a new lesion. Every edit
re-runs :func:`her2ned.recist.assess` and redraws the response table and the patient's spider plot.

Twin (:func:`recist_twin`, static HTML): the same output pre-rendered for prepared example patients
(:data:`EXAMPLES`), one per slider position.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, display

from .._arguments import count, flag, sequence
from ..palette import INK, RESPONSE
from ..plots.recist import plot_patient
from ..recist import (
    TOO_SMALL,
    Assessment,
    NonTargetLesion,
    Patient,
    TargetLesion,
    _instances,
    assess,
    best_overall_response,
    radiologic_ned,
)
from .core import figure_to_html, frames_twin, show_safely

NT_NONE, NT_NE = "—", "not evaluated"
NON_TARGET_OPTIONS = (NT_NONE, "present", "absent", "progression", NT_NE)


def patient_from_grid(
    names: Sequence[str],
    organs: Sequence[str],
    nodal: Sequence[bool],
    weeks: Sequence[float],
    grid: Sequence[Sequence[float]],
    non_target: Sequence[str],
    new_lesions: Sequence[bool],
) -> Patient:
    """Build a :class:`~her2ned.recist.Patient` from the panel's table (a pure function).

    Parameters
    ----------
    names, organs : list of str
        One per target lesion (rows of ``grid``).
    nodal : list of bool
        Which rows are lymph nodes (short axis).
    weeks : list of float
        Visit times (columns of ``grid``), baseline first.
    grid : list of list of float
        ``grid[i][k]``: the measurement of lesion ``i`` at visit ``k`` in mm.
    non_target : list of str
        Per visit, one of :data:`NON_TARGET_OPTIONS`; ``"—"`` at baseline means no non-target lesion.
    new_lesions : list of bool
        Per visit, a new lesion was seen.

    Examples
    --------
    >>> p = patient_from_grid(["liver 1"], ["liver"], [False], [0, 8], [[20.0, 0.0]],
    ...                       ["—", "—"], [False, False])
    >>> assess(p).table["overall"].tolist()
    ['baseline', 'CR']
    """
    n = len(weeks)
    for name, seq in (("names", names), ("organs", organs), ("nodal", nodal)):
        if len(seq) != len(grid):
            raise ValueError(f"{name} has {len(seq)} entries but the table has {len(grid)} lesion rows")
    for name, seq in (("non_target", non_target), ("new_lesions", new_lesions)):
        if len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries but there are {n} visits")
    targets = [
        TargetLesion(nm, org, [float(v) for v in row], nodal=bool(nd))
        for nm, org, nd, row in zip(names, organs, nodal, grid)
    ]
    non_targets = []
    if non_target[0] != NT_NONE:
        statuses = []
        for k, s in enumerate(non_target):
            if s == NT_NONE:
                raise ValueError(
                    f"visit {k}: choose a status for the non-target lesions ('—' is only "
                    "for a patient without non-target lesions, set at baseline)"
                )
            statuses.append(None if s == NT_NE else s)
        non_targets.append(NonTargetLesion("non-target lesions", "other", statuses))
    return Patient(list(weeks), targets, non_targets, [bool(x) for x in new_lesions])


def response_table_html(assessment: Assessment) -> str:
    """A compact, colour-coded HTML table of the responses per visit, with the BOR and NED verdicts.

    Examples
    --------
    >>> p = Patient([0, 8], [TargetLesion("liver 1", "liver", [20, 12])])
    >>> "PR" in response_table_html(assess(p))
    True
    """
    if not isinstance(assessment, Assessment):
        raise TypeError(f"assessment must be an Assessment, got {type(assessment).__name__}")
    t = assessment.table
    head = (
        "<tr>"
        + "".join(
            f"<th style='padding:2px 8px'>{h}</th>"
            for h in ("visit", "week", "sum (mm)", "vs baseline", "target", "non-target", "new lesion", "overall")
        )
        + "</tr>"
    )
    body = []
    for r in t.itertuples():
        colour = RESPONSE.get(r.overall, INK)
        sum_txt = "—" if r.sum_mm != r.sum_mm else f"{r.sum_mm:g}"
        ch = "" if r.change_from_baseline != r.change_from_baseline else f"{r.change_from_baseline:+.0%}"
        cells = [
            r.visit,
            f"{r.week:g}",
            sum_txt,
            ch,
            r.target,
            r.non_target,
            "yes" if r.new_lesion else "",
            f"<strong style='color:{colour}'>{html.escape(r.overall)}</strong>",
        ]
        body.append(
            "<tr>"
            + "".join(
                f"<td style='padding:2px 8px;text-align:center'>"
                f"{c if str(c).startswith('<strong') else html.escape(str(c))}</td>"
                for c in cells
            )
            + "</tr>"
        )
    bor = best_overall_response(assessment)
    ned = radiologic_ned(assessment)
    last = t.iloc[-1]
    why = html.escape(f"Visit {last.visit}: {last.overall_rule}. Target: {last.target_rule}.")
    return (
        f"<table class='her2ned-recist' style='border-collapse:collapse;font-size:90%'>{head}"
        f"{''.join(body)}</table>"
        f"<p style='font-size:90%;margin:4px 0'><b>Why (last visit):</b> {why}<br>"
        f"<b>Best overall response:</b> {html.escape(str(bor))}<br>"
        f"<b>Radiologic NED:</b> {html.escape(ned.rule if ned.reached else 'not reached (' + ned.rule + ')')}</p>"
    )


DEFAULT_NAMES = ["liver 1", "lung 1", "axillary node"]
DEFAULT_ORGANS = ["liver", "lung", "lymph node"]
DEFAULT_NODAL = [False, False, True]
DEFAULT_WEEKS = [0, 9, 18, 27, 36]
DEFAULT_GRID = [[32, 20, 12, 6, 0], [14, 9, 6, 0, 0], [19, 13, 10, 9, 8]]
DEFAULT_NON_TARGET = ["present", "present", "present", "absent", "absent"]


def _check_panel_arguments(names, organs, nodal, weeks, grid, non_target, new_lesions):
    """The panel's arguments as lists, each checked by name (the panel's edits are checked by the panel)."""
    weeks = sequence(weeks, "weeks")
    if not weeks:
        raise ValueError("weeks must list at least the baseline visit")
    for k, w in enumerate(weeks):
        if isinstance(w, bool) or not isinstance(w, Real) or not math.isfinite(w):
            raise TypeError(f"weeks[{k}] must be a finite number, got {w!r}")
    n = len(weeks)
    grid = [sequence(row, f"grid[{i}]") for i, row in enumerate(sequence(grid, "grid"))]
    names, organs, nodal = sequence(names, "names"), sequence(organs, "organs"), sequence(nodal, "nodal")
    for name, seq in (("names", names), ("organs", organs), ("nodal", nodal)):
        if len(seq) != len(grid):
            raise ValueError(f"{name} has {len(seq)} entries but grid has {len(grid)} lesion rows")
    for i, (nm, org, nd, row) in enumerate(zip(names, organs, nodal, grid)):
        for name, x in (("names", nm), ("organs", org)):
            if not isinstance(x, str):
                raise TypeError(f"{name}[{i}] must be a string, got {x!r}")
        flag(nd, f"nodal[{i}]")
        if len(row) != n:
            raise ValueError(f"grid[{i}] has {len(row)} values but there are {n} weeks")
        for k, v in enumerate(row):
            if isinstance(v, bool) or not isinstance(v, Real):
                raise TypeError(f"grid[{i}][{k}] must be a number of mm, got {v!r}")
    non_target = sequence(non_target, "non_target")
    new_lesions = [False] * n if new_lesions is None else sequence(new_lesions, "new_lesions")
    for name, seq in (("non_target", non_target), ("new_lesions", new_lesions)):
        if len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries but there are {n} weeks")
    for k, (st, new) in enumerate(zip(non_target, new_lesions)):
        if not isinstance(st, str) or st not in NON_TARGET_OPTIONS:
            raise ValueError(f"non_target[{k}] must be one of {list(NON_TARGET_OPTIONS)}, got {st!r}")
        flag(new, f"new_lesions[{k}]")
    return names, organs, nodal, weeks, grid, non_target, new_lesions


class RecistPanel(widgets.VBox):
    """The live calculator. Controls are attributes so tests can drive it by setting ``.value``:

    ``cells[i][k]`` (FloatText, lesion i at visit k), ``non_target[k]`` (Dropdown),
    ``new_lesion[k]`` (Checkbox); outputs ``result`` (HTML: the response table), ``plot`` (HTML:
    the patient's spider plot) and ``figure`` (Output: a message when the input breaks a rule).
    """

    def __init__(
        self,
        names=DEFAULT_NAMES,
        organs=DEFAULT_ORGANS,
        nodal=DEFAULT_NODAL,
        weeks=DEFAULT_WEEKS,
        grid=DEFAULT_GRID,
        non_target=DEFAULT_NON_TARGET,
        new_lesions=None,
    ):
        names, organs, nodal, weeks, grid, non_target, new_lesions = _check_panel_arguments(
            names, organs, nodal, weeks, grid, non_target, new_lesions
        )
        self.names, self.organs, self.nodal, self.weeks = names, organs, nodal, weeks
        box = widgets.Layout(width="92px")
        # the row and column headers are separate HTML widgets, so each control also carries its own
        # name as a zero-width description: screen readers announce it, the grid looks the same
        hidden = {"description_width": "0px"}
        self.cells = [
            [
                widgets.FloatText(
                    value=float(v), layout=box, step=1, style=hidden, description=f"{nm}, week {w:g} (mm)"
                )
                for v, w in zip(row, self.weeks)
            ]
            for nm, row in zip(self.names, grid)
        ]
        self.non_target = [
            widgets.Dropdown(
                options=NON_TARGET_OPTIONS,
                value=s,
                layout=box,
                style=hidden,
                description=f"non-target lesions, week {w:g}",
            )
            for s, w in zip(non_target, self.weeks)
        ]
        self.new_lesion = [widgets.Checkbox(value=bool(x), indent=False, layout=box) for x in new_lesions]
        self.new_lesion[0].disabled = True  # nothing is "new" at baseline
        self.result = widgets.HTML()
        self.plot = widgets.HTML()
        self.figure = widgets.Output()  # plain-language messages when the table is invalid
        label = widgets.Layout(width="190px")
        rows = [
            widgets.HBox(
                [widgets.HTML("<b>lesion \\ week</b>", layout=label)]
                + [widgets.HTML(f"<b>{w:g}</b>", layout=box) for w in self.weeks]
            )
        ]
        for nm, nd, cells in zip(self.names, self.nodal, self.cells):
            what = "short axis" if nd else "longest diameter"
            rows.append(
                widgets.HBox([widgets.HTML(f"{html.escape(nm)} <small>({what}, mm)</small>", layout=label)] + cells)
            )
        rows.append(widgets.HBox([widgets.HTML("non-target lesions", layout=label)] + self.non_target))
        rows.append(widgets.HBox([widgets.HTML("new lesion seen", layout=label)] + self.new_lesion))
        for w in [c for row in self.cells for c in row] + self.non_target + self.new_lesion:
            w.observe(self.update, "value")
        intro = widgets.HTML(
            "<em>Edit a measurement (mm; 0 = disappeared, 5 = too small to measure), "
            "a non-target status or a new lesion: the responses follow.</em>"
        )
        super().__init__([intro, *rows, self.figure, self.result, self.plot])
        self.add_class("her2ned-recist-panel")
        self.update()

    def assessment(self) -> Assessment:
        """The current table assessed by RECIST 1.1 (raises ValueError on invalid input)."""
        p = patient_from_grid(
            self.names,
            self.organs,
            self.nodal,
            self.weeks,
            [[c.value for c in row] for row in self.cells],
            [d.value for d in self.non_target],
            [c.value for c in self.new_lesion],
        )
        return assess(p)

    def update(self, _=None):
        def draw():
            try:
                a = self.assessment()
            except (ValueError, TypeError):
                self.result.value = self.plot.value = ""
                raise
            self.result.value = response_table_html(a)
            fig, ax = plt.subplots(figsize=(6.5, 3.4))
            plot_patient(a, ax=ax)
            # an <img> with alt text in an HTML widget; figure_to_html closes the figure
            self.plot.value = figure_to_html(
                fig, alt="change from baseline per visit with the RECIST response at each visit", dpi=90
            )

        show_safely(self.figure, draw)


def recist_panel(**kwargs: Sequence | None) -> RecistPanel:
    """Live RECIST calculator (needs a running kernel). Keyword arguments go to :class:`RecistPanel`.

    Examples
    --------
    >>> panel = recist_panel()
    >>> panel.cells[0][1].value = 40.0       # liver 1 grows at week 9
    >>> "PD" in panel.result.value
    True
    """
    return RecistPanel(**kwargs)


@dataclass(frozen=True)
class Example:
    """A prepared patient for the twin: a short label, the patient and one sentence on the lesson."""

    label: str
    patient: Patient
    lesson: str


W = [0, 9, 18, 27]
EXAMPLES = (
    Example(
        "Partial response",
        Patient(
            W, [TargetLesion("liver 1", "liver", [42, 27, 24, 24]), TargetLesion("lung 1", "lung", [18, 12, 10, 10])]
        ),
        "The sum falls more than 30 % below baseline: PR, then a plateau that stays PR.",
    ),
    Example(
        "NED (nodes < 10 mm)",
        Patient(
            W,
            [
                TargetLesion("liver 1", "liver", [22, 9, 0, 0]),
                TargetLesion("axillary node", "lymph node", [18, 11, 8, 7], nodal=True),
            ],
            [NonTargetLesion("bone", "bone", ["present", "present", "absent", "absent"])],
        ),
        "Liver lesion gone, node back under 10 mm, bone lesion gone: overall CR, i.e. radiologic NED, "
        "although the sum is not zero.",
    ),
    Example(
        "Bone persists: not NED",
        Patient(
            W, [TargetLesion("liver 1", "liver", [25, 10, 0, 0])], [NonTargetLesion("bone", "bone", ["present"] * 4)]
        ),
        "Targets are in CR but a non-target lesion persists: overall PR, not NED.",
    ),
    Example(
        "PD from the nadir",
        Patient(W, [TargetLesion("liver 1", "liver", [60, 30, 31, 37])]),
        "37 mm is still far below the 60 mm baseline, but at least 20 % and 5 mm above the nadir of 30 mm: PD.",
    ),
    Example(
        "+4 mm is not PD",
        Patient(W, [TargetLesion("lung 1", "lung", [30, 12, 10, 14])]),
        "From a 10 mm nadir, 14 mm is +40 % but only +4 mm: not PD (the 5 mm rule).",
    ),
    Example(
        "New lesion",
        Patient(W, [TargetLesion("liver 1", "liver", [40, 20, 12, 10])], new_lesions=[False, False, False, True]),
        "Targets keep shrinking, but an unequivocal new lesion makes the visit PD.",
    ),
    Example(
        "Missed scan (NE)",
        Patient(
            W, [TargetLesion("liver 1", "liver", [40, 24, 22, 20]), TargetLesion("lung 1", "lung", [15, 10, None, 8])]
        ),
        "A target not imaged at week 18: that visit is NE; the next full scan is assessed again.",
    ),
    Example(
        "NED after local therapy",
        Patient(
            W,
            [
                TargetLesion("liver 1", "liver", [35, 20, 0, 0], local_therapy_before_visit=2),
                TargetLesion("lung 1", "lung", [12, 0, 0, 0]),
            ],
        ),
        "The lung lesion vanished on systemic therapy; the residual liver lesion was resected before "
        "week 18. Overall CR: NED, recorded as reached with metastasis-directed local therapy.",
    ),
)


def _measurement_text(m) -> str:
    return "—" if m is None else ("too small" if isinstance(m, str) else f"{m:g}")


def example_frame(example: Example, dpi: int = 72) -> str:
    """One twin frame: the patient's spider plot and the response table, as HTML."""
    if not isinstance(example, Example):
        raise TypeError(f"example must be an Example, got {type(example).__name__}")
    count(dpi, "dpi", low=20, high=600)
    a = assess(example.patient)
    fig, ax = plt.subplots(figsize=(6.2, 3.2))
    plot_patient(a, ax=ax, title=example.label)
    img = figure_to_html(
        fig,
        alt=f"{example.label}: change from baseline per visit with the RECIST response written at each visit",
        dpi=dpi,
    )
    lesions = "; ".join(
        f"{t.name}: {', '.join(_measurement_text(m) for m in t.measurements)} mm" for t in example.patient.targets
    )
    return (
        f"<div class='her2ned-recist-frame'><p style='margin:2px 0'><b>{html.escape(example.label)}.</b> "
        f"{html.escape(example.lesson)}</p><p style='font-size:85%;margin:2px 0'>Weeks "
        f"{', '.join(f'{w:g}' for w in example.patient.weeks)}. {html.escape(lesions)}</p>"
        f"{img}{response_table_html(a)}</div>"
    )


def recist_twin(examples: Sequence[Example] = EXAMPLES) -> widgets.VBox:
    """Kernel-free twin: a slider steps through prepared example patients (frames made in advance)."""
    examples = _instances(examples, "examples", Example)
    if not examples:
        raise ValueError("examples must hold at least one Example")
    frames = [example_frame(e) for e in examples]
    return frames_twin(
        frames,
        [e.label for e in examples],
        description="Example patient",
        caption="Pre-computed frames: move the slider to step through example patients "
        "and the RECIST 1.1 responses computed for them.",
    )


def display_panel() -> None:  # pragma: no cover - convenience for notebooks
    display(HTML("<p>Live calculator: needs a running kernel (e.g. Binder).</p>"))
    display(recist_panel())


__all__ = [
    "EXAMPLES",
    "Example",
    "RecistPanel",
    "TOO_SMALL",
    "example_frame",
    "patient_from_grid",
    "recist_panel",
    "recist_twin",
    "response_table_html",
]
