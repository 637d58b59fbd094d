"""A vectorised Cox model for one binary covariate, fitted to many replicates at once.

The bias lab (:mod:`her2ned.bias`) fits up to seven Cox models to each of a thousand simulated
populations. lifelines fits one model in tens of milliseconds; this module fits all replicates of
one estimator together, in one pass of numpy, with the same partial likelihood:

* every row is an interval ``(entry, stop]`` with a covariate ``x`` in {0, 1} and an event flag at
  ``stop``; a row is at risk at time ``t`` when ``entry < t <= stop`` -- the semantics of lifelines'
  ``CoxTimeVaryingFitter`` (start-stop rows) and of ``CoxPHFitter(entry_col=...)`` (delayed entry,
  i.e. left truncation); without ``entry`` every row is at risk from time 0;
* tied event times are handled by Efron's method (lifelines' only method) or by Breslow's;
* ``strata`` gives each stratum its own baseline hazard and risk sets, with one ``beta`` shared
  across strata (lifelines' ``strata=``, R's ``strata()``).

With a single binary covariate the risk set at an event time is summarised by two counts -- rows at
risk with ``x = 0`` and with ``x = 1`` -- so each tied event contributes one term
``log(A + B exp(beta))`` to the log partial likelihood, and the Newton iteration is a one-dimensional
problem vectorised over replicates. The standard error is the inverse square root of the observed
information at the estimate, as in lifelines.

A fit whose likelihood has no finite maximum (monotone likelihood: for example no events in one
group) is reported with ``converged = False`` and ``beta = nan``; lifelines would instead return a
large coefficient with a convergence warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from ._arguments import count
from .results import Result

__all__ = ["CoxFit", "cox_binary", "risk_set_terms", "WeightedCoxFit", "cox_binary_weighted"]

_TIES = ("efron", "breslow")
_MAX_GROUPS = 1_000_000  # replicates fitted at once; the risk-set terms are n_groups x events


@dataclass(frozen=True, eq=False, repr=False)
class CoxFit(Result):
    """Results of :func:`cox_binary`, one entry per replicate (group).

    Attributes
    ----------
    beta, se : numpy.ndarray
        Log hazard ratio of ``x = 1`` vs ``x = 0`` and its standard error (nan when not converged).
    converged : numpy.ndarray of bool
        False when the likelihood has no finite maximum or Newton did not converge.
    n_events : numpy.ndarray of int
        Number of events per replicate.
    iterations : int
        Newton iterations used (the largest over replicates).
    """

    beta: np.ndarray
    se: np.ndarray
    converged: np.ndarray
    n_events: np.ndarray
    iterations: int

    @property
    def hr(self) -> np.ndarray:
        """Hazard ratio, ``exp(beta)``."""
        return np.exp(self.beta)

    def ci(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Wald confidence interval for the log hazard ratio, ``beta -/+ z * se``."""
        if not 0 < level < 1:
            raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
        from scipy.stats import norm

        z = norm.ppf(0.5 + level / 2)
        return self.beta - z * self.se, self.beta + z * self.se

    model = "Cox model of one binary covariate (Efron or Breslow ties), one fit per replicate"

    @property
    def n(self) -> int:
        """The number of replicates."""
        return len(self.beta)

    @property
    def events(self) -> int:
        """Events over all replicates."""
        return int(np.sum(self.n_events))

    def counts(self) -> list[tuple[str, object]]:
        return [("replicates", self.n), ("events", self.events), ("converged", int(np.sum(self.converged)))]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per replicate: beta, se, hr, converged, n_events."""
        return pd.DataFrame(
            {"beta": self.beta, "se": self.se, "hr": self.hr, "converged": self.converged, "n_events": self.n_events}
        )


def _as_1d(name: str, values, n: int | None = None, dtype=float) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers, got {type(values).__name__}") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} entries but stop has {n}; they must match")
    return arr


def _validate(stop, event, x, entry, group, n_groups=None):
    stop = _as_1d("stop", stop)
    n = stop.shape[0]
    if n == 0:
        raise ValueError("stop is empty: a Cox model needs at least one row")
    if not np.all(np.isfinite(stop)):
        raise ValueError("stop must be finite (no nan or inf)")
    event_raw = np.asarray(event)
    if event_raw.ndim != 1 or event_raw.shape[0] != n:
        raise ValueError(f"event must be one-dimensional with {n} entries, got shape {event_raw.shape}")
    if event_raw.dtype != bool and not np.isin(event_raw, (0, 1)).all():
        raise ValueError("event must be boolean or 0/1")
    event = event_raw.astype(bool)
    x_raw = np.asarray(x)
    if x_raw.ndim != 1 or x_raw.shape[0] != n:
        raise ValueError(f"x must be one-dimensional with {n} entries, got shape {x_raw.shape}")
    if x_raw.dtype != bool and not np.isin(x_raw, (0, 1)).all():
        raise ValueError("x must be binary: boolean or 0/1 values only")
    x = x_raw.astype(bool)
    if entry is None:
        entry = np.full(n, -np.inf)
    else:
        entry = _as_1d("entry", entry, n)
        if np.isnan(entry).any():
            raise ValueError("entry must not contain nan")
        if not np.all(entry < stop):
            bad = int(np.sum(~(entry < stop)))
            raise ValueError(f"entry must be strictly less than stop in every row; {bad} row(s) violate it")
    if n_groups is not None:
        count(n_groups, "n_groups", high=_MAX_GROUPS)
    if group is None:
        group = np.zeros(n, dtype=np.int64)
        n_groups = 1 if n_groups is None else int(n_groups)
    else:
        g = np.asarray(group)
        if g.ndim != 1 or g.shape[0] != n:
            raise ValueError(f"group must be one-dimensional with {n} entries, got shape {g.shape}")
        if not np.issubdtype(g.dtype, np.integer):
            raise TypeError("group must hold integers 0, 1, ..., n_groups - 1 (replicate ids)")
        if g.min() < 0 or g.max() >= _MAX_GROUPS:
            raise ValueError(f"group ids must be from 0 to {_MAX_GROUPS - 1:,}, got {g.min()} to {g.max()}")
        group = g.astype(np.int64)
        if n_groups is None:
            n_groups = int(group.max()) + 1
    if n_groups is not None and group.size and group.max() >= n_groups:
        raise ValueError(f"n_groups ({n_groups}) must exceed the largest group id ({group.max()})")
    return stop, event, x, entry, group, n_groups


def risk_set_terms(
    stop: ArrayLike,
    event: ArrayLike,
    x: ArrayLike,
    entry: ArrayLike | None = None,
    group: ArrayLike | None = None,
    *,
    ties: str = "efron",
    n_groups: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The sufficient statistics of the binary-covariate partial likelihood.

    Each event contributes ``log(A + B * exp(beta))`` to minus the log partial likelihood, where
    ``A`` and ``B`` are the numbers of rows at risk with ``x = 0`` and ``x = 1`` (with Efron's
    correction for ties: ``A = n0 - f d0``, ``B = n1 - f d1``, ``f = 0, 1/d, ..., (d - 1)/d`` over the
    ``d`` events tied at that time; Breslow uses ``f = 0``).

    Returns
    -------
    A, B : numpy.ndarray, shape (n_groups, max events per group)
        Padded with ``A = 1, B = 0`` (a term that does not depend on beta).
    d1 : numpy.ndarray, shape (n_groups,)
        Number of events with ``x = 1`` per group.
    n_events : numpy.ndarray, shape (n_groups,)
        Number of events per group.

    Examples
    --------
    >>> A, B, d1, n_ev = risk_set_terms([1.0, 2.0, 3.0], [1, 1, 0], [1, 0, 0])
    >>> A.tolist(), B.tolist(), d1.tolist()
    ([[2.0, 2.0]], [[1.0, 0.0]], [1])
    """
    if not isinstance(ties, str) or ties not in _TIES:
        raise ValueError(f"ties must be one of {_TIES}, got {ties!r}")
    stop, event, x, entry, group, n_groups = _validate(stop, event, x, entry, group, n_groups)
    # Put every replicate on its own stretch of the time axis, so that one global sort and
    # searchsorted give within-replicate counts: rows of later replicates count equally in
    # "stop >= t" and "entry >= t" and cancel; rows of earlier replicates count in neither.
    finite_entry = entry[np.isfinite(entry)]
    lo = min(stop.min(), finite_entry.min() if finite_entry.size else stop.min())
    span = float(stop.max() - lo) + 1.0
    offset = group * (2.0 * span)
    s = stop - lo + offset
    # "at risk from the origin" becomes an entry just before every time of its own replicate, so
    # that it cancels for later replicates like any other entry
    e = np.where(np.isfinite(entry), entry - lo, -0.5) + offset
    ev_time = s[event]
    ev_x = x[event]
    ev_group = group[event]
    order = np.lexsort((~ev_x, ev_time))  # by time; within ties x = 1 first (order is irrelevant)
    ev_time, ev_x, ev_group = ev_time[order], ev_x[order], ev_group[order]
    n_ev_total = ev_time.shape[0]
    n_events = np.bincount(ev_group, minlength=n_groups)
    d1 = np.bincount(ev_group, weights=ev_x, minlength=n_groups).astype(np.int64)
    if n_ev_total == 0:
        return np.ones((n_groups, 0)), np.zeros((n_groups, 0)), d1, n_events

    def at_risk(mask):
        stops = np.sort(s[mask])
        entries = np.sort(e[mask])
        n_stop_ge = stops.shape[0] - np.searchsorted(stops, ev_time, side="left")
        n_entry_ge = entries.shape[0] - np.searchsorted(entries, ev_time, side="left")
        return (n_stop_ge - n_entry_ge).astype(float)

    n1 = at_risk(x)
    n0 = at_risk(~x)
    # tie structure: first index of each run of equal event times, its size, rank within it
    new_run = np.empty(n_ev_total, dtype=bool)
    new_run[0] = True
    new_run[1:] = ev_time[1:] != ev_time[:-1]
    run_id = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    run_size = np.diff(np.append(run_start, n_ev_total))
    run_d1 = np.add.reduceat(ev_x.astype(float), run_start)
    size = run_size[run_id].astype(float)
    tie_d1 = run_d1[run_id]
    tie_d0 = size - tie_d1
    if ties == "efron":
        frac = (np.arange(n_ev_total) - run_start[run_id]) / size
    else:
        frac = np.zeros(n_ev_total)
    a = n0 - frac * tie_d0
    b = n1 - frac * tie_d1
    # pad into (n_groups, max events): position of each event within its group
    group_start = np.concatenate(([0], np.cumsum(n_events)[:-1]))
    pos = np.arange(n_ev_total) - group_start[ev_group]
    width = int(n_events.max())
    A = np.ones((n_groups, width))
    B = np.zeros((n_groups, width))
    A[ev_group, pos] = a
    B[ev_group, pos] = b
    return A, B, d1, n_events


