"""Reconstruct a synthetic 118-patient table consistent with every number in the TOG 2026 abstract.

Only the abstract of Dursun et al. (2026) is available, so no patient-level data exist. This module
builds *one* table whose analysis reproduces the published numbers, by a deterministic seeded search
over what the abstract does not say: the covariate pattern of each patient, ages, progression and
censoring times. The search is decomposed into independent parts:

1. **Covariates and NED** (:func:`search_covariates`). The multivariable logistic model and the
   univariable tests depend only on the counts of patients in each cell of
   ECOG × IHC × grade ≤ 2 × local therapy × regimen, split by NED. An iterated local search over
   those integer counts (moving one patient at a time between cells) minimises the distance to the
   three odds ratios, their p-values, the three univariable p-values and keeps local therapy and
   regimen non-significant. Fits inside the search are vectorised Newton–Raphson (grouped data).
2. **Ages** (:func:`search_ages`): normal draws whose middle order statistic is set to the published
   median exactly; a bisection on the spread hits the Mann–Whitney p-value.
3. **PFS** (:func:`search_pfs`): for each NED group a number of events, exit times and which exits
   are progressions are drawn; each group's times are rescaled so that its Kaplan–Meier median is
   the published one exactly; a monotone warp of the NED group's times around its median (which
   leaves its median unchanged) is found by bisection to hit the Cox hazard ratio; the draw is kept
   if the Cox p-value, the log-rank p-value and the non-significance of local therapy and regimen
   also hold.
4. The other columns (centre, grade 1 vs 2, hormone receptors, de novo, visceral) are drawn from the
   stated shares; no published number depends on them.

Every assumption lives in :data:`ASSUMPTIONS` (shown in the book by :func:`assumptions_table`) and
every tolerance in :data:`DEFAULT_TOLERANCES`. If a target cannot be met within the search budget,
:class:`ReconstructionError` names the claim(s) and carries the closest candidate, so a table that
misses a claim is never returned silently.

The final table is checked with :mod:`her2ned.models` (statsmodels and lifelines) by
:func:`reproduced_values`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.special import erfc

from . import SYNTHETIC_NOTICE
from ._arguments import count, float_array, generator, rng_from_seed, sequence
from .claims import load_claims, parse_p
from .targets import ReconstructionError, Target, build_targets, require_targets
from .targets import check_targets as _check_targets

__all__ = ["Assumptions", "ASSUMPTIONS", "DEFAULT_TOLERANCES", "Target", "ReconstructionError",
           "targets_from_claims", "search_covariates", "complete_table", "START_MARGINS", "search_ages",
           "search_pfs", "reconstruct",
           "reproduced_values", "check_targets", "assumptions_table", "format_cohort_csv",
           "COLUMNS", "SYNTHETIC_NOTICE", "univariable_tests", "reconstruct_ensemble", "summarise_table",
           "format_ensemble_csv", "COHORT_SEED", "ENSEMBLE_SEEDS"]

#: Columns of the reconstructed table, in order.
COLUMNS = ["patient_id", "centre", "age", "ecog", "her2_ihc", "grade", "hr_positive", "de_novo",
           "visceral", "regimen", "local_therapy", "ned", "pfs_months", "progressed"]


@dataclass(frozen=True)
class Assumptions:
    """Everything the abstract does not say and the reconstruction has to choose.

    Shares marked *assumption* have no source; the others name theirs in a comment.
    """

    n_centres: int = 13
    univariable_test_binary: str = ("Pearson chi-square on the 2×2 table, no continuity correction "
                                    "(ECOG 0 vs 1; IHC 3+ vs 2+/ISH+; grade ≤ 2 vs 3)")
    univariable_test_age: str = ("Mann–Whitney U, two-sided, normal approximation with tie and "
                                 "continuity correction (scipy.stats.mannwhitneyu default)")
    logistic_covariates: tuple = ("ecog0", "ihc3", "grade_le2", "local_therapy", "tp")
    cox_covariates: tuple = ("ned", "local_therapy", "tp")
    time_origin: str = ("start of first-line trastuzumab-based therapy; every patient was "
                        "progression-free at 36 months; no adjustment for left truncation "
                        "(the naive analysis chapter 6 questions)")
    censoring: str = ("administrative or loss to follow-up after 36 months; no event before 36 "
                      "months by design; longest follow-up at most max_followup_months")
    # How the PFS times are drawn. "free" (the shipped cohort): exit times and progression flags drawn
    # separately, so any censoring pattern is possible. "accrual": the follow-up model of a 13-centre
    # retrospective study (her2ned.followup): each patient started first-line therapy in the accrual
    # window (density growing by accrual_growth_per_year, as centres join and records improve), is
    # censored at the data cut or earlier if lost to follow-up (constant loss rate after entry at 36
    # months); her progression time follows a Weibull shape drawn per group from weibull_shape_range,
    # scaled so that the group's Kaplan–Meier median is the published one.
    pfs_model: str = "free"
    accrual_window: tuple = (2006.0, 2021.0)   # assumption: trastuzumab first line in routine use by 2006
    accrual_growth_per_year: float = 0.0       # assumption: 0 = uniform accrual
    data_cut: float = 2025.0                   # assumption: analysed in 2025 for a 2026 paper
    loss_rate_per_year: float = 0.03           # assumption: losses to follow-up in a chart review
    weibull_shape_range: tuple = (0.7, 3.0)    # assumption: hazards from falling to steeply rising
    max_followup_months: float = 240.0
    # assumption: the NED median is not the last observation; someone is followed at least this long
    # beyond it (a Kaplan–Meier median at the very last time point would not have been published)
    followup_beyond_ned_median_months: float = 12.0
    ned_events_range: tuple = (4, 10)        # progressions in the NED group (drawn, then tested)
    non_ned_events_range: tuple = (15, 45)   # progressions in the non-NED group
    share_local_therapy: float = 0.30        # assumption
    share_tp: float = 0.55                   # assumption (pertuzumab came later than trastuzumab)
    share_grade1_of_le2: float = 3 / 47      # Jackisch 2014: G1/G2 = 3/44 %
    share_hr_positive: float = 0.61          # Jackisch 2014
    share_de_novo: float = 0.35              # registHER; Danish and Royal Marsden cohorts: 32–38 %
    share_visceral: float = 0.40             # assumption
    age_bounds: tuple = (26, 84)             # assumption: plausible adult range
    age_decimals: int = 0                    # ages are whole years
    pfs_decimals: int = 2                    # months, written with 2 decimals

    def __post_init__(self):
        for name in ("share_local_therapy", "share_tp", "share_grade1_of_le2", "share_hr_positive",
                     "share_de_novo", "share_visceral"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0 < v < 1:
                raise ValueError(f"Assumptions.{name} must be a share strictly between 0 and 1, got {v!r}")
        if self.pfs_model not in ("accrual", "free"):
            raise ValueError(f"Assumptions.pfs_model must be 'accrual' or 'free', got {self.pfs_model!r}")
        for name in ("accrual_window", "weibull_shape_range"):
            v = getattr(self, name)
            if not (isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v)):
                raise ValueError(f"Assumptions.{name} must be a pair of numbers (low, high), got {v!r}")
        if not isinstance(self.data_cut, (int, float)):
            raise ValueError(f"Assumptions.data_cut must be a year, got {self.data_cut!r}")
        a0, a1 = self.accrual_window
        if not a0 < a1 <= self.data_cut - 3:
            raise ValueError(f"Assumptions.accrual_window {self.accrual_window!r} must end at least 3 years "
                             f"(the 36-month entry rule) before data_cut {self.data_cut!r}")
        if 12 * (self.data_cut - a0) > self.max_followup_months:
            raise ValueError(f"Assumptions: follow-up from accrual start {a0} to data cut {self.data_cut} exceeds "
                             f"max_followup_months {self.max_followup_months}")
        if not isinstance(self.accrual_growth_per_year, (int, float)) or not 0 <= self.accrual_growth_per_year <= 2:
            raise ValueError(f"Assumptions.accrual_growth_per_year must be in [0, 2], got "
                             f"{self.accrual_growth_per_year!r}")
        lo_k, hi_k = self.weibull_shape_range
        if not 0 < lo_k <= hi_k <= 20:
            raise ValueError(f"Assumptions.weibull_shape_range must be 0 < low <= high <= 20, got "
                             f"{self.weibull_shape_range!r}")
        if not isinstance(self.loss_rate_per_year, (int, float)) or not 0 <= self.loss_rate_per_year < 1:
            raise ValueError(f"Assumptions.loss_rate_per_year must be in [0, 1), got {self.loss_rate_per_year!r}")
        if not isinstance(self.n_centres, int) or not 1 <= self.n_centres <= 118:
            raise ValueError(f"Assumptions.n_centres must be an integer 1-118, got {self.n_centres!r}")


ASSUMPTIONS = Assumptions()

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
        raise ReconstructionError(f"claim 'tog_ned_n': NED must be a whole number between 5 and N - 5 "
                                  f"= {n - 5:g}, got {k:g}", ["tog_ned_n"])
    for m in ("tog_pfs_median_ned", "tog_pfs_median_non_ned"):
        if out[m].published <= 36:
            raise ReconstructionError(f"claim {m!r}: a median PFS of {out[m].published:g} months is "
                                      "impossible when every patient was progression-free at 36 months", [m])
    for m in ("tog_or_ecog", "tog_or_ihc", "tog_or_grade", "tog_hr_ned"):
        if out[m].published <= 0:
            raise ReconstructionError(f"claim {m!r}: a ratio must be positive, got {out[m].published}", [m])
    return out


# ---------------------------------------------------------------------------------------------
# Part 1: covariate patterns and NED (grouped logistic regression, vectorised Newton)
# ---------------------------------------------------------------------------------------------
_PAT = np.array(list(itertools.product([0, 1], repeat=5)))   # ecog0, ihc3, grade_le2, lt, tp
_X = np.column_stack([np.ones(len(_PAT)), _PAT]).astype(float)
_COV_T = ["tog_or_ecog", "tog_or_ihc", "tog_or_grade", "tog_or_ecog:p", "tog_or_ihc:p",
          "tog_or_grade:p", "tog_ecog_p", "tog_ihc_p", "tog_grade_p", "tog_local_therapy_ns",
          "tog_regimen_ns"]


def _batch_logit(y, m, X, iters=30):
    b = np.zeros((y.shape[0], X.shape[1]))
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(b @ X.T, -30, 30)))
        w = m * p * (1 - p)
        H = np.einsum("kc,ci,cj->kij", w, X, X) + 1e-10 * np.eye(X.shape[1])
        step = np.linalg.solve(H, ((y - m * p) @ X)[..., None])[..., 0]
        b += step
    se = np.sqrt(np.einsum("kii->ki", np.linalg.inv(H)))
    bad = (np.abs(step).max(1) > 1e-7) | (np.abs(b).max(1) > 10)
    return b, erfc(np.abs(b / se) / math.sqrt(2)), bad


def _chi2_p(a, b, c, d):
    n = a + b + c + d
    den = (a + b) * (c + d) * (a + c) * (b + d)
    x = np.where(den > 0, n * (a * d - b * c) ** 2 / np.maximum(den, 1), 0.0)
    return erfc(np.sqrt(x / 2))


def _cov_stats(cells, X=_X, pat=_PAT):
    """cells: (K, 2, C) counts (NED, non-NED). Returns a (K, 11) array in the order of _COV_T."""
    pos, neg = cells[:, 0].astype(float), cells[:, 1].astype(float)
    b, pv, bad = _batch_logit(pos, pos + neg, X)
    k = X.shape[1] - 1
    uni = [_chi2_p(pos[:, pat[:, j] == 1].sum(1), neg[:, pat[:, j] == 1].sum(1),
                   pos[:, pat[:, j] == 0].sum(1), neg[:, pat[:, j] == 0].sum(1)) for j in range(3)]
    ns = [pv[:, 4], pv[:, 5]] if k == 5 else [np.ones(len(pos))] * 2
    out = np.column_stack([np.exp(b[:, 1:4]), pv[:, 1:4], *uni, *ns])
    out[bad] = np.nan
    return out


def _cov_distance(stats, targets):
    d = np.empty_like(stats)
    for j, name in enumerate(_COV_T):
        t = targets[name]
        v = stats[:, j]
        if t.kind == "rel":
            d[:, j] = np.abs(v / t.published - 1) / t.tol
        elif t.kind == "abs":
            d[:, j] = np.abs(v - t.published) / t.tol
        elif t.kind == "ns":   # soft margin: penalise p below 2 × threshold, fail below threshold
            d[:, j] = np.where(v > 2 * t.tol, 0.0, (2 * t.tol - v) / t.tol)
        else:
            d[:, j] = np.where(v == t.published, 0.0, np.inf)
    d[~np.isfinite(d)] = 1e3
    return d


def _neighbours(cur):
    g, C = cur.shape
    mv = np.array([(a, i, j) for a in range(g) for i in range(C) for j in range(C) if i != j])
    mv = mv[cur[mv[:, 0], mv[:, 1]] > 0]
    cand = np.repeat(cur[None], len(mv), 0)
    r = np.arange(len(mv))
    cand[r, mv[:, 0], mv[:, 1]] -= 1
    cand[r, mv[:, 0], mv[:, 2]] += 1
    return cand


def _ils(cur, score, rng, kicks, goal, moves=_neighbours):
    """Iterated local search: steepest descent, then random kicks from the best point."""
    def descend(c):
        f = score(c[None])[0]
        while True:
            cand = moves(c)
            fs = score(cand)
            k = int(np.argmin(fs))
            if fs[k] >= f:
                return c, f
            c, f = cand[k], fs[k]

    best, fb = descend(cur)
    for _ in range(kicks):
        if fb <= goal:
            break
        c = best
        for _ in range(int(rng.integers(2, 6))):
            cand = moves(c)
            c = cand[rng.integers(len(cand))]
        c, f = descend(c)
        if f < fb:
            best, fb = c, f
    return best, fb


#: Starting guesses of the covariate search: shares of ECOG 0, IHC 3+ and grade ≤ 2 among NED (1) and
#: non-NED (0) patients. Only where the search starts; the feasible region is explored from many others.
START_MARGINS = {1: (0.93, 0.90, 0.75), 0: (0.75, 0.75, 0.90)}


def search_covariates(rng: np.random.Generator, targets: dict, *, n: int, n_ned: int,
                      assumptions: Assumptions = ASSUMPTIONS, kicks: int = 150, restarts: int = 6,
                      margins: dict | None = None):
    """Search the 32-cell × NED counts that meet every covariate target.

    Returns ``(cells, distances)``: ``cells`` is a (2, 32) integer array (row 0 NED, row 1 not), the
    columns ordered as ``itertools.product([0, 1], repeat=5)`` over (ecog0, ihc3, grade_le2,
    local_therapy, tp); ``distances`` maps each target to its distance (≤ 1 = met).

    ``margins`` are the starting guesses only: ``{1: [ecog0, ihc3, grade≤2], 0: [...]}``, the shares in
    the NED (1) and non-NED (0) groups from which each restart draws its first table (default: the
    shares the book started from; :mod:`her2ned.feasible` starts from many others).

    Raises :class:`ReconstructionError` naming the claims missed if the budget runs out.

    Examples
    --------
    >>> import numpy as np
    >>> cells, dist = search_covariates(np.random.default_rng(1), targets_from_claims(), n=118, n_ned=55)
    >>> cells.sum(axis=1).tolist(), max(dist.values()) <= 1
    ([55, 63], True)
    """
    _search_args(rng, targets, assumptions, kicks=kicks, restarts=restarts)
    _group_sizes(n, n_ned)
    pat3 = np.array(list(itertools.product([0, 1], repeat=3)))
    X3 = np.column_stack([np.ones(8), pat3]).astype(float)

    def score3(c):
        d = _cov_distance(_cov_stats(c, X3, pat3), targets)[:, :9]
        return (np.maximum(d, 0.0) ** 2).sum(1) + 50 * (d.max(1) > 1)

    def score5(c):
        d = _cov_distance(_cov_stats(c), targets)
        return (d ** 2).sum(1) + 50 * (d.max(1) > 1)

    # LT / regimen moves: flip local therapy or regimen of one patient, keeping pattern and NED
    flips = []
    for a in range(2):
        for i in range(32):
            for bit in (3, 4):       # position in (ecog0, ihc3, grade_le2, lt, tp)
                j = i ^ (1 << (4 - bit))
                flips.append((a, i, j))
    flips = np.array(flips)

    def flip_moves(c):
        mv = flips[c[flips[:, 0], flips[:, 1]] > 0]
        cand = np.repeat(c[None], len(mv), 0)
        r = np.arange(len(mv))
        cand[r, mv[:, 0], mv[:, 1]] -= 1
        cand[r, mv[:, 0], mv[:, 2]] += 1
        return cand

    best = (math.inf, None)
    margins = START_MARGINS if margins is None else margins
    if (not isinstance(margins, dict) or sorted(margins) != [0, 1]
            or not all(len(sequence(margins[g], "margins")) == 3
                       and all(isinstance(x, (int, float)) and 0 <= x <= 1 for x in margins[g]) for g in (0, 1))):
        raise ValueError(f"margins must be {{1: [three shares in 0-1], 0: [three shares in 0-1]}}, got {margins!r}")
    sizes = {1: n_ned, 0: n - n_ned}
    for _ in range(restarts):
        start = np.stack([np.bincount((rng.random((sizes[g], 3)) < margins[g]).astype(int)
                                      @ np.array([4, 2, 1]), minlength=8) for g in (1, 0)])
        c3, f3 = _ils(start, score3, rng, kicks, goal=0.0)
        # expand to 32 cells: local therapy and regimen drawn independently of everything else
        c5 = np.zeros((2, 32), dtype=int)
        for g in range(2):
            for i in range(8):
                k = c3[g, i]
                lt = rng.random(k) < assumptions.share_local_therapy
                tp = rng.random(k) < assumptions.share_tp
                np.add.at(c5[g], i * 4 + lt.astype(int) * 2 + tp.astype(int), 1)
        c5, f5 = _ils(c5, score5, rng, kicks // 3, goal=0.0, moves=flip_moves)
        d = _cov_distance(_cov_stats(c5[None]), targets)[0]
        if f5 < best[0]:   # any miss costs +50, so a table meeting every target always wins
            best = (f5, c5, d)
        if d.max() <= 1:
            break
    _, cells, d = best
    dist = {k: float(v) for k, v in zip(_COV_T, d)}
    missed = sorted((k for k, v in dist.items() if v > 1), key=lambda k: -dist[k])   # worst first
    if missed:
        raise ReconstructionError(
            "covariate search: could not meet claim(s) " + ", ".join(missed) + " within the budget "
            f"({restarts} restarts × {kicks} kicks); distances in tolerance units: "
            + ", ".join(f"{k}={dist[k]:.2f}" for k in missed), missed, closest=cells)
    return cells, dist


# ---------------------------------------------------------------------------------------------
# Part 2: ages
# ---------------------------------------------------------------------------------------------
def _mw_p(x, y):
    from scipy.stats import mannwhitneyu
    return float(mannwhitneyu(x, y, alternative="two-sided").pvalue)


def _ages_for(z, median, sd, bounds):
    """Sorted whole-year ages whose median is exactly ``median`` (middle order statistic(s) set)."""
    a = np.sort(np.clip(np.round(median + sd * z), *bounds))
    n = len(a)
    lo_mid, hi_mid = (n - 1) // 2, n // 2          # the same index when n is odd
    a[lo_mid] = a[hi_mid] = median
    a[:lo_mid] = np.minimum(a[:lo_mid], median)
    a[hi_mid + 1:] = np.maximum(a[hi_mid + 1:], median)
    return a


def search_ages(rng: np.random.Generator, targets: dict, *, n: int, n_ned: int,
                assumptions: Assumptions = ASSUMPTIONS, tries: int = 40):
    """Ages (whole years) with exact group medians and a Mann–Whitney p within tolerance, preferring
    one that rounds to the printed p (the first draw whose bisection reaches it is kept).

    Returns ``(ages_ned, ages_non_ned, distance)`` (sorted arrays; shuffle before use).

    Examples
    --------
    >>> import numpy as np
    >>> a1, a0, d = search_ages(np.random.default_rng(0), targets_from_claims(), n=118, n_ned=55)
    >>> float(np.median(a1)), float(np.median(a0)), bool(d <= 1)
    (46.0, 53.0, True)
    """
    _search_args(rng, targets, assumptions, tries=tries)
    _group_sizes(n, n_ned)
    m1, m0 = targets["tog_age_median_ned"].published, targets["tog_age_median_non_ned"].published
    tp_ = targets["tog_age_p"]
    best, best_rounds = (math.inf, None, None), False
    for _ in range(tries):
        z1, z0 = rng.standard_normal(n_ned), rng.standard_normal(n - n_ned)
        lo, hi = 2.0, 30.0   # p grows with the spread: bisection on sd
        for _ in range(30):
            sd = (lo + hi) / 2
            a1 = _ages_for(z1, m1, sd, assumptions.age_bounds)
            a0 = _ages_for(z0, m0, sd, assumptions.age_bounds)
            p = _mw_p(a1, a0)
            d = tp_.distance(p)
            # prefer a p that rounds to the printed one; otherwise the closest
            if (not tp_.rounds(p), d) < (not best_rounds, best[0]):
                best, best_rounds = (d, a1, a0), tp_.rounds(p)
            if best_rounds:
                break
            if p < tp_.published:
                lo = sd
            else:
                hi = sd
        if best_rounds:
            break
    d, a1, a0 = best
    if d > 1:
        raise ReconstructionError(f"age search: could not meet claim 'tog_age_p' within {tries} draws; "
                                  f"closest distance {d:.2f} tolerance units", ["tog_age_p"])
    return a1, a0, d


# ---------------------------------------------------------------------------------------------
# Part 3: progression-free survival
# ---------------------------------------------------------------------------------------------
def _cox_newton(t, e, X, iters=40):
    """Cox partial likelihood (Breslow; the search keeps times distinct so ties do not arise)."""
    o = np.argsort(-t, kind="stable")
    e, X = e[o], X[o]
    b = np.zeros(X.shape[1])
    ev = e == 1
    XX = X[:, :, None] * X[:, None, :]
    for _ in range(iters):
        r = np.exp(np.clip(X @ b, -50, 50))
        S0 = np.cumsum(r)[ev]
        S1 = np.cumsum(r[:, None] * X, 0)[ev]
        S2 = np.cumsum(r[:, None, None] * XX, 0)[ev]
        m = S1 / S0[:, None]
        g = (X[ev] - m).sum(0)
        H = (S2 / S0[:, None, None] - m[:, :, None] * m[:, None, :]).sum(0)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None
        b += step
        if np.abs(step).max() < 1e-10:
            break
    if not np.isfinite(b).all() or np.abs(b).max() > 10:   # diverged (a separating draw): rejected
        return None
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    return b, erfc(np.abs(b / se) / math.sqrt(2))


def _km_median(t, e):
    o = np.lexsort((-e, t))   # events before censorings at equal times
    t, e = t[o], e[o]
    at_risk = len(t) - np.arange(len(t))
    s = np.cumprod(np.where(e == 1, 1 - 1 / at_risk, 1.0))
    idx = np.nonzero(s <= 0.5 + 1e-12)[0]
    return float(t[idx[0]]) if len(idx) else math.nan


def _logrank_p(t, e, g):
    o = np.argsort(t, kind="stable")
    t, e, g = t[o], e[o], g[o]
    n = len(t)
    at_risk = n - np.arange(n)
    at_risk1 = np.cumsum(g[::-1])[::-1]
    ev = e == 1
    exp1 = at_risk1[ev] / at_risk[ev]
    o_minus_e = (g[ev] - exp1).sum()
    var = (exp1 * (1 - exp1)).sum()
    return float(erfc(abs(o_minus_e) / math.sqrt(var) / math.sqrt(2))) if var > 0 else 1.0


def _warp(t, m, gamma):
    return 36 + (m - 36) * ((t - 36) / (m - 36)) ** gamma


def _draw_free(rng, ned, medians, assumptions):
    """Exit times and progression flags drawn separately (any censoring pattern), each group's times
    rescaled to its published median. Returns ``gamma -> (times, events)`` or None for a failed draw."""
    t = np.zeros(len(ned))
    e = np.zeros(len(ned), dtype=int)
    (lo_e1, hi_e1), (lo_e0, hi_e0) = assumptions.ned_events_range, assumptions.non_ned_events_range
    m1, m0 = medians
    for g, target, d, scale, a in (
            (1, m1, int(rng.integers(lo_e1, hi_e1 + 1)), rng.uniform(60, 160), rng.uniform(0, 4)),
            (0, m0, int(rng.integers(lo_e0, hi_e0 + 1)), rng.uniform(30, 90), rng.uniform(-1, 1.5))):
        idx = np.nonzero(ned == g)[0]
        ex = np.sort(36 + scale * rng.weibull(rng.uniform(1, 2), len(idx)))
        w = (np.arange(len(idx)) + 1.0) ** a
        ev = rng.choice(len(idx), min(d, len(idx)), replace=False, p=w / w.sum())
        eg = np.zeros(len(idx), dtype=int)
        eg[ev] = 1
        m = _km_median(ex, eg)
        if not np.isfinite(m) or m <= 36:
            return None
        tg = 36 + (ex - 36) * (target - 36) / (m - 36)
        perm = rng.permutation(len(idx))
        t[idx], e[idx] = tg[perm], eg[perm]

    def at(gamma):
        tt = t.copy()
        tt[ned == 1] = _warp(t[ned == 1], m1, gamma)
        return tt, e
    return at


def _accrual_starts(rng, n, window, growth):
    """Calendar times of the start of therapy: density growing as exp(growth * year) on the window
    (uniform when growth = 0), drawn by its inverse CDF."""
    a0, a1 = window
    u = rng.random(n)
    return a0 + (np.log1p(u * math.expm1(growth * (a1 - a0))) / growth if growth > 0 else u * (a1 - a0))


def _draw_accrual(rng, ned, medians, assumptions):
    """The follow-up model: censoring at the data cut or at a loss, progression times from a Weibull
    shape per group whose scale is bisected to the published Kaplan–Meier median. Returns
    ``gamma -> (times, events)`` (gamma warps the NED group's progression times around its median)
    or None for a failed draw."""
    n = len(ned)
    start = _accrual_starts(rng, n, assumptions.accrual_window, assumptions.accrual_growth_per_year)
    censor = 12 * (assumptions.data_cut - start)                     # administrative, months
    if assumptions.loss_rate_per_year > 0:
        censor = np.minimum(censor, 36 + rng.exponential(12 / assumptions.loss_rate_per_year, n))
    latent = np.zeros(n)
    for g, target in ((1, medians[0]), (0, medians[1])):
        idx = np.nonzero(ned == g)[0]
        u = rng.weibull(rng.uniform(*assumptions.weibull_shape_range), len(idx))
        lo, hi = math.log(1.0), math.log(5000.0)
        for _ in range(40):   # the Kaplan–Meier median rises with the scale
            s_ = math.exp((lo + hi) / 2)
            tg = 36 + s_ * u
            m = _km_median(np.minimum(tg, censor[idx]), (tg <= censor[idx]).astype(int))
            if not np.isfinite(m) or m > target:
                hi = math.log(s_)
            else:
                lo = math.log(s_)
        if not (np.isfinite(m) and abs(m - target) <= 1.0):   # the median moves in steps; tolerance ± 2
            return None
        latent[idx] = tg
    m1 = medians[0]

    def at(gamma):
        tt = latent.copy()
        tt[ned == 1] = _warp(latent[ned == 1], m1, gamma)
        return np.minimum(tt, censor), (tt <= censor).astype(int)
    return at


def search_pfs(rng: np.random.Generator, targets: dict, ned, local_therapy, tp, *,
               assumptions: Assumptions = ASSUMPTIONS, draws: int = 3000, prefer=None, trace=None):
    """Progression-free times (≥ 36 months) and progression flags meeting the survival targets.

    Returns ``(pfs_months, progressed, distances)``; every time is at least 36 months.

    By default the first draw well inside every tolerance is kept. ``prefer``, a function
    ``(pfs_months, progressed, ned) -> float``, turns the search towards an extreme instead: every draw
    is tried and, of those meeting every target, the one with the smallest value is kept. ``trace``, a
    list, receives ``(pfs_months, progressed, values)`` for every draw that reached the hazard ratio
    (``values`` maps each survival target to its value), to study what a follow-up model allows; with a
    ``trace`` every draw is tried.

    Examples
    --------
    >>> import numpy as np
    >>> from her2ned.datasets import load_csv
    >>> df = load_csv("reconstructed", "tog2026_cohort.csv")
    >>> t, e, dist = search_pfs(np.random.default_rng(3), targets_from_claims(), df.ned,
    ...                         df.local_therapy, (df.regimen == "T+P").astype(int))
    >>> bool(t.min() >= 36), max(dist.values()) <= 1
    (True, True)
    """
    _search_args(rng, targets, assumptions, draws=draws)
    ned, local_therapy, tp = _binary(ned, "ned"), _binary(local_therapy, "local_therapy"), _binary(tp, "tp")
    if not len(ned) == len(local_therapy) == len(tp):
        raise ValueError(f"ned, local_therapy and tp must have one value per patient, got lengths "
                         f"{len(ned)}, {len(local_therapy)}, {len(tp)}")
    if prefer is not None and not callable(prefer):
        raise TypeError(f"prefer must be None or a function (pfs_months, progressed, ned) -> float, got {prefer!r}")
    if trace is not None and not isinstance(trace, list):
        raise TypeError(f"trace must be None or a list, got {type(trace).__name__}")
    X = np.column_stack([ned, local_therapy, tp]).astype(float)
    m1, m0 = targets["tog_pfs_median_ned"].published, targets["tog_pfs_median_non_ned"].published
    t_hr = targets["tog_hr_ned"]
    names = ["tog_pfs_median_ned", "tog_pfs_median_non_ned", "tog_pfs_p", "tog_hr_ned",
             "tog_hr_ned:p", "tog_local_therapy_ns", "tog_regimen_ns"]
    dec = assumptions.pfs_decimals
    best = (math.inf, None)

    def evaluate(t, e):
        t = np.round(t, dec)
        if len(np.unique(t[e == 1])) < e.sum():
            return None
        fit = _cox_newton(t, e, X)
        if fit is None:
            return None
        b, p = fit
        vals = [_km_median(t[ned == 1], e[ned == 1]), _km_median(t[ned == 0], e[ned == 0]),
                _logrank_p(t, e, ned), math.exp(b[0]), p[0], p[1], p[2]]
        d = [targets[k].distance(v) for k, v in zip(names, vals)]
        return t, e.copy(), vals, d

    draw = _draw_accrual if assumptions.pfs_model == "accrual" else _draw_free
    for _ in range(draws):
        at = draw(rng, ned, (m1, m0), assumptions)
        if at is None:
            continue
        # bisection on the warp of the NED group's times: the hazard ratio rises with gamma
        lo, hi = math.log(0.3), math.log(3.0)
        cand = None
        for _ in range(25):
            gm = (lo + hi) / 2
            tt, ee = at(math.exp(gm))
            if tt.max() > assumptions.max_followup_months:
                hi = gm
                continue
            r = evaluate(tt, ee)
            if r is None:
                break
            hr = r[2][3]
            if abs(hr - t_hr.published) <= 0.3 * t_hr.tol:
                cand = r
                break
            if hr < t_hr.published:
                lo = gm
            else:
                hi = gm
        if trace is not None and cand is not None:
            trace.append((cand[0], cand[1], dict(zip(names, cand[2]))))
        if cand is None or cand[0][ned == 1].max() < m1 + assumptions.followup_beyond_ned_median_months:
            continue
        score = max(cand[3])
        if prefer is not None:   # best[0] then holds the preferred value of the best draw so far
            if score <= 1 and (v := prefer(cand[0], cand[1], ned)) < best[0]:
                best = (v, cand)
            continue
        if score < best[0]:
            best = (score, cand)
        if score <= 0.8 and trace is None:
            break
    if best[1] is None:
        raise ReconstructionError(f"PFS search: no draw in {draws} reached claim 'tog_hr_ned' "
                                  f"(HR {t_hr.published})", ["tog_hr_ned"])
    t, e, vals, d = best[1]
    dist = {k: float(v) for k, v in zip(names, d)}
    missed = sorted((k for k, v in dist.items() if v > 1), key=lambda k: -dist[k])   # worst first
    if missed:
        raise ReconstructionError("PFS search: could not meet claim(s) " + ", ".join(missed)
                                  + f" within {draws} draws; distances: "
                                  + ", ".join(f"{k}={dist[k]:.2f}" for k in missed), missed,
                                  closest=(t, e))
    return t, e, dist


# ---------------------------------------------------------------------------------------------
# Assembly, verification with her2ned.models, CSV formatting
# ---------------------------------------------------------------------------------------------
def _assemble(rng, cells, ages1, ages0, assumptions: Assumptions) -> pd.DataFrame:
    rows = []
    for g, ned in ((0, 1), (1, 0)):
        for i, k in enumerate(cells[g]):
            rows += [dict(zip(("ecog0", "ihc3", "grade_le2", "local_therapy", "tp"), _PAT[i]),
                          ned=ned) for _ in range(int(k))]
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
    for col, share in (("hr_positive", assumptions.share_hr_positive),
                       ("de_novo", assumptions.share_de_novo),
                       ("visceral", assumptions.share_visceral)):
        df[col] = (rng.random(n) < share).astype(int)
    k = assumptions.n_centres
    sizes = 1 + rng.multinomial(n - k, rng.dirichlet(np.full(k, 2.0)))
    df["centre"] = rng.permutation(np.repeat([f"C{j + 1:02d}" for j in range(k)], sizes))
    return df


def reconstruct(seed: int = 2026, *, claims: dict | None = None, tolerances: dict | None = None,
                assumptions: Assumptions = ASSUMPTIONS, budget: float = 1.0) -> pd.DataFrame:
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
    cells, _ = search_covariates(rng, targets, n=n, n_ned=n_ned, assumptions=assumptions,
                                 kicks=max(1, int(150 * budget)), restarts=max(1, int(6 * budget)))
    return complete_table(rng, targets, cells, assumptions=assumptions, budget=budget)


def complete_table(rng: np.random.Generator, targets: dict, cells, *, assumptions: Assumptions = ASSUMPTIONS,
                   budget: float = 1.0, pfs=None) -> pd.DataFrame:
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
    a1, a0, _ = search_ages(rng, targets, n=n, n_ned=n_ned, assumptions=assumptions,
                            tries=max(1, int(40 * budget)))
    df = _assemble(rng, cells, a1, a0, assumptions)
    if pfs is None:
        t, e, _ = search_pfs(rng, targets, df["ned"].to_numpy(), df["local_therapy"].to_numpy(),
                             df["tp"].to_numpy(), assumptions=assumptions, draws=max(1, int(3000 * budget)))
    else:
        t, e = pfs(df["ned"].to_numpy(), df["local_therapy"].to_numpy(), df["tp"].to_numpy())
    df = _with_pfs(df, t, e, assumptions.pfs_decimals)
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    df["patient_id"] = [f"SYN-{i + 1:03d}" for i in range(len(df))]
    out = df[COLUMNS].copy()
    for c in ("age", "ecog", "grade", "hr_positive", "de_novo", "visceral", "local_therapy", "ned",
              "progressed"):
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


def reproduced_values(df: pd.DataFrame, assumptions: Assumptions = ASSUMPTIONS) -> dict[str, float]:
    """Analyse a table as the study did, with :mod:`her2ned.models`; one value per target name.

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> v = reproduced_values(load_csv("reconstructed", "tog2026_cohort.csv"))
    >>> v["tog_n"], v["tog_ned_n"]
    (118.0, 55.0)
    """
    from scipy.stats import chi2_contingency, mannwhitneyu

    from .models import add_model_columns, cox_table, km_medians, logistic_table, logrank_test

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}; required: {COLUMNS}")
    _require_assumptions(assumptions)
    d = add_model_columns(df)
    v: dict[str, float] = {"tog_centres": float(d["centre"].nunique()),
                           "tog_min_pfs": float(d["pfs_months"].min()),
                           "tog_n": float(len(d)), "tog_ned_n": float(d["ned"].sum()),
                           "tog_ned_pct": round(100 * d["ned"].mean(), 1)}
    v["tog_age_median_ned"] = float(d.loc[d.ned == 1, "age"].median())
    v["tog_age_median_non_ned"] = float(d.loc[d.ned == 0, "age"].median())
    v["tog_age_p"] = float(mannwhitneyu(d.loc[d.ned == 1, "age"], d.loc[d.ned == 0, "age"],
                                        alternative="two-sided").pvalue)
    for name, col in (("tog_ecog_p", "ecog0"), ("tog_ihc_p", "ihc3"), ("tog_grade_p", "grade_le2")):
        v[name] = float(chi2_contingency(pd.crosstab(d[col], d["ned"]).to_numpy(),
                                         correction=False)[1])
    lg = logistic_table(d, "ned", list(assumptions.logistic_covariates)).set_index("term")
    for name, col in (("tog_or_ecog", "ecog0"), ("tog_or_ihc", "ihc3"), ("tog_or_grade", "grade_le2")):
        v[name] = float(lg.loc[col, "odds_ratio"])
        v[name + ":p"] = float(lg.loc[col, "p_value"])
    km = km_medians(d, "pfs_months", "progressed", "ned").set_index("group")
    v["tog_pfs_median_ned"] = float(km.loc[1, "median"])
    v["tog_pfs_median_non_ned"] = float(km.loc[0, "median"])
    v["tog_pfs_p"] = float(logrank_test(d, "pfs_months", "progressed", "ned")["p_value"])
    cx = cox_table(d, "pfs_months", "progressed", list(assumptions.cox_covariates)).set_index("term")
    v["tog_hr_ned"] = float(cx.loc["ned", "hazard_ratio"])
    v["tog_hr_ned:p"] = float(cx.loc["ned", "p_value"])
    v["tog_local_therapy_ns"] = float(min(lg.loc["local_therapy", "p_value"],
                                          cx.loc["local_therapy", "p_value"]))
    v["tog_regimen_ns"] = float(min(lg.loc["tp", "p_value"], cx.loc["tp", "p_value"]))
    return v


def check_targets(values: dict, targets: dict | None = None) -> pd.DataFrame:
    """Compare reproduced values with the TOG targets (default) or ``targets``; see
    :func:`her2ned.targets.check_targets`.

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> tab = check_targets(reproduced_values(load_csv("reconstructed", "tog2026_cohort.csv")))
    >>> bool(tab["met"].all())
    True
    """
    return _check_targets(values, targets_from_claims() if targets is None else targets)


def assumptions_table(assumptions: Assumptions = ASSUMPTIONS) -> pd.DataFrame:
    """Every assumption of the reconstruction as a two-column table (for the book)."""
    _require_assumptions(assumptions)
    return pd.DataFrame([{"assumption": k, "value": ", ".join(map(str, v)) if isinstance(v, tuple)
                          else (f"{v:.3g}" if isinstance(v, float) else str(v))}
                         for k, v in asdict(assumptions).items()])


# ---------------------------------------------------------------------------------------------
# Non-identifiability: many tables fit the abstract
# ---------------------------------------------------------------------------------------------
#: Seed of the committed table ``data/reconstructed/tog2026_cohort.csv``.
COHORT_SEED = 2026
#: Seeds of the committed ensemble ``data/reconstructed/tog2026_ensemble.csv`` (20 tables).
ENSEMBLE_SEEDS = tuple(range(1, 21))

#: Columns of the ensemble summary, one row per consistent table.
ENSEMBLE_COLUMNS = ["seed", "share_ecog0", "share_ihc3", "share_grade3", "share_local_therapy",
                    "share_tp", "events_ned", "events_non_ned", "events_total",
                    "median_followup_months", "max_pfs_months", "hazard_ratio", "odds_ratio_ecog",
                    "age_p", "max_distance"]


def summarise_table(df: pd.DataFrame, seed: int = -1) -> dict:
    """The quantities the abstract did not report, for one table (plus its worst target distance).

    ``median_followup_months`` is the reverse Kaplan–Meier median (censoring as the event).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < -1:
        raise TypeError(f"seed must be an integer ≥ -1 (-1: no seed), got {seed!r}")
    tab = check_targets(reproduced_values(df))
    t = df["pfs_months"].to_numpy(float)
    c = 1 - df["progressed"].to_numpy(int)
    return {"seed": int(seed), "share_ecog0": float((df.ecog == 0).mean()),
            "share_ihc3": float((df.her2_ihc == "3+").mean()), "share_grade3": float((df.grade == 3).mean()),
            "share_local_therapy": float(df.local_therapy.mean()),
            "share_tp": float((df.regimen == "T+P").mean()),
            "events_ned": int(df.loc[df.ned == 1, "progressed"].sum()),
            "events_non_ned": int(df.loc[df.ned == 0, "progressed"].sum()),
            "events_total": int(df.progressed.sum()),
            "median_followup_months": _km_median(t, c),
            "max_pfs_months": float(t.max()),
            "hazard_ratio": float(tab.set_index("target").loc["tog_hr_ned", "reproduced"]),
            "odds_ratio_ecog": float(tab.set_index("target").loc["tog_or_ecog", "reproduced"]),
            "age_p": float(tab.set_index("target").loc["tog_age_p", "reproduced"]),
            "max_distance": float(tab["distance"].max())}


def reconstruct_ensemble(seeds=ENSEMBLE_SEEDS) -> pd.DataFrame:
    """Reconstruct one table per seed and summarise each (:func:`summarise_table`).

    A seed whose search fails raises :class:`ReconstructionError` (never silently skipped).
    """
    seeds = sequence(seeds, "seeds")
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0
                            for s in seeds):
        raise ValueError(f"seeds must be a non-empty list of non-negative integers, got {seeds!r}")
    return pd.DataFrame([summarise_table(reconstruct(int(s)), int(s)) for s in seeds],
                        columns=ENSEMBLE_COLUMNS)


