"""Self-checks for the exercises of the chapter "RECIST 1.1 and no evidence of disease".

Each returns a :class:`her2ned.checks.core.Feedback` (right or wrong, with a hint); none raises on
a wrong or malformed answer. Expected values are computed by :mod:`her2ned.recist` and
:mod:`her2ned.recist_cohort`, never typed in, so the checks follow the rules the chapter teaches.
"""

from __future__ import annotations

from ..recist import PD_ABSOLUTE_MM, PD_INCREASE, NonTargetLesion, Patient, TargetLesion, assess, radiologic_ned
from ..recist_cohort import MeasurementError, p_node_called_normal
from .core import Feedback, check_choice, check_number

RESPONSES = ["CR", "PR", "SD", "PD", "NE", "non-CR/non-PD"]


def _choice(answer, expected, *, allowed, **kw) -> Feedback:
    """``check_choice``, but an unhashable answer (a list, a dict) gets a message instead of a TypeError."""
    try:
        hash(answer)
    except TypeError:
        options = ", ".join(repr(a) for a in allowed)
        return Feedback(False, f"The {kw.get('name', 'answer')} must be one of {options}; got {answer!r}.")
    return check_choice(answer, expected, allowed=allowed, **kw)


#: Exercise 1 patient: three targets (a node on its short axis) over four visits.
EX1 = Patient(
    weeks=[0, 9, 18, 27],
    targets=[
        TargetLesion("liver 1", "liver", [38, 24, 25, 29]),
        TargetLesion("lung 1", "lung", [22, 14, 16, 18]),
        TargetLesion("mediastinal node", "lymph node", [20, 12, 14, 15], nodal=True),
    ],
)

#: Exercise 2 patient: every target gone, a bone lesion still visible, no new lesion.
EX2 = Patient(
    weeks=[0, 12],
    targets=[TargetLesion("liver 1", "liver", [26, 0])],
    non_targets=[NonTargetLesion("bone", "bone", ["present", "present"])],
)

#: Exercise 3: the nadir of the sum of diameters, mm.
EX3_NADIR = 22.0

#: Exercise 4: true short axis (mm) of a normal node left after a complete response.
EX4_NODE = 9.0

#: Exercise 5 patient: a lung lesion vanishes on systemic therapy, the liver one is resected.
EX5 = Patient(
    weeks=[0, 12, 24],
    targets=[
        TargetLesion("liver 1", "liver", [30, 14, 0], local_therapy_before_visit=2),
        TargetLesion("lung 1", "lung", [16, 0, 0]),
    ],
)
EX5_CHOICES = ["NED with systemic therapy alone", "NED with local therapy", "not NED"]


def ex1_change(answer: object) -> Feedback:
    """Exercise 1a: % change of the sum from baseline at week 9 (e.g. -12.5 for a 12.5 % fall).

    Examples
    --------
    >>> bool(ex1_change(-37.5))
    True
    """
    t = assess(EX1).table
    expected = 100 * float(t["change_from_baseline"].iloc[1])
    s0, s1 = t["sum_mm"].iloc[0], t["sum_mm"].iloc[1]
    return check_number(
        answer,
        expected,
        abs_tol=0.15,
        name="percent change",
        hint="Add the three measurements at each visit (the node counts with its short axis), "
        "then (sum_week9 - sum_baseline) / sum_baseline x 100. A fall is negative.",
        explanation=f"{expected:+.1f} %: the sum fell from {s0:g} to {s1:g} mm, a PR.",
    )


def ex1_response(answer: object) -> Feedback:
    """Exercise 1b: the target response at week 27.

    Examples
    --------
    >>> bool(ex1_response("PD"))
    True
    """
    t = assess(EX1).table
    expected = t["target"].iloc[-1]
    return _choice(
        answer,
        expected,
        allowed=RESPONSES,
        name="response",
        hint="PD is measured from the nadir (the smallest sum so far), not from baseline: "
        "it needs +20 % and +5 mm. Which visit had the smallest sum?",
        explanation=f"{expected}: {t['target_rule'].iloc[-1]}.",
    )


