"""The code passes the linter and the formatter configured in pyproject.toml (ruff: pycodestyle and pyflakes
rules; ruff's formatter), and the pre-commit hooks run the same ruff as the suite."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).parent / "ruff"
CHECKED = ["src", "tests", "scripts", "benchmarks", "_ext"]


def _need_ruff():
    if not RUFF.exists():
        if os.environ.get("CI"):  # requirements-dev installs ruff: in CI a skip would hide a broken setup
            pytest.fail(f"ruff is not installed at {RUFF}")
        pytest.skip("ruff is not installed (pip install -r requirements-dev.txt)")


def test_ruff_finds_nothing():
    _need_ruff()
    run = subprocess.run(
        [str(RUFF), "check", "--no-cache", "--output-format", "concise", *CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, f"ruff check found problems:\n{run.stdout}{run.stderr}"


def test_code_is_formatted():
    _need_ruff()
    run = subprocess.run(
        [str(RUFF), "format", "--check", "--no-cache", *CHECKED], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, f"files ruff format would change (run `ruff format`):\n{run.stdout}{run.stderr}"


def test_pre_commit_hooks_pin_the_locked_ruff():
    locked = re.search(r"^ruff==(\S+)$", (ROOT / "requirements.lock").read_text(), re.M).group(1)
    hooks = (ROOT / ".pre-commit-config.yaml").read_text()
    pins = re.findall(r"ruff==([\w.]+)", hooks)
    assert pins and set(pins) == {locked}, f"pre-commit pins ruff {pins}, the lock {locked}"
    assert "ruff check" in hooks and "ruff format --check" in hooks


def test_ruff_reads_the_projects_settings(tmp_path):
    # a line of 121 characters fails only if the configured rules and length are the ones in use
    bad = tmp_path / "src" / "long.py"
    bad.parent.mkdir()
    bad.write_text("x = " + repr("a" * 115) + "\n")
    if not RUFF.exists():
        pytest.skip("ruff is not installed")
    run = subprocess.run(
        [str(RUFF), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "E501" in run.stdout, run.stdout + run.stderr
