"""Confidence intervals back-calculated from a published ratio and its p-value.

When a paper gives a ratio (OR, HR) and a two-sided Wald p-value but no interval, the standard
error of the log ratio follows from ``z = |log(ratio)| / se`` with ``z`` the normal quantile of
``1 - p/2`` (Altman & Bland 2011). The interval is then ``exp(log(ratio) ± 1.96 se)``. It is only as
good as the reported precision: a p-value printed as 0.005 may be anything from 0.0045 to 0.0055.
"""

from __future__ import annotations

import math
import sys

import pandas as pd
from scipy.stats import norm

from .._arguments import positive
from ..results import Table
from ..study_design import STUDY_N, published_ratios

__all__ = ["se_from_ratio_p", "ci_from_ratio_p", "published_ci_table"]


def _check(ratio, p):
    for name, v in (("ratio", ratio), ("p", p)):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"{name} must be a number, got {type(v).__name__}")
    if not (math.isfinite(ratio) and ratio > 0):
        raise ValueError(f"ratio must be a finite number > 0, got {ratio}")
    if ratio == 1:
        raise ValueError("ratio must differ from 1: a ratio of 1 carries no information on its SE")
    if not 0 < p < 1:
        raise ValueError(f"p must be in (0, 1), got {p}")


def se_from_ratio_p(ratio: float, p: float) -> float:
    """Standard error of log(ratio) implied by a two-sided Wald p-value.

    Examples
    --------
    >>> round(se_from_ratio_p(0.24, 0.003), 3)
    0.481
    """
    _check(ratio, p)
    return float(abs(math.log(ratio)) / norm.isf(p / 2))


def ci_from_ratio_p(ratio: float, p: float, level: float = 0.95) -> tuple[float, float]:
    """Approximate CI of a ratio from its estimate and two-sided p-value.

    Examples
    --------
    >>> [round(x, 2) for x in ci_from_ratio_p(5.99, 0.005)]
    [1.72, 20.91]
    """
    if not positive(level, "level") < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    se = se_from_ratio_p(ratio, p)
    z = float(norm.ppf(0.5 + level / 2))
    log_high = math.log(ratio) + z * se
    if log_high > math.log(sys.float_info.max):
        raise ValueError(
            f"ratio {ratio!r} with p {p!r} and level {level!r} puts the upper limit beyond "
            "the largest floating-point number"
        )
    return math.exp(math.log(ratio) - z * se), math.exp(log_high)


#: The four TOG 2026 ratios with their p-values (abstract, read from the claim ledger); the CIs are not published.
TOG_RATIOS = published_ratios()


def published_ci_table() -> Table:
    """The TOG 2026 ratios with CIs back-calculated from their p-values (derived, not published).

    Examples
    --------
    >>> published_ci_table().summary.shape
    (4, 7)
    """
    rows = []
    for term, kind, ratio, p in TOG_RATIOS:
        lo, hi = ci_from_ratio_p(ratio, p)
        rows.append(
            {
                "term": term,
                "kind": kind,
                "ratio": ratio,
                "p_value": p,
                "se_log": se_from_ratio_p(ratio, p),
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return Table(
        "TOG 2026 ratios as published; 95 % CIs back-calculated from each p-value (Altman & Bland 2011)",
        pd.DataFrame(rows),
        n=STUDY_N,
    )