def ex2_overall(answer: object) -> Feedback:
    """Exercise 2a: the overall response of :data:`EX2` at week 12.

    Examples
    --------
    >>> bool(ex2_overall("PR"))
    True
    """
    row = assess(EX2).table.iloc[-1]
    return _choice(
        answer,
        row["overall"],
        allowed=RESPONSES,
        name="overall response",
        hint="Targets are in CR, but a non-target lesion is still there. Look up the row "
        "'target CR + non-target non-CR/non-PD' of the RECIST table.",
        explanation=f"{row['overall']}: {row['overall_rule']}.",
    )


def ex2_ned(answer: object) -> Feedback:
    """Exercise 2b: is the patient of :data:`EX2` radiologically NED? ("yes" or "no")

    Examples
    --------
    >>> bool(ex2_ned("no"))
    True
    """
    expected = "yes" if radiologic_ned(assess(EX2)).reached else "no"
    if isinstance(answer, bool):
        answer = "yes" if answer else "no"
    return _choice(
        answer,
        expected,
        allowed=["yes", "no"],
        name="answer",
        hint="NED means an *overall* complete response: every lesion, target or not.",
        explanation="No: the bone lesion is still visible, so the overall response is PR, not CR.",
    )


def ex3_pd_threshold(answer: object) -> Feedback:
    """Exercise 3: the smallest next sum (mm) that is PD when the nadir is :data:`EX3_NADIR` mm.

    Examples
    --------
    >>> bool(ex3_pd_threshold(27))
    True
    """
    expected = max(EX3_NADIR * (1 + PD_INCREASE), EX3_NADIR + PD_ABSOLUTE_MM)
    return check_number(
        answer,
        expected,
        abs_tol=0.05,
        name="sum in mm",
        hint="PD needs *both* conditions: at least +20 % and at least +5 mm above the "
        "nadir. Compute both bounds and take the larger.",
        explanation=f"{expected:g} mm: +20 % gives {EX3_NADIR * 1.2:g} mm but the 5 mm "
        f"rule needs {EX3_NADIR + 5:g} mm, so the absolute rule binds.",
    )


def ex4_false_alarm(answer: object) -> Feedback:
    """Exercise 4: probability (0-1) that a normal 9 mm node is recorded >= 10 mm (default error model).

    Examples
    --------
    >>> bool(ex4_false_alarm(0.37))
    True
    """
    expected = 1 - p_node_called_normal(EX4_NODE, MeasurementError())
    return check_number(
        answer,
        expected,
        abs_tol=0.01,
        name="probability",
        hint="The recorded value is true + sd x Z rounded to the millimetre; it reads >= 10 "
        "when true + sd x Z >= 9.5. With sd 1.5 mm, what is P(Z >= 0.5 / 1.5)?",
        explanation=f"{expected:.2f}: about one scan in three would call this normal node "
        "pathological, and the patient not NED.",
    )


def ex5_local_therapy(answer: object) -> Feedback:
    """Exercise 5: how is :data:`EX5` recorded? One of :data:`EX5_CHOICES`.

    Examples
    --------
    >>> bool(ex5_local_therapy("NED with local therapy"))
    True
    """
    res = radiologic_ned(assess(EX5))
    expected = (
        "not NED"
        if not res.reached
        else "NED with local therapy"
        if res.with_local_therapy
        else "NED with systemic therapy alone"
    )
    return _choice(
        answer,
        expected,
        allowed=EX5_CHOICES,
        name="answer",
        hint="Which lesion was still there before the resection? Radiologic NED can be "
        "reached with metastasis-directed therapy, and the study records that.",
        explanation=f"{expected}: {res.rule}.",
    )


__all__ = [
    "EX1",
    "EX2",
    "EX3_NADIR",
    "EX4_NODE",
    "EX5",
    "EX5_CHOICES",
    "ex1_change",
    "ex1_response",
    "ex2_overall",
    "ex2_ned",
    "ex3_pd_threshold",
    "ex4_false_alarm",
    "ex5_local_therapy",
    "Feedback",
]
