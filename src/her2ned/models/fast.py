"""Small numpy fits for interactive panels and Monte Carlo: logistic, one-covariate Cox, Kaplan–Meier.

statsmodels and lifelines are the reference implementations (and the tests compare with them); these
functions do the same arithmetic without the per-call overhead, so a panel can redraw in tens of
milliseconds and a chapter can repeat the study 1,000 times in a few seconds.

* :func:`logit_newton` — maximum-likelihood logistic regression by Newton–Raphson, vectorised over a
  batch of replicates (same likelihood as statsmodels ``Logit``; Wald standard errors).
* :func:`cox_one` — Cox partial likelihood for one covariate by Newton–Raphson, Breslow's risk sets
  with Efron's correction for ties (as lifelines); every patient is at risk from ``entry``.
* :func:`km_curve` — the Kaplan–Meier step function with optional delayed entry.
* :func:`km_band` — the same curve with its pointwise confidence band (Greenwood variance, log(−log)
  transform, as lifelines' ``confidence_interval_``); :func:`km_median` of its two edges gives the
  Brookmeyer–Crowley interval of the median, and :func:`km_at` reads a curve at given times.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import erfc
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm

from .._arguments import count, float_array, positive

__all__ = [
    "logit_newton",
    "cox_fit",
    "cox_one",
    "logrank_statistic",
    "wald_p",
    "km_curve",
    "km_band",
    "km_at",
    "km_median",
    "km_rmst",
    "numbers_at_risk",
    "Z_95",
]

#: The standard normal's 97.5 % quantile: the multiplier of 95 % Wald intervals.
Z_95 = float(norm.ppf(0.975))

_MAX_ABS_COEF = 15.0  # |log OR| beyond this (OR > 3 million) is treated as separation: an assumption
_CONVERGED = 1e-7  # a fit whose last Newton step is larger has not converged


def wald_p(beta: ArrayLike, se: ArrayLike) -> np.ndarray | float:
    """Two-sided p-value of the Wald statistic ``beta / se`` under the standard normal: ``erfc(|z| / sqrt 2)``.

    Examples
    --------
    >>> round(wald_p(1.959963984540054, 1.0), 6)
    0.05
    """
    b, s = float_array(beta, "beta"), float_array(se, "se")
    if b.shape != s.shape:
        raise ValueError(f"beta and se must have the same shape, got {b.shape} and {s.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = erfc(np.abs(b / s) / math.sqrt(2))
    return float(p) if np.ndim(p) == 0 else p


def logit_newton(
    X: np.ndarray, y: np.ndarray, *, trials: np.ndarray | None = None, max_iter: int = 30, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray, np.ndarray | bool]:
    """Logistic regression for one data set or a batch of replicates.

    Parameters
    ----------
    X : ndarray, shape (n, p) or (r, n, p)
        Design matrix *including* the intercept column. With ``y`` of shape (r, n), an (n, p) ``X`` is
        shared by every replicate (grouped data: one row per covariate pattern).
    y : ndarray, shape (n,) or (r, n)
        0/1 outcomes, or with ``trials`` the number of successes of each row.
    trials : ndarray, optional
        Binomial trials of each row, shape of ``y`` (default 1: one patient per row). Grouped counts
        give the same likelihood as one row per patient.

    Returns
    -------
    beta, se, ok : ndarray
        Coefficients and Wald SEs, shape (p,) or (r, p); ``ok`` is False (and beta, se NaN) where
        the fit did not converge or a coefficient ran past ±15 (separation).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [0, 0, 1, 1, 0, 1]]); y = np.array([0, 1, 1, 1, 0, 0])
    >>> beta, se, ok = logit_newton(X, y)
    >>> bool(ok), round(float(np.exp(beta[1])), 3)
    (True, 4.0)
    """
    X, y = float_array(X, "X"), float_array(y, "y")
    m = np.ones_like(y) if trials is None else float_array(trials, "trials")
    max_iter, tol = count(max_iter, "max_iter", 1, 10_000), positive(tol, "tol")
    if m.shape != y.shape or (m < y).any() or (y < 0).any():
        raise ValueError(f"trials must have the shape of y {y.shape} and be at least y in every row")
    single = y.ndim == 1
    if single:
        y, m = y[None], m[None]
    if X.ndim == 2 and y.ndim == 2:
        X = np.broadcast_to(X, (y.shape[0], *X.shape))  # shared design: no copy
    if X.ndim != 3 or y.ndim != 2 or y.shape != X.shape[:2]:
        raise ValueError(f"X must be (n, p) or (r, n, p) and y (n,) or (r, n); got {X.shape} and {y.shape}")
    r, n, p = X.shape
    beta = np.zeros((r, p))
    ok = np.ones(r, dtype=bool)
    eye = np.eye(p) * 1e-12
    for _ in range(max_iter):
        eta = np.einsum("rnp,rp->rn", X, beta)
        mu = 1.0 / (1.0 + np.exp(-eta))
        grad = np.einsum("rnp,rn->rp", X, y - m * mu)
        info = np.einsum("rnp,rn,rnq->rpq", X, m * mu * (1.0 - mu), X) + eye
        try:
            step = np.linalg.solve(info, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(info[i], grad[i], rcond=None)[0] for i in range(r)])
        step = np.clip(step, -5, 5)
        gone = ~np.isfinite(step).all(axis=1)  # a diverged replicate stops; the others go on
        ok &= ~gone
        beta = beta + np.where(gone[:, None], 0.0, step)
        if np.all(np.abs(step[~gone]) < tol):
            break
    # still moving after the last iteration: no maximum found
    ok &= np.abs(np.where(gone[:, None], 0.0, step)).max(axis=1) < max(tol, _CONVERGED)
    eta = np.einsum("rnp,rp->rn", X, beta)
    mu = 1.0 / (1.0 + np.exp(-eta))
    info = np.einsum("rnp,rn,rnq->rpq", X, m * mu * (1 - mu), X)
    with np.errstate(invalid="ignore"):
        det = np.linalg.det(info)
        good = np.isfinite(det) & (det > 1e-10 * np.maximum(1.0, np.abs(det)))  # each replicate on its own
        cov = np.full_like(info, np.nan)
        if good.any():
            cov[good] = np.linalg.inv(info[good])
        se = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    ok &= good & np.isfinite(beta).all(axis=1) & (np.abs(beta[:, 1:]) < _MAX_ABS_COEF).all(axis=1)
    ok &= np.isfinite(se).all(axis=1)
    beta = np.where(ok[:, None], beta, np.nan)
    se = np.where(ok[:, None], se, np.nan)
    if single:
        return beta[0], se[0], bool(ok[0])
    return beta, se, ok


def cox_fit(
    time: np.ndarray,
    event: np.ndarray,
    X: np.ndarray,
    entry: np.ndarray | None = None,
    *,
    max_iter: int = 40,
    tol: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray]:
    """Cox proportional-hazards model by Newton–Raphson: Efron's method for tied event times (as lifelines;
    without ties it is Breslow's partial likelihood), every row at risk for ``entry < t <= time``.

    Parameters
    ----------
    time, event : ndarray, shape (n,)
        Exit times and 1 for an event, 0 for a censoring.
    X : ndarray, shape (n,) or (n, p)
        Covariates (no intercept).
    entry : ndarray, optional
        Delayed-entry times (default 0).

    Returns
    -------
    beta, se : ndarray, shape (p,)
        Log hazard ratios and their standard errors (observed information); NaN when the likelihood
        has no finite maximum (no events, a constant covariate, separation: a coefficient past ±20).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([5., 8, 12, 3, 9, 20]); e = np.array([1, 1, 1, 1, 0, 1])
    >>> X = np.column_stack([[0, 0, 0, 1, 1, 1], [1, 0, 1, 0, 0, 1]])
    >>> cox_fit(t, e, X)[0].round(4).tolist()
    [-1.1266, -1.0043]
    """
    t, d, X = float_array(time, "time"), float_array(event, "event"), float_array(X, "X")
    if X.ndim == 1:
        X = X[:, None]
    en = np.zeros_like(t) if entry is None else float_array(entry, "entry")
    max_iter, tol = count(max_iter, "max_iter", 1, 10_000), positive(tol, "tol")
    if t.ndim != 1 or X.ndim != 2 or not (t.shape == d.shape == en.shape == X.shape[:1]):
        raise ValueError("time, event (and entry) must be 1-d and X (n,) or (n, p), all with one row per patient")
    if not (np.isfinite(t).all() and np.isfinite(en).all() and np.isfinite(X).all()) or not np.isin(d, (0, 1)).all():
        raise ValueError("time, entry and X must be finite and event 0 or 1")
    if (en >= t).any():  # such a row is never at risk, yet its event would count (lifelines refuses it too)
        raise ValueError(f"entry must be before time in every row; row {int(np.argmax(en >= t))} is not")
    p = X.shape[1]
    nan = np.full(p, np.nan)
    if d.sum() == 0 or (np.ptp(X, axis=0) == 0).any():
        return nan, nan.copy()
    ev_times = np.unique(t[d == 1])
    order_t, order_en = np.argsort(t), np.argsort(en)
    at_t = np.searchsorted(t[order_t], ev_times, side="left")
    at_en = np.searchsorted(en[order_en], ev_times, side="left")

    def risk_sums(w):  # sum of w over the risk set {entry < t_j <= time} at each event time
        def tail(order, at):
            cs = np.concatenate([np.cumsum(w[order][::-1], axis=0)[::-1], np.zeros((1, *w.shape[1:]))])
            return cs[at]

        return tail(order_t, at_t) - tail(order_en, at_en)

    pos = np.searchsorted(ev_times, t[d == 1])  # each event's event time
    n_ties = np.bincount(pos, minlength=len(ev_times)).astype(float)
    x_ev = X[d == 1]
    XX = X[:, :, None] * X[:, None, :]

    def tied_sums(w):  # sums over the events tied at each event time
        return np.stack([np.bincount(pos, weights=w[:, j], minlength=len(ev_times)) for j in range(w.shape[1])], axis=1)

    beta = np.zeros(p)
    for _ in range(max_iter):
        r = np.exp(X @ beta)
        s0, s1, s2 = risk_sums(r), risk_sums(r[:, None] * X), risk_sums(r[:, None, None] * XX)
        rd = r[d == 1]
        t0 = np.bincount(pos, weights=rd, minlength=len(ev_times))
        t1 = tied_sums(rd[:, None] * x_ev)
        t2 = tied_sums((rd[:, None, None] * XX[d == 1]).reshape(len(rd), -1)).reshape(-1, p, p)
        grad, info = x_ev.sum(axis=0), np.zeros((p, p))
        for k in range(int(n_ties.max())):  # Efron: the k-th of m tied events sees k/m of them removed
            use = k < n_ties
            frac = np.where(use, k / np.maximum(n_ties, 1), 0.0)
            a0 = (s0 - frac * t0)[use]
            mean = (s1 - frac[:, None] * t1)[use] / a0[:, None]
            grad = grad - mean.sum(axis=0)
            info = info + (
                (s2 - frac[:, None, None] * t2)[use] / a0[:, None, None] - mean[:, :, None] * mean[:, None, :]
            ).sum(axis=0)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            return nan, nan.copy()
        step = np.clip(step, -2.0, 2.0)
        beta = beta + step
        if not np.isfinite(beta).all() or np.abs(beta).max() > 20:
            return nan, nan.copy()
        if np.abs(step).max() < tol:
            break
    else:
        return nan, nan.copy()
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(np.linalg.inv(info)))
    return (beta, se) if np.isfinite(se).all() else (nan, nan.copy())


def cox_one(
    time: np.ndarray,
    event: np.ndarray,
    x: np.ndarray,
    entry: np.ndarray | None = None,
    *,
    max_iter: int = 30,
    tol: float = 1e-9,
) -> tuple[float, float]:
    """:func:`cox_fit` with one covariate: ``(beta, se)`` as floats.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([5., 8, 12, 3, 9, 20]); e = np.array([1, 1, 1, 1, 0, 1]); x = np.array([0, 0, 0, 1, 1, 1])
    >>> round(float(cox_one(t, e, x)[0]), 4)
    -1.0051
    """
    x = float_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-d (one covariate), got shape {x.shape}")
    beta, se = cox_fit(time, event, x, entry, max_iter=max_iter, tol=tol)
    return float(beta[0]), float(se[0])


def logrank_statistic(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> tuple[float, float]:
    """Two-group log-rank chi-square statistic and its p-value (1 degree of freedom), ties grouped, the
    hypergeometric variance (as :func:`lifelines.statistics.logrank_test`, which the tests compare with).

    Examples
    --------
    >>> chi2, p = logrank_statistic([5., 8, 12, 3, 9, 20], [1, 1, 1, 1, 0, 1], [0, 0, 0, 1, 1, 1])
    >>> round(chi2, 3), round(p, 3)
    (0.818, 0.366)
    """
    time = float_array(time, "time")
    event, group = np.asarray(event), np.asarray(group)
    if not (time.shape == event.shape == group.shape) or time.ndim != 1:
        raise ValueError("time, event and group must be 1-d arrays of the same length")
    if not np.isfinite(time).all():
        raise ValueError("time must be finite (no nan or inf)")
    for name, values in (("event", event), ("group", group)):
        bad = values[~np.isin(values, (0, 1))] if values.dtype != bool else values[:0]
        if bad.size:
            raise ValueError(f"{name} must be boolean or 0/1, got {bad[0]!r}")
    event, group = event.astype(bool), group.astype(bool)
    if group.all() or not group.any():
        raise ValueError("group must contain both groups (True and False)")
    order = np.argsort(time, kind="stable")
    t, e, g = time[order], event[order], group[order]
    n = len(t)
    at_risk = n - np.arange(n)  # at risk just before each sorted time
    at_risk_g = np.cumsum(g[::-1])[::-1]
    uniq, first = np.unique(t, return_index=True)
    d = np.add.reduceat(e.astype(float), first)
    d_g = np.add.reduceat((e & g).astype(float), first)
    n_t, n_g = at_risk[first].astype(float), at_risk_g[first].astype(float)
    keep = d > 0
    d, d_g, n_t, n_g = d[keep], d_g[keep], n_t[keep], n_g[keep]
    expected = d * n_g / n_t
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n_t > 1, d * (n_g / n_t) * (1 - n_g / n_t) * (n_t - d) / (n_t - 1), 0.0)
    v = var.sum()
    if v <= 0:
        raise ValueError("no events: the log-rank statistic is undefined")
    chi2 = (d_g.sum() - expected.sum()) ** 2 / v
    return float(chi2), float(chi2_dist.sf(chi2, 1))


def km_curve(
    time: np.ndarray, event: np.ndarray, entry: np.ndarray | None = None, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan–Meier estimate as step-function vertices.

    Rows are at risk for ``entry < t <= time`` (start–stop rows of one person add up), and with
    ``weights`` every count is a sum of weights (an inverse-probability-weighted curve).

    Returns
    -------
    times, surv : ndarray
        ``times`` starts at 0 (or the first entry) and lists each distinct event time; ``surv`` is
        the survival just after each time. Draw with ``drawstyle="steps-post"``.

    Examples
    --------
    >>> import numpy as np
    >>> km_curve(np.array([1., 2, 3, 4]), np.array([1, 0, 1, 1]))[1].round(3).tolist()
    [1.0, 0.75, 0.375, 0.0]
    """
    t, d = float_array(time, "time", ndim=1), float_array(event, "event", ndim=1)
    en = None if entry is None else float_array(entry, "entry", ndim=1)
    if not t.shape == d.shape == (t.shape if en is None else en.shape):
        raise ValueError("time, event (and entry) must have the same length")
    if not (np.isfinite(t).all() and (en is None or np.isfinite(en).all())):
        raise ValueError("time and entry must be finite numbers")
    ev = np.unique(t[d == 1])
    start = float(en.min()) if en is not None and len(en) else 0.0
    if len(ev) == 0:
        return np.array([start]), np.array([1.0])
    if weights is None:
        # at risk at each event time: rows with time >= it, less rows not yet entered (entry >= it);
        # without entry everyone entered at 0 (the reconstruction searches call this a million times)
        not_entered = (
            np.where(ev > 0, 0, len(t)) if en is None else len(en) - np.searchsorted(np.sort(en), ev, side="left")
        )
        at_risk = (len(t) - np.searchsorted(np.sort(t), ev, side="left")) - not_entered
        deaths = np.bincount(np.searchsorted(ev, t[d == 1]), minlength=len(ev))
    else:
        w = float_array(weights, "weights", ndim=1)
        if w.shape != t.shape or not (np.isfinite(w).all() and (w > 0).all()):
            raise ValueError("weights must be positive finite numbers, one per row of time")

        def weight_at_or_after(values):  # sum of w over rows with value >= each event time
            order = np.argsort(values, kind="stable")
            cw = np.concatenate(([0.0], np.cumsum(w[order])))
            return cw[-1] - cw[np.searchsorted(values[order], ev, side="left")]

        at_risk = weight_at_or_after(t) - weight_at_or_after(np.zeros_like(t) if en is None else en)
        deaths = np.bincount(np.searchsorted(ev, t[d == 1]), weights=w[d == 1], minlength=len(ev))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - deaths / at_risk, 1.0)
    surv = np.cumprod(factor)
    return np.concatenate([[start], ev]), np.concatenate([[1.0], surv])


