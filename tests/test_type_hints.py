"""Every public function (listed in its module's ``__all__``) annotates each parameter and its return value,
and the annotations resolve: every name they use is imported by the module, at run time or under
``if TYPE_CHECKING:`` (names such as matplotlib's Axes, imported only for type checkers so that importing
the package stays fast)."""

import ast
import importlib
import inspect
import pkgutil
import typing

import her2ned

MODULES = ["her2ned"] + [m.name for m in pkgutil.walk_packages(her2ned.__path__, "her2ned.")]


def _public_functions():
    """(module, qualified name, function) for every function in an ``__all__`` defined in that module."""
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            f = getattr(module, attr)
            if inspect.isfunction(f) and f.__module__ == name:
                yield module, f"{name}.{attr}", f


def _missing(f) -> list[str]:
    """The parameters (``return`` for the return value) of ``f`` without an annotation."""
    sig = inspect.signature(f)
    missing = [p for p, v in sig.parameters.items() if p != "self" and v.annotation is inspect.Parameter.empty]
    return missing + (["return"] if sig.return_annotation is inspect.Signature.empty else [])


def _namespace(module) -> dict:
    """The module's globals plus what it imports under ``if TYPE_CHECKING:`` (those imports run here)."""
    namespace = dict(vars(module))  # __name__ and __package__ resolve the relative imports
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            imports = [s for s in node.body if isinstance(s, (ast.Import, ast.ImportFrom))]
            exec(compile(ast.Module(body=imports, type_ignores=[]), module.__file__, "exec"), namespace)
    return namespace


def test_the_checks_see_what_they_should():
    def annotated(x: int, *args: float, **kw: str) -> None: ...

    def bare(x, *args, y: int = 1, **kw):
        return x

    assert _missing(annotated) == []
    assert _missing(bare) == ["x", "args", "kw", "return"]
    assert "Axes" in _namespace(importlib.import_module("her2ned.plots.survival"))


def test_every_public_function_is_annotated():
    offenders = {name: missing for _, name, f in _public_functions() if (missing := _missing(f))}
    assert not offenders, "public functions with unannotated parameters or return:\n" + "\n".join(
        f"  {name}: {', '.join(missing)}" for name, missing in offenders.items()
    )


def test_every_annotation_resolves():
    namespaces, offenders = {}, {}
    for module, name, f in _public_functions():
        if module.__name__ not in namespaces:
            namespaces[module.__name__] = _namespace(module)
        try:
            typing.get_type_hints(f, globalns=namespaces[module.__name__])
        except Exception as e:  # noqa: BLE001 - NameError, TypeError, AttributeError: all are reported
            offenders[name] = f"{type(e).__name__}: {e}"
    assert not offenders, "annotations that do not resolve:\n" + "\n".join(
        f"  {name}: {why}" for name, why in offenders.items()
    )
