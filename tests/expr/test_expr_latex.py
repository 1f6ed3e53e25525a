"""LaTeX in answers (latex.py): what each construct reads as, and what is refused, where."""

from __future__ import annotations

import time

import pytest

from mldrill.errors import AnswerParseError
from mldrill.expr import nodes as n
from mldrill.expr.functions import MATRIX_STUDENT, SCALAR_STUDENT
from mldrill.expr.latex import looks_like_latex, translate
from mldrill.expr.parse import MATRIX_ANSWER, parse

SCALARS = {"x", "y", "z", "theta", "mu", "eta", "alpha", "beta", "gamma", "lam", "x1", "w_2",
           "r"}
MATRICES = {"A", "x", "y", "W", "K", "X", "I", "delta", "Sigma", "lam", "b"}


def scalar(text: str) -> str:
    return parse(text, functions=SCALAR_STUDENT, variables=SCALARS).text


def matrix(text: str) -> str:
    return parse(text, MATRIX_ANSWER, functions=MATRIX_STUDENT, variables=MATRICES).text


def refused(text: str, grammar=None) -> AnswerParseError:
    with pytest.raises(AnswerParseError) as info:
        if grammar is MATRIX_ANSWER:
            parse(text, MATRIX_ANSWER, functions=MATRIX_STUDENT, variables=MATRICES)
        else:
            parse(text, functions=SCALAR_STUDENT, variables=SCALARS)
    return info.value


# --- every construct of the issue, read as intended -----------------------------------------

@pytest.mark.parametrize("latex, reading", [
    (r"\frac{1}{2}", "1/2"),
    (r"\frac12", "1/2"),
    (r"\dfrac{x}{y + 1}", "x/(y + 1)"),
    (r"\frac{\frac{1}{2}}{3}", "1/2/3"),
    (r"\frac{1}{1 + e^{-z}}", "1/(1 + exp(-z))"),
    (r"\sqrt{x}", "sqrt(x)"),
    (r"\sqrt x", "sqrt(x)"),
    (r"\sqrt{x^2 + 1}", "sqrt(x**2 + 1)"),
    (r"\sqrt[3]{x}", "x**(1/3)"),
    (r"\sigma(z)", "sigma(z)"),
    (r"\sigma(z)(1 - \sigma(z))", "sigma(z)*(1 - sigma(z))"),
    (r"4\sigma(4z)", "4*sigma(4*z)"),
    (r"\exp(x)", "exp(x)"),
    (r"\exp{x}", "exp(x)"),
    (r"\log x", "log(x)"),
    (r"\ln(2)", "ln(2)"),
    (r"\log_2 8", "log2(8)"),
    (r"\log_{10}(100)", "log10(100)"),
    (r"x^{2}", "x**2"),
    (r"x^{\frac{1}{2}}", "x**(1/2)"),
    (r"\frac{1}{2} \frac{x}{3}", "1/2*(x/3)"),
    (r"x^{-1}", "x**-1"),  # a power in a scalar answer
    (r"x \cdot y", "x*y"),
    (r"2 \times 3", "2*3"),
    (r"6 \div 3", "6/3"),
    (r"\left( x + 1 \right)^2", "(x + 1)**2"),
    (r"\left[ x + 1 \right]^2", "(x + 1)**2"),
    (r"\big( x \big) \Bigl( y \Bigr)", "x*y"),
    (r"\left| x \right|", "abs(x)"),
    (r"\lvert x \rvert", "abs(x)"),
    (r"\left| x \right| + |y|", "abs(x) + abs(y)"),
    (r"\|x\|^2", "norm(x)**2"),
    (r"\text{sigmoid}(z)", "sigma(z)"),
    (r"3 \text{ nats}", "3"),
    (r"0.5\,\mathrm{cm}", "0.5"),
    (r"x \, y \; z \! x \quad y", "x*y*z*x*y"),
    (r"\theta^2 + \mu", "theta**2 + mu"),
    (r"\eta \alpha \beta \gamma", "eta*alpha*beta*gamma"),
    (r"\lambda x", "lam*x"),  # the problem's spelling of lambda
    (r"x_1 + w_{2}", "x1 + w_2"),  # as the problem names them
    (r"\pi r^2", "pi*r**2"),
    (r"\sum x", "sum(x)"),
    (r"x \le 1", "x <= 1"),
    (r"x \neq 1", "x != 1"),
    (r"e^{x} + e", "exp(x) + e"),
    (r"\mathrm{e}^{-x}", "exp(-x)"),
    (r"50\%", "50/100"),
    (r"$\frac{1}{2}$", "1/2"),
    (r"\(\frac{1}{2}\)", "1/2"),
    (r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "[[1, 2], [3, 4]]"),
    (r"\begin{pmatrix} 1 & 2 \end{pmatrix}", "[[1, 2]]"),
    (r"\begin{bmatrix} 1 \\ 2 \\ \end{bmatrix}", "[[1], [2]]"),
    (r"\begin{bmatrix} 2 x & 1 \\ -1 & \frac{1}{2} \end{bmatrix}", "[[2*x, 1], [-1, 1/2]]"),
    (r"\left[\begin{array}{cc} 1 & 2 \end{array}\right]", "[[1, 2]]"),
])
def test_latex_reads_as(latex, reading):
    """Each LaTeX construct of the issue reads as the answer it stands for."""
    assert scalar(latex) == reading


