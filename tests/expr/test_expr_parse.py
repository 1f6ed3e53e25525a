"""The ANSWER grammar: how what a student types is read (lexer.py + parse.py)."""

from __future__ import annotations

import pytest

from mldrill.expr import nodes as n
from mldrill.expr.functions import MATRIX_STUDENT, SCALAR_STUDENT
from mldrill.expr.lexer import normalize
from mldrill.expr.parse import ANSWER, REFERENCE, parse


def text(source: str, **kw) -> str:
    return parse(source, **kw).text


def test_implicit_product_and_caret_power():
    """`2x^2` reads as 2*x**2, with ** binding tighter than the implicit product."""
    expr = parse("2x^2")
    assert expr.text == "2*x**2"
    assert expr.root == n.Bin("*", n.Num(2), n.Bin("**", n.Name("x"), n.Num(2)))


def test_known_variable_before_bracket_is_a_product():
    """`s(1-s)` with s a variable is s*(1 - s), not a call of s."""
    expr = parse("s(1-s)", variables={"s"})
    assert expr.text == "s*(1 - s)"
    assert isinstance(expr.root, n.Bin) and expr.root.op == "*"


def test_function_before_bracket_is_a_call():
    """`sigma(z)` with sigma a function is a call."""
    expr = parse("sigma(z)", functions=SCALAR_STUDENT, variables={"z"})
    assert expr.root == n.Call("sigma", (n.Name("z"),))


def test_unknown_name_before_bracket_is_a_call():
    """An unknown name before `(` is read as a call, so check_names can name the function."""
    assert parse("sigmaa(z)").root == n.Call("sigmaa", (n.Name("z"),))


def test_call_then_bracket_is_a_product():
    """`σ(z)(1-σ(z))`: a call followed by a bracket multiplies."""
    assert text("σ(z)(1-σ(z))", functions=SCALAR_STUDENT) == "sigma(z)*(1 - sigma(z))"


@pytest.mark.parametrize("source, expected", [
    ("2 x", "2*x"),
    ("(a)(b)", "a*b"),
    ("2(x+1)", "2*(x + 1)"),
    ("x y", "x*y"),
    ("1.5e+3x", "1.5e+3*x"),
    ("2pi", "2*pi"),
])
def test_implicit_multiplication_forms(source, expected):
    """Juxtaposition of operands is multiplication in answers."""
    assert text(source) == expected


def test_reference_grammar_has_no_implicit_multiplication():
    """References are plain Python: `2 x` is not read as a product there."""
    from mldrill.errors import AnswerParseError

    with pytest.raises(AnswerParseError):
        parse("2 x", REFERENCE)


def test_matlab_and_python_matrices_are_the_same():
    """`[1 2; 3 4]` and `[[1, 2], [3, 4]]` give the same tree."""
    assert parse("[1 2; 3 4]").root == parse("[[1, 2], [3, 4]]").root
    assert parse("[1 2; 3 4]").text == "[[1, 2], [3, 4]]"


@pytest.mark.parametrize("source", ["[1, 2; 3, 4]", "[1 2; 3 4;]", "[ 1  2 ;3 4 ]"])
def test_matlab_matrix_variants(source):
    """Commas inside MATLAB rows, a trailing ';' and extra spaces are accepted."""
    assert parse(source).root == parse("[[1, 2], [3, 4]]").root


def test_column_vector_in_matlab_syntax():
    """`[1; 2; 3]` is a 3x1 column."""
    assert parse("[1; 2; 3]").text == "[[1], [2], [3]]"


def test_spaced_sign_separates_entries():
    """`[1 -2]` is two entries, 1 and -2."""
    root = parse("[1 -2]").root
    assert root == n.ListExpr((n.Num(1), n.Num(-2)))


def test_spaced_binary_minus_is_one_entry():
    """`[1 - 2]` is one entry, the difference."""
    root = parse("[1 - 2]").root
    assert root == n.ListExpr((n.Bin("-", n.Num(1), n.Num(2)),))


@pytest.mark.parametrize("source, expected", [
    ("[1 +2]", "[1, +2]"),
    ("[-1 -2]", "[-1, -2]"),
    ("[a -b]", "[a, -b]"),
    ("[1 - 2 -3]", "[1 - 2, -3]"),
    ("[1-2 3]", "[1 - 2, 3]"),
    ("[x' -y]", "[x.T, -y]"),
])
def test_signs_in_matlab_rows(source, expected):
    """A sign glued to the next operand after a space starts a new entry."""
    assert text(source) == expected


@pytest.mark.parametrize("source", ["A'", "Aᵀ", "A.T"])
def test_transpose_spellings(source):
    """`A'`, `Aᵀ` and `A.T` are all the transpose of A."""
    assert parse(source).root == n.Transpose(n.Name("A"))


def test_double_transpose():
    """`A''` is the transpose of the transpose."""
    assert parse("A''").root == n.Transpose(n.Transpose(n.Name("A")))


def test_transpose_of_bracket_and_product():
    """`(A + B)'x` is (A + B).T times x."""
    assert text("(A + B)'x") == "(A + B).T*x"


@pytest.mark.parametrize("source", ["np.linalg.inv(K)", "numpy.linalg.inv(K)", "np.inv(K)"])
def test_numpy_prefixes_are_stripped(source):
    """`np.linalg.inv(K)` and friends mean `inv(K)`."""
    assert parse(source, functions=MATRIX_STUDENT).root == n.Call("inv", (n.Name("K"),))


