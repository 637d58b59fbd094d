"""Part 3 of the reconstruction: progression-free times and progression flags meeting the survival
targets (Kaplan–Meier medians, log-rank p, Cox hazard ratio and p)."""

from __future__ import annotations

from collections.abc import Callable

import math

import numpy as np
from numpy.typing import ArrayLike

from ..models.fast import wald_p, cox_fit, km_curve, km_median, logrank_statistic
from ..study_design import THRESHOLD_MONTHS as T0  # every patient entered progression-free at T0
from ..targets import ReconstructionError
from .assumptions import ASSUMPTIONS, Assumptions, _binary, _search_args
from .tog_targets import targets_from_claims  # noqa: F401  (the examples use it)

__all__ = ["search_pfs"]


def _cox_p(t, e, X):
    """The Cox fit's coefficients and Wald p-values, or None for a draw the search rejects: no finite maximum,
    or a coefficient past ±10 (a hazard ratio beyond 22,000: a separating draw)."""
    b, se = cox_fit(t, e, X)
    if not np.isfinite(b).all() or np.abs(b).max() > 10:
        return None
    return b, wald_p(b, se)


def _warp(t, m, gamma):
    return T0 + (m - T0) * ((t - T0) / (m - T0)) ** gamma


def _draw_free(rng, ned, medians, assumptions):
    """Exit times and progression flags drawn separately (any censoring pattern), each group's times
    rescaled to its published median. Returns ``gamma -> (times, events)`` or None for a failed draw."""
    t = np.zeros(len(ned))
    e = np.zeros(len(ned), dtype=int)
    (lo_e1, hi_e1), (lo_e0, hi_e0) = assumptions.ned_events_range, assumptions.non_ned_events_range
    m1, m0 = medians
    for g, target, d, scale, a in (
        (1, m1, int(rng.integers(lo_e1, hi_e1 + 1)), rng.uniform(60, 160), rng.uniform(0, 4)),
        (0, m0, int(rng.integers(lo_e0, hi_e0 + 1)), rng.uniform(30, 90), rng.uniform(-1, 1.5)),
    ):
        idx = np.nonzero(ned == g)[0]
        ex = np.sort(T0 + scale * rng.weibull(rng.uniform(1, 2), len(idx)))
        w = (np.arange(len(idx)) + 1.0) ** a
        ev = rng.choice(len(idx), min(d, len(idx)), replace=False, p=w / w.sum())
        eg = np.zeros(len(idx), dtype=int)
        eg[ev] = 1
        m = km_median(*km_curve(ex, eg))
        if not np.isfinite(m) or m <= T0:
            return None
        tg = T0 + (ex - T0) * (target - T0) / (m - T0)
        perm = rng.permutation(len(idx))
        t[idx], e[idx] = tg[perm], eg[perm]

    def at(gamma):
        tt = t.copy()
        tt[ned == 1] = _warp(t[ned == 1], m1, gamma)
        return tt, e

    return at


def _accrual_starts(rng, n, window, growth):
    """Calendar times of the start of therapy: density growing as exp(growth * year) on the window
    (uniform when growth = 0), drawn by its inverse CDF."""
    a0, a1 = window
    u = rng.random(n)
    return a0 + (np.log1p(u * math.expm1(growth * (a1 - a0))) / growth if growth > 0 else u * (a1 - a0))


def _draw_accrual(rng, ned, medians, assumptions):
    """The follow-up model: censoring at the data cut or at a loss, progression times from a Weibull
    shape per group whose scale is bisected to the published Kaplan–Meier median. Returns
    ``gamma -> (times, events)`` (gamma warps the NED group's progression times around its median)
    or None for a failed draw."""
    n = len(ned)
    start = _accrual_starts(rng, n, assumptions.accrual_window, assumptions.accrual_growth_per_year)
    censor = 12 * (assumptions.data_cut - start)  # administrative, months
    if assumptions.loss_rate_per_year > 0:
        censor = np.minimum(censor, T0 + rng.exponential(12 / assumptions.loss_rate_per_year, n))
    latent = np.zeros(n)
    for g, target in ((1, medians[0]), (0, medians[1])):
        idx = np.nonzero(ned == g)[0]
        u = rng.weibull(rng.uniform(*assumptions.weibull_shape_range), len(idx))
        lo, hi = math.log(1.0), math.log(5000.0)
        for _ in range(40):  # the Kaplan–Meier median rises with the scale
            s_ = math.exp((lo + hi) / 2)
            tg = T0 + s_ * u
            m = km_median(*km_curve(np.minimum(tg, censor[idx]), (tg <= censor[idx]).astype(int)))
            if not np.isfinite(m) or m > target:
                hi = math.log(s_)
            else:
                lo = math.log(s_)
        if not (np.isfinite(m) and abs(m - target) <= 1.0):  # the median moves in steps; tolerance ± 2
            return None
        latent[idx] = tg
    m1 = medians[0]

    def at(gamma):
        tt = latent.copy()
        tt[ned == 1] = _warp(latent[ned == 1], m1, gamma)
        return np.minimum(tt, censor), (tt <= censor).astype(int)

    return at


