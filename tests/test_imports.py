"""Imports run one way: no module of ``her2ned`` imports, directly or through others, a module that
imports it back, counting imports inside functions too (a cycle hidden in a function is still a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import her2ned

PACKAGE = Path(her2ned.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _plot_methods(tree: ast.AST) -> list[ast.AST]:
    """The ``plot`` methods of the module's classes: a result hands itself to ``her2ned.plots`` there."""
    return [
        f
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef)
        for f in c.body
        if isinstance(f, ast.FunctionDef) and f.name == "plot"
    ]


def _imported(name: str, tree: ast.AST) -> set[str]:
    """The package's modules that module ``name`` imports anywhere in ``tree`` (its body, or a part of it)."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        found.update(c for c in candidates if c in MODULES)
    # a module's own package (its __init__) runs first anyway; importing names from it is not a cycle
    return {m for m in found if m != name and not name.startswith(m + ".")}


TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}
GRAPH = {name: _imported(name, tree) for name, tree in TREES.items()}
#: The imports inside results' ``plot`` methods, made only when a figure is drawn (as pandas' ``DataFrame.plot``
#: hands itself to ``pandas.plotting``): they count for cycles, and may go up to the plots layer only.
PLOT_HANDOFFS = {name: set().union(*(_imported(name, f) for f in _plot_methods(tree))) for name, tree in TREES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, ..., a]``, or None (depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node):
        state[node], _ = 1, path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node], _ = 2, path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_imports_inside_functions():
    # feasible imports models inside conclusion_measures only
    assert "her2ned.models" in GRAPH["her2ned.feasible"]
    assert "her2ned.reconstruct" in GRAPH["her2ned.reproduce"]


def test_no_import_cycle():
    cycle = _cycle(GRAPH)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


#: The package's layers, lowest first: a module may import from its own layer or lower ones, never higher.
LAYERS = [
    (
        "ledger and contracts",
        {
            "her2ned._arguments",
            "her2ned.palette",
            "her2ned.results",
            "her2ned.claims",
            "her2ned.datasets",
            "her2ned.targets",
        },
    ),
    ("study design", {"her2ned.study_design"}),
    ("estimators", {"her2ned.models", "her2ned.fastcox", "her2ned.proportions"}),
    ("simulators and rules", {"her2ned.simulate", "her2ned.recist", "her2ned.her2"}),
    (
        "analyses",
        {
            "her2ned.cohort_analysis",
            "her2ned.repeat",
            "her2ned.bias",
            "her2ned.estimands",
            "her2ned.study_analyses",
            "her2ned.stop_at_ned",
            "her2ned.cure",
            "her2ned.competing",
            "her2ned.power",
            "her2ned.ipd",
            "her2ned.tables",
            "her2ned.recist_cohort",
        },
    ),
    ("reconstructions", {"her2ned.reconstruct", "her2ned.heros"}),
    ("reproduction", {"her2ned.reproduce", "her2ned.feasible", "her2ned.followup"}),
    ("plots", {"her2ned.plots"}),
    ("panels and self-checks", {"her2ned.widgets", "her2ned.checks"}),
]


def _layer(module: str) -> int:
    if module == "her2ned":
        return len(LAYERS)  # the package's own __init__ sits above everything it may re-export
    for k, (_, members) in enumerate(LAYERS):
        if any(module == m or module.startswith(m + ".") for m in members):
            return k
    raise KeyError(module)


def test_every_module_has_a_layer():
    missing = [
        m
        for m in MODULES
        if m != "her2ned" and not any(m == x or m.startswith(x + ".") for _, members in LAYERS for x in members)
    ]
    assert not missing, f"modules in no layer (add them to LAYERS): {missing}"


def test_imports_run_down_the_layers():
    plots = next(k for k, (layer, _) in enumerate(LAYERS) if layer == "plots")
    upward = [
        f"{m} ({LAYERS[_layer(m)][0]}) imports {d} ({LAYERS[_layer(d)][0]})"
        for m, deps in sorted(GRAPH.items())
        for d in sorted(deps)
        if _layer(d) > _layer(m) and not (d in PLOT_HANDOFFS[m] and _layer(d) == plots)
    ]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_results_hand_themselves_to_the_plots_layer_only_in_plot():
    # the exception above is real and narrow: models.core's results draw through her2ned.plots
    assert {"her2ned.plots.forest", "her2ned.plots.survival"} <= PLOT_HANDOFFS["her2ned.models.core"]
    assert "her2ned.plots.forest" not in PLOT_HANDOFFS["her2ned.models.fast"]


def _third_party_imports() -> list[str]:
    """Every module outside the package that the package imports (absolute imports, anywhere)."""
    found = set()
    for tree in TREES.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module)
    return sorted(m for m in found if m.split(".")[0] not in ("her2ned", "__future__"))


#: One interpreter loads the third-party libraries (the slow part of every import), then forks a child per
#: module that imports that module first: the order among the package's own modules, where a cycle hidden
#: in a function bites, is exactly that of a fresh interpreter, at a fraction of the cost.
FORK_EACH = """
import importlib, os, sys
for name in sys.argv[2].split():
    try:
        importlib.import_module(name)
    except ImportError:
        pass
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "her2ned")
assert not loaded, f"a third-party import loaded the package: {loaded}"
for name in sys.argv[1].split():
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException as exc:
            print(f"{name}: {type(exc).__name__}: {exc}", flush=True)
            os._exit(1)
        os._exit(0)
    os.waitpid(pid, 0)
"""


def test_each_module_imports_alone_in_a_fresh_interpreter():
    """The order-dependent failures a cycle hidden in a function causes show only when a module is imported
    first: so import each one first, alone, in a process with none of the package loaded."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", FORK_EACH, " ".join(sorted(MODULES)), " ".join(_third_party_imports())],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert not run.stdout.strip(), "modules that fail when imported first:\n" + run.stdout


def test_the_import_check_catches_a_module_that_fails_when_imported_first(tmp_path):
    # a cycle through names imported at the top: a takes g from b, b takes f from a; whichever is imported
    # first finds the other half-initialised and fails, and the check must say so for each
    (tmp_path / "cyc").mkdir()
    (tmp_path / "cyc" / "__init__.py").write_text("")
    (tmp_path / "cyc" / "a.py").write_text("from .b import g\n\ndef f():\n    return 1\n")
    (tmp_path / "cyc" / "b.py").write_text("from .a import f\n\ndef g():\n    return f()\n")
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", FORK_EACH, "cyc.a cyc.b", "numpy"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("cyc.a: ImportError") and "cyc.b: ImportError" in run.stdout
