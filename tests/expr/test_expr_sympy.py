"""The sympy bridge: trees to sympy, and equality decided under a time limit."""

from __future__ import annotations

import signal
import threading
import time

import pytest
import sympy as sp

from mldrill.errors import EvaluationError
from mldrill.expr.functions import SCALAR_STUDENT
from mldrill.expr.parse import REFERENCE, parse
from mldrill.expr.sympy_bridge import Timeout, symbolically_equal, time_limit, to_sympy

x = sp.Symbol("x", real=True)
z = sp.Symbol("z", real=True)
SYMS = {"x": x, "z": z}


def conv(text: str, grammar=None):
    expr = parse(text, grammar) if grammar else parse(text, functions=SCALAR_STUDENT)
    return to_sympy(expr.root, SYMS)


@pytest.mark.parametrize("text, expected", [
    ("0.1", sp.Rational(1, 10)),
    ("3/8", sp.Rational(3, 8)),
    ("-0.25", sp.Rational(-1, 4)),
    ("2x^2", 2 * x**2),
    ("pi", sp.pi),
    ("e^x", sp.exp(x)),
    ("sigma(z)", 1 / (1 + sp.exp(-z))),
    ("log(x, 2)", sp.log(x, 2)),
    ("abs(x)", sp.Abs(x)),
    ("max(x, 0)", sp.Max(x, 0)),
    ("x > 0", sp.Heaviside(x, 0)),
    ("x >= 0", sp.Heaviside(x, 1)),
    ("x < 0", sp.Heaviside(-x, 0)),
])
def test_to_sympy(text, expected):
    """Trees convert node by node; decimal literals become exact rationals."""
    assert sp.simplify(conv(text) - expected) == 0


def test_exponent_literals_stay_floats():
    """A literal with an exponent (1e-3) becomes a sympy Float."""
    assert conv("1e-3") == sp.Float(0.001)


def test_diff_is_worked_out():
    """diff(f, x) in a reference is differentiated by sympy."""
    assert sp.simplify(conv("diff(x**3 + sin(x), x)", REFERENCE) - (3 * x**2 + sp.cos(x))) == 0


@pytest.mark.parametrize("text, message", [
    ("diff(x**2, 2)", "diff(expression, variable, ...) needs variable names"),
    ("y + 1", "unknown name 'y'"),
    ("inv(x)", "'inv' has no symbolic form"),
    ("x @ x", "'x @ x' has no symbolic form"),
    ("[x, x]", "'[x, x]' has no symbolic form"),
])
def test_to_sympy_refusals(text, message):
    """What has no symbolic form raises EvaluationError."""
    with pytest.raises(EvaluationError) as info:
        conv(text, REFERENCE)
    assert info.value.message == message


def test_symbolically_equal_decides():
    """True when sympy proves equality, False when it proves a difference."""
    assert symbolically_equal(conv("sigma(z)*(1 - sigma(z))"),
                              conv("exp(-z)/(1 + exp(-z))^2")) is True
    assert symbolically_equal(conv("2x"), conv("x + x")) is True
    assert symbolically_equal(conv("sin(x)^2 + cos(x)^2"), sp.Integer(1)) is True
    assert symbolically_equal(conv("x"), conv("x + 1")) is False


def test_symbolically_equal_gives_up_in_time(monkeypatch):
    """When sympy does not finish within the limit, the answer is None (undecided), and the
    call returns soon after the limit (simplify is made to hang, so no timing luck is
    involved)."""

    def hang(expr, *args, **kwargs):
        while True:
            time.sleep(0.01)

    for name in ("expand", "cancel", "simplify"):
        monkeypatch.setattr(sp, name, hang)
    a = sp.tan(x / 2) ** 2 * sp.sin(x) ** 7 + sp.cos(3 * x) ** 5 + sp.sinh(x) ** 3
    b = sp.expand_trig(a.rewrite(sp.exp))
    start = time.perf_counter()
    assert symbolically_equal(a, b, seconds=0.2) is None
    assert time.perf_counter() - start < 1.5


def test_symbolically_equal_off_main_thread_is_undecided():
    """Where no alarm can be set (another thread), sympy is not run: the verdict is None."""
    out = []
    worker = threading.Thread(target=lambda: out.append(symbolically_equal(x, x)))
    worker.start()
    worker.join()
    assert out == [None]


def test_time_limit_interrupts_and_restores_handler():
    """time_limit raises Timeout in the block and puts the previous SIGALRM handler back."""
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(Timeout):
        with time_limit(0.01) as limited:
            assert limited
            while True:
                time.sleep(0.001)
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
