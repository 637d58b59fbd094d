"""Competing risks: the chance of one event when another can come first.

Reaching NED is an event in time, and progression before NED prevents it: a patient who progresses at
month 20 never reaches NED afterwards. The *cumulative incidence* of NED, the probability of having
reached NED by time t with progression as a competing event, is what the Aalen–Johansen estimator
estimates (:func:`cumulative_incidence`); one minus a Kaplan–Meier curve that censors progressions
overstates it, because it describes a world in which no one progresses. Two regression models answer
two questions: the *cause-specific* hazard (a Cox model in which the competing event censors) says how
fast NED comes among those still free of both events; the *subdistribution* hazard of Fine and Gray
(1999; :func:`fine_gray`) models the cumulative incidence itself, keeping patients who progressed in the
risk set with inverse-probability-of-censoring weights.

Event codes: ``0`` censored, ``1, 2, ...`` the event types.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._arguments import count, float_array, positive, sequence
from .models.fast import km_curve
from .results import Result

__all__ = ["NED", "PROGRESSION", "ned_events", "cumulative_incidence", "fine_gray", "FineGrayFit"]

#: Event codes of :func:`ned_events`.
NED, PROGRESSION = 1, 2


def _competing(time, cause):
    t, c = float_array(time, "time", ndim=1), float_array(cause, "cause", ndim=1)
    if t.shape != c.shape or len(t) == 0:
        raise ValueError(f"time and cause must be the same length, at least 1; got {len(t)} and {len(c)}")
    if not np.isfinite(t).all() or (t < 0).any():
        raise ValueError("time must be finite numbers ≥ 0")
    if not np.isfinite(c).all() or (c != np.round(c)).any() or (c < 0).any():
        raise ValueError("cause must be whole numbers: 0 for censored, 1, 2, ... for the event types")
    return t, c.astype(int)


def ned_events(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Time to NED as a competing-risks outcome from a patient table (``ned``, ``time_to_ned``,
    ``pfs_months``, ``progressed``, as :func:`her2ned.simulate.simulate_population` draws them).

    NED counts only if reached before progression (the study's definition), so each patient has one
    first event: NED (code 1) at ``time_to_ned``, else progression (2) or censoring (0) at ``pfs_months``.

    Examples
    --------
    >>> import pandas as pd
    >>> t, cause = ned_events(pd.DataFrame({"ned": [1, 0, 0], "time_to_ned": [8.0, None, None],
    ...                                     "pfs_months": [50.0, 20.0, 30.0], "progressed": [1, 1, 0]}))
    >>> t.tolist(), cause.tolist()
    ([8.0, 20.0, 30.0], [1, 2, 0])
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in ("ned", "time_to_ned", "pfs_months", "progressed") if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}")
    ned = df["ned"].to_numpy() == 1
    time = np.where(ned, df["time_to_ned"].to_numpy(float), df["pfs_months"].to_numpy(float))
    cause = np.where(ned, NED, np.where(df["progressed"].to_numpy() == 1, PROGRESSION, 0))
    return time, cause


def cumulative_incidence(time: ArrayLike, cause: ArrayLike, event: int = 1) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of ``event``, the other event types competing.

    Returns one row per distinct time of any event: ``time`` and ``cif``, the probability of having had
    ``event`` by then (a step function, right-continuous), and ``survival``, the Kaplan–Meier chance of
    being free of every event type.

    Examples
    --------
    >>> # 4 patients: NED (1) at 2, progression (2) at 3, NED at 5, censored at 6
    >>> cumulative_incidence([2, 3, 5, 6], [1, 2, 1, 0]).cif.tolist()
    [0.25, 0.25, 0.5]
    """
    t, c = _competing(time, cause)
    event = count(event, "event", low=1, high=1_000)
    if not (c == event).any():
        raise ValueError(f"event {event} occurs in no patient: no incidence to estimate")
    times = np.unique(t[c > 0])
    at_risk = len(t) - np.searchsorted(np.sort(t), times, side="left")
    d_all = np.bincount(np.searchsorted(times, t[c > 0]), minlength=len(times))
    d_k = np.bincount(np.searchsorted(times, t[c == event]), minlength=len(times))
    surv_after = np.cumprod(1 - d_all / at_risk)
    surv_before = np.r_[1.0, surv_after[:-1]]
    return pd.DataFrame({"time": times, "cif": np.cumsum(surv_before * d_k / at_risk), "survival": surv_after})