_MAX_STRATA = 64


def _stratified_terms(stop, event, x, entry, group, strata, ties, n_groups):
    """risk_set_terms with risk sets within (replicate, stratum), regrouped by replicate.

    The partial likelihood of a stratified model is the sum of the strata's, so each
    (replicate, stratum) pair is fitted as its own "group" and its terms are put side by side."""
    st = np.asarray(strata)
    n = np.shape(stop)[0] if np.ndim(stop) == 1 else None
    if st.ndim != 1 or (n is not None and st.shape[0] != n):
        raise ValueError(f"strata must be one-dimensional with one entry per row, got shape {st.shape}")
    if not np.issubdtype(st.dtype, np.integer) and not st.dtype == bool:
        raise TypeError(f"strata must hold integers 0 to {_MAX_STRATA - 1}, got values of type {st.dtype}")
    st = st.astype(np.int64)
    if st.size and (st.min() < 0 or st.max() >= _MAX_STRATA):
        raise ValueError(f"strata must be integers from 0 to {_MAX_STRATA - 1}, got {st.min()} to {st.max()}")
    g = np.zeros(st.shape[0], np.int64) if group is None else np.asarray(group)
    if g.shape != st.shape or not np.issubdtype(g.dtype, np.integer):
        raise ValueError("group must be integer replicate ids, one per row, like strata")
    k = int(st.max()) + 1 if st.size else 1
    n_rep = int(g.max()) + 1 if n_groups is None else count(n_groups, "n_groups", high=_MAX_GROUPS)
    if g.size and g.max() >= n_rep:
        raise ValueError(f"n_groups ({n_rep}) must exceed the largest group id ({g.max()})")
    if n_rep * k > _MAX_GROUPS:
        raise ValueError(f"n_groups x strata must be at most {_MAX_GROUPS:,}, got {n_rep} x {k}")
    A, B, d1, n_events = risk_set_terms(stop, event, x, entry, g * k + st, ties=ties, n_groups=n_rep * k)
    return (
        A.reshape(n_rep, -1),
        B.reshape(n_rep, -1),
        d1.reshape(n_rep, k).sum(axis=1),
        n_events.reshape(n_rep, k).sum(axis=1),
    )


