"""Feedback objects and the two primitive checks every chapter's self-checks are built on."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from numbers import Real

from .._arguments import finite, sequence, string
from ..palette import FEEDBACK


@dataclass(frozen=True)
class Feedback:
    """The verdict on a student's answer: right or wrong, and a message (a hint when wrong)."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return ("✔ Right. " if self.correct else "✘ Not yet. ") + self.message

    def _repr_html_(self) -> str:
        colour, mark = FEEDBACK[self.correct], ("✔ Right." if self.correct else "✘ Not yet.")
        return (
            f'<div class="her2ned-feedback" style="border-left:4px solid {colour};padding:4px 10px;">'
            f"<strong style='color:{colour}'>{mark}</strong> {html.escape(self.message)}</div>"
        )


def _texts(**values):
    for key, value in values.items():
        string(value, key)


def check_number(
    answer,
    expected: float,
    *,
    rel_tol: float = 0.01,
    abs_tol: float = 0.0,
    hint: str = "",
    explanation: str = "",
    name: str = "answer",
) -> Feedback:
    """Compare a numeric answer with the expected value, within a relative or absolute tolerance.

    Non-numeric answers get a message, not an exception, because students will type anything.

    Examples
    --------
    >>> bool(check_number(0.466, 55 / 118, rel_tol=0.01))
    True
    """
    expected = finite(expected, "expected")
    rel_tol, abs_tol = finite(rel_tol, "rel_tol", low=0), finite(abs_tol, "abs_tol", low=0)
    _texts(hint=hint, explanation=explanation, name=name)
    if isinstance(answer, bool) or not isinstance(answer, Real):
        try:
            answer = float(answer)
        except (TypeError, ValueError):
            return Feedback(False, f"The {name} should be a number; got {answer!r}. {hint}".strip())
    if not math.isfinite(answer):
        return Feedback(False, f"The {name} should be a finite number; got {answer!r}. {hint}".strip())
    if math.isclose(answer, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return Feedback(True, explanation or f"{answer:g} matches.")
    return Feedback(False, hint or f"{answer:g} is not what we get.")


def check_choice(
    answer, expected, *, allowed=None, hint: str = "", explanation: str = "", name: str = "answer"
) -> Feedback:
    """Compare a categorical answer (case- and space-insensitive for strings).

    ``allowed`` lists the valid options; an answer outside them is told what the options are.

    Examples
    --------
    >>> bool(check_choice("Positive", "positive", allowed=["positive", "negative"]))
    True
    """

    def norm(x):
        return " ".join(x.lower().split()) if isinstance(x, str) else x

    _texts(hint=hint, explanation=explanation, name=name)
    try:
        hash(expected)
    except TypeError:
        raise TypeError(f"expected must be a single value, got {type(expected).__name__}") from None
    if allowed is not None:
        allowed = sequence(allowed, "allowed")
        try:
            {norm(a) for a in allowed}
        except TypeError:
            raise TypeError(f"allowed must list single values, got {allowed!r}") from None
    try:
        hash(answer)
    except TypeError:
        return Feedback(False, f"The {name} should be a single value, not a {type(answer).__name__}; got {answer!r}.")
    if allowed is not None and norm(answer) not in {norm(a) for a in allowed}:
        options = ", ".join(repr(a) for a in allowed)
        return Feedback(False, f"The {name} must be one of {options}; got {answer!r}.")
    if norm(answer) == norm(expected):
        return Feedback(True, explanation or "That is it.")
    return Feedback(False, hint or "That is not it.")