@pytest.mark.parametrize("latex, reading", [
    (r"W^\top", "W.T"),
    (r"W^T", "W.T"),
    (r"W^{\top}", "W.T"),
    (r"W^{T}", "W.T"),
    (r"A^{-1}", "inv(A)"),
    (r"A^{-T}", "inv(A).T"),
    (r"\left(X^\top X + \lambda I\right)^{-1} X^\top y", "inv(X.T*X + lam*I)*X.T*y"),
    (r"(A + A^\top)\mathbf{x}", "(A + A.T)*x"),
    (r"A x + A^T x", "A*x + A.T*x"),
    (r"\operatorname{tr}(A)", "trace(A)"),
    (r"\operatorname{Tr} A", "trace(A)"),
    (r"\det(A)", "det(A)"),
    (r"\det A", "det(A)"),
    (r"\mathbf{W}^\top \boldsymbol{\delta}", "W.T*delta"),
    (r"\Sigma^{-1} x", "inv(Sigma)*x"),
    (r"\begin{bmatrix} 1 & 2 \end{bmatrix} x", "[[1, 2]]*x"),
])
def test_latex_in_matrix_answers(latex, reading):
    """Matrix answers: transposes, A^{-1} as inv(A), \\operatorname{tr} as trace.
    (Products print as `*` here; the matrix_expression kind echoes `@` where it is one.)"""
    assert matrix(latex) == reading


def test_problem_names_win_over_latex_conventions():
    """Where the problem has a variable T or e, x^T and e^{x} are powers of it."""
    assert parse("x^T", functions=SCALAR_STUDENT, variables={"x", "T"}).text == "x**T"
    assert parse(r"x^\top", MATRIX_ANSWER, functions=MATRIX_STUDENT,
                 variables={"x", "T"}).text == "x.T"
    assert parse("e^{x}", functions=SCALAR_STUDENT, variables={"x", "e"}).text == "e**x"


def test_juxtaposition_is_marked_as_a_product_on_paper():
    """`(A + A^\\top)\\mathbf{x}` and `4\\sigma(4z)` are products written as on paper."""
    root = parse(r"(A + A^\top)\mathbf{x}", MATRIX_ANSWER, functions=MATRIX_STUDENT,
                 variables=MATRICES).root
    assert isinstance(root, n.Bin) and root.implicit
    root = parse(r"4\sigma(4z)", functions=SCALAR_STUDENT, variables=SCALARS).root
    assert isinstance(root, n.Bin) and root.implicit


def test_vmatrix_is_a_determinant_where_det_is_known():
    """A vmatrix is det(...) where det may be called, and refused clearly elsewhere."""
    assert matrix(r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix}") == "det([[1, 2], [3, 4]])"
    err = refused(r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix}")
    assert (err.message, err.col) == (
        "a determinant (vmatrix) cannot be read here: work out its value", 0)


# --- refusals: the message and the caret in what was typed --------------------------------

