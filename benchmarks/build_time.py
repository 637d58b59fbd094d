"""Print the cold build time of the book and the rebuild time with a warm execution cache.

Cold: a fresh output folder, every chapter executed. Warm: the same folder again, where jupyter-cache
finds every chapter's code unchanged and executes nothing. Both use the strict CI flags.

    .venv/bin/python benchmarks/build_time.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JB = Path(sys.executable).parent / "jupyter-book"


def build(out: Path, *, all_files: bool) -> float:
    cmd = [str(JB), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    if all_files:
        cmd.append("--all")
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cold = build(out, all_files=True)
        # --all re-renders every page but jupyter-cache still skips unchanged notebooks
        warm = build(out, all_files=True)
    print(f"cold build (fresh folder, all chapters executed): {cold:6.1f} s")
    print(f"warm rebuild (execution cache hit, pages re-rendered): {warm:6.1f} s")
    print(f"ratio cold / warm: {cold / warm:.1f}x")


if __name__ == "__main__":
    main()
