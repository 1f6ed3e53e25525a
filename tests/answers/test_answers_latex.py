"""LaTeX and Unicode answers through every answer kind that reads formulas (check_part)."""

from __future__ import annotations

import pytest

QUADRATIC = {"symbols": {"A": ["n", "n"], "x": ["n", 1]}}
LOGDET = {"symbols": {"K": {"shape": ["n", "n"], "spd": True}}}
# a tall A (more rows than columns), so that A.T @ A is invertible
NORMAL_EQ = {"symbols": {"A": ["m", "n"], "y": ["m", 1], "x": ["n", 1]}, "sizes": {"m": 6, "n": 3}}
SIGMA4 = {"variables": {"z": {"domain": [-3, 3]}}}
THETA = {"variables": {"theta": {"domain": [0.05, 0.95]}}}


@pytest.mark.parametrize("text", [r"\frac{3}{8}", r"\frac38", r"\dfrac{3}{8}",
                                  r"$\frac{3}{8}$", r"\frac{1}{2} \cdot \frac{3}{4}",
                                  r"\frac{3}{2^{3}}", r"\left(\frac{3}{8}\right)",
                                  r"37.5\%"])
def test_number_in_latex(check, spec, text):
    """A number typed in LaTeX is read and judged like the plain answer."""
    result = check(spec("number", "3/8"), text)
    assert result.status == "correct", result.messages


@pytest.mark.parametrize("text, answer", [
    (r"e^{-2}", "exp(-2)"), (r"\exp(-2)", "exp(-2)"), (r"\frac{\sqrt{2}}{2}", "sqrt(2)/2"),
    (r"\sqrt[3]{8}", "2"), (r"\ln 2", "log(2)"), (r"\log_2 8", "3"), (r"2\pi", "2*pi"),
    ("√2/2", "sqrt(2)/2"), ("2¹⁰", "1024"),
])
def test_number_functions_in_latex(check, spec, text, answer):
    """e^{x}, \\exp, \\sqrt, \\sqrt[n], \\ln, \\log_2, \\pi and Unicode read as numbers."""
    assert check(spec("number", answer), text).status == "correct"


def test_integer_in_latex(check, spec):
    """Counts typed with \\times and \\cdot are whole numbers."""
    assert check(spec("integer", "456"), r"6 \times (5 \cdot 5 \cdot 3 + 1)").status == \
        "correct"


@pytest.mark.parametrize("text", [
    r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
    r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \\ \end{pmatrix}",
    "\\begin{bmatrix}\n  1 & 2 \\\\\n  3 & 4\n\\end{bmatrix}",
    r"\left[\begin{array}{cc} 1 & 2 \\ 3 & 4 \end{array}\right]",
    r"\begin{bmatrix} \frac{2}{2} & 2 \\ 3 & 2^2 \end{bmatrix}",
    r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix} \begin{bmatrix} 1 & 2 \\ 3 & 4 "
    r"\end{bmatrix}",
])
def test_matrix_in_latex(check, spec, text):
    """bmatrix/pmatrix/array with & and \\\\ are matrices (over several lines too); two
    matrices side by side are their matrix product."""
    result = check(spec("matrix", "[[1, 2], [3, 4]]"), text)
    assert result.status == "correct", result.messages


def test_matrix_product_of_literals_is_echoed_with_at(check, spec):
    """Two LaTeX matrices side by side are read (and echoed) as a matrix product."""
    result = check(spec("matrix", "[[3], [7]]"), r"\begin{bmatrix} 1 & 2 \\ 3 & 4 "
                   r"\end{bmatrix} \begin{bmatrix} 1 \\ 1 \end{bmatrix}")
    assert (result.status, result.read_as) == ("correct", "[[1, 2], [3, 4]] @ [[1], [1]]")


def test_inverse_of_a_typed_matrix_is_not_an_answer(check, spec):
    """A matrix typed out with ^{-1} is neither read elementwise nor computed for the student
    (a matrix answer is its entries): invalid, with the caret under the ^."""
    result = check(spec("matrix", "[[1, -1], [0, 1]]"),
                   r"\begin{bmatrix} 1 & 1 \\ 0 & 1 \end{bmatrix}^{-1}")
    assert (result.status, result.error_col) == ("invalid", 44)
    assert result.messages[0].startswith("the inverse of a matrix cannot be typed here: work "
                                         "out its entries")


