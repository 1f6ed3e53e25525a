"""Grading from Python and Jupyter: check a file, or the functions of a running notebook.

    from mldrill.grade.api import grade
    grade("cs231n/layers.py", assignment="layers")      # a .py, a notebook, an archive, a folder
    grade(affine_forward, affine_backward, assignment="layers")   # functions, by source
    grade(assignment="layers")                          # this notebook's cells so far

The same grader as `mldrill grade` runs, with the same sandbox: what is graded is always
source text, made into bytes here and run in the sandboxed child; the student's live
objects are never called, pickled or imported by the grader. For functions, their source
(`inspect.getsource`) is sent with what they need from the notebook's globals, rebuilt as
text: modules as `import` lines, literal constants as assignments, and the functions and
classes they call, by source too; anything else is listed as left out. With no target, the
notebook's input history (`In`) is read as a notebook, definitions only, so "cell N" means
`In [N]`.

The result (`Check`) is the report `--format json` writes (`to_json()`), with the visible
tests only (a student's check never shows hidden tests), and the seed that reproduces it;
in Jupyter it shows as a table (`_repr_html_`).
"""

from __future__ import annotations

import ast
import builtins
import inspect
import math
import os
import sys
import textwrap
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mldrill.errors import UsageError
from mldrill.grade.handin import HandedIn
from mldrill.grade.notebook import Cell, notebook_code
from mldrill.grade.origin import Origin
from mldrill.grade.submissions import NotGradable, digest
from mldrill.record import replace

if TYPE_CHECKING:
    from mldrill.grade.exercise import Assignment
    from mldrill.grade.report import GradeReport

Target = str | os.PathLike[str] | Callable[..., object] | type
_SIMPLE = (int, float, str, bool, complex, type(None))


@dataclass(frozen=True)
class Check:
    """A student's check: the report (visible tests only) and how to reproduce it."""

    report: GradeReport
    reproduce: str

    def to_json(self) -> dict[str, object]:
        """What `mldrill grade --format json` writes for the same submission and seed."""
        return self.report.to_json()

    @property
    def seed(self) -> int:
        return self.report.seed

    def _repr_html_(self) -> str:
        from mldrill.grade.api_html import report_html

        return report_html(self.report, self.reproduce)

    def __str__(self) -> str:
        from mldrill.grade.api_html import report_text

        return report_text(self.report, self.reproduce)


def grade(*targets: Target, assignment: str | None = None, seed: int | None = None,
          banks: Sequence[str] = (), bundled: bool = True) -> Check:
    """Grade one file (a .py, a notebook, an archive), or functions and classes by their
    source, or (no target) the running notebook's cells; see the module's docstring.
    Raises UsageError for what the caller must fix (nothing to grade, no source, an
    unknown assignment); anything the code does is in the report."""
    from mldrill.grade.grader import choose_by_name, grade_file, grade_handed_in

    assignments = _assignments(banks, bundled)
    choose_by_name(assignments, assignment)  # an unknown name is a usage error
    seed = int.from_bytes(os.urandom(4), "little") % 100_000 if seed is None else seed
    again = (f", assignment={assignment!r}" if assignment else "") + f", seed={seed})"
    if len(targets) == 1 and isinstance(targets[0], str | os.PathLike):
        path = Path(targets[0])
        if not os.path.lexists(path):
            raise UsageError(f"'{path}' does not exist")
        root = None
        if path.is_dir():  # one student's folder: its file chosen as for Gradescope's
            from mldrill.grade.submissions import find_submission

            me = find_submission(path, assignments, assignment)
            if me.path is None:
                raise UsageError(f"nothing to grade in {path}: {me.problem}")
            root, path = path, me.path
        report = grade_file(path, assignments, seed, only=assignment, root=root)
        return _visible(report, f"grade({str(targets[0])!r}{again}")
    if targets:
        if not all(callable(t) for t in targets):
            raise UsageError("give one file path, or functions and classes")
        handed = functions_handed_in(targets)
        shown = "functions " + ", ".join(getattr(t, "__name__", "?") for t in targets)
        what = ", ".join(getattr(t, "__name__", "?") for t in targets)
    else:
        handed = history_handed_in(assignments, assignment)
        shown, what = "this notebook", ""
    report = grade_handed_in(handed, shown, assignments, seed, only=assignment)
    return _visible(report, f"grade({what}{again}" if what else f"grade({again[2:]}")


