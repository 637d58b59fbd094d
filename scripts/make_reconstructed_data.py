"""Regenerate data/reconstructed/: the TOG 2026 cohort, its ensemble and feasible region; the HER-OS table.

Usage::

    .venv/bin/python scripts/make_reconstructed_data.py            # cohort and ensemble
    .venv/bin/python scripts/make_reconstructed_data.py --cohort   # only tog2026_cohort.csv
    .venv/bin/python scripts/make_reconstructed_data.py --feasible # only feasible/ (about 15 min)
    .venv/bin/python scripts/make_reconstructed_data.py --ranges   # only feasible/ranges.csv
    .venv/bin/python scripts/make_reconstructed_data.py --followup # only the follow-up model's two files
    .venv/bin/python scripts/make_reconstructed_data.py --heros    # only the HER-OS table and its ranges

The feasible region (``feasible/``) is the witness table at each end of every unreported quantity,
the search's log and two summaries; the follow-up model gives ``tog2026_followup.csv`` and
``followup_scenarios.csv``. All outputs are deterministic (fixed seeds, fixed float formatting);
tests regenerate them (the slow searches in part) and compare byte for byte. Every row is synthetic
(see her2ned.SYNTHETIC_NOTICE).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from her2ned.datasets import load_csv
from her2ned.feasible import (
    REGION_SEED,
    committed_conclusions,
    committed_ranges,
    format_range_csv,
    search_region,
    witness_name,
)
from her2ned import heros
from her2ned.followup import followup_table, format_scenarios_csv, scenario_table
from her2ned.reconstruct import (
    COHORT_SEED,
    ENSEMBLE_SEEDS,
    format_cohort_csv,
    format_ensemble_csv,
    reconstruct,
    reconstruct_ensemble,
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cohort", action="store_true", help="only the cohort table")
    ap.add_argument("--feasible", action="store_true", help="only the feasible region (feasible/)")
    ap.add_argument(
        "--followup",
        action="store_true",
        help="only tog2026_followup.csv and followup_scenarios.csv (the follow-up model)",
    )
    ap.add_argument(
        "--ranges",
        action="store_true",
        help="only feasible/ranges.csv and conclusions.csv, from the committed witnesses",
    )
    ap.add_argument(
        "--heros", action="store_true", help="only heros2014_cohort.csv and heros2014_ranges.csv (about a minute)"
    )
    args = ap.parse_args(argv)
    out = Path(__file__).resolve().parents[1] / "data" / "reconstructed"  # the repository's copy
    out.mkdir(parents=True, exist_ok=True)
    if args.heros:
        (out / "heros2014_cohort.csv").write_text(
            heros.format_cohort_csv(heros.reconstruct(heros.COHORT_SEED)), encoding="utf-8"
        )
        (out / "heros2014_ranges.csv").write_text(
            heros.format_range_csv(heros.feasible_range(heros.RANGE_SEED)), encoding="utf-8"
        )
        print(f"wrote {out / 'heros2014_cohort.csv'} and heros2014_ranges.csv")
        return 0
    if args.followup:
        cohort = load_csv("reconstructed", "tog2026_cohort.csv")
        table, missed = followup_table(cohort)
        (out / "tog2026_followup.csv").write_text(format_cohort_csv(table), encoding="utf-8")
        (out / "followup_scenarios.csv").write_text(format_scenarios_csv(scenario_table(cohort)), encoding="utf-8")
        print(f"wrote {out / 'tog2026_followup.csv'} (targets missed: {missed or 'none'}) and followup_scenarios.csv")
        return 0
    if args.feasible:
        witnesses, log = search_region(load_csv("reconstructed", "tog2026_cohort.csv"), REGION_SEED)
        (out / "feasible").mkdir(exist_ok=True)
        for (q, end), w in witnesses.items():
            (out / "feasible" / witness_name(q, end)).write_text(format_cohort_csv(w), encoding="utf-8")
        (out / "feasible" / "search_log.csv").write_text(
            log.to_csv(index=False, float_format="%.6f", lineterminator="\n"), encoding="utf-8"
        )
        print(f"wrote {len(witnesses)} witness tables and the search log to {out / 'feasible'}")
    if args.feasible or args.ranges:
        (out / "feasible" / "ranges.csv").write_text(format_range_csv(committed_ranges()), encoding="utf-8")
        (out / "feasible" / "conclusions.csv").write_text(format_range_csv(committed_conclusions()), encoding="utf-8")
        print(f"wrote {out / 'feasible' / 'ranges.csv'} and conclusions.csv")
        return 0
    (out / "tog2026_cohort.csv").write_text(format_cohort_csv(reconstruct(COHORT_SEED)), encoding="utf-8")
    print(f"wrote {out / 'tog2026_cohort.csv'}")
    if not args.cohort:
        ens = reconstruct_ensemble(ENSEMBLE_SEEDS)
        (out / "tog2026_ensemble.csv").write_text(format_ensemble_csv(ens), encoding="utf-8")
        print(f"wrote {out / 'tog2026_ensemble.csv'} ({len(ens)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
