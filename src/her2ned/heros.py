"""HER-OS rebuilt from its numbers: a synthetic 268-patient table of time to progression.

The HER-OS registry (Witzel et al. 2014) followed 268 patients whose metastatic disease had not
progressed for at least 2 years on trastuzumab. Its abstract gives a median time to progression of 4.5
years (95 % CI 4.0–6.6) and 47.1 % (39.9–54.1 %) in remission beyond 5 years. This module builds one
table of time to progression from the start of trastuzumab (months; every patient progression-free at
24) whose Kaplan–Meier analysis gives those six numbers, through the same ledger → targets → report
machinery as the TOG reconstruction (:mod:`her2ned.targets`, :func:`her2ned.reproduce.reproduction_report`).

What the abstract does not say is chosen in one place, :data:`ASSUMPTIONS`: how the CIs were computed,
the shape of the progression-time distribution and the follow-up. :func:`search_table` draws a Weibull
shape and a follow-up pattern, scales the progression times so the median is the published one, and
keeps a draw that meets every target; :func:`feasible_range` runs the search widely and reports how far
the unreported quantities (progressions, follow-up, patients still at risk at 5 years) can move while the
table still fits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import SYNTHETIC_NOTICE
from ._arguments import count, rng_from_seed
from .claims import load_claims
from .models.fast import km_at, km_band, km_curve, km_median
from .targets import ReconstructionError, build_targets, require_targets

if TYPE_CHECKING:  # the simulator is imported by the functions that draw populations
    from .simulate import SimulationParams

__all__ = [
    "HerosAssumptions",
    "ASSUMPTIONS",
    "TOLERANCES",
    "METHODS",
    "COLUMNS",
    "COHORT_SEED",
    "RANGE_SEED",
    "targets",
    "reproduced_values",
    "search_table",
    "reconstruct",
    "format_cohort_csv",
    "assumptions_table",
    "feasible_range",
    "format_range_csv",
    "UNREPORTED",
    "simulator_check",
    "entry_rules",
    "SYNTHETIC_NOTICE",
]

#: Columns of the reconstructed table.
COLUMNS = ["patient_id", "ttp_months", "progressed"]

#: Seeds of the committed tables ``data/reconstructed/heros2014_cohort.csv`` and ``heros2014_ranges.csv``.
COHORT_SEED, RANGE_SEED = 2, 2014

#: Tolerances: the medians (printed in years to 0.1) within ± 0.1 years, the share (printed to 0.1 %)
#: within ± 0.5 points, as the TOG reconstruction allows a few times the printed precision.
TOLERANCES = {
    "heros_n": ("exact", 0),
    "heros_min_pfs": ("min", None),
    "heros_ttp_median": ("abs", 0.1),
    "heros_ttp_median:lower": ("abs", 0.1),
    "heros_ttp_median:upper": ("abs", 0.1),
    "heros_remission_5y": ("abs", 0.5),
    "heros_remission_5y:lower": ("abs", 0.5),
    "heros_remission_5y:upper": ("abs", 0.5),
}

#: How each reproduced HER-OS number is computed from the table.
METHODS = {
    "heros_n": "rows (by construction)",
    "heros_min_pfs": "smallest ttp_months (entry rule, by construction)",
    "heros_ttp_median": "Kaplan–Meier median (lifelines), in years",
    "heros_ttp_median:lower": "Brookmeyer–Crowley: first time the lower log(−log) Greenwood band is ≤ 0.5",
    "heros_ttp_median:upper": "Brookmeyer–Crowley: first time the upper log(−log) Greenwood band is ≤ 0.5",
    "heros_remission_5y": "Kaplan–Meier progression-free share at 60 months (lifelines), in %",
    "heros_remission_5y:lower": "log(−log) Greenwood band at 60 months (lifelines' default), in %",
    "heros_remission_5y:upper": "log(−log) Greenwood band at 60 months (lifelines' default), in %",
}


@dataclass(frozen=True)
class HerosAssumptions:
    """Everything the HER-OS abstract does not say and the reconstruction has to choose."""

    time_origin: str = (
        "start of trastuzumab for metastatic disease; every patient progression-free "
        "at the 24-month entry rule; times analysed from the origin without truncation, "
        "as the abstract's numbers read"
    )
    remission_beyond_5_years: str = "the Kaplan–Meier progression-free share at 60 months (not a crude share)"
    ci_method: str = (
        "log(−log) transformed Greenwood intervals (lifelines' and Stata's default); the "
        "median's interval by Brookmeyer–Crowley inversion of that band"
    )
    progression_model: str = (
        "time beyond entry Weibull with a shape drawn from shape_range, its scale "
        "set so the Kaplan–Meier median is the published one"
    )
    follow_up_model: str = (
        "follow-up after entry uniform between a shortest and a longest time drawn "
        "from follow_up_range (registry documentation 2006–2010, data cut not "
        "reported), and losses to follow-up at a constant rate drawn from loss_range"
    )
    shape_range: tuple = (0.3, 3.0)  # assumption: falling to rising hazards
    follow_up_range: tuple = (0.0, 120.0)  # assumption: months after entry (up to 10 years)
    loss_range: tuple = (0.0, 0.5)  # assumption: losses per year in a registry
    months_decimals: int = 2

    def __post_init__(self):
        for name, low in (("shape_range", 1e-3), ("follow_up_range", 0.0), ("loss_range", 0.0)):
            v = getattr(self, name)
            if not (
                isinstance(v, tuple)
                and len(v) == 2
                and all(isinstance(x, (int, float)) and math.isfinite(x) for x in v)
                and low <= v[0] <= v[1]
            ):
                raise ValueError(
                    f"HerosAssumptions.{name} must be a pair (low, high) with {low:g} ≤ low ≤ high, got {v!r}"
                )
        if not isinstance(self.months_decimals, int) or not 0 <= self.months_decimals <= 6:
            raise ValueError(f"HerosAssumptions.months_decimals must be an integer 0-6, got {self.months_decimals!r}")


ASSUMPTIONS = HerosAssumptions()


def targets(claims: dict | None = None, tolerances: dict | None = None) -> dict:
    """The HER-OS reconstruction targets from the ledger (``heros2014.yaml``).

    Examples
    --------
    >>> t = targets()
    >>> t["heros_ttp_median"].published, t["heros_remission_5y:upper"].published
    (4.5, 54.1)
    """
    return build_targets(TOLERANCES, load_claims() if claims is None else claims, tolerances)


def _values(t: np.ndarray, e: np.ndarray) -> dict:
    """The six survival numbers by the fast path (years for the median, % for the 5-year share)."""
    times, s, lo, hi = km_band(t, e)
    at60 = [float(km_at(times, x, [60.0])[0]) for x in (s, lo, hi)]
    return {
        "heros_n": float(len(t)),
        "heros_min_pfs": float(t.min()),
        "heros_ttp_median": km_median(times, s) / 12,
        "heros_ttp_median:lower": km_median(times, lo) / 12,
        "heros_ttp_median:upper": km_median(times, hi) / 12,
        "heros_remission_5y": 100 * at60[0],
        "heros_remission_5y:lower": 100 * at60[1],
        "heros_remission_5y:upper": 100 * at60[2],
    }


def reproduced_values(df: pd.DataFrame) -> dict:
    """Analyse a table as the registry's abstract reports it, with lifelines (the reference path).

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> v = reproduced_values(load_csv("reconstructed", "heros2014_cohort.csv"))
    >>> round(v["heros_ttp_median"], 1), bool(abs(v["heros_remission_5y"] - 47.1) <= 0.5)
    (4.5, True)
    """
    import warnings

    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}; required: {COLUMNS}")
    t = pd.to_numeric(df["ttp_months"], errors="coerce").to_numpy(dtype=float)
    e = pd.to_numeric(df["progressed"], errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(t).all() and np.isin(e, (0, 1)).all()) or len(t) < 2:
        raise ValueError("df: ttp_months must be finite and progressed 0 or 1, in at least 2 rows")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kmf = KaplanMeierFitter().fit(t, e)
    ci = kmf.confidence_interval_
    lo, hi = (float(v) for v in np.asarray(median_survival_times(ci), dtype=float).ravel()[:2])
    at60 = kmf.survival_function_at_times(60.0).iloc[0]
    row = ci[ci.index <= 60.0].iloc[-1]
    return {
        "heros_n": float(len(t)),
        "heros_min_pfs": float(t.min()),
        "heros_ttp_median": float(kmf.median_survival_time_) / 12,
        "heros_ttp_median:lower": lo / 12,
        "heros_ttp_median:upper": hi / 12,
        "heros_remission_5y": 100 * float(at60),
        "heros_remission_5y:lower": 100 * float(row.iloc[0]),
        "heros_remission_5y:upper": 100 * float(row.iloc[1]),
    }


def _random_settings(rng, assumptions) -> dict:
    f0, f1 = sorted(rng.uniform(*assumptions.follow_up_range, 2))
    return {
        "shape": float(rng.uniform(*assumptions.shape_range)),
        "follow_up_min": float(f0),
        "follow_up_max": float(f1),
        "loss_per_year": float(rng.uniform(*assumptions.loss_range)),
    }


def _nearby(rng, settings, assumptions) -> dict:
    """A small random step from ``settings``, kept inside the assumed ranges."""
    out = {}
    for key, rng_range in (
        ("shape", assumptions.shape_range),
        ("follow_up_min", assumptions.follow_up_range),
        ("follow_up_max", assumptions.follow_up_range),
        ("loss_per_year", assumptions.loss_range),
    ):
        lo, hi = rng_range
        out[key] = float(np.clip(settings[key] + 0.05 * (hi - lo) * rng.standard_normal(), lo, hi))
    out["follow_up_min"], out["follow_up_max"] = sorted((out["follow_up_min"], out["follow_up_max"]))
    return out


def _noise(rng, n) -> np.ndarray:
    """The uniform draws behind one table (progression, follow-up, loss for each patient): with them
    fixed, a table is a smooth function of its settings, so a local search can move the settings."""
    return rng.random((3, n))


def _draw(noise, entry, median_months, settings):
    """One candidate table for ``settings`` (shape, follow-up, losses) from the uniforms ``noise``, its
    progression times scaled so the Kaplan–Meier median is ``median_months``. Returns
    ``(times, events, settings)`` or None."""
    u = (-np.log1p(-noise[0])) ** (1 / settings["shape"])  # Weibull(shape), unit scale
    follow = entry + settings["follow_up_min"] + (settings["follow_up_max"] - settings["follow_up_min"]) * noise[1]
    if settings["loss_per_year"] > 0:
        follow = np.minimum(follow, entry - np.log1p(-noise[2]) * 12 / settings["loss_per_year"])
    lo, hi = math.log(1.0), math.log(5000.0)
    for _ in range(40):  # the Kaplan–Meier median rises with the scale
        scale = math.exp((lo + hi) / 2)
        latent = entry + scale * u
        t, e = np.minimum(latent, follow), (latent <= follow).astype(int)
        m = km_median(*km_curve(t, e))
        if not np.isfinite(m) or m > median_months:
            hi = math.log(scale)
        else:
            lo = math.log(scale)
    if not np.isfinite(m):
        return None
    return t, e, settings | {"scale": scale}


def _distance(values, tg) -> float:
    return max(tg[k].distance(values[k]) for k in tg)


def _closeness(values, tg) -> tuple:
    d = [tg[k].distance(values[k]) for k in tg]
    return max(d), sum(d)


def search_table(
    rng: np.random.Generator,
    targets: dict,
    *,
    assumptions: HerosAssumptions = ASSUMPTIONS,
    draws: int = 6000,
    trace: list | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Draw candidates until one meets every target; return ``(ttp_months, progressed, settings)``.

    The first third of the draws explores the assumed ranges at random, the rest step around the closest
    table so far. With ``trace`` (a list), every draw is tried and each one that meets the targets is
    appended as ``(settings, noise, unreported)``; the first that met them is returned.

    Examples
    --------
    >>> t, e, settings = search_table(np.random.default_rng(2), targets())
    >>> len(t), bool(t.min() >= 24)
    (268, True)
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
    tg = require_targets(targets)
    if not isinstance(assumptions, HerosAssumptions):
        raise TypeError(f"assumptions must be a HerosAssumptions, got {type(assumptions).__name__}")
    draws = count(draws, "draws", high=100_000)
    if trace is not None and not isinstance(trace, list):
        raise TypeError(f"trace must be a list or None, got {type(trace).__name__}")
    n = int(tg["heros_n"].published)
    found, best = None, (math.inf, None, None)
    for i in range(draws):
        # the first third explores the assumed ranges; the rest steps around the closest table so far,
        # mostly with its uniforms (a smooth move of the settings), sometimes with fresh ones
        if i < draws // 3 or best[1] is None:
            noise, settings = _noise(rng, n), _random_settings(rng, assumptions)
        elif rng.random() < 0.7:
            noise, settings = best[2], _nearby(rng, best[1], assumptions)
        else:
            noise, settings = _noise(rng, n), best[1]
        fit = _fit(noise, tg, settings, assumptions)
        if fit is None:
            continue
        dist, t, e, settings = fit
        if dist < best[0]:
            best = (dist, settings, noise)
        if dist <= 1:
            if trace is None:
                return t, e, settings
            trace.append((settings, noise, _unreported(t, e)))
            found = found or (t, e, settings)
    if found is not None:
        return found
    raise ReconstructionError(
        f"no HER-OS table met every target in {draws} draws (closest: {best[0]:.2f} tolerance units)",
        list(tg),
        closest=best[1],
    )


def _fit(noise, tg, settings, assumptions):
    """``(distance, times, events, settings)`` of the table for ``noise`` and ``settings``, or None."""
    cand = _draw(noise, float(tg["heros_min_pfs"].published), 12 * tg["heros_ttp_median"].published, settings)
    if cand is None:
        return None
    t, e, settings = cand
    t = np.round(t, assumptions.months_decimals)
    return _distance(_values(t, e), tg), t, e, settings


def reconstruct(
    seed: int = COHORT_SEED, *, assumptions: HerosAssumptions = ASSUMPTIONS, draws: int = 4000
) -> pd.DataFrame:
    """The synthetic HER-OS table: ``patient_id, ttp_months, progressed``, checked with lifelines.

    Every draw of :func:`search_table` is tried, and of the tables that meet the targets the one closest
    to the published numbers is kept.

    Examples
    --------
    >>> df = reconstruct()
    >>> df.shape, bool(df.attrs["synthetic"])
    ((268, 3), True)
    """
    rng = rng_from_seed(seed)
    tg = targets()
    kept: list = []
    search_table(rng, tg, assumptions=assumptions, draws=draws, trace=kept)
    # of the tables that fit, the one closest to the published numbers (largest, then summed distance)
    fits = [_fit(noise, tg, settings, assumptions) for settings, noise, _ in kept]
    t, e = min(((f[1], f[2]) for f in fits), key=lambda te: _closeness(_values(*te), tg))
    order = rng.permutation(len(t))
    df = pd.DataFrame(
        {
            "patient_id": [f"HEROS-{i + 1:03d}" for i in range(len(t))],
            "ttp_months": t[order],
            "progressed": e[order].astype(int),
        }
    )
    values = reproduced_values(df)
    missed = [k for k, x in tg.items() if x.distance(values[k]) > 1]
    if missed:  # the fast path and lifelines disagree: never ship a table that misses
        raise ReconstructionError(f"the lifelines check missed {missed}", missed, closest=df)
    df.attrs["synthetic"] = True
    return df


def format_cohort_csv(df: pd.DataFrame, decimals: int = ASSUMPTIONS.months_decimals) -> str:
    """The table as CSV text, byte-stable (fixed decimals, ``\\n`` line ends)."""
    if not isinstance(df, pd.DataFrame) or list(df.columns) != COLUMNS:
        raise ValueError(f"df must be a DataFrame with columns {COLUMNS}")
    return df.to_csv(index=False, float_format=f"%.{count(decimals, 'decimals', low=0, high=6)}f", lineterminator="\n")


def assumptions_table(assumptions: HerosAssumptions = ASSUMPTIONS) -> pd.DataFrame:
    """Every assumption of the HER-OS reconstruction as a two-column table (for the book)."""
    if not isinstance(assumptions, HerosAssumptions):
        raise TypeError(f"assumptions must be a HerosAssumptions, got {type(assumptions).__name__}")
    return pd.DataFrame(
        [
            {"assumption": k, "value": ", ".join(f"{x:g}" for x in v) if isinstance(v, tuple) else str(v)}
            for k, v in asdict(assumptions).items()
        ]
    )


#: The unreported quantities whose feasible range is searched, with their labels.
UNREPORTED = {
    "progressions": "progressions",
    "median_follow_up_years": "median follow-up (years, reverse KM)",
    "at_risk_60": "patients still followed at 5 years",
    "longest_years": "longest follow-up (years)",
    "shape": "Weibull shape of time beyond entry",
    "loss_per_year": "losses to follow-up per year",
}


def feasible_range(
    seed: int = RANGE_SEED,
    *,
    restarts: int = 10,
    draws: int = 3000,
    push: int = 200,
    assumptions: HerosAssumptions = ASSUMPTIONS,
) -> pd.DataFrame:
    """How far the unreported quantities move among tables that meet every HER-OS target.

    First ``restarts`` independent runs of :func:`search_table` (``draws`` each, with a ``trace``) collect
    tables that fit; then, for each quantity of :data:`UNREPORTED` and each direction, a local search of
    ``push`` steps starts from the most extreme table found and keeps every step that still fits and
    moves the quantity further. A search, not a proof: the true extremes can only be wider, and they
    depend on the assumed ranges in ``assumptions``.

    Examples
    --------
    The committed ``feasible_range()`` (about a minute to recompute):

    >>> from her2ned.datasets import load_csv
    >>> list(load_csv("reconstructed", "heros2014_ranges.csv").columns)
    ['quantity', 'low', 'high', 'tables']
    """
    rng = rng_from_seed(seed)
    restarts, push = count(restarts, "restarts", high=1000), count(push, "push", low=0, high=100_000)
    count(draws, "draws", high=100_000)
    if not isinstance(assumptions, HerosAssumptions):
        raise TypeError(f"assumptions must be a HerosAssumptions, got {type(assumptions).__name__}")
    tg = targets()
    kept: list = []
    for r in range(restarts):
        try:
            search_table(np.random.default_rng([int(seed), r]), tg, assumptions=assumptions, draws=draws, trace=kept)
        except ReconstructionError:
            continue  # this start found no table; the others may
    if not kept:
        raise ReconstructionError(f"no table met every target in {restarts} runs of {draws} draws", list(tg))
    tables = [(settings | unreported, noise) for settings, noise, unreported in kept]
    for key in UNREPORTED:
        for sign in (-1, 1):
            cur, noise = max(tables, key=lambda r: sign * r[0][key])
            for _ in range(push):
                fit = _fit(noise, tg, _nearby(rng, cur, assumptions), assumptions)
                if fit is not None and fit[0] <= 1:
                    row = fit[3] | _unreported(fit[1], fit[2])
                    tables.append((row, noise))
                    if sign * row[key] > sign * cur[key]:
                        cur = row
    tables = [row for row, _ in tables]
    k = pd.DataFrame(tables)
    return pd.DataFrame(
        [
            {"quantity": label, "low": float(k[c].min()), "high": float(k[c].max()), "tables": len(k)}
            for c, label in UNREPORTED.items()
        ]
    )


def format_range_csv(ranges: pd.DataFrame) -> str:
    """The feasible range as CSV text, byte-stable."""
    if not isinstance(ranges, pd.DataFrame) or list(ranges.columns) != ["quantity", "low", "high", "tables"]:
        raise ValueError("ranges must be the DataFrame from feasible_range")
    return ranges.to_csv(index=False, float_format="%.4f", lineterminator="\n")


def _unreported(t, e) -> dict:
    times, surv = km_curve(t, 1 - e)  # reverse Kaplan–Meier: censoring as the event
    return {
        "progressions": int(e.sum()),
        "median_follow_up_years": km_median(times, surv) / 12,
        "at_risk_60": int((t > 60).sum()),
        "longest_years": float(t.max()) / 12,
    }


# ---------------------------------------------------------------------------------------------
# HER-OS as a check on the simulator, and the two entry rules side by side
# ---------------------------------------------------------------------------------------------
def _selected_summary(params, threshold: float, n: int, seed: int) -> dict:
    """Kaplan–Meier median (years) and 5-year share (%) of a large simulated cohort selected at
    ``threshold`` months, with the share selected, the share reaching NED and the share cured."""
    from .simulate import select_arrays, simulate_arrays

    a = simulate_arrays(params.replace(threshold_months=threshold), rng_from_seed(seed), n=n)
    times_all, surv_all = km_curve(a["pfs_months"], a["progressed"])
    passed = float(km_at(times_all, surv_all, [threshold])[0])
    sel = select_arrays(a, threshold)
    times, surv = km_curve(sel["pfs_months"], sel["progressed"])
    return {
        "progression_free_at_entry": passed,
        "median_years": km_median(times, surv) / 12,
        "remission_5y": 100 * float(km_at(times, surv, [60.0])[0]),
        "ned_share": float(sel["ned"].mean()),
        "cured_share": min(1.0, params.cure_fraction / passed) if passed > 0 else float("nan"),
    }


def simulator_check(worlds: dict, *, n: int = 200_000, seed: int = 0) -> pd.DataFrame:
    """Which simulated worlds HER-OS's numbers rule out, allowing for its 2-year entry.

    Each world (a name → :class:`her2ned.simulate.SimulationParams`) is drawn with ``n`` first-line
    patients, selected at HER-OS's entry rule (progression-free at 24 months) and summarised by its
    Kaplan–Meier median and 5-year share; a world is *ruled out* when either lies outside the published
    95 % interval. With ``n`` this large the simulated numbers have almost no noise of their own, so the
    check asks only whether the world could have produced the registry's population. (The simulator's
    time origin, the start of first-line therapy, is taken for HER-OS's start of trastuzumab.)

    Examples
    --------
    >>> from her2ned.simulate import SimulationParams
    >>> simulator_check({"defaults": SimulationParams()}, n=20_000).columns[:3].tolist()
    ['world', 'median_years', 'remission_5y']
    """
    from .simulate import SimulationParams

    if not isinstance(worlds, dict) or not worlds or not all(isinstance(w, SimulationParams) for w in worlds.values()):
        raise TypeError("worlds must be a non-empty dict {name: SimulationParams}")
    n = count(n, "n", low=1000, high=5_000_000)
    rng_from_seed(seed)
    claims = load_claims()
    entry = float(claims["heros_min_pfs"].value)
    (m_lo, m_hi), (r_lo, r_hi) = claims["heros_ttp_median"].ci, claims["heros_remission_5y"].ci
    rows = []
    for name, params in worlds.items():
        s = _selected_summary(params, entry, n, seed)
        inside = m_lo <= s["median_years"] <= m_hi, r_lo <= s["remission_5y"] <= r_hi
        rows.append(
            {
                "world": str(name),
                "median_years": s["median_years"],
                "remission_5y": s["remission_5y"],
                "median_inside_ci": inside[0],
                "share_inside_ci": inside[1],
                "verdict": "consistent" if all(inside) else "ruled out",
            }
        )
    return pd.DataFrame(rows)


def entry_rules(
    params: SimulationParams | None = None,
    thresholds: Sequence[float] = (24.0, 36.0),
    *,
    n: int = 200_000,
    seed: int = 0,
) -> pd.DataFrame:
    """The same simulated population selected by a 2- and a 3-year entry rule, side by side.

    Examples
    --------
    >>> entry_rules(n=20_000)["entry_months"].tolist()
    [24.0, 36.0]
    """
    from ._arguments import finite, sequence
    from .simulate import SimulationParams

    p = SimulationParams() if params is None else params
    if not isinstance(p, SimulationParams):
        raise TypeError(f"params must be a SimulationParams or None, got {type(p).__name__}")
    ths = [finite(t, "thresholds", low=0.0) for t in sequence(thresholds, "thresholds")]
    if not ths or max(ths) > 240:
        raise ValueError(f"thresholds must list 1 or more entry times up to 240 months, got {ths}")
    n = count(n, "n", low=1000, high=5_000_000)
    rng_from_seed(seed)
    return pd.DataFrame([{"entry_months": t} | _selected_summary(p, t, n, seed) for t in ths])
