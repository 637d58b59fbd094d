"""Two-group comparisons rebuilt from published aggregates, and the power they had.

A paper's abstract gives percentages, medians and p-values, not patients. This module recovers what
those numbers pin down:

* which integer counts a rounded percentage allows (:func:`counts_matching`), and which group sizes
  make several percentages consistent at once (:func:`consistent_splits`);
* the standard tests of two proportions on the recovered counts (:func:`compare_proportions`) and
  the power of such a comparison (:func:`power_two_proportions`);
* for time-to-event outcomes reported as medians: the hazard ratio under exponential survival,
  the expected number of events given a follow-up assumption (:func:`event_probability`), the
  log-rank power (Schoenfeld 1981 formula, :func:`logrank_power`), the number of events a p-value
  implies (:func:`implied_events`), and a Monte Carlo check (:func:`simulated_logrank_power`).

Every assumption (exponential survival, uniform follow-up) is a parameter, so the chapter can state it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import stats

from ._arguments import count, rng_from_seed, sequence
from .models.fast import logrank_statistic
from .models.published import se_from_ratio_p
from .proportions import wilson_interval
from .results import Result


def _int(value, name: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _real(
    value,
    name: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    lo_txt = "" if low is None else (f"> {low}" if low_open else f">= {low}")
    hi_txt = "" if high is None else (f"< {high}" if high_open else f"<= {high}")
    allowed = " and ".join(t for t in (lo_txt, hi_txt) if t) or "finite"
    bad = (
        not math.isfinite(value)
        or (low is not None and (value <= low if low_open else value < low))
        or (high is not None and (value >= high if high_open else value > high))
    )
    if bad:
        raise ValueError(f"{name} must be finite and {allowed}, got {value!r}")
    return value


# --------------------------------------------------------------------------- counts from percentages


def counts_matching(percent: float, n: int, decimals: int) -> list[int]:
    """Integer counts k (0 <= k <= n) whose percentage 100 k / n rounds to ``percent``.

    Rounding is to ``decimals`` places, half away from zero (a reported 16.24 covers [16.235, 16.245]).

    Parameters
    ----------
    percent : float
        The published percentage, 0-100.
    n : int
        The group size, >= 1.
    decimals : int
        Decimals the paper printed, 0-6.

    Examples
    --------
    >>> counts_matching(16.24, 117, 2), counts_matching(46.07, 458, 2)
    ([19], [211])
    """
    percent = _real(percent, "percent", 0, 100)
    n = count(n, "n", high=10_000_000)  # every count in the rounding window is tried
    decimals = _int(decimals, "decimals", 0)
    if decimals > 6:
        raise ValueError(f"decimals must be an integer 0-6, got {decimals}")
    half = 0.5 * 10.0 ** (-decimals)
    lo, hi = (percent - half) * n / 100, (percent + half) * n / 100
    eps = 1e-9
    return [
        k
        for k in range(max(0, math.ceil(lo - eps)), min(n, math.floor(hi + eps)) + 1)
        if percent - half - eps <= 100 * k / n < percent + half - eps
        or math.isclose(100 * k / n, percent - half, abs_tol=eps)
    ]


_MAX_TOTAL = 20_000  # patients; every split is tried, so the time grows with total squared (1 s at 20,000)


def _percent_specs(value, name: str) -> list:
    """A sequence of (percent, decimals) pairs, each checked as :func:`counts_matching` would."""
    specs = sequence(value, name)
    for spec in specs:
        if not (isinstance(spec, (tuple, list)) and len(spec) == 2):
            raise TypeError(f"{name} must be a sequence of (percent, decimals) pairs, got an entry {spec!r}")
        _real(spec[0], f"{name} percent", 0, 100)
        count(spec[1], f"{name} decimals", low=0, high=6)
    return specs


def consistent_splits(total: int, group_a, group_b) -> pd.DataFrame:
    """Every split ``n_a + n_b = total`` under which all the published percentages have integer counts.

    Parameters
    ----------
    total : int
        Patients in both groups together.
    group_a, group_b : sequence of (percent, decimals)
        The percentages the paper printed for each group, with their decimals.

    Returns
    -------
    pandas.DataFrame
        One row per consistent split: ``n_a``, ``n_b`` and, for each percentage, the matching counts
        (``a1``, ``a2``, ... and ``b1``, ...; a list when several fit).

    Examples
    --------
    >>> consistent_splits(575, [(16.24, 2), (76.1, 1)], [(46.07, 2), (48.7, 1)])[["n_a", "n_b"]].values.tolist()
    [[117, 458]]
    """
    total = count(total, "total", low=2, high=_MAX_TOTAL)
    group_a, group_b = _percent_specs(group_a, "group_a"), _percent_specs(group_b, "group_b")
    rows = []
    for n_a in range(1, total):
        n_b = total - n_a
        row = {"n_a": n_a, "n_b": n_b}
        ok = True
        for tag, n, specs in (("a", n_a, group_a), ("b", n_b, group_b)):
            for i, (pct, dec) in enumerate(specs, 1):
                ks = counts_matching(pct, n, dec)
                if not ks:
                    ok = False
                    break
                row[f"{tag}{i}"] = ks[0] if len(ks) == 1 else ks
            if not ok:
                break
        if ok:
            rows.append(row)
    cols = (
        ["n_a", "n_b"] + [f"a{i}" for i in range(1, len(group_a) + 1)] + [f"b{i}" for i in range(1, len(group_b) + 1)]
    )
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- two proportions


@dataclass(frozen=True, eq=False, repr=False)
class TwoProportions(Result):
    """Two proportions k1/n1 and k2/n2 compared three ways (see :func:`compare_proportions`)."""

    model = "two proportions compared (Wilson intervals; Newcombe interval of the difference)"

    k1: int
    n1: int
    k2: int
    n2: int
    labels: tuple[str, str]
    difference: float
    difference_ci: tuple[float, float]
    odds_ratio: float
    p_pearson: float
    p_yates: float
    p_fisher: float

    @property
    def n(self) -> int:
        return self.n1 + self.n2

    @property
    def events(self) -> int:
        return self.k1 + self.k2

    def counts(self) -> list[tuple[str, object]]:
        return [(self.labels[0], f"{self.k1}/{self.n1}"), (self.labels[1], f"{self.k2}/{self.n2}")]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per group (count, n, percent, Wilson 95 % CI)."""
        rows = []
        for label, k, n in ((self.labels[0], self.k1, self.n1), (self.labels[1], self.k2, self.n2)):
            lo, hi = wilson_interval(k, n)
            rows.append(
                {
                    "group": label,
                    "events": k,
                    "n": n,
                    "percent": round(100 * k / n, 2),
                    "95% CI": f"{100 * lo:.1f}–{100 * hi:.1f}",
                }
            )
        return pd.DataFrame(rows)

    def tests(self) -> pd.DataFrame:
        """The p-values of the three tests, one row each."""
        return pd.DataFrame(
            {
                "test": [
                    "Pearson chi-square (no correction)",
                    "chi-square with Yates correction",
                    "Fisher exact (two-sided)",
                ],
                "p": [self.p_pearson, self.p_yates, self.p_fisher],
            }
        )

    def _repr_html_(self) -> str:
        lo, hi = self.difference_ci
        return (
            super()._repr_html_()
            + f"<p>Difference {100 * self.difference:.1f} points (95 % CI {100 * lo:.1f} to {100 * hi:.1f}); "
            f"odds ratio {self.odds_ratio:.2f}.</p>" + self.tests().to_html(index=False, float_format="{:.3g}".format)
        )