def _assignments(banks: Sequence[str], bundled: bool) -> list[Assignment]:
    from mldrill.bank.catalog import bank_dirs
    from mldrill.grade.grader import load_assignments

    found, _ = load_assignments(bank_dirs(banks, bundled=bundled))
    if not found:
        raise UsageError("no coding assignments found in the banks")
    return found


def _visible(report: GradeReport, reproduce: str) -> Check:
    tests = tuple(t for t in report.tests if t.visibility == "visible")
    return Check(replace(report, tests=tests), reproduce)


# ----------------------------------------------------------------------------- functions

def functions_handed_in(objects: Sequence[object]) -> HandedIn:
    """The source of the given functions and classes, and of what they use from their
    globals (modules, literal constants, other functions and classes), as one file."""
    parts: list[str] = []
    header: dict[str, str] = {}
    left: list[str] = []
    seen: set[int] = set()
    queue = list(objects)
    own = {getattr(o, "__module__", None) for o in objects} | {"__main__"}
    while queue:
        obj = queue.pop(0)
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        src = _source(obj)
        parts.append(src)
        scope = _globals(obj)
        for name in sorted(_names(src)):
            if name in header or hasattr(builtins, name) or name not in scope:
                continue
            _needed(name, scope[name], own, header, queue, left)
    body = "\n".join([*header.values(), "", *reversed(parts)]) + "\n"
    source = body.encode("utf-8")
    names = ", ".join(getattr(o, "__name__", "?") for o in objects)
    return HandedIn(source, "functions.py", Origin(names, "functions", left_out=tuple(left)),
                    digest(source))


def _source(obj: object) -> str:
    name = getattr(obj, "__name__", repr(obj))
    if not isinstance(obj, types.FunctionType | type):
        raise UsageError(f"{name} is not a function or class defined in Python")
    try:
        return textwrap.dedent(inspect.getsource(obj))
    except (OSError, TypeError):
        raise UsageError(f"cannot find the source of {name}: define it in a notebook cell "
                         "or a file, then grade again") from None


def _globals(obj: object) -> dict[str, object]:
    if isinstance(obj, types.FunctionType):
        return obj.__globals__
    module = sys.modules.get(getattr(obj, "__module__", ""), None)
    return vars(module) if module is not None else {}


def _names(src: str) -> set[str]:
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _needed(name: str, value: object, own: set[str | None], header: dict[str, str],
            queue: list[object], left: list[str]) -> None:
    """What `name` needs in the file: an import, a constant, or a definition (queued)."""
    if isinstance(value, types.ModuleType):
        header[name] = f"import {value.__name__} as {name}"
    elif type(value) in _SIMPLE and not (isinstance(value, float) and not math.isfinite(value)):
        header[name] = f"{name} = {value!r}"
    elif isinstance(value, types.FunctionType | type):
        module = getattr(value, "__module__", "") or ""
        if module in own:  # the student's own: sent by source
            queue.append(value)
        else:
            header[name] = f"from {module} import {value.__qualname__} as {name}"
    elif isinstance(value, types.BuiltinFunctionType) and value.__module__:
        header[name] = f"from {value.__module__} import {value.__name__} as {name}"
    else:
        left.append(f"{name}: a {type(value).__name__} in the notebook, not sent (only "
                    "modules, constants, functions and classes are)")


# ------------------------------------------------------------------------------- history

def history_handed_in(assignments: Sequence[Assignment], only: str | None) -> HandedIn:
    """The running notebook's input history (`In`), read as a notebook's cells."""
    from mldrill.grade.intake import notebook_mode

    namespace = getattr(_ipython(), "user_ns", None)
    history = namespace.get("In") if isinstance(namespace, dict) else None
    if not isinstance(history, list):
        raise UsageError("no notebook is running here: give a file or functions to grade")
    cells = [Cell(i, s) for i, s in enumerate(history) if i and isinstance(s, str)]
    try:
        code = notebook_code(cells, "definitions", label="In")
        chosen = [a for a in assignments if only is None or a.name == only]
        mode = notebook_mode(chosen, None if only else set(code.defined))
        if mode != code.mode:
            code = notebook_code(cells, mode, label="In")
    except NotGradable as exc:
        raise UsageError(exc.message) from None
    origin = Origin("this notebook", "history", None, code.cells, code.left_out, code.mode)
    return HandedIn(code.source, "notebook.py", origin, digest(code.source), code)


def _ipython() -> object | None:
    module = sys.modules.get("IPython")
    get = getattr(module, "get_ipython", None)
    shell = get() if callable(get) else None
    return shell if hasattr(shell, "user_ns") else None