@pytest.mark.parametrize("latex, message, col", [
    (r"\input{/etc/passwd}",
     "'\\input' is not allowed in an answer: only maths commands are read", 0),
    (r"1 + \include{x}",
     "'\\include' is not allowed in an answer: only maths commands are read", 4),
    (r"\def\x{1}", "'\\def' is not allowed in an answer: only maths commands are read", 0),
    (r"x + \newcommand{\x}{1}",
     "'\\newcommand' is not allowed in an answer: only maths commands are read", 4),
    (r"\csname foo\endcsname",
     "'\\csname' is not allowed in an answer: only maths commands are read", 0),
    (r"\catcode`\{=1", "'\\catcode' is not allowed in an answer: only maths commands are read",
     0),
    (r"\write18{ls}", "'\\write' is not allowed in an answer: only maths commands are read", 0),
    (r"\fracc{1}{2}", "unknown LaTeX command '\\fracc' (did you mean '\\frac'?)", 0),
    (r"2 \sigm(z)", "unknown LaTeX command '\\sigm' (did you mean '\\sigma'?)", 2),
    (r"\qqqq", "unknown LaTeX command '\\qqqq'", 0),
    (r"\operatorname{foo}(z)", "unknown operator 'foo' (did you mean 'floor'?)", 0),
    (r"\frac{1}{2", "this '{' is never closed", 8),
    (r"\frac{1}2}", "this '}' closes nothing", 9),
    (r"\frac{1}", "\\frac needs an argument", 8),
    (r"x^{2} & 1", "'&' separates entries and only goes inside \\begin{bmatrix} ... "
                   "\\end{bmatrix}", 6),
    (r"x \\ y", "'\\\\' separates rows and only goes inside \\begin{bmatrix} ... "
                "\\end{bmatrix}", 2),
    (r"\begin{bmatrix} 1 & 2", "\\begin{bmatrix} is never ended", 0),
    (r"\begin{bmatrix} 1 \end{pmatrix}", "\\begin{bmatrix} ends with \\end{pmatrix}", 18),
    (r"\begin{align} x \end{align}", "unknown environment 'align'", 6),
    (r"\begin{bmatrix} 1 & & 2 \end{bmatrix}", "empty matrix entry", 20),
    (r"\end{bmatrix}", "\\end without a \\begin", 0),
    (r"\sum_{i=1}^n x_i", "a sum with limits cannot be read", 4),
    (r"x + \big| y \big|", "\\big| is ambiguous", 4),
    (r"_1 + \alpha", "a subscript must follow a name, as in x_1", 0),
    (r"\alpha_{i+1}", "a subscript can only be letters and digits here, as in x_1 or w_{12}",
     6),
    (r"\log_3 x", "log base 3 cannot be read", 0),
    (r"\frac{1}{2} |x", "this '|' is never closed", 12),
    (r"\text{}", "nothing to read: no maths in this LaTeX", 0),
    ("\\", "a lone backslash", 0),
    (r"\frac{1}{2} +", "the expression ends too early", 13),
    (r"\frac{1}{2} 3", "two numbers or names in a row: an operator is missing here", 12),
    # LaTeX's own rule, one character: \theta^23 is θ² 3, a number after a bracket
    (r"\theta^23", "two numbers or names in a row: an operator is missing here", 8),
])
def test_latex_refusals_point_into_what_was_typed(latex, message, col):
    """An unsupported command, unbalanced braces or a misplaced & is refused with the caret
    under what the student typed (the backslash of the command)."""
    err = refused(latex)
    assert (err.message, err.col, err.text) == (message, col, latex)


def test_negative_powers_other_than_inverse_are_refused_in_matrix_answers():
    """`K^{-2}` is not read as an elementwise power in a matrix answer; `K^{-1}` is inv(K)."""
    err = refused(r"K^{-2}", MATRIX_ANSWER)
    assert (err.message, err.col) == ("a negative power other than ^{-1} is elementwise here",
                                      1)
    assert matrix(r"K^{-1}") == "inv(K)"


