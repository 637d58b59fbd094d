"""Shared fixtures: the built book, headless Chromium (Debian's, driven by Playwright) and Voilà.

Browser tests skip with a clear reason where Chromium or Playwright is absent; `.ci/run` installs
both, so in CI they run. Set HER2NED_BOOK_HTML=/path/to/_build/html to reuse a build you already have
(the build test itself always builds from clean).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# In CI the property tests draw the same examples on every run, so that a red run is never one a
# rerun clears; locally they keep exploring (a new counterexample there is a finding to keep).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
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
BIN = Path(sys.executable).parent


RETRIES: list[str] = []


def require_rscript(packages: str = "") -> None:
    """Skip an R agreement test where R is missing, except in CI, where .ci/run installs it: fail there."""
    if shutil.which("Rscript") is not None:
        return
    needed = " ".join(["r-base-core", *packages.split()])
    if os.environ.get("CI"):
        pytest.fail(f"Rscript not found: .ci/run installs {needed}")
    pytest.skip(f"Rscript not found (apt-get install {needed}); R agreement skipped")


def report_retry(message: str) -> None:
    """Record a notebook run that was retried after a silent kernel: listed at the end of the run (and
    appended to $HER2NED_RETRY_LOG, which benchmarks/suite_stability.py reads)."""
    RETRIES.append(message)
    if os.environ.get("HER2NED_RETRY_LOG"):
        with open(os.environ["HER2NED_RETRY_LOG"], "a") as f:
            f.write(message + "\n")


def pytest_terminal_summary(terminalreporter):
    if RETRIES:
        terminalreporter.section("notebook runs retried after a silent kernel (each passed on retry)")
        for message in RETRIES:
            terminalreporter.write_line(message)


SILENT_KERNEL = re.compile(r"CellTimeoutError|DeadKernelError|Timeout waiting for|timed out")


def jupyter_book_command(path_output: Path) -> list[str]:
    """The strict build: from clean, warnings are errors, every warning reported (`-W -n --keep-going`)."""
    return [
        str(BIN / "jupyter-book"),
        "build",
        str(ROOT),
        "--path-output",
        str(path_output),
        "--all",
        "-W",
        "-n",
        "--keep-going",
    ]


@pytest.fixture(scope="session")
def book_build(tmp_path_factory):
    """Build the whole book once per session from a clean output folder; return (returncode, log, html)."""
    reuse = os.environ.get("HER2NED_BOOK_HTML")
    if reuse:
        return 0, "(reused build: HER2NED_BOOK_HTML)", Path(reuse)
    out = tmp_path_factory.mktemp("book")
    proc = subprocess.run(jupyter_book_command(out), capture_output=True, text=True, cwd=ROOT, timeout=1800)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 and SILENT_KERNEL.search(log):
        # execute.timeout (120 s) is the watchdog; the execution cache keeps every chapter that ran,
        # so the second build runs only the one that stalled, in a fresh kernel
        evidence = [line.strip() for line in log.splitlines() if SILENT_KERNEL.search(line)][:3]
        report_retry(f"book build: a kernel went silent ({' | '.join(evidence)}); rebuilt once")
        proc = subprocess.run(jupyter_book_command(out), capture_output=True, text=True, cwd=ROOT, timeout=1800)
        log = log + "\n=== retry ===\n" + proc.stdout + proc.stderr
    (out / "build.log").write_text(log)
    return proc.returncode, log, out / "_build" / "html"


@pytest.fixture(scope="session")
def book_html(book_build):
    returncode, log, html = book_build
    if returncode != 0 or not (html / "index.html").exists():
        pytest.fail(f"the book did not build (exit {returncode}); last lines:\n{log[-3000:]}")
    return html


@pytest.fixture(scope="session")
def student_html(book_html, tmp_path_factory):
    """The student HTML edition (no solutions), built with the teacher build's execution cache."""
    from subprocess import CalledProcessError

    sys.path.insert(0, str(ROOT / "scripts"))
    import editions

    try:
        return editions.build_student_html(
            tmp_path_factory.mktemp("student"), cache=book_html.parents[0] / ".jupyter_cache"
        )
    except CalledProcessError as exc:
        pytest.fail(f"the student edition did not build cleanly:\n{(exc.stdout + exc.stderr)[-3000:]}")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright); browser tests skipped")
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped"
        if os.environ.get("CI"):  # .ci/run installs Chromium: in CI a skip would hide a broken setup
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url: str, *, offline: bool, timeout_ms: int = 120_000):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # every later wait too: on a busy machine a heavy page (chapter 6's twins) outlasts Playwright's 30 s
    page.set_default_timeout(timeout_ms)
    page.console_errors = []
    page.blocked_requests = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(f"pageerror: {e}"))
    if offline:

        def guard(route):
            if route.request.url.startswith(("file://", "data:", "blob:")):
                route.continue_()
            else:
                page.blocked_requests.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
    try:
        page.goto(url, wait_until="load", timeout=timeout_ms)
    except Exception:
        context.close()
        raise
    return page


