"""Checks of the arguments many public functions share: a seed, an Axes to draw on, a column name.

Each raises ``TypeError`` or ``ValueError`` naming the parameter, so a reader who passes the wrong thing
learns which argument and what was expected, not where inside numpy or matplotlib it broke.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    from matplotlib.axes import Axes

__all__ = [
    "rng_from_seed",
    "generator",
    "flag",
    "axes_or_new",
    "column_name",
    "string",
    "sequence",
    "float_array",
    "count",
    "positive",
    "finite",
]


def rng_from_seed(seed: int | np.integer | np.random.Generator, name: str = "seed") -> np.random.Generator:
    """A numpy Generator from a non-negative integer seed (or the Generator itself).

    Examples
    --------
    >>> rng_from_seed(1).integers(10)
    np.int64(4)
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"{name} must be a non-negative integer or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def generator(value: object, name: str = "rng") -> np.random.Generator:
    """``value`` if it is a numpy Generator (functions that take ``rng`` rather than a seed)."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"{name} must be a numpy Generator, got {type(value).__name__}")
    return value


def flag(value: object, name: str) -> bool:
    """``value`` if it is True or False (numpy's bool too); 0, 1, "yes" or None are refused by name."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def axes_or_new(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax`` if it is a matplotlib Axes, a new figure's Axes of ``figsize`` if it is None."""
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        return plt.subplots(figsize=figsize)[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def sequence(value: object, name: str) -> list:
    """A list, tuple or 1-d array as a list; a string, a number, None or a table is refused by name."""
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, (list, tuple, range, np.ndarray, pd.Series)):
        raise TypeError(f"{name} must be a list or tuple, got {type(value).__name__}")
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise TypeError(f"{name} must be one-dimensional, got an array of shape {value.shape}")
    return list(value)


def float_array(value: object, name: str, *, ndim: int | None = None) -> np.ndarray:
    """``value`` as a float array; anything that is not numbers (or has the wrong dimension) is refused."""
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {a.shape}")
    return a


def count(value: object, name: str, low: int = 1, high: int = 1_000_000) -> int:
    """An integer in [low, high] (an iteration count, a number of replicates...)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low:,} to {high:,}, got {value!r}")
    return int(value)


def positive(value: object, name: str) -> float:
    """A finite number > 0 (a tolerance, a scale)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def months(value: object, name: str, *, zero_ok: bool = False) -> float:
    """A time in months: a finite number > 0 (or >= 0 with ``zero_ok``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number of months, got {type(value).__name__}")
    if not (math.isfinite(value) and (value >= 0 if zero_ok else value > 0)):
        raise ValueError(f"{name} must be a finite number of months {'>= 0' if zero_ok else '> 0'}, got {value!r}")
    return float(value)


def finite(value: object, name: str, low: float | None = None) -> float:
    """A finite real number (not a bool), at least ``low`` if given (a tolerance ≥ 0, an expected value)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(value)
        or (low is not None and value < low)
    ):
        bound = f" ≥ {low:g}" if low is not None else ""
        raise ValueError(f"{name} must be a finite number{bound}, got {value!r}")
    return float(value)


def string(value: object, name: str) -> str:
    """A string (a hint, a caption, a label); anything else is refused naming the parameter."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    return value


def column_name(value: object, name: str) -> str:
    """A column name must be a string; anything else is refused naming the parameter."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a column name (str), got {type(value).__name__}")
    return value
