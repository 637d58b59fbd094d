"""The whole reconstructed table: the three searches in turn, the drawn columns, the CSV form."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .._arguments import count, generator, rng_from_seed
from ..targets import require_targets
from .ages import search_ages
from .assumptions import ASSUMPTIONS, Assumptions, _require_assumptions
from .covariates import _PAT, search_covariates
from .pfs import search_pfs
from .tog_targets import targets_from_claims

__all__ = ["COLUMNS", "COHORT_SEED", "reconstruct", "complete_table", "format_cohort_csv"]

#: Columns of the reconstructed table, in order.
COLUMNS = [
    "patient_id",
    "centre",
    "age",
    "ecog",
    "her2_ihc",
    "grade",
    "hr_positive",
    "de_novo",
    "visceral",
    "regimen",
    "local_therapy",
    "ned",
    "pfs_months",
    "progressed",
]


#: Seed of the committed table ``data/reconstructed/tog2026_cohort.csv``.
COHORT_SEED = 2026


def _assemble(rng, cells, ages1, ages0, assumptions: Assumptions) -> pd.DataFrame:
    rows = []
    for g, ned in ((0, 1), (1, 0)):
        for i, k in enumerate(cells[g]):
            rows += [
                dict(zip(("ecog0", "ihc3", "grade_le2", "local_therapy", "tp"), _PAT[i]), ned=ned)
                for _ in range(int(k))
            ]
    df = pd.DataFrame(rows)
    n = len(df)
    df["age"] = 0
    df.loc[df.ned == 1, "age"] = rng.permutation(ages1).astype(int)
    df.loc[df.ned == 0, "age"] = rng.permutation(ages0).astype(int)
    df["ecog"] = 1 - df["ecog0"]
    df["her2_ihc"] = np.where(df["ihc3"] == 1, "3+", "2+/ISH+")
    g1 = rng.random(n) < assumptions.share_grade1_of_le2
    df["grade"] = np.where(df["grade_le2"] == 0, 3, np.where(g1, 1, 2))
    df["regimen"] = np.where(df["tp"] == 1, "T+P", "T")
    for col, share in (
        ("hr_positive", assumptions.share_hr_positive),
        ("de_novo", assumptions.share_de_novo),
        ("visceral", assumptions.share_visceral),
    ):
        df[col] = (rng.random(n) < share).astype(int)
    k = assumptions.n_centres
    sizes = 1 + rng.multinomial(n - k, rng.dirichlet(np.full(k, 2.0)))
    df["centre"] = rng.permutation(np.repeat([f"C{j + 1:02d}" for j in range(k)], sizes))
    return df


def reconstruct(
    seed: int = 2026,
    *,
    claims: dict | None = None,
    tolerances: dict | None = None,
    assumptions: Assumptions = ASSUMPTIONS,
    budget: float = 1.0,
) -> pd.DataFrame:
    """Build the synthetic 118-patient table that reproduces the TOG 2026 abstract.

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator`` driving the whole search (non-negative integer).
    claims : dict of {id: Claim}, optional
        The ledger (default: ``data/published/``). A malformed or missing entry raises
        :class:`her2ned.claims.LedgerError` naming it.
    tolerances : dict, optional
        Overrides of :data:`DEFAULT_TOLERANCES`.
    assumptions : Assumptions
        What the abstract does not say (:data:`ASSUMPTIONS`).
    budget : float
        Multiplies the search budget (restarts, kicks and draws); in (0, 10].

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per (synthetic) patient.

    Raises
    ------
    ReconstructionError
        A target cannot be met (the message names the claim; ``.closest`` holds the best try).

    Examples
    --------
    >>> df = reconstruct(seed=2026)
    >>> len(df), int(df.ned.sum()), bool((df.pfs_months >= 36).all())
    (118, 55, True)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0 < budget <= 10:
        raise ValueError(f"budget must be a number in (0, 10], got {budget!r}")
    _require_assumptions(assumptions)
    targets = targets_from_claims(claims, tolerances)
    n, n_ned = int(targets["tog_n"].published), int(targets["tog_ned_n"].published)
    rng = rng_from_seed(seed)
    cells, _ = search_covariates(
        rng,
        targets,
        n=n,
        n_ned=n_ned,
        assumptions=assumptions,
        kicks=max(1, int(150 * budget)),
        restarts=max(1, int(6 * budget)),
    )
    return complete_table(rng, targets, cells, assumptions=assumptions, budget=budget)


def complete_table(
    rng: np.random.Generator,
    targets: dict,
    cells: np.ndarray | list,
    *,
    assumptions: Assumptions = ASSUMPTIONS,
    budget: float = 1.0,
    pfs: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """A full patient table from covariate cell counts: ages, the drawn columns and PFS searched.

    ``cells`` as returned by :func:`search_covariates`. ``pfs``, if given, replaces the PFS search: a
    function ``(ned, local_therapy, tp) -> (pfs_months, progressed)`` (used to explore follow-up).
    """
    generator(rng)
    require_targets(targets)
    cells = np.asarray(cells) if isinstance(cells, (np.ndarray, list)) else np.empty(0)
    if cells.shape != (2, 32) or not np.issubdtype(cells.dtype, np.integer) or (cells < 0).any():
        raise ValueError(f"cells must be a (2, 32) array of non-negative counts, got shape {cells.shape}")
    _require_assumptions(assumptions)
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0 < budget <= 10:
        raise ValueError(f"budget must be a number in (0, 10], got {budget!r}")
    if pfs is not None and not callable(pfs):
        raise TypeError(f"pfs must be None or a function (ned, local_therapy, tp) -> (times, events), got {pfs!r}")
    n, n_ned = int(cells.sum()), int(cells[0].sum())
    a1, a0, _ = search_ages(rng, targets, n=n, n_ned=n_ned, assumptions=assumptions, tries=max(1, int(40 * budget)))
    df = _assemble(rng, cells, a1, a0, assumptions)
    if pfs is None:
        t, e, _ = search_pfs(
            rng,
            targets,
            df["ned"].to_numpy(),
            df["local_therapy"].to_numpy(),
            df["tp"].to_numpy(),
            assumptions=assumptions,
            draws=max(1, int(3000 * budget)),
        )
    else:
        t, e = pfs(df["ned"].to_numpy(), df["local_therapy"].to_numpy(), df["tp"].to_numpy())
    df = _with_pfs(df, t, e, assumptions.pfs_decimals)
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    df["patient_id"] = [f"SYN-{i + 1:03d}" for i in range(len(df))]
    out = df[COLUMNS].copy()
    for c in ("age", "ecog", "grade", "hr_positive", "de_novo", "visceral", "local_therapy", "ned", "progressed"):
        out[c] = out[c].astype(int)
    return out


def _with_pfs(df: pd.DataFrame, t, e, decimals: int = ASSUMPTIONS.pfs_decimals) -> pd.DataFrame:
    """A copy of ``df`` with PFS times (rounded as published) and progression flags replaced."""
    out = df.copy()
    out["pfs_months"] = np.round(t, decimals)
    out["progressed"] = np.asarray(e).astype(int)
    return out


def format_cohort_csv(df: pd.DataFrame, decimals: int = ASSUMPTIONS.pfs_decimals) -> str:
    """The table as CSV text with fixed float formatting (so regeneration is byte-for-byte)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}; required: {COLUMNS}")
    decimals = count(decimals, "decimals", low=0, high=12)
    return df[COLUMNS].to_csv(index=False, float_format=f"%.{decimals}f", lineterminator="\n")
