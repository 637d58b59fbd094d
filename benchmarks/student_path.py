"""The student path, timed: build the Binder environment, run each student notebook in JupyterLab,
and move the cohort explorer's slider.

Prints

(a) the time to build the Binder environment from scratch: a copy of the repository's files (tracked
    plus untracked-but-not-ignored, as in the working tree) in a temporary folder, a fresh venv,
    ``pip install`` of the Binder base (what repo2docker's Python 3.11 environment provides:
    JupyterLab 4, Notebook 7, Jupyter Server 2, ipywidgets 8) and of ``requirements.txt``, then
    ``postBuild`` with the venv's ``bin`` first on PATH;
(b) per notebook in ``notebooks/student``: seconds from opening it in JupyterLab (Chromium) to all
    cells done after Run → Run All Cells;
(c) the explorer's latency from a key press on the "true HR of NED" slider to the redrawn panel on
    screen, median and 95th percentile over ``--changes`` presses (goal: median ≤ 50 ms, p95 ≤ 100 ms).

Run::

    .venv/bin/python benchmarks/student_path.py                  # build a fresh environment (minutes)
    .venv/bin/python benchmarks/student_path.py --env DIR      # reuse a venv; skips (a)

The driving side needs Playwright and Debian's Chromium (``/usr/bin/chromium``); the environment under
test needs nothing the Binder files do not install.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import labdriver  # noqa: E402
from conftest import copy_repository  # noqa: E402  (tracked + new files, as a clone holds)

#: What repo2docker's Python 3.11 base environment provides before it reads requirements.txt
#: (repo2docker/buildpacks/conda/environment.py-3.11.yml; its JupyterHub, resource-usage and
#: offline-notebook extras are left out).
BINDER_BASE = ["jupyterlab==4.*", "notebook==7.*", "jupyter_server==2.*", "ipywidgets==8.*"]
EXPLORER = "notebooks/student/04_who_reaches_ned.ipynb"
SLIDER = "true HR of NED"


def _run(cmd, *, cwd, env, log, what):
    log.write(f"$ {' '.join(map(str, cmd))}\n")
    log.flush()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}); see {log.name}")


def build_binder_env(dest: Path, *, python: str = sys.executable, base: list[str] | None = None) -> float:
    """Build the Binder environment of this repository under ``dest``; return the seconds it took.

    ``dest/repo`` receives a copy of this repository (``conftest.copy_repository``), ``dest/venv`` a fresh
    virtual environment with :data:`BINDER_BASE` (or ``base``) and ``requirements.txt`` installed
    from the copy, after which the copy's ``postBuild`` runs with ``dest/venv/bin`` first on PATH.
    The log is ``dest/build.log``. Copying the files counts in the time (Binder clones too).
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    copy, venv = dest / "repo", dest / "venv"
    bin_dir = venv / "bin"
    env = dict(os.environ)
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(var, None)
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
    )
    start = time.perf_counter()
    with open(dest / "build.log", "w") as log:
        copy.mkdir(parents=True)
        copy_repository(copy)
        _run([python, "-m", "venv", str(venv)], cwd=copy, env=env, log=log, what="venv")
        pip = [str(bin_dir / "python"), "-m", "pip", "install"]
        _run(
            [*pip, *(BINDER_BASE if base is None else base)],
            cwd=copy,
            env=env,
            log=log,
            what="pip install (Binder base)",
        )
        if (copy / "requirements.txt").exists():
            _run([*pip, "-r", "requirements.txt"], cwd=copy, env=env, log=log, what="pip install -r requirements.txt")
        post = copy / "postBuild"
        if post.exists():
            _run(["bash", str(post)], cwd=copy, env=env, log=log, what="postBuild")
    return time.perf_counter() - start


