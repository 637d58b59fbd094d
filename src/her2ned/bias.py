"""The selection-and-time bias lab: five ways to estimate "the effect of NED", side by side.

Every population here comes from :mod:`her2ned.simulate` and is synthetic. Because we simulate, the
effect of NED is known: from the moment a patient reaches NED her hazard of progression is
multiplied by ``params.hr_ned`` (a time-varying effect; the marginal estimands this implies are
valued in :mod:`her2ned.estimands`). The estimators (Anderson 1983; Giobbie-Hurder 2013):

``naive``
    Whole population, NED *ever* vs never, time from the start of first-line therapy. Patients who
    reach NED late must first survive progression-free until then: that guaranteed (immortal) time
    is credited to the NED group, so NED looks protective even when it does nothing.
``study``
    The study's design: only those progression-free at the threshold (36 months), NED ever vs never,
    time from the start.
``left_truncated``
    The same selection analysed as delayed entry at the threshold (risk sets start at 36 months).
    In a Cox model this gives *exactly* the study estimate: nobody selected has an event before 36
    months, so every risk set is unchanged. Left truncation is the right likelihood for delayed entry,
    but it cannot undo classifying patients by a status they reach after entry.
``landmark``
    Whole population still progression-free at the landmark ``L``; NED status *at* ``L``; time from ``L``.
``time_dependent``
    Whole population, NED as a time-dependent covariate: each patient contributes start-stop rows,
    non-NED time before NED and NED time after (lifelines ``CoxTimeVaryingFitter`` semantics).
``entry_time_dependent``
    What the study itself could have run: its own cohort (progression-free at the threshold),
    delayed entry at the threshold, NED as a time-dependent covariate from entry (a patient who
    reached NED before entry counts as NED from entry).
``adjusted_time_dependent``
    Everyone, NED time-dependent, stratified by disease type and regimen (``indolent`` and ``tp``):
    the simulator's progression hazard is exactly proportional within these four strata (when
    ``cure_fraction`` is 0, its default), so this estimates ``hr_ned`` whatever the confounding.
    No real study records the disease type; the estimator shows what adjusting would need, not
    what a study can do.

The first five (:data:`CLASSIC_ESTIMATORS`) are the lab's original comparison. The estimands they
are scored against are in :mod:`her2ned.estimands`. All are Cox models with one binary covariate,
fitted by :func:`her2ned.fastcox.cox_binary` (agreeing with lifelines to 1e-6, see
``tests/test_fastcox.py``) for all Monte Carlo replicates at once. :func:`lifelines_estimates` is
the slow reference path with lifelines itself.
:func:`monte_carlo` hands its chunks of replicates to joblib (this process, local processes, or a Dask
cluster under ``joblib.parallel_config(backend="dask")``); each replicate draws from its own
``numpy.random.SeedSequence`` child, so the numbers do not depend on where the chunks ran.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._arguments import count, flag, generator, months, positive, rng_from_seed, sequence
from .fastcox import cox_binary
from .models.fast import Z_95
from .results import Result, table_html
from .simulate import SimulationParams, simulate_arrays
from .study_design import THRESHOLD_MONTHS

if TYPE_CHECKING:  # joblib is imported when a Monte Carlo study runs
    from joblib.parallel import ParallelBackendBase

__all__ = [
    "ESTIMATORS",
    "CLASSIC_ESTIMATORS",
    "ESTIMATOR_LABELS",
    "ESTIMATOR_NAMES",
    "DEFAULT_LANDMARK_MONTHS",
    "estimator_rows",
    "estimate_all",
    "compare_estimators",
    "monte_carlo",
    "MonteCarloResult",
    "summarise_replicates",
    "summarise_against",
    "lifelines_estimates",
    "predictor_odds_ratios",
    "induced_association",
    "simulate_with_grade_effect",
]

CLASSIC_ESTIMATORS = ("naive", "study", "left_truncated", "landmark", "time_dependent")
ESTIMATORS = CLASSIC_ESTIMATORS + ("entry_time_dependent", "adjusted_time_dependent")

ESTIMATOR_LABELS = {
    "naive": "(a) naive: NED ever vs never, from start, everyone",
    "study": "(b) study design: PF at threshold, NED ever, from start",
    "left_truncated": "(c) delayed entry: the same selection, at risk from the threshold",
    "landmark": "(d) landmark: NED status at L, time from L",
    "time_dependent": "(e) time-dependent: NED as a covariate from start, everyone",
    "entry_time_dependent": "(f) from entry: study cohort, NED time-dependent from threshold",
    "adjusted_time_dependent": "(g) stratified: (e) within disease type and regimen (the confounder)",
}

#: The labels' short names (before the colon), for figures and compact tables.
ESTIMATOR_NAMES = {e: label.split(":")[0] for e, label in ESTIMATOR_LABELS.items()}

#: Landmark time used when none is given. An assumption of this book: 24 months is early enough
#: that most patients are still at risk and late enough that most NED (median 9 months in the
#: simulator's default) has happened. No source prescribes it.
DEFAULT_LANDMARK_MONTHS = 24.0

_REQUIRED = ("ned", "time_to_ned", "pfs_months", "progressed")
#: what ``adjusted_time_dependent`` stratifies on (from :func:`her2ned.simulate.simulate_arrays`)
_CONFOUNDERS = ("indolent", "tp")

#: Replicates fitted at once at most (``monte_carlo`` allows 100,000 replicates in all).
_MAX_GROUPS = 100_000


def _arrays(population) -> dict[str, np.ndarray]:
    """The required columns, and the confounders where the population has them."""
    if isinstance(population, pd.DataFrame):
        missing = [c for c in _REQUIRED if c not in population.columns]
        if missing:
            raise ValueError(f"population is missing column(s) {missing}; expected {list(_REQUIRED)}")
        return {c: population[c].to_numpy() for c in (*_REQUIRED, *_CONFOUNDERS) if c in population.columns}
    if isinstance(population, Mapping):
        missing = [c for c in _REQUIRED if c not in population]
        if missing:
            raise ValueError(f"population is missing key(s) {missing}; expected {list(_REQUIRED)}")
        return {c: np.asarray(population[c]) for c in (*_REQUIRED, *_CONFOUNDERS) if c in population}
    raise TypeError(
        "population must be a DataFrame (simulate_population) or a dict of arrays "
        f"(simulate_arrays), got {type(population).__name__}"
    )


def _replicate_ids(group, n: int) -> np.ndarray:
    """``group`` (None: one population) as int64 replicate ids, one per patient, 0 to _MAX_GROUPS - 1."""
    if group is None:
        return np.zeros(n, dtype=np.int64)
    g = np.asarray(group) if isinstance(group, (list, tuple, np.ndarray, pd.Series)) else None
    if g is None or g.shape != (n,):
        got = type(group).__name__ if g is None else f"shape {g.shape}"
        raise ValueError(f"group must be an array with one replicate id per patient ({n}), got {got}")
    # integer-valued floats were always accepted (cast to int64)
    integral = g.dtype.kind in "iu" or (g.dtype.kind == "f" and np.isfinite(g).all() and (g == np.round(g)).all())
    if not integral:
        raise TypeError(f"group must hold integer replicate ids, got values of type {g.dtype}")
    if g.size and not (g.min() >= 0 and g.max() < _MAX_GROUPS):
        raise ValueError(f"group ids must be integers from 0 to {_MAX_GROUPS - 1:,}, got {g.min()} to {g.max()}")
    return g.astype(np.int64)


def _estimators(estimators) -> list:
    chosen = sequence(estimators, "estimators")
    if not chosen:
        raise ValueError(f"estimators must name at least one of {ESTIMATORS}")
    for e in chosen:
        if not isinstance(e, str) or e not in ESTIMATORS:
            raise ValueError(f"estimators must be drawn from {ESTIMATORS}, got {e!r}")
    return chosen


def estimator_rows(
    population: pd.DataFrame | Mapping[str, ArrayLike],
    estimator: str,
    *,
    threshold_months: float = THRESHOLD_MONTHS,
    landmark_months: float = DEFAULT_LANDMARK_MONTHS,
    group: ArrayLike | None = None,
) -> dict[str, np.ndarray]:
    """The Cox rows (``entry, stop, event, x, group``) that one estimator fits.

    Parameters
    ----------
    population : DataFrame or dict of arrays
        Needs ``ned, time_to_ned, pfs_months, progressed`` (as from :mod:`her2ned.simulate`).
    estimator : str
        One of :data:`ESTIMATORS`.
    threshold_months : float
        Selection threshold for ``study`` and ``left_truncated`` (TOG 2026: 36; HER-OS: 24).
    landmark_months : float
        Landmark time for ``landmark``.
    group : array-like of int, optional
        Replicate id per patient (Monte Carlo); default: one population.

    Returns
    -------
    dict of numpy.ndarray
        ``entry`` is ``-inf`` where the row is at risk from the time origin; ``patient`` is the
        row's index in ``population``; ``strata`` is present
        for ``adjusted_time_dependent`` only (``2 * indolent + tp``).

    Examples
    --------
    >>> pop = {"ned": [1, 0], "time_to_ned": [5.0, np.nan], "pfs_months": [40.0, 20.0],
    ...        "progressed": [1, 1]}
    >>> rows = estimator_rows(pop, "time_dependent")
    >>> rows["entry"].tolist(), rows["stop"].tolist(), rows["x"].tolist()
    ([-inf, -inf, 5.0], [5.0, 20.0, 40.0], [0, 0, 1])
    """
    if not isinstance(estimator, str) or estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    thr = months(threshold_months, "threshold_months")
    lm = months(landmark_months, "landmark_months")
    a = _arrays(population)
    ned = a["ned"].astype(bool)
    tned = a["time_to_ned"].astype(float)
    pfs = a["pfs_months"].astype(float)
    prog = a["progressed"].astype(bool)
    n = pfs.shape[0]
    g = _replicate_ids(group, n)
    if np.any(ned & ~(tned < pfs)):
        raise ValueError("time_to_ned must be earlier than pfs_months for every patient with ned = 1")
    ninf = np.full(n, -np.inf)
    pid = np.arange(n)
    if estimator == "naive":
        keep = np.ones(n, bool)
        rows = dict(entry=ninf, stop=pfs, event=prog, x=ned.astype(np.int8), group=g, patient=pid)
    elif estimator in ("study", "left_truncated"):
        keep = pfs >= thr
        entry = ninf if estimator == "study" else np.full(n, thr)
        rows = dict(entry=entry, stop=pfs, event=prog, x=ned.astype(np.int8), group=g, patient=pid)
        # a row exactly at the threshold has nothing to contribute after entry
        if estimator == "left_truncated":
            keep &= pfs > thr
    elif estimator == "landmark":
        keep = pfs > lm
        x = (ned & (tned <= lm)).astype(np.int8)
        rows = dict(entry=ninf, stop=pfs - lm, event=prog, x=x, group=g, patient=pid)
    elif estimator == "entry_time_dependent":
        # from entry at the threshold: non-NED time until NED (if NED comes after entry), then NED time
        sel = pfs > thr
        late = sel & ned & (tned > thr)
        start_x = sel & ned & (tned <= thr)
        before = dict(
            entry=np.full(n, thr),
            stop=np.where(late, tned, pfs),
            event=prog & ~late,
            x=start_x.astype(np.int8),
            group=g,
            patient=pid,
        )
        after = dict(entry=tned, stop=pfs, event=prog, x=np.ones(n, np.int8), group=g, patient=pid)
        return {k: np.concatenate([before[k][sel], after[k][late]]) for k in before}
    else:  # time_dependent (stratified or not): split NED patients at the time of NED
        before = dict(
            entry=ninf, stop=np.where(ned, tned, pfs), event=prog & ~ned, x=np.zeros(n, np.int8), group=g, patient=pid
        )
        after = dict(
            entry=tned[ned],
            stop=pfs[ned],
            event=prog[ned],
            x=np.ones(int(ned.sum()), np.int8),
            group=g[ned],
            patient=pid[ned],
        )
        if estimator == "adjusted_time_dependent":
            missing = [c for c in _CONFOUNDERS if c not in a]
            if missing:
                raise ValueError(
                    f"adjusted_time_dependent needs {missing} (from simulate_arrays): the confounder it stratifies on"
                )
            strata = 2 * a["indolent"].astype(np.int64) + a["tp"].astype(np.int64)
            before["strata"], after["strata"] = strata, strata[ned]
        return {k: np.concatenate([before[k], after[k]]) for k in before}
    return {k: v[keep] for k, v in rows.items()}


def estimate_all(
    population: pd.DataFrame | Mapping[str, ArrayLike],
    *,
    threshold_months: float = THRESHOLD_MONTHS,
    landmark_months: float = DEFAULT_LANDMARK_MONTHS,
    group: ArrayLike | None = None,
    n_groups: int | None = None,
    estimators: Sequence[str] = CLASSIC_ESTIMATORS,
) -> pd.DataFrame:
    """Fit the estimators to every replicate; one row per (replicate, estimator).

    ``estimators`` defaults to the five classic ones, which any population supports;
    ``adjusted_time_dependent`` needs the simulator's ``indolent`` and ``tp``.

    Returns a tidy DataFrame with ``replicate, estimator, log_hr, se, hr, ci_low, ci_high,
    n_patients, n_events, converged`` (95 % Wald intervals).

    Examples
    --------
    >>> from her2ned.simulate import simulate_arrays
    >>> pop = simulate_arrays(None, np.random.default_rng(0), n=1000)
    >>> list(estimate_all(pop)["estimator"])
    ['naive', 'study', 'left_truncated', 'landmark', 'time_dependent']
    """
    estimators = _estimators(estimators)
    a = _arrays(population)
    n = len(a["pfs_months"])
    group = _replicate_ids(group, n)
    if n_groups is None:
        n_groups = int(group.max()) + 1 if n else 1
    else:
        n_groups = count(n_groups, "n_groups", high=_MAX_GROUPS)
        if n and group.max() >= n_groups:
            raise ValueError(f"n_groups ({n_groups}) must exceed the largest group id ({group.max()})")
    out = []
    for est in estimators:
        rows = estimator_rows(a, est, threshold_months=threshold_months, landmark_months=landmark_months, group=group)
        entry = rows["entry"]
        if est in ("time_dependent", "adjusted_time_dependent"):
            n_pat = np.bincount(group, minlength=n_groups)
        elif est == "entry_time_dependent":
            n_pat = np.bincount(group[a["pfs_months"] > threshold_months], minlength=n_groups)
        else:
            n_pat = np.bincount(rows["group"], minlength=n_groups)
        if rows["stop"].size == 0:
            beta = se = np.full(n_groups, np.nan)
            conv = np.zeros(n_groups, bool)
            n_ev = np.zeros(n_groups, int)
        else:
            fit = cox_binary(
                rows["stop"],
                rows["event"],
                rows["x"],
                entry=None if np.all(np.isneginf(entry)) else entry,
                group=rows["group"],
                strata=rows.get("strata"),
                n_groups=n_groups,
            )
            beta, se, conv, n_ev = fit.beta, fit.se, fit.converged, fit.n_events
        out.append(
            pd.DataFrame(
                {
                    "replicate": np.arange(n_groups),
                    "estimator": est,
                    "log_hr": beta,
                    "se": se,
                    "hr": np.exp(beta),
                    "ci_low": np.exp(beta - Z_95 * se),
                    "ci_high": np.exp(beta + Z_95 * se),
                    "n_patients": n_pat,
                    "n_events": n_ev,
                    "converged": conv,
                }
            )
        )
    res = pd.concat(out, ignore_index=True)
    return res.sort_values("replicate", kind="stable").reset_index(drop=True)


def compare_estimators(
    params: SimulationParams | None = None,
    *,
    seed: int | np.random.Generator,
    landmark_months: float = DEFAULT_LANDMARK_MONTHS,
    estimators: Sequence[str] = ESTIMATORS,
) -> pd.DataFrame:
    """Draw one synthetic population and put the estimates side by side with the truth.

    Parameters
    ----------
    params : SimulationParams, optional
        Population model; ``params.threshold_months`` is the selection, ``params.hr_ned`` the truth.
    seed : int or numpy.random.Generator
    landmark_months : float

    Returns
    -------
    pandas.DataFrame
        One row per estimator: ``estimator, label, hr, ci_low, ci_high, n_patients, n_events,
        converged, true_hr``.

    Examples
    --------
    >>> t = compare_estimators(SimulationParams(n=2000, hr_ned=1.0), seed=1)
    >>> bool(t.loc[t.estimator == "naive", "hr"].item() < 1)
    True
    """
    p = SimulationParams() if params is None else params
    if not isinstance(p, SimulationParams):
        raise TypeError(f"params must be a SimulationParams, got {type(p).__name__}")
    rng = rng_from_seed(seed)
    pop = simulate_arrays(p, rng)
    res = estimate_all(pop, threshold_months=p.threshold_months, landmark_months=landmark_months, estimators=estimators)
    res.insert(2, "label", res["estimator"].map(ESTIMATOR_LABELS))
    res["true_hr"] = p.hr_ned
    res.attrs["synthetic"] = True
    return res.drop(columns="replicate")


def summarise_against(replicates: pd.DataFrame, truths: Mapping[str, float], *, level: float = 0.95) -> pd.DataFrame:
    """:func:`summarise_replicates` once per estimand: bias and coverage against each true HR.

    Parameters
    ----------
    replicates : DataFrame
        From :func:`estimate_all` or ``monte_carlo(...).replicates``.
    truths : mapping of str to float
        Estimand name to its true hazard ratio, e.g. the ``conditional_hr`` and ``trial_hr`` rows
        of :func:`her2ned.estimands.true_effects`.

    Returns
    -------
    pandas.DataFrame
        :func:`summarise_replicates`'s columns with the index (estimand, estimator) and a column
        ``true_hr``.

    Examples
    --------
    >>> reps = pd.DataFrame({"estimator": ["naive"] * 3, "log_hr": [-0.1, 0.0, 0.1],
    ...                      "se": [0.1, 0.1, 0.1], "converged": [True] * 3})
    >>> t = summarise_against(reps, {"conditional_hr": 1.0, "trial_hr": 2.0})
    >>> t["coverage"].tolist()
    [1.0, 0.0]
    """
    if not isinstance(truths, Mapping) or not truths:
        raise TypeError(f"truths must be a non-empty mapping of estimand name to true HR, got {truths!r}")
    parts = []
    for name, value in truths.items():
        if not isinstance(name, str):
            raise TypeError(f"truths keys must be estimand names (str), got {name!r}")
        t = summarise_replicates(replicates, value, level=level)
        t.insert(0, "true_hr", float(value))
        parts.append(pd.concat({name: t}, names=["estimand"]))
    return pd.concat(parts)


def summarise_replicates(replicates: pd.DataFrame, true_hr: float, *, level: float = 0.95) -> pd.DataFrame:
    """Bias (on log HR), empirical SE, mean model SE and CI coverage per estimator.

    Parameters
    ----------
    replicates : DataFrame
        From :func:`estimate_all` (columns ``estimator, log_hr, se, converged``).
    true_hr : float
        The true HR of NED (``params.hr_ned``).
    level : float
        Confidence level of the Wald intervals whose coverage is counted.

    Returns
    -------
    pandas.DataFrame
        Index: estimator. Columns: ``replicates`` (converged), ``failed``, ``mean_hr`` (exp of the
        mean log HR), ``bias_log_hr``, ``empirical_se``, ``mean_model_se``, ``coverage``,
        ``mc_se_bias`` (Monte Carlo SE of the bias), ``mc_se_coverage``.

    Examples
    --------
    >>> reps = pd.DataFrame({"estimator": ["naive"] * 3, "log_hr": [-0.1, 0.0, 0.1],
    ...                      "se": [0.1, 0.1, 0.1], "converged": [True] * 3})
    >>> float(summarise_replicates(reps, true_hr=1.0).loc["naive", "coverage"])
    1.0
    """
    if not (isinstance(true_hr, (int, float)) and true_hr > 0 and math.isfinite(true_hr)):
        raise ValueError(f"true_hr must be a positive finite number, got {true_hr!r}")
    if not positive(level, "level") < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    _check_replicates(replicates)
    from scipy.stats import norm

    z = norm.ppf(0.5 + level / 2)
    truth = math.log(true_hr)
    rows = {}
    for est, d in replicates.groupby("estimator", sort=False):
        ok = d[d["converged"].astype(bool)]
        b, s = ok["log_hr"].to_numpy(), ok["se"].to_numpy()
        k = len(b)
        cover = np.mean((b - z * s <= truth) & (truth <= b + z * s)) if k else np.nan
        rows[est] = {
            "replicates": k,
            "failed": len(d) - k,
            "mean_hr": math.exp(b.mean()) if k else np.nan,
            "bias_log_hr": b.mean() - truth if k else np.nan,
            "empirical_se": b.std(ddof=1) if k > 1 else np.nan,
            "mean_model_se": s.mean() if k else np.nan,
            "coverage": cover,
            "mc_se_bias": b.std(ddof=1) / math.sqrt(k) if k > 1 else np.nan,
            "mc_se_coverage": math.sqrt(cover * (1 - cover) / k) if k else np.nan,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "estimator"
    return out.reindex([e for e in ESTIMATORS if e in out.index])


def _check_replicates(replicates) -> None:
    if not isinstance(replicates, pd.DataFrame):
        raise TypeError(f"replicates must be a DataFrame (from estimate_all), got {type(replicates).__name__}")
    need = ["estimator", "log_hr", "se", "converged"]
    missing = [c for c in need if c not in replicates.columns]
    if missing:
        raise ValueError(f"replicates lacks column(s) {missing}; expected {need} (from estimate_all)")
    for c in ("log_hr", "se", "converged"):
        if not pd.api.types.is_numeric_dtype(replicates[c]):
            raise TypeError(f"replicates column {c!r} must be numeric, got {replicates[c].dtype}")
    if replicates["converged"].isna().any():
        raise ValueError("replicates column 'converged' has missing values")
    # failed fits carry nan estimates; a converged one has a finite log HR
    if not np.isfinite(replicates.loc[replicates["converged"].astype(bool), "log_hr"].to_numpy(dtype=float)).all():
        raise ValueError("replicates has nan or infinite log_hr in rows marked converged")


@dataclass(eq=False, repr=False)
class MonteCarloResult(Result):
    """Replicate-level estimates, their summary, and the settings that produced them."""

    replicates: pd.DataFrame
    summary: pd.DataFrame
    params: SimulationParams
    landmark_months: float
    seconds: float

    model = "Monte Carlo study of the estimators of the HR of NED (synthetic cohorts)"
    events = None  # every replicate has its own

    @property
    def true_hr(self) -> float:
        return self.params.hr_ned

    @property
    def n(self) -> int:
        return self.params.n

    def counts(self) -> list[tuple[str, object]]:
        return [
            ("replicates", int(self.replicates["replicate"].nunique())),
            ("patients each", self.n),
            ("true HR of NED", f"{self.true_hr:g}"),
            ("threshold (months)", f"{self.params.threshold_months:g}"),
            ("landmark (months)", f"{self.landmark_months:g}"),
        ]

    def _repr_html_(self) -> str:
        cols = ["mean_hr", "bias_log_hr", "empirical_se", "mean_model_se", "coverage", "failed"]
        s = self.summary[cols].copy()
        s.index = [ESTIMATOR_LABELS[e] for e in s.index]
        s.columns = ["mean HR", "bias (log HR)", "empirical SE", "mean model SE", "95 % CI coverage", "failed fits"]
        return f'<div class="her2ned-result">{self.header_html()}{table_html(s, digits=3)}</div>'


def _seed_sequence(seed) -> np.random.SeedSequence:
    """The root SeedSequence of a Monte Carlo study: from an int, a SeedSequence or a Generator."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        # 128 bits drawn from the Generator: deterministic given its state, and it advances it
        hi, lo = (int(v) for v in seed.integers(0, 2**64, size=2, dtype=np.uint64))
        return np.random.SeedSequence((hi << 64) | lo)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer, a numpy SeedSequence or a numpy Generator, got {seed!r}")
    return np.random.SeedSequence(int(seed))


