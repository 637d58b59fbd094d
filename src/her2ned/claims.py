"""The claim ledger: every published number the book uses, loaded and validated.

The ledger lives in ``data/published/*.yaml``, one file per study. Each entry holds an ``id``, the
``quantity``, the ``value`` as printed, its reported ``precision`` (decimals), the ``p`` value where
given (a number, or a bound such as ``"<0.005"``), the ``group`` (comparison or model) it belongs to
and the ``source`` sentence. ``unit`` and ``ci`` are optional.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ._arguments import sequence
from .datasets import published_ledger_files

REQUIRED = ("id", "quantity", "value", "group", "source")
OPTIONAL = ("precision", "p", "unit", "ci")
_BOUND = re.compile(r"^\s*([<>]=?)\s*(\d*\.?\d+(?:[eE]-?\d+)?)\s*$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class LedgerError(ValueError):
    """A malformed ledger entry; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Claim:
    """One published number."""

    id: str
    study: str
    quantity: str
    value: float | str
    group: str
    source: str
    precision: int | None = None
    p: float | str | None = None
    unit: str | None = None
    ci: tuple[float, float] | None = None
    file: str = field(default="", compare=False)

    @property
    def is_numeric(self) -> bool:
        return isinstance(self.value, (int, float))

    @property
    def display(self) -> str:
        """The value as the paper printed it (with its precision and unit)."""
        if self.is_numeric and self.precision is not None:
            text = f"{self.value:.{self.precision}f}"
        else:
            text = str(self.value)
        return (
            f"{text} {self.unit}".strip()
            if self.unit and self.unit != "%"
            else (text + ("%" if self.unit == "%" else ""))
        )


def parse_p(p) -> tuple[str, float]:
    """Split a p-value into (relation, number): ``0.013`` -> ``("=", 0.013)``, ``"<0.005"`` -> ``("<", 0.005)``."""
    if isinstance(p, bool):
        raise ValueError(f"p must be a number in (0, 1] or a bound like '<0.005', got {p!r}")
    if isinstance(p, (int, float)):
        relation, number = "=", float(p)
    elif isinstance(p, str) and (m := _BOUND.match(p)):
        relation, number = m.group(1), float(m.group(2))
    else:
        raise ValueError(f"p must be a number in (0, 1] or a bound like '<0.005', got {p!r}")
    if not 0 < number <= 1:
        raise ValueError(f"p must lie in (0, 1], got {p!r}")
    return relation, number


def _validate_entry(entry, file: str, index: int, study: str) -> Claim:
    where = f"{file}, entry {index + 1}"
    if not isinstance(entry, Mapping):
        raise LedgerError(f"{where}: an entry must be a mapping of fields, got {type(entry).__name__}")
    where = f"{file}, entry {index + 1} (id {entry.get('id', '?')!r})"
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise LedgerError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise LedgerError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}")
    if not isinstance(entry["id"], str) or not _ID.match(entry["id"]):
        raise LedgerError(f"{where}: field 'id' must be lower-case letters, digits and _, got {entry['id']!r}")
    for key in ("quantity", "group", "source"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise LedgerError(f"{where}: field {key!r} must be a non-empty string")
    value = entry["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise LedgerError(f"{where}: field 'value' must be a number or a string, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise LedgerError(f"{where}: field 'value' must be finite, got {value!r}")
    precision = entry.get("precision")
    if precision is not None and (
        isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 6
    ):
        raise LedgerError(f"{where}: field 'precision' must be an integer number of decimals 0-6, got {precision!r}")
    if isinstance(value, (int, float)) and precision is None:
        raise LedgerError(f"{where}: field 'precision' is required for a numeric value")
    p = entry.get("p")
    if p is not None:
        try:
            parse_p(p)
        except ValueError as exc:
            raise LedgerError(f"{where}: field 'p': {exc}") from None
    ci = entry.get("ci")
    if ci is not None:
        if (
            not isinstance(ci, list)
            or len(ci) != 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in ci)
            or ci[0] > ci[1]
        ):
            raise LedgerError(f"{where}: field 'ci' must be [low, high] numbers with low <= high, got {ci!r}")
        ci = (float(ci[0]), float(ci[1]))
    unit = entry.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise LedgerError(f"{where}: field 'unit' must be a string, got {unit!r}")
    return Claim(
        id=entry["id"],
        study=study,
        quantity=entry["quantity"].strip(),
        value=value,
        group=entry["group"],
        source=entry["source"].strip(),
        precision=precision,
        p=p,
        unit=unit,
        ci=ci,
        file=file,
    )


def load_ledger_file(path: str | Path) -> list[Claim]:
    """Load and validate one ledger file. Raises :class:`LedgerError` naming file, entry and field."""
    if not isinstance(path, (str, Path)) or not str(path):
        raise TypeError(f"path must be the path of a ledger file (str or Path), got {path!r}")
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ValueError(f"path {str(path)!r} is not a ledger file (no such file)")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LedgerError(f"{name}: not valid YAML ({exc})") from None
    if not isinstance(doc, Mapping) or "study" not in doc or "claims" not in doc:
        raise LedgerError(f"{name}: must be a mapping with 'study' and 'claims'")
    study = doc["study"]
    if not isinstance(study, Mapping) or not isinstance(study.get("key"), str):
        raise LedgerError(f"{name}: 'study' must be a mapping with a string 'key'")
    if not isinstance(doc["claims"], list) or not doc["claims"]:
        raise LedgerError(f"{name}: 'claims' must be a non-empty list")
    claims = [_validate_entry(e, name, i, study["key"]) for i, e in enumerate(doc["claims"])]
    seen: set[str] = set()
    for c in claims:
        if c.id in seen:
            raise LedgerError(f"{name}: id {c.id!r} appears more than once")
        seen.add(c.id)
    return claims


def load_claims(files=None) -> dict[str, Claim]:
    """Load every ledger file (default: all of ``data/published/``) into ``{id: Claim}``.

    Examples
    --------
    >>> claims = load_claims()
    >>> claims["tog_ned_n"].value, claims["tog_or_ecog"].p
    (55, 0.005)
    """
    if files is None:
        files = published_ledger_files()
    else:
        files = sequence(files, "files")
        for i, f in enumerate(files):
            if not isinstance(f, (str, Path)) or not Path(f).is_file():
                raise ValueError(f"files[{i}] must be the path of a ledger file, got {f!r}")
        files = [Path(f) for f in files]
    out: dict[str, Claim] = {}
    for f in files:
        for c in load_ledger_file(f):
            if c.id in out:
                raise LedgerError(f"{Path(f).name}: id {c.id!r} already defined in {out[c.id].file}")
            out[c.id] = c
    return out


def ledger_table(study: str | None = None) -> pd.DataFrame:
    """The ledger as a tidy table (one row per claim), optionally for one study key.

    Examples
    --------
    >>> ledger_table("dursun2026").shape[0] >= 18
    True
    """
    claims = load_claims().values()
    if study is not None:
        keys = sorted({c.study for c in claims})
        if study not in keys:
            raise ValueError(f"study must be one of {keys}, got {study!r}")
        claims = [c for c in claims if c.study == study]
    return pd.DataFrame(
        [
            {
                "id": c.id,
                "study": c.study,
                "group": c.group,
                "quantity": c.quantity,
                "published": c.display,
                "p": "" if c.p is None else str(c.p),
                "source": c.source,
            }
            for c in claims
        ]
    )
