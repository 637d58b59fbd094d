"""Self-checks for the exercises of the chapter "HER2 biology and testing".

Each returns a :class:`her2ned.checks.core.Feedback` (right or wrong, with a hint); none raises on a
wrong or malformed answer. Expected values are computed by :mod:`her2ned.her2` and
:mod:`her2ned.power`, never typed in, so the checks follow the code the chapter teaches.
"""

from __future__ import annotations

from .. import her2
from ..claims import load_claims
from ..power import compare_medians, counts_matching, events_for_power
from .core import Feedback, check_choice, check_number

#: Exercise 1 tumour: IHC 2+, dual-probe ISH ratio 1.8 and 6.4 HER2 signals per cell.
EX1 = dict(ihc="2+", ratio=1.8, copies=6.4)
#: Exercise 2 tumour: IHC 2+, ratio 1.4 and 3.1 signals per cell.
EX2 = dict(ihc="2+", ratio=1.4, copies=3.1)
#: Exercise 5 tumour: IHC 2+, ratio 2.1 and 4.4 signals per cell.
EX5 = dict(ihc="2+", ratio=2.1, copies=4.4)
#: Exercise 4: potential follow-up uniform on [0, 60] months instead of [0, 49.4].
EX4_FOLLOWUP = (0.0, 60.0)


def ex1_group(answer) -> Feedback:
    """Exercise 1a: the ISH group of :data:`EX1`.

    Examples
    --------
    >>> bool(ex1_group(3))
    True
    """
    expected = her2.ish_group(EX1["ratio"], EX1["copies"])
    return check_number(
        answer,
        expected,
        rel_tol=0,
        abs_tol=0,
        name="ISH group",
        hint="Look at the ratio first (is it >= 2.0?), then the copies (>= 4.0? >= 6.0?).",
        explanation=f"Group {expected}: ratio below 2.0 but at least 6 HER2 signals per cell.",
    )


def ex1_call(answer) -> Feedback:
    """Exercise 1b: the final call for :data:`EX1` (positive, negative or equivocal)."""
    expected = her2.classify(**EX1).call
    return check_choice(
        answer,
        expected,
        allowed=her2.CALLS,
        name="call",
        hint="Group 3 with IHC 2+ goes to a blinded recount; what does the guideline say "
        "for group 3 after the recount?",
        explanation="Positive: with IHC 2+, a confirmed group 3 is called positive.",
    )


def ex2_category(answer) -> Feedback:
    """Exercise 2: the therapeutic category of :data:`EX2`.

    Examples
    --------
    >>> bool(ex2_category("HER2-low"))
    True
    """
    expected = her2.classify(**EX2).category
    return check_choice(
        answer,
        expected,
        allowed=her2.CATEGORIES,
        name="category",
        hint="Find the ISH group (ratio < 2.0, copies < 4.0), then ask what IHC 2+ with a "
        "negative ISH is called for trastuzumab deruxtecan.",
        explanation="HER2-low: IHC 2+ with a negative ISH (group 5).",
    )


def ex3_count(answer) -> Feedback:
    """Exercise 3: how many of the 117 HER2 2+/ISH+ patients reached pCR (Ma 2025)?

    Examples
    --------
    >>> bool(ex3_count(19))
    True
    """
    claim = load_claims()["ma_pcr_2plus"]
    matches = counts_matching(claim.value, 117, claim.precision)
    if len(matches) != 1:  # pragma: no cover - guards the ledger
        raise RuntimeError(f"expected one count for {claim.value} % of 117, got {matches}")
    return check_number(
        answer,
        matches[0],
        rel_tol=0,
        abs_tol=0,
        name="count",
        hint=f"Try k/117 for k near {claim.value / 100 * 117:.1f}: which k rounds to {claim.display} at two decimals?",
        explanation=f"{matches[0]}/117 = {100 * matches[0] / 117:.3f} %, printed as {claim.display}.",
    )


def ex4_events(answer) -> Feedback:
    """Exercise 4: expected PFS events in Ozcan 2025 if follow-up were uniform on 0-60 months.

    Examples
    --------
    >>> bool(ex4_events(round(ex4_expected_events())))
    True
    """
    expected = ex4_expected_events()
    return check_number(
        answer,
        expected,
        rel_tol=0.03,
        name="number of events",
        hint="Use her2ned.power.compare_medians with followup_min=0 and followup_max=60; read its .events.",
        explanation=f"About {expected:.0f} events: longer follow-up, more events, a little more power.",
    )


def ex4_expected_events() -> float:
    """Expected PFS events in Ozcan 2025 under the exercise-4 follow-up (uniform on 0-60 months)."""
    c = load_claims()
    return compare_medians(
        c["ozcan_pfs_low"].value,
        c["ozcan_pfs_zero"].value,
        c["ozcan_n_low"].value,
        c["ozcan_n_zero"].value,
        followup_min=EX4_FOLLOWUP[0],
        followup_max=EX4_FOLLOWUP[1],
    ).events


def ex4_events_for_80(answer) -> Feedback:
    """Exercise 4b: events a new study needs for 80 % power if planned for Ozcan's hazard ratio (Schoenfeld).

    A design (planning) quantity: it uses the observed hazard ratio as the effect to plan for, and says
    nothing about what Ozcan's own non-significant result means (its confidence interval does that).

    Examples
    --------
    >>> bool(ex4_events_for_80(round(events_for_power(13.9 / 16.0, 0.8, 112 / 212))))
    True
    """
    c = load_claims()
    n_low, n_zero = c["ozcan_n_low"].value, c["ozcan_n_zero"].value
    hr = c["ozcan_pfs_zero"].value / c["ozcan_pfs_low"].value
    expected = events_for_power(hr, 0.8, n_low / (n_low + n_zero))
    return check_number(
        answer,
        expected,
        rel_tol=0.03,
        name="number of events",
        hint="her2ned.power.events_for_power(hr, 0.8, allocation) with hr = 13.9/16.0 and allocation = 112/212.",
        explanation=f"About {expected:.0f} events, whatever the follow-up: more than ten times what "
        "the study had, so a study of its size was not designed for an effect this small.",
    )


def ex5_calls(new_call, old_call) -> Feedback:
    """Exercise 5: the calls for :data:`EX5` under ASCO/CAP 2018 and under the HER-OS rule (ratio > 2.2).

    Examples
    --------
    >>> bool(ex5_calls("positive", "negative"))
    True
    """
    rules = her2.compare_rules(**EX5)
    first = check_choice(
        new_call,
        rules["asco_cap_2018"],
        allowed=her2.CALLS,
        name="2018 call",
        hint="Ratio 2.1 >= 2.0 and 4.4 copies >= 4.0: which group is that?",
    )
    if not first:
        return first
    return check_choice(
        old_call,
        rules["fish_ratio_2.2"],
        allowed=her2.CALLS,
        name="HER-OS call",
        hint="The old rule asks only whether the ratio exceeds 2.2.",
        explanation="Positive today (group 1) but negative under the ratio > 2.2 rule: "
        "the threshold change moved this patient into the HER2-positive class.",
    )