def km_rmst(times: np.ndarray, surv: np.ndarray, horizon: float) -> float:
    """Restricted mean survival to ``horizon``: the area under the step curve from :func:`km_curve`.

    Examples
    --------
    >>> km_rmst(np.array([0.0, 2.0]), np.array([1.0, 0.5]), 4.0)
    3.0
    """
    times, surv = float_array(times, "times", ndim=1), float_array(surv, "surv", ndim=1)
    if times.shape != surv.shape:
        raise ValueError(f"times and surv must have the same length, got {len(times)} and {len(surv)}")
    if (
        isinstance(horizon, bool)
        or not isinstance(horizon, (int, float, np.integer, np.floating))
        or not (np.isfinite(horizon) and horizon > times[0])
    ):
        raise ValueError(f"horizon must be a finite time after the curve's start ({times[0]:g}), got {horizon!r}")
    right = np.minimum(np.append(times[1:], np.inf), horizon)
    return float(np.sum(surv * np.clip(right - times, 0.0, None)))


def km_median(times: np.ndarray, surv: np.ndarray) -> float:
    """The first time the curve from :func:`km_curve` is at or below 0.5 (NaN if never)."""
    times, surv = float_array(times, "times", ndim=1), float_array(surv, "surv", ndim=1)
    if times.shape != surv.shape:
        raise ValueError(f"times and surv must have the same length, got {len(times)} and {len(surv)}")
    below = np.nonzero(surv <= 0.5 + 1e-12)[0]
    return float(times[below[0]]) if len(below) else float("nan")


