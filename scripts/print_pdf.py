"""Print the built HTML book to PDF with Debian's Chromium, driven by Playwright.

Usage (after building the book, README command (a))::

    .venv/bin/python scripts/print_pdf.py handouts   # _build/pdf/handout_*.pdf, one A4 page each
    .venv/bin/python scripts/print_pdf.py book       # _build/pdf/book.pdf, every page in reading order

jupyter-book's own ``pdfhtml`` builder needs Playwright's bundled browser, which cannot be downloaded
everywhere; Debian's Chromium prints the same pages. Pages are opened from disk with the network
blocked, printed with the print stylesheet (no sidebars or buttons), and the kernel-free twins show
their first frame.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("HER2NED_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Hide what only makes sense on screen; keep figures and tables whole on a page where they fit.
PRINT_CSS = """
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .bd-footer,
.bd-footer-article, .prev-next-area, .header-article-items, #pst-back-to-top, .skip-link,
.bd-search, .search-button__wrapper, .sidebar-toggle, #jb-print-toc,
details.hide > summary { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
.bd-page-width { max-width: 100% !important; }
img, figure, table, .cell_output { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
"""
# A hand-out is one A4 sheet: a smaller type size and tighter headings.
HANDOUT_CSS = """
html { font-size: 12.5px !important; }
h1 { font-size: 1.9rem !important; margin: 0 0 .4rem !important; }
h2 { font-size: 1.25rem !important; margin: .7rem 0 .3rem !important; }
p, li { margin-bottom: .15rem !important; }
"""


def toc_pages() -> list[str]:
    """Every page of _toc.yml in reading order (root, chapters, their sections)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            pages.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return pages


def print_pages(
    html: Path, pages: list[str], *, margin: str = "14mm", css: str = "", browser=None
) -> list[tuple[str, bytes]]:
    """(title, PDF bytes) of each page of the built book at ``html``.

    ``browser``: a Playwright Chromium browser to reuse (the tests'); by default one is started.
    """
    missing = [p for p in pages if not (html / f"{p}.html").exists()]
    if missing:
        raise FileNotFoundError(f"not in the built book at {html}: {missing} (build it first)")
    if browser is None:
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            raise FileNotFoundError(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                return print_pages(html, pages, margin=margin, css=css, browser=browser)
            finally:
                browser.close()
    out = []
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(("file:", "data:", "blob:")) else route.abort(),
    )
    for name in pages:
        page = context.new_page()
        page.goto((html / f"{name}.html").as_uri(), wait_until="load")
        # every embedded widget drawn (the twins' first frame) and the maths typeset
        page.wait_for_function(
            """() => [...document.querySelectorAll(
            "script[type='application/vnd.jupyter.widget-view+json']")].every(
            s => s.parentElement.querySelector('.jupyter-widgets, .widget-container'))""",
            timeout=60_000,
        )
        page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.add_style_tag(content=PRINT_CSS + css)
        page.emulate_media(media="print")
        page.evaluate("() => document.fonts.ready")
        title = " ".join(page.locator("article h1").first.inner_text().split()).rstrip("#").strip()
        out.append(
            (
                title,
                page.pdf(
                    format="A4",
                    print_background=True,
                    margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
                ),
            )
        )
        page.close()
    context.close()
    return out


def print_handouts(html: Path, out: Path, browser=None) -> list[Path]:
    handouts = [p for p in toc_pages() if Path(p).name.startswith("handout_")]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (_, pdf) in zip(handouts, print_pages(html, handouts, margin="12mm", css=HANDOUT_CSS, browser=browser)):
        path = out / f"{Path(name).name}.pdf"
        path.write_bytes(pdf)
        written.append(path)
    return written


def print_book(html: Path, out: Path, browser=None) -> Path:
    """The whole book as one PDF, chapters in order, each with a bookmark."""
    from pypdf import PdfReader, PdfWriter

    pages = toc_pages()
    writer = PdfWriter()
    for title, pdf in print_pages(html, pages, browser=browser):
        first = len(writer.pages)
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
        writer.add_outline_item(title=title, page_number=first)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "book.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["handouts", "book"])
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf", help="where the PDFs go")
    args = ap.parse_args(argv)
    if args.what == "handouts":
        for path in print_handouts(args.html, args.out):
            print(f"wrote {path}")
    else:
        print(f"wrote {print_book(args.html, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
