"""Properties of the expression language over generated input (hypothesis)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mldrill.errors import AnswerParseError, EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS, MATRIX_STUDENT, REGISTRY
from mldrill.expr.parse import Expr, parse

STUDENT = {k: REGISTRY[k].numeric for k in MATRIX_STUDENT}

# Pieces people type, so generated text often gets past the lexer and into the parser.
PIECES = [
    *"0123456789.eE+-*/^()[],; '@xyzAT<>=!",
    "σ", "π", "²", "ᵀ", "√", "−", "·", "×",
    "**", "//", "np.", "np.linalg.", ".T", "exp", "log", "sqrt", "sigma", "inv", "max",
    "sum", "trace", "dot", "kron", "outer", "diag", "det", "norm", "abs", "relu",
    "(1,2)", "[1 2; 3 4]", "e9", "1e-3", "9**9", "__", "lambda", " for ", " in ", "'a'",
]

texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)

FAST = settings(max_examples=300, deadline=500,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts)
def test_parse_returns_expr_or_refuses(text):
    """parse either returns an Expr or raises AnswerParseError, never anything else."""
    try:
        result = parse(text, functions=MATRIX_STUDENT, variables={"x", "y", "A"})
    except AnswerParseError as err:
        assert 0 <= err.col <= len(err.text)
        assert err.message
        return
    assert isinstance(result, Expr)


@FAST
@given(texts)
def test_evaluate_returns_or_raises_evaluation_error(text):
    """A parsed answer evaluates (numbers only) to a value or raises EvaluationError."""
    try:
        expr = parse(text, functions=MATRIX_STUDENT)
    except AnswerParseError:
        return
    try:
        evaluate(expr, dict(CONSTANTS), STUDENT)
    except EvaluationError as err:
        assert err.message


@FAST
@given(texts)
def test_reading_is_deterministic(text):
    """Reading the same text twice gives the same tree (or the same refusal)."""
    def read(t):
        try:
            return parse(t).root
        except AnswerParseError as err:
            return (err.message, err.col)

    assert read(text) == read(text)


PATHOLOGICAL = [
    "9**9**9**9",
    "(" * 10_000,
    "(" * 10_000 + "1" + ")" * 10_000,
    "1+" * 5000,
    "-" * 5000 + "1",
    "-" * 3999 + "1",
    "+" * 3999 + "1",
    "1+" * 1999 + "1",
    "[" * 3000,
    "[" * 1000 + "]" * 1000,
    "1" * 4000,
    "9" * 3998 + ".0",
    "2**1000**1000",
    "(2**1000)**1000",
    "exp(exp(exp(exp(1000))))",
    "10**308*10**308",
    "3**999*3**999",
    "x" * 4000,
    "x " * 1999,
    "[1 " * 1300,
    "[" + "1," * 1999 + "]",
    "sigma(" * 59 + "0" + ")" * 59,
    "a*" * 1999 + "a",
    "((" * 30 + "))" * 30,
    "[" + "[1, 2], " * 400 + "]",
    "kron(kron([" + "1," * 99 + "1],[" + "1," * 99 + "1]),kron([" + "1," * 99 + "1],["
    + "1," * 99 + "1]))",
    "outer(outer([" + "1," * 99 + "1],[" + "1," * 99 + "1]),outer([" + "1," * 99 + "1],["
    + "1," * 99 + "1]))",
    "[[[" + "1," * 499 + "1]]] + [[[" + "1," * 499 + "1]]].T + [[[1]," * 499 + "[1]]]",
]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_input_is_quick(text):
    """Huge, deep or explosive input is read and evaluated (or refused) within 2 s of CPU
    (this process's CPU time, not the wall clock, so a busy machine cannot fail it; each
    case takes well under 0.1 s)."""
    start = time.process_time()
    try:
        expr = parse(text, functions=MATRIX_STUDENT, variables={"x", "a"})
        evaluate(expr, {**CONSTANTS, "x": 2.0, "a": 1.5}, STUDENT)
    except (AnswerParseError, EvaluationError):
        pass
    assert time.process_time() - start < 2.0


@pytest.mark.parametrize("text", ["(" * 10_000, "1+" * 5000, "-" * 5000 + "1", "[" * 3000])
def test_pathological_input_is_refused_not_crashed(text):
    """Deep or long input is an AnswerParseError (not a RecursionError or MemoryError)."""
    with pytest.raises(AnswerParseError):
        parse(text)


def test_explosive_values_are_inf_or_refused():
    """Towers of exponentials become inf, not a hang or a crash."""
    assert evaluate(parse("exp(exp(exp(exp(1000))))"), CONSTANTS, STUDENT) == float("inf")
    assert evaluate(parse("10**308*10**308"), CONSTANTS, STUDENT) == float("inf")


# --- round trip: parse(to_text(tree)) == tree ----------------------------------------------

NAMES = st.sampled_from(["x", "y", "z", "A", "W", "s", "e", "pi", "x1", "n_in", "T"])
FUNCS = st.sampled_from(["sigma", "exp", "log", "inv", "f", "g2"])
NUMBERS = st.one_of(
    st.integers(0, 10**6),
    st.floats(0, 1e300, allow_nan=False, allow_infinity=False),
)


def num(value) -> n.Num:
    return n.Num(value)


atoms = st.one_of(NAMES.map(n.Name), NUMBERS.map(num), NUMBERS.map(lambda v: n.Num(-v) if v
                                                                        else n.Num(v)))


def _unary(child: n.Node) -> n.Node:
    # `-2` is read back as the number -2, so Unary('-') never wraps a number directly
    return n.Unary("-", child) if not isinstance(child, n.Num) else n.Num(-child.value)


def extend(children):
    small_exponent = st.one_of(NAMES.map(n.Name), st.integers(0, 3).map(num),
                               NAMES.map(lambda x: n.Unary("-", n.Name(x))))
    return st.one_of(
        # no "%": in an answer it is a percentage (12.5% = 0.125), not modulo
        st.tuples(st.sampled_from(["+", "-", "*", "/", "@", "//"]), children, children)
        .map(lambda t: n.Bin(*t)),
        st.tuples(children, small_exponent).map(lambda t: n.Bin("**", *t)),
        children.map(_unary),
        children.map(lambda c: n.Unary("+", c)),
        children.map(n.Transpose),
        st.tuples(FUNCS, st.lists(children, max_size=3))
        .map(lambda t: n.Call(t[0], tuple(t[1]))),
        st.lists(children, max_size=3).map(lambda xs: n.ListExpr(tuple(xs))),
        st.lists(children, max_size=3).map(lambda xs: n.TupleExpr(tuple(xs))),
        st.tuples(st.sampled_from(["<", ">=", "==", "!="]), children, children)
        .map(lambda t: n.Compare((t[0],), (t[1], t[2]))),
    )


trees = st.recursive(atoms, extend, max_leaves=12)


@settings(max_examples=300, deadline=500, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_round_trip(tree):
    """parse(to_text(tree)) gives back an equal tree, in the answer grammar."""
    source = n.to_text(tree)
    assert parse(source).root == tree, source


@settings(max_examples=100, deadline=500)
@given(trees)
def test_canonical_text_is_a_fixed_point(tree):
    """The canonical text of a parsed answer reads back as the same text."""
    text = parse(n.to_text(tree)).text
    assert parse(text).text == text


@pytest.mark.parametrize("tree, text", [
    (n.Transpose(n.Num(2)), "(2).T"),
    (n.Transpose(n.Num(-2)), "(-2).T"),
    (n.Bin("**", n.Num(-2), n.Num(2)), "(-2)**2"),
    (n.Unary("-", n.Bin("**", n.Name("x"), n.Num(2))), "-x**2"),
    (n.Bin("**", n.Unary("-", n.Name("x")), n.Num(2)), "(-x)**2"),
    (n.Bin("-", n.Name("a"), n.Bin("-", n.Name("b"), n.Name("c"))), "a - (b - c)"),
    (n.Bin("**", n.Bin("**", n.Name("a"), n.Name("b")), n.Name("c")), "(a**b)**c"),
    (n.Bin("**", n.Name("a"), n.Bin("**", n.Name("b"), n.Name("c"))), "a**b**c"),
    (n.TupleExpr((n.Name("a"),)), "(a,)"),
    (n.Unary("-", n.Num(-2)), "-(-2)"),
])
def test_to_text_examples(tree, text):
    """to_text puts in exactly the brackets needed to read the tree back."""
    assert n.to_text(tree) == text
    assert parse(text).root == tree


def test_nodes_compare_by_value_not_position():
    """Node equality ignores pos (and a number's original text)."""
    assert n.Name("x", pos=3) == n.Name("x", pos=0)
    assert n.Num(2, "2.0") == n.Num(2)
    assert parse("  x + 1").root == parse("x+1").root


def test_substitute_replaces_names():
    """substitute() swaps each named Name for a tree, everywhere, and nothing else."""
    tree = parse("s*(1 - s) + f(s, t)").root
    out = n.substitute(tree, {"s": parse("sigma(z)").root})
    assert n.to_text(out) == "sigma(z)*(1 - sigma(z)) + f(sigma(z), t)"