def _pct(values, q):
    """The q-quantile (0..1) by linear interpolation."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def time_notebooks(
    bin_dir: Path, root: Path, *, changes: int, timeout_s: float, screenshots: Path | None = None
) -> dict:
    """(b) and (c): every student notebook under ``root``, then the explorer's slider latency."""
    from playwright.sync_api import sync_playwright

    notebooks = sorted((root / "notebooks" / "student").glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no notebooks under {root / 'notebooks' / 'student'}")
    results, latency = {}, None
    settings = Path(tempfile.mkdtemp(prefix="her2ned-lab-settings-"))
    try:
        with labdriver.start_lab(bin_dir, root, settings) as server, sync_playwright() as p:
            browser = labdriver.launch_chromium(p)
            try:
                for nb in notebooks:
                    rel = nb.relative_to(root).as_posix()
                    page = labdriver.new_lab_page(browser)
                    try:
                        shot = screenshots / f"{nb.stem}.png" if screenshots else None
                        report = labdriver.run_notebook(page, server, rel, timeout_s=timeout_s, screenshot=shot)
                        results[nb.name] = report
                        print(
                            f"  {nb.name:32s} {report['seconds']:6.1f} s (lab + kernel "
                            f"{report['seconds_to_kernel']:4.1f} s, run all {report['seconds_running']:5.1f} s)"
                            f"  errors {len(report['errors'])}"
                            f"  unexecuted {len(report['unexecuted'])}  widgets {report['widget_views']}"
                            f"  widget errors {report['widget_errors']}",
                            flush=True,
                        )
                        if rel == EXPLORER and changes:
                            page.wait_for_timeout(500)
                            detail = labdriver.slider_latency(page, SLIDER, changes=changes, detail=True)
                            latency = detail
                    except labdriver.LabTimeout as exc:
                        results[nb.name] = {"failed": str(exc)}
                        print(f"  {nb.name:32s}  FAILED: {exc}", flush=True)
                    finally:
                        page.context.close()
                        labdriver.shutdown_kernels(server, rel)
            finally:
                browser.close()
    finally:
        shutil.rmtree(settings, ignore_errors=True)
    return {"notebooks": results, "latency": latency}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--env", type=Path, help="reuse this venv (skip building the Binder environment)")
    ap.add_argument(
        "--root", type=Path, help="serve this folder (default: the built copy, or with --env a fresh copy of the repo)"
    )
    ap.add_argument("--changes", type=int, default=40, help="slider changes to time (≥ 30)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed per notebook")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    ap.add_argument("--screenshots", type=Path, help="save a screenshot of each notebook after run-all here")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="her2ned-student-path-"))
    try:
        print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs; work folder {work}")
        if args.env:
            bin_dir = args.env / "bin"
            (work / "repo").mkdir()
            root = args.root or copy_repository(work / "repo")
            print("(a) Binder environment: reused", args.env)
        else:
            seconds = build_binder_env(work)
            bin_dir, root = work / "venv" / "bin", args.root or work / "repo"
            print(f"(a) Binder environment from scratch (copy + venv + pip + postBuild): {seconds:7.1f} s")
        version = subprocess.run(
            [str(bin_dir / "jupyter"), "lab", "--version"], capture_output=True, text=True
        ).stdout.strip()
        print(f"    JupyterLab {version} from {bin_dir}")
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
        print("(b) student notebooks, open → all cells done (Run → Run All Cells):")
        out = time_notebooks(bin_dir, root, changes=args.changes, timeout_s=args.timeout, screenshots=args.screenshots)
        done = [r["seconds"] for r in out["notebooks"].values() if "seconds" in r]
        if done:
            print(f"    total {sum(done):.1f} s over {len(done)} notebooks")
        lat = out["latency"]
        if lat:
            total = [d["total"] for d in lat]
            first = [d["first"] for d in lat if d["first"] is not None]
            med, p95 = statistics.median(total), _pct(total, 0.95)
            verdict = "meets" if med <= 50 and p95 <= 100 else "misses"
            print(
                f"(c) explorer '{SLIDER}' key press → redrawn panel, {len(total)} changes: "
                f"median {med:.0f} ms, p95 {p95:.0f} ms ({verdict} the goal median ≤ 50, p95 ≤ 100)"
            )
            inserted = [d["inserted"] for d in lat]
            if first:
                print(
                    f"    key press → first change of the panel output (the kernel's first reply, output "
                    f"cleared): median {statistics.median(first):.0f} ms, p95 {_pct(first, 0.95):.0f} ms"
                )
            print(
                f"    key press → new summary and image in the DOM (before image decode and paint): "
                f"median {statistics.median(inserted):.0f} ms, p95 {_pct(inserted, 0.95):.0f} ms"
            )
        else:
            print(f"(c) explorer latency: not measured ({EXPLORER} missing or failed)")
    finally:
        if args.keep:
            print("kept", work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
