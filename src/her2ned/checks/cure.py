"""Self-checks for the exercises of the chapter "Can it be cured?".

Each returns a :class:`her2ned.checks.core.Feedback`; none raises on a wrong or malformed answer.
Expected values are computed from the claim ledger or by the package, never typed in.
"""

from __future__ import annotations

from ..claims import load_claims
from ..cure import follow_up_check
from .core import Feedback, check_choice, check_number

#: Exercise 2: a made-up cohort of ten patients (months, 1 = progressed) to work the follow-up check by hand.
EX_FOLLOW_UP = {"months": [40, 44, 47, 52, 55, 58, 60, 62, 66, 70], "progressed": [1, 1, 0, 1, 1, 1, 0, 0, 0, 0]}

#: Exercise 1: a world in which a share of all first-line patients never progress.
EX_SELECTED = {"cured_in_population": 0.08, "progression_free_at_36": 0.20}


def ex_cure_bound(answer) -> Feedback:
    """At most what percentage of HER-OS patients can be cured, given the share in remission beyond 5 years?

    Examples
    --------
    >>> bool(ex_cure_bound(47.1))
    True
    """
    expected = float(load_claims()["heros_remission_5y"].value)
    return check_number(
        answer,
        expected,
        rel_tol=0,
        abs_tol=0.15,
        name="percentage",
        hint="A cured patient is still in remission at every time, so the cured are among "
        "those in remission beyond 5 years: the curve can never fall below the cure share.",
        explanation=f"{expected:g} %: S(t) ≥ π at every t, so π ≤ S(5 years). The share may be "
        "far lower; the bound says only that it is not higher (and its CI's upper "
        "end bounds it with the study's uncertainty).",
    )


def ex_selected_share(answer) -> Feedback:
    """The share cured among patients progression-free at 36 months, in the world of ``EX_SELECTED``.

    Examples
    --------
    >>> bool(ex_selected_share(40))
    True
    """
    expected = 100 * EX_SELECTED["cured_in_population"] / EX_SELECTED["progression_free_at_36"]
    return check_number(
        answer,
        expected,
        rel_tol=0,
        abs_tol=0.5,
        name="percentage",
        hint="Every cured patient passes the 36-month selection. Divide the cured share of "
        "the population by the share that passes.",
        explanation=f"{expected:.0f} %: a cure fraction of the population becomes a much larger "
        "share of a cohort selected on being progression-free, which is why the "
        "cure model here estimates the share among those who entered.",
    )


def ex_window_events(answer) -> Feedback:
    """How many progressions lie in Maller and Zhou's window for the cohort ``EX_FOLLOW_UP``?

    Examples
    --------
    >>> bool(ex_window_events(3))
    True
    """
    c = follow_up_check(EX_FOLLOW_UP["months"], EX_FOLLOW_UP["progressed"])
    return check_number(
        answer,
        c.window_events,
        rel_tol=0,
        abs_tol=0,
        name="number of progressions",
        hint="Find the last progression and the last follow-up; the window is as long as the "
        "gap between them and ends at the last progression.",
        explanation=f"{c.window_events}: the last progression is at {c.last_event_months:g} "
        f"months and follow-up ends at {c.last_follow_up_months:g}, so the window "
        f"is ({2 * c.last_event_months - c.last_follow_up_months:g}, "
        f"{c.last_event_months:g}]; q = (1 − {c.window_events}/{c.n})^{c.n} = "
        f"{c.q:.3f}.",
    )


def ex_no_plateau(answer) -> Feedback:
    """What does a cure model estimate when the last patient followed is a progression?

    Examples
    --------
    >>> bool(ex_no_plateau("zero"))
    True
    """
    return check_choice(
        answer,
        "zero",
        allowed=["zero", "the share still free at the end", "cannot be fitted"],
        name="answer",
        hint="Can any patient be cured if the curve reaches the last follow-up with a "
        "progression, and the model must fit that drop?",
        explanation="Zero: the maximum-likelihood cure share sits at its boundary, the test "
        "has p = 0.5, and only the profile interval's upper end says how large a "
        "share these data still allow.",
    )