def test_vector_in_latex(check, spec):
    """A LaTeX column or row is accepted for a vector."""
    s = spec("vector", "[1, 2, 3]")
    assert check(s, r"\begin{bmatrix} 1 \\ 2 \\ 3 \end{bmatrix}").status == "correct"
    assert check(s, r"\begin{pmatrix} 1 & 2 & 3 \end{pmatrix}").status == "correct"


@pytest.mark.parametrize("text", ["[1 2\n; 3 4]", "1 2\n;3 4", "[1 2;\n; 3 4]"])
def test_row_continued_with_semicolon(check, spec, text):
    """A new line that begins with ';' is read (the new line already ended the row), and
    the echo says so instead of refusing."""
    result = check(spec("matrix", "[[1, 2], [3, 4]]"), text)
    assert (result.status, result.read_as) == (
        "correct", "[[1, 2], [3, 4]] (a new line already ends a row: no ';' is needed)")


@pytest.mark.parametrize("text", [
    r"4\sigma(4z)(1 - \sigma(4z))",
    r"4 \sigma(4z) \left(1 - \sigma(4z)\right)",
    r"\frac{4 e^{-4z}}{(1 + e^{-4z})^2}",
    r"\frac{4\exp(-4z)}{\left(1+\exp(-4z)\right)^{2}}",
    "4σ(4z)(1 − σ(4z))",
])
def test_expression_in_latex(check, spec, text):
    """d/dz sigma(4z) typed in LaTeX or Unicode: `4\\sigma(4z)` is a scalar product."""
    s = spec("expression", "4*sigma(4*z)*(1 - sigma(4*z))", options=SIGMA4)
    result = check(s, text)
    assert result.status == "correct", result.messages


@pytest.mark.parametrize("text", [r"\frac{1}{\theta} - \frac{1}{1 - \theta}",
                                  "1/θ - 1/(1 − θ)", r"\theta^{-1} - (1-\theta)^{-1}"])
def test_greek_variable(check, spec, text):
    """A problem's variable theta may be typed \\theta or θ."""
    s = spec("expression", "1/theta - 1/(1 - theta)", options=THETA)
    assert check(s, text).status == "correct"


@pytest.mark.parametrize("text, read_as", [
    (r"(A + A^\top)\mathbf{x}", "(A + A.T) @ x"),
    (r"A x + A^T x", "A @ x + A.T @ x"),
    (r"\mathbf{A}\mathbf{x} + \mathbf{A}^{T}\mathbf{x}", "A @ x + A.T @ x"),
    (r"\left(A + A^{\top}\right) x", "(A + A.T) @ x"),
    ("(A + Aᵀ)x", "(A + A.T) @ x"),
    ("A·x + Aᵀ·x", "A @ x + A.T @ x"),
    (r"A \cdot x + A^T \cdot x", "A @ x + A.T @ x"),
])
def test_matrix_expression_in_latex(check, spec, text, read_as):
    """d(x^T A x)/dx typed on paper's terms: juxtaposed matrices are a matrix product, and
    the echo shows the @."""
    result = check(spec("matrix_expression", "(A + A.T) @ x", options=QUADRATIC), text)
    assert (result.status, result.read_as) == ("correct", read_as)


@pytest.mark.parametrize("text", [r"K^{-\top}", r"(K^{-1})^\top", r"K^{-1}", "K⁻¹",
                                  r"\left(K^{T}\right)^{-1}"])
def test_inverse_in_latex(check, spec, text):
    """LaTeX's K^{-1} (and Unicode K⁻¹) is inv(K) in a matrix answer."""
    result = check(spec("matrix_expression", "inv(K).T", options=LOGDET), text)
    assert result.status == "correct"


def test_inverse_of_a_scalar_parameter(check, spec):
    """\\lambda^{-1} A, with lambda a scalar parameter, is the reciprocal times A."""
    s = spec("matrix_expression", "A / lam", options={"symbols": {"A": ["n", "n"]}})
    result = check(s, r"\lambda^{-1} A", params={"lam": 2.0})
    assert (result.status, result.read_as) == ("correct", "inv(lam)*A")


def test_trace_and_determinant(check, spec):
    """\\operatorname{tr}(A) is trace(A) and \\det A is det(A)."""
    s = spec("matrix_expression", "trace(A) * det(A)", options={"symbols": {"A": ["n", "n"]}})
    assert check(s, r"\operatorname{tr}(A) \det A").status == "correct"


def test_normal_equations(check, spec):
    """(A^T A)^{-1} A^T y, the least-squares solution, from the notes."""
    s = spec("matrix_expression", "inv(A.T @ A) @ A.T @ y", options=NORMAL_EQ)
    result = check(s, r"\left(A^\top A\right)^{-1} A^\top \mathbf{y}")
    assert (result.status, result.read_as) == ("correct", "inv(A.T @ A) @ A.T @ y")