def _replicate_seed(root: np.random.SeedSequence, replicate: int) -> np.random.SeedSequence:
    """Replicate ``replicate``'s SeedSequence: ``root.spawn(replicate + 1)[replicate]`` for a fresh
    ``root``, built directly (and without advancing ``root``) so that a worker draws its replicates
    without the others."""
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, replicate), pool_size=root.pool_size)


def _mc_chunk(
    p: SimulationParams, root: np.random.SeedSequence, start: int, k: int, landmark_months: float, estimators: tuple
) -> pd.DataFrame:
    """Replicates ``start .. start + k - 1``: each drawn from its own SeedSequence child, fitted together.

    The unit of work a joblib worker runs; it depends on nothing but its arguments."""
    pops = [simulate_arrays(p, np.random.default_rng(_replicate_seed(root, start + j)), n=p.n) for j in range(k)]
    pop = {key: np.concatenate([a[key] for a in pops]) for key in pops[0]}
    res = estimate_all(
        pop,
        threshold_months=p.threshold_months,
        landmark_months=landmark_months,
        group=np.repeat(np.arange(k), p.n),
        n_groups=k,
        estimators=estimators,
    )
    res["replicate"] += start
    return res


def _backend(backend):
    """None, a joblib backend name (``"loky"``, ``"dask"``...) or a joblib backend instance."""
    if backend is None:
        return None
    from joblib.parallel import BACKENDS, EXTERNAL_BACKENDS, ParallelBackendBase

    if isinstance(backend, ParallelBackendBase):
        return backend
    names = sorted(set(BACKENDS) | set(EXTERNAL_BACKENDS))
    if not isinstance(backend, str):
        raise TypeError(
            f"backend must be None, a joblib backend name {names} or a joblib backend, got {type(backend).__name__}"
        )
    if backend not in names:
        raise ValueError(f"backend must be one of {names} (or None), got {backend!r}")
    return backend


