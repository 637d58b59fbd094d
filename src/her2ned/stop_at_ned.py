"""Stop anti-HER2 therapy at NED, or continue? A target trial and its clone–censor–weight emulation.

Everything here is synthetic and every number in the model below is an assumption: no source reports
how often, or how soon, women with NED on maintenance trastuzumab stop it, or what stopping does.

**The target trial** (Hernán & Robins, *What If*, ch. 22): eligible are women with confirmed NED on
maintenance anti-HER2 therapy; time zero is the date NED is confirmed; the strategies are "stop within
``grace_months``" and "continue"; the outcome is progression, followed for ``horizon_months``. With a
grace period the "stop" strategy means: stop when the clinic would, if within the grace period, and at its
end otherwise.

**The world** (:class:`StopTrialParams`): from time zero each woman has a Weibull hazard of progression
on therapy, times ``hr_marker`` if she has a favourable prognostic marker, times ``hr_stop`` from the
day she stops. In the observed world women stop at an exponential rate, ``rr_stop_marker`` times as fast
with the favourable marker: clinicians stop more readily for those doing well, so stopping is confounded
by the marker. Given the marker, when she stops is independent of her progression.

**The emulation** (Hernán 2018, *BMJ* 360:k182; Maringe et al. 2020, *Int J Epidemiol* 49:1719):
each woman is cloned into both arms. A "continue" clone is censored when she stops; a "stop" clone is
censored at the end of the grace period if she has not stopped by then. Artificial censoring depends on
the marker, so the remaining clones are weighted by the inverse probability of remaining uncensored given
the marker: for "continue", one over the Kaplan–Meier probability of not having stopped (within her
marker group), for "stop", one over the share who had stopped among those still at risk at the end of
the grace period (within her marker group). Unweighted, the same clones estimate the same trial with a
bias: their artificial censoring is informative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ._arguments import months, rng_from_seed
from .estimands import trial_hr
from .fastcox import cox_binary_weighted
from .models.fast import Z_95, km_curve, km_rmst

__all__ = ["StopTrialParams", "simulate_stop_cohort", "true_stop_effect", "clone_censor_weight", "emulate_stop_trial"]

_ARMS = {1: "stop", 0: "continue"}


@dataclass(frozen=True)
class StopTrialParams:
    """The synthetic world of the stop-at-NED trial; every default is an assumption.

    Examples
    --------
    >>> StopTrialParams(hr_stop=2.0).hr_stop
    2.0
    >>> StopTrialParams(grace_months=-1)
    Traceback (most recent call last):
    ...
    ValueError: grace_months must be > 0, got -1
    """

    n: int = 1000  # women with confirmed NED
    median_pfs_months: float = 60.0  # on continued therapy, without the favourable marker
    weibull_shape: float = 1.0  # 1: a constant hazard from NED on
    hr_stop: float = 1.5  # progression hazard once stopped vs continuing
    p_marker: float = 0.5  # share with the favourable marker
    hr_marker: float = 0.5  # progression hazard with the marker vs without
    stop_per_year: float = 0.5  # stopping rate without the marker
    rr_stop_marker: float = 3.0  # stopping rate with the marker / without (the confounding)
    grace_months: float = 3.0
    horizon_months: float = 60.0  # follow-up from time zero (administrative censoring)

    def __post_init__(self):
        if isinstance(self.n, bool) or not isinstance(self.n, (int, np.integer)):
            raise TypeError(f"n must be an integer, got {type(self.n).__name__}")
        if not 20 <= self.n <= 2_000_000:
            raise ValueError(f"n must be between 20 and 2,000,000, got {self.n}")
        for f in fields(self):
            if f.name == "n":
                continue
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise TypeError(f"{f.name} must be a number, got {type(v).__name__}")
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{f.name} must be > 0, got {v}")
        if not 0 < self.p_marker < 1:
            raise ValueError(f"p_marker must be a share strictly between 0 and 1, got {self.p_marker}")
        if self.grace_months >= self.horizon_months:
            raise ValueError(
                f"grace_months ({self.grace_months}) must be shorter than horizon_months ({self.horizon_months})"
            )


def _check(params) -> StopTrialParams:
    if params is None:
        return StopTrialParams()
    if not isinstance(params, StopTrialParams):
        raise TypeError(f"params must be a StopTrialParams, got {type(params).__name__}")
    return params


def _draw(p: StopTrialParams, rng: np.random.Generator, n: int):
    """Marker, natural stopping time, the progression budget and the progression time given a stop time."""
    u = rng.random((n, 3))
    marker = (u[:, 0] < p.p_marker).astype(np.int8)
    rate = p.stop_per_year / 12.0 * np.where(marker == 1, p.rr_stop_marker, 1.0)
    stop = -np.log(u[:, 1]) / rate
    budget = -np.log(u[:, 2]) / np.where(marker == 1, p.hr_marker, 1.0)  # in units of the baseline
    k = p.weibull_shape
    scale = p.median_pfs_months / math.log(2.0) ** (1.0 / k)

    def progression(stop_at):
        """Progression time if she stops at ``stop_at`` (inf: never): hazard hr_stop x baseline after it."""
        with np.errstate(over="ignore", invalid="ignore"):
            h_stop = np.where(np.isfinite(stop_at), (np.minimum(stop_at, 1e12) / scale) ** k, np.inf)
        h = np.where(budget <= h_stop, budget, h_stop + (budget - np.minimum(budget, h_stop)) / p.hr_stop)
        return scale * h ** (1.0 / k)

    return marker, stop, progression


def simulate_stop_cohort(params: StopTrialParams | None = None, *, seed: int | np.random.Generator) -> pd.DataFrame:
    """One synthetic observational cohort: women followed from confirmed NED, stopping when they do.

    Returns
    -------
    pandas.DataFrame
        ``patient, marker (0/1), stop_months`` (NaN if she had not stopped when follow-up ended),
        ``pfs_months`` (progression or the horizon), ``progressed (0/1)``.

    Examples
    --------
    >>> c = simulate_stop_cohort(StopTrialParams(n=200), seed=1)
    >>> list(c.columns), bool(c.attrs["synthetic"])
    (['patient', 'marker', 'stop_months', 'pfs_months', 'progressed'], True)
    """
    p = _check(params)
    marker, stop, progression = _draw(p, rng_from_seed(seed), p.n)
    t = progression(stop)
    pfs = np.minimum(t, p.horizon_months)
    out = pd.DataFrame(
        {
            "patient": np.arange(p.n),
            "marker": marker,
            "stop_months": np.where(stop < pfs, stop, np.nan),
            "pfs_months": pfs,
            "progressed": (t <= p.horizon_months).astype(np.int8),
        }
    )
    out.attrs["synthetic"] = True
    return out


def true_stop_effect(
    params: StopTrialParams | None = None, *, seed: int | np.random.Generator, n: int = 400_000
) -> pd.DataFrame:
    """The target trial's true values, from both potential outcomes of every simulated woman.

    "Stop" means stopping at her natural time if it falls within the grace period and at its end
    otherwise; "continue" means never stopping. Both outcomes use the same draw.

    Returns
    -------
    pandas.DataFrame
        Index ``rmst_stop, rmst_continue, rmst_difference`` (restricted mean PFS to the horizon, months;
        difference stop minus continue) and ``trial_hr`` (one Cox model on the two arms); columns
        ``value`` and ``mc_se`` (Monte Carlo standard error; for the HR, of its logarithm, from 20
        batches).

    Examples
    --------
    >>> t = true_stop_effect(StopTrialParams(hr_stop=1.0), seed=1, n=10_000)
    >>> round(float(t.loc["rmst_difference", "value"]), 9)
    0.0
    """
    p = _check(params)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 10_000 <= n <= 5_000_000:
        raise ValueError(f"n must be an integer from 10,000 to 5,000,000, got {n!r}")
    _, stop, progression = _draw(p, rng_from_seed(seed), n)
    h = p.horizon_months
    t_stop = progression(np.minimum(stop, p.grace_months))
    t_cont = progression(np.full(n, np.inf))
    a, b = np.minimum(t_stop, h), np.minimum(t_cont, h)
    d = a - b
    if p.hr_stop == 1.0:  # the two arms are the same women with the same times
        hr, se = 1.0, 0.0
    else:
        hr, se = trial_hr(a, t_stop <= h, b, t_cont <= h)
    return pd.DataFrame(
        {
            "value": [a.mean(), b.mean(), d.mean(), hr],
            "mc_se": [a.std(ddof=1) / math.sqrt(n), b.std(ddof=1) / math.sqrt(n), d.std(ddof=1) / math.sqrt(n), se],
        },
        index=pd.Index(["rmst_stop", "rmst_continue", "rmst_difference", "trial_hr"], name="estimand"),
    )


def _cohort(cohort) -> pd.DataFrame:
    need = ["patient", "marker", "stop_months", "pfs_months", "progressed"]
    if not isinstance(cohort, pd.DataFrame):
        raise TypeError(f"cohort must be a DataFrame (from simulate_stop_cohort), got {type(cohort).__name__}")
    missing = [c for c in need if c not in cohort]
    if missing:
        raise ValueError(f"cohort lacks column(s) {missing}; expected {need} (from simulate_stop_cohort)")
    if not (cohort["stop_months"].isna() | (cohort["stop_months"] < cohort["pfs_months"])).all():
        raise ValueError("cohort stop_months must be NaN or earlier than pfs_months")
    return cohort


def _km_not_stopped(cohort: pd.DataFrame) -> dict:
    """Per marker group: Kaplan–Meier vertices (times, probability of not having stopped); stopping is
    the event, progression and the end of follow-up censor it."""
    curves = {}
    for m, g in cohort.groupby("marker"):
        stopped = g["stop_months"].notna().to_numpy()
        curves[m] = km_curve(np.where(stopped, g["stop_months"], g["pfs_months"]), stopped.astype(float))
    return curves


def clone_censor_weight(
    cohort: pd.DataFrame, *, grace_months: float = 3.0, interval_months: float = 1.0, weighted: bool = True
) -> pd.DataFrame:
    """The cloned, censored and weighted counting-process rows of the emulated trial.

    Parameters
    ----------
    cohort : DataFrame
        From :func:`simulate_stop_cohort`.
    grace_months : float
        The grace period of the "stop" strategy.
    interval_months : float
        "Continue" clones are split into intervals this long, each weighted by one over the probability
        of not having stopped by its start.
    weighted : bool
        False gives every row weight 1 (the naive per-protocol analysis).

    Returns
    -------
    pandas.DataFrame
        ``clone`` (patient id x 2 + arm), ``patient``, ``arm`` (1 stop, 0 continue), ``start``, ``stop``,
        ``event``, ``weight``.

    Examples
    --------
    >>> c = simulate_stop_cohort(StopTrialParams(n=300), seed=2)
    >>> rows = clone_censor_weight(c)
    >>> sorted(rows["arm"].unique().tolist())
    [0, 1]
    """
    c = _cohort(cohort)
    grace_months = months(grace_months, "grace_months")
    interval_months = months(interval_months, "interval_months")
    if not isinstance(weighted, bool):
        raise TypeError(f"weighted must be True or False, got {weighted!r}")
    pid, marker = c["patient"].to_numpy(), c["marker"].to_numpy()
    pfs, prog = c["pfs_months"].to_numpy(float), c["progressed"].to_numpy().astype(bool)
    stop = c["stop_months"].to_numpy(float)
    stopped = ~np.isnan(stop)

    # "continue": followed until she stops (censored then) or progresses; split into intervals
    end = np.where(stopped, stop, pfs)
    event = prog & ~stopped
    n_int = np.ceil(end / interval_months).astype(int)
    idx = np.repeat(np.arange(len(c)), n_int)
    k = np.arange(idx.size) - np.repeat(np.cumsum(n_int) - n_int, n_int)
    start = k * interval_months
    finish = np.minimum(start + interval_months, end[idx])
    last = k == n_int[idx] - 1
    w = np.ones(idx.size)
    if weighted:
        curves = _km_not_stopped(c)
        for m, (times, surv) in curves.items():
            sel = marker[idx] == m
            p_on = surv[np.maximum(np.searchsorted(times, start[sel], side="right") - 1, 0)]
            if (p_on <= 0).any():
                raise ValueError(
                    f"in marker group {m} every woman still followed had stopped by "
                    f"{start[sel][p_on <= 0].min():g} months: no 'continue' clone is left to weight"
                )
            w[sel] = 1.0 / p_on
    cont = pd.DataFrame(
        {
            "patient": pid[idx],
            "arm": 0,
            "start": start,
            "stop": finish,
            "event": (event[idx] & last).astype(int),
            "weight": w,
        }
    )

    # "stop": compliant through the grace period; censored at its end unless she had stopped by then
    g = float(grace_months)
    by_grace = stopped & (stop <= g)
    in_grace_end = np.minimum(pfs, g)
    first = pd.DataFrame(
        {
            "patient": pid,
            "arm": 1,
            "start": 0.0,
            "stop": in_grace_end,
            "event": (prog & (pfs <= g)).astype(int),
            "weight": 1.0,
        }
    )
    after = by_grace & (pfs > g)
    w_after = np.ones(int(after.sum()))
    if weighted:
        at_risk = pfs > g
        for m in np.unique(marker):
            sel_risk = at_risk & (marker == m)
            share = (by_grace & sel_risk).sum() / max(sel_risk.sum(), 1)
            if share == 0 and (after & (marker == m)).any():
                raise ValueError("no one in a marker group stopped within the grace period: no weights")
            w_after[marker[after] == m] = 1.0 / share if share > 0 else 1.0
    second = pd.DataFrame(
        {
            "patient": pid[after],
            "arm": 1,
            "start": g,
            "stop": pfs[after],
            "event": prog[after].astype(int),
            "weight": w_after,
        }
    )
    rows = pd.concat([cont, first, second], ignore_index=True)
    rows = rows[rows["stop"] > rows["start"]]
    rows.insert(0, "clone", rows["patient"] * 2 + rows["arm"])
    return rows.sort_values(["clone", "start"], kind="stable").reset_index(drop=True)


def _weighted_rmst(rows: pd.DataFrame, horizon: float) -> float:
    times, surv = km_curve(
        rows["stop"].to_numpy(float),
        rows["event"].to_numpy(float),
        entry=rows["start"].to_numpy(float),
        weights=rows["weight"].to_numpy(float),
    )
    return km_rmst(times, surv, horizon)


def emulate_stop_trial(
    cohort: pd.DataFrame, *, grace_months: float = 3.0, horizon_months: float = 60.0, hazard_ratio: bool = True
) -> pd.DataFrame:
    """Three analyses of one observational cohort against the stop-at-NED target trial.

    ``ever_stopped``: women who ever stopped vs never, from time zero (immortal time: a woman must be
    progression-free to stop). ``ccw_unweighted``: cloned and censored, no weights. ``ccw_weighted``: the
    emulation, weighted for the marker.

    Returns
    -------
    pandas.DataFrame
        Index: analysis. ``rmst_difference`` (stop minus continue, months, from weighted Kaplan–Meier
        curves), and with ``hazard_ratio`` the ``hr`` with its ``ci_low, ci_high``, ``log_hr`` and ``se``
        (weighted Cox, robust variance clustered on the woman: :func:`her2ned.fastcox.cox_binary_weighted`,
        as R's ``coxph(Surv(start, stop, event) ~ arm + cluster(patient), weights = weight)``; lifelines'
        sandwich with delayed-entry rows differs from R's, cf. lifelines issue #1599).

    Examples
    --------
    >>> c = simulate_stop_cohort(StopTrialParams(n=400), seed=3)
    >>> emulate_stop_trial(c, hazard_ratio=False).index.tolist()
    ['ever_stopped', 'ccw_unweighted', 'ccw_weighted']
    """
    c = _cohort(cohort)
    horizon_months = months(horizon_months, "horizon_months")
    if not isinstance(hazard_ratio, bool):
        raise TypeError(f"hazard_ratio must be True or False, got {hazard_ratio!r}")
    ever = c["stop_months"].notna().astype(int)
    naive = pd.DataFrame(
        {
            "clone": c["patient"],
            "patient": c["patient"],
            "arm": ever,
            "start": 0.0,
            "stop": c["pfs_months"],
            "event": c["progressed"],
            "weight": 1.0,
        }
    )
    analyses = {
        "ever_stopped": naive,
        "ccw_unweighted": clone_censor_weight(c, grace_months=grace_months, weighted=False),
        "ccw_weighted": clone_censor_weight(c, grace_months=grace_months),
    }
    out = {}
    for name, rows in analyses.items():
        r = {
            "rmst_difference": _weighted_rmst(rows[rows.arm == 1], horizon_months)
            - _weighted_rmst(rows[rows.arm == 0], horizon_months)
        }
        if hazard_ratio:
            # start-stop rows; a woman's two clones share a cluster
            fit = cox_binary_weighted(
                rows["stop"], rows["event"], rows["arm"], rows["weight"], entry=rows["start"], cluster=rows["patient"]
            )
            if not fit.converged:
                raise ValueError(f"{name}: the Cox model has no finite estimate (no events in one arm)")
            beta, se = fit.beta, fit.se
            r.update(
                hr=math.exp(beta),
                ci_low=math.exp(beta - Z_95 * se),
                ci_high=math.exp(beta + Z_95 * se),
                log_hr=beta,
                se=se,
            )
        out[name] = r
    res = pd.DataFrame.from_dict(out, orient="index")
    res.index.name = "analysis"
    res.attrs["synthetic"] = True
    return res
