"""Every colour is named in ``her2ned.palette``, and every palette there survives colour-vision deficiency.

Simulation of protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009, severity 100)
and colour differences in CAM02-UCS come from ``colorspacious``, an independent implementation; the
contrast ratios are WCAG 2.1's definition (relative luminance, 1.4.3 and 1.4.11).
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from her2ned import palette

colorspacious = pytest.importorskip("colorspacious")

SRC = Path(palette.__file__).parent
VISION = {
    "normal": "sRGB1",
    **{
        kind: {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}
        for kind in ("protanomaly", "deuteranomaly", "tritanomaly")
    },
}
MIN_DELTA_E = 10  # Okabe–Ito's own palette stays above 10 under all three simulations
WHITE = "#ffffff"


def seen(colour: str, vision: str) -> np.ndarray:
    rgb = np.clip(colorspacious.cspace_convert(to_rgb(colour), VISION[vision], "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def contrast(a: str, b: str) -> float:
    def luminance(c):
        rgb = np.array(to_rgb(c))
        lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(lin @ [0.2126, 0.7152, 0.0722])

    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # the usual lightest 4.5:1 grey


def test_the_reference_palette_passes_and_a_red_green_pair_fails():
    """The threshold is not vacuous: Okabe–Ito passes, a classic red/green pair fails under deuteranopia."""
    okabe_ito = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
    assert (
        min(
            colorspacious.deltaE(seen(a, v), seen(b, v), input_space="CAM02-UCS")
            for v in VISION
            for a, b in itertools.combinations(okabe_ito, 2)
        )
        >= MIN_DELTA_E
    )
    red, green = "#d62728", "#2ca02c"
    assert (
        colorspacious.deltaE(seen(red, "deuteranomaly"), seen(green, "deuteranomaly"), input_space="CAM02-UCS")
        < MIN_DELTA_E
    )


@pytest.mark.parametrize("name", sorted(palette.PALETTES))
@pytest.mark.parametrize("vision", sorted(VISION))
def test_palette_colours_stay_apart(name, vision):
    colours = palette.PALETTES[name]
    for (ka, a), (kb, b) in itertools.combinations(colours.items(), 2):
        d = colorspacious.deltaE(seen(a, vision), seen(b, vision), input_space="CAM02-UCS")
        assert d >= MIN_DELTA_E, f"{name}: {ka} {a} and {kb} {b} differ by ΔE {d:.1f} for {vision} vision"


@pytest.mark.parametrize("name", sorted(set(palette.PALETTES) - {"ISH_GROUP"}))
def test_lines_and_markers_have_3_to_1_contrast(name):
    for key, c in palette.PALETTES[name].items():
        assert contrast(c, WHITE) >= 3, f"{name}[{key!r}] = {c} has {contrast(c, WHITE):.2f}:1 on white"


@pytest.mark.parametrize(
    "colours",
    [
        palette.RESPONSE,
        palette.HER2_CALL,
        palette.FEEDBACK,
        palette.MESSAGE,
        {"INK": palette.INK, "MUTED": palette.MUTED},
    ],
    ids=repr,
)
def test_colours_written_as_text_have_4_5_to_1(colours):
    for key, c in colours.items():
        assert contrast(c, WHITE) >= 4.5, f"{key} = {c}: {contrast(c, WHITE):.2f}:1"


def test_text_on_the_ish_fills_reads():
    for group, fill in palette.ISH_GROUP.items():
        assert contrast(palette.INK, fill) >= 7, f"group {group} fill {fill}"


COLOUR_LITERAL = re.compile(r"^(#[0-9a-fA-F]{3,8}|white|black|gr[ae]y|red|green|blue|C\d|tab:\w+|0?\.\d+)$")
COLOUR_KEYWORDS = {
    "color",
    "colour",
    "c",
    "fc",
    "ec",
    "mfc",
    "mec",
    "facecolor",
    "edgecolor",
    "markerfacecolor",
    "markeredgecolor",
}


def literal_colours(path: Path):
    """Colour strings in ``path``: any string that looks like a colour, and any keyword colour argument."""
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.match(r"^#[0-9a-fA-F]{3,8}$", node.value)
        ):
            yield node.lineno, node.value
        if isinstance(node, ast.keyword) and node.arg in COLOUR_KEYWORDS and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str) and COLOUR_LITERAL.match(node.value.value):
                yield node.lineno, node.value.value
        if isinstance(node, ast.Attribute) and node.attr == "cm":
            yield node.lineno, "a matplotlib colormap"


def test_the_detector_finds_literal_colours(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(
        'ax.plot(x, color="#1b7837")\nax.bar(x, fc="white")\nc = plt.cm.Blues(0.5)\nok = "#abc is no colour"\n'
    )
    assert sorted(line for line, _ in literal_colours(f)) == [1, 1, 2, 3]


@pytest.mark.parametrize(
    "path", sorted(p for p in SRC.rglob("*.py") if p.name != "palette.py"), ids=lambda p: str(p.relative_to(SRC))
)
def test_no_module_but_the_palette_names_a_colour(path):
    found = list(literal_colours(path))
    assert not found, f"{path.name}: colour literals {found}; name them in her2ned/palette.py"