def monte_carlo(
    params: SimulationParams | None = None,
    *,
    n_replicates: int = 1000,
    seed: int | np.random.SeedSequence | np.random.Generator,
    landmark_months: float = DEFAULT_LANDMARK_MONTHS,
    chunk_size: int = 100,
    progress: bool = True,
    n_jobs: int | None = None,
    backend: str | ParallelBackendBase | None = None,
    estimators: Sequence[str] = ESTIMATORS,
) -> MonteCarloResult:
    """Repeat :func:`estimate_all` over independent synthetic populations and summarise.

    Each replicate is a population of ``params.n`` patients drawn from its own random stream:
    replicate ``i`` uses the ``i``-th child of ``numpy.random.SeedSequence(seed)``, that is
    ``SeedSequence(seed).spawn(i + 1)[i]``, so any replicate can be drawn again alone. Replicates are
    cut into chunks of ``chunk_size`` (the last one shorter); the replicates of a chunk are fitted at
    once by the vectorised Cox solver, and the chunk is the unit of work handed to joblib. Chunk
    boundaries depend on ``chunk_size`` only, never on ``n_jobs`` or the backend, and a chunk's
    result on nothing but its replicates' seeds, so a given ``seed`` and ``chunk_size`` give the same
    numbers, byte for byte, run sequentially, on local processes or on a Dask cluster (with the same
    package versions on every worker). The draws do not depend on ``chunk_size`` either; the fits of
    a replicate agree across chunk sizes to rounding.

    Parameters
    ----------
    params : SimulationParams, optional
    n_replicates : int
        Number of populations (1 to 100,000).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        The study's root seed. A Generator is accepted for convenience: 128 bits are drawn from it
        (deterministic given its state, and it advances it) to make the root SeedSequence.
    landmark_months : float
    chunk_size : int
        Replicates per vectorised batch and per task (1 to 100,000; memory vs speed; the progress bar
        moves once per finished chunk).
    progress : bool
        Show a tqdm progress bar.
    n_jobs : int, optional
        Workers (1 to 4,096). None: joblib's default, which is 1 (in this process) unless an
        enclosing ``joblib.parallel_config`` sets it; with ``parallel_config(backend="dask")`` every
        worker of the cluster. joblib's ``-1`` is not accepted: pass ``os.cpu_count()``.
    backend : str or joblib backend, optional
        A joblib backend (``"loky"``, ``"threading"``, ``"dask"``...). None: the enclosing
        ``joblib.parallel_config``'s, else joblib's default (``"loky"``).
    estimators : sequence of str
        Which of :data:`ESTIMATORS` to fit (default all).

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> mc = monte_carlo(SimulationParams(n=500, hr_ned=1.0), n_replicates=20, seed=3, progress=False)
    >>> bool(mc.summary.loc["naive", "mean_hr"] < 1)
    True

    The same study on two local processes gives the same numbers:

    >>> two = monte_carlo(SimulationParams(n=500, hr_ned=1.0), n_replicates=20, seed=3, chunk_size=10,
    ...                   progress=False, n_jobs=2)
    >>> one = monte_carlo(SimulationParams(n=500, hr_ned=1.0), n_replicates=20, seed=3, chunk_size=10,
    ...                   progress=False)
    >>> two.replicates.equals(one.replicates)
    True
    """
    p = SimulationParams() if params is None else params
    if not isinstance(p, SimulationParams):
        raise TypeError(f"params must be a SimulationParams, got {type(p).__name__}")
    n_replicates = count(n_replicates, "n_replicates", high=_MAX_GROUPS)
    chunk_size = count(chunk_size, "chunk_size", high=_MAX_GROUPS)
    landmark = months(landmark_months, "landmark_months")
    progress = flag(progress, "progress")
    if n_jobs is not None:
        n_jobs = count(n_jobs, "n_jobs", high=4096)
    backend = _backend(backend)
    estimators = tuple(_estimators(estimators))
    root = _seed_sequence(seed)
    from joblib import Parallel, delayed, parallel_config
    from tqdm.auto import tqdm

    # only what the caller set: None leaves an enclosing parallel_config (e.g. backend="dask") in force
    config = {k: v for k, v in (("backend", backend), ("n_jobs", n_jobs)) if v is not None}
    starts = range(0, n_replicates, chunk_size)
    tasks = (delayed(_mc_chunk)(p, root, s, min(chunk_size, n_replicates - s), landmark, estimators) for s in starts)
    start = time.perf_counter()
    parts = {}
    with (
        tqdm(total=n_replicates, desc="Monte Carlo replicates", disable=not progress, unit="rep") as bar,
        parallel_config(**config),
    ):
        # chunks arrive as they finish; they are put back in replicate order below
        for res in Parallel(return_as="generator_unordered")(tasks):
            first = int(res["replicate"].iloc[0])
            parts[first] = res
            bar.update(int(res["replicate"].iloc[-1]) - first + 1)
    reps = pd.concat([parts[s] for s in starts], ignore_index=True)
    seconds = time.perf_counter() - start
    return MonteCarloResult(
        replicates=reps,
        summary=summarise_replicates(reps, p.hr_ned),
        params=p,
        landmark_months=landmark,
        seconds=seconds,
    )


