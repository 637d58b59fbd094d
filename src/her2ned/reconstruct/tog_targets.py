"""The TOG 2026 abstract as reconstruction targets: one tolerance per claim of the ledger."""

from __future__ import annotations

import pandas as pd

from ..claims import load_claims
from ..study_design import THRESHOLD_MONTHS
from ..targets import ReconstructionError, Target, build_targets
from ..targets import check_targets as _check_targets

__all__ = ["DEFAULT_TOLERANCES", "targets_from_claims", "check_targets"]

#: Tolerance per target: ("exact", 0), ("abs", a), ("rel", r) or ("below", None) for a bound p < x.
DEFAULT_TOLERANCES: dict[str, tuple[str, float | None]] = {
    "tog_centres": ("exact", 0),
    "tog_min_pfs": ("min", None),
    "tog_n": ("exact", 0),
    "tog_ned_pct": ("abs", 0.05),
    "tog_ned_n": ("exact", 0),
    "tog_age_median_ned": ("exact", 0),
    "tog_age_median_non_ned": ("exact", 0),
    "tog_age_p": ("rel", 0.25),
    "tog_ecog_p": ("rel", 0.25),
    "tog_ihc_p": ("rel", 0.25),
    "tog_grade_p": ("rel", 0.25),
    "tog_or_ecog": ("rel", 0.05),
    "tog_or_ecog:p": ("rel", 0.25),
    "tog_or_ihc": ("rel", 0.05),
    "tog_or_ihc:p": ("rel", 0.25),
    "tog_or_grade": ("rel", 0.05),
    "tog_or_grade:p": ("rel", 0.25),
    "tog_pfs_median_ned": ("abs", 2.0),
    "tog_pfs_median_non_ned": ("abs", 2.0),
    "tog_pfs_p": ("below", None),
    "tog_hr_ned": ("abs", 0.01),
    "tog_hr_ned:p": ("rel", 0.25),
    "tog_local_therapy_ns": ("ns", 0.05),
    "tog_regimen_ns": ("ns", 0.05),
}


def targets_from_claims(claims: dict | None = None, tolerances: dict | None = None) -> dict[str, Target]:
    """Turn the TOG 2026 ledger entries into reconstruction targets, validating them.

    Parameters
    ----------
    claims : dict of {id: Claim}, optional
        Default: :func:`her2ned.claims.load_claims`.
    tolerances : dict, optional
        Overrides of :data:`DEFAULT_TOLERANCES` (same keys and ``(kind, tol)`` values).

    Raises
    ------
    LedgerError
        A claim is missing or not numeric; the message names it.
    ReconstructionError
        Targets that contradict each other (NED > N, a median PFS below the 36-month entry rule).

    Examples
    --------
    >>> t = targets_from_claims()
    >>> t["tog_or_ecog"].published, t["tog_or_ecog:p"].published
    (5.99, 0.005)
    """
    claims = load_claims() if claims is None else claims
    out = build_targets(DEFAULT_TOLERANCES, claims, tolerances)
    n, k = out["tog_n"].published, out["tog_ned_n"].published
    if n != int(n) or not 20 <= n <= 2000:
        raise ReconstructionError(f"claim 'tog_n': N must be a whole number 20-2000, got {n}", ["tog_n"])
    if k != int(k) or not 5 <= k <= n - 5:
        raise ReconstructionError(
            f"claim 'tog_ned_n': NED must be a whole number between 5 and N - 5 = {n - 5:g}, got {k:g}", ["tog_ned_n"]
        )
    for m in ("tog_pfs_median_ned", "tog_pfs_median_non_ned"):
        if out[m].published <= THRESHOLD_MONTHS:
            raise ReconstructionError(
                f"claim {m!r}: a median PFS of {out[m].published:g} months is "
                f"impossible when every patient was progression-free at {THRESHOLD_MONTHS:g} months",
                [m],
            )
    for m in ("tog_or_ecog", "tog_or_ihc", "tog_or_grade", "tog_hr_ned"):
        if out[m].published <= 0:
            raise ReconstructionError(f"claim {m!r}: a ratio must be positive, got {out[m].published}", [m])
    return out


def check_targets(values: dict, targets: dict | None = None) -> pd.DataFrame:
    """Compare reproduced values with the TOG targets (default) or ``targets``; see
    :func:`her2ned.targets.check_targets`.

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> from her2ned.reconstruct import reproduced_values
    >>> tab = check_targets(reproduced_values(load_csv("reconstructed", "tog2026_cohort.csv")))
    >>> bool(tab["met"].all())
    True
    """
    return _check_targets(values, targets_from_claims() if targets is None else targets)
