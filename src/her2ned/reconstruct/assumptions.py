"""What the abstract does not say: every assumption of the TOG 2026 reconstruction, and the checks of
the arguments every search takes."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .._arguments import count, float_array, generator
from ..study_design import STUDY_N
from ..targets import require_targets

__all__ = ["Assumptions", "ASSUMPTIONS", "assumptions_table"]


@dataclass(frozen=True)
class Assumptions:
    """Everything the abstract does not say and the reconstruction has to choose.

    Shares marked *assumption* have no source; the others name theirs in a comment.
    """

    n_centres: int = 13
    univariable_test_binary: str = (
        "Pearson chi-square on the 2×2 table, no continuity correction (ECOG 0 vs 1; IHC 3+ vs 2+/ISH+; grade ≤ 2 vs 3)"
    )
    univariable_test_age: str = (
        "Mann–Whitney U, two-sided, normal approximation with tie and "
        "continuity correction (scipy.stats.mannwhitneyu default)"
    )
    logistic_covariates: tuple = ("ecog0", "ihc3", "grade_le2", "local_therapy", "tp")
    cox_covariates: tuple = ("ned", "local_therapy", "tp")
    time_origin: str = (
        "start of first-line trastuzumab-based therapy; every patient was "
        "progression-free at 36 months; no adjustment for left truncation "
        "(the naive analysis chapter 6 questions)"
    )
    censoring: str = (
        "administrative or loss to follow-up after 36 months; no event before 36 "
        "months by design; longest follow-up at most max_followup_months"
    )
    # How the PFS times are drawn. "free" (the shipped cohort): exit times and progression flags drawn
    # separately, so any censoring pattern is possible. "accrual": the follow-up model of a 13-centre
    # retrospective study (her2ned.followup): each patient started first-line therapy in the accrual
    # window (density growing by accrual_growth_per_year, as centres join and records improve), is
    # censored at the data cut or earlier if lost to follow-up (constant loss rate after entry at 36
    # months); her progression time follows a Weibull shape drawn per group from weibull_shape_range,
    # scaled so that the group's Kaplan–Meier median is the published one.
    pfs_model: str = "free"
    accrual_window: tuple = (2006.0, 2021.0)  # assumption: trastuzumab first line in routine use by 2006
    accrual_growth_per_year: float = 0.0  # assumption: 0 = uniform accrual
    data_cut: float = 2025.0  # assumption: analysed in 2025 for a 2026 paper
    loss_rate_per_year: float = 0.03  # assumption: losses to follow-up in a chart review
    weibull_shape_range: tuple = (0.7, 3.0)  # assumption: hazards from falling to steeply rising
    max_followup_months: float = 240.0
    # assumption: the NED median is not the last observation; someone is followed at least this long
    # beyond it (a Kaplan–Meier median at the very last time point would not have been published)
    followup_beyond_ned_median_months: float = 12.0
    ned_events_range: tuple = (4, 10)  # progressions in the NED group (drawn, then tested)
    non_ned_events_range: tuple = (15, 45)  # progressions in the non-NED group
    share_local_therapy: float = 0.30  # assumption
    share_tp: float = 0.55  # assumption (pertuzumab came later than trastuzumab)
    share_grade1_of_le2: float = 3 / 47  # Jackisch 2014: G1/G2 = 3/44 %
    share_hr_positive: float = 0.61  # Jackisch 2014
    share_de_novo: float = 0.35  # registHER; Danish and Royal Marsden cohorts: 32–38 %
    share_visceral: float = 0.40  # assumption
    age_bounds: tuple = (26, 84)  # assumption: plausible adult range
    age_decimals: int = 0  # ages are whole years
    pfs_decimals: int = 2  # months, written with 2 decimals

    def __post_init__(self):
        for name in (
            "share_local_therapy",
            "share_tp",
            "share_grade1_of_le2",
            "share_hr_positive",
            "share_de_novo",
            "share_visceral",
        ):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0 < v < 1:
                raise ValueError(f"Assumptions.{name} must be a share strictly between 0 and 1, got {v!r}")
        if self.pfs_model not in ("accrual", "free"):
            raise ValueError(f"Assumptions.pfs_model must be 'accrual' or 'free', got {self.pfs_model!r}")
        for name in ("accrual_window", "weibull_shape_range"):
            v = getattr(self, name)
            if not (isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v)):
                raise ValueError(f"Assumptions.{name} must be a pair of numbers (low, high), got {v!r}")
        for name in ("max_followup_months", "followup_beyond_ned_median_months"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < math.inf:
                raise ValueError(f"Assumptions.{name} must be a finite number of months ≥ 0, got {v!r}")
        if not isinstance(self.data_cut, (int, float)):
            raise ValueError(f"Assumptions.data_cut must be a year, got {self.data_cut!r}")
        a0, a1 = self.accrual_window
        if not a0 < a1 <= self.data_cut - 3:
            raise ValueError(
                f"Assumptions.accrual_window {self.accrual_window!r} must end at least 3 years "
                f"(the 36-month entry rule) before data_cut {self.data_cut!r}"
            )
        if 12 * (self.data_cut - a0) > self.max_followup_months:
            raise ValueError(
                f"Assumptions: follow-up from accrual start {a0} to data cut {self.data_cut} exceeds "
                f"max_followup_months {self.max_followup_months}"
            )
        if not isinstance(self.accrual_growth_per_year, (int, float)) or not 0 <= self.accrual_growth_per_year <= 2:
            raise ValueError(
                f"Assumptions.accrual_growth_per_year must be in [0, 2], got {self.accrual_growth_per_year!r}"
            )
        lo_k, hi_k = self.weibull_shape_range
        if not 0 < lo_k <= hi_k <= 20:
            raise ValueError(
                f"Assumptions.weibull_shape_range must be 0 < low <= high <= 20, got {self.weibull_shape_range!r}"
            )
        if not isinstance(self.loss_rate_per_year, (int, float)) or not 0 <= self.loss_rate_per_year < 1:
            raise ValueError(f"Assumptions.loss_rate_per_year must be in [0, 1), got {self.loss_rate_per_year!r}")
        if not isinstance(self.n_centres, int) or not 1 <= self.n_centres <= STUDY_N:
            raise ValueError(f"Assumptions.n_centres must be an integer 1-{STUDY_N}, got {self.n_centres!r}")


ASSUMPTIONS = Assumptions()


def assumptions_table(assumptions: Assumptions = ASSUMPTIONS) -> pd.DataFrame:
    """Every assumption of the reconstruction as a two-column table (for the book).

    Examples
    --------
    >>> assumptions_table().set_index("assumption").loc["n_centres", "value"]
    '13'
    """
    _require_assumptions(assumptions)
    return pd.DataFrame(
        [
            {
                "assumption": k,
                "value": ", ".join(map(str, v))
                if isinstance(v, tuple)
                else (f"{v:.3g}" if isinstance(v, float) else str(v)),
            }
            for k, v in asdict(assumptions).items()
        ]
    )


def _require_assumptions(assumptions) -> Assumptions:
    if not isinstance(assumptions, Assumptions):
        raise TypeError(f"assumptions must be an Assumptions instance, got {type(assumptions).__name__}")
    return assumptions


def _search_args(rng, targets, assumptions, **budgets) -> None:
    """Refuse, by name, bad arguments of the searches (before any draw)."""
    generator(rng), require_targets(targets), _require_assumptions(assumptions)
    for name, value in budgets.items():
        count(value, name, high=100_000)


def _group_sizes(n, n_ned) -> None:
    n = count(n, "n", low=20, high=2000)
    count(n_ned, "n_ned", low=1, high=n - 1)


def _binary(values, name: str) -> np.ndarray:
    a = float_array(values, name, ndim=1)
    if len(a) < 2:
        raise ValueError(f"{name} must hold one value per patient, got {len(a)}")
    if not np.isin(a, (0, 1)).all():
        raise ValueError(f"{name} must be 0 or 1 for every patient")
    return a.astype(int)