def lifelines_estimates(
    population: pd.DataFrame | Mapping[str, ArrayLike],
    *,
    threshold_months: float = THRESHOLD_MONTHS,
    landmark_months: float = DEFAULT_LANDMARK_MONTHS,
    estimators: Sequence[str] = CLASSIC_ESTIMATORS,
    fit_options: dict | None = None,
) -> pd.DataFrame:
    """The slow reference path: the same estimators fitted with lifelines, one population.

    ``CoxPHFitter`` for (a), (b) and (d), ``CoxPHFitter(entry_col=...)`` for (c),
    ``CoxTimeVaryingFitter`` for (e), (f) and (g) (with ``strata=`` for g); lifelines handles ties
    with Efron's method.

    Returns a DataFrame indexed by estimator with ``log_hr`` and ``se``.

    Examples
    --------
    >>> from her2ned.simulate import simulate_arrays
    >>> pop = simulate_arrays(None, np.random.default_rng(0), n=300)
    >>> ref = lifelines_estimates(pop, estimators=("naive",))
    >>> fast = estimate_all(pop, estimators=("naive",))
    >>> bool(abs(ref.loc["naive", "log_hr"] - fast["log_hr"].item()) < 1e-4)
    True
    """
    import warnings

    from lifelines import CoxPHFitter, CoxTimeVaryingFitter

    estimators = _estimators(estimators)
    _check_fit_options(fit_options)
    a = _arrays(population)
    out = {}
    for est in estimators:
        r = estimator_rows(a, est, threshold_months=threshold_months, landmark_months=landmark_months)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if est.endswith("time_dependent"):
                df = pd.DataFrame(
                    {
                        "id": r["patient"],
                        "start": np.where(np.isneginf(r["entry"]), 0.0, r["entry"]),
                        "stop": r["stop"],
                        "event": r["event"],
                        "x": r["x"],
                    }
                )
                kw = {}
                if "strata" in r:
                    df["stratum"] = r["strata"]
                    kw["strata"] = ["stratum"]
                m = CoxTimeVaryingFitter().fit(
                    df,
                    id_col="id",
                    start_col="start",
                    stop_col="stop",
                    event_col="event",
                    fit_options=fit_options,
                    **kw,
                )
            else:
                df = pd.DataFrame({"T": r["stop"], "E": r["event"], "x": r["x"]})
                kw = {}
                if est == "left_truncated":
                    df["entry"] = r["entry"]
                    kw["entry_col"] = "entry"
                m = CoxPHFitter().fit(df, "T", "E", fit_options=fit_options, **kw)
        out[est] = {"log_hr": float(m.params_["x"]), "se": float(m.standard_errors_["x"])}
    return pd.DataFrame.from_dict(out, orient="index").rename_axis("estimator")


