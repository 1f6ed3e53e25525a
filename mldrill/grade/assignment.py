"""An assignment as typed data: its exercises, their tests, the calls and the fixed cases.

`exercise` reads these from an assignment file (and documents the format); `inputs` draws a
test's inputs; `grader` runs the tests.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from mldrill.grade.intake import SubmissionSpec

if TYPE_CHECKING:
    from mldrill.values import Yaml

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
SENDABLE = (str, int, float)  # constants a call may pass (bool is an int; and None)

# An argument in a call's text: an input's name, or a constant the sandbox can send
# (`f(x, 2, mode='train', seed=None)`).
CallArg: TypeAlias = "Name | str | int | float | None"
# A size in `dims:`: [low, high] drawn, a whole number, or an expression of earlier sizes.
DimSpec: TypeAlias = "tuple[int, int] | int | str"


@dataclass(frozen=True)
class CallSpec:
    """`f(a, b, key=c)`: a function name and the names (or constants) of its arguments."""
    function: str
    args: tuple[CallArg, ...]
    kwargs: tuple[tuple[str, CallArg], ...] = ()

    def text(self) -> str:
        inner = [str(a) for a in self.args] + [f"{k}={v}" for k, v in self.kwargs]
        return f"{self.function}({', '.join(inner)})"


@dataclass(frozen=True)
class Name:
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Case:
    """A fixed input case of a test: inputs and sizes that replace the test's own."""
    note: str
    dims: tuple[tuple[str, int | str], ...]  # (name, whole number | expression text)
    inputs: tuple[tuple[str, Yaml], ...]     # (name, literal value or generator spec)


@dataclass(frozen=True)
class TestSpec:
    __test__ = False  # not a pytest class

    name: str
    points: float
    visibility: str
    draws: int
    dims: tuple[tuple[str, DimSpec], ...]
    inputs: tuple[tuple[str, Yaml], ...]        # (name, generator spec or literal)
    call: CallSpec | None
    compare: tuple[int, ...] | None
    updates: tuple[str, ...]
    backward: CallSpec | None
    grads: tuple[str, ...]
    prop: str | None
    options: Mapping[str, Yaml]
    rtol: float
    atol: float
    returns: tuple[str, ...] = ()
    cases: tuple[Case, ...] = ()

    @property
    def kind(self) -> str:
        return "property" if self.prop else "backward" if self.backward else "call"


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    functions: tuple[str, ...]
    tests: tuple[TestSpec, ...]


@dataclass(frozen=True)
class Assignment:
    name: str
    title: str
    about: str
    reference: Path
    exercises: tuple[Exercise, ...]
    path: str
    limits: Mapping[str, float] = field(default_factory=dict)
    submission: SubmissionSpec = field(default_factory=SubmissionSpec)  # where, and how

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(f for e in self.exercises for f in e.functions)

    @property
    def max_score(self) -> float:
        return sum(t.points for e in self.exercises for t in e.tests)


def parse_call(text: str) -> CallSpec:
    """`f(x, w, b)` or `f(x, mode='train')`; raises ValueError naming what is wrong."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"not a call: {exc.msg}") from None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise ValueError("expected a call such as f(x, w, b)")

    def arg(a: ast.expr) -> CallArg:
        if isinstance(a, ast.Name):
            return Name(a.id)
        if isinstance(a, ast.Constant) and (a.value is None or isinstance(a.value, SENDABLE)):
            return a.value
        raise ValueError(f"arguments must be input names or constants (numbers, text, True, "
                         f"False, None), got '{ast.unparse(a)}'")

    kwargs = []
    for k in node.keywords:
        if k.arg is None:
            raise ValueError("**kwargs is not allowed here")
        kwargs.append((k.arg, arg(k.value)))
    return CallSpec(node.func.id, tuple(arg(a) for a in node.args), tuple(kwargs))

