"""What the TOG 2026 abstract leaves open: the lowest and highest value of each unreported quantity.

Many synthetic tables reproduce every published number (:mod:`her2ned.reconstruct`). For each quantity
the abstract does not report, this module searches for the **lowest and highest** value over tables
that meet every target, and keeps a *witness*: a full patient table at that extreme.

* **Covariate shares** (ECOG 0, IHC 3+, grade 3, local therapy, T+P). Feasible tables are first found
  from many random starting margins and, for each end, from starts aimed at it (:func:`feasible_starts`);
  from those already furthest that way, an iterated local search moves one patient at a time between
  cells, minimising (or maximising) the share while every covariate target stays met
  (:func:`push_share`). Ages and PFS are then searched for the witness's cells as in the reconstruction.
* **Progression counts** per NED group: every count from 1 to the group's size is tried in turn,
  with a fixed budget of draws of the PFS search (:func:`events_scan`); the lowest and highest counts
  that yield a table are the extremes.
* **Median follow-up** (reverse Kaplan–Meier) and **numbers at risk at each group's median**: the PFS
  search tries every draw and keeps the one meeting every target with the extreme value.

The search is an *inner* approximation: the true range is at least as wide as the one found (every
witness is checked to meet every target), but a search that moves one patient at a time, or draws
times from one family of shapes, can miss tables further out. :func:`range_table` says how many
starts reached each extreme, which is the only evidence of how thorough the search was.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from ._arguments import count, flag, generator, rng_from_seed
from .models.fast import km_curve, km_median, numbers_at_risk
from .reconstruct import (
    ASSUMPTIONS,
    COLUMNS,
    ReconstructionError,
    complete_table,
    search_covariates,
    search_pfs,
    targets_from_claims,
)
from .reconstruct.covariates import _PAT, _cov_distance, _cov_stats, _ils
from .reconstruct.table import _with_pfs
from .reproduce import reproduction_report
from .study_design import TERMS, THRESHOLD_MONTHS
from .targets import require_targets

__all__ = [
    "QUANTITIES",
    "CONCLUSIONS",
    "REGION_SEED",
    "START_SHARES",
    "unreported",
    "witness_name",
    "feasible_starts",
    "push_share",
    "events_scan",
    "search_region",
    "range_table",
    "conclusion_measures",
    "conclusion_table",
    "load_witnesses",
    "committed_ranges",
    "committed_conclusions",
    "format_range_csv",
]

#: Seed of the committed search (``data/reconstructed/feasible/``).
REGION_SEED = 2027

#: The unreported quantities: column name → words for the book.
QUANTITIES = {
    "share_ecog0": "share with ECOG 0",
    "share_ihc3": "share with HER2 IHC 3+",
    "share_grade3": "share with grade 3",
    "share_local_therapy": "share with local therapy",
    "share_tp": "share given trastuzumab + pertuzumab",
    "events_ned": "progressions, NED group",
    "events_non_ned": "progressions, non-NED group",
    "median_followup_months": "median follow-up (reverse Kaplan–Meier), months",
    "at_risk_ned_median": "at risk at the NED group's median PFS",
    "at_risk_non_ned_median": "at risk at the non-NED group's median PFS",
}
_SHARES = list(QUANTITIES)[:5]

#: Where starts draw each share: random starts, and starts aimed at the low or the high end.
START_SHARES = {"random": (0.3, 0.95), "low": (0.05, 0.3), "high": (0.9, 0.99)}
_BIT = {"share_ecog0": 0, "share_ihc3": 1, "share_grade3": 2, "share_local_therapy": 3, "share_tp": 4}


def _check_table(df, name="df", columns=COLUMNS):
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing or len(df) == 0:
        raise ValueError(
            f"{name} must be a patient table with the cohort's columns; it lacks {missing}"
            if missing
            else f"{name} has no rows"
        )
    return df


def _check_witnesses(witnesses):
    if not isinstance(witnesses, dict) or not witnesses:
        raise TypeError("witnesses must be a non-empty dict {(quantity, end): table}")
    for key, w in witnesses.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"witnesses: key {key!r} must be a (quantity, end) pair")
        witness_name(*key)
        _check_table(w, f"witnesses[{key!r}]")
    return witnesses


def witness_name(quantity: str, end: str) -> str:
    """File name of the witness table at one end (``"low"`` or ``"high"``) of a quantity's range."""
    if not isinstance(quantity, str) or quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {list(QUANTITIES)}, got {quantity!r}")
    if not isinstance(end, str) or end not in ("low", "high"):
        raise ValueError(f"end must be 'low' or 'high', got {end!r}")
    return f"{quantity}_{end}.csv"


