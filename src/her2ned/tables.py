"""Table-1-style summaries of a patient table by a grouping column (e.g. NED status).

Tidy output: one row per (variable, level), counts and percentages per group, and the overall
column. No p-values: a Table 1 describes, and the tests the study used are reproduced elsewhere
(:func:`her2ned.reconstruct.reproduced_values`).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["table_one", "DEFAULT_VARIABLES"]

#: Variables summarised by default, with their kind ("continuous" or "categorical").
DEFAULT_VARIABLES = {
    "age": "continuous",
    "ecog": "categorical",
    "her2_ihc": "categorical",
    "grade": "categorical",
    "hr_positive": "categorical",
    "de_novo": "categorical",
    "visceral": "categorical",
    "regimen": "categorical",
    "local_therapy": "categorical",
    "progressed": "categorical",
    "pfs_months": "continuous",
}


def _num(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def _cell_cont(s: pd.Series) -> str:
    if s.empty:
        return "–"
    return f"{_num(s.median())} ({_num(s.quantile(0.25))}–{_num(s.quantile(0.75))})"


def table_one(df: pd.DataFrame, by: str = "ned", variables: dict | None = None) -> pd.DataFrame:
    """Summarise each variable per level of ``by`` and overall.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    by : str
        Grouping column (e.g. ``"ned"``); its levels become columns, plus ``"overall"``.
    variables : dict of {column: "continuous" | "categorical"}, optional
        Default :data:`DEFAULT_VARIABLES` (those present in ``df``).

    Returns
    -------
    pandas.DataFrame
        Tidy: columns ``variable, level, statistic`` and one column per group plus ``overall``.
        Categorical rows read ``n (%)`` (percent of the column); continuous rows read
        ``median (IQR)``. The first row gives the group sizes.

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame or ``variables`` not a dict.
    ValueError
        ``by`` or a variable is not a column, or a kind is not ``continuous``/``categorical``.

    Examples
    --------
    >>> from her2ned.datasets import load_csv
    >>> t1 = table_one(load_csv("reconstructed", "tog2026_cohort.csv"), by="ned")
    >>> t1.iloc[0][["variable", "0", "1", "overall"]].tolist()
    ['N', '63', '55', '118']
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if not isinstance(by, str) or by not in df.columns:
        raise ValueError(f"by must be a column of df; got {by!r}, columns: {list(df.columns)}")
    if df[by].isna().any():
        raise ValueError(f"by column {by!r} has missing values")
    if variables is None:
        variables = {k: v for k, v in DEFAULT_VARIABLES.items() if k in df.columns and k != by}
    if not isinstance(variables, dict):
        raise TypeError(f"variables must be a dict {{column: kind}}, got {type(variables).__name__}")
    for col, kind in variables.items():
        if col not in df.columns:
            raise ValueError(f"variables: {col!r} is not a column of df")
        if kind not in ("continuous", "categorical"):
            raise ValueError(f"variables[{col!r}] must be 'continuous' or 'categorical', got {kind!r}")
    levels = sorted(df[by].unique())
    groups = [(str(g), df[df[by] == g]) for g in levels] + [("overall", df)]
    rows = [{"variable": "N", "level": "", "statistic": "n", **{name: str(len(sub)) for name, sub in groups}}]
    for col, kind in variables.items():
        if kind == "continuous":
            rows.append(
                {
                    "variable": col,
                    "level": "",
                    "statistic": "median (IQR)",
                    **{name: _cell_cont(pd.to_numeric(sub[col], errors="coerce").dropna()) for name, sub in groups},
                }
            )
            continue
        for lev in sorted(df[col].dropna().unique(), key=str):
            row = {"variable": col, "level": str(lev), "statistic": "n (%)"}
            for name, sub in groups:
                k = int((sub[col] == lev).sum())
                row[name] = f"{k} ({100 * k / len(sub):.1f})" if len(sub) else "–"
            rows.append(row)
    return pd.DataFrame(rows)
