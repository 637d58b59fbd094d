"""Drive the student path: JupyterLab from a given environment, opened in Debian's Chromium.

The harness starts ``jupyter lab`` from a virtual environment's ``bin`` folder (the one built from the
Binder files), opens a notebook in headless Chromium through Playwright, runs every cell from the
menu (Run → Run All Cells) as a student would, saves, and reads the saved ``.ipynb`` back from disk.

* :func:`start_lab` — a JupyterLab 4 server on loopback with no token, its own settings (notebook
  windowing off so every cell is in the DOM; no news, no update checks) and a throw-away workspace.
* :func:`run_notebook` — open, wait for an idle kernel, run all, wait until done, save; returns the
  time taken, error outputs, unexecuted code cells and the rendered/broken widget counts.
* :func:`slider_latency` — key presses on an ipywidgets slider, timed in the page from the key event
  to the redrawn panel output, for the cohort explorer's "true HR of NED" control.
* :func:`shutdown_kernels` — shut a notebook's kernel down through the REST API.

Importable from ``tests/`` (on ``sys.path`` through conftest) and from ``benchmarks/`` (insert
``tests/`` into ``sys.path``). Needs Playwright (sync API) on the driving side only; the server side
needs nothing but the environment being tested.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "LabServer",
    "LabTimeout",
    "start_lab",
    "run_notebook",
    "slider_latency",
    "panel_hr_text",
    "shutdown_kernels",
    "lab_settings",
    "new_lab_page",
    "launch_chromium",
    "find_slider",
    "press_slider",
    "panel_image_src",
    "CHROMIUM",
    "CHROMIUM_ARGS",
]

#: user settings written for every server: each key is ``<extension package>/<plugin>`` and becomes
#: ``<settings_dir>/<extension package>/<plugin>.jupyterlab-settings``.
LAB_SETTINGS = {
    # every cell in the DOM (the default windowing detaches off-screen cells, hiding prompts/widgets)
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # no "Would you like to receive official Jupyter news?" toast, no update check, no toasts at all
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
    # the harness saves explicitly; an autosave racing the harness's own save is one less surprise
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # a kernel restart (not used by the harness) must not wait on a dialog
    "@jupyterlab/apputils-extension/sessionDialogs": {"skipKernelRestartDialog": True},
}

#: Debian's Chromium and the launch flags of tests/conftest.py (Playwright's own browser download is
#: not used).
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


class LabTimeout(TimeoutError):
    """A notebook did not finish in time; the message names the notebook and the running cell."""


@dataclass
class LabServer:
    """A running JupyterLab server (a context manager: leaving the block stops it)."""

    url: str
    root_dir: Path
    settings_dir: Path
    process: subprocess.Popen
    log_path: Path
    _scratch: Path = field(repr=False, default=None)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 30):
        """Call the server's REST API (no token: the server runs with authentication off)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        """Shut every kernel down, then stop the server (terminate, then kill after 15 s)."""
        if self.process.poll() is None:
            try:
                for k in self.api("GET", "/api/kernels", timeout=5):
                    self.api("DELETE", f"/api/kernels/{k['id']}", timeout=10)
            except (OSError, ValueError):
                pass
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> "LabServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_settings(settings_dir: Path) -> None:
    """Write :data:`LAB_SETTINGS` into ``settings_dir`` (JupyterLab's ``user_settings_dir``)."""
    for key, values in LAB_SETTINGS.items():
        path = Path(settings_dir) / f"{key}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