def _at_risk_at_median(t, e, group):
    m = km_median(*km_curve(t[group], e[group]))
    return int(numbers_at_risk(t[group], [m])[0]) if np.isfinite(m) else 0


def unreported(df: pd.DataFrame) -> dict:
    """The quantities of :data:`QUANTITIES` for one patient table (columns as the cohort's).

    Numbers at risk are counted just before each group's Kaplan–Meier median (time ≥ median).

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> u = unreported(load_csv("reconstructed", "tog2026_cohort.csv"))
    >>> sorted(u) == sorted(QUANTITIES)
    True
    """
    _check_table(
        df, columns=["ecog", "her2_ihc", "grade", "local_therapy", "regimen", "ned", "pfs_months", "progressed"]
    )
    t = df["pfs_months"].to_numpy(float)
    e = df["progressed"].to_numpy(int)
    ned = df["ned"].to_numpy(int) == 1
    return {
        "share_ecog0": float((df.ecog == 0).mean()),
        "share_ihc3": float((df.her2_ihc == "3+").mean()),
        "share_grade3": float((df.grade == 3).mean()),
        "share_local_therapy": float(df.local_therapy.mean()),
        "share_tp": float((df.regimen == "T+P").mean()),
        "events_ned": int(e[ned].sum()),
        "events_non_ned": int(e[~ned].sum()),
        "median_followup_months": km_median(*km_curve(t, 1 - e)),
        "at_risk_ned_median": _at_risk_at_median(t, e, ned),
        "at_risk_non_ned_median": _at_risk_at_median(t, e, ~ned),
    }


def _shares(cells, quantity):
    col = _PAT[:, _BIT[quantity]]
    if quantity == "share_grade3":  # the pattern holds grade ≤ 2
        col = 1 - col
    return cells[:, :, col == 1].sum(axis=(1, 2)) / cells[0].sum()


def _margins_for(share: float, odds_ratio: float, n: int, n_ned: int) -> tuple[float, float]:
    """Shares among NED and non-NED patients with overall ``share`` and the given crude odds ratio."""
    lo, hi = 1e-6, 1 - 1e-6  # bisection on the non-NED share p0; the overall share rises with it
    for _ in range(60):
        p0 = (lo + hi) / 2
        o1 = odds_ratio * p0 / (1 - p0)
        p1 = o1 / (1 + o1)
        if (n_ned * p1 + (n - n_ned) * p0) / n < share:
            lo = p0
        else:
            hi = p0
    return p1, p0


