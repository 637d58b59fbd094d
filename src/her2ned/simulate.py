"""A generative model of the first-line HER2-positive MBC population, and the study's selection.

Every patient drawn here is synthetic. The model, in the order it draws:

1. **Covariates** (independent): age, ECOG 0/1, HER2 IHC 3+ vs 2+/ISH+, grade 1/2/3, hormone
   receptor, de novo, visceral disease, regimen (T = trastuzumab + taxane, T+P = + pertuzumab),
   local therapy. Shares from a published source where one gives them (cited in :func:`assumptions_table`);
   otherwise labelled assumptions.
2. **Who could reach NED**: a logistic model whose odds ratios are parameters (ECOG 0 vs 1, IHC 3+
   vs 2+/ISH+, grade ≤ 2 vs 3, age per 10 years, and indolent vs aggressive disease), with an intercept.
3. **When**: the time to NED (log-normal, median ``ned_timing`` months) for those who could.
4. **Progression**: a cured fraction of the whole first-line population never progresses (0 by
   default; since the cured all pass the 36-month selection, their share among the selected is
   larger, ``cure_fraction`` / P(progression-free at 36 months));
   everyone else has a Weibull baseline hazard h0(t), from one of two components (aggressive
   disease, and a smaller indolent share with a slower, rising hazard), scaled by the regimen's HR.
   The hazard is h0(t) before NED and ``hr_ned`` × h0(t) from the moment NED is reached (a
   time-varying effect): with ``hr_ned = 1`` reaching NED changes nothing. The disease type is
   also the book's **confounder**: ``or_ned_indolent`` is the odds ratio of being able to reach NED
   for indolent vs aggressive disease. At its default, 1, NED propensity and progression are
   independent (the covariates act on NED only); above 1, the patients likely to reach NED are also
   slow to progress, as the chapter on biases argues they are in life. The disease type is returned
   (``indolent``) so that a simulation can adjust for what no real study records.
5. **Competing**: NED counts only if reached before progression and before censoring.
6. **Accrual and censoring**: uniform accrual, administrative cut-off, exponential loss to follow-up.
7. **Selection** (:func:`select_cohort`): those still progression-free and under observation at
   ``threshold_months`` (36 in the study).

:func:`simulate_arrays` is the numpy fast path (a dict of arrays; about a millisecond per thousand
patients); :func:`simulate_population` wraps it in a DataFrame. :func:`assumptions_table` lists every
default with its source or the label "assumption". :func:`landmark_potential_outcomes` draws, for
the same model, both outcomes of a target trial that assigns NED, or no NED, at a landmark.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import pandas as pd

from ._arguments import count, generator, rng_from_seed
from .study_design import THRESHOLD_MONTHS, published_ratios

__all__ = [
    "SimulationParams",
    "simulate_arrays",
    "simulate_population",
    "select_cohort",
    "select_arrays",
    "simulate_cohort_arrays",
    "assumptions_table",
    "NED_TIMING_PRESETS",
    "landmark_potential_outcomes",
]

#: Named NED timings (median months from start of first-line to NED among those who reach it).
#: Both are assumptions: no source reports when NED was reached.
NED_TIMING_PRESETS = {"early": 6.0, "late": 24.0}

_SHARES = (
    "p_ecog0",
    "p_ihc3",
    "p_grade3",
    "p_grade1_of_le2",
    "p_hr_positive",
    "p_de_novo",
    "p_visceral",
    "p_tp",
    "p_local_therapy",
    "cure_fraction",
    "indolent_fraction",
)
_POSITIVE = (
    "or_ecog0",
    "or_ihc3",
    "or_grade_le2",
    "or_age_per10",
    "or_ned_indolent",
    "hr_ned",
    "hr_tp",
    "median_pfs_t_months",
    "weibull_shape",
    "ned_sdlog",
    "age_sd",
    "indolent_median_months",
    "indolent_shape",
)


#: The published ratios, the default truth of the population model (read from the ledger).
_PUBLISHED_RATIO = {term: ratio for term, _, ratio, _ in published_ratios()}


@dataclass(frozen=True)
class SimulationParams:
    """Parameters of the population model (frozen; every field is validated).

    Sources and assumptions for each default are listed by :func:`assumptions_table`.

    Examples
    --------
    >>> SimulationParams(hr_ned=1.0).hr_ned
    1.0
    >>> SimulationParams(p_ecog0=1.5)
    Traceback (most recent call last):
    ...
    ValueError: p_ecog0 must be a share in [0, 1], got 1.5
    """

    n: int = 1000
    # covariate shares
    p_ecog0: float = 0.36
    p_ihc3: float = 0.61
    p_grade3: float = 0.53
    p_grade1_of_le2: float = 0.064
    p_hr_positive: float = 0.61
    p_de_novo: float = 0.35
    p_visceral: float = 0.50
    p_tp: float = 0.60
    p_local_therapy: float = 0.30
    age_mean: float = 53.0
    age_sd: float = 11.0
    # who reaches NED (population odds ratios; the intercept sets the population share)
    ned_intercept: float = -2.1
    or_ecog0: float = _PUBLISHED_RATIO["ecog0"]
    or_ihc3: float = _PUBLISHED_RATIO["ihc3"]
    or_grade_le2: float = _PUBLISHED_RATIO["grade_le2"]
    or_age_per10: float = 0.60
    or_ned_indolent: float = 1.0
    # when NED is reached
    ned_timing: float | str = 9.0
    ned_sdlog: float = 0.75
    # progression
    hr_ned: float = _PUBLISHED_RATIO["ned"]
    hr_tp: float = 0.67
    median_pfs_t_months: float = 6.0
    weibull_shape: float = 0.8
    indolent_fraction: float = 0.15
    indolent_median_months: float = 60.0
    indolent_shape: float = 1.4
    cure_fraction: float = 0.0
    # accrual and censoring
    accrual_months: float = 144.0
    followup_after_accrual_months: float = 60.0
    dropout_per_year: float = 0.02
    # selection
    threshold_months: float = THRESHOLD_MONTHS

    def __post_init__(self):
        if isinstance(self.n, bool) or not isinstance(self.n, (int, np.integer)):
            raise TypeError(f"n must be an integer, got {type(self.n).__name__}")
        if not 1 <= self.n <= 10_000_000:
            raise ValueError(f"n must be between 1 and 10,000,000, got {self.n}")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("n", "ned_timing"):
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise TypeError(f"{f.name} must be a number, got {type(v).__name__}")
            if not math.isfinite(v):
                raise ValueError(f"{f.name} must be finite, got {v}")
        for name in _SHARES:
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be a share in [0, 1], got {v}")
        if self.cure_fraction >= 1.0:
            raise ValueError(f"cure_fraction must be in [0, 1), got {self.cure_fraction}")
        for name in _POSITIVE:
            v = getattr(self, name)
            if v <= 0:
                raise ValueError(f"{name} must be > 0, got {v}")
        for name in ("threshold_months", "accrual_months", "followup_after_accrual_months", "dropout_per_year"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not 0 < self.age_mean < 120:
            raise ValueError(f"age_mean must be in (0, 120) years, got {self.age_mean}")
        t = self.ned_timing
        if isinstance(t, str):
            if t not in NED_TIMING_PRESETS:
                raise ValueError(
                    f"ned_timing must be one of {sorted(NED_TIMING_PRESETS)} or a median in months > 0, got {t!r}"
                )
        elif isinstance(t, bool) or not isinstance(t, (int, float, np.integer, np.floating)):
            raise TypeError(f"ned_timing must be 'early', 'late' or a number of months, got {type(t).__name__}")
        elif not (math.isfinite(t) and t > 0):
            raise ValueError(f"ned_timing must be a median in months > 0, got {t}")

    @property
    def ned_median_months(self) -> float:
        """The median time to NED (months) that ``ned_timing`` stands for."""
        t = self.ned_timing
        return NED_TIMING_PRESETS[t] if isinstance(t, str) else float(t)

    def replace(self, **changes) -> "SimulationParams":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def _check_params(params) -> SimulationParams:
    if params is None:
        return SimulationParams()
    if not isinstance(params, SimulationParams):
        raise TypeError(f"params must be a SimulationParams, got {type(params).__name__}")
    return params


def simulate_arrays(
    params: SimulationParams | None, rng: np.random.Generator, n: int | None = None
) -> dict[str, np.ndarray]:
    """Draw a population as a dict of numpy arrays (the fast path).

    Parameters
    ----------
    params : SimulationParams or None
        None means the defaults.
    rng : numpy.random.Generator
    n : int, optional
        Number of patients (default ``params.n``).

    Returns
    -------
    dict of numpy.ndarray
        ``age, ecog (0/1), ihc3 (0/1), grade (1/2/3), hr_positive, de_novo, visceral, tp,
        local_therapy, ned (0/1), time_to_ned (NaN if never), pfs_months, progressed (0/1)``,
        plus ``true_time_to_ned`` (the latent time, NaN if the patient could never reach NED) and
        ``indolent`` (1 for the indolent disease type: the confounder, which no real study records).

    Examples
    --------
    >>> import numpy as np
    >>> a = simulate_arrays(None, np.random.default_rng(0), n=5)
    >>> a["pfs_months"].shape
    (5,)
    """
    p = _check_params(params)
    rng = generator(rng)
    if n is None:
        n = p.n
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    a, _ = _draw(p, rng, n)
    return a


def _draw(p: SimulationParams, rng: np.random.Generator, n: int) -> tuple[dict, dict]:
    """The population (as :func:`simulate_arrays` returns it) and the latent quantities behind it.

    The latent dict holds, per patient, what the potential outcomes of an intervention on NED need:
    ``budget`` (the cumulative baseline hazard, in units of the untreated-by-NED hazard, at which
    she progresses), ``scale`` and ``shape`` of her Weibull component, ``latent_ned`` (inf if she
    could never reach NED) and ``cured``.
    """
    u = rng.random((n, 13))
    age = np.clip(p.age_mean + p.age_sd * rng.standard_normal(n), 22.0, 90.0)
    ecog = (u[:, 0] >= p.p_ecog0).astype(np.int8)  # 0 with probability p_ecog0
    ihc3 = (u[:, 1] < p.p_ihc3).astype(np.int8)
    g3 = u[:, 2] < p.p_grade3
    grade = np.where(g3, 3, np.where(u[:, 3] < p.p_grade1_of_le2, 1, 2)).astype(np.int8)
    hr_pos = (u[:, 4] < p.p_hr_positive).astype(np.int8)
    de_novo = (u[:, 5] < p.p_de_novo).astype(np.int8)
    visceral = (u[:, 6] < p.p_visceral).astype(np.int8)
    tp = (u[:, 7] < p.p_tp).astype(np.int8)
    local = (u[:, 8] < p.p_local_therapy).astype(np.int8)
    indolent = u[:, 12] < p.indolent_fraction

    # who could reach NED (the disease-type term is exactly 0 at the default or_ned_indolent = 1)
    lin = (
        p.ned_intercept
        + math.log(p.or_ecog0) * (ecog == 0)
        + math.log(p.or_ihc3) * ihc3
        + math.log(p.or_grade_le2) * (~g3)
        + math.log(p.or_age_per10) * (age - p.age_mean) / 10.0
    )
    if p.or_ned_indolent != 1.0:
        lin = lin + math.log(p.or_ned_indolent) * indolent
    can_ned = u[:, 9] < 1.0 / (1.0 + np.exp(-lin))
    latent_ned = np.where(can_ned, p.ned_median_months * np.exp(p.ned_sdlog * rng.standard_normal(n)), np.inf)

    # progression: two Weibull components (aggressive and indolent disease), each with cumulative
    # baseline hazard H0(t) = (t / scale)^k, times the regimen multiplier
    k = np.where(indolent, p.indolent_shape, p.weibull_shape)
    med = np.where(indolent, p.indolent_median_months, p.median_pfs_t_months)
    scale = med / math.log(2.0) ** (1.0 / k)
    mult = np.where(tp == 1, p.hr_tp, 1.0)
    e = -np.log(u[:, 10]) / mult  # target cumulative baseline hazard
    with np.errstate(over="ignore", invalid="ignore"):
        h_at_ned = np.where(np.isfinite(latent_ned), (np.minimum(latent_ned, 1e12) / scale) ** k, np.inf)
    before = e <= h_at_ned
    h_total = np.where(before, e, h_at_ned + (e - np.where(before, 0.0, h_at_ned)) / p.hr_ned)
    t_prog = scale * h_total ** (1.0 / k)
    cured = u[:, 11] < p.cure_fraction
    t_prog = np.where(cured, np.inf, t_prog)

    # censoring: administrative (uniform accrual) and loss to follow-up
    admin = p.followup_after_accrual_months + p.accrual_months * rng.random(n)
    if p.dropout_per_year > 0:
        lost = rng.exponential(12.0 / p.dropout_per_year, n)
        censor = np.minimum(admin, lost)
    else:
        censor = admin
    pfs = np.minimum(t_prog, censor)
    progressed = (t_prog <= censor).astype(np.int8)
    ned = (latent_ned < pfs).astype(np.int8)
    time_to_ned = np.where(ned == 1, latent_ned, np.nan)
    arrays = {
        "age": age,
        "ecog": ecog,
        "ihc3": ihc3,
        "grade": grade,
        "hr_positive": hr_pos,
        "de_novo": de_novo,
        "visceral": visceral,
        "tp": tp,
        "local_therapy": local,
        "ned": ned,
        "time_to_ned": time_to_ned,
        "pfs_months": pfs,
        "progressed": progressed,
        "true_time_to_ned": np.where(can_ned, latent_ned, np.nan),
        "indolent": indolent.astype(np.int8),
    }
    latent = {"budget": e, "scale": scale, "shape": k, "latent_ned": latent_ned, "cured": cured, "t_prog": t_prog}
    return arrays, latent


def landmark_potential_outcomes(
    params: SimulationParams | None, rng: np.random.Generator, *, n: int, landmark_months: float
) -> dict[str, np.ndarray]:
    """Both outcomes of a target trial that assigns NED, or no NED, at a landmark.

    The trial: every patient of the population still progression-free at ``landmark_months`` (time
    zero, the first moment at which the strategy can be assigned to her) is followed from there
    (a) with NED from time zero on, her hazard ``hr_ned`` times her baseline, and (b) without NED
    from time zero on, whatever happened before. Both come from the same draw (the same patient,
    the same random numbers), so the pair is one patient's two potential outcomes. There is no
    censoring: the trial follows everyone.

    Parameters
    ----------
    params : SimulationParams or None
    rng : numpy.random.Generator
    n : int
        Patients drawn (before the landmark's selection), 1 to 10,000,000.
    landmark_months : float
        Time zero of the trial, months from the start of first-line therapy (>= 0; 0 is everyone).

    Returns
    -------
    dict of numpy.ndarray
        ``pfs_with_ned`` and ``pfs_without_ned`` (months from the landmark; inf for the cured),
        ``indolent``, ``tp`` and ``ned_before`` (NED reached before the landmark) for those
        progression-free at the landmark.

    Examples
    --------
    >>> import numpy as np
    >>> po = landmark_potential_outcomes(SimulationParams(hr_ned=1.0), np.random.default_rng(0),
    ...                                  n=1000, landmark_months=24.0)
    >>> bool(np.array_equal(po["pfs_with_ned"], po["pfs_without_ned"]))
    True
    """
    p = _check_params(params)
    rng = generator(rng)
    n = count(n, "n", high=10_000_000)
    lm = _check_threshold(landmark_months, "landmark_months")
    a, z = _draw(p, rng, n)
    keep = z["t_prog"] > lm
    scale, k, budget = z["scale"][keep], z["shape"][keep], z["budget"][keep]
    tned = z["latent_ned"][keep]
    h_lm = (lm / scale) ** k
    with np.errstate(over="ignore", invalid="ignore"):
        h_ned = (np.minimum(tned, lm) / scale) ** k
    # hazard spent by the landmark, in units of the baseline: full rate before NED, hr_ned after
    spent = np.where(tned < lm, h_ned + p.hr_ned * (h_lm - h_ned), h_lm)
    left = budget - spent
    cured = z["cured"][keep]
    with np.errstate(over="ignore", invalid="ignore"):
        with_ned = np.where(cured, np.inf, scale * (h_lm + left / p.hr_ned) ** (1.0 / k) - lm)
        without = np.where(cured, np.inf, scale * (h_lm + left) ** (1.0 / k) - lm)
    return {
        "pfs_with_ned": with_ned,
        "pfs_without_ned": without,
        "indolent": a["indolent"][keep],
        "tp": a["tp"][keep],
        "ned_before": (tned < lm).astype(np.int8),
    }


def _check_threshold(months, name: str = "threshold_months") -> float:
    if isinstance(months, bool) or not isinstance(months, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(months).__name__}")
    if not (math.isfinite(months) and months >= 0):
        raise ValueError(f"{name} must be >= 0, got {months}")
    return float(months)


def select_arrays(arrays: dict, threshold_months: float = THRESHOLD_MONTHS) -> dict[str, np.ndarray]:
    """Keep the patients progression-free and still observed at ``threshold_months`` (arrays)."""
    thr = _check_threshold(threshold_months)
    if not isinstance(arrays, dict) or "pfs_months" not in arrays:
        raise TypeError(
            "arrays must be a dict of numpy arrays with 'pfs_months' (from simulate_arrays), got "
            + (f"keys {list(arrays)}" if isinstance(arrays, dict) else type(arrays).__name__)
        )
    pfs = arrays["pfs_months"]
    if not (isinstance(pfs, np.ndarray) and pfs.ndim == 1 and pfs.dtype.kind in "fiu" and not np.isnan(pfs).any()):
        raise ValueError("arrays['pfs_months'] must be a 1-d numpy array of numbers without nan")
    bad = [k for k, v in arrays.items() if not (isinstance(v, np.ndarray) and v.shape == pfs.shape)]
    if bad:
        raise ValueError(
            f"arrays must hold one numpy array entry per patient ({pfs.shape[0]}) under every key; not so for {bad}"
        )
    keep = pfs >= thr
    out = {k: v[keep] for k, v in arrays.items()}
    out["entry_months"] = np.full(int(keep.sum()), thr)
    return out


def simulate_cohort_arrays(
    params: SimulationParams | None,
    rng: np.random.Generator,
    n_selected: int,
    threshold_months: float | None = None,
    max_draws: int = 5_000_000,
) -> dict[str, np.ndarray]:
    """Draw populations until exactly ``n_selected`` patients pass the selection (arrays).

    ``threshold_months`` defaults to ``params.threshold_months``. Raises ValueError if fewer than
    ``n_selected`` pass after ``max_draws`` patients (the threshold is too strict for the model).

    Examples
    --------
    >>> import numpy as np
    >>> len(simulate_cohort_arrays(None, np.random.default_rng(1), 118)["ned"])
    118
    """
    p = _check_params(params)
    rng = generator(rng)
    n_selected = count(n_selected, "n_selected", high=100_000)
    # a batch is at most max_draws patients (13 uniform draws each)
    max_draws = count(max_draws, "max_draws", high=10_000_000)
    thr = p.threshold_months if threshold_months is None else _check_threshold(threshold_months)
    parts, have, drawn, batch = [], 0, 0, max(256, 4 * n_selected)
    while have < n_selected:
        if drawn >= max_draws:
            raise ValueError(
                f"only {have} of {drawn:,} simulated patients were progression-free at "
                f"{thr:g} months; lower threshold_months or n_selected, or raise max_draws"
            )
        sel = select_arrays(simulate_arrays(p, rng, n=batch), thr)
        drawn += batch
        got = len(sel["ned"])
        if got:
            parts.append(sel)
            have += got
        rate = max(have / drawn, 1e-4)
        batch = int(min(max_draws, max(256, 1.2 * (n_selected - have) / rate)))
    out = {k: np.concatenate([s[k] for s in parts])[:n_selected] for k in parts[0]}
    return out


def _to_frame(a: dict) -> pd.DataFrame:
    n = len(a["ned"])
    df = pd.DataFrame(
        {
            "patient_id": [f"S{i + 1:05d}" for i in range(n)],
            "age": np.round(a["age"], 1),
            "ecog": a["ecog"].astype(int),
            "her2_ihc": np.where(a["ihc3"] == 1, "3+", "2+/ISH+"),
            "grade": a["grade"].astype(int),
            "hr_positive": a["hr_positive"].astype(int),
            "de_novo": a["de_novo"].astype(int),
            "visceral": a["visceral"].astype(int),
            "regimen": np.where(a["tp"] == 1, "T+P", "T"),
            "local_therapy": a["local_therapy"].astype(int),
            "ned": a["ned"].astype(int),
            "time_to_ned": a["time_to_ned"],
            "pfs_months": a["pfs_months"],
            "progressed": a["progressed"].astype(int),
        }
    )
    if "entry_months" in a:
        df["entry_months"] = a["entry_months"]
    df.attrs["synthetic"] = True
    return df


def simulate_population(params: SimulationParams | None = None, *, seed: int | np.random.Generator) -> pd.DataFrame:
    """Draw a synthetic first-line population (``params.n`` patients) as a DataFrame.

    Parameters
    ----------
    params : SimulationParams, optional
        Defaults if omitted.
    seed : int or numpy.random.Generator
        Required: every draw is reproducible.

    Returns
    -------
    pandas.DataFrame
        ``patient_id, age, ecog, her2_ihc ("3+"/"2+/ISH+"), grade, hr_positive, de_novo, visceral,
        regimen ("T"/"T+P"), local_therapy, ned, time_to_ned, pfs_months, progressed``.

    Examples
    --------
    >>> pop = simulate_population(seed=1)
    >>> len(pop), sorted(pop["regimen"].unique())
    (1000, ['T', 'T+P'])
    """
    p = _check_params(params)
    rng = rng_from_seed(seed)
    return _to_frame(simulate_arrays(p, rng))


def select_cohort(population: pd.DataFrame, threshold_months: float = THRESHOLD_MONTHS) -> pd.DataFrame:
    """The study's selection: patients progression-free and still under observation at the threshold.

    Adds ``entry_months`` (= the threshold) for left-truncated analyses.

    Examples
    --------
    >>> cohort = select_cohort(simulate_population(seed=1))
    >>> bool((cohort["pfs_months"] >= 36).all())
    True
    """
    if not isinstance(population, pd.DataFrame):
        raise TypeError(f"population must be a DataFrame, got {type(population).__name__}")
    if "pfs_months" not in population:
        raise ValueError("population must have a 'pfs_months' column (from simulate_population)")
    thr = _check_threshold(threshold_months)
    out = population.loc[population["pfs_months"] >= thr].copy().reset_index(drop=True)
    out["entry_months"] = thr
    out.attrs["synthetic"] = True
    return out


_SOURCES = {
    "n": ("patients in a simulated population", "assumption (a simulation size, not a study number)"),
    "p_ecog0": ("share ECOG 0 (among ECOG 0–1)", "Jackisch 2014: ECOG 0/1 = 31/54 % → 31/85 = 0.36"),
    "p_ihc3": ("share HER2 IHC 3+", "GIM14 MBC series: IHC 3+ : 2+/ISH+ ≈ 61:39"),
    "p_grade3": ("share grade 3", "Jackisch 2014: G3 53 %"),
    "p_grade1_of_le2": ("share grade 1 among grade ≤ 2", "Jackisch 2014: G1/G2 = 3/44 → 0.064"),
    "p_hr_positive": ("share hormone-receptor positive", "Jackisch 2014: 61 %"),
    "p_de_novo": ("share de novo stage IV", "registHER, Danish, Royal Marsden cohorts: 32–38 % (midpoint)"),
    "p_visceral": ("share with visceral metastases", "assumption"),
    "p_tp": ("share treated with trastuzumab + pertuzumab", "assumption"),
    "p_local_therapy": ("share with metastasis-directed local therapy", "assumption"),
    "age_mean": ("mean age (years)", "assumption near HER-OS median 53.2 (Witzel 2014)"),
    "age_sd": ("SD of age (years)", "assumption"),
    "ned_intercept": (
        "log-odds of ever being able to reach NED at the reference covariates",
        "assumption, tuned so ≈ 46 % of the selected cohort reach NED (TOG 2026: 55/118)",
    ),
    "or_ecog0": ("OR of NED, ECOG 0 vs 1", "TOG 2026 multivariable estimate, used as the true value"),
    "or_ihc3": ("OR of NED, IHC 3+ vs 2+/ISH+", "TOG 2026 multivariable estimate, used as the true value"),
    "or_grade_le2": ("OR of NED, grade ≤ 2 vs 3", "TOG 2026 multivariable estimate, used as the true value"),
    "or_age_per10": ("OR of NED per 10 years of age", "assumption (TOG 2026: NED patients younger, 46 vs 53)"),
    "or_ned_indolent": (
        "OR of being able to reach NED, indolent vs aggressive disease (the confounder)",
        "assumption (1: no confounding; no source measures how strongly NED marks sensitive disease)",
    ),
    "ned_timing": ("median months from start to NED among those who reach it", "assumption"),
    "ned_sdlog": ("log-normal spread of time to NED", "assumption"),
    "hr_ned": ("true HR of progression after NED vs before", "TOG 2026 Cox estimate, used as the true value"),
    "hr_tp": ("HR of progression, T+P vs T", "derived from CLEOPATRA medians 12.4 / 18.5 months"),
    "median_pfs_t_months": (
        "median PFS on T before NED, aggressive disease (months)",
        "assumption, a compromise: with the indolent component it gives population "
        "medians of about 8 (T) and 14 (T+P) months, below CLEOPATRA's 12.4 and "
        "18.5, so that the selected cohort can match TOG 2026",
    ),
    "weibull_shape": ("Weibull shape of the baseline hazard, aggressive disease", "assumption (< 1: a falling hazard)"),
    "indolent_fraction": (
        "share with indolent disease (a second, slower Weibull component)",
        "assumption, tuned so 13–30 % are progression-free at 36 months (itself an assumption)",
    ),
    "indolent_median_months": (
        "median PFS on T before NED, indolent disease (months)",
        "assumption, tuned so the selected non-NED median is near 66 (TOG 2026)",
    ),
    "indolent_shape": (
        "Weibull shape, indolent disease (> 1: rising hazard)",
        "assumption, tuned so the selected NED median is near 131 (TOG 2026)",
    ),
    "cure_fraction": (
        "share of the whole first-line population who never progress (cured)",
        "assumption (a plateau is suggested by Haji 2021 and HER-OS, not measured)",
    ),
    "accrual_months": ("accrual period (months)", "assumption"),
    "followup_after_accrual_months": ("follow-up after the last patient starts (months)", "assumption"),
    "dropout_per_year": ("rate of loss to follow-up per year", "assumption"),
    "threshold_months": ("selection: progression-free at (months)", "TOG 2026 inclusion criterion: 36"),
}


def assumptions_table(params: SimulationParams | None = None) -> pd.DataFrame:
    """Every parameter of the simulator with its value, meaning and source (or "assumption").

    Examples
    --------
    >>> t = assumptions_table()
    >>> t.loc[t.parameter == "threshold_months", "value"].item()
    '36'
    """
    p = _check_params(params)
    rows = []
    for name, value in asdict(p).items():
        meaning, source = _SOURCES[name]
        rows.append(
            {
                "parameter": name,
                "value": f"{value:g}" if isinstance(value, (int, float)) else str(value),
                "meaning": meaning,
                "source": source,
                "is_assumption": source.startswith("assumption"),
            }
        )
    return pd.DataFrame(rows)
