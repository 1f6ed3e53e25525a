"""What NumPy users type is read: methods (.dot, .sum(axis=0)), np.matmul, np.where,
np.maximum; and a reference written with Python's conditional has a typable key."""

from __future__ import annotations

import pytest

RELU_LAYER = {"symbols": {"W": ["m", "n"], "x": ["n", 1], "dY": ["b", "m"]}}


@pytest.mark.parametrize("answer, text", [
    ("W @ x", "W.dot(x)"),
    ("W @ x", "np.matmul(W, x)"),
    ("W @ x", "np.dot(W, x)"),
    ("sum(dY, axis=0)", "dY.sum(axis=0)"),
    ("sum(dY, axis=0)", "np.sum(dY, axis=0)"),
    ("mean(dY, axis=0)", "dY.mean(axis=0)"),
    ("W.T", "W.transpose()"),
    ("step(W @ x)", "np.where(W @ x > 0, 1, 0)"),
    ("relu(W @ x)", "np.maximum(W @ x, 0)"),
    ("relu(W @ x)", "np.maximum(0, W.dot(x))"),
])
def test_numpy_spellings_are_read(check, spec, answer, text):
    """Each NumPy spelling of the right matrix formula is accepted."""
    result = check(spec("matrix_expression", answer, options=RELU_LAYER), text)
    assert result.status == "correct", (text, result)


def test_an_unknown_method_lists_the_ones_that_work(check, spec):
    """`.foo(...)` is refused with a caret and the methods that are read."""
    result = check(spec("matrix_expression", "W @ x", options=RELU_LAYER), "W.reshape(x)")
    assert result.status == "invalid"
    assert ".dot, .max, .mean, .min, .sum, .trace, .transpose" in result.messages[0]


@pytest.mark.parametrize("text", ["(x > y)", "where(x > y, 1, 0)", "heaviside(x - y)",
                                  "np.where(x > y, 1, 0)", "step(x - y)"])
def test_a_conditional_reference_is_checked_elementwise_and_typable(check, spec, text, ctx):
    """An expression reference `1 if x > y else 0` is computed at every sample point
    (not as one truth value), and its key `where(x > y, 1, 0)` is something a student can
    type; each equivalent form is accepted."""
    from mldrill.answers.base import KINDS, cached_target

    s = spec("expression", "1 if x > y else 0",
             options={"variables": {"x": [-2, 2], "y": [-2, 2]}})
    assert check(s, text).status == "correct", text
    context = ctx()
    key = KINDS["expression"].format(cached_target(KINDS["expression"], s.answer, s, context), s,
                                     context)
    assert key == "where(x > y, 1, 0)"
    assert check(s, "(x < y)").status == "incorrect"
