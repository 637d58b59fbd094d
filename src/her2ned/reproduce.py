"""The reproduction report: each published number beside the value a reconstructed table gives.

Downstream of the ledger (:mod:`her2ned.claims`) and the reconstructions (:mod:`her2ned.reconstruct` for
the TOG study, :mod:`her2ned.heros` for HER-OS): one row per claim id with the method, the tolerance,
the reproduced value and the status. :data:`STUDIES` says, per study, where its targets, its analysis,
its methods and its committed table come from; the report itself knows no study.
"""

from __future__ import annotations

import pandas as pd

from dataclasses import dataclass, replace

from . import heros
from .claims import load_claims
from .datasets import load_csv
from .reconstruct import reproduced_values, targets_from_claims
from .targets import check_targets

__all__ = ["METHODS", "Study", "STUDIES", "reproduction_report"]

#: How each reproduced TOG number is computed from the table (named test or model).
METHODS = {
    "tog_centres": "distinct centres (fixed by construction)",
    "tog_min_pfs": "smallest pfs_months (entry rule, by construction)",
    "tog_n": "rows (by construction)",
    "tog_ned_n": "patients with ned = 1 (by construction)",
    "tog_ned_pct": "share with ned = 1, rounded to 0.1 %",
    "tog_age_median_ned": "sample median",
    "tog_age_median_non_ned": "sample median",
    "tog_age_p": "Mann–Whitney U, two-sided (scipy)",
    "tog_ecog_p": "Pearson chi-square 2×2, no continuity correction",
    "tog_ihc_p": "Pearson chi-square 2×2, no continuity correction",
    "tog_grade_p": "Pearson chi-square 2×2 (grade ≤ 2 vs 3), no continuity correction",
    "tog_or_ecog": "logistic regression (statsmodels), 5 covariates",
    "tog_or_ihc": "logistic regression (statsmodels), 5 covariates",
    "tog_or_grade": "logistic regression (statsmodels), 5 covariates",
    "tog_pfs_median_ned": "Kaplan–Meier median (lifelines)",
    "tog_pfs_median_non_ned": "Kaplan–Meier median (lifelines)",
    "tog_pfs_p": "log-rank test (lifelines)",
    "tog_hr_ned": "Cox model, Efron ties (lifelines): NED + local therapy + regimen",
    "tog_local_therapy_ns": "smaller p of local therapy in the logistic and the Cox model",
    "tog_regimen_ns": "smaller p of regimen in the logistic and the Cox model",
}


def _fmt(x: float) -> str:
    if x != x:  # NaN
        return "–"
    if x != 0 and abs(x) < 0.1:
        return f"{x:.4f}"
    return f"{x:.4g}" if abs(x) < 1000 else f"{x:.0f}"


def _rounds(target, value: float) -> str:
    """Does ``value``, rounded as the paper printed it, give the published number (or satisfy its bound)?"""
    bound = {
        "ns": lambda v: v > target.tol,
        "min": lambda v: v >= target.published,
        "below": lambda v: v < target.published,
    }.get(target.kind)
    if bound is not None:
        return "bound holds" if bound(value) else "bound fails"
    return "yes" if target.rounds(value) else "no"


@dataclass(frozen=True)
class Study:
    """What the report needs to know about one reconstructed study."""

    key: str  # the ledger's study key (``study.key`` in data/published/*.yaml)
    table: str  # the committed table in data/reconstructed/
    targets: object  # () -> {name: Target}
    analyse: object  # (DataFrame) -> {name: reproduced value}
    methods: dict  # claim id or target name -> how it is computed


STUDIES = {
    "dursun2026": Study("dursun2026", "tog2026_cohort.csv", targets_from_claims, reproduced_values, METHODS),
    "witzel2014": Study("witzel2014", "heros2014_cohort.csv", heros.targets, heros.reproduced_values, heros.METHODS),
}
"""The reconstructed studies, by ledger key: TOG 2026 and HER-OS 2014."""


def reproduction_report(df: pd.DataFrame | None = None, study: str = "dursun2026") -> pd.DataFrame:
    """Published vs reproduced, claim by claim, for one reconstructed study (default TOG 2026).

    Parameters
    ----------
    df : pandas.DataFrame, optional
        A reconstructed table; default the study's committed table in ``data/reconstructed/``.
    study : str
        A key of :data:`STUDIES` (``"dursun2026"`` or ``"witzel2014"``).

    Returns
    -------
    pandas.DataFrame
        One row per reproduced number (a claim's value, and its p-value as a separate row
        ``id:p``) and one row per TOG claim that has no reproducible number. Columns ``id,
        quantity, published, reproduced, tolerance, distance, status, rounds, method`` where ``status``
        is ``met within tolerance``, ``missed`` (``distance`` says by how many tolerance units) or
        ``not reproducible from the abstract`` (with the reason in ``method``); ``distance`` is
        |reproduced − published| in tolerance units. ``rounds`` says whether the reproduced value,
        rounded to the digits the paper printed, *is* the published value (``yes``/``no``), or, for a
        published bound (``p < 0.001``, "not significant", "at least 36 months"), whether it holds
        (``bound holds``/``bound fails``); ``–`` where nothing was reproduced.

    Examples
    --------
    >>> rep = reproduction_report()
    >>> sorted(rep["status"].unique())
    ['met within tolerance']
    >>> rep.set_index("id").loc["tog_ned_pct", "rounds"]
    'yes'
    >>> bool(rep.set_index("id").loc["tog_or_ecog", "distance"] <= 1)
    True
    """
    if not isinstance(study, str) or study not in STUDIES:
        raise ValueError(f"study must be one of {sorted(STUDIES)}, got {study!r}")
    spec = STUDIES[study]
    if df is None:
        df = load_csv("reconstructed", spec.table)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame or None, got {type(df).__name__}")
    claims = load_claims()
    targets = spec.targets()
    tab = check_targets(spec.analyse(df), targets)
    rows = []
    for r in tab.itertuples(index=False):
        c = claims[r.claim_id]
        is_p = r.target.endswith(":p")
        if is_p:
            published = str(c.p)
        elif r.tolerance.startswith("p >"):
            published = "not significant"
        elif r.target.endswith((":lower", ":upper")):  # an end of the published CI, printed as the value
            published = replace(c, value=targets[r.target].published).display
        else:
            published = c.display
        rows.append(
            {
                "id": r.target,
                "quantity": r.quantity,
                "published": published,
                "reproduced": _fmt(r.reproduced),
                "tolerance": r.tolerance,
                "distance": float(r.distance),
                "status": "met within tolerance" if r.met else "missed",
                "rounds": _rounds(targets[r.target], r.reproduced),
                "method": spec.methods.get(r.target, spec.methods.get(r.claim_id, "")) + (" (Wald p)" if is_p else ""),
            }
        )
    covered = set(tab["claim_id"])
    for c in claims.values():
        if c.study == spec.key and c.id not in covered:
            rows.append(
                {
                    "id": c.id,
                    "quantity": c.quantity,
                    "published": c.display,
                    "reproduced": "–",
                    "tolerance": "–",
                    "distance": float("nan"),
                    "status": "not reproducible from the abstract",
                    "rounds": "–",
                    "method": "no reconstruction target: the abstract gives too little to compute it",
                }
            )
    return pd.DataFrame(rows)