_FIT_OPTIONS = ("step_size", "precision", "r_precision", "max_steps")


def _check_fit_options(fit_options) -> None:
    """lifelines' Newton options (the same four for CoxPHFitter and CoxTimeVaryingFitter)."""
    if fit_options is None:
        return
    if not isinstance(fit_options, Mapping):
        raise TypeError(f"fit_options must be a dict or None, got {type(fit_options).__name__}")
    unknown = [k for k in fit_options if k not in _FIT_OPTIONS]
    if unknown:
        raise ValueError(f"fit_options has unknown key(s) {unknown}; allowed: {list(_FIT_OPTIONS)}")
    for k, v in fit_options.items():
        if k == "max_steps":
            count(v, "fit_options max_steps", high=100_000)
        else:
            positive(v, f"fit_options {k}")


def simulate_with_grade_effect(
    params: SimulationParams | None, rng: np.random.Generator, *, n: int, hr_grade3: float = 1.0
) -> dict[str, np.ndarray]:
    """:func:`her2ned.simulate.simulate_arrays` plus a direct effect of grade 3 on progression.

    A thin wrapper (the simulator has no such parameter): grade 3 patients are drawn with every
    progression hazard -- before and after NED, aggressive and indolent -- multiplied by
    ``hr_grade3``. For a Weibull component with cumulative hazard ``(t / scale)^k`` that is the same
    as dividing its median by ``hr_grade3^(1/k)``, so grade 3 and grade <= 2 patients are drawn as
    two sub-populations (numbers binomial with ``params.p_grade3``) and concatenated. With
    ``hr_grade3 = 1`` the result is distributed exactly as ``simulate_arrays``. ``hr_grade3`` has
    no source: it is an assumption used to show what selection does.

    Examples
    --------
    >>> a = simulate_with_grade_effect(None, np.random.default_rng(0), n=1000, hr_grade3=2.0)
    >>> sorted(set(a["grade"].tolist()))
    [1, 2, 3]
    """
    p = SimulationParams() if params is None else params
    if not isinstance(p, SimulationParams):
        raise TypeError(f"params must be a SimulationParams, got {type(p).__name__}")
    if isinstance(hr_grade3, bool) or not isinstance(hr_grade3, (int, float)) or not (0.1 <= hr_grade3 <= 10):
        raise ValueError(f"hr_grade3 must be a number between 0.1 and 10, got {hr_grade3!r}")
    n = count(n, "n", low=2, high=5_000_000)
    rng = generator(rng)
    n3 = int(rng.binomial(n, p.p_grade3))
    p3 = p.replace(
        p_grade3=1.0,
        median_pfs_t_months=p.median_pfs_t_months * hr_grade3 ** (-1 / p.weibull_shape),
        indolent_median_months=p.indolent_median_months * hr_grade3 ** (-1 / p.indolent_shape),
    )
    parts = []
    if n3:
        parts.append(simulate_arrays(p3, rng, n=n3))
    if n - n3:
        parts.append(simulate_arrays(p.replace(p_grade3=0.0), rng, n=n - n3))
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


