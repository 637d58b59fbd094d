"""Paths to the data the book ships, found inside the installed package.

The repository's ``data/`` folder is installed as the package ``her2ned.data`` (see
``pyproject.toml``), the way ``lifelines.datasets`` ships its tables, so the same call works in an
editable install, a wheel, Binder, a JupyterHub or Colab, from any working directory.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd

DATA_DIR = Path(str(files("her2ned.data")))


def data_path(*parts: str) -> Path:
    """Return the path of a shipped data file, checking that it exists.

    Parameters
    ----------
    *parts : str
        Path components below ``data/``, e.g. ``("published", "tog2026.yaml")``.

    Returns
    -------
    pathlib.Path
        Absolute path of the file.

    Raises
    ------
    TypeError
        If a component is not a string.
    ValueError
        If a component tries to leave ``data/`` (``..`` or an absolute path).
    FileNotFoundError
        If the file does not exist; the message lists what is there.

    Examples
    --------
    >>> from her2ned.datasets import data_path
    >>> data_path("published", "tog2026.yaml").name
    'tog2026.yaml'
    """
    if not parts:
        raise ValueError("data_path needs at least one path component below data/")
    for part in parts:
        if not isinstance(part, str):
            raise TypeError(f"data_path components must be str, got {type(part).__name__}: {part!r}")
        if part in ("", "..") or Path(part).is_absolute() or ".." in Path(part).parts:
            raise ValueError(f"data_path component {part!r} must name something inside data/")
    path = DATA_DIR.joinpath(*parts)
    if not path.exists():
        parent = path.parent
        available = (
            sorted(p.name for p in parent.iterdir() if not p.name.startswith(("_", "."))) if parent.is_dir() else []
        )
        raise FileNotFoundError(
            f"No shipped data file data/{'/'.join(parts)}; available in "
            f"data/{parent.relative_to(DATA_DIR).as_posix() if parent != DATA_DIR else ''}: "
            f"{available or 'nothing'}"
        )
    return path


def published_ledger_files() -> list[Path]:
    """Return the claim-ledger YAML files in ``data/published/``, sorted by name."""
    return sorted(data_path("published").glob("*.yaml"))


def load_csv(*parts: str) -> pd.DataFrame:
    """Read a shipped CSV table (e.g. ``load_csv("reconstructed", "tog2026_cohort.csv")``)."""
    path = data_path(*parts)
    if path.suffix != ".csv":
        raise ValueError(f"load_csv expects a .csv file, got {path.name}")
    return pd.read_csv(path)
