"""Build sympy expressions from our trees, and decide equivalence under a time limit.

sympy is imported here only, and only when called, so `mldrill --help` never pays for it.
Trees are converted node by node: nothing is ever passed to `sympy.parse_expr` or
`sympify` on a string (both `eval`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from types import FrameType, ModuleType
from typing import TYPE_CHECKING

from mldrill.errors import EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.functions import REGISTRY

if TYPE_CHECKING:
    from mldrill.values import SympyExpr


def _sympy() -> ModuleType:
    import sympy

    return sympy


def to_sympy(node: n.Node, symbols: Mapping[str, SympyExpr]) -> SympyExpr:
    """The sympy expression for `node`; names map through `symbols` (name -> sympy)."""
    build = _BUILDERS.get(type(node))
    result = None if build is None else build(_sympy(), node, symbols)
    if result is None:
        raise EvaluationError(f"'{n.to_text(node)}' has no symbolic form")
    return result


def _num(sp: ModuleType, node: n.Num, symbols: Mapping[str, SympyExpr]
         ) -> SympyExpr | None:
    v, t = node.value, node.text
    if isinstance(v, int):
        return sp.Integer(v)
    if t and "e" not in t.lower():
        return sp.Rational(Fraction(t.lstrip("+")))
    return sp.Float(v)


def _name(sp: ModuleType, node: n.Name, symbols: Mapping[str, SympyExpr]
          ) -> SympyExpr | None:
    name = node.id
    if name in symbols:
        return symbols[name]
    if name == "pi":
        return sp.pi
    if name == "e":
        return sp.E
    raise EvaluationError(f"unknown name '{name}'")


def _unary(sp: ModuleType, node: n.Unary, symbols: Mapping[str, SympyExpr]
           ) -> SympyExpr | None:
    if node.op == "-":
        return -to_sympy(node.operand, symbols)
    if node.op == "+":
        return to_sympy(node.operand, symbols)
    return None


def _bin(sp: ModuleType, node: n.Bin, symbols: Mapping[str, SympyExpr]
         ) -> SympyExpr | None:
    if node.op not in n.ARITHMETIC:
        return None
    return n.ARITHMETIC[node.op](to_sympy(node.left, symbols), to_sympy(node.right, symbols))


def _compare(sp: ModuleType, node: n.Compare, symbols: Mapping[str, SympyExpr]
             ) -> SympyExpr | None:
    """a > b is the step function Heaviside(a - b) (a >= b: 1 at a tie); one comparison only."""
    if len(node.ops) != 1 or len(node.operands) != 2 or node.ops[0] not in (">", ">=", "<", "<="):
        return None
    op, (a, b) = node.ops[0], node.operands
    x, y = to_sympy(a, symbols), to_sympy(b, symbols)
    if op in ("<", "<="):
        x, y = y, x
    return sp.Heaviside(x - y, 1 if op in (">=", "<=") else 0)


def _call(sp: ModuleType, node: n.Call, symbols: Mapping[str, SympyExpr]
          ) -> SympyExpr | None:
    name, args = node.func, node.args
    if name == "diff":
        if len(args) < 2 or not all(isinstance(a, n.Name) for a in args[1:]):
            raise EvaluationError("diff(expression, variable, ...) needs variable names")
        target = to_sympy(args[0], symbols)
        wrt = [to_sympy(a, symbols) for a in args[1:]]
        return sp.diff(target, *wrt)
    fn = REGISTRY.get(name)
    if fn is None or fn.sympy is None:
        raise EvaluationError(f"'{name}' has no symbolic form")
    return fn.sympy(sp, *(to_sympy(a, symbols) for a in args))


# The node types with a symbolic form, each with its builder (None: this node has none).
_BUILDERS: dict[type[n.Node], Callable[..., SympyExpr | None]] = {
    n.Num: _num, n.Name: _name, n.Unary: _unary, n.Bin: _bin, n.Compare: _compare,
    n.Call: _call,
}


class Timeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Interrupt the block after `seconds` (raises Timeout). Yields False where a limit
    cannot be set (not the main thread, or no SIGALRM), so callers can skip slow work."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield False
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def symbolically_equal(a: SympyExpr, b: SympyExpr, seconds: float = 1.0) -> bool | None:
    """True if sympy proves a == b, False if it proves a != b, None if it cannot decide
    within `seconds`."""
    sp = _sympy()  # imported before the clock starts
    try:
        with time_limit(seconds) as limited:
            if not limited:
                return None
            diff = a - b
            if diff == 0 or sp.expand(diff) == 0:
                return True
            # cheap canonical forms first: exponentials and hyperbolics as exp, then cancel
            as_exp = diff.rewrite(sp.exp)
            if sp.cancel(sp.expand(as_exp)) == 0:
                return True
            simplified = sp.simplify(diff)
            if simplified == 0:
                return True
            if simplified.is_number and simplified.is_zero is False:
                return False
            return None
    except Timeout:
        return None
    except (TypeError, ValueError, AttributeError, RecursionError, ZeroDivisionError):
        return None
