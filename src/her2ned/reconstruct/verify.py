"""The reconstructed table analysed as the study did, with the reference libraries of her2ned.models."""

from __future__ import annotations

import pandas as pd
from scipy.stats import chi2_contingency, fisher_exact, mannwhitneyu

from ..claims import load_claims, parse_p
from ..models import add_model_columns, cox_table, km_medians, logistic_table, logrank_test
from .assumptions import ASSUMPTIONS, Assumptions, _require_assumptions
from .table import COLUMNS

__all__ = ["reproduced_values", "univariable_tests"]


def reproduced_values(df: pd.DataFrame, assumptions: Assumptions = ASSUMPTIONS) -> dict[str, float]:
    """Analyse a table as the study did, with :mod:`her2ned.models`; one value per target name.

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> v = reproduced_values(load_csv("reconstructed", "tog2026_cohort.csv"))
    >>> v["tog_n"], v["tog_ned_n"]
    (118.0, 55.0)
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}; required: {COLUMNS}")
    _require_assumptions(assumptions)
    d = add_model_columns(df)
    v: dict[str, float] = {
        "tog_centres": float(d["centre"].nunique()),
        "tog_min_pfs": float(d["pfs_months"].min()),
        "tog_n": float(len(d)),
        "tog_ned_n": float(d["ned"].sum()),
        "tog_ned_pct": round(100 * d["ned"].mean(), 1),
    }
    v["tog_age_median_ned"] = float(d.loc[d.ned == 1, "age"].median())
    v["tog_age_median_non_ned"] = float(d.loc[d.ned == 0, "age"].median())
    v["tog_age_p"] = float(
        mannwhitneyu(d.loc[d.ned == 1, "age"], d.loc[d.ned == 0, "age"], alternative="two-sided").pvalue
    )
    for name, col in (("tog_ecog_p", "ecog0"), ("tog_ihc_p", "ihc3"), ("tog_grade_p", "grade_le2")):
        v[name] = float(chi2_contingency(pd.crosstab(d[col], d["ned"]).to_numpy(), correction=False)[1])
    lg = logistic_table(d, "ned", list(assumptions.logistic_covariates)).summary.set_index("term")
    for name, col in (("tog_or_ecog", "ecog0"), ("tog_or_ihc", "ihc3"), ("tog_or_grade", "grade_le2")):
        v[name] = float(lg.loc[col, "odds_ratio"])
        v[name + ":p"] = float(lg.loc[col, "p_value"])
    km = km_medians(d, "pfs_months", "progressed", "ned").summary.set_index("group")
    v["tog_pfs_median_ned"] = float(km.loc[1, "median"])
    v["tog_pfs_median_non_ned"] = float(km.loc[0, "median"])
    v["tog_pfs_p"] = float(logrank_test(d, "pfs_months", "progressed", "ned").p_value)
    cx = cox_table(d, "pfs_months", "progressed", list(assumptions.cox_covariates)).summary.set_index("term")
    v["tog_hr_ned"] = float(cx.loc["ned", "hazard_ratio"])
    v["tog_hr_ned:p"] = float(cx.loc["ned", "p_value"])
    v["tog_local_therapy_ns"] = float(min(lg.loc["local_therapy", "p_value"], cx.loc["local_therapy", "p_value"]))
    v["tog_regimen_ns"] = float(min(lg.loc["tp", "p_value"], cx.loc["tp", "p_value"]))
    return v


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
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in ("ecog", "her2_ihc", "grade", "ned") if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks column(s) {missing}")
    d = add_model_columns(df)
    claims = load_claims()
    rows = []
    for label, col, cid in (
        ("ECOG 0 vs 1", "ecog0", "tog_ecog_p"),
        ("IHC 3+ vs 2+/ISH+", "ihc3", "tog_ihc_p"),
        ("grade ≤ 2 vs 3", "grade_le2", "tog_grade_p"),
    ):
        tab = pd.crosstab(d[col], d["ned"]).reindex(index=[0, 1], columns=[0, 1], fill_value=0).to_numpy()
        rows.append(
            {
                "variable": label,
                "published": parse_p(claims[cid].p)[1],
                "chi-square": float(chi2_contingency(tab, correction=False)[1]),
                "chi-square (Yates)": float(chi2_contingency(tab, correction=True)[1]),
                "Fisher exact": float(fisher_exact(tab)[1]),
            }
        )
    return pd.DataFrame(rows)
