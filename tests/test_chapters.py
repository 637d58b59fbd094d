"""Every chapter executes top to bottom in a fresh kernel without an error, and the committed student
and teacher notebooks generated from it are current (their glued numbers come from this execution).

The book build executes each chapter once, in a fresh kernel under the execution watchdog (see
``tests/conftest.py``); the tests read that execution back from the build's cache instead of running
every chapter a second time. ``editions.execute`` (jupytext + nbclient, what
``scripts/editions.py notebooks`` runs) is tested below on chapters made to stall."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import editions  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


@pytest.mark.book
@pytest.mark.parametrize("chapter", editions.notebook_chapters(), ids=lambda p: p.stem)
def test_chapter_executes_in_a_fresh_kernel(chapter, book_html):
    try:
        notebook = editions.executed_from_cache(chapter, book_html.parents[0] / ".jupyter_cache")
    except KeyError:
        pytest.fail(f"the book build holds no execution of {chapter.name}'s current code")
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, f"{chapter.name} raised: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    stale = [
        edition
        for edition in editions.EDITIONS
        if editions.serialise(editions.make_edition(chapter, notebook, edition))
        != editions.edition_path(chapter.stem, edition).read_text(encoding="utf-8")
    ]
    assert not stale, (
        f"notebooks/{stale}/{chapter.stem}.ipynb is out of date: run "
        f"`python scripts/editions.py notebooks chapters/{chapter.name}`"
    )


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    missing = [p.stem for p in CHAPTERS if f"chapters/{p.stem}" not in toc]
    assert not missing, f"chapters not listed in _toc.yml: {missing}"


STALLS_ONCE = """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

# A chapter whose kernel goes quiet the first time

```{code-cell} ipython3
x = 1
```

```{code-cell} ipython3
import os, time
if not os.path.exists("stalled-once"):
    open("stalled-once", "w").close()
    time.sleep(60)  # longer than the watchdog below: the first run looks like a silent kernel
```
"""


def test_a_silent_cell_is_named_and_the_chapter_retried_once_in_a_fresh_kernel(tmp_path):
    chapter = tmp_path / "stall.md"
    chapter.write_text(STALLS_ONCE)
    retried = []
    nb = editions.execute(chapter, timeout=5, on_retry=retried.append)
    assert len(retried) == 1 and "stall.md: cell 2 got no reply within 5 s" in retried[0]
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def test_a_cell_silent_twice_fails_with_the_chapter_and_cell(tmp_path):
    chapter = tmp_path / "stall.md"
    chapter.write_text(STALLS_ONCE.replace('if not os.path.exists("stalled-once")', "if True"))
    with pytest.raises(TimeoutError, match=r"stall.md: cell 2 got no reply within 5 s .*after 1 retry"):
        editions.execute(chapter, timeout=5, on_retry=lambda m: None)
