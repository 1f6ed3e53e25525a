"""Build sympy expressions from our trees, and decide equivalence under a time limit.

sympy is imported here only, and only when called, so `mldrill --help` never pays for it.
Trees are converted node by node: nothing is ever passed to `sympy.parse_expr` or
`sympify` on a string (both `eval`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from mldrill.errors import EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.functions import REGISTRY


def _sympy() -> Any:
    import sympy

    return sympy


def to_sympy(node: n.Node, symbols: Mapping[str, Any]) -> Any:
    """The sympy expression for `node`; names map through `symbols` (name -> sympy)."""
    sp = _sympy()
    match node:
        case n.Num(value=v, text=t):
            if isinstance(v, int):
                return sp.Integer(v)
            if t and "e" not in t.lower():
                return sp.Rational(Fraction(t.lstrip("+")))
            return sp.Float(v)
        case n.Name(id=name):
            if name in symbols:
                return symbols[name]
            if name == "pi":
                return sp.pi
            if name == "e":
                return sp.E
            raise EvaluationError(f"unknown name '{name}'")
        case n.Unary(op="-", operand=o):
            return -to_sympy(o, symbols)
        case n.Unary(op="+", operand=o):
            return to_sympy(o, symbols)
        case n.Bin(op=op, left=a, right=b) if op in n.ARITHMETIC:
            return n.ARITHMETIC[op](to_sympy(a, symbols), to_sympy(b, symbols))
        case n.Compare(ops=(op,), operands=(a, b)) if op in (">", ">="):
            x, y = to_sympy(a, symbols), to_sympy(b, symbols)
            return sp.Heaviside(x - y, 1 if op == ">=" else 0)
        case n.Compare(ops=(op,), operands=(a, b)) if op in ("<", "<="):
            x, y = to_sympy(a, symbols), to_sympy(b, symbols)
            return sp.Heaviside(y - x, 1 if op == "<=" else 0)
        case n.Call(func="diff", args=args):
            if len(args) < 2 or not all(isinstance(a, n.Name) for a in args[1:]):
                raise EvaluationError("diff(expression, variable, ...) needs variable names")
            target = to_sympy(args[0], symbols)
            wrt = [to_sympy(a, symbols) for a in args[1:]]
            return sp.diff(target, *wrt)
        case n.Call(func=name, args=args):
            fn = REGISTRY.get(name)
            if fn is None or fn.sympy is None:
                raise EvaluationError(f"'{name}' has no symbolic form")
            return fn.sympy(sp, *(to_sympy(a, symbols) for a in args))
    raise EvaluationError(f"'{n.to_text(node)}' has no symbolic form")


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

    def handler(signum: int, frame: Any) -> None:
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def symbolically_equal(a: Any, b: Any, seconds: float = 1.0) -> bool | None:
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