def _loglik(beta, A, B, d1):
    eb = np.exp(beta)[:, None]
    return d1 * beta - np.log(A + B * eb).sum(axis=1)


def _newton(A, B, d1, *, tol: float = 1e-10, max_iter: int = 60):
    n_groups = A.shape[0]
    # a finite maximum exists iff  #{terms with A = 0 < B} < d1 < #{terms with B > 0}
    m_hi = (B > 0).sum(axis=1)
    m_lo = ((A <= 0) & (B > 0)).sum(axis=1)
    ok = (d1 > m_lo) & (d1 < m_hi)
    beta = np.zeros(n_groups)
    info = np.full(n_groups, np.nan)
    active = ok.copy()
    converged = np.zeros(n_groups, dtype=bool)
    it = 0
    while active.any() and it < max_iter:
        it += 1
        idx = np.flatnonzero(active)
        a, b, d, bt = A[idx], B[idx], d1[idx], beta[idx]
        eb = np.exp(bt)[:, None]
        p = b * eb / (a + b * eb)
        score = d - p.sum(axis=1)
        inf = (p * (1.0 - p)).sum(axis=1)
        step = np.clip(score / inf, -2.0, 2.0)
        # backtrack where the log-likelihood would fall (rare: far from the optimum)
        ll0 = _loglik(bt, a, b, d)
        new = bt + step
        for _ in range(30):
            worse = _loglik(new, a, b, d) < ll0 - 1e-12 * np.abs(ll0)
            if not worse.any():
                break
            step = np.where(worse, step / 2, step)
            new = bt + step
        beta[idx] = new
        info[idx] = inf
        done = np.abs(step) < tol
        converged[idx[done]] = True
        active[idx[done]] = False
    # information at the final estimate
    eb = np.exp(beta)[:, None]
    p = B * eb / (A + B * eb)
    info = (p * (1.0 - p)).sum(axis=1)
    beta = np.where(converged, beta, np.nan)
    se = np.where(converged, 1.0 / np.sqrt(np.where(info > 0, info, np.nan)), np.nan)
    return beta, se, converged, it


