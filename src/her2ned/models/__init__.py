"""Models of the study: logistic (who reaches NED), Kaplan–Meier, log-rank and Cox (PFS).

Everything returns a result with a tidy ``summary`` (:mod:`her2ned.results`); see
:mod:`her2ned.models.core` (statsmodels / lifelines), :mod:`~her2ned.models.firth` (penalised
logistic), :mod:`~her2ned.models.ph` (proportional-hazards checks), :mod:`~her2ned.models.published`
(CIs from a published ratio and p) and :mod:`~her2ned.models.fast` (numpy fits for panels and
Monte Carlo).
"""

from .core import (
    MODEL_TERMS,
    KaplanMeierTable,
    RegressionTable,
    TestTable,
    add_model_columns,
    cox_table,
    km_medians,
    logistic_table,
    logrank_test,
)
from .firth import firth_logistic, firth_logistic_table
from .ph import ph_table
from .published import ci_from_ratio_p, published_ci_table, se_from_ratio_p

__all__ = [
    "MODEL_TERMS",
    "RegressionTable",
    "KaplanMeierTable",
    "TestTable",
    "add_model_columns",
    "cox_table",
    "km_medians",
    "logistic_table",
    "logrank_test",
    "firth_logistic",
    "firth_logistic_table",
    "ph_table",
    "ci_from_ratio_p",
    "published_ci_table",
    "se_from_ratio_p",
]
