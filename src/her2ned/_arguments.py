"""Checks of the arguments many public functions share: a seed, an Axes to draw on, a column name.

Each raises ``TypeError`` or ``ValueError`` naming the parameter, so a reader who passes the wrong thing
learns which argument and what was expected, not where inside numpy or matplotlib it broke.
"""

from __future__ import annotations

import numpy as np

__all__ = ["rng_from_seed", "axes_or_new", "column_name"]


def rng_from_seed(seed, name: str = "seed") -> np.random.Generator:
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


def axes_or_new(ax, figsize: tuple[float, float]):
    """``ax`` if it is a matplotlib Axes, a new figure's Axes of ``figsize`` if it is None."""
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        return plt.subplots(figsize=figsize)[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def column_name(value, name: str) -> str:
    """A column name must be a string; anything else is refused naming the parameter."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a column name (str), got {type(value).__name__}")
    return value
