"""Latency of the cohort explorer: control change → redrawn panel, at N = 118.

Prints the median and 95th percentile over many control changes for

* the explorer panel (numpy fits, one reused figure redrawn by blitting), timed from setting a
  control's ``.value`` to the end of the observer (the panel's outputs replaced), headless;
* the naive pipeline, measured in the same run on the same parameter draws: a fresh simulation into
  a DataFrame, statsmodels Logit, lifelines Kaplan–Meier and Cox, and a new matplotlib figure
  rendered to PNG each time;

and the ratio. Target (issue 6): median ≤ 50 ms and p95 ≤ 100 ms.

Run: ``.venv/bin/python benchmarks/explorer_latency.py [--changes 200]``
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from her2ned.models import add_model_columns, cox_table, km_medians, logistic_table  # noqa: E402
from her2ned.plots.forest import plot_forest  # noqa: E402
from her2ned.plots.survival import plot_km  # noqa: E402
from her2ned.simulate import SimulationParams, select_cohort, simulate_population  # noqa: E402
from her2ned.widgets.explorer import ExplorerPanel  # noqa: E402


def random_changes(k: int, seed: int = 0):
    """k (control, value) pairs that keep the cohort analysable most of the time."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(k):
        name = rng.choice(
            [
                "seed",
                "hr_ned",
                "or_ecog0",
                "or_ihc3",
                "or_grade_le2",
                "threshold_months",
                "p_ecog0",
                "p_ihc3",
                "p_grade3",
            ]
        )
        value = {
            "seed": lambda: int(rng.integers(0, 1000)),
            "hr_ned": lambda: float(np.round(np.exp(rng.uniform(np.log(0.15), np.log(1.5))), 2)),
            "or_ecog0": lambda: float(np.round(np.exp(rng.uniform(0, np.log(12))), 2)),
            "or_ihc3": lambda: float(np.round(np.exp(rng.uniform(0, np.log(10))), 2)),
            "or_grade_le2": lambda: float(np.round(np.exp(rng.uniform(np.log(0.1), 0)), 2)),
            "threshold_months": lambda: int(rng.integers(12, 49)),
            "p_ecog0": lambda: float(np.round(rng.uniform(0.2, 0.7), 2)),
            "p_ihc3": lambda: float(np.round(rng.uniform(0.4, 0.9), 2)),
            "p_grade3": lambda: float(np.round(rng.uniform(0.3, 0.7), 2)),
        }[str(name)]()
        out.append((str(name), value))
    return out


def naive_redraw(values: dict) -> None:
    """The same analysis done the obvious way (DataFrames, statsmodels, lifelines, a new figure)."""
    params = SimulationParams(
        p_ecog0=values["p_ecog0"],
        p_ihc3=values["p_ihc3"],
        p_grade3=values["p_grade3"],
        or_ecog0=values["or_ecog0"],
        or_ihc3=values["or_ihc3"],
        or_grade_le2=values["or_grade_le2"],
        hr_ned=values["hr_ned"],
        n=1500,
    )  # enough for 118 selected at thresholds <= 48 months
    thr = values["threshold_months"]
    cohort = select_cohort(simulate_population(params, seed=int(values["seed"])), thr)
    cohort = add_model_columns(cohort.iloc[: values["n"]])  # about 118 rows, as in the panel
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5), dpi=72)
    try:
        ors = logistic_table(cohort, "ned", ["ecog0", "ihc3", "grade_le2"])
        plot_forest(ors, ax=ax1)
    except ValueError:
        pass
    km_medians(cohort, "pfs_months", "progressed", "ned", entry="entry_months")
    cox_table(cohort, "pfs_months", "progressed", ["ned"], entry="entry_months")
    plot_km(cohort, entry="entry_months", threshold=thr, ax=ax2)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)


def main(changes: int = 200, naive_changes: int = 60) -> dict:
    panel = ExplorerPanel()
    plan = random_changes(changes)
    for name, value in plan[:5]:  # warm-up (imports, caches)
        panel.controls[name].value = value
    fast, naive, messages = [], [], 0
    naive_plan = set(range(0, changes, max(1, changes // naive_changes)))
    for i, (name, value) in enumerate(plan):
        control = panel.controls[name]
        if control.value == value:
            continue
        before = panel.redraws
        t0 = time.perf_counter()
        control.value = value
        fast.append(time.perf_counter() - t0)
        assert panel.redraws == before + 1
        messages += panel.last_result is None
        if i in naive_plan:
            t0 = time.perf_counter()
            naive_redraw(panel.values())
            naive.append(time.perf_counter() - t0)
    fast_ms, naive_ms = np.array(fast) * 1e3, np.array(naive) * 1e3
    res = {
        "fast_median": np.median(fast_ms),
        "fast_p95": np.percentile(fast_ms, 95),
        "naive_median": np.median(naive_ms),
        "naive_p95": np.percentile(naive_ms, 95),
        "n_fast": len(fast_ms),
        "n_naive": len(naive_ms),
        "messages": messages,
    }
    res["ratio_median"] = res["naive_median"] / res["fast_median"]
    print(f"cohort explorer latency, N = 118 ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)")
    print(
        f"  explorer panel : median {res['fast_median']:6.1f} ms   p95 {res['fast_p95']:6.1f} ms   "
        f"({res['n_fast']} control changes; {messages} gave a plain message)"
    )
    print(
        f"  naive pipeline : median {res['naive_median']:6.1f} ms   p95 {res['naive_p95']:6.1f} ms   "
        f"({res['n_naive']} of the same changes)"
    )
    print(f"  speed-up (median naive / median panel): {res['ratio_median']:.1f}x")
    ok = res["fast_median"] <= 50 and res["fast_p95"] <= 100
    print(f"  target median <= 50 ms and p95 <= 100 ms: {'met' if ok else 'NOT met'}")
    return res


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--naive", type=int, default=60)
    args = parser.parse_args()
    main(args.changes, args.naive)
