"""Benchmark of the bias lab: 1,000 replicates x 1,000 synthetic patients x five estimators, and more.

Prints
  * the time of the fast path (``her2ned.bias.monte_carlo``: simulation + the five classic vectorised
    Cox fits per replicate), target <= 15 s on a 2-core machine;
  * the time of each newer estimator on the same replicates (time-dependent from entry; stratified on
    the confounder), of valuing the estimands (``her2ned.estimands.true_effects``), and of the
    analyses inside one study cohort (``her2ned.study_analyses``, lifelines for the weighted fit);
  * the time of the same work with lifelines fits in a loop (``her2ned.bias.lifelines_estimates``:
    CoxPHFitter x 4, CoxTimeVaryingFitter x 1 per replicate), measured in the same run on a subset
    of replicates and scaled to 1,000;
  * their ratio (target >= 20x), and the largest difference between the two paths on the subset;
  * the same study on two local processes (joblib's loky) and on a local two-worker Dask cluster
    (``joblib.parallel_config(backend="dask")``), each with its wall time and whether its replicates
    equal the sequential run's exactly (they must: one SeedSequence child per replicate, chunks fixed
    by ``chunk_size``). On 2 cores these show the mechanism, not a speed-up to expect from a cluster.

Run:  .venv/bin/python benchmarks/bias_mc.py [--replicates 1000] [--n 1000] [--subset 10] [--no-parallel]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import time

import numpy as np
import pandas as pd

from her2ned.bias import (
    CLASSIC_ESTIMATORS,
    ESTIMATORS,
    estimate_all,
    lifelines_estimates,
    monte_carlo,
    summarise_against,
)
from her2ned.estimands import true_effects
from her2ned.simulate import SimulationParams, select_cohort, simulate_arrays, simulate_population
from her2ned.study_analyses import study_analyses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--subset", type=int, default=10, help="replicates timed with lifelines")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--no-parallel", action="store_true", help="skip the loky and Dask runs")
    args = ap.parse_args()

    params = SimulationParams(n=args.n)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"{args.replicates} replicates x {args.n} synthetic patients x {len(CLASSIC_ESTIMATORS)} estimators"
    )

    study = dict(n_replicates=args.replicates, seed=args.seed, progress=False, estimators=CLASSIC_ESTIMATORS)
    t0 = time.perf_counter()
    mc = monte_carlo(params, **study)
    fast = time.perf_counter() - t0
    print(f"fast path (simulate + vectorised Cox):      {fast:8.2f} s   (target <= 15 s)")
    newer_estimators(params, args, fast)

    # the same work with lifelines, on a subset, scaled
    rng = np.random.default_rng(args.seed + 1)
    pops = [simulate_arrays(params, rng) for _ in range(args.subset)]
    t0 = time.perf_counter()
    refs = [lifelines_estimates(p) for p in pops]
    slow_subset = time.perf_counter() - t0
    slow = slow_subset / args.subset * args.replicates
    print(f"lifelines in a loop, {args.subset} replicates:        {slow_subset:8.2f} s")
    print(f"lifelines scaled to {args.replicates} replicates:      {slow:8.1f} s")
    print(f"speed-up:                                   {slow / fast:8.0f} x   (target >= 20 x)")

    print("(the lifelines time excludes simulation, the fast time includes it: the ratio is conservative)")
    tight = {"precision": 1e-16, "r_precision": 1e-18}
    for label, refs_ in (
        ("default tolerance", refs),
        ("tight tolerance", [lifelines_estimates(p, fit_options=tight) for p in pops]),
    ):
        worst_b = worst_se = 0.0
        for p, ref in zip(pops, refs_):
            f = estimate_all(p, estimators=CLASSIC_ESTIMATORS).set_index("estimator").loc[list(ref.index)]
            worst_b = max(worst_b, float(np.max(np.abs(f["log_hr"] - ref["log_hr"]))))
            worst_se = max(worst_se, float(np.max(np.abs(f["se"] - ref["se"]))))
        print(f"largest |fast - lifelines ({label})| on the subset: log HR {worst_b:.1e}, SE {worst_se:.1e}")
    if not args.no_parallel:
        parallel_runs(params, args, mc)
    print()
    print(
        f"Monte Carlo summary (true HR of NED = {params.hr_ned}, threshold "
        f"{params.threshold_months:g} months, landmark {mc.landmark_months:g} months):"
    )
    print(mc.summary[["mean_hr", "bias_log_hr", "empirical_se", "mean_model_se", "coverage"]].round(3).to_string())
    truths = {
        "conditional_hr": params.hr_ned,
        "trial_hr": float(true_effects(params, landmark_months=0.0, n=400_000, seed=1).loc["trial_hr", "value"]),
    }
    print()
    print(
        f"The same replicates scored against two estimands: the conditional HR {truths['conditional_hr']:g} "
        f"and the target-trial HR from time 0, {truths['trial_hr']:.3f}:"
    )
    print(
        summarise_against(mc.replicates, truths)[["true_hr", "mean_hr", "bias_log_hr", "coverage"]].round(3).to_string()
    )


def newer_estimators(params, args, classic_seconds: float) -> None:
    """Times of the estimators, estimands and cohort analyses added after the classic five."""
    for est in (e for e in ESTIMATORS if e not in CLASSIC_ESTIMATORS):
        t0 = time.perf_counter()
        monte_carlo(params, n_replicates=args.replicates, seed=args.seed, progress=False, estimators=("naive", est))
        both = time.perf_counter() - t0
        print(f"  + {est:24s} with naive: {both:8.2f} s   ({both / classic_seconds:.2f} x the classic five)")
    for lm in (0.0, 24.0):
        t0 = time.perf_counter()
        t = true_effects(params, landmark_months=lm, n=200_000, seed=args.seed)
        print(
            f"  true_effects, landmark {lm:>4g}, 200,000 patients: {time.perf_counter() - t0:6.2f} s   "
            f"(trial HR {t.loc['trial_hr', 'value']:.3f})"
        )
    cohort = select_cohort(simulate_population(SimulationParams(n=3000), seed=args.seed))
    t0 = time.perf_counter()
    study_analyses(cohort)
    print(f"  study_analyses, one cohort of {len(cohort)} (5 analyses): {time.perf_counter() - t0:6.2f} s")


def _digest(replicates: pd.DataFrame) -> str:
    """SHA-256 of the replicates' bytes: every column's values as stored (floats bit for bit)."""
    h = hashlib.sha256()
    for name, col in replicates.items():
        h.update(name.encode())
        values = col.to_numpy()
        h.update("\0".join(values).encode() if values.dtype == object else np.ascontiguousarray(values).tobytes())
    return h.hexdigest()[:16]


def _same(a, b) -> str:
    try:
        pd.testing.assert_frame_equal(a.replicates, b.replicates, check_exact=True)
    except AssertionError as e:
        return f"DIFFERENT ({str(e).splitlines()[0]})"
    da, db = _digest(a.replicates), _digest(b.replicates)
    return (
        f"equal to the sequential run exactly, sha256 {da} = {db}"
        if da == db
        else f"equal values but different bytes: sha256 {da} vs {db}"
    )


def parallel_runs(params, args, mc) -> None:
    """The same study on two loky processes and on a local two-worker Dask cluster."""
    import joblib
    from distributed import Client, LocalCluster

    study = dict(n_replicates=args.replicates, seed=args.seed, progress=False, estimators=CLASSIC_ESTIMATORS)
    t0 = time.perf_counter()
    loky = monte_carlo(params, **study, n_jobs=2, backend="loky")
    print(f"joblib loky, 2 processes (with start-up):   {time.perf_counter() - t0:8.2f} s")
    print(f"loky result vs sequential:                  {_same(loky, mc)}")
    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        started = time.perf_counter() - t0
        t0 = time.perf_counter()
        with joblib.parallel_config(backend="dask"):
            dask = monte_carlo(params, **study)
        ran = time.perf_counter() - t0
    print(f"Dask LocalCluster, 2 workers:               {ran:8.2f} s   (+ {started:.1f} s to start the cluster)")
    print(f"Dask result vs sequential:                  {_same(dask, mc)}")


if __name__ == "__main__":
    main()
