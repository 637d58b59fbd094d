"""Timing of issue 14's two rebuilds: one HER-OS reconstruction, one IPD rebuild of a 500-patient trial.

Prints
  * the wall time of ``her2ned.heros.reconstruct()`` (the committed table's search and its lifelines
    check), goal under 10 s on this 2-core machine, with a lifelines Kaplan–Meier fit of the same table
    timed in the same run as the baseline;
  * the wall time of rebuilding both arms of a 500-patient two-arm trial from their digitised curves and
    risk tables (``her2ned.ipd.ipd_from_km``, every step digitised, risk table every 6 months), goal under
    10 s, against a lifelines Kaplan–Meier fit of the same two arms.

Run::

    .venv/bin/python benchmarks/second_study.py
"""

from __future__ import annotations

import time

import numpy as np
from lifelines import KaplanMeierFitter

from her2ned import heros
from her2ned.ipd import digitise_km, ipd_from_km
from her2ned.plots.survival import numbers_at_risk


def timed(fn, repeat=1):
    t0 = time.perf_counter()
    for _ in range(repeat):
        out = fn()
    return (time.perf_counter() - t0) / repeat, out


def main() -> None:
    seconds, table = timed(heros.reconstruct)
    base, _ = timed(lambda: KaplanMeierFitter().fit(table.ttp_months, table.progressed), repeat=20)
    print(
        f"HER-OS reconstruction ({len(table)} patients):        {seconds:6.2f} s   (goal < 10 s; "
        f"{seconds / base:,.0f}x one lifelines KM fit of the table, {1000 * base:.1f} ms)"
    )

    rng = np.random.default_rng(2014)
    arms = []
    for median in (12.0, 20.0):  # 250 per arm, exponential PFS, accrual over 4 years, cut at 48 months
        t = rng.exponential(median / np.log(2), 250)
        c = np.minimum(rng.uniform(12, 60, 250), 48)
        arms.append((np.round(np.minimum(t, c), 2), (t <= c).astype(int)))
    published = []
    for t, e in arms:
        sf = KaplanMeierFitter().fit(t, e).survival_function_.iloc[:, 0]
        steps = sf[sf.diff().fillna(-1) != 0]
        pt, ps = digitise_km(steps.index.to_numpy(), steps.to_numpy(), rng)
        risk_times = np.arange(0, t.max(), 6.0)
        published.append((np.r_[pt, t.max()], np.r_[ps, ps[-1]], risk_times, numbers_at_risk(t, risk_times)))
    seconds, rebuilt = timed(lambda: [ipd_from_km(*p) for p in published])
    base, _ = timed(lambda: [KaplanMeierFitter().fit(t, e) for t, e in arms], repeat=20)
    n = sum(len(r.table) for r in rebuilt)
    print(
        f"IPD rebuild of a two-arm trial ({n} patients):     {seconds:6.2f} s   (goal < 10 s; "
        f"{seconds / base:,.1f}x lifelines KM fits of both arms, {1000 * base:.1f} ms)"
    )


if __name__ == "__main__":
    main()
