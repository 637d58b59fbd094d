"""Every figure in the book has alt text that describes it (WCAG 2.1, success criterion 1.1.1, level A).

myst-nb writes an image output's file path as its alt text unless the cell says otherwise. A code
cell that draws a matplotlib figure therefore carries, in its option block,

    mystnb:
      image:
        alt: Forest plot of ... on a log scale, ...

Alt text says what kind of chart it is, what is on its axes and what it compares; it holds no number
the code computes (those change with the data) and no file name. The first test reads the MyST
sources (fast); the second reads the built pages, where every ``<img>`` outside embedded widget state
must have a real alt.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))

# A cell draws a figure if it shows one, creates one, or calls a plotting function (plot_*, .plot).
# Widget panels and their kernel-free twins (*_panel(), *_twin()) are not matched, on purpose.
DRAWS_FIGURE = re.compile(r"plt\.show\(|plt\.subplots\(|plt\.figure\(|(?<!def )\bplot_\w*\(|\.plot\(")
IMAGE_NAME = re.compile(r"\.(png|svg|jpe?g|gif)$", re.IGNORECASE)
MIN_ALT = 40
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _code(source: str) -> str:
    """The cell's source without comment lines (a comment naming plt.show() draws nothing)."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))


def alt_problem(alt) -> str | None:
    """Why an alt text is not acceptable, or None when it is."""
    if not isinstance(alt, str) or not alt.strip():
        return "has no alt text (set mystnb.image.alt in the cell's option block)"
    alt = alt.strip()
    if IMAGE_NAME.search(alt):
        return f"has an alt text that ends in an image file name: {alt!r}"
    if len(alt) < MIN_ALT:
        return f"has an alt text of {len(alt)} characters (< {MIN_ALT}), too short to describe it: {alt!r}"
    return None


def figure_cell_problems(path: Path) -> list[str]:
    notebook = jupytext.read(path)
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not DRAWS_FIGURE.search(_code(cell.source)):
            continue
        alt = (cell.metadata.get("mystnb", {}) or {}).get("image", {}) or {}
        problem = alt_problem(alt.get("alt") if isinstance(alt, dict) else None)
        if problem:
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            problems.append(f"{path.name}, cell {index} ({first.strip()[:60]!r}): the figure {problem}")
    return problems


def test_the_figure_check_sees_what_it_should():
    assert DRAWS_FIGURE.search("fig, ax = plt.subplots(figsize=(6, 3))")
    assert DRAWS_FIGURE.search("her2_plots.plot_ish_plane(ax=ax)")
    assert DRAWS_FIGURE.search("df.plot(x='a')")
    assert not DRAWS_FIGURE.search("from her2ned.plots.forest import plot_estimate_spread, plot_forest")
    assert not DRAWS_FIGURE.search("her2_panel()\nshare_twin()")
    assert not DRAWS_FIGURE.search(_code("# plt.show() is not needed here\nx = 1"))
    assert alt_problem(None) and alt_problem("") and alt_problem("A chart.")
    assert alt_problem("../_images/3a982b02f99594da0f41eba62907431937aeaf4a76dc92c98.png")
    assert alt_problem("x" * 50 + " figure.SVG")
    assert alt_problem("Forest plot of the odds ratios of NED on a log scale, ours beside the published.") is None


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_cell_has_alt_text(chapter):
    problems = figure_cell_problems(chapter)
    assert not problems, "figures without a describing alt text:\n" + "\n".join(problems)


class _Images(HTMLParser):
    """The ``<img>`` tags of a page, outside ``<script type="application/vnd.jupyter.widget-state+json">``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images: list[dict] = []
        self._in_widget_state = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and (attrs.get("type") or "").strip() == WIDGET_STATE:
            self._in_widget_state = True
        elif tag == "img" and not self._in_widget_state:
            self.images.append(attrs)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_widget_state = False


def page_image_problems(page: Path) -> list[str]:
    parser = _Images()
    parser.feed(page.read_text(encoding="utf-8"))
    problems = []
    for k, attrs in enumerate(parser.images):
        src = (attrs.get("src") or "")[:70]
        alt = attrs.get("alt")
        if alt is None:
            problems.append(f"{page.name}, image {k} (src {src!r}): no alt attribute")
        elif not alt.strip():
            problems.append(f"{page.name}, image {k} (src {src!r}): empty alt")
        elif IMAGE_NAME.search(alt.strip()):
            problems.append(f"{page.name}, image {k} (src {src!r}): alt is a file name: {alt[:80]!r}")
    return problems


def test_the_page_check_skips_widget_state_only():
    html = (
        '<p><img src="a.png" alt="../_images/a.png"><img src="b.png"></p>'
        f'<script type="{WIDGET_STATE}">{{"x": "<img src=\\"c.png\\">"}}</script>'
        '<img src="d.png" alt="A line chart of power against the true hazard ratio.">'
    )
    parser = _Images()
    parser.feed(html)
    assert [a.get("src") for a in parser.images] == ["a.png", "b.png", "d.png"]


@pytest.mark.book
def test_every_image_in_the_built_chapters_has_alt_text(book_html):
    pages = sorted((book_html / "chapters").glob("*.html"))
    assert pages, f"no chapter pages in {book_html / 'chapters'}"
    problems = [p for page in pages for p in page_image_problems(page)]
    assert not problems, "images without a real alt text in the built book:\n" + "\n".join(problems)