def feasible_starts(
    rng: np.random.Generator,
    targets: dict,
    n_starts: int,
    *,
    n: int = 118,
    n_ned: int = 55,
    kicks: int = 100,
    aim: tuple | None = None,
    progress: bool = True,
) -> tuple[list[tuple[dict[int, tuple[float, ...]], np.ndarray]], int]:
    """Covariate tables meeting every target, each searched from its own random starting margins.

    Each start draws the overall shares of ECOG 0, IHC 3+ and grade ≤ 2 uniformly from
    ``START_SHARES["random"]`` and splits each between the NED groups so that its crude odds ratio is
    the published adjusted one (so that the start points the right way). ``aim = (quantity, end)``
    starts that quantity at its extreme instead (a share from ``START_SHARES[end]``; for local therapy
    and regimen, the share their cells are first drawn with). Returns ``(starts, tried)``: the list of
    ``(margins, cells)`` found and the number of starting points tried (a start whose search fails is
    counted, not hidden; at most ``5 * n_starts`` are tried).
    """
    from tqdm.auto import tqdm

    generator(rng)
    require_targets(targets)
    flag(progress, "progress")
    n_starts, kicks = count(n_starts, "n_starts"), count(kicks, "kicks", high=10_000)
    n, n_ned = count(n, "n", low=20, high=2000), count(n_ned, "n_ned", low=5, high=n - 5)
    if aim is not None and not (
        isinstance(aim, tuple) and len(aim) == 2 and aim[0] in _SHARES and aim[1] in ("low", "high")
    ):
        raise ValueError(f"aim must be None or (quantity, 'low' | 'high') with quantity in {_SHARES}, got {aim!r}")
    ors = [targets[k].published for k in ("tog_or_ecog", "tog_or_ihc", "tog_or_grade")]
    found, tried = [], 0
    with tqdm(total=n_starts, desc="feasible starts", disable=not progress) as bar:
        while len(found) < n_starts and tried < 5 * n_starts:
            tried += 1
            shares = rng.uniform(*START_SHARES["random"], 3)
            assumptions = ASSUMPTIONS
            if aim is not None:
                q, end = aim
                low = (end == "low") != (q == "share_grade3")  # the margin holds grade <= 2
                extreme = rng.uniform(*START_SHARES["low" if low else "high"])
                if q in ("share_local_therapy", "share_tp"):
                    assumptions = dataclasses.replace(ASSUMPTIONS, **{q: extreme})
                else:
                    shares[_BIT[q]] = extreme
            split = [_margins_for(float(s), o, n, n_ned) for s, o in zip(shares, ors)]
            margins = {1: tuple(p1 for p1, _ in split), 0: tuple(p0 for _, p0 in split)}
            try:
                cells, _ = search_covariates(
                    rng, targets, n=n, n_ned=n_ned, kicks=kicks, restarts=2, margins=margins, assumptions=assumptions
                )
            except ReconstructionError:
                continue
            found.append((margins, cells))
            bar.update()
    return found, tried


def push_share(
    cells: np.ndarray | list, quantity: str, end: str, rng: np.random.Generator, targets: dict, *, kicks: int = 15
) -> tuple[np.ndarray, float]:
    """Move one patient at a time to make a covariate share as low (or high) as it can go while every
    covariate target stays met. Returns ``(cells, share)``; ``cells`` meets every target."""
    if not isinstance(quantity, str) or quantity not in _SHARES:
        raise ValueError(f"quantity must be one of {_SHARES}, got {quantity!r}")
    sign = {"low": 1.0, "high": -1.0}.get(end) if isinstance(end, str) else None
    if sign is None:
        raise ValueError(f"end must be 'low' or 'high', got {end!r}")
    cells = np.asarray(cells) if isinstance(cells, (np.ndarray, list)) else None
    if cells is None or cells.shape != (2, 32) or not np.issubdtype(cells.dtype, np.integer) or (cells < 0).any():
        raise ValueError("cells must be a (2, 32) array of non-negative counts (as from search_covariates)")
    generator(rng)
    require_targets(targets)
    kicks = count(kicks, "kicks", low=0, high=10_000)

    def score(c):  # a miss costs far more than the whole range of the share, so feasibility comes first
        d = _cov_distance(_cov_stats(c), targets)
        return 100 * (np.maximum(d - 1, 0) ** 2).sum(1) + 10 * (d.max(1) > 1) + sign * _shares(c, quantity)

    best, _ = _ils(np.asarray(cells), score, rng, kicks, goal=-math.inf)
    if _cov_distance(_cov_stats(best[None]), targets).max() > 1:  # cannot happen from a feasible start
        raise ReconstructionError(f"push_share({quantity!r}, {end!r}) left the feasible region")
    return best, float(_shares(best[None], quantity)[0])


def _pfs_arrays(df):
    return (df["ned"].to_numpy(int), df["local_therapy"].to_numpy(int), (df["regimen"] == "T+P").to_numpy(int))