def start_lab(
    bin_dir: Path,
    root_dir: Path,
    settings_dir: Path,
    *,
    timeout_s: float = 120,
    kernel_transport: str = "ipc",
    extra_args: list[str] | None = None,
    env: dict | None = None,
) -> LabServer:
    """Start ``bin_dir/jupyter lab`` serving ``root_dir`` on a free loopback port; wait until it answers.

    Authentication is off (empty token and password; loopback only). ``settings_dir`` receives the
    user settings of :data:`LAB_SETTINGS`; the workspace, Jupyter config/data/runtime folders and
    IPython folder are private temporary folders, so nothing of the user's own setup leaks in
    (the kernel is the environment's own ``python3`` kernelspec). ``env``: the server's environment
    variables (default ``os.environ``; e.g. a student session's, with its own HOME), to which
    ``bin_dir`` first on PATH and those private folders are added.

    Kernels talk to the server over Unix sockets (``kernel_transport="ipc"``) rather than TCP: on a
    busy machine a TCP port picked for a kernel was seen taken by another process before the kernel
    bound it; that kernel then died with "Address already in use", hung on exit, and its notebook
    never got a kernel. Pass ``"tcp"`` for JupyterLab's default.

    Raises ``RuntimeError`` with the tail of the server log if it exits or does not answer within
    ``timeout_s`` seconds (a server that loses its own port to such a race is restarted, twice).
    """
    bin_dir, root_dir, settings_dir = Path(bin_dir), Path(root_dir), Path(settings_dir)
    jupyter = bin_dir / "jupyter"
    if not jupyter.exists():
        raise FileNotFoundError(f"{jupyter} does not exist: is {bin_dir} the bin folder of a venv with JupyterLab?")
    lab_settings(settings_dir)
    scratch = Path(tempfile.mkdtemp(prefix="her2ned-lab-"))
    for sub in ("workspaces", "config", "data", "runtime", "ipython"):
        (scratch / sub).mkdir()
    env = dict(os.environ if env is None else env)
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            "VIRTUAL_ENV": str(bin_dir.parent),
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),
            "JUPYTER_DATA_DIR": str(scratch / "data"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "IPYTHONDIR": str(scratch / "ipython"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    cmd = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",  # no PyPI queries from the extension manager
        # window.jupyterapp: read-only probes of the kernel connection (the page's toolbar shows
        # "idle" before a kernel is attached, and Run All then asks for a kernel)
        "--LabApp.expose_app_in_browser=True",
        f"--KernelManager.transport={kernel_transport}",
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        *(extra_args or []),
    ]
    log_path = scratch / "lab.log"
    deadline = time.monotonic() + timeout_s
    for attempt in range(3):
        port = _free_port()
        log = open(log_path, "w")
        proc = subprocess.Popen(
            [*cmd, f"--port={port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root_dir,
            env=env,
            start_new_session=True,
        )
        log.close()
        server = LabServer(
            url=f"http://127.0.0.1:{port}",
            root_dir=root_dir,
            settings_dir=settings_dir,
            process=proc,
            log_path=log_path,
            _scratch=scratch,
        )
        if _wait_for_server(server, deadline):
            return server
        tail = server.log_tail()
        if "already in use" in tail and attempt < 2:  # lost the port to another process: again
            continue
        server.stop()
        raise RuntimeError(f"jupyter lab exited early (exit {proc.returncode}); log tail:\n{tail}")


def _wait_for_server(server: LabServer, deadline: float) -> bool:
    """True once the server answers; False if it exits first; RuntimeError at the deadline."""
    proc = server.process
    while True:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{server.url}/api/status", timeout=3) as resp:
                if resp.status == 200:
                    with urllib.request.urlopen(f"{server.url}/lab", timeout=10):
                        pass
                    return True
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            tail = server.log_tail()
            server.stop()
            raise RuntimeError(f"jupyter lab did not answer in time; log tail:\n{tail}")
        time.sleep(0.5)


def launch_chromium(playwright, headless: bool = True):
    """Launch Debian's Chromium through a started Playwright (``sync_playwright().start()``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=headless, args=CHROMIUM_ARGS)


def new_lab_page(browser, viewport=(1280, 1000)):
    """A fresh browser context and page, collecting console errors in ``page.console_errors``."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(f"pageerror: {e}"))
    return page


def _sessions_for(server: LabServer, relpath: str) -> list[dict]:
    try:
        sessions = server.api("GET", "/api/sessions", timeout=10)
    except (OSError, ValueError):
        return []
    return [s for s in sessions if s.get("path") == relpath]


def shutdown_kernels(server: LabServer, relpath: str) -> int:
    """Shut down the kernel(s) of every session open on ``relpath``; return how many."""
    count = 0
    for s in _sessions_for(server, relpath):
        try:
            server.api("DELETE", f"/api/sessions/{s['id']}", timeout=30)
            count += 1
        except (OSError, ValueError):
            pass
    return count


# --- page-side probes -----------------------------------------------------------------------------

_JS_STATE = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    if (!panel) return {ready: false};
    const cells = [...panel.querySelectorAll(
        '.jp-Notebook > .jp-Cell, .jp-WindowedPanel-viewport > .jp-Cell')];
    const prompts = cells.map(c => {
        if (!c.classList.contains('jp-CodeCell')) return null;
        const p = c.querySelector('.jp-InputArea-prompt, .jp-InputPrompt');
        return p ? p.textContent.trim() : '';
    });
    const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    const kn = panel.querySelector('.jp-KernelName, .jp-Toolbar-kernelName');
    let kernel = null;
    const app = window.jupyterapp;
    const w = app && app.shell && app.shell.currentWidget;
    if (w && w.sessionContext) {
        const sc = w.sessionContext, k = sc.session && sc.session.kernel;
        kernel = {ready: sc.isReady, status: k ? k.status : null,
                  connection: k ? k.connectionStatus : null, id: k ? k.id : null,
                  name: k ? k.name : null, path: sc.path};
    }
    return {
        ready: true,
        kernel,
        ncells: cells.length,
        prompts,
        status: ind ? ind.getAttribute('data-status') : null,
        kernel_name: kn ? kn.textContent.trim() : null,
        dialog: !!document.querySelector('.jp-Dialog'),
        dialog_text: (document.querySelector('.jp-Dialog') || {}).innerText || '',
        dirty: !!document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty'),
    };
}"""

_JS_WIDGETS = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    if (!panel) return {views: 0, errors: 0};
    const all = [...panel.querySelectorAll('.jupyter-widgets')];
    const top = all.filter(e => !e.parentElement.closest('.jupyter-widgets'));
    const errors = [...panel.querySelectorAll('.jp-OutputArea-output')]
        .filter(e => e.textContent.includes('Error displaying widget')).length;
    return {views: top.length, errors};
}"""


# the kernel attached to the current notebook is connected and idle (window.jupyterapp), or, if the
# app is not exposed, trust the toolbar's indicator alone
_JS_KERNEL_IDLE = (
    "(window.jupyterapp ? (s.kernel && s.kernel.ready && s.kernel.status === 'idle' && "
    "s.kernel.connection === 'connected') : true)"
)


# Run All has started once a prompt shows [*] (Run All marks every queued cell at once): watched by a
# MutationObserver armed before the click, so a notebook saved with outputs (prompts already
# numbered) is not taken as done before it ran.
_JS_WATCH_START = """() => {
    window.__h2n_started = false;
    window.__h2n_idle_since = null;
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const seen = () => {
        if ([...panel.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))) {
            window.__h2n_started = true; obs.disconnect();
        }
    };
    const obs = new MutationObserver(seen);
    obs.observe(panel, {childList: true, subtree: true, characterData: true});
    seen();
    return true;
}"""


def _state(page) -> dict:
    return page.evaluate(_JS_STATE)


def _running_index(state: dict) -> int | None:
    for i, p in enumerate(state.get("prompts") or []):
        if p is not None and "*" in p:
            return i
    return None


def _read_ipynb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _errors_and_unexecuted(nb: dict) -> tuple[list[dict], list[int]]:
    errors, unexecuted = [], []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("execution_count") is None and source.strip():
            unexecuted.append(i)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append({"cell": i, "ename": out.get("ename"), "evalue": out.get("evalue")})
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                if "Traceback (most recent call last)" in text:
                    errors.append({"cell": i, "ename": "stderr traceback", "evalue": text[-500:]})
    return errors, unexecuted


def _click_menu(page, menu: str, item: str) -> None:
    label = page.locator(".lm-MenuBar-itemLabel", has_text=menu)
    page.locator(".lm-MenuBar-item", has=label).first.click()
    entry = page.locator(
        ".lm-Menu:not(.lm-mod-hidden) .lm-Menu-item:not(.lm-mod-disabled)", has=page.get_by_text(item, exact=True)
    ).first
    entry.wait_for(state="visible", timeout=10_000)
    entry.click()


def run_notebook(
    page,
    server: LabServer,
    relpath: str,
    timeout_s: float = 600,
    screenshot: str | Path | None = None,
    ready_timeout_s: float = 180,
) -> dict:
    """Open ``relpath`` in JupyterLab, run all cells from the Run menu, save, and report.

    Returns ``{"seconds", "seconds_to_kernel", "seconds_running", "errors", "unexecuted",
    "widget_views", "widget_errors", "cells", "console_errors"}``: ``seconds`` from the start of page
    load to the last cell done (kernel idle and no ``[*]`` prompt), split into page load → idle
    kernel and idle kernel → done (menu click and execution); ``errors`` the error outputs of the
    *saved* notebook as dicts ``{"cell", "ename", "evalue"}`` (cell = index in the notebook's cell
    list; a traceback printed to stderr counts too); ``unexecuted`` the
    indices of non-empty code cells whose saved ``execution_count`` is None; ``widget_views`` the
    number of top-level rendered ipywidgets views; ``widget_errors`` the outputs saying
    "Error displaying widget".

    Raises :class:`LabTimeout` (naming the notebook and the cell still running) if the whole walk
    takes longer than ``timeout_s`` seconds, or if the notebook has no idle kernel within
    ``ready_timeout_s`` of opening (then with the server log's tail, where a kernel that died at
    start shows its traceback); ``RuntimeError`` if a dialog blocks the page. ``screenshot``: a
    PNG path for the page after the run (or at the failure).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    path = server.root_dir / relpath
    if not path.exists():
        raise FileNotFoundError(f"{relpath} is not under the server's root {server.root_dir}")
    t0 = time.monotonic()
    deadline = t0 + timeout_s

    def left_ms(cap: float | None = None) -> float:
        left = max(1.0, deadline - time.monotonic())
        return 1000 * (min(left, cap) if cap else left)

    def fail(what: str, log: bool = False):
        state = _state(page) if not page.is_closed() else {}
        running = _running_index(state)
        where = f"; cell {running} still running ([*])" if running is not None else ""
        if screenshot:
            try:
                page.screenshot(path=str(screenshot), full_page=False)
            except Exception:  # noqa: BLE001 - a screenshot is a courtesy
                pass
        raise LabTimeout(
            f"{relpath}: {what} after {time.monotonic() - t0:.0f} s "
            f"(limit {timeout_s:.0f} s){where}; kernel status {state.get('status')!r}"
            + (f"; dialog: {state.get('dialog_text')[:300]!r}" if state.get("dialog") else "")
            + (f"\nserver log tail:\n{server.log_tail(2500)}" if log else "")
        )

    quoted = urllib.parse.quote(relpath)
    try:
        # ?reset: a fresh workspace, so the notebook opened before is not restored beside this one
        page.goto(f"{server.url}/lab/tree/{quoted}?reset", wait_until="domcontentloaded", timeout=left_ms())
    except PlaywrightTimeout:
        fail("JupyterLab did not load", log=True)
    # 1. the notebook and an idle kernel
    try:
        page.wait_for_function(
            f"""() => {{ const s = ({_JS_STATE})(); return s.ready && s.ncells > 0 &&
                        ((s.status === 'idle' && {_JS_KERNEL_IDLE}) || s.dialog); }}""",
            timeout=left_ms(ready_timeout_s),
            polling=200,
        )
    except PlaywrightTimeout:
        fail("the notebook or its kernel did not become ready", log=True)
    t_ready = time.monotonic()
    state = _state(page)
    if state["dialog"]:
        raise RuntimeError(f"{relpath}: a dialog blocks the notebook: {state['dialog_text'][:500]!r}")
    n_code = sum(p is not None for p in state["prompts"])
    if not n_code:
        raise RuntimeError(f"{relpath}: the notebook shows no code cell")
    # 2. run all, from the menu a student would use (it acts on the current notebook)
    page.evaluate(_JS_WATCH_START)
    _click_menu(page, "Run", "Run All Cells")
    # 3. done: Run All has started, no prompt shows [*], the kernel is idle, all for 0.5 s running
    done_js = f"""() => {{
        const s = ({_JS_STATE})();
        if (!s.ready) return false;
        const code = s.prompts.filter(p => p !== null);
        const busy = code.some(p => p.includes('*'));
        const started = window.__h2n_started === true;
        const ok = started && !busy && s.status === 'idle' && {_JS_KERNEL_IDLE};
        const now = performance.now();
        if (!ok) {{ window.__h2n_idle_since = null; return false; }}
        if (window.__h2n_idle_since == null) window.__h2n_idle_since = now;
        return now - window.__h2n_idle_since >= 500 ? window.__h2n_idle_since : false;
    }}"""

    try:
        handle = page.wait_for_function(done_js, timeout=left_ms(), polling=100)
    except PlaywrightTimeout:
        fail("the cells did not finish")
    # the moment the run finished (before the 0.5 s stability window), on the page's clock
    idle_since = handle.json_value()
    now_page = page.evaluate("() => performance.now()")
    t_done = time.monotonic() - max(0.0, (now_page - idle_since) / 1000)
    seconds = t_done - t0
    # 4. widgets: wait until the count of rendered views is stable for 1 s (at most 20 s)
    views = _settle_widgets(page, min(20.0, max(1.0, deadline - time.monotonic())))
    if screenshot:  # the first live panel if there is one, else the top of the notebook
        page.evaluate("""() => { const w = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .jupyter-widgets');
            if (w) w.scrollIntoView({block: 'start'}); }""")
        page.wait_for_timeout(300)
        page.screenshot(path=str(screenshot), full_page=False)
    # 5. save (Ctrl+S in the notebook) and wait for the file on disk to change
    before = path.stat().st_mtime_ns
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.focus()
    page.keyboard.press("Control+s")
    save_deadline = time.monotonic() + min(60.0, max(5.0, deadline - time.monotonic()))
    while path.stat().st_mtime_ns == before or _state(page).get("dirty"):
        if time.monotonic() > save_deadline:
            _click_menu(page, "File", "Save Notebook")  # the menu, once, if the shortcut was lost
            save_deadline = time.monotonic() + 30
            while path.stat().st_mtime_ns == before:
                if time.monotonic() > save_deadline:
                    raise LabTimeout(f"{relpath}: the notebook was not saved to disk")
                time.sleep(0.2)
            break
        time.sleep(0.2)
    nb = _read_ipynb(path)
    errors, unexecuted = _errors_and_unexecuted(nb)
    return {
        "seconds": round(seconds, 2),
        "seconds_to_kernel": round(t_ready - t0, 2),
        "seconds_running": round(t_done - t_ready, 2),
        "errors": errors,
        "unexecuted": unexecuted,
        "widget_views": views["views"],
        "widget_errors": views["errors"],
        "cells": len(nb["cells"]),
        "console_errors": list(getattr(page, "console_errors", [])),
    }


def _settle_widgets(page, max_s: float) -> dict:
    end = time.monotonic() + max_s
    last, since = None, time.monotonic()
    while True:
        cur = page.evaluate(_JS_WIDGETS)
        if cur != last:
            last, since = cur, time.monotonic()
        elif time.monotonic() - since >= 1.0:
            return cur
        if time.monotonic() > end:
            return cur
        time.sleep(0.2)


# --- slider latency ---------------------------------------------------------------------------------

_JS_FIND_SLIDER = """(desc) => {
    const sliders = [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .widget-slider')];
    const match = sliders.filter(s => {
        const l = s.querySelector('.widget-label, label');
        return l && l.textContent.trim() === desc;
    });
    if (!match.length) return null;
    const s = match[0];
    // the panel: the nearest ancestor widget that holds an Output widget
    let panel = s.parentElement;
    while (panel && !(panel.classList.contains('jupyter-widgets') && panel.querySelector('.widget-output')))
        panel = panel.parentElement;
    document.querySelectorAll('[data-h2n-slider]').forEach(e => e.removeAttribute('data-h2n-slider'));
    document.querySelectorAll('[data-h2n-panel]').forEach(e => e.removeAttribute('data-h2n-panel'));
    s.setAttribute('data-h2n-slider', '1');
    if (panel) panel.setAttribute('data-h2n-panel', '1');
    return {count: match.length, panel: !!panel,
            readout: (s.querySelector('.widget-readout') || {}).textContent || null};
}"""

# Arm a one-shot timer: t0 = the keydown event's timestamp on the slider handle; t1 = the animation
# frame after the panel's Output shows a *new* image node that has decoded (the summary HTML comes
# before the image in the same Output, so the whole redraw is on screen).
_JS_ARM = """() => {
    const panel = document.querySelector('[data-h2n-panel]');
    const handle = document.querySelector('[data-h2n-slider] .noUi-handle');
    const out = panel.querySelector('.widget-output');
    const oldImg = out.querySelector('img');
    const oldHr = out.querySelector('.jp-RenderedHTMLCommon');
    window.__h2n_lat = new Promise((resolve, reject) => {
        let t0 = null, first = null, done = false;
        const onKey = (e) => { if (t0 === null) t0 = e.timeStamp; };
        handle.addEventListener('keydown', onKey, {capture: true, once: true});
        const check = () => {
            if (done || t0 === null) return;
            if (first === null) first = performance.now() - t0;
            const img = out.querySelector('img');
            const hr = out.querySelector('.jp-RenderedHTMLCommon');
            // a degenerate draw shows only a message box (no summary table, no image)
            const msg = out.querySelector('.her2ned-message')
                && !out.querySelector('.her2ned-explorer-summary');
            if ((img && img !== oldImg && hr && hr !== oldHr) || msg) {
                done = true;
                obs.disconnect();
                const inserted = performance.now() - t0;
                const fin = () => requestAnimationFrame(
                    () => resolve({total: performance.now() - t0, first, inserted}));
                if (img && img.decode) img.decode().then(fin, fin); else fin();
            }
        };
        const obs = new MutationObserver(check);
        obs.observe(out, {childList: true, subtree: true, attributes: true, attributeFilter: ['src']});
        setTimeout(() => {
            if (!done) { obs.disconnect(); reject(new Error('the panel did not redraw within 30 s')); }
        }, 30000);
    });
    return true;
}"""


def find_slider(page, description: str):
    """Mark the slider labelled ``description`` and its panel; return the slider's handle locator."""
    info = page.evaluate(_JS_FIND_SLIDER, description)
    if not info:
        raise LookupError(f"no ipywidgets slider labelled {description!r} on the page")
    if not info["panel"]:
        raise LookupError(f"the slider {description!r} is not inside a panel with an Output widget")
    return page.locator("[data-h2n-slider] .noUi-handle").first


def panel_hr_text(page, description: str = "true HR of NED") -> str:
    """The HR the panel holding the slider ``description`` shows now (its ``.her2ned-hr`` text)."""
    find_slider(page, description)
    return page.locator("[data-h2n-panel] .her2ned-hr").first.inner_text()


def panel_image_src(page, description: str = "true HR of NED") -> str | None:
    """The ``src`` of the image in that panel's output (a data URL that changes on every redraw)."""
    find_slider(page, description)
    return page.locator("[data-h2n-panel] .widget-output img").first.get_attribute("src")


def press_slider(page, description: str, key: str, *, detail: bool = False):
    """Press ``key`` on the slider's handle and return the ms until the panel has redrawn.

    With ``detail=True`` return ``{"total": ms, "first": ms, "inserted": ms}``: ``first`` the time to
    the first change of the panel's output (the kernel's first reply: the output cleared),
    ``inserted`` to the new summary and image being in the DOM (``total`` adds decoding the image and
    the next animation frame).
    """
    handle = find_slider(page, description)
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.evaluate(_JS_ARM)
    handle.press(key)
    result = page.evaluate("() => window.__h2n_lat")
    return result if detail else result["total"]


def slider_latency(page, description: str, changes: int = 30, settle_ms: int = 150, *, detail: bool = False) -> list:
    """Change the slider ``description`` ``changes`` times by keyboard; return each latency in ms.

    Keys alternate ArrowRight / ArrowLeft on the focused noUiSlider handle: one press moves one step
    and commits the value (the sliders use ``continuous_update=False``; noUiSlider fires its
    ``change`` event on a key press). Each latency runs from the keydown event to the animation frame
    after the panel's output shows its new image (see :data:`_JS_ARM`); the next press waits for it
    and ``settle_ms`` more so changes do not queue up in the kernel. ``detail=True`` returns the
    dicts of :func:`press_slider` instead.
    """
    handle = find_slider(page, description)
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    keys = ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft")
    out = []
    for i in range(changes):
        out.append(press_slider(page, description, keys[i % 2], detail=detail))
        page.wait_for_timeout(settle_ms)
    return out
