"""Products written as on paper (`2x`, `A x`, `a·b`): scalar or matrix, decided by shapes."""

from __future__ import annotations

import numpy as np
import pytest

from mldrill.errors import EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.evaluate import evaluate, resolved
from mldrill.expr.functions import MATRIX_STUDENT, REGISTRY
from mldrill.expr.parse import MATRIX_ANSWER, REFERENCE, parse

FUNCS = {k: REGISTRY[k].numeric for k in MATRIX_STUDENT}
A = np.array([[1.0, 2.0], [3.0, 4.0]])
X = np.array([[1.0], [-1.0]])
ENV = {"A": A, "x": X, "c": 3.0}


def value_and_reading(text: str):
    expr = parse(text, MATRIX_ANSWER, functions=MATRIX_STUDENT, variables=set(ENV))
    products: dict[int, str] = {}
    value = evaluate(expr, ENV, FUNCS, products=products)
    return value, n.to_text(resolved(expr.root, products))


@pytest.mark.parametrize("text, expected, reading", [
    ("A x", A @ X, "A @ x"),
    ("2A", 2 * A, "2*A"),
    ("c A", 3 * A, "c*A"),
    ("2A x", 2 * A @ X, "2*A @ x"),
    ("A x + A' x", A @ X + A.T @ X, "A @ x + A.T @ x"),
    ("(A + A')x", (A + A.T) @ X, "(A + A.T) @ x"),
    ("x' A x", X.T @ A @ X, "x.T @ A @ x"),
    ("A·x", A @ X, "A @ x"),
    ("A * x.T", A * X.T, "A*x.T"),  # an explicit * stays elementwise
])
def test_paper_products(text, expected, reading):
    """A number next to anything is a scalar product; two arrays are a matrix product; the
    echo says which."""
    value, shown = value_and_reading(text)
    assert np.allclose(value, expected)
    assert shown == reading


def test_failed_matrix_product_names_the_reading():
    """`A.T x` that cannot be multiplied says it was read as `A.T @ x` (not `(T @ x)`)."""
    expr = parse("x.T x.T", MATRIX_ANSWER, functions=MATRIX_STUDENT, variables=set(ENV))
    with pytest.raises(EvaluationError) as info:
        evaluate(expr, ENV, FUNCS)
    assert info.value.message == (
        "shapes do not match for '@': 1x2 @ 1x2 (two matrices side by side are a matrix "
        "product: x.T @ x.T; write * for an elementwise product)")


def test_scalar_reading_for_sample_points():
    """With paper_products off (arrays of sample points of scalars), `x y` is elementwise."""
    expr = parse("x y", variables={"x", "y"})
    pts = {"x": np.array([1.0, 2.0]), "y": np.array([3.0, 4.0])}
    assert np.allclose(evaluate(expr, pts, FUNCS, paper_products=False), [3.0, 8.0])
    assert evaluate(expr, pts, FUNCS) == 11.0  # as on paper: two vectors, a matrix product


def test_paper_product_prints_and_compares_as_star():
    """An implied product prints as `*` (read as: 2*x**2) and equals an explicit one."""
    implied = parse("2x").root
    assert isinstance(implied, n.Bin) and implied.implicit
    assert implied == parse("2*x").root
    assert not parse("2*x").root.implicit  # type: ignore[attr-defined]
    assert parse("2x").text == "2*x"


def test_references_have_no_implied_products():
    """Instructors write @ or * explicitly: a reference never has an implied product."""
    root = parse("2 * A @ x", REFERENCE).root
    assert not any(isinstance(x, n.Bin) and x.implicit for x in n.walk(root))
