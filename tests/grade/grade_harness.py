"""Grading many variants of one submission fast: one sandboxed child holds them all.

A planted-bug or trivial-implementation corpus has dozens of variants of one file, each to
be graded on a few tests over many seeds. Starting a child per variant costs more than the
tests, so `Multiplexed` writes ONE submission file holding the base source and each variant's
edits; calling its `use(variant)` (through the sandbox, like any student function) replaces
the module's graded functions by that variant's, and `run` grades a test with
`testrun.run_test`, exactly as `grade_file` does. Until `use` is called (or if the child ever
restarts and re-imports the file) every graded function raises, and `run` asserts it never
did: a lost selection fails loudly instead of grading the wrong variant.
"""

from __future__ import annotations

import ast
import hashlib
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from mldrill.grade import trials
from mldrill.grade.assignment import Assignment, Exercise, TestSpec
from mldrill.grade.failures import run_failure
from mldrill.grade.grader import limits_for
from mldrill.grade.reference import reference_module
from mldrill.grade.report import TestOutcome
from mldrill.grade.sandbox import Call, Sandbox, TestJob
from mldrill.grade.testrun import run_test

Edit = tuple[str, str]  # (old text, new text), replaced exactly once
UNSELECTED = "no variant selected (call use first)"


@dataclass(frozen=True)
class Variant:
    edits: tuple[Edit, ...] = ()
    appendix: str = ""       # source appended to the (edited) base


def source_of(base: str, v: Variant) -> str:
    """The variant's full source; each edit's old text must occur exactly once."""
    text = base
    for old, new in v.edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text + ("\n\n" + v.appendix if v.appendix else "")


MUX = '''
"""Many variants of one submission (tests/grade/grade_harness.py): use(variant) picks one."""

_BASE = {base!r}
_VARIANTS = {variants!r}
_FUNCTIONS = {functions!r}


def _unselected(name):
    def f(*args, **kwargs):
        raise RuntimeError({unselected!r})
    f.__name__ = name
    return f


for _name in _FUNCTIONS:
    globals()[_name] = _unselected(_name)


def use(variant):
    """Make the graded functions of `variant` this module's own."""
    edits, appendix = _VARIANTS[variant]
    text = _BASE
    for old, new in edits:
        text = text.replace(old, new)
    namespace = {{"__name__": __name__, "__file__": __file__}}
    exec(compile(text + "\\n\\n" + appendix, __file__, "exec"), namespace)
    for name in _FUNCTIONS:
        globals()[name] = namespace[name]
    return variant
'''


def functions_called(test: TestSpec) -> set[str]:
    """Every student function a test calls."""
    names = {c.function for c in (test.call, test.backward) if c is not None}
    names |= {str(test.options[k]) for k in ("function", "forward", "backward")
              if k in test.options}
    return names


def graded_function(test: TestSpec) -> str:
    """The function a test gives points for: the backward of a gradient test (the forward
    only supplies its cache), the call of a call test, the checked function of a property."""
    if test.backward is not None:
        return test.backward.function
    if test.call is not None:
        return test.call.function
    opts = test.options
    assert "backward" in opts or "function" in opts, f"{test.name}: name the function graded"
    return str(opts.get("backward", opts.get("function")))


def changed_functions(base: str, variant: str) -> set[str]:
    """Top-level functions whose code differs between two sources, or that call (by name,
    through any chain of the variant's functions) one that does."""
    def defs(text: str) -> dict[str, ast.FunctionDef]:
        return {n.name: n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}
    a, b = defs(base), defs(variant)
    changed = {name for name in a.keys() | b.keys()
               if name not in a or name not in b or ast.dump(a[name]) != ast.dump(b[name])}
    uses = {name: {n.id for n in ast.walk(f) if isinstance(n, ast.Name)}
            for name, f in b.items()}
    grown = True
    while grown:
        more = {name for name, names in uses.items() if names & changed} - changed
        changed |= more
        grown = bool(more)
    return changed


class Multiplexed:
    """A live sandbox over the multiplexed file of one assignment's variants."""

    def __init__(self, box: Sandbox, assignment: Assignment, functions: set[str]):
        self.box = box
        self.assignment = assignment
        self.ref: ModuleType = reference_module(assignment)
        self.defined = functions
        self.current: str | None = None

    def use(self, variant: str) -> None:
        calls = (Call("use", (variant,)),)
        run = self.box.run(TestJob("use", calls))
        failure = run_failure(run, calls)
        assert failure is None and run.calls[0].value == variant, failure
        self.current = variant

    def run(self, ex: Exercise, test: TestSpec, seed: int) -> TestOutcome:
        out = run_test(self.box, self.assignment, ex, test, self.ref, seed, self.defined, {})
        assert UNSELECTED not in out.output, f"{self.current}: the child lost its variant"
        return out

    def failed_by_seed(self, ex: Exercise, test: TestSpec, seeds: Sequence[int]
                       ) -> dict[int, bool]:
        """Whether the current variant fails `test` when graded with each seed, as `run`
        would say, without grading the fixed cases once per seed: they are the same for
        every seed, so they are graded once (a failure there fails every seed) and then
        only the random draws are graded per seed (the variants are deterministic)."""
        if test.cases and self.run(ex, replace(test, draws=0), seeds[0]).status != "passed":
            return dict.fromkeys(seeds, True)
        draws_only = replace(test, cases=())
        return {s: self.run(ex, draws_only, s).status != "passed" for s in seeds}


@contextmanager
def multiplexed(tmp: Path, base: str, variants: Mapping[str, Variant],
                assignment: Assignment) -> Iterator[Multiplexed]:
    """A sandbox whose submission holds `base` and every variant; pick one with `use` (the
    variant "" is the base itself)."""
    functions = sorted(assignment.functions)
    variants = {"": Variant(), **variants}
    for name, v in variants.items():
        compile(source_of(base, v), name, "exec")  # a typo in an edit fails here, named
    path = tmp / "variants.py"
    path.write_text(MUX.format(base=base, functions=functions, unselected=UNSELECTED, variants={
        k: (tuple(v.edits), v.appendix) for k, v in variants.items()}), encoding="utf-8")
    with Sandbox(path, limits_for(assignment)) as box:
        loaded = box.load()
        assert loaded.status == "ok", loaded
        yield Multiplexed(box, assignment, set(functions) | {"use"})


def all_tests(a: Assignment) -> list[tuple[Exercise, TestSpec]]:
    return [(ex, t) for ex in a.exercises for t in ex.tests]


def memoized_reference_checks(monkeypatch: Any) -> None:
    """The grader checks the reference's gradients by finite differences on every backward
    trial; for the same inputs the answer is the same whichever variant is graded, so a
    corpus computes each once (the first variant graded on those inputs runs the real check,
    and a failing check is never cached)."""
    real: Callable[..., None] = trials.check_reference_grads
    done: set[bytes] = set()

    def check(ref: ModuleType, fwd: Any, args: Sequence[Any], kwargs: dict[str, Any],
              dout: Any, names: Sequence[str], grads: Sequence[Any]) -> None:
        key = hashlib.sha256(pickle.dumps((ref.__name__, fwd, tuple(args), kwargs, dout,
                                           tuple(names)))).digest()
        if key not in done:
            real(ref, fwd, args, kwargs, dout, names, grads)
            done.add(key)

    monkeypatch.setattr(trials, "check_reference_grads", check)
