"""Structural rules for the reference solutions modules."""

import ast
import inspect
import sys

import numpy as np

ALLOWED_IMPORTS = {"numpy", "math"}


def test_expected_modules_are_present(sol_modules):
    """The reference modules, named after the topics they serve, exist and load by path."""
    assert {"classical", "conv", "conv_steps", "gradient_descent", "initialization", "kernels",
            "losses", "matrix_calculus", "mle", "nn", "optimizers", "params", "perceptron",
            "regression", "regularization", "unsupervised"} <= set(sol_modules)


def test_no_name_is_exported_by_two_modules(sol_modules):
    """Exported names are unique across modules (they share one flat namespace)."""
    seen = {}
    for stem, module in sol_modules.items():
        for name in module.__all__:
            assert name not in seen, f"{name} exported by both {seen[name]} and {stem}"
            seen[name] = stem


def test_modules_have_docstring_and_all(sol_modules):
    """Every module has a docstring and an ``__all__`` without duplicates."""
    for stem, module in sol_modules.items():
        assert module.__doc__ and module.__doc__.strip(), stem
        assert len(module.__all__) == len(set(module.__all__)), stem


def test_exported_names_are_documented_functions(sol_modules):
    """Every name in ``__all__`` is a function defined in its module, with a docstring."""
    for stem, module in sol_modules.items():
        for name in module.__all__:
            obj = getattr(module, name)
            assert inspect.isfunction(obj), f"{stem}.{name} is not a function"
            assert obj.__module__ == module.__name__, f"{stem}.{name} is imported, not defined"
            assert obj.__doc__ and obj.__doc__.strip(), f"{stem}.{name} has no docstring"


def test_public_functions_are_all_exported(sol_modules):
    """Every public (non-underscore) function of a module is listed in its ``__all__``."""
    for stem, module in sol_modules.items():
        public = {
            name
            for name, obj in vars(module).items()
            if inspect.isfunction(obj) and obj.__module__ == module.__name__ and name[0] != "_"
        }
        assert public == set(module.__all__), stem


def test_modules_import_only_numpy_and_stdlib(sol_modules):
    """Modules import only numpy, math and the standard library (never each other)."""
    stdlib = set(sys.stdlib_module_names)
    for stem, module in sol_modules.items():
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{stem}: relative import"
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in ALLOWED_IMPORTS or root in stdlib, f"{stem} imports {root}"
                assert root not in sol_modules, f"{stem} imports solutions module {root}"


def test_flat_namespace_exposes_every_name(sol, sol_modules):
    """The ``sol`` namespace holds exactly the union of the modules' ``__all__``."""
    names = {name for module in sol_modules.values() for name in module.__all__}
    assert set(vars(sol)) == names
    assert np.array_equal(sol.conv2d([[1]], [[2]]), [[2]])
