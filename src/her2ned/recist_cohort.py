"""A synthetic cohort of lesions measured over time, and an explicit model of measurement error.

Everything here is *synthetic and assumed*. No source in the book gives lesion-level data for
HER2-positive metastatic breast cancer, or the measurement error of the TOG study's radiologists.
The numbers below are teaching assumptions, named and gathered in :class:`MeasurementError` and
:class:`CohortAssumptions` so a chapter can print them and a reader can change them.

Two parts:

* **Measurement error** -- what a radiologist records when the true size is ``x`` mm:
  a non-nodal lesion is *seen* with probability ``1 / (1 + exp(-(x - d50) / slope))``
  (``d50``: the size seen half the time); a seen lesion is measured as ``x + sd * Z`` rounded to
  the millimetre, and one measured under 5 mm is recorded as "too small to measure" (5 mm). That
  last step is a *modelling assumption* of this package: RECIST 1.1 (appendix I) assigns the 5 mm
  default only to a lesion that is faintly seen but too small to measure reliably; it does not say
  that every measurement under 5 mm becomes 5 mm. A lymph node is always seen (normal nodes exist);
  its short axis is measured as ``x + sd * Z`` rounded to the millimetre and called normal when the
  recorded value is < 10 mm (RECIST 1.1 s.3.1). Closed forms: :func:`p_lesion_seen`, :func:`p_node_called_normal`,
  :func:`p_called_ned`; the random version: :func:`measure`.
* **Tumour course** -- each lesion's true size follows a shrink-and-regrow curve
  ``f(t) = exp(-d t) + exp(g t) - 1`` (a common empirical tumour-size model; here an assumption),
  with patient-level rates and lesion-level scatter. :func:`simulate_cohort` turns true sizes into
  recorded measurements and RECIST :class:`~her2ned.recist.Patient` objects.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from numbers import Integral, Real
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._arguments import flag, float_array, generator, sequence
from .recist import (
    NORMAL_NODE_MM,
    TOO_SMALL,
    TOO_SMALL_MM,
    NonTargetLesion,
    Patient,
    TargetLesion,
    assess,
    best_overall_response,
    radiologic_ned,
)


def _finite(x, name, low=None, high=None, low_open=False):
    if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {x!r}")
    if high is not None and x > high:
        raise ValueError(f"{name} must be <= {high:g}, got {x!r}")
    return float(x)


@dataclass(frozen=True)
class MeasurementError:
    """The assumed measurement-error model (all three numbers are assumptions, not sourced).

    Parameters
    ----------
    sd_mm : float
        Standard deviation of a single measurement around the true size, mm (default 1.5).
    detect_d50_mm : float
        True size of a non-nodal lesion that is seen half the time, mm (default 4).
    detect_slope_mm : float
        Width of the logistic detection curve, mm (default 1): from 25 % to 75 % seen
        takes about 2.2 slopes.

    Examples
    --------
    >>> MeasurementError().sd_mm
    1.5
    """

    sd_mm: float = 1.5
    detect_d50_mm: float = 4.0
    detect_slope_mm: float = 1.0

    def __post_init__(self):
        _finite(self.sd_mm, "sd_mm", 0)
        _finite(self.detect_d50_mm, "detect_d50_mm", 0)
        _finite(self.detect_slope_mm, "detect_slope_mm", 0, low_open=True)


def _check_error(error) -> None:
    if not isinstance(error, MeasurementError):
        raise TypeError(f"error must be a MeasurementError, got {type(error).__name__}")


def _as_array(x, name):
    arr = float_array(x, name)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite sizes >= 0 mm, got {x!r}")
    return arr


def p_lesion_seen(true_mm, error: MeasurementError = MeasurementError()):
    """Probability that a non-nodal lesion of true size ``true_mm`` is seen at all.

    Examples
    --------
    >>> round(float(p_lesion_seen(4.0)), 2)   # at d50 it is a coin flip
    0.5
    """
    x = _as_array(true_mm, "true_mm")
    _check_error(error)
    p = 1.0 / (1.0 + np.exp(-(x - error.detect_d50_mm) / error.detect_slope_mm))
    p = np.where(x == 0, 0.0, p)  # nothing there, nothing seen (no false positives in this model)
    return p if p.ndim else float(p)


def p_node_called_normal(true_short_axis_mm, error: MeasurementError = MeasurementError()):
    """Probability that a node of true short axis ``x`` is recorded < 10 mm (normal, RECIST 1.1).

    The recorded value is ``x + sd*Z`` rounded to the millimetre, so "recorded < 10 mm" means
    ``x + sd*Z < 9.5``; with ``sd_mm = 0`` the call is exact.

    Examples
    --------
    >>> round(float(p_node_called_normal(9.0)), 2)   # a truly normal 9 mm node
    0.63
    """
    x = _as_array(true_short_axis_mm, "true_short_axis_mm")
    _check_error(error)
    cut = NORMAL_NODE_MM - 0.5  # RECIST 1.1 normal node < 10 mm, after rounding to whole mm
    if error.sd_mm == 0:
        p = (np.round(x) < NORMAL_NODE_MM).astype(float)
    else:
        p = stats.norm.cdf((cut - x) / error.sd_mm)
    return p if np.ndim(p) else float(p)


def p_called_ned(
    residual_lesions_mm: Sequence[float] = (),
    node_short_axes_mm: Sequence[float] = (),
    error: MeasurementError = MeasurementError(),
) -> float:
    """Probability that a scan is read as NED (overall CR) given the true residual disease.

    NED is called when no non-nodal lesion is seen and every node is recorded < 10 mm; the events
    are taken as independent (an assumption). A patient with true residual disease can be called
    NED (a missed small lesion), and a patient without disease can be called not-NED (a normal node
    measured >= 10 mm).

    Examples
    --------
    >>> round(p_called_ned([4.0], [6.0]), 3)   # one 4 mm residual lesion, one 6 mm node
    0.495
    """
    lesions = _as_array(sequence(residual_lesions_mm, "residual_lesions_mm"), "residual_lesions_mm")
    nodes = _as_array(sequence(node_short_axes_mm, "node_short_axes_mm"), "node_short_axes_mm")
    _check_error(error)
    p = float(np.prod(1 - p_lesion_seen(lesions, error))) if lesions.size else 1.0
    if nodes.size:
        p *= float(np.prod(p_node_called_normal(nodes, error)))
    return p


def measure(true_mm, nodal: bool, rng: np.random.Generator, error: MeasurementError = MeasurementError()):
    """One recorded measurement of a lesion of true size ``true_mm`` (random; see the module notes).

    Returns a float in mm (``0.0`` = not seen, i.e. disappeared) or :data:`~her2ned.recist.TOO_SMALL`
    (a seen lesion measured under 5 mm: a modelling assumption, see the module notes).

    Examples
    --------
    >>> measure(30.0, False, np.random.default_rng(1))
    31.0
    """
    generator(rng)
    x = _finite(true_mm, "true_mm", 0)
    flag(nodal, "nodal")
    _check_error(error)
    if nodal:
        return float(max(1.0, np.round(x + error.sd_mm * rng.standard_normal())))
    if rng.random() >= p_lesion_seen(x, error):
        return 0.0
    value = float(np.round(x + error.sd_mm * rng.standard_normal()))
    # Modelling assumption (not a RECIST rule): a seen lesion measured under 5 mm stands for one
    # "too small to measure", which RECIST 1.1 appendix I records as 5 mm.
    return TOO_SMALL if value < TOO_SMALL_MM else value


@dataclass(frozen=True)
class CohortAssumptions:
    """Assumptions of the synthetic tumour course (none is sourced; all are teaching choices).

    Rates are per week. ``shrink_median`` and ``regrow_median`` are the medians of the
    patient-level log-normal rates ``d`` and ``g`` of ``f(t) = exp(-d t) + exp(g t) - 1``;
    ``rate_sd`` their log-scale spread; ``lesion_sd`` the lesion-level log-scale scatter around the
    patient's rates. ``new_lesion_per_week`` is the base hazard of a new lesion, multiplied by the
    patient's regrowth rate relative to the median. ``p_nontarget`` is the chance a patient also has
    a non-target lesion. ``progression_factor``: a non-target lesion growing to this multiple of its
    smallest size is called unequivocal progression.
    """

    visit_every_weeks: float = 9.0
    n_visits: int = 9
    shrink_median: float = 0.04
    regrow_median: float = 0.004
    rate_sd: float = 0.8
    lesion_sd: float = 0.3
    new_lesion_per_week: float = 0.004
    p_nontarget: float = 0.5
    progression_factor: float = 2.0


def _patient_course(rng, rng_m, a: CohortAssumptions, error: MeasurementError):
    """One patient: ``rng`` draws the true tumour course, ``rng_m`` only the measurements."""
    weeks = np.arange(a.n_visits + 1) * a.visit_every_weeks
    d = a.shrink_median * math.exp(a.rate_sd * rng.standard_normal())
    g = a.regrow_median * math.exp(a.rate_sd * rng.standard_normal())
    n_targets = int(rng.integers(1, 5))
    organs = ["liver", "lung", "lymph node", "liver", "soft tissue"]
    targets, truths = [], []
    for i in range(n_targets):
        organ = organs[i]
        nodal = organ == "lymph node"
        di = d * math.exp(a.lesion_sd * rng.standard_normal())
        gi = g * math.exp(a.lesion_sd * rng.standard_normal())
        f = np.exp(-di * weeks) + np.exp(gi * weeks) - 1
        if nodal:
            base = float(np.round(rng.uniform(15, 32)))  # measurable node >= 15 mm (RECIST 1.1)
            normal = rng.uniform(4, 8)  # a treated node shrinks back to a normal size (assumption)
            true = normal + (base - normal) * f
        else:
            base = float(np.round(rng.uniform(10, 55)))  # measurable >= 10 mm (RECIST 1.1)
            true = base * f
        ms = [base] + [measure(max(0.0, v), nodal, rng_m, error) for v in true[1:]]
        targets.append(TargetLesion(f"{organ} {i + 1}", organ, ms, nodal=nodal))
        truths.append(true)
    non_targets = []
    if rng.random() < a.p_nontarget:
        size0 = rng.uniform(6, 12)  # a non-measurable (e.g. bone) lesion followed qualitatively
        f = np.exp(-d * weeks) + np.exp(g * weeks) - 1
        size = size0 * f
        running_min = np.minimum.accumulate(size)
        st = ["present"]
        for k in range(1, len(weeks)):
            if size[k] >= a.progression_factor * running_min[k] and size[k] > size0:
                st.append("progression")
            elif rng_m.random() < p_lesion_seen(size[k], error):
                st.append("present")
            else:
                st.append("absent")
        non_targets.append(NonTargetLesion("non-target 1", "bone", st))
    hazard = a.new_lesion_per_week * g / a.regrow_median
    t_new = rng.exponential(1 / hazard)
    new = [False] + [bool(w >= t_new) for w in weeks[1:]]
    return Patient(list(weeks), targets, non_targets, new)


def simulate_cohort(
    n: int = 60,
    seed: int = 2026,
    *,
    assumptions: CohortAssumptions = CohortAssumptions(),
    error: MeasurementError = MeasurementError(),
    stop_at_pd: bool = True,
):
    """Simulate a synthetic cohort of patients with lesions measured every few weeks.

    Parameters
    ----------
    n : int
        Number of patients, 1 to 5000.
    seed : int
        Seed of the numpy SeedSequence (the only source of randomness). Each patient gets two
        streams, one for the true tumour course and one for the measurements, so the same seed
        gives the same tumours under a different measurement-error model.
    assumptions : CohortAssumptions
    error : MeasurementError
    stop_at_pd : bool
        Follow-up ends at the first overall PD, as in practice (later visits are dropped).

    Returns
    -------
    SyntheticCohort
        ``patients`` (RECIST Patient objects), ``summary`` (one row per patient: best overall
        response, best % change of the sum, NED reached and when) and ``long`` (one row per visit:
        % change of the sum from baseline, overall response).

    Examples
    --------
    >>> c = simulate_cohort(20, seed=1)
    >>> len(c.summary), c.summary.columns[:3].tolist()
    (20, ['patient', 'n_targets', 'n_nontargets'])
    """
    if isinstance(n, bool) or not isinstance(n, Integral) or not 1 <= n <= 5000:
        raise ValueError(f"n must be an integer from 1 to 5000, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if not isinstance(assumptions, CohortAssumptions):
        raise TypeError("assumptions must be a CohortAssumptions")
    if not isinstance(error, MeasurementError):
        raise TypeError("error must be a MeasurementError")
    # One seed per patient, split into a tumour stream and a measurement stream: with the same seed,
    # patient i has the same true tumour course whatever n or the measurement-error model.
    patients, rows, long = [], [], []
    for pid, child in enumerate(np.random.SeedSequence(seed).spawn(n), start=1):
        rng, rng_m = (np.random.default_rng(s) for s in child.spawn(2))
        p = _patient_course(rng, rng_m, assumptions, error)
        a = assess(p)
        if stop_at_pd and "PD" in a.table["overall"].tolist()[1:]:
            cut = a.table["overall"].tolist().index("PD") + 1
            p = _truncate(p, cut)
            a = assess(p)
        patients.append(p)
        t = a.table
        bor = best_overall_response(a)
        ned = radiologic_ned(a)
        rows.append(
            dict(
                patient=pid,
                n_targets=len(p.targets),
                n_nontargets=len(p.non_targets),
                best_change=float(t["change_from_baseline"].iloc[1:].min())
                if len(t) > 1 and t["change_from_baseline"].iloc[1:].notna().any()
                else math.nan,
                bor=bor.response,
                ned=ned.reached,
                ned_week=ned.week,
                last_week=float(t["week"].iloc[-1]),
            )
        )
        for r in t.itertuples():
            long.append(
                dict(patient=pid, week=r.week, change=r.change_from_baseline, overall=r.overall, bor=bor.response)
            )
    return SyntheticCohort(patients, pd.DataFrame(rows), pd.DataFrame(long), assumptions, error, seed)


def _truncate(p: Patient, n_visits: int) -> Patient:
    targets = [TargetLesion(t.name, t.organ, t.measurements[:n_visits], t.nodal) for t in p.targets]
    nts = [NonTargetLesion(t.name, t.organ, t.statuses[:n_visits], t.nodal) for t in p.non_targets]
    return Patient(p.weeks[:n_visits], targets, nts, p.new_lesions[:n_visits], p.rules)


@dataclass
class SyntheticCohort:
    """The result of :func:`simulate_cohort` (synthetic: no real patient is in it)."""

    patients: list
    summary: pd.DataFrame
    long: pd.DataFrame
    assumptions: CohortAssumptions
    error: MeasurementError
    seed: int

    def assumptions_table(self) -> pd.DataFrame:
        """Every assumption of the simulation, one row each, labelled as an assumption."""
        rows = [dict(part="tumour course", name=k, value=v) for k, v in asdict(self.assumptions).items()]
        rows += [dict(part="measurement error", name=k, value=v) for k, v in asdict(self.error).items()]
        rows.append(dict(part="randomness", name="seed", value=self.seed))
        out = pd.DataFrame(rows)
        out["source"] = "assumption (teaching choice)"
        too_small = pd.DataFrame(
            [
                dict(
                    part="measurement error",
                    name="too_small_below_mm",
                    value=TOO_SMALL_MM,
                    source="assumption (modelling choice): a seen lesion measured under 5 mm is recorded as "
                    "'too small to measure' (5 mm); RECIST 1.1 gives 5 mm only to a lesion faintly "
                    "seen but too small to measure reliably, not to every measurement under 5 mm",
                )
            ]
        )
        out = pd.concat([out.iloc[:-1], too_small, out.iloc[-1:]], ignore_index=True)
        return out


def ned_call_table(
    sizes_mm: Sequence[float] = (2, 3, 4, 5, 6, 8, 9, 10, 11, 12),
    sds_mm: Sequence[float] = (1.0, 1.5, 2.5),
    error: MeasurementError = MeasurementError(),
) -> pd.DataFrame:
    """How often a single residual finding is read as "gone": a tidy table over true sizes and sds.

    Columns: ``true_mm``, ``sd_mm``, ``p_lesion_missed`` (a non-nodal residual of that size not
    seen) and ``p_node_normal`` (a node of that short axis recorded < 10 mm).

    Examples
    --------
    >>> t = ned_call_table(sizes_mm=[4], sds_mm=[1.5])
    >>> round(float(t.loc[0, "p_node_normal"]), 4), round(float(t.loc[0, "p_lesion_missed"]), 2)
    (0.9999, 0.5)
    """
    _as_array(sequence(sizes_mm, "sizes_mm"), "sizes_mm")
    sds_mm = sequence(sds_mm, "sds_mm")
    _check_error(error)
    rows = []
    for sd in sds_mm:
        e = MeasurementError(
            sd_mm=_finite(sd, "sds_mm", 0), detect_d50_mm=error.detect_d50_mm, detect_slope_mm=error.detect_slope_mm
        )
        for x in sizes_mm:
            rows.append(
                dict(
                    true_mm=float(x),
                    sd_mm=float(sd),
                    p_lesion_missed=1 - p_lesion_seen(x, e),
                    p_node_normal=p_node_called_normal(x, e),
                )
            )
    return pd.DataFrame(rows)
