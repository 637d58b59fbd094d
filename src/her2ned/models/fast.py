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

import numpy as np

from .._arguments import count, float_array, positive

__all__ = ["logit_newton", "cox_one", "km_curve", "km_band", "km_at", "km_median", "km_rmst", "Z_95"]

#: The standard normal's 97.5 % quantile (scipy.stats.norm.ppf(0.975)): the multiplier of 95 % Wald intervals.
Z_95 = 1.959963984540054

_MAX_ABS_COEF = 15.0  # |log OR| beyond this (OR > 3 million) is treated as separation: an assumption


def logit_newton(X: np.ndarray, y: np.ndarray, *, max_iter: int = 30, tol: float = 1e-10):
    """Logistic regression for one data set or a batch of replicates.

    Parameters
    ----------
    X : ndarray, shape (n, p) or (r, n, p)
        Design matrix *including* the intercept column.
    y : ndarray, shape (n,) or (r, n)
        0/1 outcomes.

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
    max_iter, tol = count(max_iter, "max_iter", 1, 10_000), positive(tol, "tol")
    single = X.ndim == 2
    if single:
        X, y = X[None], y[None]
    if X.ndim != 3 or y.shape != X.shape[:2]:
        raise ValueError(f"X must be (n, p) or (r, n, p) and y (n,) or (r, n); got {X.shape} and {y.shape}")
    r, n, p = X.shape
    beta = np.zeros((r, p))
    ok = np.ones(r, dtype=bool)
    eye = np.eye(p) * 1e-12
    for _ in range(max_iter):
        eta = np.einsum("rnp,rp->rn", X, beta)
        mu = 1.0 / (1.0 + np.exp(-eta))
        w = mu * (1.0 - mu)
        grad = np.einsum("rnp,rn->rp", X, y - mu)
        info = np.einsum("rnp,rn,rnq->rpq", X, w, X) + eye
        try:
            step = np.linalg.solve(info, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(info[i], grad[i], rcond=None)[0] for i in range(r)])
        step = np.clip(step, -5, 5)
        beta = beta + step
        if np.all(np.abs(step) < tol) or not np.isfinite(beta).all():
            break
    eta = np.einsum("rnp,rp->rn", X, beta)
    mu = 1.0 / (1.0 + np.exp(-eta))
    info = np.einsum("rnp,rn,rnq->rpq", X, mu * (1 - mu), X)
    with np.errstate(invalid="ignore"):
        det = np.linalg.det(info)
        good = np.isfinite(det) & (det > 1e-10 * np.maximum(1.0, np.abs(det).max()))
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


def cox_one(time: np.ndarray, event: np.ndarray, x: np.ndarray, entry: np.ndarray | None = None,
            *, max_iter: int = 30, tol: float = 1e-9):
    """Cox model with one covariate (Efron ties), optionally with delayed entry.

    Returns
    -------
    beta, se : float
        Log hazard ratio and its standard error (observed information), NaN when the likelihood has
        no finite maximum (no events, or no events in one group of a binary covariate).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([5., 8, 12, 3, 9, 20]); e = np.array([1, 1, 1, 1, 0, 1]); x = np.array([0, 0, 0, 1, 1, 1])
    >>> round(float(cox_one(t, e, x)[0]), 4)
    -1.0051
    """
    t, d, x = float_array(time, "time"), float_array(event, "event"), float_array(x, "x")
    en = np.zeros_like(t) if entry is None else float_array(entry, "entry")
    max_iter, tol = count(max_iter, "max_iter", 1, 10_000), positive(tol, "tol")
    if not (t.shape == d.shape == x.shape == en.shape) or t.ndim != 1:
        raise ValueError("time, event, x (and entry) must be 1-d arrays of the same length")
    if d.sum() == 0 or np.ptp(x) == 0:
        return np.nan, np.nan
    ev_times = np.unique(t[d == 1])
    # risk set at each distinct event time: entry < t_j <= time
    order_t = np.sort(t)
    order_en = np.sort(en)
    # sums over the risk set need per-subject weights: do it with sorted cumulative sums
    idx_t = np.argsort(t)
    idx_en = np.argsort(en)

    def risk_sums(w):
        # sum of w over {i: time_i >= tj} minus {i: entry_i >= tj}
        cs_t = np.concatenate([np.cumsum(w[idx_t][::-1])[::-1], [0.0]])
        cs_en = np.concatenate([np.cumsum(w[idx_en][::-1])[::-1], [0.0]])
        a = cs_t[np.searchsorted(order_t, ev_times, side="left")]
        b = cs_en[np.searchsorted(order_en, ev_times, side="left")]
        return a - b

    # tied-event sums at each event time
    pos = np.searchsorted(ev_times, t[d == 1])
    n_ties = np.bincount(pos, minlength=len(ev_times)).astype(float)
    x_ev = x[d == 1]
    sx_ev = np.bincount(pos, weights=x_ev, minlength=len(ev_times))
    beta = 0.0
    for _ in range(max_iter):
        r = np.exp(beta * x)
        s0, s1, s2 = risk_sums(r), risk_sums(r * x), risk_sums(r * x * x)
        rd = np.exp(beta * x_ev)
        t0 = np.bincount(pos, weights=rd, minlength=len(ev_times))
        t1 = np.bincount(pos, weights=rd * x_ev, minlength=len(ev_times))
        t2 = np.bincount(pos, weights=rd * x_ev * x_ev, minlength=len(ev_times))
        grad, info = 0.0, 0.0
        maxk = int(n_ties.max())
        for k in range(maxk):  # Efron: the k-th of m tied events sees the risk set minus k/m of the tied
            m = n_ties
            use = k < m
            frac = np.where(use, k / np.maximum(m, 1), 0.0)
            a0 = s0 - frac * t0
            a1 = s1 - frac * t1
            a2 = s2 - frac * t2
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = a1 / a0
                var = a2 / a0 - mean ** 2
            grad -= np.sum(np.where(use, mean, 0.0))
            info += np.sum(np.where(use, var, 0.0))
        grad += sx_ev.sum()
        if not np.isfinite(info) or info <= 1e-12:
            return np.nan, np.nan
        step = np.clip(grad / info, -2.0, 2.0)
        beta += step
        if abs(beta) > 20:
            return np.nan, np.nan
        if abs(step) < tol:
            break
    else:
        return np.nan, np.nan
    return float(beta), float(1.0 / np.sqrt(info))


def km_curve(time: np.ndarray, event: np.ndarray, entry: np.ndarray | None = None,
             weights: np.ndarray | None = None):
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
    en = np.zeros_like(t) if entry is None else float_array(entry, "entry", ndim=1)
    if not t.shape == d.shape == en.shape:
        raise ValueError("time, event (and entry) must have the same length")
    if not (np.isfinite(t).all() and np.isfinite(en).all()):
        raise ValueError("time and entry must be finite numbers")
    ev = np.unique(t[d == 1])
    start = float(en.min()) if len(en) else 0.0
    if len(ev) == 0:
        return np.array([start]), np.array([1.0])
    if weights is None:
        at_risk = (np.searchsorted(np.sort(t), ev, side="left") * -1 + len(t)) - \
                  (len(en) - np.searchsorted(np.sort(en), ev, side="left"))
        deaths = np.bincount(np.searchsorted(ev, t[d == 1]), minlength=len(ev))
    else:
        w = float_array(weights, "weights", ndim=1)
        if w.shape != t.shape or not (np.isfinite(w).all() and (w > 0).all()):
            raise ValueError("weights must be positive finite numbers, one per row of time")

        def weight_at_or_after(values):  # sum of w over rows with value >= each event time
            order = np.argsort(values, kind="stable")
            cw = np.concatenate(([0.0], np.cumsum(w[order])))
            return cw[-1] - cw[np.searchsorted(values[order], ev, side="left")]

        at_risk = weight_at_or_after(t) - weight_at_or_after(en)
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
    if isinstance(horizon, bool) or not isinstance(horizon, (int, float, np.integer, np.floating)) \
            or not (np.isfinite(horizon) and horizon > times[0]):
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


def km_band(time: np.ndarray, event: np.ndarray, z: float = Z_95):
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


def km_at(times: np.ndarray, values: np.ndarray, at) -> np.ndarray:
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
