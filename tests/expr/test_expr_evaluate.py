"""The evaluator and the function registry: values, errors, and limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mldrill.errors import EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.evaluate import MAX_INT_BITS, evaluate
from mldrill.expr.functions import (
    CONSTANTS,
    FORBIDDEN_IN_ANSWERS,
    MATRIX_STUDENT,
    REGISTRY,
    SCALAR_STUDENT,
    student_functions,
)
from mldrill.expr.parse import REFERENCE, parse

ALL = {k: f.numeric for k, f in REGISTRY.items()}
STUDENT = {k: REGISTRY[k].numeric for k in MATRIX_STUDENT}


def ev(text, env=None, *, exact=False, functions=None, grammar=None):
    expr = parse(text, grammar) if grammar else parse(text, functions=MATRIX_STUDENT)
    return evaluate(expr, {**CONSTANTS, **(env or {})}, functions or STUDENT, exact_ints=exact)


def error(text, env=None, **kw) -> EvaluationError:
    with pytest.raises(EvaluationError) as info:
        ev(text, env, **kw)
    return info.value


@pytest.mark.parametrize("text, value", [
    ("3/8", 0.375),
    ("2x^2", 18.0),
    ("7//2", 3.0),
    ("12.5%", 0.125),  # a percentage in an answer, never modulo
    ("-x + +x", 0.0),
    ("exp(0) + log(e) + sqrt(4)", 4.0),
    ("sigma(0)", 0.5),
    ("log(8, 2)", 3.0),
    ("pi", math.pi),
    ("x > 2", 1.0),
    ("x == 3", 1.0),
])
def test_scalar_values(text, value):
    """Answers evaluate in floating point with names from the environment."""
    assert ev(text, {"x": 3.0}) == pytest.approx(value)


def test_answers_are_floats_references_keep_ints():
    """Answers use floats (so 2**1000 cannot build a huge int); references keep ints."""
    assert isinstance(ev("2**10"), float)
    assert ev("2**10", exact=True, grammar=REFERENCE) == 1024
    assert isinstance(ev("2**10", exact=True, grammar=REFERENCE), int)


def test_matrix_values():
    """Lists become float arrays; @, .T and inv work as in NumPy."""
    a = ev("[1 2; 3 4]")
    assert a.dtype == float and a.tolist() == [[1, 2], [3, 4]]
    assert ev("[1 2; 3 4]' @ [1; 1]").tolist() == [[4], [6]]
    assert np.allclose(ev("inv([2 0; 0 4])"), [[0.5, 0], [0, 0.25]])


def test_evaluate_accepts_a_bare_node():
    """evaluate() takes an Expr or a bare node tree."""
    assert evaluate(n.Bin("+", n.Num(1), n.Name("x")), {"x": 2.0}, {}) == 3.0


@pytest.mark.parametrize("text", ["(-8)**(1/3)", "(-1)**0.5", "0/0", "log(-1)", "1//0",
                                  "sqrt(-1)"])
def test_non_real_results_are_nan(text):
    """Results that are not real numbers are NaN (never complex, never an exception)."""
    value = ev(text)
    assert not isinstance(value, complex)
    assert math.isnan(float(value))


def test_division_by_zero_in_references_is_an_error():
    """In exact (reference) evaluation, integer division by zero is an error."""
    assert error("1/0", exact=True, grammar=REFERENCE).message == "division by zero"


def test_float_overflow_is_inf_or_an_error():
    """Overflow gives inf where NumPy does, and an EvaluationError where Python raises."""
    assert ev("exp(1000)") == math.inf
    assert ev("1e308*10") == math.inf
    assert "cannot compute '**'" in error("3**999*3**999").message


def test_huge_integer_power_in_references_is_refused():
    """References keep ints but refuse a power with more than MAX_INT_BITS bits."""
    assert 3 * (3**1000).bit_length() > MAX_INT_BITS
    err = error("(3**1000)**3", exact=True, grammar=REFERENCE)
    assert err.message == "number too large"


@pytest.mark.parametrize("text, message", [
    ("y", "unknown name 'y'"),
    ("qqq(1)", "unknown function 'qqq'"),
    ("2 @ 3", "'@' is matrix multiplication and needs two arrays; use '*' for a scalar"),
    ("[1; 1; 1] @ [1 2; 3 4]", "shapes do not match for '@': 3x1 @ 2x2"),
    ("[1 2 3] + [1 2]", "shapes do not match for '+': 3 and 2"),
    ("[[1, 2], [3]]", "rows have different lengths"),
    ("[1, [2]]", "rows have different lengths"),
    ("((1, 2), 3)'", "rows have different lengths"),
    ("[1 2] < [1 2 3]", "cannot compare an array of shape 2 and an array of shape 3 with '<'"),
    ("((1, 2), (3,))", "rows have different lengths"),
    ("(1, [1, 2])", "rows have different lengths"),
    ("inv([1 2; 2 4])", "inv(...) failed: Singular matrix"),
    ("exp(1, 2)", "exp(...) failed: takes 1 argument, got 2"),
    ("max()", "max(...) failed: needs at least one argument"),
])
def test_evaluation_errors(text, message):
    """What cannot be computed raises EvaluationError with a message for the student."""
    assert error(text).message == message


def test_tuples_in_answers_are_vectors():
    """In answers `(1, 2)` is the vector [1, 2]; references keep tuples (for shapes)."""
    assert ev("-(1, 2)").tolist() == [-1.0, -2.0]
    assert ev("(1, 2)", exact=True, grammar=REFERENCE) == (1, 2)


@pytest.mark.parametrize("text, message", [
    ("-(1, 2)", "cannot apply '-' to a tuple"),
    ("(1, 2) < 3", "cannot compare a tuple and a number with '<'"),
])
def test_reference_tuple_errors(text, message):
    """Operations a tuple does not support are EvaluationErrors in references too."""
    assert error(text, exact=True, grammar=REFERENCE).message == message


def test_evaluation_error_points_at_the_node():
    """An EvaluationError carries the source text and the column of the failing node."""
    err = error("1 + [1; 1; 1] @ [1 2; 3 4]")
    assert err.text == "1 + [1; 1; 1] @ [1 2; 3 4]"
    assert err.col == 4


def test_broadcast_result_size_is_checked_before_computing():
    """An elementwise operation whose broadcast result is too large is refused up front."""
    env = {"u": np.ones((5000, 1)), "v": np.ones((1, 5000))}
    assert error("u + v", env).message == "result too large"


@pytest.mark.parametrize("fn", ["kron", "outer"])
def test_product_sized_functions_are_checked_before_calling(fn):
    """kron/outer of large arguments are refused before allocating the result."""
    env = {"v": np.ones(4000)}
    assert error(f"{fn}(v, v)", env).message == "result too large"


@pytest.mark.parametrize("text", ["exp(x, A)", "sqrt(x, A)", "max(x, x, A)", "outer(x, x, A)",
                                  "dot(x, x, A)", "abs(x, A)"])
def test_student_functions_cannot_write_into_arguments(text):
    """NumPy's positional `out` is not reachable: calls with extra arguments fail, A is intact."""
    a = np.zeros((3, 3))
    try:
        ev(text, {"x": np.ones((3, 3)), "A": a})
    except EvaluationError:
        pass
    assert not a.any()