def _population_args(params, seed, n, thresholds):
    """Checked arguments of the large-population analyses: (params, rng, thresholds)."""
    p = SimulationParams() if params is None else params
    if not isinstance(p, SimulationParams):
        raise TypeError(f"params must be a SimulationParams, got {type(p).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1_000 <= n <= 5_000_000:
        raise ValueError(f"n must be an integer from 1,000 to 5,000,000, got {n!r}")
    thresholds = [months(t, "thresholds") for t in sequence(thresholds, "thresholds")]
    rng = rng_from_seed(seed)
    return p, rng, thresholds


def _selected_cohorts(a, thresholds) -> list[tuple[str, np.ndarray]]:
    """(name, mask) for the whole population and for those progression-free at each threshold."""
    cohorts = [("whole population", np.ones(len(a["pfs_months"]), bool))]
    return cohorts + [(f"PF at {t:g} months", a["pfs_months"] >= t) for t in thresholds]


def predictor_odds_ratios(
    params: SimulationParams | None = None,
    *,
    seed: int | np.random.Generator,
    n: int = 200_000,
    thresholds: Sequence[float] = (24.0, 36.0),
    hr_grade3: float = 1.0,
) -> pd.DataFrame:
    """Odds ratios of the predictors of NED in the whole population and in selected cohorts.

    Fits the same multivariable logistic model (NED ever ~ ECOG 0 + IHC 3+ + grade <= 2 + age per
    10 years, the simulator's own model of who *can* reach NED) in one large synthetic population
    and in the patients progression-free at each threshold (HER-OS: 24 months; TOG 2026: 36).
    ``hr_grade3`` adds a direct effect of grade 3 on progression (an assumption; see
    :func:`simulate_with_grade_effect`); the default 1 is the simulator as it is.

    Returns
    -------
    pandas.DataFrame
        Rows: ``predictor, cohort, n, or, ci_low, ci_high, true_or`` where ``true_or`` is the
        simulator's odds ratio for being *able* to reach NED.

    Examples
    --------
    >>> t = predictor_odds_ratios(seed=1, n=20_000)
    >>> sorted(t["cohort"].unique())
    ['PF at 24 months', 'PF at 36 months', 'whole population']
    """
    import statsmodels.api as sm

    p, rng, thresholds = _population_args(params, seed, n, thresholds)
    a = simulate_with_grade_effect(p, rng, n=n, hr_grade3=hr_grade3)
    X = pd.DataFrame(
        {
            "ECOG 0 vs 1": (a["ecog"] == 0).astype(float),
            "IHC 3+ vs 2+/ISH+": a["ihc3"].astype(float),
            "grade <= 2 vs 3": (a["grade"] <= 2).astype(float),
            "age per 10 years": (a["age"] - p.age_mean) / 10.0,
        }
    )
    truth = {
        "ECOG 0 vs 1": p.or_ecog0,
        "IHC 3+ vs 2+/ISH+": p.or_ihc3,
        "grade <= 2 vs 3": p.or_grade_le2,
        "age per 10 years": p.or_age_per10,
    }
    cohorts = _selected_cohorts(a, thresholds)
    rows = []
    for name, keep in cohorts:
        if keep.sum() < 50:
            raise ValueError(f"only {int(keep.sum())} patients in '{name}': raise n or lower the threshold")
        y = a["ned"][keep].astype(float)
        fit = sm.Logit(y, sm.add_constant(X[keep])).fit(disp=0)
        ci = fit.conf_int()
        for pred in X.columns:
            rows.append(
                {
                    "predictor": pred,
                    "cohort": name,
                    "n": int(keep.sum()),
                    "ned_share": float(y.mean()),
                    "or": math.exp(fit.params[pred]),
                    "ci_low": math.exp(ci.loc[pred, 0]),
                    "ci_high": math.exp(ci.loc[pred, 1]),
                    "true_or": truth[pred],
                }
            )
    out = pd.DataFrame(rows)
    out.attrs["synthetic"] = True
    return out


def induced_association(
    params: SimulationParams | None = None,
    *,
    seed: int | np.random.Generator,
    n: int = 200_000,
    thresholds: Sequence[float] = (24.0, 36.0),
) -> pd.DataFrame:
    """Odds ratio *between* two predictors (ECOG 0 and IHC 3+) in the whole and selected cohorts.

    The simulator draws ECOG and IHC independently (true OR 1). Both raise the chance of NED, and
    NED raises the chance of being selected, so selection is a collider. For two factors independent
    in the population, the odds ratio among the selected is exactly the population OR times the
    *multiplicative interaction* of the two on the chance of selection,
    ``P(s | 1,1) P(s | 0,0) / (P(s | 1,0) P(s | 0,1))`` (Greenland S. Epidemiology 2003;14:300-306).
    Here that interaction is above 1, so the selected show OR > 1 (the two favourable factors go
    *together*): each factor helps only through NED, and patients without NED can also be selected,
    so a factor raises the chance of selection by a larger *ratio* when the other factor is present
    and NED is the bigger part of that chance. Collider bias runs the other way (OR < 1, "one factor
    explains away the other") when either factor alone suffices for selection.

    Returns
    -------
    pandas.DataFrame
        ``cohort, n, or_ecog0_ihc3`` (a 2 x 2 table odds ratio) and ``selection_interaction`` (the
        ratio above, estimated from the population's cells; 1 for the whole population).

    Examples
    --------
    >>> t = induced_association(seed=1, n=20_000)
    >>> list(t["cohort"])
    ['whole population', 'PF at 24 months', 'PF at 36 months']
    """
    p, rng, thresholds = _population_args(params, seed, n, thresholds)
    a = simulate_arrays(p, rng, n=n)
    cohorts = _selected_cohorts(a, thresholds)
    e_all, i_all = a["ecog"] == 0, a["ihc3"] == 1

    def cells(e, i):  # the 2 x 2 table: both, ECOG 0 only, IHC 3+ only, neither
        return [np.sum(e & i), np.sum(e & ~i), np.sum(~e & i), np.sum(~e & ~i)]

    population_cells = cells(e_all, i_all)
    rows = []
    for name, keep in cohorts:
        cells_selected = cells(e_all[keep], i_all[keep])
        if min(cells_selected) == 0:
            raise ValueError(f"an empty cell in '{name}': raise n or lower the threshold")
        p_sel = [c / pc for c, pc in zip(cells_selected, population_cells)]
        c = cells_selected
        rows.append(
            {
                "cohort": name,
                "n": int(keep.sum()),
                "or_ecog0_ihc3": c[0] * c[3] / (c[1] * c[2]),
                "selection_interaction": p_sel[0] * p_sel[3] / (p_sel[1] * p_sel[2]),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["synthetic"] = True
    return out
