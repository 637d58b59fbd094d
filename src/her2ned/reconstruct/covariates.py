"""Part 1 of the reconstruction: covariate patterns and NED, by an iterated local search over cell counts
(grouped logistic regression, vectorised Newton)."""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.special import erfc

from .._arguments import sequence
from ..models.fast import logit_newton, wald_p
from ..targets import ReconstructionError
from .assumptions import ASSUMPTIONS, Assumptions, _group_sizes, _search_args
from .tog_targets import targets_from_claims  # noqa: F401  (the examples use it)

__all__ = ["START_MARGINS", "search_covariates"]

_PAT = np.array(list(itertools.product([0, 1], repeat=5)))  # ecog0, ihc3, grade_le2, lt, tp


_X = np.column_stack([np.ones(len(_PAT)), _PAT]).astype(float)


_COV_T = [
    "tog_or_ecog",
    "tog_or_ihc",
    "tog_or_grade",
    "tog_or_ecog:p",
    "tog_or_ihc:p",
    "tog_or_grade:p",
    "tog_ecog_p",
    "tog_ihc_p",
    "tog_grade_p",
    "tog_local_therapy_ns",
    "tog_regimen_ns",
]


def _batch_logit(y, m, X):
    """Grouped logistic fits of a batch of candidate tables (successes ``y`` of ``m`` per cell): coefficients,
    Wald p-values and a flag for the fits the search treats as failed (separation: a coefficient past ±10)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        b, se, ok = logit_newton(X, y, trials=m)
        return b, wald_p(b, se), ~ok | ~(np.abs(b).max(1) <= 10)


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
    uni = [
        _chi2_p(
            pos[:, pat[:, j] == 1].sum(1),
            neg[:, pat[:, j] == 1].sum(1),
            pos[:, pat[:, j] == 0].sum(1),
            neg[:, pat[:, j] == 0].sum(1),
        )
        for j in range(3)
    ]
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
        elif t.kind == "ns":  # soft margin: penalise p below 2 × threshold, fail below threshold
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


def search_covariates(
    rng: np.random.Generator,
    targets: dict,
    *,
    n: int,
    n_ned: int,
    assumptions: Assumptions = ASSUMPTIONS,
    kicks: int = 150,
    restarts: int = 6,
    margins: dict | None = None,
) -> tuple[np.ndarray, dict[str, float]]:
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
        return (d**2).sum(1) + 50 * (d.max(1) > 1)

    # LT / regimen moves: flip local therapy or regimen of one patient, keeping pattern and NED
    flips = []
    for a in range(2):
        for i in range(32):
            for bit in (3, 4):  # position in (ecog0, ihc3, grade_le2, lt, tp)
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
    if (
        not isinstance(margins, dict)
        or sorted(margins) != [0, 1]
        or not all(
            len(sequence(margins[g], "margins")) == 3
            and all(isinstance(x, (int, float)) and 0 <= x <= 1 for x in margins[g])
            for g in (0, 1)
        )
    ):
        raise ValueError(f"margins must be {{1: [three shares in 0-1], 0: [three shares in 0-1]}}, got {margins!r}")
    sizes = {1: n_ned, 0: n - n_ned}
    for _ in range(restarts):
        start = np.stack(
            [
                np.bincount((rng.random((sizes[g], 3)) < margins[g]).astype(int) @ np.array([4, 2, 1]), minlength=8)
                for g in (1, 0)
            ]
        )
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
        if f5 < best[0]:  # any miss costs +50, so a table meeting every target always wins
            best = (f5, c5, d)
        if d.max() <= 1:
            break
    _, cells, d = best
    dist = {k: float(v) for k, v in zip(_COV_T, d)}
    missed = sorted((k for k, v in dist.items() if v > 1), key=lambda k: -dist[k])  # worst first
    if missed:
        raise ReconstructionError(
            "covariate search: could not meet claim(s) " + ", ".join(missed) + " within the budget "
            f"({restarts} restarts × {kicks} kicks); distances in tolerance units: "
            + ", ".join(f"{k}={dist[k]:.2f}" for k in missed),
            missed,
            closest=cells,
        )
    return cells, dist
