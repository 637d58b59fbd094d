"""RECIST 1.1 response assessment and radiologic "no evidence of disease" (NED).

Every rule below is from Eisenhauer EA, et al. *New response evaluation criteria in solid tumours:
revised RECIST guideline (version 1.1).* Eur J Cancer 2009;45:228-247 (cited as "RECIST 1.1", with
the section of the guideline), except one: a target lesion that reappears after an overall complete
response is PD, as clarified by the RECIST Working Group (Schwartz LH, et al. *RECIST 1.1 -- Update and
clarification: from the RECIST committee.* Eur J Cancer 2016;62:132-137). Nothing here is specific
to breast cancer.

The model of a patient:

* :class:`TargetLesion` -- a measurable lesion chosen at baseline, with one measurement (mm) per visit:
  the longest diameter, or the short axis for a lymph node. ``0`` means the lesion has disappeared,
  :data:`TOO_SMALL` ("too small to measure") counts as 5 mm, ``None`` means not evaluated.
* :class:`NonTargetLesion` -- any other lesion, followed qualitatively: ``"present"``, ``"absent"``
  (gone; for a node, < 10 mm), ``"progression"`` (unequivocal) or ``None`` (not evaluated).
* :class:`Patient` -- the lesions, the visit times in weeks (baseline first, at week 0 or earlier) and,
  per visit, whether an unequivocal new lesion appeared.

:func:`assess` returns an :class:`Assessment`: one row per visit with the sum of diameters, the
nadir, the target, non-target and overall responses, and *which rule fired* for each. Then
:func:`best_overall_response` and :func:`radiologic_ned` summarise it.

Examples
--------
>>> p = Patient(weeks=[0, 8, 16],
...             targets=[TargetLesion("liver 1", "liver", [30, 18, 0]),
...                      TargetLesion("axillary node", "lymph node", [20, 12, 8], nodal=True)])
>>> assess(p).table["overall"].tolist()
['baseline', 'PR', 'CR']
>>> radiologic_ned(assess(p)).reached
True
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from numbers import Real
from typing import Optional, Sequence

import pandas as pd

from ._arguments import flag, positive, sequence

# --- the numbers of RECIST 1.1 (Eisenhauer 2009); every threshold used below comes from here ---------
MEASURABLE_MM = 10.0  # RECIST 1.1 s.3.1: measurable lesion, longest diameter >= 10 mm on CT
MEASURABLE_NODE_MM = 15.0  # RECIST 1.1 s.3.1: measurable (pathological) node, short axis >= 15 mm
NORMAL_NODE_MM = 10.0  # RECIST 1.1 s.3.1/4.3.1: node < 10 mm short axis is normal (needed for CR)
TOO_SMALL_MM = 5.0  # RECIST 1.1 appendix I: "too small to measure" is recorded as 5 mm
MAX_TARGETS = 5  # RECIST 1.1 s.4.2: at most 5 target lesions in total...
MAX_PER_ORGAN = 2  # ... and at most 2 per organ
PR_DECREASE = 0.30  # RECIST 1.1 s.4.3.1: PR = sum at least 30 % below the baseline sum
PD_INCREASE = 0.20  # RECIST 1.1 s.4.3.1: PD = sum at least 20 % above the nadir ...
PD_ABSOLUTE_MM = 5.0  # ... and at least 5 mm above it in absolute terms
CONFIRM_WEEKS = 4.0  # RECIST 1.1 s.4.6: CR/PR confirmation no less than 4 weeks later
SD_MIN_WEEKS = 6.0  # RECIST 1.1 s.4.6: SD once after a protocol minimum, "often 6-8 weeks"

TOO_SMALL = "too small"
"""Marker for a target lesion present but too small to measure (counted as 5 mm, RECIST 1.1 appendix I)."""

_EPS = 1e-9  # relative tolerance so that "exactly -30 %" or "exactly +5 mm" is not lost to rounding

RESPONSES = ("CR", "PR", "SD", "non-CR/non-PD", "PD", "NE")
NON_TARGET_STATUSES = ("present", "absent", "progression")


@dataclass(frozen=True)
class Rules:
    """The millimetre thresholds of RECIST 1.1, kept together so they can be scaled as a unit.

    The relative thresholds (-30 %, +20 %) have no unit; the absolute ones (10 mm and 15 mm for
    measurability, 10 mm for a normal node, 5 mm for "too small" and for the PD increase) do.
    Scaling every measurement *and* these by the same factor leaves every response unchanged
    (:meth:`scaled`); scaling the measurements alone does not.
    """

    measurable_mm: float = MEASURABLE_MM
    measurable_node_mm: float = MEASURABLE_NODE_MM
    normal_node_mm: float = NORMAL_NODE_MM
    too_small_mm: float = TOO_SMALL_MM
    pd_absolute_mm: float = PD_ABSOLUTE_MM

    def scaled(self, factor: float) -> "Rules":
        """Every millimetre threshold multiplied by ``factor`` (> 0).

        Examples
        --------
        >>> RECIST11.scaled(2).pd_absolute_mm
        10.0
        """
        factor = positive(factor, "factor")
        return Rules(*(getattr(self, f) * factor for f in self.__dataclass_fields__))


RECIST11 = Rules()


def _check_rules(rules) -> None:
    if not isinstance(rules, Rules):
        raise TypeError(f"rules must be a Rules object, got {type(rules).__name__}")


def _instances(value, name: str, cls) -> list:
    """``value`` (a list or tuple) as a list, every element a ``cls``; a bad element is named by index."""
    items = sequence(value, name)
    for i, x in enumerate(items):
        if not isinstance(x, cls):
            raise TypeError(f"{name}[{i}] must be a {cls.__name__}, got {type(x).__name__}")
    return items


def _check_name(name, what: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"{what} must be a non-empty string, got {name!r}")
    return name


@dataclass(frozen=True)
class TargetLesion:
    """A target lesion: a name, its organ, whether it is a lymph node, and one measurement per visit.

    Parameters
    ----------
    name : str
        Used in every message (e.g. ``"liver 1"``).
    organ : str
        Used for the "at most 2 per organ" rule; lesions with the same label share an organ.
    measurements : sequence
        Millimetres per visit, baseline first: longest diameter, or short axis if ``nodal``.
        ``0`` = disappeared, :data:`TOO_SMALL` = present but too small to measure (5 mm),
        ``None`` (or NaN) = not evaluated at that visit.
    nodal : bool
        A lymph node (measured on its short axis; < 10 mm counts as normal).
    local_therapy_before_visit : int or None
        Index of the first visit after metastasis-directed local therapy (surgery, radiotherapy,
        ablation) of this lesion; recorded so that NED reached this way is labelled as such.

    Examples
    --------
    >>> TargetLesion("lung 1", "lung", [12, TOO_SMALL, 0]).values()
    [12.0, 5.0, 0.0]
    """

    name: str
    organ: str
    measurements: Sequence
    nodal: bool = False
    local_therapy_before_visit: Optional[int] = None

    def __post_init__(self):
        _check_name(self.name, "TargetLesion name")
        _check_name(self.organ, f"organ of lesion {self.name!r}")
        if not isinstance(self.nodal, bool):
            raise TypeError(f"nodal of lesion {self.name!r} must be True or False, got {self.nodal!r}")
        try:
            ms = tuple(self.measurements) if not isinstance(self.measurements, str) else None
        except TypeError:
            raise TypeError(
                f"lesion {self.name!r}: measurements must be a sequence, one per visit, got {self.measurements!r}"
            ) from None
        if not ms:
            raise ValueError(f"lesion {self.name!r}: measurements must be a non-empty sequence (baseline first)")
        for k, m in enumerate(ms):
            if m is None or (isinstance(m, str) and m.strip().lower() == TOO_SMALL):
                continue
            if isinstance(m, bool) or not isinstance(m, Real):
                raise TypeError(
                    f"lesion {self.name!r}, visit {k}: measurement must be a number of mm, "
                    f"{TOO_SMALL!r} or None; measurements[{k}] is {m!r}"
                )
            if math.isnan(m):
                continue
            if not math.isfinite(m) or m < 0:
                raise ValueError(
                    f"lesion {self.name!r}, visit {k}: diameter {m!r} mm is not allowed; "
                    "measurements must be finite diameters >= 0 mm (0 = disappeared)"
                )
        object.__setattr__(self, "measurements", ms)
        _check_visit_index(self.local_therapy_before_visit, self.name)

    def values(self, rules: Rules = RECIST11) -> list:
        """Measurements in mm as floats, with "too small" as 5 mm and not-evaluated as ``None``."""
        out = []
        for m in self.measurements:
            if isinstance(m, str):
                out.append(rules.too_small_mm)
            elif m is None or math.isnan(m):
                out.append(None)
            else:
                out.append(float(m))
        return out

    def scaled(self, factor: float) -> "TargetLesion":
        """The same lesion with every numeric measurement multiplied by ``factor``."""
        factor = positive(factor, "factor")
        return replace(
            self,
            measurements=tuple(m * factor if isinstance(m, Real) and m is not None else m for m in self.measurements),
        )


def _check_visit_index(v, name):
    if v is None:
        return
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ValueError(
            f"lesion {name!r}: local_therapy_before_visit must be a visit index >= 1 "
            f"(after baseline) or None, got {v!r}"
        )


@dataclass(frozen=True)
class NonTargetLesion:
    """A non-target lesion followed qualitatively, one status per visit.

    ``statuses``: ``"present"``, ``"absent"`` (disappeared; a node < 10 mm), ``"progression"``
    (unequivocal progression, RECIST 1.1 s.4.3.2) or ``None`` (not evaluated). Baseline must be present.

    Examples
    --------
    >>> NonTargetLesion("bone", "bone", ["present", "present", "absent"]).statuses[-1]
    'absent'
    """

    name: str
    organ: str
    statuses: Sequence
    nodal: bool = False
    local_therapy_before_visit: Optional[int] = None

    def __post_init__(self):
        _check_name(self.name, "NonTargetLesion name")
        _check_name(self.organ, f"organ of lesion {self.name!r}")
        try:
            st = tuple(self.statuses) if not isinstance(self.statuses, str) else None
        except TypeError:
            raise TypeError(
                f"lesion {self.name!r}: statuses must be a sequence, one per visit, got {self.statuses!r}"
            ) from None
        if not st:
            raise ValueError(f"lesion {self.name!r}: statuses must be a non-empty sequence (baseline first)")
        clean = []
        for k, s in enumerate(st):
            if s is None:
                clean.append(None)
                continue
            if not isinstance(s, str) or s.strip().lower() not in NON_TARGET_STATUSES:
                raise ValueError(
                    f"lesion {self.name!r}, visit {k}: status must be one of "
                    f"{list(NON_TARGET_STATUSES)} or None; statuses[{k}] is {s!r}"
                )
            clean.append(s.strip().lower())
        if clean[0] != "present":
            raise ValueError(
                f"non-target lesion {self.name!r}: its baseline status must be 'present' "
                f"(a lesion is recorded at baseline); statuses[0] is {clean[0]!r}"
            )
        object.__setattr__(self, "statuses", tuple(clean))
        _check_visit_index(self.local_therapy_before_visit, self.name)


@dataclass(frozen=True)
class Patient:
    """One patient's lesions over visits.

    Parameters
    ----------
    weeks : sequence of float
        Time of each visit in weeks from the start of treatment, baseline first (<= 0 allowed for
        baseline), strictly increasing.
    targets, non_targets : sequences of :class:`TargetLesion` / :class:`NonTargetLesion`
        Each with one entry per visit. A patient needs at least one lesion.
    new_lesions : sequence of bool, optional
        Per visit, whether an unequivocal new lesion was seen (baseline must be False).

    Raises
    ------
    ValueError
        Naming the lesion and the rule: a sixth target, a third target in one organ, a target
        not measurable at baseline (< 10 mm, or a node < 15 mm), a missing baseline measurement,
        a negative diameter, or lengths that do not match ``weeks``.

    Examples
    --------
    >>> Patient(weeks=[0, 8], targets=[TargetLesion("liver 1", "liver", [20, 10])]).n_visits
    2
    """

    weeks: Sequence
    targets: Sequence = ()
    non_targets: Sequence = ()
    new_lesions: Optional[Sequence] = None
    rules: Rules = field(default=RECIST11)

    def __post_init__(self):
        weeks = tuple(sequence(self.weeks, "weeks"))
        if not weeks:
            raise ValueError("weeks must list at least the baseline visit")
        for w in weeks:
            if isinstance(w, bool) or not isinstance(w, Real) or not math.isfinite(w):
                raise TypeError(f"weeks must be finite numbers, got {w!r}")
        if any(b <= a for a, b in zip(weeks, weeks[1:])):
            raise ValueError(f"weeks must be strictly increasing (baseline first), got {list(weeks)}")
        n = len(weeks)
        targets = tuple(_instances(self.targets, "targets", TargetLesion))
        non_targets = tuple(_instances(self.non_targets, "non_targets", NonTargetLesion))
        if not targets and not non_targets:
            raise ValueError(
                "a patient needs at least one target or non-target lesion at baseline; "
                "targets and non_targets are both empty"
            )
        names = Counter(x.name for x in targets + non_targets)
        dup = [k for k, c in names.items() if c > 1]
        if dup:
            raise ValueError(f"lesion names must be unique; {dup[0]!r} is used twice")
        for les in targets:
            if len(les.measurements) != n:
                raise ValueError(
                    f"lesion {les.name!r} has {len(les.measurements)} measurements but there "
                    f"are {n} visits (weeks); give one per visit, None if not evaluated"
                )
        for les in non_targets:
            if len(les.statuses) != n:
                raise ValueError(
                    f"lesion {les.name!r} has {len(les.statuses)} statuses but there "
                    f"are {n} visits (weeks); give one per visit, None if not evaluated"
                )
        for les in targets + non_targets:
            v = les.local_therapy_before_visit
            if v is not None and v >= n:
                raise ValueError(f"lesion {les.name!r}: local_therapy_before_visit={v} but visits run 0..{n - 1}")
        new = (False,) * n if self.new_lesions is None else tuple(sequence(self.new_lesions, "new_lesions"))
        if len(new) != n:
            raise ValueError(f"new_lesions has {len(new)} entries but there are {n} visits")
        for v in new:
            if not isinstance(v, bool):
                raise TypeError(f"new_lesions entries must be True or False, got {v!r}")
        if new[0]:
            raise ValueError("new_lesions[0] must be False: a lesion seen at baseline is not new")
        _check_rules(self.rules)
        object.__setattr__(self, "weeks", tuple(float(w) for w in weeks))
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "non_targets", non_targets)
        object.__setattr__(self, "new_lesions", new)
        check_baseline(targets, self.rules)

    @property
    def n_visits(self) -> int:
        return len(self.weeks)

    def scaled(self, factor: float, *, scale_rules: bool = True) -> "Patient":
        """Every measurement times ``factor``; with ``scale_rules`` the mm thresholds too."""
        rules = self.rules.scaled(factor) if scale_rules else self.rules
        return replace(self, targets=tuple(t.scaled(factor) for t in self.targets), rules=rules)

    def with_new_lesion(self, visit: int) -> "Patient":
        """The same patient with an unequivocal new lesion at ``visit`` (>= 1)."""
        if isinstance(visit, bool) or not isinstance(visit, int) or not 1 <= visit < self.n_visits:
            raise ValueError(f"visit must be an integer in [1, {self.n_visits - 1}], got {visit!r}")
        new = list(self.new_lesions)
        new[visit] = True
        return replace(self, new_lesions=tuple(new))


def check_baseline(targets: Sequence[TargetLesion], rules: Rules = RECIST11) -> None:
    """Check the baseline selection of target lesions against RECIST 1.1 s.3.1 and s.4.2.

    Raises ``ValueError`` naming the lesion and the rule: a missing baseline measurement, a lesion
    not measurable (< 10 mm; a node < 15 mm short axis; "too small" is never measurable), more than
    5 targets, more than 2 targets in one organ.

    Examples
    --------
    >>> check_baseline([TargetLesion("liver 1", "liver", [9])])
    Traceback (most recent call last):
    ...
    ValueError: target lesion 'liver 1': baseline 9 mm is not measurable; RECIST 1.1 needs a longest diameter >= 10 mm
    """
    targets = _instances(targets, "targets", TargetLesion)
    _check_rules(rules)
    per_organ: Counter = Counter()
    for i, les in enumerate(targets, start=1):
        base = les.measurements[0]
        if base is None or (isinstance(base, float) and math.isnan(base)):
            raise ValueError(
                f"target lesion {les.name!r}: missing baseline measurement; RECIST 1.1 "
                "needs every target lesion measured at baseline"
            )
        if isinstance(base, str):
            raise ValueError(
                f"target lesion {les.name!r}: 'too small to measure' at baseline is not "
                "measurable; choose it as a non-target lesion"
            )
        if les.nodal and base < rules.measurable_node_mm - _EPS:
            raise ValueError(
                f"target lesion {les.name!r}: baseline short axis {base:g} mm is not "
                f"measurable; RECIST 1.1 needs a node >= {rules.measurable_node_mm:g} mm "
                "short axis (10 to < 15 mm: non-target)"
            )
        if not les.nodal and base < rules.measurable_mm - _EPS:
            raise ValueError(
                f"target lesion {les.name!r}: baseline {base:g} mm is not measurable; "
                f"RECIST 1.1 needs a longest diameter >= {rules.measurable_mm:g} mm"
            )
        if i > MAX_TARGETS:
            raise ValueError(
                f"target lesion {les.name!r} is target number {i}; RECIST 1.1 allows at "
                f"most {MAX_TARGETS} target lesions in total (make it a non-target lesion)"
            )
        per_organ[les.organ] += 1
        if per_organ[les.organ] > MAX_PER_ORGAN:
            raise ValueError(
                f"target lesion {les.name!r} is target number {per_organ[les.organ]} in organ "
                f"{les.organ!r}; RECIST 1.1 allows at most {MAX_PER_ORGAN} target lesions "
                "per organ (make it a non-target lesion)"
            )


# --- the response at one visit ------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """A response category and the rule that produced it, in words."""

    response: str
    rule: str

    def __str__(self) -> str:
        return f"{self.response}: {self.rule}"


def target_response(
    values: Sequence,
    nodal: Sequence[bool],
    baseline_sum: float,
    nadir: float,
    rules: Rules = RECIST11,
    *,
    after_cr: bool = False,
    names: Optional[Sequence[str]] = None,
) -> tuple[Verdict, Optional[float]]:
    """The target-lesion response at one visit (RECIST 1.1 s.4.3.1), and the sum (None if NE).

    Parameters
    ----------
    values : sequence of float or None
        This visit's measurements in mm ("too small" already replaced by 5 mm); ``None`` = not evaluated.
    nodal : sequence of bool
        Which targets are lymph nodes.
    baseline_sum, nadir : float
        The baseline sum and the smallest sum so far (baseline included, this visit excluded).
    after_cr : bool
        The patient was in overall CR at the previous assessment (the last one not NE): targets,
        non-targets and new lesions all gone. A target CR beside a persisting non-target lesion is
        an overall PR and does not count.
    names : sequence of str, optional
        The lesions' names, used in the explanation.

    Order of the rules: first, after an overall CR (``after_cr``), reappearance -- any non-nodal
    target > 0 mm, or a target node back to >= 10 mm short axis -- is PD whatever the sum (the
    RECIST Working Group's clarification, Schwartz LH, et al. Eur J Cancer 2016;62:132-137: a
    reappearing lesion is judged by the status of the other lesions, PD if the disease had reached
    CR; after a PR or SD it is added back to the sum). Then
    CR (every non-nodal target 0 mm and every node < 10 mm, whatever the sum), then PD
    (sum >= nadir + 20 % and >= nadir + 5 mm), then PR (sum <= baseline - 30 %), else SD.
    A visit with a target not evaluated is NE -- unless the targets that were measured already
    add up to PD, which the missing ones cannot undo (RECIST 1.1 s.4.3.4).

    Checking CR before PD is this package's choice where the guideline is silent: a set of target
    nodes that all stay < 10 mm (normal by definition) is called CR even if their summed short axes
    rise by 20 % and 5 mm.

    Examples
    --------
    >>> target_response([35.0], [False], baseline_sum=50, nadir=50)[0].response
    'PR'
    >>> target_response([0.5], [False], baseline_sum=10, nadir=0, after_cr=True)[0].response
    'PD'
    """
    values, nodal = sequence(values, "values"), sequence(nodal, "nodal")
    if len(values) != len(nodal):
        raise ValueError(f"values and nodal must have the same length, got {len(values)} and {len(nodal)}")
    for i, v in enumerate(values):
        if v is not None and (isinstance(v, bool) or not isinstance(v, Real) or not 0 <= v < math.inf):
            raise ValueError(f"values[{i}] must be a finite number of mm >= 0 or None, got {v!r}")
    for i, nd in enumerate(nodal):
        flag(nd, f"nodal[{i}]")
    flag(after_cr, "after_cr")
    if names is None:
        names = [f"target {i + 1}" for i in range(len(values))]
    else:
        names = sequence(names, "names")
        if len(names) != len(values):
            raise ValueError("names and values must have the same length")
    baseline_sum = positive(baseline_sum, "baseline_sum")
    if isinstance(nadir, bool) or not isinstance(nadir, Real) or not 0 <= nadir < math.inf:
        raise ValueError(f"nadir must be a finite number >= 0, got {nadir!r}")
    _check_rules(rules)
    measured = [v for v in values if v is not None]
    missing = len(values) - len(measured)
    s = float(sum(measured))
    increase = s - nadir
    is_pd = s >= nadir * (1 + PD_INCREASE) - _EPS * max(1.0, nadir) and increase >= rules.pd_absolute_mm - _EPS * max(
        1.0, rules.pd_absolute_mm
    )
    pct_nadir = "" if nadir == 0 else f" ({increase / nadir:+.1%})"
    pd_text = (
        f"sum {s:g} mm is {increase:+g} mm from the nadir {nadir:g} mm{pct_nadir}; "
        f"PD needs >= +{PD_INCREASE:.0%} and >= +{rules.pd_absolute_mm:g} mm"
    )
    if after_cr:
        # RECIST Working Group clarification (Schwartz LH, et al. RECIST 1.1 -- Update and
        # clarification. Eur J Cancer 2016;62:132-137): a lesion that disappears and later reappears
        # is judged by the status of the other lesions; a patient who had reached (overall) CR and
        # has a lesion reappear is PD. Here: after an overall CR, any non-nodal target > 0 mm or a
        # target node back to >= 10 mm short axis is target PD, whatever the sum.
        back = [
            f"{n!r} {v:g} mm"
            for v, nd, n in zip(values, nodal, names)
            if v is not None and ((not nd and v > 0) or (nd and not v < rules.normal_node_mm))
        ]
        if back:
            return Verdict(
                "PD",
                f"reappearance after complete response: {', '.join(back)} (a non-nodal "
                f"target > 0 mm, or a node >= {rules.normal_node_mm:g} mm short axis, "
                "after an overall CR is PD whatever the sum; RECIST Working Group "
                "clarification, Schwartz et al. 2016)",
            ), (None if missing else s)
    if missing:
        if is_pd:
            return Verdict(
                "PD", f"{missing} target(s) not evaluated, but the measured ones alone already meet PD: {pd_text}"
            ), None
        return Verdict("NE", f"{missing} target lesion(s) not evaluated at this visit"), None
    non_nodal_gone = all(v == 0 for v, nd in zip(values, nodal) if not nd)
    nodes_normal = all(v < rules.normal_node_mm for v, nd in zip(values, nodal) if nd)
    if non_nodal_gone and nodes_normal:
        extra = f" (sum {s:g} mm is not zero because nodes keep their short axis)" if s > 0 else ""
        return Verdict(
            "CR",
            f"every non-nodal target is 0 mm and every target node is < {rules.normal_node_mm:g} mm short axis{extra}",
        ), s
    if is_pd:
        return Verdict("PD", pd_text), s
    change = (s - baseline_sum) / baseline_sum
    pr_text = f"sum {s:g} mm is {change:+.1%} from the baseline {baseline_sum:g} mm; PR needs <= -{PR_DECREASE:.0%}"
    if s <= baseline_sum * (1 - PR_DECREASE) + _EPS * baseline_sum:
        # say why a rise from the nadir is not yet PD, so the reader sees both halves of the rule
        return Verdict("PR", pr_text + (f"; not PD: {pd_text}" if increase > 0 else "")), s
    return Verdict("SD", f"neither PR nor PD: {pr_text}; {pd_text}"), s


def non_target_response(statuses: Sequence, names: Sequence[str]) -> Verdict:
    """The non-target response at one visit (RECIST 1.1 s.4.3.2).

    ``"NA"`` when the patient has no non-target lesions. Otherwise: any unequivocal progression
    → PD; else any lesion not evaluated → NE; else all absent → CR; else non-CR/non-PD.

    Examples
    --------
    >>> non_target_response(["present", "absent"], ["bone", "node"]).response
    'non-CR/non-PD'
    """
    statuses, names = sequence(statuses, "statuses"), sequence(names, "names")
    if len(statuses) != len(names):
        raise ValueError(f"statuses and names must have the same length, got {len(statuses)} and {len(names)}")
    for i, s in enumerate(statuses):
        if s is not None and not (isinstance(s, str) and s in NON_TARGET_STATUSES):
            raise ValueError(f"statuses[{i}] must be one of {list(NON_TARGET_STATUSES)} or None, got {s!r}")
    if not statuses:
        return Verdict("NA", "no non-target lesions at baseline")
    prog = [n for s, n in zip(statuses, names) if s == "progression"]
    if prog:
        return Verdict("PD", f"unequivocal progression of non-target lesion {prog[0]!r}")
    ne = [n for s, n in zip(statuses, names) if s is None]
    if ne:
        return Verdict("NE", f"non-target lesion {ne[0]!r} not evaluated")
    if all(s == "absent" for s in statuses):
        return Verdict("CR", "every non-target lesion has disappeared (nodes < 10 mm)")
    left = [n for s, n in zip(statuses, names) if s == "present"]
    return Verdict("non-CR/non-PD", f"non-target lesion {left[0]!r} persists without unequivocal progression")


# The RECIST 1.1 overall time-point tables (Eisenhauer 2009, Tables 1 and 2), row by row.
OVERALL_TABLE = (
    ("T1", "CR", "CR", False, "CR"),
    ("T2", "CR", "non-CR/non-PD", False, "PR"),
    ("T3", "CR", "NE", False, "PR"),
    ("T4", "PR", "non-PD or NE", False, "PR"),
    ("T5", "SD", "non-PD or NE", False, "SD"),
    ("T6", "NE", "non-PD", False, "NE"),
    ("T7", "PD", "any", "any", "PD"),
    ("T8", "any", "PD", "any", "PD"),
    ("T9", "any", "any", True, "PD"),
    ("N1", "none", "CR", False, "CR"),
    ("N2", "none", "non-CR/non-PD", False, "non-CR/non-PD"),
    ("N3", "none", "NE", False, "NE"),
    ("N4", "none", "PD", "any", "PD"),
    ("N5", "none", "any", True, "PD"),
)
"""(row id, target, non-target, new lesions, overall). Rows T*: Table 1 (target lesions, with or
without non-target); rows N*: Table 2 (non-target disease only). "NA" non-target (none at
baseline) is read as CR, as in Table 1's note that CR requires all disease to be gone."""