class FineGrayFit(Result):
    """A Fine–Gray subdistribution-hazard fit: ``coef``, ``summary`` (one row per covariate: coef and
    the subdistribution hazard ratio ``shr``) and ``converged``.

    No standard error is given: the inverse of the weighted partial likelihood's information ignores
    that the weights are estimated and is not Fine & Gray's variance; their sandwich estimator (which
    R's ``cmprsk::crr`` reports) is not computed here."""

    model = "Fine–Gray subdistribution hazards (no standard errors)"

    def __init__(self, names, coef, converged, n, events):
        self.coef, self.converged = coef, converged
        self.n, self.events = n, events
        self.summary = pd.DataFrame({"covariate": names, "coef": coef, "shr": np.exp(coef)})
        self.notes = () if converged else ("The fit did not converge.",)


def _censoring_before(t, c, s):
    """G(s-), the Kaplan–Meier curve of censoring just before each time in ``s``."""
    times, g = km_curve(t, (c == 0).astype(float))  # vertices: 0, then each distinct censoring time
    return g[np.searchsorted(times[1:], s, side="left")]


def fine_gray(
    time: ArrayLike,
    cause: ArrayLike,
    X: pd.DataFrame | ArrayLike,
    event: int = 1,
    *,
    names: Sequence[str] | None = None,
    max_iter: int = 50,
    tol: float = 1e-10,
) -> FineGrayFit:
    """Fine & Gray's proportional subdistribution-hazards model for ``event`` (Breslow ties).

    ``X`` is an (n, p) array or a DataFrame of covariates (no intercept). Patients with a competing
    event stay in the risk set after it, weighted by G(s-) / G(T-) at each event time s, T their own
    event time and G the Kaplan–Meier curve of censoring (left limits, as R's ``cmprsk::crr``; crr
    differs for records at time 0, where it takes G(0)). Newton–Raphson without step-halving:
    ``converged`` is False, and the coefficients not to be used, when a covariate separates the events.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = rng.integers(0, 2, 200)
    >>> t = rng.exponential(1 / np.where(x == 1, 2.0, 1.0)); cause = rng.integers(1, 3, 200)
    >>> fit = fine_gray(t, cause, x[:, None], names=["x"])
    >>> fit.converged, list(fit.summary.columns)
    (True, ['covariate', 'coef', 'shr'])
    """
    t, c = _competing(time, cause)
    event = count(event, "event", low=1, high=1_000)
    if isinstance(X, pd.DataFrame):
        names = list(X.columns) if names is None else names
        X = X.to_numpy(float)
    x = float_array(X, "X")
    if x.ndim != 2 or len(x) != len(t) or not np.isfinite(x).all():
        raise ValueError(f"X must be an (n, p) array of finite numbers with n = {len(t)}, got shape {x.shape}")
    names = [f"x{j}" for j in range(x.shape[1])] if names is None else sequence(names, "names")
    if len(names) != x.shape[1]:
        raise ValueError(f"names must give one name per column of X ({x.shape[1]}), got {len(names)}")
    max_iter, tol = count(max_iter, "max_iter", high=10_000), positive(tol, "tol")
    if not (c == event).any():
        raise ValueError(f"event {event} occurs in no patient: nothing to model")
    ev_times = np.unique(t[c == event])
    d = np.bincount(np.searchsorted(ev_times, t[c == event]), minlength=len(ev_times))
    xsum = np.zeros((len(ev_times), x.shape[1]))
    np.add.at(xsum, np.searchsorted(ev_times, t[c == event]), x[c == event])
    # weight of patient j in the risk set at each event time s: 1 while event-free, and after a
    # competing event G(s-) / G(T_j-) (crr's convention); 0 after censoring or the event of interest
    competing = (c > 0) & (c != event)
    g_s, g_t = _censoring_before(t, c, ev_times), _censoring_before(t, c, t)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(
            t[None, :] >= ev_times[:, None], 1.0, np.where(competing[None, :], g_s[:, None] / g_t[None, :], 0.0)
        )
    beta, converged = np.zeros(x.shape[1]), False
    for _ in range(max_iter):
        risk = w * np.exp(x @ beta)[None, :]
        s0 = risk.sum(1)
        s1 = risk @ x
        s2 = np.einsum("sj,jp,jq->spq", risk, x, x)
        mean = s1 / s0[:, None]
        score = (xsum - d[:, None] * mean).sum(0)
        info = (d[:, None, None] * (s2 / s0[:, None, None] - mean[:, :, None] * mean[:, None, :])).sum(0)
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            raise ValueError("X: the information matrix is singular (a constant or collinear covariate)") from None
        beta = beta + step
        if np.abs(step).max() < tol:
            converged = True
            break
    return FineGrayFit(names, beta, converged, len(t), int(d.sum()))
