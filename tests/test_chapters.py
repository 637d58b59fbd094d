"""Every chapter executes top to bottom in a fresh kernel (jupytext + nbclient) without an error, and
the committed student and teacher notebooks generated from it are current (their glued numbers come
from this execution)."""

import sys
from pathlib import Path

import pytest
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import editions  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", editions.notebook_chapters(), ids=lambda p: p.stem)
def test_chapter_executes_in_a_fresh_kernel(chapter):
    try:
        notebook = editions.execute(chapter)
    except CellExecutionError as exc:  # the message holds the failing cell and its traceback
        pytest.fail(f"{chapter.name} failed to execute:\n{exc}")
    stale = [edition for edition in editions.EDITIONS
             if editions.serialise(editions.make_edition(chapter, notebook, edition))
             != editions.edition_path(chapter.stem, edition).read_text(encoding="utf-8")]
    assert not stale, (f"notebooks/{stale}/{chapter.stem}.ipynb is out of date: run "
                       f"`python scripts/editions.py notebooks chapters/{chapter.name}`")


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    missing = [p.stem for p in CHAPTERS if f"chapters/{p.stem}" not in toc]
    assert not missing, f"chapters not listed in _toc.yml: {missing}"
