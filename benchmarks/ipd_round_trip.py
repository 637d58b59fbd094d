"""How close does a patient table rebuilt from a Kaplan–Meier figure come to the trial it was drawn from?

Round trips of :func:`her2ned.ipd.ipd_from_km` (Guyot 2012): simulate a two-arm trial (exponential
PFS, medians 12 and 20 months, 200 per arm, accrual over 4 years, data cut at 48 months), draw each
arm's curve with lifelines, digitise it with :func:`her2ned.ipd.digitise_km` (every step, exactly or
with a shaky hand, or 60 noisy points), rebuild with a risk table every 6 months, and compare (n and
the numbers at risk are exact by construction, and asserted). Prints, per digitiser setting: the
error in the number of events, how often the median is within 0.25 months, and |Δ log HR|; then the
time of one rebuild against a lifelines Kaplan–Meier fit of the same arm, measured in the same run.

Run::

    .venv/bin/python benchmarks/ipd_round_trip.py            # 100 trials
    .venv/bin/python benchmarks/ipd_round_trip.py --trials 20
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from tqdm import tqdm

from her2ned.ipd import round_trip
from her2ned.plots.survival import numbers_at_risk

SETTINGS = {
    "every step": {},
    "every step, a shaky hand (chapter 5)": dict(time_sd=0.3, surv_sd=0.004),
    "60 noisy points": dict(n_points=60, time_sd=0.1, surv_sd=0.003),
}


def trial(seed, n=200, medians=(12.0, 20.0)):
    arms = []
    for g, median in enumerate(medians):
        rng = np.random.default_rng([seed, g])
        t = rng.exponential(median / np.log(2), n)
        c = np.minimum(rng.uniform(12, 60, n), 48)
        arms.append((np.round(np.minimum(t, c), 2), (t <= c).astype(int)))
    return arms


def log_hr(arms):
    df = pd.concat([pd.DataFrame({"t": t, "e": e, "x": g}) for g, (t, e) in enumerate(arms)])
    return CoxPHFitter().fit(df, "t", "e").params_["x"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    for name, digitiser in SETTINGS.items():
        rows = []
        for seed in tqdm(range(args.trials), desc=name):
            arms, rebuilt = trial(seed), []
            for t, e in arms:
                r, _, (risk_times, n_risk) = round_trip(t, e, np.random.default_rng(seed), **digitiser)
                table, km = r.table, KaplanMeierFitter().fit(t, e)
                again = KaplanMeierFitter().fit(table.time, table.event)
                assert len(table) == len(t) and (numbers_at_risk(table.time, risk_times) == n_risk).all()
                rows.append(
                    {
                        "events_err_pct": 100 * abs(table.event.sum() - e.sum()) / e.sum(),
                        "median_err": abs(again.median_survival_time_ - km.median_survival_time_),
                    }
                )
                rebuilt.append((table.time.to_numpy(), table.event.to_numpy()))
            rows[-1]["dloghr"] = abs(log_hr(rebuilt) - log_hr(arms))
        r = pd.DataFrame(rows)
        print(f"\n{name}: {args.trials} trials, {len(r)} curves")
        print(
            f"  events, error                median {r.events_err_pct.median():.1f} %, "
            f"max {r.events_err_pct.max():.1f} %"
        )
        print(
            f"  median within 0.25 months    {(r.median_err <= 0.25).mean():.0%} of curves "
            f"(max error {r.median_err.max():.2f} months)"
        )
        print(f"  |Δ log HR|                   median {r.dloghr.median():.3f}, max {r.dloghr.max():.3f}")
    t, e = trial(0)[0]
    reps = 20
    start = time.perf_counter()
    for _ in range(reps):
        KaplanMeierFitter().fit(t, e)
    km_s = (time.perf_counter() - start) / reps
    start = time.perf_counter()
    for _ in range(reps):
        round_trip(t, e, np.random.default_rng(0))
    rebuild_s = (time.perf_counter() - start) / reps
    print(
        f"\none rebuild (200 patients, every step): {1000 * rebuild_s:.1f} ms = "
        f"{rebuild_s / km_s:.1f} × a lifelines Kaplan–Meier fit of the same arm ({1000 * km_s:.1f} ms)"
    )


if __name__ == "__main__":
    main()