def cox_binary(
    stop: ArrayLike,
    event: ArrayLike,
    x: ArrayLike,
    entry: ArrayLike | None = None,
    group: ArrayLike | None = None,
    *,
    strata: ArrayLike | None = None,
    ties: str = "efron",
    n_groups: int | None = None,
    tol: float = 1e-10,
    max_iter: int = 60,
) -> CoxFit:
    """Fit ``h(t | x) = h0(t) exp(beta x)`` for a binary ``x``, in every replicate at once.

    Parameters
    ----------
    stop : array-like of float
        End of each row's interval: the event or censoring time (time-varying data: the row's stop).
    event : array-like of bool or 0/1
        Whether the row ends with the event.
    x : array-like of bool or 0/1
        The binary covariate, constant within the row.
    entry : array-like of float, optional
        Start of each row's interval (delayed entry / left truncation, or the start of a start-stop
        row); the row is at risk for ``entry < t <= stop``. Must be ``< stop``. Default: at risk from
        the time origin.
    group : array-like of int, optional
        Replicate id of each row, ``0 .. n_groups - 1``; one model is fitted per group. Default: one group.
    strata : array-like of int, optional
        Stratum of each row, ``0 .. 63``: risk sets are formed within a stratum (and replicate),
        and one ``beta`` is fitted over all strata of a replicate. Default: one stratum.
    ties : {"efron", "breslow"}
        Handling of tied event times. lifelines uses Efron.
    n_groups : int, optional
        Number of replicates (default: largest group id + 1); replicates with no rows get nan.
    tol : float
        Newton stops when the step in beta is below ``tol``.
    max_iter : int
        Maximum Newton iterations.

    Returns
    -------
    CoxFit

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = rng.integers(0, 2, 2000)
    >>> t = rng.exponential(1 / np.exp(np.log(0.5) * x))   # true HR 0.5
    >>> fit = cox_binary(t, np.ones(2000, bool), x)
    >>> bool(abs(fit.hr[0] - 0.5) < 0.05)
    True
    """
    if not (isinstance(tol, (int, float)) and 0 < tol < 1):
        raise ValueError(f"tol must be a number in (0, 1), got {tol!r}")
    if not (isinstance(max_iter, int) and max_iter >= 1):
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    if strata is None:
        A, B, d1, n_events = risk_set_terms(stop, event, x, entry, group, ties=ties, n_groups=n_groups)
    else:
        A, B, d1, n_events = _stratified_terms(stop, event, x, entry, group, strata, ties, n_groups)
    beta, se, converged, it = _newton(A, B, d1, tol=tol, max_iter=max_iter)
    return CoxFit(beta=beta, se=se, converged=converged, n_events=n_events, iterations=it)


