"""The one contract every result of ``her2ned`` follows, as lifelines' and statsmodels' results do.

A result is an object, not a table:

- ``summary`` is a plain :class:`pandas.DataFrame`, one tidy row per estimate, every number in a column
  (so it survives ``set_index``, ``concat`` and ``merge``; nothing rides in ``attrs``, which most
  pandas operations drop);
- ``model`` says in words what was fitted or computed, and ``n`` and ``events`` what it was fitted to
  (``None`` where they do not apply);
- ``_repr_html_`` shows that header above the table, numbers rounded for reading (the table keeps full
  precision);
- ``plot(ax=None)`` draws the result where a picture fits. The drawing lives in :mod:`her2ned.plots`
  and is imported only when a figure is drawn, as pandas' ``DataFrame.plot`` hands itself to
  ``pandas.plotting``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ._arguments import count

__all__ = ["Result", "Table", "table_html"]


def table_html(table: pd.DataFrame, digits: int = 2) -> str:
    """``table`` as compact HTML: p-values to 3 significant digits, other floats to ``digits`` decimals, "–" for NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> "0.00123" in table_html(pd.DataFrame({"term": ["x"], "p_value": [0.0012345]}))
    True
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    digits = count(digits, "digits", low=0, high=12)

    def last(c):
        return c[-1] if isinstance(c, tuple) else c

    fmt = {}
    for c in table.columns:
        if last(c) in ("p_value", "p"):
            fmt[c] = "{:.3g}"
        elif pd.api.types.is_float_dtype(table[c]):
            fmt[c] = f"{{:.{digits}f}}"
    styler = table.style.format(fmt, na_rep="–").set_table_styles(
        [{"selector": "th, td", "props": [("padding", "2px 10px")]}]
    )
    if isinstance(table.index, pd.RangeIndex):
        styler = styler.hide(axis="index")
    return styler.to_html()


class Result:
    """Base of every result: subclasses give ``model``, ``summary``, ``n`` and ``events``."""

    model: str
    summary: pd.DataFrame
    n: int | None
    events: int | None
    notes: tuple[str, ...] = ()

    def counts(self) -> list[tuple[str, object]]:
        """What the result was computed from, as (label, value) pairs: n and events where they apply."""
        return [(label, value) for label, value in (("n", self.n), ("events", self.events)) if value is not None]

    def header(self) -> str:
        """The model in words, then the counts (the first line of the text and HTML views)."""
        counts = ", ".join(f"{label} = {value}" for label, value in self.counts())
        return self.model + (f" ({counts})" if counts else "")

    def header_html(self) -> str:
        counts = " · ".join(f"{html.escape(label)} = {value}" for label, value in self.counts())
        return f"<p><strong>{html.escape(self.model)}</strong>" + (f"<br>{counts}" if counts else "") + "</p>"

    def _repr_html_(self) -> str:
        notes = "".join(f"<p><em>{html.escape(note)}</em></p>" for note in self.notes)
        return f'<div class="her2ned-result">{self.header_html()}{table_html(self.summary)}{notes}</div>'

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.header()}>\n{self.summary.to_string()}"


@dataclass(frozen=True, eq=False, repr=False)
class Table(Result):
    """A result that is a table and its header, with no picture of its own.

    Examples
    --------
    >>> import pandas as pd
    >>> r = Table("two numbers", pd.DataFrame({"term": ["a", "b"], "estimate": [1.0, 2.0]}), n=10)
    >>> r.header(), r.summary.shape
    ('two numbers (n = 10)', (2, 2))
    """

    model: str
    summary: pd.DataFrame
    n: int | None = None
    events: int | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        if not isinstance(self.model, str) or not self.model:
            raise TypeError(f"model must be a non-empty string naming what was computed, got {self.model!r}")
        if type(self.summary) is not pd.DataFrame:
            raise TypeError(f"summary must be a plain pandas DataFrame, got {type(self.summary).__name__}")
