"""HER2 status from IHC and dual-probe ISH, following ASCO/CAP 2018 (affirmed 2023).

The rules (Wolff AC, et al. J Clin Oncol 2018;36:2105-2122; affirmed by Wolff AC, et al. 2023):

* **IHC** (step "IHC"): 3+ = complete, intense circumferential membrane staining in > 10 % of invasive
  cells -> positive; 2+ = weak-to-moderate complete staining in > 10 % -> equivocal, reflex ISH;
  1+ = faint, barely perceptible incomplete staining in > 10 % -> negative; 0 = no staining, or faint
  incomplete staining in <= 10 % -> negative.
* **Dual-probe ISH** (step "ISH groups"), from the HER2/CEP17 ratio and the mean HER2 signals per cell:
  group 1 ratio >= 2.0 and copies >= 4.0 -> positive; group 2 ratio >= 2.0 and copies < 4.0;
  group 3 ratio < 2.0 and copies >= 6.0; group 4 ratio < 2.0 and 4.0 <= copies < 6.0;
  group 5 ratio < 2.0 and copies < 4.0 -> negative.
* **Work-up of groups 2-4** (step "concomitant IHC"): IHC 3+ -> positive; IHC 0 or 1+ -> negative
  (with a comment); IHC 2+ -> a second observer, blinded, recounts at least 20 cells in the IHC 2+ area
  (step "recount"); then group 3 -> positive, groups 2 and 4 -> negative (with a comment).
* **Therapeutic categories** (not formal ASCO/CAP categories; the 2023 update declined to make them so):
  HER2-low = IHC 1+, or IHC 2+ with negative ISH; HER2-ultralow = IHC 0 with faint incomplete staining in
  <= 10 % (> 0 %) of cells; HER2-zero = IHC 0 with no staining at all.

A historic rule is also available, ``rule="fish_ratio_2.2"``: positive = IHC 3+, or a FISH ratio
> 2.2 -- the core of ASCO/CAP 2007 (Wolff AC, et al. J Clin Oncol 2007;25:118-145), the guideline in
force while the HER-OS registry enrolled (2006-2010; Witzel I, et al. BMC Cancer 2014, whose abstract
does not state the rule). It ignores copy number, the 2007 equivocal ratio band of 1.8-2.2 (resolved
by recounting or retesting in practice) and the 2007 IHC 3+ threshold of > 30 % of cells.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from numbers import Real

import pandas as pd

from ._arguments import flag
from .palette import HER2_CALL

IHC_SCORES = ("0", "1+", "2+", "3+")
RULES = ("asco_cap_2018", "fish_ratio_2.2")
CALLS = ("positive", "negative", "equivocal")
CATEGORIES = ("HER2-positive", "HER2-low", "HER2-ultralow", "HER2-zero", "undetermined")

# ASCO/CAP 2018 dual-probe ISH thresholds (Wolff 2018, Fig. 2): the ratio cut-off, the copy-number cut-offs.
RATIO_CUTOFF = 2.0
COPIES_LOW = 4.0
COPIES_HIGH = 6.0
# Pre-2013 definition used by HER-OS (Witzel 2014): FISH HER2/CEP17 ratio > 2.2 is positive.
HISTORIC_RATIO_CUTOFF = 2.2

_GUIDELINE = "ASCO/CAP 2018"
_ISH_ALIASES = {
    0: "0",
    1: "1+",
    2: "2+",
    3: "3+",
    "1": "1+",
    "2": "2+",
    "3": "3+",
    "ultralow": "0",
    "0 (ultralow)": "0",
}


@dataclass(frozen=True)
class Step:
    """One step on the path to a HER2 result: which rule was applied and what it gave."""

    rule: str
    text: str


@dataclass(frozen=True)
class HER2Result:
    """The outcome of :func:`classify`: ISH group, work-up, call, category and the path in words.

    Attributes
    ----------
    ihc : str or None
        IHC score ``"0"``, ``"1+"``, ``"2+"``, ``"3+"`` or None if not done.
    ultralow : bool
        IHC 0 with faint incomplete staining in <= 10 % (> 0 %) of cells.
    ratio, copies : float or None
        HER2/CEP17 ratio and mean HER2 signals per cell used for the call (after any recount).
    ish_group : int or None
        ASCO/CAP 2018 dual-probe group 1-5 (None without ISH or under the historic rule).
    workup : str or None
        How groups 2-4 were resolved (``"concomitant IHC"`` or ``"recount"``), else None.
    call : str
        ``"positive"``, ``"negative"`` or ``"equivocal"`` (a test is still needed; see ``needs``).
    category : str
        ``"HER2-positive"``, ``"HER2-low"``, ``"HER2-ultralow"``, ``"HER2-zero"`` or ``"undetermined"``.
    needs : str or None
        For an equivocal call, what is missing (``"ISH"`` or ``"IHC"``).
    steps : tuple of Step
        The path, one guideline step at a time.
    rule : str
        ``"asco_cap_2018"`` or ``"fish_ratio_2.2"``.
    """

    ihc: str | None
    ultralow: bool
    ratio: float | None
    copies: float | None
    ish_group: int | None
    workup: str | None
    call: str
    category: str
    needs: str | None
    steps: tuple[Step, ...] = field(default=())
    rule: str = "asco_cap_2018"

    @property
    def positive(self) -> bool:
        return self.call == "positive"

    def explain(self) -> str:
        """The path as numbered sentences, each prefixed by the guideline step it applies."""
        return "\n".join(f"{i}. [{s.rule}] {s.text}" for i, s in enumerate(self.steps, 1))

    def summary(self) -> dict:
        """One flat row (for tables): inputs, group, call, category."""
        return {
            "IHC": self.ihc if self.ihc is not None else "not done",
            "ultralow": self.ultralow,
            "ratio": self.ratio,
            "copies/cell": self.copies,
            "ISH group": self.ish_group,
            "work-up": self.workup or "",
            "call": self.call + (f" (needs {self.needs})" if self.needs else ""),
            "category": self.category,
        }

    def __str__(self) -> str:
        head = f"HER2 {self.call}" + (f" (needs {self.needs})" if self.needs else "")
        return f"{head}; {self.category}\n{self.explain()}"

    def _repr_html_(self) -> str:
        colour = HER2_CALL[self.call]
        group = f"group {self.ish_group}" if self.ish_group else ("not grouped" if self.ratio else "not done")
        needs = f" (needs {html.escape(self.needs)})" if self.needs else ""
        items = "".join(f"<li><strong>{html.escape(s.rule)}</strong>: {html.escape(s.text)}</li>" for s in self.steps)
        return (
            f'<div class="her2ned-her2" style="border-left:4px solid {colour};padding:4px 10px;">'
            f'<p><strong style="color:{colour}">HER2 {html.escape(self.call)}{needs}</strong> · '
            f"category <strong>{html.escape(self.category)}</strong> · ISH {group}</p>"
            f"<ol>{items}</ol></div>"
        )


def _norm_ihc(ihc):
    if ihc is None:
        return None, False
    if isinstance(ihc, bool):
        raise TypeError(f"ihc must be one of {IHC_SCORES} (or None if not done), got {ihc!r}")
    if not isinstance(ihc, (str, int, float)):
        raise TypeError(f"ihc must be one of {IHC_SCORES} (or None if not done), got {ihc!r}")
    key = ihc.strip().lower() if isinstance(ihc, str) else ihc
    if isinstance(key, str) and key in IHC_SCORES:
        return key, False
    if key in _ISH_ALIASES:
        return _ISH_ALIASES[key], key in ("ultralow", "0 (ultralow)")
    raise ValueError(f"ihc must be one of {IHC_SCORES} (or 'ultralow', or None if not done), got {ihc!r}")


def _check_positive_number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a finite number > 0, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def _check_ish(ratio, copies, prefix=""):
    if ratio is None and copies is None:
        return None, None
    if ratio is None:
        raise ValueError(
            f"{prefix}copies was given without {prefix}ratio: dual-probe ISH needs both the "
            "HER2/CEP17 ratio (> 0) and the mean HER2 copies per cell (> 0)"
        )
    if copies is None:
        raise ValueError(
            f"{prefix}ratio was given without {prefix}copies: dual-probe ISH needs both the "
            "HER2/CEP17 ratio (> 0) and the mean HER2 copies per cell (> 0)"
        )
    return _check_positive_number(ratio, prefix + "ratio"), _check_positive_number(copies, prefix + "copies")


def ish_group(ratio: float, copies: float) -> int:
    """ASCO/CAP 2018 dual-probe ISH group (1-5) from the HER2/CEP17 ratio and mean HER2 copies per cell.

    Boundaries belong to the upper side: ratio 2.0 counts as ">= 2.0", copies 4.0 as ">= 4.0" and
    6.0 as ">= 6.0" (Wolff 2018).

    Parameters
    ----------
    ratio : float
        HER2/CEP17 ratio, finite and > 0.
    copies : float
        Mean HER2 signals per cell, finite and > 0.

    Returns
    -------
    int
        The group, 1 to 5.

    Examples
    --------
    >>> ish_group(2.0, 4.0), ish_group(1.5, 6.0), ish_group(1.5, 5.0), ish_group(2.5, 3.0)
    (1, 3, 4, 2)
    """
    ratio, copies = _check_ish(ratio, copies)
    if ratio >= RATIO_CUTOFF:
        return 1 if copies >= COPIES_LOW else 2
    if copies >= COPIES_HIGH:
        return 3
    if copies >= COPIES_LOW:
        return 4
    return 5


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{x:.1f}"


def _category(call: str, ihc: str | None, ultralow: bool) -> tuple[str, Step]:
    rule = "therapeutic category"
    if call == "positive":
        return "HER2-positive", Step(rule, "A positive call is HER2-positive.")
    if call == "equivocal":
        return "undetermined", Step(rule, "No category until the call is settled.")
    if ihc is None:
        return "undetermined", Step(
            rule,
            "HER2-negative by ISH, but HER2-low, -ultralow and -zero are defined by the IHC score, which is missing.",
        )
    if ihc in ("1+", "2+"):
        why = "IHC 1+" if ihc == "1+" else "IHC 2+ with negative ISH"
        return "HER2-low", Step(
            rule,
            f"{why} is HER2-low (the selection term for trastuzumab deruxtecan; not a formal ASCO/CAP 2023 category).",
        )
    if ultralow:
        return "HER2-ultralow", Step(
            rule, "IHC 0 with faint incomplete staining in <= 10 % (> 0 %) of cells is HER2-ultralow."
        )
    return "HER2-zero", Step(rule, "IHC 0 with no membrane staining is HER2-zero.")


def classify(
    ihc=None, ratio=None, copies=None, *, ultralow: bool = False, recount=None, rule: str = "asco_cap_2018"
) -> HER2Result:
    """Classify a breast cancer's HER2 status from IHC and, where done, dual-probe ISH.

    Parameters
    ----------
    ihc : {"0", "1+", "2+", "3+", "ultralow"} or None
        IHC score; integers 0-3 are accepted. None = IHC not done. ``"ultralow"`` means IHC 0 with
        the ultralow pattern (same as ``ihc="0", ultralow=True``).
    ratio : float or None
        HER2/CEP17 ratio from dual-probe ISH, finite and > 0. None = ISH not done.
    copies : float or None
        Mean HER2 signals per cell, finite and > 0; required whenever ``ratio`` is given.
    ultralow : bool
        IHC 0 with faint, incomplete staining in <= 10 % (> 0 %) of cells. Only valid with IHC 0.
    recount : tuple (ratio, copies) or None
        The second observer's count for IHC 2+ with ISH group 2-4 (ASCO/CAP 2018). If None, the
        recount is assumed to confirm the first count, and the path says so. If the recount falls
        in another group, the recount's group is used (the guideline leaves the resolution of such
        a change to the laboratory's own procedure; this is a simplification).
    rule : {"asco_cap_2018", "fish_ratio_2.2"}
        The guideline; ``"fish_ratio_2.2"`` is the core of ASCO/CAP 2007, in force while HER-OS
        enrolled (IHC 3+ or FISH ratio > 2.2 is positive; copy number and the equivocal band ignored).

    Returns
    -------
    HER2Result
        With ``ish_group``, ``workup``, ``call``, ``category`` and the path (``explain()``).

    Raises
    ------
    ValueError
        For an IHC score outside 0, 1+, 2+, 3+; a ratio or copy number that is not finite and > 0;
        copies without a ratio (or the reverse); ultralow with an IHC score other than 0; an unknown rule.
    TypeError
        For a non-numeric ratio or copy number.

    Examples
    --------
    >>> r = classify("2+", ratio=1.6, copies=6.5)
    >>> r.ish_group, r.call, r.category
    (3, 'positive', 'HER2-positive')
    >>> classify("1+").category
    'HER2-low'
    >>> classify("2+").needs
    'ISH'
    """
    if not isinstance(rule, str) or rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    ihc, alias_ultralow = _norm_ihc(ihc)
    ultralow = flag(ultralow, "ultralow") or alias_ultralow
    if ultralow and ihc != "0":
        raise ValueError(f"ultralow applies only to IHC 0 (allowed: ihc='0' with ultralow=True), got ihc={ihc!r}")
    ratio, copies = _check_ish(ratio, copies)
    if recount is not None:
        if not (isinstance(recount, (tuple, list)) and len(recount) == 2):
            raise TypeError(f"recount must be a (ratio, copies) pair or None, got {recount!r}")
        recount = _check_ish(recount[0], recount[1], prefix="recount ")
    if ihc is None and ratio is None:
        raise ValueError("give at least one test: ihc (one of '0', '1+', '2+', '3+') or ratio and copies")

    if rule == "fish_ratio_2.2":
        return _classify_historic(ihc, ratio, copies, ultralow)

    steps: list[Step] = []
    if ihc is not None:
        steps.append(Step("IHC", _ihc_sentence(ihc, ultralow)))
    group = workup = needs = None
    if ratio is None:
        if ihc == "3+":
            call = "positive"
        elif ihc == "2+":
            call, needs = "equivocal", "ISH"
            steps.append(
                Step(
                    "reflex ISH",
                    "IHC 2+ is equivocal: reflex testing by ISH on the same specimen "
                    "(or a new one) is required before a call.",
                )
            )
        else:
            call = "negative"
    else:
        group = ish_group(ratio, copies)
        steps.append(Step("ISH groups", _group_sentence(group, ratio, copies)))
        if group == 1:
            call = "positive"
            if ihc in ("0", "1+"):
                steps.append(
                    Step(
                        "ISH groups",
                        f"Group 1 is positive whatever the IHC; IHC {ihc} with group 1 "
                        "is discordant and worth a review of both slides.",
                    )
                )
        elif group == 5:
            if ihc == "3+":
                call = "positive"
                steps.append(
                    Step(
                        "IHC",
                        "IHC 3+ is positive on its own; group 5 ISH with IHC 3+ is discordant "
                        "and worth a review (heterogeneity, wrong area counted).",
                    )
                )
            else:
                call = "negative"
        elif ihc is None:
            call, needs = "equivocal", "IHC"
            steps.append(
                Step(
                    "concomitant IHC",
                    f"Group {group} is resolved only with IHC on the same tissue; without it no call can be made.",
                )
            )
        elif ihc == "3+":
            call, workup = "positive", "concomitant IHC"
            steps.append(Step("concomitant IHC", f"Group {group} with concomitant IHC 3+ is positive."))
        elif ihc in ("0", "1+"):
            call, workup = "negative", "concomitant IHC"
            steps.append(
                Step(
                    "concomitant IHC", f"Group {group} with concomitant IHC {ihc} is negative, reported with a comment."
                )
            )
        else:  # IHC 2+: a second observer recounts, blinded, at least 20 cells in the IHC 2+ area.
            workup = "recount"
            if recount is None:
                steps.append(
                    Step(
                        "recount",
                        f"Group {group} with IHC 2+: a second observer, blinded to the first "
                        "count, recounts >= 20 cells in the IHC 2+ area. Assumed here to "
                        "confirm the first count.",
                    )
                )
            else:
                new = ish_group(*recount)
                ratio, copies = recount
                if new == group:
                    steps.append(
                        Step(
                            "recount",
                            f"The second observer's count ({_fmt(ratio)}, {_fmt(copies)} "
                            f"copies/cell) confirms group {group}.",
                        )
                    )
                else:
                    steps.append(
                        Step(
                            "recount",
                            f"The second observer's count ({_fmt(ratio)}, {_fmt(copies)} "
                            f"copies/cell) falls in group {new}, not {group}; the recount is "
                            "used (the guideline leaves this to the laboratory's procedure).",
                        )
                    )
                    group = new
            if group in (1, 3):
                call = "positive"
                steps.append(Step("recount", f"After the recount, group {group} with IHC 2+ is positive."))
            else:
                call = "negative"
                steps.append(
                    Step(
                        "recount", f"After the recount, group {group} with IHC 2+ is negative, reported with a comment."
                    )
                )
    category, cat_step = _category(call, ihc, ultralow)
    steps.append(Step(f"{_GUIDELINE}: call", f"HER2 {call}" + (f", needs {needs}" if needs else "") + "."))
    steps.append(cat_step)
    return HER2Result(
        ihc=ihc,
        ultralow=ultralow,
        ratio=ratio,
        copies=copies,
        ish_group=group,
        workup=workup,
        call=call,
        category=category,
        needs=needs,
        steps=tuple(steps),
        rule=rule,
    )


def _ihc_sentence(ihc: str, ultralow: bool) -> str:
    return {
        "3+": "IHC 3+ (complete, intense circumferential membrane staining in > 10 % of invasive cells) is positive.",
        "2+": "IHC 2+ (weak-to-moderate complete membrane staining in > 10 % of cells) is equivocal.",
        "1+": "IHC 1+ (faint, barely perceptible, incomplete staining in > 10 % of cells) is negative.",
        "0": (
            "IHC 0 (faint incomplete staining in <= 10 % of cells: the ultralow pattern) is negative."
            if ultralow
            else "IHC 0 (no membrane staining) is negative."
        ),
    }[ihc]


def _group_sentence(group: int, ratio: float, copies: float) -> str:
    r, c = _fmt(ratio), _fmt(copies)
    return {
        1: f"Ratio {r} >= 2.0 and {c} copies/cell >= 4.0: group 1, positive.",
        2: f"Ratio {r} >= 2.0 but {c} copies/cell < 4.0: group 2, needs work-up.",
        3: f"Ratio {r} < 2.0 but {c} copies/cell >= 6.0: group 3, needs work-up.",
        4: f"Ratio {r} < 2.0 and 4.0 <= {c} copies/cell < 6.0: group 4, needs work-up.",
        5: f"Ratio {r} < 2.0 and {c} copies/cell < 4.0: group 5, negative.",
    }[group]


def _classify_historic(ihc, ratio, copies, ultralow) -> HER2Result:
    rule = "HER-OS (FISH ratio > 2.2)"
    steps = []
    needs = None
    if ihc is not None:
        steps.append(Step("IHC", _ihc_sentence(ihc, ultralow)))
    if ihc == "3+":
        call = "positive"
    elif ratio is not None:
        call = "positive" if ratio > HISTORIC_RATIO_CUTOFF else "negative"
        steps.append(
            Step(
                rule,
                f"FISH ratio {_fmt(ratio)} {'>' if call == 'positive' else '<='} 2.2: {call} (copy number not used).",
            )
        )
    elif ihc == "2+":
        call, needs = "equivocal", "ISH"
        steps.append(Step(rule, "IHC 2+ needs FISH."))
    else:
        call = "negative"
    category, cat_step = _category(call, ihc, ultralow)
    steps.append(Step(f"{rule}: call", f"HER2 {call}" + (f", needs {needs}" if needs else "") + "."))
    steps.append(cat_step)
    return HER2Result(
        ihc=ihc,
        ultralow=ultralow,
        ratio=ratio,
        copies=copies,
        ish_group=None,
        workup=None,
        call=call,
        category=category,
        needs=needs,
        steps=tuple(steps),
        rule="fish_ratio_2.2",
    )


# Example tumours for teaching, one per path through the guideline (values are illustrative, not patients).
EXAMPLES = (
    ("IHC 3+", dict(ihc="3+")),
    ("IHC 2+, ISH not yet done", dict(ihc="2+")),
    ("IHC 2+, group 1", dict(ihc="2+", ratio=3.4, copies=7.8)),
    ("IHC 2+, group 2", dict(ihc="2+", ratio=2.3, copies=3.2)),
    ("IHC 2+, group 3", dict(ihc="2+", ratio=1.7, copies=6.6)),
    ("IHC 2+, group 4", dict(ihc="2+", ratio=1.6, copies=4.8)),
    ("IHC 2+, group 5", dict(ihc="2+", ratio=1.2, copies=2.6)),
    ("IHC 3+, group 3", dict(ihc="3+", ratio=1.8, copies=6.3)),
    ("IHC 1+, group 4", dict(ihc="1+", ratio=1.5, copies=4.5)),
    ("IHC 1+", dict(ihc="1+")),
    ("IHC 0, ultralow", dict(ihc="0", ultralow=True)),
    ("IHC 0", dict(ihc="0")),
)


def example_table() -> pd.DataFrame:
    """The teaching examples (:data:`EXAMPLES`) classified, one row each.

    Examples
    --------
    >>> t = example_table()
    >>> sorted(set(t["category"]))
    ['HER2-low', 'HER2-positive', 'HER2-ultralow', 'HER2-zero', 'undetermined']
    """
    rows = []
    for label, kwargs in EXAMPLES:
        row = {"example": label}
        row.update(classify(**kwargs).summary())
        row.pop("ultralow")  # the label says it
        rows.append({k: ("—" if v is None else v) for k, v in row.items()})
    return pd.DataFrame(rows).set_index("example")


def compare_rules(ihc=None, ratio=None, copies=None, *, ultralow: bool = False) -> dict:
    """Classify one tumour under ASCO/CAP 2018 and under the historic FISH ratio > 2.2 rule.

    Returns a dict with both calls and whether they disagree.

    Examples
    --------
    >>> compare_rules("2+", ratio=2.1, copies=4.6)["disagree"]   # group 1 now; ratio <= 2.2 then
    True
    """
    new = classify(ihc, ratio, copies, ultralow=ultralow)
    old = classify(ihc, ratio, copies, ultralow=ultralow, rule="fish_ratio_2.2")
    return {"asco_cap_2018": new.call, "fish_ratio_2.2": old.call, "disagree": new.call != old.call}
