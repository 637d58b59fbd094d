"""A plausible follow-up: what accrual, a data cut and losses make of the published survival numbers.

The shipped cohort draws its censoring freely (``Assumptions.pfs_model = "free"``), which lets the
search meet every survival target but gives a tail no real study would have. Here the PFS times
come from a follow-up model of a 13-centre retrospective study instead (``pfs_model = "accrual"``, see
:class:`her2ned.reconstruct.Assumptions`): start of first-line therapy spread over an accrual window,
administrative censoring at a data cut, losses to follow-up at a constant rate. Progression times
follow a Weibull shape per NED group, scaled to the published medians; the search then looks for the
hazard ratio and checks every other target.

:func:`scenario_table` runs the search under several accrual and loss assumptions and reports, per
scenario, how close the Cox p-value of NED gets to the published one and how many patients are then
still at risk at each median. :func:`followup_table` builds the closest table under one scenario; a
target it cannot meet is reported as missed, never hidden.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ._arguments import count, rng_from_seed
from .feasible import _at_risk_at_median
from .reconstruct import ASSUMPTIONS, COLUMNS, Assumptions, ReconstructionError, search_pfs, targets_from_claims
from .models.fast import km_curve, km_median
from .reconstruct.table import _with_pfs

__all__ = [
    "FOLLOWUP_SCENARIO",
    "FOLLOWUP_SEED",
    "SCENARIOS",
    "followup_table",
    "format_scenarios_csv",
    "scenario_assumptions",
    "scenario_row",
    "scenario_table",
]

#: Seed of the committed scenario table and follow-up table.
FOLLOWUP_SEED = 2028

#: Scenarios: growth of accrual per year (0 = uniform over 2006–2021) × yearly loss to follow-up.
SCENARIOS = [
    {"accrual_growth_per_year": g, "loss_rate_per_year": loss}
    for g in (0.0, 0.2, 0.4, 0.6)
    for loss in (0.03, 0.10, 0.20)
]

#: The scenario of the committed follow-up table: the one in :data:`SCENARIOS` under which the most
#: draws met every survival target (``data/reconstructed/followup_scenarios.csv``).
FOLLOWUP_SCENARIO = {"accrual_growth_per_year": 0.4, "loss_rate_per_year": 0.20}


def scenario_assumptions(scenario: dict) -> Assumptions:
    """The reconstruction's assumptions with the follow-up model and one scenario's values.

    Examples
    --------
    >>> a = scenario_assumptions(FOLLOWUP_SCENARIO)
    >>> a.pfs_model, a.accrual_growth_per_year, a.loss_rate_per_year
    ('accrual', 0.4, 0.2)
    """
    if not isinstance(scenario, dict):
        raise TypeError(f"scenario must be a dict, got {type(scenario).__name__}")
    if not all(isinstance(k, str) for k in scenario):
        raise ValueError(f"scenario keys must be assumption names, got {list(scenario)!r}")
    unknown = sorted(
        set(scenario)
        - {"accrual_growth_per_year", "loss_rate_per_year", "accrual_window", "data_cut", "weibull_shape_range"}
    )
    if unknown:
        raise ValueError(f"scenario: unknown assumption(s) {unknown}")
    try:
        return dataclasses.replace(ASSUMPTIONS, pfs_model="accrual", **scenario)
    except (TypeError, ValueError) as err:  # a value of the wrong kind, e.g. a window that is not a pair
        raise ValueError(f"scenario {scenario!r}: {err}") from None


def _arrays(cohort):
    if not isinstance(cohort, pd.DataFrame):
        raise TypeError(f"cohort must be a pandas DataFrame, got {type(cohort).__name__}")
    missing = [c for c in COLUMNS if c not in cohort.columns]
    if missing or len(cohort) < 20:
        raise ValueError(
            f"cohort must be a patient table with the cohort's columns and at least 20 rows; "
            f"it lacks {missing}, has {len(cohort)} rows"
        )
    return (
        cohort["ned"].to_numpy(int),
        cohort["local_therapy"].to_numpy(int),
        (cohort["regimen"] == "T+P").to_numpy(int),
    )


def scenario_row(cohort: pd.DataFrame, scenario: dict, seed: int, *, draws: int = 2000) -> dict:
    """One scenario: ``draws`` draws of the follow-up model; of those that reach the published hazard
    ratio, the range of the Cox p-value of NED, the share meeting every survival target, and the
    medians of the NED progressions, the numbers at risk at each median and the median follow-up."""
    draws = count(draws, "draws", high=100_000)
    ned, lt, tp = _arrays(cohort)
    assumptions, rng = scenario_assumptions(scenario), rng_from_seed(seed)
    targets = targets_from_claims()
    trace = []
    try:
        search_pfs(rng, targets, ned, lt, tp, assumptions=assumptions, draws=draws, trace=trace)
    except ReconstructionError:
        pass  # no draw met every target: the trace still says how close they came
    row = dict(scenario, draws=draws, reached_hr=len(trace))
    if not trace:
        return row | {
            "p_min": np.nan,
            "p_median": np.nan,
            "p_max": np.nan,
            "met_all": 0,
            "events_ned": np.nan,
            "at_risk_ned_median": np.nan,
            "at_risk_non_ned_median": np.nan,
            "median_followup_months": np.nan,
        }
    p = np.array([v["tog_hr_ned:p"] for *_, v in trace])
    met = sum(max(targets[k].distance(x) for k, x in v.items()) <= 1 for *_, v in trace)
    ev1 = [int(e[ned == 1].sum()) for _, e, _ in trace]
    r1 = [_at_risk_at_median(t, e, ned == 1) for t, e, _ in trace]
    r0 = [_at_risk_at_median(t, e, ned == 0) for t, e, _ in trace]
    # a reverse Kaplan–Meier curve that never reaches 50 % says only that this draw's median follow-up exceeds its
    # last censoring: rank it above every reached one, so the median across draws is an upper bound (inf when
    # half or more of the draws never reach 50 %), not NaN as soon as one draw does not
    fu = [km_median(*km_curve(t, 1 - e)) for t, e, _ in trace]
    fu = np.where(np.isnan(fu), np.inf, fu)
    return row | {
        "p_min": float(p.min()),
        "p_median": float(np.median(p)),
        "p_max": float(p.max()),
        "met_all": int(met),
        "events_ned": float(np.median(ev1)),
        "at_risk_ned_median": float(np.median(r1)),
        "at_risk_non_ned_median": float(np.median(r0)),
        "median_followup_months": float(np.median(fu)),
    }


def scenario_table(
    cohort: pd.DataFrame, seed: int = FOLLOWUP_SEED, *, draws: int = 2000, progress: bool = True
) -> pd.DataFrame:
    """:func:`scenario_row` for every scenario in :data:`SCENARIOS` (scenario ``i`` uses seed ``seed + i``)."""
    from tqdm.auto import tqdm

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    _arrays(cohort)  # refuse a bad cohort or draws before the first scenario runs
    count(draws, "draws", high=100_000)
    rows = [
        scenario_row(cohort, sc, seed + i, draws=draws)
        for i, sc in enumerate(tqdm(SCENARIOS, desc="follow-up scenarios", disable=not progress))
    ]
    return pd.DataFrame(rows)


def followup_table(
    cohort: pd.DataFrame, scenario: dict = FOLLOWUP_SCENARIO, seed: int = FOLLOWUP_SEED, *, draws: int = 2000
) -> tuple[pd.DataFrame, list[str]]:
    """The cohort's covariates with PFS from the follow-up model: the draw closest to every target.

    Returns ``(table, missed)``: ``missed`` lists the survival targets the closest draw misses (empty
    if every target is met).
    """
    draws = count(draws, "draws", high=100_000)
    ned, lt, tp = _arrays(cohort)
    assumptions, rng = scenario_assumptions(scenario), rng_from_seed(seed)
    try:
        t, e, _ = search_pfs(rng, targets_from_claims(), ned, lt, tp, assumptions=assumptions, draws=draws)
        missed = []
    except ReconstructionError as err:
        if err.closest is None:
            raise
        (t, e), missed = err.closest, err.claims
    return _with_pfs(cohort, t, e), missed


def format_scenarios_csv(table: pd.DataFrame) -> str:
    """The scenario table as CSV text with fixed formatting (so regeneration is byte-for-byte)."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    return table.to_csv(index=False, float_format="%.6g", lineterminator="\n")
