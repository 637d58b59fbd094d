"""Self-checks for the exercises of the chapter "The cohort".

Expected answers are computed from the shipped data (the ledger, the committed reconstructed table
and the ensemble), never typed in.
"""

from __future__ import annotations

from .core import Feedback, check_choice, check_number

__all__ = ["q1_ned_share", "q2_ned_events", "q3_least_identified"]

#: Options of exercise 3 and the ensemble column each one stands for.
Q3_OPTIONS = {
    "ECOG 0 share": "share_ecog0",
    "IHC 3+ share": "share_ihc3",
    "grade 3 share": "share_grade3",
    "number of progressions": "events_total",
    "median follow-up": "median_followup_months",
}


def q1_ned_share(answer: object) -> Feedback:
    """Percentage of the 118 patients who reached NED (to one decimal).

    Examples
    --------
    >>> bool(q1_ned_share(46.6))
    True
    """
    from ..claims import load_claims

    c = load_claims()
    expected = 100 * c["tog_ned_n"].value / c["tog_n"].value
    return check_number(
        answer,
        expected,
        abs_tol=0.06,
        name="percentage",
        hint="Divide the NED count by N and multiply by 100.",
        explanation=f"{expected:.1f} % — as the abstract prints.",
    )


def q2_ned_events(answer: object) -> Feedback:
    """Number of progressions among NED patients in the committed reconstructed table.

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> df = load_csv("reconstructed", "tog2026_cohort.csv")
    >>> bool(q2_ned_events(int(df.loc[df.ned == 1, "progressed"].sum())))
    True
    """
    from ..datasets import load_csv

    df = load_csv("reconstructed", "tog2026_cohort.csv")
    expected = int(df.loc[df.ned == 1, "progressed"].sum())
    return check_number(
        answer,
        expected,
        rel_tol=0,
        abs_tol=0.5,
        name="count",
        hint="Filter ned == 1 and sum the progressed column.",
        explanation=f"{expected} progressions: few events, hence the wide CI of the HR.",
    )


def q3_least_identified(answer: object) -> Feedback:
    """Which unreported quantity varies most (relative spread) across the 20 consistent tables?

    Examples
    --------
    >>> bool(q3_least_identified("nonsense"))
    False
    """
    from ..datasets import load_csv

    ens = load_csv("reconstructed", "tog2026_ensemble.csv")
    spread = {k: (ens[c].max() - ens[c].min()) / ens[c].mean() for k, c in Q3_OPTIONS.items()}
    expected = max(spread, key=spread.get)
    return check_choice(
        answer,
        expected,
        allowed=list(Q3_OPTIONS),
        name="quantity",
        hint="Compare (max − min) / mean of each column of the ensemble table.",
        explanation="The abstract pins the covariate shares almost exactly; it says much less about time.",
    )
