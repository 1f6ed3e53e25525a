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
from typing import Any

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class CallSpec:
    """`f(a, b, key=c)`: a function name and the names (or constants) of its arguments."""
    function: str
    args: tuple[Any, ...]            # input names (str) wrapped as Name, or constants
    kwargs: tuple[tuple[str, Any], ...] = ()

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
    dims: tuple[tuple[str, Any], ...]       # (name, int | expression text)
    inputs: tuple[tuple[str, Any], ...]     # (name, literal value or generator spec)


@dataclass(frozen=True)
class TestSpec:
    __test__ = False  # not a pytest class

    name: str
    points: float
    visibility: str
    draws: int
    dims: tuple[tuple[str, Any], ...]           # (name, [lo, hi] | int | expression text)
    inputs: tuple[tuple[str, Any], ...]         # (name, spec)
    call: CallSpec | None
    compare: tuple[int, ...] | None
    updates: tuple[str, ...]
    backward: CallSpec | None
    grads: tuple[str, ...]
    prop: str | None
    options: Mapping[str, Any]
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

    def arg(a: ast.expr) -> Any:
        if isinstance(a, ast.Name):
            return Name(a.id)
        if isinstance(a, ast.Constant):
            return a.value
        raise ValueError(f"arguments must be input names or constants, got "
                         f"'{ast.unparse(a)}'")

    kwargs = []
    for k in node.keywords:
        if k.arg is None:
            raise ValueError("**kwargs is not allowed here")
        kwargs.append((k.arg, arg(k.value)))
    return CallSpec(node.func.id, tuple(arg(a) for a in node.args), tuple(kwargs))

