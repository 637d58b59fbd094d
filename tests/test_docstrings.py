"""Every docstring example in the package runs and prints what it says (doctest, every module)."""

import doctest
import importlib
import inspect
import pkgutil

import matplotlib
import pytest

import her2ned

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MODULES = ["her2ned"] + [m.name for m in pkgutil.walk_packages(her2ned.__path__, "her2ned.")]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    plt.close("all")
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {module}"


def test_every_module_with_a_public_function_shows_an_example():
    def public_functions(module):
        return [
            f
            for name, f in vars(module).items()
            if not name.startswith("_") and inspect.isfunction(f) and f.__module__ == module.__name__
        ]

    def has_example(module):
        return any(t.examples for t in doctest.DocTestFinder().find(module))

    modules = [importlib.import_module(m) for m in MODULES]
    missing = [m.__name__ for m in modules if public_functions(m) and not has_example(m)]
    assert not missing, f"modules with public functions but no docstring example: {missing}"