def compare_proportions(k1: int, n1: int, k2: int, n2: int, labels=("group 1", "group 2")) -> TwoProportions:
    """Compare k1/n1 with k2/n2: difference (Newcombe hybrid Wilson 95 % CI), odds ratio and three p-values.

    The p-values are Pearson's chi-square without and with Yates' continuity correction and Fisher's
    exact test (two-sided), as computed by :func:`scipy.stats.chi2_contingency` and
    :func:`scipy.stats.fisher_exact`; papers rarely say which they used, so all three are shown.

    Examples
    --------
    >>> r = compare_proportions(19, 117, 211, 458)
    >>> round(r.difference, 4), r.p_pearson < 1e-6
    (-0.2983, True)
    """
    k1, n1, k2, n2 = _int(k1, "k1"), _int(n1, "n1", 1), _int(k2, "k2"), _int(n2, "n2", 1)
    if k1 > n1:
        raise ValueError(f"k1 must lie in [0, n1] = [0, {n1}], got {k1}")
    if k2 > n2:
        raise ValueError(f"k2 must lie in [0, n2] = [0, {n2}], got {k2}")
    if len(sequence(labels, "labels")) != 2:
        raise ValueError(f"labels must be two names, got {labels!r}")
    table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
    if (table.sum(axis=0) == 0).any():
        raise ValueError("every patient is in one outcome column (no events or no non-events): the tests are undefined")
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2  # Newcombe (1998) method 10: hybrid score interval from the two Wilson intervals
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    with np.errstate(divide="ignore"):
        odds = (k1 * (n2 - k2)) / ((n1 - k1) * k2) if (n1 - k1) * k2 else math.inf
    return TwoProportions(
        k1,
        n1,
        k2,
        n2,
        tuple(labels),
        d,
        (lo, hi),
        odds,
        float(stats.chi2_contingency(table, correction=False)[1]),
        float(stats.chi2_contingency(table, correction=True)[1]),
        float(stats.fisher_exact(table)[1]),
    )


