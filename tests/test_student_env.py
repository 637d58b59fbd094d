"""The student's path outside the development environment.

- The Binder environment, built from requirements.txt, requirements.lock and postBuild alone in a fresh
  virtual environment, imports everything the notebooks import and runs every student and teacher
  notebook to the end with no error.
- A wheel built from the repository, installed in a fresh virtual environment, finds every shipped data
  file from any directory and runs a student notebook there.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_repository, run_logged

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*/*.ipynb"))

pytestmark = pytest.mark.student


def imported_modules(paths) -> set[str]:
    """Top-level names of every module the notebooks' code cells import."""
    names = set()
    for path in paths:
        for cell in json.loads(Path(path).read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "\n".join(
                line for line in "".join(cell["source"]).splitlines() if not line.lstrip().startswith(("%", "!"))
            )
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names


def error_outputs(nb: dict) -> list[str]:
    return [
        f"cell {i}: {o['ename']}: {o['evalue']}"
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def test_binder_environment_has_everything_the_notebooks_import(student_env):
    modules = sorted(imported_modules(ROOT / n for n in NOTEBOOKS) | {"jupyterlab", "jupytext", "ipykernel"})
    assert {"her2ned", "matplotlib", "lifelines", "pandas"} <= set(modules)
    check = "import importlib.util, sys; print([m for m in sys.argv[1:] if importlib.util.find_spec(m) is None])"
    out = subprocess.run(
        [str(student_env.bin_dir / "python"), "-c", check, *modules],
        capture_output=True,
        text=True,
        check=True,
        cwd=student_env.home,
        env=student_env.env(),
    ).stdout
    assert out.strip() == "[]", f"the Binder environment lacks {out.strip()}"

    # every pin of the lock holds in the Binder environment: the class runs what the tests ran on
    def pin(line):
        name, version = line.split("==")
        return name.lower().replace("_", "-"), version

    lock = dict(pin(line) for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line)
    frozen = subprocess.run(
        [str(student_env.bin_dir / "pip"), "freeze"], capture_output=True, text=True, check=True, env=student_env.env()
    ).stdout.splitlines()
    off = [line for line in frozen if "==" in line and lock.get(pin(line)[0], pin(line)[1]) != pin(line)[1]]
    assert not off, f"Binder installed versions other than the lock's: {off}"


def test_postbuild_makes_markdown_chapters_open_as_notebooks(student_env):
    out = subprocess.run(
        [str(student_env.bin_dir / "jupytext-config"), "list-default-viewer"],
        capture_output=True,
        text=True,
        check=True,
        env=student_env.env(),
    ).stdout
    assert "markdown: Jupytext Notebook" in out and "myst: Jupytext Notebook" in out, out


def _jupyterlab_test_runs() -> bool:
    import importlib.util

    from conftest import CHROMIUM

    return Path(CHROMIUM).exists() and importlib.util.find_spec("playwright") is not None


@pytest.mark.parametrize("relpath", NOTEBOOKS)
def test_notebook_runs_in_the_binder_environment(student_env, relpath, tmp_path):
    if _jupyterlab_test_runs():  # the same notebooks run in this environment, in JupyterLab
        pytest.skip("run in JupyterLab from this environment by tests/test_student_lab.py")
    notebook = student_env.root / relpath
    proc = subprocess.run(
        [
            str(student_env.bin_dir / "jupyter"),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=600",
            "--ExecutePreprocessor.kernel_name=python3",
            "--output-dir",
            str(tmp_path),
            str(notebook),
        ],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
        env=student_env.env(),
        timeout=1200,
    )
    assert proc.returncode == 0, f"{relpath} failed in the Binder environment:\n{proc.stderr[-3000:]}"
    executed = json.loads((tmp_path / notebook.name).read_text())
    assert not error_outputs(executed)


def test_a_wheel_works_outside_the_repository(tmp_path):
    repo = copy_repository(tmp_path / "repo")
    log = tmp_path / "setup.log"
    run_logged(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(repo)],
        log=log,
        timeout=600,
    )
    wheel = next((tmp_path / "dist").glob("her2ned-*.whl"))
    env = tmp_path / "env"
    run_logged([sys.executable, "-m", "venv", str(env)], log=log, timeout=300)
    run_logged(
        [
            str(env / "bin" / "pip"),
            "install",
            "-q",
            "-c",
            str(ROOT / "requirements.lock"),
            str(wheel),
            "nbclient",
            "ipykernel",
        ],
        log=log,
        timeout=1800,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    clean = {"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": str(elsewhere)}  # no kernels of this machine
    shipped = sorted(
        p.relative_to(ROOT / "data").as_posix()
        for p in (ROOT / "data").rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".csv", ".md")
    )
    script = """
import sys
from pathlib import Path
from her2ned import datasets
from her2ned.claims import load_claims
assert "site-packages" in str(datasets.DATA_DIR), datasets.DATA_DIR
for name in sys.argv[2:]:
    assert Path(sys.argv[1], name).read_bytes() == datasets.data_path(*name.split("/")).read_bytes(), name
    if name.endswith(".csv"):
        assert len(datasets.load_csv(*name.split("/"))) > 0, name
print(len(load_claims()), "claims")
"""
    proc = subprocess.run(
        [str(env / "bin" / "python"), "-c", script, str(ROOT / "data"), *shipped],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=clean,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.split()[0]) > 20
    # a student notebook that reads the shipped tables, run from outside the repository
    notebook = repo / "notebooks" / "student" / "03_cohort.ipynb"
    run = (
        "import nbformat, nbclient, sys; nb = nbformat.read(sys.argv[1], 4); "
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3').execute(); "
        "print(sum(o.get('output_type') == 'error' for c in nb.cells for o in c.get('outputs', [])))"
    )
    proc = subprocess.run(
        [str(env / "bin" / "python"), "-c", run, str(notebook)],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=clean,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "0"