def test_unknown_name_after_latex_points_at_it():
    """check_names errors (from node positions) point into the LaTeX as typed."""
    from mldrill.expr.parse import check_names

    expr = parse(r"\frac{1}{2} \omega", functions=SCALAR_STUDENT, variables=SCALARS)
    with pytest.raises(AnswerParseError) as info:
        check_names(expr, variables=SCALARS, functions=SCALAR_STUDENT)
    assert (info.value.message, info.value.col) == ("unknown name 'omega'", 12)


def test_translation_keeps_a_column_per_character():
    """translate maps every output character back to a column of the input."""
    t = translate(r"\frac{a}{b}")
    assert t.source == "((a)/(b))"
    assert len(t.origin) == len(t.source)
    assert t.origin[t.source.index("a")] == 6
    assert t.origin[t.source.index("b")] == 9


@pytest.mark.parametrize("text, latex", [
    (r"\frac{1}{2}", True), ("x^{2}", True), ("w_{12}", True), ("$x$", True),
    ("x^2", False), ("[1 2; 3 4]", False), ("{1: 2}", False), ("$", False),
    ("A.T @ x", False), ("s(1-s)", False),
])
def test_latex_is_detected_by_its_syntax(text, latex):
    """A backslash command, a braced script or $...$ is LaTeX; plain answers are not."""
    assert looks_like_latex(text) is latex


# --- hostile LaTeX: refused or read, quickly --------------------------------------------------

HOSTILE = [
    "{" * 5000,
    "}" * 3000,
    "{" * 61 + "x" + "}" * 61,
    r"\frac{" * 300 + "1" + "}{2}" * 300,
    r"\frac{" * 40 + "1" + "}{2}" * 40,
    r"\frac" * 500 + "12" * 500,
    r"\sqrt" * 700 + "x",
    r"\sqrt[" * 600 + "x",
    r"\sqrt[2]{" * 300 + "x" + "}" * 300,
    "x^" * 1500 + "2",
    "x_" * 1500 + "1",
    r"\left(" * 300 + "x" + r"\right)" * 300,
    r"\begin{bmatrix}" * 120 + "1" + r"\end{bmatrix}" * 120,
    r"\begin{bmatrix}" * 120,
    r"\begin{bmatrix}" + "1 & " * 900 + r"1 \end{bmatrix}",
    r"\begin{bmatrix}" + r"1 \\ " * 700 + r"1 \end{bmatrix}",
    r"\mathbf{" * 60 + "x" + "}" * 60,
    r"\mathbf{x+1}" * 300,
    r"\input{x}" * 400,
    r"\def" * 1000,
    r"\alpha" * 600,
    r"\alpha_1" * 450,
    "\\" * 3999,
    "&" * 3990 + r"\,",
    r"\frac{1}{2}" * 363,
    "e^{" * 600 + "x" + "}" * 600,
    r"A^{-1}" * 600,
    r"\left|" * 500 + "x",
    r"\log" * 900 + "x",
    r"\text{" + "a" * 3990 + "}",
    r"\frac{1}{2}" * 455,  # 5005 characters: over the length limit
    "x" * 2000 + r"\,",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_latex_is_refused_or_read_quickly(text):
    """Unbalanced, deep, long or repetitive LaTeX is read or refused (never crashes) within
    1 s of this process's CPU time (not wall time; each case takes milliseconds)."""
    start = time.process_time()
    for grammar in (None, MATRIX_ANSWER):
        try:
            if grammar is None:
                parse(text, functions=SCALAR_STUDENT, variables=SCALARS)
            else:
                parse(text, grammar, functions=MATRIX_STUDENT, variables=MATRICES)
        except AnswerParseError as err:
            assert 0 <= err.col <= len(err.text)
    assert time.process_time() - start < 1.0


def test_deep_fractions_are_refused_at_the_limit():
    """300 nested \\frac are refused as too deeply nested, with a caret."""
    err = refused(r"\frac{" * 300 + "1" + "}{2}" * 300)
    assert err.message == "braces nested more than 60 deep"
    assert err.col == 60 * len(r"\frac{") + len(r"\frac")


def test_five_thousand_characters_are_refused_by_length():
    """A 5000-character LaTeX answer is refused by the length limit, before it is read."""
    err = refused(r"\frac{1}{2}" * 455)
    assert err.message.startswith("too long (5005 characters")
