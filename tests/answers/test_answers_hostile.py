"""Hostile input through every answer kind: always a verdict, never an exception, quickly."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mldrill.answers import PartResult, check_part

VEC = "[" + "1," * 99 + "1]"

NASTY = [
    "",
    "   \t\n",
    "9" * 10_000,
    "x" * 10_000,
    "(" * 10_000,
    "[[" * 100,
    "[" * 3000,
    "1+" * 5000,
    "-" * 5000 + "1",
    "-" * 3999 + "1",
    "a" * 4001,
    "__import__('os').system('echo hi')",
    "__import__",
    "().__class__.__bases__",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd')",
    "exec('1')",
    "eval('1+1')",
    "globals()",
    "getattr(x, 'T')",
    "(lambda: 1)()",
    "[x for x in range(10**9)]",
    "import os",
    "x := 1",
    "a = 1",
    "f'{1}'",
    "b'1'",
    "{1: 2}",
    "*x",
    "...",
    "None",
    "True",
    "[[1,2],[3]]",
    "[1, [2]]",
    "0/0",
    "log(-1)",
    "sqrt(-1)",
    "(-8)^(1/3)",
    "inf",
    "-inf",
    "inf - inf",
    "nan",
    "1e400",
    "-1e400",
    "9**9**9**9",
    "2**1000**1000",
    "(2**1000)**1000",
    "3**999*3**999",
    "exp(exp(exp(exp(1000))))",
    "exp(1000)*0",
    "10**308*10",
    "2" + "**2" * 500,
    "sigma(" * 55 + "0" + ")" * 55,
    "(" * 61 + "1" + ")" * 61,
    "1" * 4000,
    "9" * 39 + ".9e99999",
    f"kron(kron({VEC},{VEC}),kron({VEC},{VEC}))",
    f"outer(outer({VEC},{VEC}),outer({VEC},{VEC}))",
    "max()",
    "inv(1)",
    "det([1, 2])",
    "trace(1)",
    "exp(1, 2)",
    "max(A, -A, A)",
    "exp(A, A)",
    "outer(x, x, A)",
    "[]",
    "[[]]",
    "()",
    "(,)",
    ",",
    "1,2",
    "[1;;2]",
    "[;]",
    "1;2",
    "A@@x",
    "@",
    "\\",
    "#",
    "$",
    "`",
    "'",
    '"',
    "\x00",
    "\u202e1",
    "𝑥",
    "σσσ",
    "√",
    "√√2",
    "²",
    "ᵀ",
    "x²²",
    "1e",
    "1e+",
    ".",
    "1..2",
    "0x10",
    "1_000",
    "A'''''",
    "-(1, 2)",
    "(1, 2) < 3",
    "[1 2] < [1 2 3]",
    "E",
    "A, B, C, D, E, F",
    "6x28x28x" * 500,
    "(" + "1, " * 2000 + ")",
    "(1, [1, 2])",
    "((1, 2), (3,))",
    "[1, (2, 3)]",
    "sum((1, [1, 2]))",
    "([1], [1, 2]).T",
]

KIND_SPECS = {
    "number": ("3/8", {}),
    "integer": ("160", {}),
    "vector": ("[1, 2, 3]", {}),
    "matrix": ("[[1, 2], [3, 4]]", {}),
    "expression": ("sigma(z)*(1 - sigma(z))",
                   {"variables": {"z": {"domain": [-3, 3]}}, "aliases": {"s": "sigma(z)"}}),
    "matrix_expression": ("(A + A.T) @ x", {"symbols": {"A": ["n", "n"], "x": ["n", 1]}}),
    "choice": ("B", {"choices": {"A": "a", "B": "b", "C": "c"}}),
    "select_all": ("A, C", {"choices": {"A": "a", "B": "b", "C": "c"}, "select_all": True}),
    "shape": ("(6, 28, 28)", {}),
}


def part(spec, name):
    answer, options = KIND_SPECS[name]
    kind = "choice" if name == "select_all" else name
    return spec(kind, answer, options=options)


@pytest.mark.parametrize("name", list(KIND_SPECS))
@pytest.mark.parametrize("text", NASTY, ids=[f"nasty{i}" for i in range(len(NASTY))])
def test_hostile_input_gets_a_verdict(spec, ctx, name, text):
    """Any text gives a PartResult (invalid or incorrect; blank is unanswered) within 2 s of
    CPU (this process's, so a busy machine cannot fail it)."""
    start = time.process_time()
    result = check_part(part(spec, name), text, ctx())
    assert time.process_time() - start < 2.0
    assert isinstance(result, PartResult)
    if text.strip():
        assert result.status in ("invalid", "incorrect"), result
    else:
        assert result.status == "unanswered"
    assert 0.0 <= result.credit < 1.0
    assert all(isinstance(m, str) for m in result.messages)
    if result.status == "invalid":
        assert result.messages


@pytest.mark.parametrize("name", list(KIND_SPECS))
def test_hostile_session_does_not_change_the_verdict(spec, ctx, name):
    """After a whole sweep of hostile answers in one context, the right answer is still right."""
    p = part(spec, name)
    c = ctx()
    right = {"expression": "s*(1-s)", "matrix_expression": "A @ x + A.T @ x"}.get(
        name, KIND_SPECS[name][0])
    assert check_part(p, right, c).status == "correct"
    for text in NASTY:
        check_part(p, text, c)
    assert check_part(p, right, c).status == "correct"


def test_nothing_is_executed(spec, ctx, tmp_path, monkeypatch):
    """Code in an answer is never run: no file appears, no command is called."""
    monkeypatch.chdir(tmp_path)
    attempt = "__import__('os').system('touch pwned')"
    for name in KIND_SPECS:
        check_part(part(spec, name), attempt, ctx())
        check_part(part(spec, name), "open('pwned', 'w')", ctx())
    assert not (tmp_path / "pwned").exists()


PIECES = [*"0123456789.eE+-*/^()[],; '@xzsAKT<>=", "σ", "π", "²", "ᵀ", "√", "−", "np.", "exp",
          "sigma", "inv", "max", "sum", "trace", "dot", "kron", "outer", "(1, [2])", "0/0",
          "inf", "B", ", ", "x", " by ", "(6, 28, 28)", "__", "lambda", "'a'"]


# `spec` and `ctx` are stateless factories, so sharing them across examples is safe.
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60),
                      st.lists(st.sampled_from(PIECES), max_size=30).map("".join)))
def test_any_text_gets_a_verdict_in_every_kind(spec, ctx, text):
    """For generated text, every kind returns a PartResult with a valid status and score."""
    for name in KIND_SPECS:
        result = check_part(part(spec, name), text, ctx())
        assert result.status in ("correct", "incorrect", "invalid", "unanswered")
        assert 0.0 <= result.credit <= 1.0
