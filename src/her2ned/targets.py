"""Reconstruction targets, for any study in the ledger: which published number a table must reproduce,
within what tolerance, and how far a reproduced value is from it.

A study's reconstruction names its targets in a tolerance table ``{name: (kind, tol)}``: ``name`` is a
claim id, or a claim id with a field (``id:p`` for the claim's p-value, ``id:lower`` and ``id:upper`` for
the ends of its confidence interval); ``kind`` is ``exact``, ``abs`` (± tol), ``rel`` (± tol as a share),
``below`` (a published bound p < x), ``ns`` (not significant: p > tol) or ``min`` (at least the value).
:func:`build_targets` reads the values from the ledger; :func:`check_targets` compares reproduced values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .claims import Claim, LedgerError, parse_p

__all__ = ["KINDS", "Target", "ReconstructionError", "build_targets", "check_targets"]

#: The kinds of target a tolerance table may name.
KINDS = ("exact", "abs", "rel", "below", "ns", "min")


class ReconstructionError(ValueError):
    """The reconstruction could not meet a claim. ``claims`` lists them; ``closest`` holds the best try."""

    def __init__(self, message: str, claims=(), closest=None):
        super().__init__(message)
        self.claims = list(claims)
        self.closest = closest


@dataclass(frozen=True)
class Target:
    """One number the table must reproduce: ``name`` is the claim id (``:p`` for its p-value)."""

    name: str
    claim_id: str
    quantity: str
    published: float
    kind: str
    tol: float | None
    decimals: int | None = None  # digits the paper printed (None for a bound)

    def rounds(self, value: float) -> bool:
        """Does ``value``, rounded half up to the printed digits, give the published number?"""
        if self.decimals is None:
            raise ValueError(f"target {self.name!r} was published as a bound, not to a number of digits")
        if value is None or not np.isfinite(value):
            return False
        # half up, as printed; the tiny offset keeps 0.0125 from rounding down by representation error
        scaled = math.floor(value * 10**self.decimals + 0.5 + 1e-9)
        return abs(scaled / 10**self.decimals - self.published) < 1e-9

    def distance(self, value: float) -> float:
        """Distance in units of the tolerance: ≤ 1 means the target is met."""
        if value is None or not np.isfinite(value):
            return math.inf
        if self.kind == "exact":
            return 0.0 if abs(value - self.published) < 1e-9 else math.inf
        if self.kind == "abs":
            return abs(value - self.published) / self.tol
        if self.kind == "rel":
            return abs(value / self.published - 1) / self.tol
        if self.kind == "below":
            return 0.0 if value < self.published else value / self.published
        if self.kind == "min":
            return 0.0 if value >= self.published else math.inf
        if self.kind == "ns":  # p must exceed the threshold
            return 0.0 if value > self.tol else self.tol / max(value, 1e-300)
        raise ValueError(f"unknown target kind {self.kind!r}")

    def tolerance_text(self) -> str:
        if self.kind == "abs":
            return f"± {self.tol:g}"
        if self.kind == "rel":
            return f"± {100 * self.tol:g} %"
        if self.kind == "below":
            return f"< {self.published:g}"
        if self.kind == "ns":
            return f"p > {self.tol:g}"
        if self.kind == "min":
            return f"≥ {self.published:g}"
        return "exact"


def _number(claim: Claim, field_name: str) -> float:
    if field_name in ("lower", "upper"):
        if claim.ci is None:
            raise LedgerError(
                f"claim {claim.id!r}: a confidence interval is needed for the reconstruction "
                "but the ledger entry has no 'ci' field"
            )
        return float(claim.ci[0 if field_name == "lower" else 1])
    if field_name == "p":
        if claim.p is None:
            raise LedgerError(
                f"claim {claim.id!r}: a p-value is needed for the reconstruction but the ledger entry has no 'p' field"
            )
        return parse_p(claim.p)[1]
    if not claim.is_numeric:
        raise LedgerError(f"claim {claim.id!r}: value must be a number for the reconstruction, got {claim.value!r}")
    return float(claim.value)


def require_targets(targets) -> dict:
    """``targets`` if it is a non-empty dict of :class:`Target`, as :func:`build_targets` returns."""
    if not isinstance(targets, dict) or not targets or not all(isinstance(t, Target) for t in targets.values()):
        raise TypeError(
            "targets must be a dict of Target (her2ned.targets.build_targets, or a study's "
            f"targets function), got {type(targets).__name__}"
        )
    return targets


def _tolerance_table(table, name: str) -> dict:
    """``table`` as a dict if every entry is ``(kind, tol)`` with a known kind (tol > 0 for abs/rel)."""
    if not isinstance(table, dict):
        raise TypeError(f"{name} must be a dict {{target name: (kind, tol)}}, got {type(table).__name__}")
    for k, v in table.items():
        if (
            not isinstance(k, str)
            or not isinstance(v, tuple)
            or len(v) != 2
            or v[0] not in KINDS
            or (v[0] in ("abs", "rel") and not (isinstance(v[1], (int, float)) and v[1] > 0))
        ):
            raise ValueError(
                f"{name}[{k!r}] must be (kind, tol) with kind in {'/'.join(KINDS)} and tol > 0 for abs/rel, got {v!r}"
            )
    return dict(table)


def build_targets(defaults: dict, claims: dict, tolerances: dict | None = None) -> dict[str, Target]:
    """Targets from a study's tolerance table ``defaults``, values read from ``claims``.

    ``tolerances`` overrides entries of ``defaults`` (same keys, ``(kind, tol)`` values).

    Examples
    --------
    >>> from her2ned.claims import load_claims
    >>> t = build_targets({"heros_ttp_median:upper": ("abs", 0.05)}, load_claims())
    >>> t["heros_ttp_median:upper"].published, t["heros_ttp_median:upper"].decimals
    (6.6, 1)
    """
    if not isinstance(claims, dict):
        raise TypeError(f"claims must be a dict {{id: Claim}}, got {type(claims).__name__}")
    tol = _tolerance_table(defaults, "defaults")
    if not tol:
        raise ValueError("defaults must name at least one target")
    if tolerances is not None:
        unknown = sorted(set(_tolerance_table(tolerances, "tolerances")) - set(tol))
        if unknown:
            raise ValueError(f"tolerances: unknown target(s) {unknown}; allowed: {sorted(tol)}")
        tol.update(tolerances)
    out = {}
    for name, (kind, t) in tol.items():
        cid, _, fld = name.partition(":")
        if cid not in claims:
            raise LedgerError(f"claims: claim {cid!r} is missing from the ledger; the reconstruction needs it")
        c = claims[cid]
        if fld not in ("", "p", "lower", "upper"):
            raise ValueError(f"target {name!r}: the field after ':' must be p, lower or upper")
        if kind == "ns":
            published = t
        elif kind == "below" or fld == "p":
            published = _number(c, "p")
        else:
            published = _number(c, fld or "value")
        if kind in ("ns", "below", "min"):
            decimals = None
        elif fld == "p":
            decimals = len(str(c.p).split(".")[1]) if "." in str(c.p) else 0
        else:
            decimals = c.precision
        suffix = {"p": " (p)", "lower": " (CI lower end)", "upper": " (CI upper end)"}.get(fld, "")
        out[name] = Target(name, cid, c.quantity + suffix, published, kind, t, decimals)
    return out


def check_targets(values: dict, targets: dict) -> pd.DataFrame:
    """Compare reproduced values with the targets: one row per target, with its distance.

    ``distance`` is in tolerance units (≤ 1 means met; 0 for exact and bound targets that hold).

    Examples
    --------
    >>> from her2ned.claims import load_claims
    >>> t = build_targets({"heros_n": ("exact", 0)}, load_claims())
    >>> check_targets({"heros_n": 268.0}, t)["met"].tolist()
    [True]
    """
    require_targets(targets)
    if not isinstance(values, dict):
        raise TypeError(
            f"values must be a dict {{target name: value}} from a study's reproduced_values, "
            f"got {type(values).__name__}"
        )
    rows = []
    for name, t in targets.items():
        if name not in values:
            raise ValueError(f"values lacks target {name!r}")
        dist = t.distance(values[name])
        rows.append(
            {
                "target": name,
                "claim_id": t.claim_id,
                "quantity": t.quantity,
                "published": t.published,
                "reproduced": values[name],
                "tolerance": t.tolerance_text(),
                "distance": dist,
                "met": bool(dist <= 1),
            }
        )
    return pd.DataFrame(rows)