@pytest.fixture
def static_page(browser, book_html):
    """Open a page of the built HTML from disk with every network request blocked.

    ``static_page("chapters/08_interactive_panels.html")`` returns a Playwright page with
    ``page.console_errors`` (console errors and uncaught exceptions) and ``page.blocked_requests``.
    """
    pages = []

    def open_page(relative: str):
        path = book_html / relative
        if not path.exists():
            raise FileNotFoundError(f"{relative} is not in the built book at {book_html}")
        page = _open(browser, path.as_uri(), offline=True)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def voila_server(tmp_path_factory):
    """A Voilà server on loopback serving notebooks written into a temporary folder.

    One server per test: Voilà keeps every page's kernel alive until it stops, and in CI the fourth
    kernel of one long-lived server was seen to start but never answer.
    """
    voila = BIN / "voila"
    if not voila.exists():
        pytest.skip("voila is not installed (pip install voila); live-kernel panel tests skipped")
    folder = tmp_path_factory.mktemp("voila")
    port = _free_port()
    log = open(folder / "voila.log", "w")
    proc = subprocess.Popen(
        [
            str(voila),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--ServerApp.token=",
            "--show_tracebacks=True",
            str(folder),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base, timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"voila exited early; log:\n{(folder / 'voila.log').read_text()[-2000:]}")
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("voila did not start within 60 s")
    yield base, folder
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def voila_app(browser, voila_server):
    """Render code cells live in Voilà and return the Playwright page once widgets are on screen.

    ``voila_app(["from her2ned.widgets.demo import share_panel", "share_panel()"])``
    """
    base, folder = voila_server
    pages = []

    def render(cells: list[str], timeout_ms: int = 90_000, attempts: int = 2):
        # Now and then (seen about once in ten renders on this 2-core machine, under load) Voila starts a
        # kernel that never answers its first request, and the page never finishes loading. That is a
        # fault of the harness, not of the panel, so a render that times out is tried once more with a
        # fresh kernel; a second failure fails the test.
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        nb = {
            "cells": [
                {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c}
                for c in cells
            ],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        for attempt in range(1, attempts + 1):
            name = f"app_{len(list(folder.glob('app_*.ipynb')))}.ipynb"
            (folder / name).write_text(json.dumps(nb))
            page = None
            try:
                page = _open(browser, f"{base}/voila/render/{name}", offline=False, timeout_ms=timeout_ms)
                page.wait_for_selector(".jupyter-widgets, .widget-container, .lm-Widget", timeout=timeout_ms)
            except PlaywrightTimeout:
                if page is not None:
                    page.context.close()
                if attempt == attempts:
                    raise
                report_retry(
                    f"Voila render of {cells[-1]!r}: no widget within {timeout_ms / 1000:.0f} s; "
                    "retried with a fresh kernel"
                )
                continue
            pages.append(page)
            return page

    yield render
    for page in pages:
        page.context.close()


def _visible_twin_alt(page) -> str:
    """The alt text of the frame a kernel-free twin currently shows (every frame carries one image)."""
    return page.evaluate("""() => {
        const imgs = [...document.querySelectorAll('.her2ned-twin img')];
        return imgs.filter(i => i.offsetParent !== null).map(i => i.alt).join('|');
    }""")


@pytest.fixture
def twin_alt():
    """``twin_alt(page)``: the alt text of the twin frame on screen, to see a slider move it."""
    return _visible_twin_alt


sys.path.insert(0, str(ROOT / "scripts"))
from print_pdf import toc_pages as toc_files  # noqa: E402, F401  (every page of _toc.yml, in reading order)


def copy_repository(dest: Path) -> Path:
    """Copy the repository's files (tracked and new, not ignored) to dest: what a clone would hold."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def run_logged(cmd, *, log: Path, timeout: float, **kwargs) -> None:
    """Run a setup command; on failure, fail the test with the command and the end of its output."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    with open(log, "a") as f:
        f.write(f"$ {' '.join(map(str, cmd))}\n{proc.stdout}{proc.stderr}\n")
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{(proc.stdout + proc.stderr)[-3000:]}")


class StudentEnv:
    """A copy of the repository and the virtual environment Binder would build from it."""

    def __init__(self, root: Path, venv: Path, home: Path):
        self.root, self.venv, self.bin_dir, self.home = root, venv, venv / "bin", home

    def env(self) -> dict:
        """Environment variables of a student's session: this venv first on PATH, its own HOME."""
        return {**os.environ, "PATH": f"{self.bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(self.home)}


@pytest.fixture(scope="session")
def student_env(tmp_path_factory):
    """The Binder environment built the way repo2docker builds it, from the Binder files alone.

    A copy of the repository outside it, a fresh virtual environment (no site packages), then
    ``pip install -r requirements.txt`` (pinned by requirements.lock) and ``postBuild``, as Binder
    runs them. Set HER2NED_STUDENT_ENV to an existing venv to reuse one while developing.
    """
    base = tmp_path_factory.mktemp("binder")
    root = copy_repository(base / "repo")
    reuse = os.environ.get("HER2NED_STUDENT_ENV")
    home = base / "home"
    home.mkdir()
    if reuse:
        return StudentEnv(root, Path(reuse), home)
    venv, log = base / "env", base / "setup.log"
    run_logged([sys.executable, "-m", "venv", str(venv)], log=log, timeout=300)
    run_logged([str(venv / "bin" / "pip"), "install", "-q", "-r", "requirements.txt"], log=log, timeout=1800, cwd=root)
    env = StudentEnv(root, venv, home)
    run_logged(["bash", "postBuild"], log=log, timeout=300, cwd=root, env=env.env())
    return env
