"""Self-checks for the exercises of the chapter "Who reaches NED".

Each returns a :class:`her2ned.checks.core.Feedback` (right or wrong, with a hint); none raises on a
wrong or malformed answer. Expected values come from the claim ledger and :mod:`her2ned.models`,
never typed in.
"""

from __future__ import annotations

from ..claims import load_claims
from ..models.published import ci_from_ratio_p
from .core import Feedback, check_choice, check_number

# Covariates of the multivariable model of TOG 2026 as this book assumes it (the abstract does not list
# them): ECOG, IHC and grade, plus local therapy and regimen, reported as "not independently associated".
N_PREDICTORS = 5


def _claim(key: str) -> float:
    return float(load_claims()[key].value)


def ex_flip_reference(answer) -> Feedback:
    """The OR of NED for grade 3 vs grade ≤ 2, given the published OR 0.25 for grade ≤ 2 vs 3.

    Examples
    --------
    >>> bool(ex_flip_reference(4))
    True
    """
    expected = 1 / _claim("tog_or_grade")
    return check_number(
        answer,
        expected,
        rel_tol=0.01,
        name="odds ratio",
        hint="Swapping the reference category inverts the odds ratio: take 1 / OR.",
        explanation=f"1 / 0.25 = {expected:g}: grade 3 tumours had about four times the odds of reaching NED.",
    )


def ex_events_per_variable(answer) -> Feedback:
    """Events per variable of the study's multivariable model (the rarer outcome / predictors).

    Examples
    --------
    >>> bool(ex_events_per_variable(55 / 5))
    True
    """
    ned, n = _claim("tog_ned_n"), _claim("tog_n")
    expected = min(ned, n - ned) / N_PREDICTORS
    return check_number(
        answer,
        expected,
        rel_tol=0.02,
        name="events per variable",
        hint="Count the rarer of the two outcomes (NED or not), then divide by the "
        "number of covariates in the model (five, as this book assumes).",
        explanation=f"min(55, 63) / {N_PREDICTORS} = {expected:.1f}: just above the rule of thumb of 10.",
    )


def ex_ci_lower(answer) -> Feedback:
    """The lower 95 % limit for the published OR 4.79 (p = 0.035), back-calculated.

    Examples
    --------
    >>> bool(ex_ci_lower(1.12))
    True
    """
    lo, _ = ci_from_ratio_p(_claim("tog_or_ihc"), float(load_claims()["tog_or_ihc"].p))
    return check_number(
        answer,
        lo,
        rel_tol=0.03,
        name="lower limit",
        hint="se = |log(4.79)| / z, with z the normal quantile of 1 - p/2 (about 2.11); then exp(log(4.79) - 1.96 se).",
        explanation=f"About {lo:.2f}: the interval runs from barely above 1 to about 21.",
    )


def ex_firth_direction(answer) -> Feedback:
    """Which way does the Firth penalty move odds ratios: 'towards 1', 'away from 1' or 'unchanged'?

    Examples
    --------
    >>> bool(ex_firth_direction("towards 1"))
    True
    """
    return check_choice(
        answer,
        "towards 1",
        allowed=["towards 1", "away from 1", "unchanged"],
        name="direction",
        hint="Firth's penalty behaves like adding half an observation to each cell "
        "of a 2 × 2 table: what does that do to an extreme ratio?",
        explanation="Towards 1: the penalty shrinks log odds ratios towards 0, most where cells are small.",
    )
