"""Models of the study: logistic (who reaches NED), Kaplan–Meier, log-rank and Cox (PFS).

Everything returns tidy tables; see :mod:`her2ned.models.core`.
"""

from .core import (MODEL_TERMS, TidyFrame, add_model_columns, cox_table, km_medians,
                   logistic_table, logrank_test)

__all__ = ["MODEL_TERMS", "TidyFrame", "add_model_columns", "cox_table", "km_medians",
           "logistic_table", "logrank_test"]
