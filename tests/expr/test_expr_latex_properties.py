"""Properties of LaTeX reading over generated input (hypothesis): read or refused, never a
crash, the caret always inside what was typed, and a column for every character."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mldrill.errors import AnswerParseError
from mldrill.expr.functions import MATRIX_STUDENT, SCALAR_STUDENT
from mldrill.expr.latex import translate
from mldrill.expr.parse import MATRIX_ANSWER, Expr, parse

PIECES = [
    *"0123456789.+-*/^_()[]{}{}{}&|,;' xyzAT$~%",
    "\\", "\\\\", "\\frac", "\\frac{", "}{", "\\sqrt", "\\sqrt[", "]", "\\sigma", "\\theta",
    "\\lambda", "\\alpha_", "\\exp", "\\log", "\\log_", "\\ln", "\\left(", "\\right)",
    "\\left|", "\\right|", "\\left.", "\\big(", "\\big|", "\\bigr)", "\\cdot", "\\times",
    "\\mathbf{", "\\operatorname{tr}", "\\operatorname{", "\\text{", "\\mathrm{", "\\hat{",
    "\\det", "\\top", "^\\top", "^{-1}", "^{-T}", "^T", "e^{", "\\begin{bmatrix}",
    "\\end{bmatrix}", "\\begin{pmatrix}", "\\begin{vmatrix}", "\\end{vmatrix}",
    "\\begin{array}{cc}", "\\end{array}", "\\begin{", "\\end{", "\\input", "\\def", "\\x",
    "\\sum", "\\sum_", "\\,", "\\;", "\\!", "\\{", "\\}", "\\%", "\\(", "\\)", "\\le", "\\infty",
    "θ", "λ", "ᵀ", "⁻¹", "₁", "²", "·", "Σ", "∑", "\n",
]

texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts)
def test_latex_is_read_or_refused(text):
    """Any mix of LaTeX pieces parses or raises AnswerParseError with a caret in the text."""
    for grammar, functions in ((None, SCALAR_STUDENT), (MATRIX_ANSWER, MATRIX_STUDENT)):
        try:
            if grammar is None:
                result = parse(text, functions=functions, variables={"x", "y", "z"})
            else:
                result = parse(text, grammar, functions=functions, variables={"A", "x"})
        except AnswerParseError as err:
            assert err.text == text
            assert 0 <= err.col <= len(text)
            assert err.message
            continue
        assert isinstance(result, Expr)
        assert all(0 <= x.pos <= len(text) for x in _nodes(result))


def _nodes(expr: Expr):
    from mldrill.expr import nodes as n

    return list(n.walk(expr.root))


@FAST
@given(texts)
def test_translation_maps_every_character(text):
    """Every character of a translation comes from a column of the input."""
    try:
        t = translate(text, functions=SCALAR_STUDENT, variables={"x"})
    except AnswerParseError:
        return
    assert len(t.origin) == len(t.source)
    assert all(0 <= c <= len(text) for c in t.origin)
