"""Print how long regenerating the reconstructed TOG 2026 cohort takes (quality bar: ≤ 60 s).

Usage: ``.venv/bin/python benchmarks/reconstruct_time.py`` — prints the wall time of
``reconstruct(COHORT_SEED)`` and, as a same-run baseline, the time of one verification with
her2ned.models (statsmodels + lifelines) on the result; then the mean over the first five ensemble seeds,
since one seed's time depends on the path its search happens to take.
"""

import time

from her2ned.reconstruct import COHORT_SEED, ENSEMBLE_SEEDS, reconstruct, reproduced_values

t0 = time.perf_counter()
df = reconstruct(COHORT_SEED)
t1 = time.perf_counter()
reproduced_values(df)
t2 = time.perf_counter()
print(f"reconstruct(seed={COHORT_SEED}): {t1 - t0:.1f} s (limit 60 s)")
print(f"one verification with her2ned.models: {t2 - t1:.2f} s; ratio {(t1 - t0) / (t2 - t1):.0f}×")
seeds = ENSEMBLE_SEEDS[:5]
t3 = time.perf_counter()
for s in seeds:
    reconstruct(s)
mean = (time.perf_counter() - t3) / len(seeds)
print(
    f"reconstruct, mean over seeds {seeds[0]}-{seeds[-1]}: {mean:.1f} s; ratio to one verification "
    f"{mean / (t2 - t1):.0f}×"
)