@dataclass(frozen=True, eq=False, repr=False)
class WeightedCoxFit(Result):
    """Result of :func:`cox_binary_weighted`: one fit, with the model-based and the robust SE."""

    model = "weighted Cox model of one binary covariate, robust (Lin & Wei) SE"
    n = None  # the weighted sample has no count of patients of its own

    beta: float
    se: float  # robust (Lin & Wei 1989), clustered when clusters are given
    model_se: float  # inverse square root of the weighted information
    n_events: float  # weighted number of events
    converged: bool

    @property
    def hr(self) -> float:
        return float(np.exp(self.beta))

    @property
    def events(self) -> float:
        return round(float(self.n_events), 2)

    @property
    def summary(self) -> pd.DataFrame:
        """One row: beta, hr, the robust and the model-based SE, converged."""
        return pd.DataFrame(
            {
                "beta": [self.beta],
                "hr": [self.hr],
                "se": [self.se],
                "model_se": [self.model_se],
                "converged": [self.converged],
            }
        )


def _weighted_at_risk(times, entry, stop, w):
    """Sum of ``w`` over rows with ``entry < t <= stop``, for each t in ``times``."""

    def ge(values, weights):
        order = np.argsort(values, kind="stable")
        v, cw = values[order], np.concatenate(([0.0], np.cumsum(weights[order])))
        return cw[-1] - cw[np.searchsorted(v, times, side="left")]

    return ge(stop, w) - ge(entry, w)


