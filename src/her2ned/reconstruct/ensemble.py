"""Non-identifiability: many tables fit the abstract. One table per seed, each summarised by what the
abstract did not report."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._arguments import sequence
from ..models.fast import km_curve, km_median
from .table import reconstruct
from .tog_targets import check_targets
from .verify import reproduced_values

__all__ = ["ENSEMBLE_SEEDS", "ENSEMBLE_COLUMNS", "summarise_table", "reconstruct_ensemble", "format_ensemble_csv"]

#: Seeds of the committed ensemble ``data/reconstructed/tog2026_ensemble.csv`` (20 tables).
ENSEMBLE_SEEDS = tuple(range(1, 21))


#: Columns of the ensemble summary, one row per consistent table.
ENSEMBLE_COLUMNS = [
    "seed",
    "share_ecog0",
    "share_ihc3",
    "share_grade3",
    "share_local_therapy",
    "share_tp",
    "events_ned",
    "events_non_ned",
    "events_total",
    "median_followup_months",
    "max_pfs_months",
    "hazard_ratio",
    "odds_ratio_ecog",
    "age_p",
    "max_distance",
]


def summarise_table(df: pd.DataFrame, seed: int = -1) -> dict:
    """The quantities the abstract did not report, for one table (plus its worst target distance).

    ``median_followup_months`` is the reverse Kaplan–Meier median (censoring as the event).

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> row = summarise_table(load_csv("reconstructed", "tog2026_cohort.csv"), seed=2026)
    >>> row["events_total"] == row["events_ned"] + row["events_non_ned"], row["max_distance"] <= 1
    (True, True)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < -1:
        raise TypeError(f"seed must be an integer ≥ -1 (-1: no seed), got {seed!r}")
    tab = check_targets(reproduced_values(df))
    t = df["pfs_months"].to_numpy(float)
    c = 1 - df["progressed"].to_numpy(int)
    return {
        "seed": int(seed),
        "share_ecog0": float((df.ecog == 0).mean()),
        "share_ihc3": float((df.her2_ihc == "3+").mean()),
        "share_grade3": float((df.grade == 3).mean()),
        "share_local_therapy": float(df.local_therapy.mean()),
        "share_tp": float((df.regimen == "T+P").mean()),
        "events_ned": int(df.loc[df.ned == 1, "progressed"].sum()),
        "events_non_ned": int(df.loc[df.ned == 0, "progressed"].sum()),
        "events_total": int(df.progressed.sum()),
        "median_followup_months": km_median(*km_curve(t, c)),
        "max_pfs_months": float(t.max()),
        "hazard_ratio": float(tab.set_index("target").loc["tog_hr_ned", "reproduced"]),
        "odds_ratio_ecog": float(tab.set_index("target").loc["tog_or_ecog", "reproduced"]),
        "age_p": float(tab.set_index("target").loc["tog_age_p", "reproduced"]),
        "max_distance": float(tab["distance"].max()),
    }


def reconstruct_ensemble(seeds: Sequence[int] = ENSEMBLE_SEEDS) -> pd.DataFrame:
    """Reconstruct one table per seed and summarise each (:func:`summarise_table`).

    A seed whose search fails raises :class:`ReconstructionError` (never silently skipped).
    """
    seeds = sequence(seeds, "seeds")
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0 for s in seeds):
        raise ValueError(f"seeds must be a non-empty list of non-negative integers, got {seeds!r}")
    return pd.DataFrame([summarise_table(reconstruct(int(s)), int(s)) for s in seeds], columns=ENSEMBLE_COLUMNS)


def format_ensemble_csv(ens: pd.DataFrame) -> str:
    """The ensemble summary as CSV text with fixed formatting (4 decimals)."""
    if not isinstance(ens, pd.DataFrame):
        raise TypeError(f"ens must be a pandas DataFrame, got {type(ens).__name__}")
    missing = [c for c in ENSEMBLE_COLUMNS if c not in ens.columns]
    if missing:
        raise ValueError(f"ens lacks column(s) {missing}; required: {ENSEMBLE_COLUMNS}")
    return ens[ENSEMBLE_COLUMNS].to_csv(index=False, float_format="%.4f", lineterminator="\n")
