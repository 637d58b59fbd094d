"""The book printed to PDF with Debian's Chromium (scripts/print_pdf.py): one file with every page of the
table of contents in order and no blank page; each hand-out on exactly one A4 page."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import toc_files

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import print_pdf  # noqa: E402

pytestmark = [pytest.mark.book, pytest.mark.browser]


def titles_in_toc_order() -> list[str]:
    """Each page's first '# ' heading, from the sources (not from the code under test)."""
    titles = []
    for name in toc_files():
        text = (ROOT / f"{name}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", text, flags=re.M).group(1).strip())
    return titles


@pytest.fixture(scope="module")
def book_pdf(book_html, browser, tmp_path_factory):
    return PdfReader(print_pdf.print_book(book_html, tmp_path_factory.mktemp("pdf"), browser=browser))


def test_the_pdf_holds_every_page_in_order_with_a_bookmark(book_pdf):
    bookmarks = [(o.title, book_pdf.get_destination_page_number(o)) for o in book_pdf.outline]
    assert [t for t, _ in bookmarks] == titles_in_toc_order()
    starts = [p for _, p in bookmarks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for title, start in bookmarks:  # the title is printed on the page its bookmark points to
        text = " ".join((book_pdf.pages[start].extract_text() or "").split())
        assert title in text, f"{title!r} is not on page {start + 1}"


def test_no_page_is_blank_and_figures_survive(book_pdf):
    blank = [
        i + 1 for i, page in enumerate(book_pdf.pages) if not (page.extract_text() or "").strip() and not page.images
    ]
    assert not blank, f"blank pages: {blank}"
    assert sum(len(page.images) for page in book_pdf.pages) >= 20, "the figures did not print"


def test_each_handout_prints_on_one_page(book_html, browser, tmp_path):
    paths = print_pdf.print_handouts(book_html, tmp_path, browser=browser)
    assert paths and [p.stem for p in paths] == [
        Path(n).name for n in toc_files() if Path(n).name.startswith("handout_")
    ]
    for path in paths:
        reader = PdfReader(path)
        assert len(reader.pages) == 1, f"{path.name} has {len(reader.pages)} pages"
        assert "Hand-out" in reader.pages[0].extract_text()
