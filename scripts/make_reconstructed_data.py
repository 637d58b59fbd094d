"""Regenerate data/reconstructed/: the reconstructed TOG 2026 cohort and the ensemble of 20 tables.

Usage::

    .venv/bin/python scripts/make_reconstructed_data.py            # both files
    .venv/bin/python scripts/make_reconstructed_data.py --cohort   # only tog2026_cohort.csv

Both outputs are deterministic (fixed seeds, fixed float formatting): tests regenerate them and
compare byte for byte. Every row is synthetic (see her2ned.SYNTHETIC_NOTICE).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from her2ned.reconstruct import (COHORT_SEED, ENSEMBLE_SEEDS, format_cohort_csv, format_ensemble_csv,
                                 reconstruct, reconstruct_ensemble)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cohort", action="store_true", help="only the cohort table")
    args = ap.parse_args(argv)
    out = Path(__file__).resolve().parents[1] / "data" / "reconstructed"  # the repository's copy
    out.mkdir(parents=True, exist_ok=True)
    (out / "tog2026_cohort.csv").write_text(format_cohort_csv(reconstruct(COHORT_SEED)), encoding="utf-8")
    print(f"wrote {out / 'tog2026_cohort.csv'}")
    if not args.cohort:
        ens = reconstruct_ensemble(ENSEMBLE_SEEDS)
        (out / "tog2026_ensemble.csv").write_text(format_ensemble_csv(ens), encoding="utf-8")
        print(f"wrote {out / 'tog2026_ensemble.csv'} ({len(ens)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
