"""The student path: each generated notebook opened in JupyterLab (from the Binder environment) in
Chromium, run with Run → Run All Cells, saved, and read back.

Every notebook under ``notebooks/student`` and ``notebooks/teacher`` must run with no error output and
no code cell left unexecuted; where it shows a live panel (its source calls ``…_panel(``) at least one
ipywidgets view must render and none may say "Error displaying widget". The cohort explorer of
chapter 4 must answer a slider moved by keyboard.

The environment comes from the ``student_env`` fixture (a venv built from the Binder files and a
copy of the repository; with ``HER2NED_STUDENT_ENV`` set it reuses that venv). To serve a folder of
your own instead, set both ``HER2NED_STUDENT_ENV`` (the venv folder) and ``HER2NED_STUDENT_ROOT`` (a
folder holding ``notebooks/student`` and ``notebooks/teacher``; the notebooks there are overwritten
with their executed versions). One JupyterLab server serves the whole module; each notebook gets a
fresh browser context and its kernel is shut down afterwards. Run it alone, e.g.
``HER2NED_STUDENT_ENV=<venv> .venv/bin/python -m pytest tests/test_student_lab.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import report_retry
from labdriver import (
    LabTimeout,
    new_lab_page,
    panel_hr_text,
    panel_image_src,
    press_slider,
    run_notebook,
    shutdown_kernels,
    start_lab,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
EDITIONS = ("student", "teacher")
EXPLORER = "notebooks/student/04_who_reaches_ned.ipynb"
# a watchdog: a notebook takes about 25 s from opening to all cells done; silence for longer than this
# is a stalled kernel or page, and the notebook is retried once in a fresh context and kernel
TIMEOUT_S = float(os.environ.get("HER2NED_LAB_TIMEOUT", "180"))


def _dev_root() -> Path | None:
    root = os.environ.get("HER2NED_STUDENT_ROOT")
    return Path(root) if root else None


def _collect() -> list[str]:
    """Relative paths of the generated notebooks (the repository's, plus a development root's)."""
    roots = [REPO] + ([_dev_root()] if _dev_root() else [])
    found = {
        f"notebooks/{edition}/{p.name}"
        for root in roots
        for edition in EDITIONS
        for p in (root / "notebooks" / edition).glob("*.ipynb")
    }
    return sorted(found)


NOTEBOOKS = _collect()


@pytest.fixture(scope="module")
def lab_env(request):
    """``.bin_dir`` and ``.root`` of the environment under test.

    Both HER2NED_STUDENT_ENV and HER2NED_STUDENT_ROOT set: that venv serving that folder. Otherwise the
    ``student_env`` fixture (which builds the Binder environment, or reuses HER2NED_STUDENT_ENV alone
    with a fresh copy of the repository).
    """
    venv, root = os.environ.get("HER2NED_STUDENT_ENV"), os.environ.get("HER2NED_STUDENT_ROOT")
    if root:
        if not venv:
            pytest.fail("HER2NED_STUDENT_ROOT needs HER2NED_STUDENT_ENV (the venv to serve it from)")
        return SimpleNamespace(bin_dir=Path(venv) / "bin", root=Path(root))
    try:
        return request.getfixturevalue("student_env")
    except pytest.FixtureLookupError:
        pytest.skip(
            "no student environment: the student_env fixture is missing and "
            "HER2NED_STUDENT_ENV/HER2NED_STUDENT_ROOT are not set"
        )


@pytest.fixture(scope="module")
def lab(lab_env, tmp_path_factory):
    """One JupyterLab server for the module, serving ``lab_env.root`` from ``lab_env.bin_dir``."""
    settings = tmp_path_factory.mktemp("lab-settings")
    env = lab_env.env() if callable(getattr(lab_env, "env", None)) else None  # e.g. the student's HOME
    with start_lab(lab_env.bin_dir, lab_env.root, settings, env=env) as server:
        yield server


@pytest.fixture
def lab_run(browser, lab, tmp_path):
    """``lab_run(relpath)``: run a notebook in a fresh browser context; returns (report, page).

    The context is closed and the notebook's kernel shut down when the test ends; a screenshot of
    the page after the run (or at a timeout) is left in the test's tmp_path.
    """
    opened = []

    def run(relpath: str):
        if not (lab.root_dir / relpath).exists():
            pytest.skip(f"{relpath} is not in the environment's root {lab.root_dir}")
        shot = tmp_path / (Path(relpath).stem + ".png")
        for attempt in (1, 2):
            page = new_lab_page(browser)
            opened.append((page, relpath))
            try:
                return run_notebook(page, lab, relpath, timeout_s=TIMEOUT_S, screenshot=shot), page
            except LabTimeout as exc:
                if attempt == 2:
                    raise
                report_retry(f"JupyterLab {relpath}: {exc}; retried in a fresh kernel")
                page.context.close()
                shutdown_kernels(lab, relpath)

    yield run
    for page, relpath in opened:
        try:
            page.context.close()
        finally:
            shutdown_kernels(lab, relpath)


def _source(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in nb["cells"] if c.get("cell_type") == "code")


@pytest.mark.parametrize(
    "relpath", NOTEBOOKS, ids=[p.removeprefix("notebooks/").removesuffix(".ipynb") for p in NOTEBOOKS]
)
def test_notebook_runs_in_jupyterlab(lab_run, lab, relpath):
    report, _ = lab_run(relpath)  # skips if the environment's root lacks the notebook
    needs_widgets = "_panel(" in _source(lab.root_dir / relpath)
    summary = {k: report[k] for k in ("seconds", "widget_views", "widget_errors", "cells")}
    assert not report["errors"], f"{relpath}: error outputs {report['errors']} ({summary})"
    assert not report["unexecuted"], f"{relpath}: code cells never executed: {report['unexecuted']} ({summary})"
    assert report["widget_errors"] == 0, (
        f"{relpath}: {report['widget_errors']} outputs say 'Error displaying widget' ({summary})"
    )
    if needs_widgets:
        assert report["widget_views"] >= 1, f"{relpath} calls a live panel but no widget rendered ({summary})"


def test_explorer_answers_the_true_hr_slider(lab_run):
    report, page = lab_run(EXPLORER)
    assert not report["errors"], report["errors"]
    assert report["widget_views"] >= 1, report
    description = "true HR of NED"
    hr_before, img_before = panel_hr_text(page, description), panel_image_src(page, description)
    assert hr_before and img_before
    # End: the slider's maximum (true HR 2), a move large enough to change the estimated HR
    ms = press_slider(page, description, "End")
    hr_after, img_after = panel_hr_text(page, description), panel_image_src(page, description)
    assert hr_after != hr_before, f"the HR shown stayed {hr_before!r} after moving {description!r}"
    assert img_after != img_before, "the panel's figure did not change"
    assert ms < 30_000
    assert not page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-output", has_text="Traceback").count()