def events_scan(
    df: pd.DataFrame, group: int, rng: np.random.Generator, targets: dict, *, draws: int = 400, progress: bool = True
) -> tuple[pd.DataFrame, dict]:
    """Try every number of progressions in one NED group (1 = NED, 0 = not) with the PFS search.

    The other group's count is left free (1 to its size). Returns ``(scan, found)``: ``scan`` has one
    row per count, ``events`` and ``found`` (a table meeting every target within ``draws`` draws; a
    count not found is not proven impossible, only not reached); ``found`` maps each count reached to
    its ``(pfs_months, progressed)``.
    """
    from tqdm.auto import tqdm

    _check_table(df)
    generator(rng)
    require_targets(targets)
    flag(progress, "progress")
    if group not in (0, 1) or isinstance(group, bool):
        raise ValueError(f"group must be 1 (NED) or 0 (not), got {group!r}")
    draws = count(draws, "draws", high=100_000)
    ned, lt, tp = _pfs_arrays(df)
    size = {1: int(ned.sum()), 0: int((ned == 0).sum())}
    rows, found = [], {}
    for k in tqdm(
        range(1, size[group] + 1), desc=f"events scan ({'NED' if group else 'non-NED'})", disable=not progress
    ):
        ranges = {group: (k, k), 1 - group: (1, size[1 - group])}
        a = dataclasses.replace(ASSUMPTIONS, ned_events_range=ranges[1], non_ned_events_range=ranges[0])
        try:
            t, e, _ = search_pfs(rng, targets, ned, lt, tp, assumptions=a, draws=draws)
            found[k] = (t, e)
        except ReconstructionError:
            pass
        rows.append({"events": k, "found": k in found})
    return pd.DataFrame(rows), found


def search_region(
    cohort: pd.DataFrame,
    seed: int = REGION_SEED,
    *,
    n_starts: int = 8,
    per_end: int = 2,
    kicks: int = 8,
    draws: int = 400,
    progress: bool = True,
) -> tuple[dict[tuple[str, str], pd.DataFrame], pd.DataFrame]:
    """Search both ends of every quantity in :data:`QUANTITIES`.

    Returns ``(witnesses, log)``: ``witnesses`` maps ``(quantity, end)`` to a full patient table meeting
    every target; ``log`` has one row per attempt (``quantity, end, attempt, value``) so the book can
    say how many attempts reached each extreme.
    """
    from tqdm.auto import tqdm

    _check_table(cohort, "cohort")
    flag(progress, "progress")
    n_starts, per_end = count(n_starts, "n_starts", high=1000), count(per_end, "per_end", high=1000)
    kicks, draws = count(kicks, "kicks", low=0, high=10_000), count(draws, "draws", high=100_000)
    rng = rng_from_seed(seed)
    targets = targets_from_claims()
    starts, tried = feasible_starts(rng, targets, n_starts, progress=progress)
    found_starts, log, witnesses = len(starts), [], {}
    for q in tqdm(_SHARES, desc="covariate extremes", disable=not progress):
        for end in ("low", "high"):
            # from the random starts already furthest that way, and from starts aimed at the end
            values = [float(_shares(c[None], q)[0]) for _, c in starts]
            order = np.argsort(values)
            picks = [(int(i), starts[i][1]) for i in (order[:per_end] if end == "low" else order[::-1][:per_end])]
            aimed, aimed_tried = feasible_starts(rng, targets, per_end, aim=(q, end), progress=False)
            tried, found_starts = tried + aimed_tried, found_starts + len(aimed)
            picks += [(-1, c) for _, c in aimed]
            best = None
            for j, (i, start) in enumerate(picks):
                cells, v = push_share(start, q, end, rng, targets, kicks=kicks)
                log.append({"quantity": q, "end": end, "attempt": j, "start": i, "value": v})
                if best is None or (v < best[1] if end == "low" else v > best[1]):
                    best = (cells, v)
            witnesses[q, end] = complete_table(rng, targets, best[0])
    pool = []  # every PFS table found, for the follow-up extremes below
    for g, q in ((1, "events_ned"), (0, "events_non_ned")):
        scan, found = events_scan(cohort, g, rng, targets, draws=draws, progress=progress)
        for k, hit in scan.itertuples(index=False):
            log.append({"quantity": q, "end": "scan", "attempt": int(k), "start": -1, "value": float(hit)})
        witnesses[q, "low"], witnesses[q, "high"] = (_with_pfs(cohort, *found[k]) for k in (min(found), max(found)))
        pool += list(found.values())
    ned, lt, tp = _pfs_arrays(cohort)
    lo1, hi1 = (int(witnesses["events_ned", e]["progressed"][ned == 1].sum()) for e in ("low", "high"))
    lo0, hi0 = (int(witnesses["events_non_ned", e]["progressed"][ned == 0].sum()) for e in ("low", "high"))
    wide = dataclasses.replace(ASSUMPTIONS, ned_events_range=(lo1, hi1), non_ned_events_range=(lo0, hi0))
    measures = {
        "median_followup_months": lambda t, e, d: km_median(*km_curve(t, 1 - e)),
        "at_risk_ned_median": lambda t, e, d: _at_risk_at_median(t, e, d == 1),
        "at_risk_non_ned_median": lambda t, e, d: _at_risk_at_median(t, e, d == 0),
    }
    for q, f in tqdm(measures.items(), desc="follow-up extremes", disable=not progress):
        for end, sign in (("low", 1), ("high", -1)):
            try:
                t, e, _ = search_pfs(
                    rng,
                    targets,
                    ned,
                    lt,
                    tp,
                    assumptions=wide,
                    draws=draws * 5,
                    prefer=lambda t, e, d, f=f, sign=sign: sign * f(t, e, d),
                )
                tried_here = [(t, e)]
            except ReconstructionError:  # no draw met every target: the scan's tables remain
                tried_here = []
            # the scan's tables are points of the region too: keep whichever lies further out
            t, e = min([*tried_here, *pool], key=lambda te: sign * f(te[0], te[1], ned))
            witnesses[q, end] = _with_pfs(cohort, t, e)
            log.append({"quantity": q, "end": end, "attempt": 0, "start": -1, "value": float(f(t, e, ned))})
    log.append({"quantity": "starts", "end": "tried", "attempt": tried, "start": found_starts, "value": math.nan})
    return witnesses, pd.DataFrame(log)


