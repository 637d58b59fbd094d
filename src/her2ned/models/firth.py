"""Firth-penalised logistic regression: finite odds ratios when cells are sparse or separated.

Firth (1993) removes the first-order bias of maximum likelihood by adding half the log-determinant
of the Fisher information to the log-likelihood (Jeffreys prior). For logistic regression the
modified score is ``X' (y - p + h (1/2 - p))``, with ``h`` the diagonal of the weighted hat matrix.
Unlike maximum likelihood, the estimate exists under separation. Intervals here are Wald intervals
from the penalised information (R ``logistf(..., pl = FALSE)``); logistf's default profile-penalised
likelihood intervals are not implemented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._arguments import count, float_array, positive
from .core import RegressionTable, _logistic_inputs, ratio_summary

__all__ = ["firth_logistic", "firth_logistic_table"]


def firth_logistic(
    X: np.ndarray, y: np.ndarray, *, max_iter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray, float]:
    """Fit a Firth-penalised logistic regression (design matrix must include the intercept).

    Returns
    -------
    beta, se, loglik_penalised : ndarray, ndarray, float

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]]); y = np.array([0, 0, 0, 1, 1, 1])
    >>> beta, se, _ = firth_logistic(X, y)   # perfectly separated, yet finite
    >>> round(float(np.exp(beta[1])), 2)
    49.0
    """
    X, y = float_array(X, "X"), float_array(y, "y")
    max_iter, tol = count(max_iter, "max_iter", 1, 10_000), positive(tol, "tol")
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, p) and y (n,); got {X.shape} and {y.shape}")
    beta = np.zeros(X.shape[1])

    def penalised(b):
        eta = X @ b
        mu = 1 / (1 + np.exp(-eta))
        info = X.T @ (X * (mu * (1 - mu))[:, None])
        sign, logdet = np.linalg.slogdet(info)
        ll = np.sum(y * eta - np.logaddexp(0, eta))
        return ll + 0.5 * logdet, mu, info

    current, mu, info = penalised(beta)
    for _ in range(max_iter):
        w = mu * (1 - mu)
        cov = np.linalg.inv(info)
        h = np.einsum("ij,jk,ik->i", X, cov, X) * w
        score = X.T @ (y - mu + h * (0.5 - mu))
        step = cov @ score
        step_max = np.abs(step).max()
        if step_max > 5:
            step *= 5 / step_max
        # step halving keeps the penalised likelihood increasing (as logistf does)
        for _half in range(30):
            candidate, mu_c, info_c = penalised(beta + step)
            if candidate >= current - 1e-12:
                break
            step /= 2
        beta = beta + step
        current, mu, info = candidate, mu_c, info_c
        if np.abs(step).max() < tol:
            break
    else:
        raise ValueError("firth_logistic: Newton iterations did not converge")
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    return beta, se, float(current)


def firth_logistic_table(df: pd.DataFrame, outcome: str, predictors: list[str]) -> RegressionTable:
    """Firth-penalised odds ratios with Wald 95 % CIs and p-values (same columns as logistic_table).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [0, 0, 0, 1, 1, 1]})
    >>> round(firth_logistic_table(d, "y", ["x"]).summary.odds_ratio.item(), 1)
    49.0
    """
    who = "firth_logistic_table"
    y, X = _logistic_inputs(df, outcome, predictors, who)
    beta, se, _ = firth_logistic(np.column_stack([np.ones(len(y)), X]), y)
    return RegressionTable(
        f"Firth-penalised logistic regression of {outcome} (Wald 95 % CI)",
        ratio_summary(predictors, "odds_ratio", beta[1:], se[1:]),
        n=len(y),
        events=int(y.sum()),
        intercept=float(beta[0]),
    )