def test_math_prefix_is_stripped():
    """`math.exp(1)` means `exp(1)`; `np.pi` means `pi`."""
    assert text("math.exp(1)") == "exp(1)"
    assert text("2*np.pi") == "2*pi"


def test_prefix_column_points_at_original_text():
    """After stripping `np.linalg.`, the call still points at column 0 and its argument at 14."""
    root = parse("np.linalg.inv(K)").root
    assert root.pos == 0
    assert root.args[0].pos == 14


@pytest.mark.parametrize("source, expected", [
    ("x²", "x**2"),
    ("x³", "x**3"),
    ("π", "pi"),
    ("2π", "2*pi"),
    ("σ(z)", "sigma(z)"),
    ("1 − 2", "1 - 2"),
    ("2·x", "2*x"),
    ("2×x", "2*x"),
    ("6 ÷ 3", "6/3"),
    ("√2", "sqrt(2)"),
    ("√x", "sqrt(x)"),
    ("√(x+1)", "sqrt(x + 1)"),
])
def test_unicode_input(source, expected):
    """Unicode maths symbols are read as their ASCII meaning."""
    assert text(source, functions=SCALAR_STUDENT) == expected


@pytest.mark.parametrize("source", ["π2", "x²2"])
def test_substitutes_do_not_fuse_with_digits(source):
    """`π2` and `x²2` are refused instead of silently reading as `pi2` or `x**22`."""
    from mldrill.errors import AnswerParseError

    with pytest.raises(AnswerParseError):
        parse(source)


def test_unicode_columns_map_back():
    """A node produced from a unicode character points at that character's column."""
    root = parse("1 + σ(z)", functions=SCALAR_STUDENT).root
    assert isinstance(root, n.Bin)
    assert root.right.pos == 4


@pytest.mark.parametrize("source, value", [
    ("1e-3", 0.001),
    ("2.5E+2", 250.0),
    (".5", 0.5),
    ("5.", 5.0),
    ("12", 12),
])
def test_number_literals(source, value):
    """Decimal and exponent literals are single numbers."""
    root = parse(source).root
    assert root == n.Num(value)
    assert root.text == source


def test_trailing_e_is_eulers_number():
    """`2e` is 2*e, not a malformed exponent."""
    assert parse("2e").root == n.Bin("*", n.Num(2), n.Name("e"))


def test_negative_literal_is_folded():
    """`-3` is the number -3, with its text kept for exact conversion."""
    root = parse("-3").root
    assert root == n.Num(-3)
    assert root.text == "-3"


@pytest.mark.parametrize("source, expected", [
    ("x^-1", "x**-1"),
    ("-x^2", "-x**2"),
    ("2^3^2", "2**3**2"),
    ("(2^3)^2", "(2**3)**2"),
    ("e^(-x)", "e**-x"),
])
def test_power_precedence(source, expected):
    """`^` is right-associative and binds tighter than unary minus on its left."""
    assert text(source) == expected


def test_unary_minus_power_tree():
    """`-x^2` is -(x**2), not (-x)**2."""
    assert parse("-x^2").root == n.Unary("-", n.Bin("**", n.Name("x"), n.Num(2)))


def test_comparison_is_allowed_once_in_answers():
    """A single comparison (for step-like answers) parses in answers."""
    assert parse("z > 0").root == n.Compare((">",), (n.Name("z"), n.Num(0)))


def test_expr_names_and_calls():
    """Expr.names and Expr.calls list the names read and the functions called."""
    expr = parse("a*exp(b) + sigma(c)", functions=SCALAR_STUDENT)
    assert expr.names == {"a", "b", "c"}
    assert expr.calls == {"exp", "sigma"}


def test_expr_str_is_canonical_text():
    """str(Expr) is the canonical "read as" text."""
    assert str(parse("2x^2")) == "2*x**2"


def test_grammar_is_kept_but_not_compared():
    """Expr keeps its grammar, and two Exprs of the same text compare equal."""
    assert parse("x").grammar is ANSWER
    assert parse("x", REFERENCE).grammar is REFERENCE
    assert parse("x") == parse("x", REFERENCE)


def test_normalize_keeps_a_column_per_character():
    """normalize maps every output character back to a column of the input."""
    norm = normalize("2x^2", implicit_multiplication=True)
    assert norm.source == "2*x**2"
    assert len(norm.origin) == len(norm.source)
    assert [norm.column(i) for i in range(len(norm.source))] == [0, 1, 1, 2, 2, 3]
    assert norm.column(100) == len("2x^2")


def test_reference_grammar_extras():
    """References accept keyword arguments, subscripts, strings and conditionals."""
    expr = parse("sum(x[0:2], axis=0) if n > 1 and 'a' == 'a' else 0", REFERENCE)
    kinds = {type(x).__name__ for x in n.walk(expr.root)}
    assert {"IfExp", "BoolOp", "Subscript", "Slice", "Str", "Call"} <= kinds


def test_reference_allows_underscore_names():
    """References may use names like `n_in`; answers refuse a leading underscore only."""
    assert parse("n_in + 1", REFERENCE).names == {"n_in"}
    assert parse("n_in + 1").names == {"n_in"}