def range_table(
    witnesses: dict, cohort: pd.DataFrame, ensemble: pd.DataFrame | None = None, log: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Lowest and highest value of every unreported quantity over the witness tables (and the cohort).

    One row per quantity: ``quantity``, ``label``, ``low``, ``high`` (over every witness table and
    the cohort: each meets every target, so each is a point of the feasible region), ``cohort`` (the
    shipped table), ``ensemble_low``/``ensemble_high`` (the ensemble's seeds of one start, for comparison) and
    ``reached`` (for the covariate shares: how many of the search's attempts reached each end).
    """
    _check_witnesses(witnesses)
    _check_table(cohort, "cohort")
    for name, table, need in (("ensemble", ensemble, list(QUANTITIES)[:8]), ("log", log, ["quantity", "end", "value"])):
        if table is not None and (not isinstance(table, pd.DataFrame) or not set(need) <= set(table.columns)):
            raise ValueError(f"{name} must be None or a table with columns {need}")
    vals = [unreported(w) for w in witnesses.values()] + [unreported(cohort)]
    own = unreported(cohort)
    rows = []
    for q, label in QUANTITIES.items():
        xs = [v[q] for v in vals]
        row = {"quantity": q, "label": label, "low": float(min(xs)), "high": float(max(xs)), "cohort": float(own[q])}
        if ensemble is not None and q in ensemble.columns:
            row["ensemble_low"], row["ensemble_high"] = float(ensemble[q].min()), float(ensemble[q].max())
        else:
            row["ensemble_low"] = row["ensemble_high"] = math.nan
        row["reached"] = ""
        if log is not None and q in _SHARES:
            parts = []
            for end in ("low", "high"):
                a = log[(log.quantity == q) & (log.end == end)]
                target = row[end]
                parts.append(f"{end} {int((abs(a.value - target) < 1e-5).sum())}/{len(a)}")  # log: 6 decimals
            row["reached"] = ", ".join(parts)
        rows.append(row)
    return pd.DataFrame(rows)


#: What :func:`conclusion_measures` reports, in words.
CONCLUSIONS = {
    "ned_ecog0_share": "share of NED patients with ECOG 0",
    "ned_ihc2_count": "NED patients with IHC 2+/ISH+",
    "firth_same_direction": "Firth and maximum-likelihood odds ratios agree in direction (ECOG, IHC, grade)",
    "firth_smaller": "Firth odds ratios closer to 1 than maximum likelihood (all three)",
    "ph_min_p": "smallest proportional-hazards test p (NED, ECOG, IHC, grade)",
    "ned_last_time": "NED group's last follow-up time, months",
    "ned_curve_ends_at_zero": "NED Kaplan–Meier curve falls to 0",
    "targets_rounding": "reproduced numbers that round to the published value (or meet its bound)",
}


def conclusion_measures(df: pd.DataFrame) -> dict:
    """The properties chapters 4 and 5 read off the cohort table, measured on one table.

    Used to say which statements hold across the feasible region and which belong to one table.
    """
    from .models import add_model_columns, firth_logistic_table, logistic_table, ph_table

    d = add_model_columns(_check_table(df), entry_months=THRESHOLD_MONTHS)
    report = reproduction_report(df)
    ned = d["ned"] == 1
    terms = list(TERMS)
    model = terms + ["local_therapy", "tp"]
    ml = logistic_table(d, "ned", model).summary.set_index("term").loc[terms, "odds_ratio"]
    fi = firth_logistic_table(d, "ned", model).summary.set_index("term").loc[terms, "odds_ratio"]
    ph = ph_table(d, "pfs_months", "progressed", ["ned", *terms], entry="entry_months", time_transform="km")
    t, e = d.loc[ned, "pfs_months"].to_numpy(float), d.loc[ned, "progressed"].to_numpy(int)
    last = t.max()
    return {
        "ned_ecog0_share": float(d.loc[ned, "ecog0"].mean()),
        "ned_ihc2_count": int((d.loc[ned, "ihc3"] == 0).sum()),
        "firth_same_direction": bool(((np.log(ml) > 0) == (np.log(fi) > 0)).all()),
        "firth_smaller": bool((np.abs(np.log(fi)) < np.abs(np.log(ml))).all()),
        "ph_min_p": float(ph.summary["p_value"].min()),
        "ned_last_time": float(last),
        "ned_curve_ends_at_zero": bool(e[t == last].any()),
        "targets_rounding": int(report["rounds"].isin(["yes", "bound holds"]).sum()),
    }


def load_witnesses() -> dict:
    """The committed witness tables, ``{(quantity, end): table}`` (``data/reconstructed/feasible/``)."""
    from .datasets import load_csv

    return {
        (q, end): load_csv("reconstructed", "feasible", witness_name(q, end))
        for q in QUANTITIES
        for end in ("low", "high")
    }


def format_range_csv(ranges: pd.DataFrame) -> str:
    """The range table as CSV text with fixed formatting (so regeneration is byte-for-byte)."""
    if not isinstance(ranges, pd.DataFrame):
        raise TypeError(f"ranges must be a pandas DataFrame, got {type(ranges).__name__}")
    return ranges.to_csv(index=False, float_format="%.4f", lineterminator="\n")


def committed_ranges() -> pd.DataFrame:
    """:func:`range_table` of the committed witnesses, cohort, ensemble and search log."""
    from .datasets import load_csv

    return range_table(
        load_witnesses(),
        load_csv("reconstructed", "tog2026_cohort.csv"),
        load_csv("reconstructed", "tog2026_ensemble.csv"),
        load_csv("reconstructed", "feasible", "search_log.csv"),
    )


def conclusion_table(witnesses: dict, cohort: pd.DataFrame) -> pd.DataFrame:
    """:func:`conclusion_measures` for the cohort and every witness table, one row each (``table``)."""
    _check_witnesses(witnesses)
    _check_table(cohort, "cohort")
    named = {"cohort": cohort} | {witness_name(q, end)[:-4]: w for (q, end), w in witnesses.items()}
    return pd.DataFrame([{"table": k, **conclusion_measures(w)} for k, w in named.items()])


def committed_conclusions() -> pd.DataFrame:
    """:func:`conclusion_table` of the committed witnesses and cohort."""
    from .datasets import load_csv

    return conclusion_table(load_witnesses(), load_csv("reconstructed", "tog2026_cohort.csv"))