def power_two_proportions(p1: float, p2: float, n1: int, n2: int, alpha: float = 0.05) -> float:
    """Power of the two-sided chi-square (normal-approximation) test of p1 = p2 with groups n1 and n2.

    Uses the pooled variance under the null and the unpooled variance under the alternative
    (Fleiss, *Statistical Methods for Rates and Proportions*, 3rd ed., section 4.2).

    Examples
    --------
    >>> round(power_two_proportions(0.1912, 0.1224, 68, 49), 2)
    0.16
    """
    p1, p2 = _real(p1, "p1", 0, 1), _real(p2, "p2", 0, 1)
    n1, n2 = _int(n1, "n1", 1), _int(n2, "n2", 1)
    alpha = _real(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    null_sd = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    alt_sd = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if alt_sd == 0:
        return 1.0 if p1 != p2 else alpha
    z = stats.norm.ppf(1 - alpha / 2)
    diff = abs(p1 - p2)
    return float(stats.norm.cdf((diff - z * null_sd) / alt_sd) + stats.norm.cdf((-diff - z * null_sd) / alt_sd))


# --------------------------------------------------------------------------- time to event


def hazard_from_median(median: float) -> float:
    """Exponential hazard with the given median: log(2) / median.

    Examples
    --------
    >>> round(hazard_from_median(15.0), 4)
    0.0462
    """
    return math.log(2) / _real(median, "median", 0, low_open=True)


def event_probability(median: float, followup_min: float, followup_max: float) -> float:
    """Probability of an event during follow-up, for exponential survival with this median.

    Each patient's potential follow-up (time from start to the data cut-off) is uniform on
    ``[followup_min, followup_max]`` (equal values: everyone followed exactly that long). This is
    the usual assumption for uniform accrual followed by a fixed extra follow-up.

    Examples
    --------
    >>> round(event_probability(15.0, 0.0, 49.4), 3)
    0.607
    """
    lam = hazard_from_median(median)
    a = _real(followup_min, "followup_min", 0)
    b = _real(followup_max, "followup_max", 0, low_open=True)
    if b < a:
        raise ValueError(f"followup_max must be >= followup_min ({a}), got {b}")
    if b == a:
        return float(1 - math.exp(-lam * a))
    return float(1 - (math.exp(-lam * a) - math.exp(-lam * b)) / (lam * (b - a)))


def logrank_power(hr: float, events: float, allocation: float = 0.5, alpha: float = 0.05) -> float:
    """Power of the two-sided log-rank test (Schoenfeld's formula).

    ``log(HR)`` is approximately normal with variance ``1 / (D p (1 - p))``, where D is the number of
    events and p the share of patients in one group (Schoenfeld DA, Biometrika 1981;68:316-319).

    Parameters
    ----------
    hr : float
        The true hazard ratio, > 0.
    events : float
        Expected number of events, > 0.
    allocation : float
        Share of patients in the first group, in (0, 1).
    alpha : float
        Two-sided significance level, in (0, 1).

    Examples
    --------
    >>> round(logrank_power(0.5, 100), 3)
    0.934
    """
    hr = _real(hr, "hr", 0, low_open=True)
    events = _real(events, "events", 0, low_open=True)
    allocation = _real(allocation, "allocation", 0, 1, low_open=True, high_open=True)
    alpha = _real(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    shift = abs(math.log(hr)) * math.sqrt(events * allocation * (1 - allocation))
    z = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))