def format_ensemble_csv(ens: pd.DataFrame) -> str:
    """The ensemble summary as CSV text with fixed formatting (4 decimals)."""
    if not isinstance(ens, pd.DataFrame):
        raise TypeError(f"ens must be a pandas DataFrame, got {type(ens).__name__}")
    missing = [c for c in ENSEMBLE_COLUMNS if c not in ens.columns]
    if missing:
        raise ValueError(f"ens lacks column(s) {missing}; required: {ENSEMBLE_COLUMNS}")
    return ens[ENSEMBLE_COLUMNS].to_csv(index=False, float_format="%.4f", lineterminator="\n")


def univariable_tests(df: pd.DataFrame) -> pd.DataFrame:
    """The three univariable p-values under three common tests, to show what the unnamed test changes.

    For ECOG (0 vs 1), IHC (3+ vs 2+/ISH+) and grade (≤ 2 vs 3) by NED status: Pearson chi-square
    without continuity correction (the book's assumption), with Yates' correction, and Fisher's exact
    test (two-sided), next to the published p.

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> univariable_tests(load_csv("reconstructed", "tog2026_cohort.csv")).shape
    (3, 5)
    """
    from scipy.stats import chi2_contingency, fisher_exact

    from .models import add_model_columns

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in ("ecog", "her2_ihc", "grade", "ned") if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}")
    d = add_model_columns(df)
    claims = load_claims()
    rows = []
    for label, col, cid in (("ECOG 0 vs 1", "ecog0", "tog_ecog_p"), ("IHC 3+ vs 2+/ISH+", "ihc3", "tog_ihc_p"),
                            ("grade ≤ 2 vs 3", "grade_le2", "tog_grade_p")):
        tab = pd.crosstab(d[col], d["ned"]).reindex(index=[0, 1], columns=[0, 1], fill_value=0).to_numpy()
        rows.append({"variable": label, "published": parse_p(claims[cid].p)[1],
                     "chi-square": float(chi2_contingency(tab, correction=False)[1]),
                     "chi-square (Yates)": float(chi2_contingency(tab, correction=True)[1]),
                     "Fisher exact": float(fisher_exact(tab)[1])})
    return pd.DataFrame(rows)
