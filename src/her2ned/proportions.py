"""Confidence intervals for a single proportion (e.g. the share of patients reaching NED)."""

from __future__ import annotations

import math
from numbers import Integral

from scipy import stats


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k/n.

    The Wilson interval keeps its coverage near the nominal level for small n and for shares near
    0 or 1, where the textbook Wald interval does not (Brown, Cai & DasGupta, Stat Sci 2001).

    Parameters
    ----------
    k : int
        Number of successes, 0 <= k <= n.
    n : int
        Number of trials, n >= 1.
    level : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    (low, high) : tuple of float

    Examples
    --------
    >>> low, high = wilson_interval(55, 118)   # NED in the TOG study
    >>> print(f"{low:.3f}-{high:.3f}")
    0.379-0.556
    """
    for name, value in (("k", k), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{name} must be an integer, got {value!r}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 0 <= k <= n:
        raise ValueError(f"k must lie in [0, n] = [0, {n}], got {k}")
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At k = 0 or k = n the bound is exactly 0 or 1; pin it so rounding cannot move it.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return float(low), float(high)
