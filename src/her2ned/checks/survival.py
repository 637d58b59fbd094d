"""Self-checks for the exercises of the chapter "Progression-free survival".

Each returns a :class:`her2ned.checks.core.Feedback`; none raises on a wrong or malformed answer.
Expected values come from the claim ledger, never typed in.
"""

from __future__ import annotations

from ..claims import load_claims
from .core import Feedback, check_choice, check_number


def _claim(key: str) -> float:
    return float(load_claims()[key].value)


def ex_flat_months(answer) -> Feedback:
    """For how many months from the start of therapy are both curves flat at 100 %?

    Examples
    --------
    >>> bool(ex_flat_months(36))
    True
    """
    expected = _claim("tog_min_pfs")
    return check_number(
        answer,
        expected,
        rel_tol=0,
        abs_tol=0.5,
        name="number of months",
        hint="Read the inclusion criterion: what did every patient have to be, and for how long?",
        explanation="36 months: nobody could progress earlier and still be in the study.",
    )


def ex_hazard_reduction(answer) -> Feedback:
    """By how many percent is the hazard lower with NED, reading HR 0.24 literally?

    Examples
    --------
    >>> bool(ex_hazard_reduction(76))
    True
    """
    expected = 100 * (1 - _claim("tog_hr_ned"))
    return check_number(
        answer,
        expected,
        rel_tol=0,
        abs_tol=0.6,
        name="percentage",
        hint="An HR of 0.24 means the hazard is 24 % of the reference hazard.",
        explanation="76 % lower, at any given time, if the model is right and the "
        "comparison fair (chapter 6 asks whether it is).",
    )


def ex_entry_argument(answer) -> Feedback:
    """The keyword of lifelines' ``KaplanMeierFitter.fit`` that declares delayed entry.

    Examples
    --------
    >>> bool(ex_entry_argument("entry"))
    True
    """
    return check_choice(
        answer,
        "entry",
        allowed=["entry", "timeline", "weights", "event_observed"],
        name="keyword",
        hint="It is the time at which each patient enters the risk set.",
        explanation="entry= (and entry_col= in CoxPHFitter); durations still run from the time origin.",
    )


def ex_plateau(answer) -> Feedback:
    """What a flat tail in 118 patients can show: 'cure', 'slowly falling hazard' or 'cannot tell'.

    Examples
    --------
    >>> bool(ex_plateau("cannot tell"))
    True
    """
    return check_choice(
        answer,
        "cannot tell",
        allowed=["cure", "slowly falling hazard", "cannot tell"],
        name="reading",
        hint="Look at how many patients are still followed where the curve is flat, and "
        "compare the two simulated tails in the chapter.",
        explanation="Cannot tell: a few patients followed past ten years are consistent "
        "with both a cured fraction and a slowly falling hazard.",
    )
