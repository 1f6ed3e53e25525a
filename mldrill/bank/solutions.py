"""Load a bank's reference implementations (`solutions/*.py`) as callable functions.

Each module is loaded from its file (the folder is not a package and is not put on
sys.path). The names a module lists in `__all__` become functions that reference
expressions in YAML can call, in one flat namespace: a name defined by two modules is an
error that names both files.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, cast

from mldrill.errors import Diagnostic

if TYPE_CHECKING:
    from mldrill.values import Function

_CACHE: dict[Path, tuple[dict[str, Function], dict[str, str], list[Diagnostic]]] = {}


def load_solutions(
    folder: Path,
) -> tuple[dict[str, Function], dict[str, str], list[Diagnostic]]:
    """(functions by name, defining file by name, diagnostics) for one solutions folder."""
    folder = folder.resolve()
    if folder in _CACHE:
        return _CACHE[folder]
    functions: dict[str, Function] = {}
    origin: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue  # a private helper (or __init__.py): not loaded as a module of functions
        try:
            module = load_module(path)
        except SyntaxError as exc:
            problems.append(Diagnostic(str(path), exc.lineno or 1, exc.offset or 1,
                                       f"syntax error: {exc.msg}"))
            continue
        except Exception as exc:  # a broken instructor module must not crash the bank
            problems.append(Diagnostic(str(path), 1, 1, f"cannot import: {exc!r}"))
            continue
        exported = getattr(module, "__all__", None)
        if exported is None:
            problems.append(Diagnostic(str(path), 1, 1,
                                       "solutions module has no __all__ listing its functions"))
            continue
        for fname in exported:
            fn = getattr(module, fname, None)
            if not callable(fn):
                problems.append(Diagnostic(str(path), 1, 1,
                                           f"'{fname}' is in __all__ but is not a function"))
                continue
            if fname in functions:
                problems.append(Diagnostic(str(path), 1, 1,
                                           f"'{fname}' is also defined in {origin[fname]}"))
                continue
            functions[fname] = cast("Function", fn)  # a reference returns values
            origin[fname] = str(path)
    _CACHE[folder] = (functions, origin, problems)
    return _CACHE[folder]


def load_module(path: Path) -> ModuleType:
    """One solutions module, loaded from its file once per process under a name made from
    its folder (the same module whether the whole folder or only this file is loaded)."""
    path = path.resolve()
    tag = hashlib.sha1(str(path.parent).encode()).hexdigest()[:8]
    name = f"mldrill_solutions_{tag}_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