def cox_binary_weighted(
    stop: ArrayLike,
    event: ArrayLike,
    x: ArrayLike,
    weight: ArrayLike,
    entry: ArrayLike | None = None,
    cluster: ArrayLike | None = None,
    *,
    tol: float = 1e-12,
    max_iter: int = 60,
) -> WeightedCoxFit:
    """A weighted Cox model with one binary covariate and a robust sandwich variance.

    The weighted partial likelihood with Breslow's handling of ties (identical to Efron's when no
    event times are tied), rows at risk for ``entry < t <= stop`` as in :func:`cox_binary`, and
    the robust variance of Lin & Wei (1989): the sum over clusters of the squared summed score
    residuals, divided by the information squared -- R's ``coxph(..., weights = , ties = "breslow")``
    with ``cluster()`` (or ``robust = TRUE`` when every row is its own cluster). The book uses it for
    inverse-probability-weighted analyses (:mod:`her2ned.stop_at_ned`).

    Parameters
    ----------
    stop, event, x, entry : array-like
        As for :func:`cox_binary`.
    weight : array-like of float
        Positive, finite row weights.
    cluster : array-like, optional
        Cluster label of each row (e.g. the patient behind several rows); default: each row alone.

    Examples
    --------
    >>> fit = cox_binary_weighted([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 0], [1, 0, 1, 0], [1.0, 2.0, 1.0, 1.0])
    >>> bool(abs(fit.beta - cox_binary([1.0, 2.0, 2.0, 3.0, 4.0], [1, 1, 1, 1, 0],   # weight 2 = two rows
    ...                                  [1, 0, 0, 1, 0], ties="breslow").beta[0]) < 1e-9)
    True
    """
    if not (isinstance(tol, (int, float)) and not isinstance(tol, bool) and 0 < tol < 1):
        raise ValueError(f"tol must be a number in (0, 1), got {tol!r}")
    if not (isinstance(max_iter, int) and not isinstance(max_iter, bool) and 1 <= max_iter <= 10_000):
        raise ValueError(f"max_iter must be an integer from 1 to 10,000, got {max_iter!r}")
    stop, event, x, entry, _, _ = _validate(stop, event, x, entry, None)
    n = stop.shape[0]
    w = _as_1d("weight", weight, n)
    if not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError("weight must be positive and finite in every row")
    if cluster is None:
        cl = np.arange(n)
    else:
        cl = np.asarray(cluster)
        if cl.ndim != 1 or cl.shape[0] != n:
            raise ValueError(f"cluster must be one-dimensional with {n} entries, got shape {cl.shape}")
        cl = np.unique(cl, return_inverse=True)[1]
    if not event.any():
        raise ValueError("event has no events: a Cox model needs at least one")
    t = np.unique(stop[event])  # distinct event times
    at_event = np.searchsorted(t, stop)  # index of each row's stop among them
    d = np.bincount(at_event[event], weights=w[event], minlength=t.size)
    d1 = np.bincount(at_event[event & x], weights=w[event & x], minlength=t.size)
    risk1 = _weighted_at_risk(t, entry[x], stop[x], w[x])
    risk0 = _weighted_at_risk(t, entry[~x], stop[~x], w[~x])
    # a likelihood with no finite maximum (no events in one group) never converges: reported as such
    beta, converged = 0.0, False
    for _ in range(max_iter):
        eb = np.exp(beta)
        xbar = risk1 * eb / (risk0 + risk1 * eb)
        score = float(d1.sum() - np.sum(d * xbar))
        info = float(np.sum(d * xbar * (1 - xbar)))
        if not (info > 0 and np.isfinite(score)):
            break
        step = float(np.clip(score / info, -2.0, 2.0))
        beta += step
        if abs(step) < tol:
            converged = True
            break
    eb = np.exp(beta)
    xbar = risk1 * eb / (risk0 + risk1 * eb)
    info = float(np.sum(d * xbar * (1 - xbar)))
    if not converged or not info > 0:
        return WeightedCoxFit(beta=np.nan, se=np.nan, model_se=np.nan, n_events=float(d.sum()), converged=False)
    # score residuals: w_i [delta_i (x_i - xbar(T_i)) - exp(beta x_i) sum_{entry_i < t_k <= stop_i} (x_i - xbar_k) dL_k]
    dlam = d / (risk0 + risk1 * eb)
    cum0 = np.concatenate(([0.0], np.cumsum((0.0 - xbar) * dlam)))
    cum1 = np.concatenate(([0.0], np.cumsum((1.0 - xbar) * dlam)))
    hi = np.searchsorted(t, stop, side="right")
    lo = np.searchsorted(t, entry, side="right")
    integral = np.where(x, eb * (cum1[hi] - cum1[lo]), cum0[hi] - cum0[lo])
    own = np.where(event, np.where(x, 1.0, 0.0) - xbar[np.minimum(at_event, t.size - 1)], 0.0)
    resid = w * (own - integral)
    per_cluster = np.bincount(cl, weights=resid)
    robust = float(np.sqrt(np.sum(per_cluster**2)) / info)
    return WeightedCoxFit(
        beta=float(beta), se=robust, model_se=float(1 / np.sqrt(info)), n_events=float(d.sum()), converged=True
    )