def events_for_power(hr: float, power: float = 0.8, allocation: float = 0.5, alpha: float = 0.05) -> float:
    """Events needed for the two-sided log-rank test to reach ``power`` (Schoenfeld's formula).

    Examples
    --------
    >>> round(events_for_power(0.5))
    65
    """
    hr = _real(hr, "hr", 0, low_open=True)
    if hr == 1:
        raise ValueError("hr must differ from 1: no number of events detects no difference")
    power = _real(power, "power", 0, 1, low_open=True, high_open=True)
    allocation = _real(allocation, "allocation", 0, 1, low_open=True, high_open=True)
    alpha = _real(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z**2 / (allocation * (1 - allocation) * math.log(hr) ** 2))


def detectable_hr(events: float, power: float = 0.8, allocation: float = 0.5, alpha: float = 0.05) -> float:
    """The hazard ratio (< 1) the log-rank test detects with ``power`` given ``events`` (Schoenfeld).

    Examples
    --------
    >>> round(detectable_hr(66), 2)
    0.5
    """
    events = _real(events, "events", 0, low_open=True)
    power = _real(power, "power", 0, 1, low_open=True, high_open=True)
    allocation = _real(allocation, "allocation", 0, 1, low_open=True, high_open=True)
    alpha = _real(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(math.exp(-z / math.sqrt(events * allocation * (1 - allocation))))


def implied_events(hr: float, p: float, allocation: float = 0.5) -> float:
    """Number of events that makes a two-sided log-rank p-value equal ``p`` at this hazard ratio.

    Inverts Schoenfeld's variance: ``z = |log HR| sqrt(D p (1 - p))``. With a median ratio standing in
    for the hazard ratio (exponential survival), this is what a published median pair and p-value imply.

    Examples
    --------
    >>> round(implied_events(13.9 / 16.0, 0.40, 112 / 212))
    144
    """
    hr = _real(hr, "hr", 0, low_open=True)
    if hr == 1:
        raise ValueError("hr must differ from 1 to imply a number of events")
    p = _real(p, "p", 0, 1, low_open=True, high_open=True)
    allocation = _real(allocation, "allocation", 0, 1, low_open=True, high_open=True)
    se = se_from_ratio_p(hr, p)  # Schoenfeld: var(log HR) = 1 / (D p (1 - p))
    return float(1 / (se**2 * allocation * (1 - allocation)))


@dataclass(frozen=True, eq=False, repr=False)
class MedianComparison(Result):
    """What a pair of published medians allows, under exponential survival and a follow-up assumption."""

    model = "log-rank power from two published medians (exponential survival, uniform follow-up)"

    median_a: float
    median_b: float
    n_a: int
    n_b: int
    followup: tuple[float, float]
    hr: float
    events: float
    power: float
    events_for_80: float
    detectable_hr_80: float
    alpha: float

    @property
    def n(self) -> int:
        return self.n_a + self.n_b

    def counts(self) -> list[tuple[str, object]]:
        return [("n", self.n), ("expected events", round(self.events))]

    @property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "quantity": [
                    "hazard ratio a vs b (ratio of medians)",
                    "expected events",
                    "power of the log-rank test",
                    "events needed for 80 % power",
                    "hazard ratio detectable with 80 % power",
                ],
                "value": [
                    f"{self.hr:.3f}",
                    f"{self.events:.0f}",
                    f"{self.power:.1%}",
                    f"{self.events_for_80:,.0f}",
                    f"{self.detectable_hr_80:.2f}",
                ],
            }
        )