def test_max_and_min():
    """max/min of one array reduce it; of several, they are elementwise."""
    assert ev("max([1 5 3])") == 5
    assert ev("min([1 5 3])") == 1
    assert ev("max([1 5], [4 2], [0 6])").tolist() == [4, 6]
    assert ev("min(3, 1, 2)") == 1


def test_sigmoid_is_stable():
    """sigma does not overflow for large |z| and is symmetric."""
    assert ev("sigma(-1000)") == 0.0
    assert ev("sigma(1000)") == 1.0
    assert ev("sigma(2) + sigma(-2)") == pytest.approx(1.0)
    assert ev("sigma([-1000, 0, 1000])").tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("text, value", [
    ("softplus(0)", math.log(2)),
    ("step(0) + step(2)", 1.0),
    ("relu(-1) + relu(2)", 2.0),
    ("logdet([2 0; 0 3])", math.log(6)),
    ("trace([1 2; 3 4])", 5.0),
    ("tr([1 2; 3 4])", 5.0),
    ("det([1 2; 3 4])", -2.0),
    ("sum([1 2; 3 4])", 10.0),
    ("mean([1 2; 3 4])", 2.5),
    ("norm([3 4])", 5.0),
    ("ln(e)", 1.0),
    ("sigmoid(0)", 0.5),
])
def test_registry_functions(text, value):
    """The student functions compute what their names say."""
    assert ev(text) == pytest.approx(value)


def test_logdet_of_non_positive_matrix_is_nan():
    """logdet of a matrix with a non-positive determinant is NaN, not a wrong number."""
    assert math.isnan(ev("logdet([1 0; 0 -1])"))


def test_reference_only_functions_are_not_for_students():
    """NumPy helpers and diff are registered for references only."""
    students = student_functions()
    for name in ("zeros", "array", "diff", "solve", "onehot"):
        assert name in REGISTRY and name not in students
    assert SCALAR_STUDENT <= MATRIX_STUDENT
    assert "inv" in MATRIX_STUDENT and "inv" not in SCALAR_STUDENT
    assert set(FORBIDDEN_IN_ANSWERS).isdisjoint(students)


def test_diff_cannot_be_evaluated_numerically():
    """diff(...) only works in expression references; evaluating it says so."""
    err = error("diff(x, x)", {"x": 1.0}, functions=ALL, grammar=REFERENCE)
    assert "worked out symbolically" in err.message


def test_reference_subscripts_and_conditionals():
    """References can index, slice, compare and branch."""
    env = {"v": np.arange(5), "n": 3}
    assert ev("v[1:3]", env, exact=True, grammar=REFERENCE, functions=ALL).tolist() == [1, 2]
    assert ev("1 if n > 2 and n < 4 else 0", env, exact=True, grammar=REFERENCE) == 1
    assert ev("not n", env, exact=True, grammar=REFERENCE) is False
    assert "indexing failed" in error("v[9]", env, exact=True, grammar=REFERENCE).message
