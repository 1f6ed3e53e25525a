"""Load the reference solutions in ``solutions/*.py`` by file path.

``solutions/`` is not a package: mldrill loads every module by path and puts
the names in each module's ``__all__`` into one flat namespace.  The fixtures
here do the same, under module names ``mldrill_solutions_<stem>``, and refuse
to load if a name is exported by two modules.
"""

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

SOLUTIONS_DIR = Path(__file__).resolve().parents[2] / "solutions"


def solution_paths():
    """Every public solutions module (files starting with ``_`` are skipped)."""
    return sorted(p for p in SOLUTIONS_DIR.glob("*.py") if not p.name.startswith("_"))


def load_solution_modules():
    """Import every solutions module by path; return ``{stem: module}``."""
    modules = {}
    for path in solution_paths():
        name = f"mldrill_solutions_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        modules[path.stem] = module
    return modules


def exported_names(modules):
    """``{name: [stems of the modules whose __all__ lists it]}``."""
    owners = {}
    for stem, module in modules.items():
        for name in module.__all__:
            owners.setdefault(name, []).append(stem)
    return owners


@pytest.fixture(scope="session")
def sol_modules():
    """The loaded solutions modules, keyed by file stem (``conv``, ``nn``, ...)."""
    return load_solution_modules()


@pytest.fixture(scope="session")
def sol(sol_modules):
    """All ``__all__`` names of all solutions modules in one flat namespace."""
    owners = exported_names(sol_modules)
    clashes = {name: stems for name, stems in owners.items() if len(stems) > 1}
    if clashes:
        raise RuntimeError(f"names exported by more than one solutions module: {clashes}")
    return SimpleNamespace(
        **{name: getattr(sol_modules[stems[0]], name) for name, stems in owners.items()}
    )