def compare_medians(
    median_a: float,
    median_b: float,
    n_a: int,
    n_b: int,
    *,
    followup_min: float,
    followup_max: float,
    alpha: float = 0.05,
) -> MedianComparison:
    """Power of a log-rank comparison of two groups, rebuilt from their published medians.

    Assumes exponential survival in each group (so the hazard ratio a vs b is ``median_b / median_a``)
    and potential follow-up uniform on ``[followup_min, followup_max]``.

    Examples
    --------
    >>> r = compare_medians(16.0, 13.9, 112, 100, followup_min=0.0, followup_max=49.4)
    >>> round(r.hr, 3), round(r.power, 3), round(r.events)
    (0.869, 0.125, 129)
    """
    ma = _real(median_a, "median_a", 0, low_open=True)
    mb = _real(median_b, "median_b", 0, low_open=True)
    n_a, n_b = _int(n_a, "n_a", 1), _int(n_b, "n_b", 1)
    events = n_a * event_probability(ma, followup_min, followup_max) + n_b * event_probability(
        mb, followup_min, followup_max
    )
    alloc = n_a / (n_a + n_b)
    hr = mb / ma
    if hr == 1:
        raise ValueError("median_a equals median_b: there is no difference to have power against")
    return MedianComparison(
        ma,
        mb,
        n_a,
        n_b,
        (float(followup_min), float(followup_max)),
        hr,
        events,
        logrank_power(hr, events, alloc, alpha),
        events_for_power(hr, 0.8, alloc, alpha),
        detectable_hr(events, 0.8, alloc, alpha),
        alpha,
    )


def simulated_logrank_power(
    median_a: float,
    median_b: float,
    n_a: int,
    n_b: int,
    *,
    followup_min: float,
    followup_max: float,
    alpha: float = 0.05,
    n_sim: int = 1000,
    seed=None,
) -> float:
    """Monte Carlo power of the log-rank test under the same assumptions as :func:`compare_medians`.

    Draws exponential times and uniform censoring with a ``numpy.random.Generator`` (``seed``).

    Examples
    --------
    >>> round(simulated_logrank_power(20, 10, 60, 60, followup_min=0, followup_max=36, n_sim=200, seed=1), 1)
    0.8
    """
    ma = _real(median_a, "median_a", 0, low_open=True)
    mb = _real(median_b, "median_b", 0, low_open=True)
    n_a, n_b = _int(n_a, "n_a", 1), _int(n_b, "n_b", 1)
    lo = _real(followup_min, "followup_min", 0)
    hi = _real(followup_max, "followup_max", lo, low_open=False)
    n_sim = _int(n_sim, "n_sim", 1)
    alpha = _real(alpha, "alpha", 0, 1, low_open=True, high_open=True)
    rng = rng_from_seed(seed)
    group = np.r_[np.ones(n_a, bool), np.zeros(n_b, bool)]
    scale = np.where(group, ma, mb) / math.log(2)
    hits = 0
    for _ in range(n_sim):
        t = rng.exponential(scale)
        c = rng.uniform(lo, hi, size=t.size) if hi > lo else np.full(t.size, lo)
        time, event = np.minimum(t, c), t <= c
        if not event.any():
            continue
        hits += logrank_statistic(time, event, group)[1] < alpha
    return hits / n_sim
