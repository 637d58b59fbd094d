"""Every colour the book draws with, named once.

Categorical colours follow Okabe & Ito (2008, *Color Universal Design*) and Paul Tol's schemes,
darkened where needed. ``tests/test_palette.py`` holds every palette here to two rules:

* any two colours of one palette stay apart (CAM02-UCS ΔE ≥ 10) for normal vision and under
  simulated protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009, severity
  100, computed with ``colorspacious``, not with this module);
* lines and markers have at least 3:1 contrast on white (WCAG 2.1, 1.4.11 non-text contrast), and
  colours the panels write text in at least 4.5:1 (1.4.3); text on a fill likewise.

No other module of ``her2ned`` writes a colour literal (the test checks that too), so a change of
palette is a change of this file.
"""

from __future__ import annotations

__all__ = [
    "INK",
    "MUTED",
    "REFERENCE",
    "SHADE",
    "ON_DARK",
    "PAPER",
    "OURS",
    "PUBLISHED",
    "HIGHLIGHT",
    "NED_GROUP",
    "RESPONSE",
    "ESTIMATOR",
    "ESTIMAND",
    "LATENCY",
    "HER2_CALL",
    "ISH_GROUP",
    "COHORTS",
    "SIZES",
    "MESSAGE",
    "FEEDBACK",
    "DIAGRAM",
    "PALETTES",
]

# Neutrals: text, reference lines, backgrounds.
INK = "#222222"  # text and the lines a reader must follow (true values, medians of spreads)
MUTED = "#555555"  # secondary text, threshold lines
REFERENCE = "#999999"  # faint reference lines (HR = 1, S = 0.5)
SHADE = "#eeeeee"  # background bands (the 36-month window every patient survives)
ON_DARK = "#ffffff"  # text and marker edges on a dark fill
PAPER = "#ffffff"  # label boxes and hollow markers: the page behind the figure

# This cohort against the published study (forest plots, proportions).
OURS = "#0072B2"  # Okabe–Ito blue
PUBLISHED = "#6E6E6E"  # grey: the paper's own numbers
HIGHLIGHT = "#B2182B"  # a single published value to find at a glance

NED_GROUP = {1: "#117733", 0: "#762A83"}
"""Kaplan–Meier and explorer curves: NED (green) vs no NED (purple); apart under every CVD."""

RESPONSE = {
    "CR": "#005A32",
    "PR": "#0072B2",
    "SD": "#595959",
    "non-CR/non-PD": "#4610BA",
    "PD": "#C51B7D",
    "NE": "#A6611A",
}
"""RECIST responses. The panel writes the category names in these colours: each ≥ 4.5:1 on white."""

ESTIMATOR = {
    "naive": "#D55E00",
    "study": "#882255",
    "left_truncated": "#CC79A7",
    "landmark": "#0072B2",
    "time_dependent": "#009E73",
    "entry_time_dependent": "#661100",
    "adjusted_time_dependent": "#332288",
}
"""The bias lab's estimators (Okabe–Ito vermillion, reddish purple, bluish green, blue; Tol wine,
dark brown, indigo)."""

ESTIMAND = {"conditional_hr": "#222222", "trial_hr": "#555555", "trial_hr_start": "#767676"}
"""The true values the lab draws as reference lines (greys; dashed for the one judged by, dotted for another)."""

LATENCY = {"weibull": "#0072B2", "lognormal": "#D55E00", "loglogistic": "#009E73"}
"""The latency models of the cure chapter (Okabe–Ito blue, vermillion, bluish green)."""

HER2_CALL = {"positive": "#B2182B", "negative": "#2166AC", "equivocal": "#542146"}
"""HER2 calls written on the ISH map."""

ISH_GROUP = {1: "#FAA180", 2: "#FFFF91", 3: "#F5C1E1", 4: "#B4EBC0", 5: "#96ADE7"}
"""Fills of the five ASCO/CAP 2018 ISH groups (light, so black text on them reads at ≥ 7:1)."""

COHORTS = ("#767676", "#3787C0", "#1F5FA8", "#0B2E6B")
"""An ordered series (population, then ever narrower cohorts): grey, then blues getting darker."""

SIZES = ("#4292C6", "#2171B5", "#08306B")
"""An ordered series of measurement-error sizes, light to dark blue."""

FEEDBACK = {True: "#1B7837", False: "#C51B7D"}
"""Self-check feedback: right (green, ✔) and not yet (magenta, ✘; red and green merge for deuteranopes); the
mark says it too."""

MESSAGE = {"info": "#2166AC", "warning": "#B35806", "error": "#B2182B"}
"""Left borders of the panels' messages."""

DIAGRAM = {
    "her2": "#B2182B",
    "her3": "#1B7837",
    "egfr": "#2166AC",
    "ligand": "#FFD92F",
    "membrane": "#F6E8C3",
    "membrane_edge": "#BF812D",
    "membrane_text": "#8C510A",
    "drug": "#762A83",
    "drug_fill": "#E7D4E8",
    "drug_dark": "#40004B",
    "drug_light": "#F7F4F9",
    "payload": "#FEE08B",
    "pathway_a": "#D9F0D3",
    "pathway_b": "#D1E5F0",
    "nucleus": "#F0F0F0",
    "nucleus_edge": "#666666",
    "chromosome": "#BDBDBD",
    "outline": "#333333",
}
"""The HER2 signalling diagram (chapter 1): named parts, not data categories."""

PALETTES = {
    "NED_GROUP": NED_GROUP,
    "RESPONSE": RESPONSE,
    "ESTIMATOR": ESTIMATOR,
    "ESTIMAND": ESTIMAND,
    "LATENCY": LATENCY,
    "HER2_CALL": HER2_CALL,
    "ISH_GROUP": ISH_GROUP,
    "COHORTS": dict(enumerate(COHORTS)),
    "SIZES": dict(enumerate(SIZES)),
    "MESSAGE": MESSAGE,
    "FEEDBACK": FEEDBACK,
    "OURS_PUBLISHED": {"ours": OURS, "published": PUBLISHED, "highlight": HIGHLIGHT},
}
"""The palettes whose colours tell categories apart (checked for colour-vision deficiency)."""