_ROWS = {r[0]: r for r in OVERALL_TABLE}


def overall_response(target: str, non_target: str, new_lesion: bool) -> Verdict:
    """The overall response at one visit from the RECIST 1.1 tables; the rule names its table row.

    Parameters
    ----------
    target : {"CR", "PR", "SD", "PD", "NE", "none"}
        ``"none"`` when the patient has no target lesions (non-target disease only, Table 2).
    non_target : {"CR", "non-CR/non-PD", "NE", "PD", "NA"}
        ``"NA"`` when the patient has no non-target lesions.
    new_lesion : bool

    Examples
    --------
    >>> str(overall_response("CR", "NE", False))
    'PR: RECIST 1.1 table row T3: target CR + non-target NE + no new lesion → PR'
    """
    if not isinstance(target, str) or target not in ("CR", "PR", "SD", "PD", "NE", "none"):
        raise ValueError(f"target must be one of CR, PR, SD, PD, NE, none; got {target!r}")
    if not isinstance(non_target, str) or non_target not in ("CR", "non-CR/non-PD", "NE", "PD", "NA"):
        raise ValueError(f"non_target must be one of CR, non-CR/non-PD, NE, PD, NA; got {non_target!r}")
    flag(new_lesion, "new_lesion")
    if target == "none" and non_target == "NA":
        raise ValueError("a patient with neither target nor non-target lesions has nothing to assess")

    def verdict(row):
        _, t, nt, new, out = _ROWS[row]
        new_txt = {True: "a new lesion", False: "no new lesion", "any": "new lesion or not"}[new]
        t_txt = "no target lesions" if t == "none" else f"target {t}"
        here = ""
        if "any" in (t, nt) or "or" in nt:  # say which values this visit actually had
            nt_here = "none" if non_target == "NA" else non_target
            here = f" (here: target {target}, non-target {nt_here}{', new lesion' if new_lesion else ''})"
        return Verdict(out, f"RECIST 1.1 table row {row}: {t_txt} + non-target {nt} + {new_txt} → {out}{here}")

    nt = "CR" if non_target == "NA" else non_target
    if target == "none":
        if non_target == "PD":
            return verdict("N4")
        if new_lesion:
            return verdict("N5")
        return verdict({"CR": "N1", "non-CR/non-PD": "N2", "NE": "N3"}[nt])
    if target == "PD":
        return verdict("T7")
    if nt == "PD":
        return verdict("T8")
    if new_lesion:
        return verdict("T9")
    if target == "CR":
        return verdict({"CR": "T1", "non-CR/non-PD": "T2", "NE": "T3"}[nt])
    return verdict({"PR": "T4", "SD": "T5", "NE": "T6"}[target])


