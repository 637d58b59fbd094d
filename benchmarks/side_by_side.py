"""Run benchmarks on an earlier commit and on the working tree, in the same session, and print them side by side.

The working tree's benchmark script runs once against the base commit's package (a temporary ``git worktree``,
its ``src/`` first on the path, its own ``data/``) and once against the working tree's, one after the other,
so both see the same machine and the same measurement. Each script prints its own figures and same-run ratios;
this prints the two outputs line against line.

Run::

    .venv/bin/python benchmarks/side_by_side.py --base 9ff2423
    .venv/bin/python benchmarks/side_by_side.py --base 9ff2423 reconstruct_time.py

Default benchmarks: the explorer, the bias Monte Carlo and the reconstruction.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ["explorer_latency.py", "bias_mc.py", "reconstruct_time.py"]


def run(tree: Path, script: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script)], cwd=tree, env=env, capture_output=True, text=True
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return lines if proc.returncode == 0 else lines + [f"FAILED (exit {proc.returncode}): {proc.stderr[-300:]}"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="the commit to compare with (e.g. the one before a rebuild)")
    ap.add_argument("scripts", nargs="*", default=DEFAULT, help="benchmark scripts in benchmarks/")
    args = ap.parse_args(argv)
    missing = [s for s in args.scripts if not (ROOT / "benchmarks" / s).exists()]
    if missing:
        ap.error(f"no such benchmark(s) in benchmarks/: {missing}")
    with tempfile.TemporaryDirectory(prefix="her2ned-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(base), args.base], cwd=ROOT, check=True)
        try:
            # the package finds its data as her2ned.data: point the base tree's package at the base tree's data
            (base / "src" / "her2ned" / "data").symlink_to(base / "data", target_is_directory=True)
            for script in args.scripts:
                before, after = run(base, script), run(ROOT, script)
                print(f"\n== {script}: base {args.base} | working tree")
                width = max(map(len, before), default=0)
                for b, a in itertools.zip_longest(before, after, fillvalue=""):
                    print(f"{b:<{width}} | {a}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
