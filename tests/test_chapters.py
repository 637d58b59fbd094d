"""Every chapter executes top to bottom in a fresh kernel (jupytext + nbclient) without an error."""

from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


def is_notebook(path: Path) -> bool:
    """A MyST notebook (jupytext header, code cells); plain pages' ```bash blocks are not code to run."""
    text = path.read_text(encoding="utf-8")
    return text.startswith("---\njupytext:") and "```{code-cell}" in text


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", [p for p in CHAPTERS if is_notebook(p)], ids=lambda p: p.stem)
def test_chapter_executes_in_a_fresh_kernel(chapter):
    notebook = jupytext.read(chapter)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(chapter.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:  # the message holds the failing cell and its traceback
        pytest.fail(f"{chapter.name} failed to execute:\n{exc}")


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    missing = [p.stem for p in CHAPTERS if f"chapters/{p.stem}" not in toc]
    assert not missing, f"chapters not listed in _toc.yml: {missing}"