# --- a whole patient ----------------------------------------------------------------------------


@dataclass
class Assessment:
    """The visit-by-visit RECIST 1.1 assessment of one patient (from :func:`assess`).

    ``table`` has one row per visit: ``visit``, ``week``, ``sum_mm``, ``nadir_mm`` (the nadir the
    visit is compared with), ``change_from_baseline`` and ``change_from_nadir`` (fractions),
    ``target``, ``non_target``, ``new_lesion``, ``overall``, and the rules that fired
    (``target_rule``, ``non_target_rule``, ``overall_rule``).
    """

    patient: Patient
    table: pd.DataFrame

    def explain(self) -> str:
        """Every visit's overall response with the rules that fired, one line per visit.

        Examples
        --------
        >>> p = Patient(weeks=[0, 8], targets=[TargetLesion("liver 1", "liver", [20, 0])])
        >>> print(assess(p).explain().splitlines()[1][:40])
        Visit 1 (week 8): CR. Target — every non
        """
        lines = []
        for r in self.table.itertuples():
            if r.visit == 0:
                lines.append(f"Visit 0 (week {r.week:g}): baseline, sum of diameters {r.sum_mm:g} mm.")
                continue
            lines.append(
                f"Visit {r.visit} (week {r.week:g}): {r.overall}. Target — {r.target_rule}. "
                f"Non-target — {r.non_target_rule}. Overall — {r.overall_rule}."
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cols = ["visit", "week", "sum_mm", "change_from_baseline", "target", "non_target", "new_lesion", "overall"]
        shown = self.table[cols].copy()
        shown["change_from_baseline"] = shown["change_from_baseline"].map(lambda x: "" if pd.isna(x) else f"{x:+.1%}")
        shown["sum_mm"] = shown["sum_mm"].map(lambda x: "—" if pd.isna(x) else f"{x:g}")
        return shown.to_html(index=False, escape=True)


def assess(patient: Patient) -> Assessment:
    """Assess every visit of ``patient`` by RECIST 1.1.

    Parameters
    ----------
    patient : Patient

    Returns
    -------
    Assessment
        With a per-visit ``table`` and :meth:`Assessment.explain`.

    Notes
    -----
    The nadir is the smallest sum among the baseline and the earlier visits whose targets were all
    measured (RECIST 1.1 s.4.3.1). After an overall CR (the last assessment that was not NE), a
    target lesion that reappears (a node back to >= 10 mm) makes the visit PD
    (:func:`target_response`); after a PR it only adds to the sum. Responses after the first PD are
    still computed, but :func:`best_overall_response` ignores them.

    Examples
    --------
    >>> p = Patient(weeks=[0, 8, 16], targets=[TargetLesion("lung 1", "lung", [40, 28, 34])])
    >>> assess(p).table["target"].tolist()   # 34 mm is +21 % and +6 mm from the nadir 28 mm
    ['baseline', 'PR', 'PD']
    """
    if not isinstance(patient, Patient):
        raise TypeError(f"patient must be a Patient, got {type(patient).__name__}")
    rules = patient.rules
    vals = [t.values(rules) for t in patient.targets]
    nodal = [t.nodal for t in patient.targets]
    nt_names = [t.name for t in patient.non_targets]
    has_targets = bool(patient.targets)
    baseline_sum = sum(v[0] for v in vals) if has_targets else math.nan
    nadir = baseline_sum
    in_cr = False  # overall CR at the last assessment that was not NE (the reappearance rule)
    names = [t.name for t in patient.targets]
    rows = []
    for k, week in enumerate(patient.weeks):
        visit_vals = [v[k] for v in vals]
        statuses = [t.statuses[k] for t in patient.non_targets]
        new = patient.new_lesions[k]
        row = dict(
            visit=k,
            week=week,
            nadir_mm=math.nan,
            sum_mm=math.nan,
            change_from_baseline=math.nan,
            change_from_nadir=math.nan,
            new_lesion=new,
        )
        if k == 0:
            row.update(
                sum_mm=baseline_sum,
                nadir_mm=baseline_sum,
                change_from_baseline=0.0,
                target="baseline" if has_targets else "none",
                target_rule="baseline" if has_targets else "no target lesions",
                non_target="baseline" if patient.non_targets else "NA",
                non_target_rule="baseline",
                overall="baseline",
                overall_rule="baseline",
            )
            rows.append(row)
            continue
        if has_targets:
            tv, s = target_response(visit_vals, nodal, baseline_sum, nadir, rules, after_cr=in_cr, names=names)
            row["nadir_mm"] = nadir
            if s is not None:
                row.update(
                    sum_mm=s,
                    change_from_baseline=(s - baseline_sum) / baseline_sum,
                    change_from_nadir=(s - nadir) / nadir if nadir > 0 else math.nan,
                )
                nadir = min(nadir, s)
        else:
            tv = Verdict("none", "no target lesions")
        ntv = non_target_response(statuses, nt_names)
        ov = overall_response(tv.response, ntv.response, new)
        if new and ov.response == "PD":
            ov = Verdict("PD", ov.rule + " (an unequivocal new lesion is always PD)")
        if ov.response != "NE":  # an unevaluable visit neither ends nor starts a CR
            in_cr = ov.response == "CR"
        row.update(
            target=tv.response,
            target_rule=tv.rule,
            non_target=ntv.response,
            non_target_rule=ntv.rule,
            overall=ov.response,
            overall_rule=ov.rule,
        )
        rows.append(row)
    cols = [
        "visit",
        "week",
        "sum_mm",
        "nadir_mm",
        "change_from_baseline",
        "change_from_nadir",
        "target",
        "non_target",
        "new_lesion",
        "overall",
        "target_rule",
        "non_target_rule",
        "overall_rule",
    ]
    return Assessment(patient, pd.DataFrame(rows)[cols])


# --- summaries over visits ----------------------------------------------------------------------


@dataclass(frozen=True)
class BestResponse:
    """Best overall response, the visit it rests on (None if none) and the reason, in words."""

    response: str
    visit: Optional[int]
    rule: str

    def __str__(self) -> str:
        return f"{self.response}: {self.rule}"


def best_overall_response(
    assessment: Assessment,
    *,
    confirm: bool = False,
    confirm_weeks: float = CONFIRM_WEEKS,
    sd_min_weeks: float = SD_MIN_WEEKS,
) -> BestResponse:
    """Best overall response (RECIST 1.1 s.4.4 and s.4.6) over the visits up to the first PD.

    Parameters
    ----------
    assessment : Assessment
    confirm : bool
        Require CR/PR to be confirmed (needed only in non-randomised trials whose primary end
        point is response, RECIST 1.1 s.4.6). A CR is confirmed by a CR, a PR by a PR or CR, at the
        next evaluated visit at least ``confirm_weeks`` later, with nothing worse in between
        (NE visits are skipped). An unconfirmed CR/PR counts as SD if the SD interval is met.
    confirm_weeks : float
        Minimum interval to the confirming scan, default 4 weeks (RECIST 1.1 s.4.6).
    sd_min_weeks : float
        SD (and non-CR/non-PD) count only at a visit at least this many weeks after the start of
        treatment; default 6 (a protocol choice, "often 6-8 weeks", RECIST 1.1 s.4.6).

    Returns
    -------
    BestResponse
        If nothing qualifies: PD if a PD was recorded, otherwise NE.

    Examples
    --------
    >>> p = Patient(weeks=[0, 8, 10], targets=[TargetLesion("liver 1", "liver", [50, 30, 31])])
    >>> best_overall_response(assess(p)).response
    'PR'
    >>> best_overall_response(assess(p), confirm=True).response   # 10 - 8 < 4 weeks
    'SD'
    """
    if not isinstance(assessment, Assessment):
        raise TypeError(f"assessment must be an Assessment, got {type(assessment).__name__}")
    flag(confirm, "confirm")
    for name, x in (("confirm_weeks", confirm_weeks), ("sd_min_weeks", sd_min_weeks)):
        if isinstance(x, bool) or not isinstance(x, Real) or not 0 <= x < math.inf:
            raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    t = assessment.table
    resp = t["overall"].tolist()[1:]
    weeks = t["week"].tolist()[1:]
    visits = t["visit"].tolist()[1:]
    if "PD" in resp:
        cut = resp.index("PD")
        pd_visit = visits[cut]
        resp, weeks, visits = resp[:cut], weeks[:cut], visits[:cut]
    else:
        pd_visit = None
    start = assessment.patient.weeks[0] if assessment.patient.weeks[0] > 0 else 0.0

    def confirmed(i):
        need = {"CR": ("CR",), "PR": ("PR", "CR")}[resp[i]]
        for j in range(i + 1, len(resp)):
            if resp[j] == "NE":
                continue
            if resp[j] not in need:
                return None
            if weeks[j] - weeks[i] >= confirm_weeks - _EPS:
                return visits[j]
        return None

    order = {"CR": 0, "PR": 1, "SD": 2, "non-CR/non-PD": 3}
    best = None
    for i, r in enumerate(resp):
        cand = None
        if r in ("CR", "PR"):
            if not confirm:
                cand = BestResponse(
                    r, visits[i], f"{r} at visit {visits[i]} (week {weeks[i]:g}); confirmation not required"
                )
            else:
                j = confirmed(i)
                if j is not None:
                    cand = BestResponse(
                        r,
                        visits[i],
                        f"{r} at visit {visits[i]} confirmed at visit {j}, >= {confirm_weeks:g} weeks later",
                    )
                elif weeks[i] - start >= sd_min_weeks - _EPS:
                    has_targets = bool(assessment.patient.targets)
                    fallback = "SD" if has_targets else "non-CR/non-PD"
                    cand = BestResponse(
                        fallback,
                        visits[i],
                        f"{r} at visit {visits[i]} not confirmed >= {confirm_weeks:g} "
                        f"weeks later, so it counts as {fallback} (week {weeks[i]:g} "
                        f">= SD minimum {sd_min_weeks:g})",
                    )
        elif r in ("SD", "non-CR/non-PD") and weeks[i] - start >= sd_min_weeks - _EPS:
            cand = BestResponse(
                r, visits[i], f"{r} at visit {visits[i]}, week {weeks[i]:g} >= the SD minimum of {sd_min_weeks:g} weeks"
            )
        if cand is not None and (best is None or order[cand.response] < order[best.response]):
            best = cand
    if best is not None:
        return best
    if pd_visit is not None:
        return BestResponse(
            "PD",
            pd_visit,
            f"PD at visit {pd_visit} before any response or SD lasting the {sd_min_weeks:g}-week minimum",
        )
    return BestResponse(
        "NE", None, f"no evaluable response: no CR/PR, no SD at or after the {sd_min_weeks:g}-week minimum, and no PD"
    )


@dataclass(frozen=True)
class NedResult:
    """Radiologic NED: reached or not, at which visit, and whether local therapy contributed."""

    reached: bool
    visit: Optional[int]
    week: Optional[float]
    with_local_therapy: bool
    treated_lesions: tuple
    rule: str

    def __str__(self) -> str:
        return self.rule


def radiologic_ned(assessment: Assessment, *, allow_local_therapy: bool = True) -> NedResult:
    """Radiologic NED: the first visit whose overall response is CR.

    NED is not a RECIST category. Following the TOG study (Dursun 2026), radiologic NED means an
    overall complete response by RECIST 1.1: no target, non-target or new lesion, nodes < 10 mm.
    If a lesion was treated by metastasis-directed local therapy before that visit, NED is
    recorded as reached *with local therapy* (``with_local_therapy``, ``treated_lesions``);
    with ``allow_local_therapy=False`` such a CR does not count (systemic-only NED).

    Examples
    --------
    >>> p = Patient(weeks=[0, 12, 24],
    ...             targets=[TargetLesion("liver 1", "liver", [25, 12, 0], local_therapy_before_visit=2)])
    >>> res = radiologic_ned(assess(p))
    >>> res.reached, res.with_local_therapy, res.treated_lesions
    (True, True, ('liver 1',))
    >>> radiologic_ned(assess(p), allow_local_therapy=False).reached
    False
    """
    if not isinstance(assessment, Assessment):
        raise TypeError(f"assessment must be an Assessment, got {type(assessment).__name__}")
    flag(allow_local_therapy, "allow_local_therapy")
    p = assessment.patient
    lesions = tuple(p.targets) + tuple(p.non_targets)
    skipped = []
    for r in assessment.table.itertuples():
        if r.overall != "CR":
            continue
        treated = tuple(
            les.name
            for les in lesions
            if les.local_therapy_before_visit is not None and les.local_therapy_before_visit <= r.visit
        )
        if treated and not allow_local_therapy:
            skipped.append(r.visit)
            continue
        how = (
            f"with metastasis-directed local therapy of {', '.join(treated)}"
            if treated
            else "with systemic therapy alone"
        )
        return NedResult(
            True,
            r.visit,
            r.week,
            bool(treated),
            treated,
            f"NED at visit {r.visit} (week {r.week:g}): overall CR, {how}",
        )
    extra = f"; CR at visit(s) {skipped} needed local therapy, which is excluded here" if skipped else ""
    return NedResult(False, None, None, False, (), "no visit with an overall complete response" + extra)