def test_missing_operator_hint_names_the_whole_operand(check, spec):
    """`A.T x` that cannot be a product says it was read as `A.T @ x` (never `(T @ x)`)."""
    result = check(spec("matrix_expression", "A.T @ y", options=NORMAL_EQ), "A.T x")
    assert (result.status, result.diagnosis) == ("incorrect", "shape")
    assert result.messages == (
        "your expression cannot be computed: shapes do not match for '@': n x m @ n x 1 "
        "(two matrices side by side are a matrix product: A.T @ x; write * for an "
        "elementwise product)",)
    assert check(spec("matrix_expression", "A.T @ y", options=NORMAL_EQ), "A.T y").status \
        == "correct"


@pytest.mark.parametrize("kind, answer, options, text, col, start", [
    ("number", "0.5", {}, r"\frac{1}{2", 8, "this '{' is never closed"),
    ("number", "0.5", {}, r"\input{half}", 0, "'\\input' is not allowed"),
    ("matrix", "[[1]]", {}, r"\begin{bmatrix} 1 & \end{bmatrix}", 20, "empty matrix entry"),
    ("expression", "z", SIGMA4, r"\sigm(z)", 0, "unknown LaTeX command '\\sigm' (did you "
                                                "mean '\\sigma'?)"),
    ("matrix_expression", "(A + A.T) @ x", QUADRATIC, r"(A + A^\top)\mathbf{y}", 20,
     "unknown name 'y'"),
])
def test_unreadable_latex_is_invalid_with_caret(check, spec, kind, answer, options, text,
                                                col, start):
    """Refused LaTeX is 'invalid' (not counted) with the caret in what was typed."""
    result = check(spec(kind, answer, options=options), text)
    assert (result.status, result.error_col) == ("invalid", col)
    assert result.messages[0].startswith(start)


@pytest.mark.parametrize("text", [r"6 \times 28 \times 28", r"\left(6, 28, 28\right)",
                                  r"(6 \times 28 \times 28)", "$6 \\times 28 \\times 28$"])
def test_shape_in_latex(check, spec, text):
    """A shape typed with \\times or \\left( \\right) is read as the sizes."""
    result = check(spec("shape", "(6, 28, 28)"), text)
    assert (result.status, result.read_as) == ("correct", "(6, 28, 28)")


def test_shape_in_latex_points_at_the_bad_size(check, spec):
    """A size that is not whole is pointed at in what was typed."""
    result = check(spec("shape", "(6, 28, 28)"), r"6 \times 28 \times 2.5")
    assert (result.status, result.error_col) == ("invalid", 19)
    assert result.messages[0].startswith("'2.5' is not a whole number")


def test_outer_product_side_by_side_and_broadcast_reask(check, spec):
    """`\\mathbf{y}\\mathbf{x}^\\top` is the outer product y @ x.T; `*` would only work by
    NumPy broadcasting: re-asked, with the caret in the LaTeX as typed."""
    s = spec("matrix_expression", "y @ x.T", options={"symbols": {"y": ["m", 1],
                                                                 "x": ["n", 1]}})
    result = check(s, r"\mathbf{y}\mathbf{x}^\top")
    assert (result.status, result.read_as) == ("correct", "y @ x.T")
    result = check(s, r"\mathbf{y} * \mathbf{x}^\top")
    assert (result.status, result.error_col) == ("invalid", 8)
    assert result.messages[0].splitlines()[1] == r"  \mathbf{y} * \mathbf{x}^\top"


@pytest.mark.parametrize("text", [
    r"\frac{1}{\sqrt{2\pi}\sigma} e^{-\frac{(x-\mu)^2}{2\sigma^2}}",
    r"\frac{1}{\sigma\sqrt{2\pi}}\exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)",
    "1/(σ√(2π)) exp(−(x−μ)²/(2σ²))",
])
def test_gaussian_density_with_a_variable_named_sigma(check, spec, text):
    r"""Where sigma is the problem's variable (a spread), \sigma and σ are that variable,
    even next to a function (`\sigma\sqrt{2\pi}` is a product)."""
    s = spec("expression", "exp(-(x - mu)**2/(2*sigma**2))/(sqrt(2*pi)*sigma)",
             options={"variables": {"x": None, "mu": None, "sigma": {"domain": [0.5, 2]}}})
    result = check(s, text)
    assert result.status == "correct", result.messages
