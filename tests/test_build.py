"""The whole book builds from a clean output folder with -W -n --keep-going and no warning.

`nb_execution_raise_on_error: true` in _config.yml makes a cell that raises fail the build; without it
a plain `jupyter-book build` exits 0 even when a cell raises.
"""

import re
from pathlib import Path

import pytest
import yaml

from conftest import toc_files

ROOT = Path(__file__).resolve().parents[1]


def test_config_makes_failures_fail():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert config["execute"]["timeout"] > 30
    assert config["execute"]["allow_errors"] is False


@pytest.mark.book
def test_book_builds_without_warnings(book_build):
    returncode, log, html = book_build
    # Sphinx's "path:line: WARNING: ..." lines, and errors; not the kernel's own "[IPKernelApp] WARNING |"
    warnings = [
        line
        for line in log.splitlines()
        if re.search(r"WARNING:|ERROR:|Traceback", line) and "[IPKernelApp]" not in line
    ]
    assert returncode == 0, f"jupyter-book build exited {returncode}:\n" + "\n".join(warnings[:40] or [log[-3000:]])
    assert not warnings, "the build printed warnings:\n" + "\n".join(warnings[:40])
    assert (html / "index.html").exists()


@pytest.mark.book
def test_every_toc_page_is_built(book_build):
    _, _, html = book_build
    missing = [f for f in toc_files() if not (html / f"{f}.html").exists()]
    assert not missing, f"pages missing from the built book: {missing}"