def search_pfs(
    rng: np.random.Generator,
    targets: dict,
    ned: ArrayLike,
    local_therapy: ArrayLike,
    tp: ArrayLike,
    *,
    assumptions: Assumptions = ASSUMPTIONS,
    draws: int = 3000,
    prefer: Callable[[np.ndarray, np.ndarray, np.ndarray], float] | None = None,
    trace: list | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Progression-free times (≥ 36 months) and progression flags meeting the survival targets.

    Returns ``(pfs_months, progressed, distances)``; every time is at least 36 months.

    By default the first draw well inside every tolerance is kept. ``prefer``, a function
    ``(pfs_months, progressed, ned) -> float``, turns the search towards an extreme instead: every draw
    is tried and, of those meeting every target, the one with the smallest value is kept. ``trace``, a
    list, receives ``(pfs_months, progressed, values)`` for every draw that reached the hazard ratio
    (``values`` maps each survival target to its value), to study what a follow-up model allows; with a
    ``trace`` every draw is tried.

    Examples
    --------
    >>> import numpy as np
    >>> from her2ned.datasets import load_csv
    >>> df = load_csv("reconstructed", "tog2026_cohort.csv")
    >>> t, e, dist = search_pfs(np.random.default_rng(3), targets_from_claims(), df.ned,
    ...                         df.local_therapy, (df.regimen == "T+P").astype(int))
    >>> bool(t.min() >= 36), max(dist.values()) <= 1
    (True, True)
    """
    _search_args(rng, targets, assumptions, draws=draws)
    ned, local_therapy, tp = _binary(ned, "ned"), _binary(local_therapy, "local_therapy"), _binary(tp, "tp")
    if not len(ned) == len(local_therapy) == len(tp):
        raise ValueError(
            f"ned, local_therapy and tp must have one value per patient, got lengths "
            f"{len(ned)}, {len(local_therapy)}, {len(tp)}"
        )
    if prefer is not None and not callable(prefer):
        raise TypeError(f"prefer must be None or a function (pfs_months, progressed, ned) -> float, got {prefer!r}")
    if trace is not None and not isinstance(trace, list):
        raise TypeError(f"trace must be None or a list, got {type(trace).__name__}")
    X = np.column_stack([ned, local_therapy, tp]).astype(float)
    m1, m0 = targets["tog_pfs_median_ned"].published, targets["tog_pfs_median_non_ned"].published
    t_hr = targets["tog_hr_ned"]
    names = [
        "tog_pfs_median_ned",
        "tog_pfs_median_non_ned",
        "tog_pfs_p",
        "tog_hr_ned",
        "tog_hr_ned:p",
        "tog_local_therapy_ns",
        "tog_regimen_ns",
    ]
    dec = assumptions.pfs_decimals
    best = (math.inf, None)

    def evaluate(t, e):
        t = np.round(t, dec)
        if len(np.unique(t[e == 1])) < e.sum():
            return None
        fit = _cox_p(t, e, X)
        if fit is None:
            return None
        b, p = fit
        vals = [
            km_median(*km_curve(t[ned == 1], e[ned == 1])),
            km_median(*km_curve(t[ned == 0], e[ned == 0])),
            logrank_statistic(t, e, ned)[1],
            math.exp(b[0]),
            p[0],
            p[1],
            p[2],
        ]
        d = [targets[k].distance(v) for k, v in zip(names, vals)]
        return t, e.copy(), vals, d

    draw = _draw_accrual if assumptions.pfs_model == "accrual" else _draw_free
    for _ in range(draws):
        at = draw(rng, ned, (m1, m0), assumptions)
        if at is None:
            continue
        # bisection on the warp of the NED group's times: the hazard ratio rises with gamma
        lo, hi = math.log(0.3), math.log(3.0)
        cand = None
        for _ in range(25):
            gm = (lo + hi) / 2
            tt, ee = at(math.exp(gm))
            if tt.max() > assumptions.max_followup_months:
                hi = gm
                continue
            r = evaluate(tt, ee)
            if r is None:
                break
            hr = r[2][3]
            if abs(hr - t_hr.published) <= 0.3 * t_hr.tol:
                cand = r
                break
            if hr < t_hr.published:
                lo = gm
            else:
                hi = gm
        if trace is not None and cand is not None:
            trace.append((cand[0], cand[1], dict(zip(names, cand[2]))))
        if cand is None or cand[0][ned == 1].max() < m1 + assumptions.followup_beyond_ned_median_months:
            continue
        score = max(cand[3])
        if prefer is not None:  # best[0] then holds the preferred value of the best draw so far
            if score <= 1 and (v := prefer(cand[0], cand[1], ned)) < best[0]:
                best = (v, cand)
            continue
        if score < best[0]:
            best = (score, cand)
        if score <= 0.8 and trace is None:
            break
    if best[1] is None:
        raise ReconstructionError(
            f"PFS search: no draw in {draws} reached claim 'tog_hr_ned' (HR {t_hr.published})", ["tog_hr_ned"]
        )
    t, e, vals, d = best[1]
    dist = {k: float(v) for k, v in zip(names, d)}
    missed = sorted((k for k, v in dist.items() if v > 1), key=lambda k: -dist[k])  # worst first
    if missed:
        raise ReconstructionError(
            "PFS search: could not meet claim(s) "
            + ", ".join(missed)
            + f" within {draws} draws; distances: "
            + ", ".join(f"{k}={dist[k]:.2f}" for k in missed),
            missed,
            closest=(t, e),
        )
    return t, e, dist
