"""The TOG 2026 study's design as data: its model terms and their labels, its selection, its published values.

The study (Dursun et al. 2026) kept patients progression-free for at least 36 months after the start of
first-line therapy, fitted a multivariable logistic model of NED on ECOG 0, HER2 IHC 3+ and grade ≤ 2,
drew Kaplan–Meier curves of PFS by NED and fitted a Cox model of PFS on NED. This module says so once:
the study's analysis (:mod:`her2ned.cohort_analysis`), the model tables, the Monte Carlo repeat of the
study, the cohort explorer and the demonstration panel all read it from here.

Every published number is read from the claim ledger (:func:`her2ned.claims.load_claims`,
``data/published/*.yaml``), never typed again; this module only says *which* claim holds what.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._arguments import column_name, sequence
from .claims import Claim, load_claims, parse_p

__all__ = [
    "TERMS",
    "TERM_LABELS",
    "MODEL_TERMS",
    "CODING",
    "OUTCOME",
    "DURATION",
    "EVENT",
    "ENTRY",
    "PUBLISHED_CLAIMS",
    "THRESHOLD_MONTHS",
    "STUDY_N",
    "STUDY_NED",
    "published_values",
    "published_ratios",
    "design_matrix",
]

#: The logistic model's terms, each a 0/1 column with the study's reference category as 0.
TERMS = ("ecog0", "ihc3", "grade_le2")

#: The same comparisons worded twice: compact "A vs B" for the explorer's small forest plot and
#: summary, and "A (vs B)" for the model tables and forest plots (with the regimen and NED terms).
TERM_LABELS = {"ecog0": "ECOG 0 vs 1", "ihc3": "IHC 3+ vs 2+/ISH+", "grade_le2": "grade ≤2 vs 3"}
MODEL_TERMS = {
    "ecog0": "ECOG 0 (vs 1)",
    "ihc3": "HER2 IHC 3+ (vs 2+/ISH+)",
    "grade_le2": "grade ≤ 2 (vs 3)",
    "tp": "trastuzumab + pertuzumab (vs trastuzumab)",
    "ned": "NED reached (vs not)",
}

#: How each 0/1 model column is coded from a cohort's own column: model column -> (source, rule).
#: The simulator's arrays already hold ``ihc3`` and ``tp`` as 0/1; the cohort tables hold the words.
CODING = {
    "ecog0": ("ecog", lambda v: v == 0),
    "ihc3": ("her2_ihc", lambda v: v == "3+"),
    "grade_le2": ("grade", lambda v: v <= 2),
    "tp": ("regimen", lambda v: v == "T+P"),
}

#: The columns of the study's survival analysis: NED (the Cox covariate), PFS, progression, entry.
OUTCOME, DURATION, EVENT, ENTRY = "ned", "pfs_months", "progressed", "entry_months"

#: Which ledger claim holds each published value the book sets beside its own estimates.
PUBLISHED_CLAIMS = {
    "ecog0": "tog_or_ecog",
    "ihc3": "tog_or_ihc",
    "grade_le2": "tog_or_grade",
    "hr": "tog_hr_ned",
    "median_ned": "tog_pfs_median_ned",
    "median_non_ned": "tog_pfs_median_non_ned",
    "n": "tog_n",
    "n_ned": "tog_ned_n",
}
_SELECTION_CLAIM = "tog_min_pfs"


@functools.cache
def _ledger() -> dict[str, Claim]:
    # read once per process: the YAML files do not change while the book runs (tens of ms per read)
    return load_claims()


def _claims(claims) -> Mapping[str, Claim]:
    if claims is None:
        return _ledger()
    if not isinstance(claims, Mapping):
        raise TypeError(f"claims must be a mapping of claim id to Claim (load_claims()), got {type(claims).__name__}")
    return claims


def _number(claims: Mapping[str, Claim], claim_id: str) -> int | float:
    if claim_id not in claims:
        raise ValueError(f"claims has no claim {claim_id!r}; the study's design reads it from the ledger")
    claim = claims[claim_id]
    if not isinstance(claim, Claim) or not claim.is_numeric:
        raise ValueError(f"claims[{claim_id!r}] must be a numeric Claim, got {claim!r}")
    return claim.value


def published_values(claims: Mapping[str, Claim] | None = None) -> dict[str, int | float]:
    """The published numbers the explorer and the demo compare with, read from the claim ledger.

    Parameters
    ----------
    claims : mapping of str to Claim, optional
        A ledger as :func:`her2ned.claims.load_claims` returns it; default the shipped one.

    Returns
    -------
    dict
        One value per key of :data:`PUBLISHED_CLAIMS`: the three odds ratios (keyed by term), ``hr``,
        ``median_ned``, ``median_non_ned`` (months), ``n`` and ``n_ned``, each as printed.

    Raises
    ------
    TypeError
        ``claims`` is not a mapping.
    ValueError
        A claim the design needs is missing or not a number.

    Examples
    --------
    >>> v = published_values()
    >>> v["ecog0"], v["hr"], v["n_ned"], v["n"]
    (5.99, 0.24, 55, 118)
    """
    claims = _claims(claims)
    return {key: _number(claims, claim_id) for key, claim_id in PUBLISHED_CLAIMS.items()}


def published_ratios(claims: Mapping[str, Claim] | None = None) -> list[tuple[str, str, float, float]]:
    """The study's published ratios with their two-sided p-values: ``(term, "OR" or "HR", ratio, p)``.

    The three odds ratios of NED (one per :data:`TERMS`) and the hazard ratio of progression for NED
    (term ``"ned"``), read from the ledger.

    Parameters
    ----------
    claims : mapping of str to Claim, optional
        A ledger as :func:`her2ned.claims.load_claims` returns it; default the shipped one.

    Raises
    ------
    TypeError
        ``claims`` is not a mapping.
    ValueError
        A ratio's claim is missing, not a number, or has no exact p-value (a bound such as ``"<0.005"``
        does not fix a standard error).

    Examples
    --------
    >>> published_ratios()[0], published_ratios()[-1]
    (('ecog0', 'OR', 5.99, 0.005), ('ned', 'HR', 0.24, 0.003))
    """
    claims = _claims(claims)
    rows = []
    for term, kind in [(t, "OR") for t in TERMS] + [("ned", "HR")]:
        claim_id = PUBLISHED_CLAIMS["hr" if term == "ned" else term]
        ratio = _number(claims, claim_id)
        try:
            relation, p = parse_p(claims[claim_id].p)
        except ValueError:
            relation = None
        if relation != "=":
            raise ValueError(f"claims[{claim_id!r}] must give an exact p-value, got {claims[claim_id].p!r}")
        rows.append((term, kind, ratio, p))
    return rows


#: The selection: progression-free for at least this many months (TOG 2026; ledger claim tog_min_pfs).
THRESHOLD_MONTHS = float(_number(_ledger(), _SELECTION_CLAIM))
#: The study's size and how many reached NED (ledger claims tog_n, tog_ned_n).
STUDY_N = int(_number(_ledger(), PUBLISHED_CLAIMS["n"]))
STUDY_NED = int(_number(_ledger(), PUBLISHED_CLAIMS["n_ned"]))


def _model_column(data, term: str, n: int | None) -> np.ndarray:
    """One term's column: the data's own column of that name, else coded from its source column."""
    if term in data:
        values = data[term]
    elif term in CODING and CODING[term][0] in data:
        source, rule = CODING[term]
        values = rule(np.asarray(data[source]))
    else:
        hint = f" or its source column {CODING[term][0]!r}" if term in CODING else ""
        raise ValueError(
            f"data has no column {term!r}{hint}; give the model columns "
            "(her2ned.models.add_model_columns) or the simulator's arrays"
        )
    try:
        column = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"data: column {term!r} must hold numbers (0/1)") from None
    if column.ndim != 1 or (n is not None and len(column) != n):
        raise ValueError(
            f"data: column {term!r} must be one-dimensional with one value per patient, got shape {column.shape}"
        )
    if not np.isfinite(column).all():
        raise ValueError(f"data: column {term!r} has missing or infinite values")
    return column


def design_matrix(data: Mapping[str, np.ndarray] | pd.DataFrame, terms: Sequence[str] = TERMS) -> np.ndarray:
    """The logistic model's design matrix: a column of ones, then one column per term.

    Parameters
    ----------
    data : dict of arrays or pandas.DataFrame
        One cohort: the simulator's arrays (:func:`her2ned.simulate.simulate_cohort_arrays`) or a table.
        Each term is read from the column of that name (the model columns of
        :func:`her2ned.models.add_model_columns`) or, failing that, coded from its source column by
        :data:`CODING` (``ecog`` → ``ecog0``, ``her2_ihc`` → ``ihc3``, ``grade`` → ``grade_le2``,
        ``regimen`` → ``tp``).
    terms : sequence of str
        The model's terms, in order; default the study's :data:`TERMS`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 1 + len(terms))``, float.

    Raises
    ------
    TypeError
        ``data`` is not a mapping or a DataFrame, or ``terms`` is not a list of names.
    ValueError
        ``data`` has no rows, lacks a term's column, or a column is not finite numbers of one length;
        ``terms`` is empty or repeats a name.

    Examples
    --------
    >>> import pandas as pd
    >>> design_matrix(pd.DataFrame({"ecog": [0, 1], "her2_ihc": ["3+", "2+/ISH+"], "grade": [2, 3]})).tolist()
    [[1.0, 1.0, 1.0, 1.0], [1.0, 0.0, 0.0, 0.0]]
    """
    if not isinstance(data, (Mapping, pd.DataFrame)):
        raise TypeError(f"data must be a dict of arrays or a pandas DataFrame, got {type(data).__name__}")
    terms = sequence(terms, "terms")
    if not terms:
        raise ValueError("terms must name at least one model column")
    for i, term in enumerate(terms):
        column_name(term, f"terms[{i}]")
    if len(set(terms)) != len(terms):
        raise ValueError(f"terms must not repeat a name, got {terms}")
    columns = [_model_column(data, terms[0], None)]
    n = len(columns[0])
    if n == 0:
        raise ValueError("data has no rows")
    columns += [_model_column(data, term, n) for term in terms[1:]]
    X = np.empty((n, 1 + len(terms)))
    X[:, 0] = 1.0
    for j, column in enumerate(columns):
        X[:, j + 1] = column
    return X