def numbers_at_risk(duration: ArrayLike, times: ArrayLike, entry: ArrayLike | None = None) -> np.ndarray:
    """How many patients are at risk at each of ``times``: still followed (duration >= t) and, with
    left truncation, already entered (entry <= t), the risk set of the Kaplan–Meier estimate.

    Examples
    --------
    >>> numbers_at_risk([5, 10, 40, 60], [0, 36, 48], entry=[0, 0, 36, 36]).tolist()
    [2, 2, 1]
    """
    d, t = float_array(duration, "duration", ndim=1), float_array(times, "times", ndim=1)
    at_risk = d[:, None] >= t[None, :]
    if entry is not None:
        e = float_array(entry, "entry", ndim=1)
        if e.shape != d.shape:
            raise ValueError(f"entry must have one value per patient ({len(d)}), got shape {e.shape}")
        at_risk &= e[:, None] <= t[None, :]
    return at_risk.sum(axis=0)


def km_band(
    time: np.ndarray, event: np.ndarray, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier vertices with a pointwise band: Greenwood's variance on the log(−log) scale.

    Returns ``times, surv, lower, upper`` (vertices as :func:`km_curve`, no delayed entry). Before the
    first event and where the curve reaches 0 the band is the curve itself.

    Examples
    --------
    >>> import numpy as np
    >>> t, s, lo, hi = km_band(np.array([1., 2, 3, 4, 5]), np.array([1, 1, 0, 1, 0]))
    >>> bool((lo <= s).all() and (s <= hi).all())
    True
    """
    t, d = float_array(time, "time", ndim=1), float_array(event, "event", ndim=1)
    if t.shape != d.shape or len(t) == 0:
        raise ValueError("time and event must have the same length, at least 1")
    if not np.isfinite(t).all() or not np.isin(d, (0, 1)).all():
        raise ValueError("time must be finite and event 0 or 1")
    z = positive(z, "z")
    times, surv = km_curve(t, d)
    ev = times[1:]
    n_risk = len(t) - np.searchsorted(np.sort(t), ev, side="left")
    deaths = np.bincount(np.searchsorted(ev, t[d == 1]), minlength=len(ev))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n_risk > deaths, deaths / (n_risk * (n_risk - deaths)), np.inf)
        greenwood = np.concatenate([[0.0], np.cumsum(terms)])
        log_s = np.log(surv)
        width = z * np.sqrt(greenwood) / np.abs(log_s)
        ok = (surv > 0) & (surv < 1) & np.isfinite(width)
        lower = np.where(ok, surv ** np.exp(width), surv)
        upper = np.where(ok, surv ** np.exp(-width), surv)
    return times, surv, lower, upper


def km_at(times: np.ndarray, values: np.ndarray, at: ArrayLike) -> np.ndarray:
    """A step curve (vertices ``times, values``, right-continuous) read at the times ``at``.

    Examples
    --------
    >>> km_at(np.array([0., 2, 5]), np.array([1., 0.8, 0.5]), [1, 2, 10]).tolist()
    [1.0, 0.8, 0.5]
    """
    times, values = float_array(times, "times", ndim=1), float_array(values, "values", ndim=1)
    at = float_array(at, "at", ndim=1)
    if times.shape != values.shape or len(times) == 0:
        raise ValueError("times and values must have the same length, at least 1")
    idx = np.searchsorted(times, at, side="right") - 1
    return np.where(idx >= 0, values[np.clip(idx, 0, None)], 1.0)
