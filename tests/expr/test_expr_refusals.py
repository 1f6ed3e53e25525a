"""What the answer grammar refuses: the exact message and where the caret goes."""

from __future__ import annotations

import pytest

from mldrill.errors import AnswerParseError
from mldrill.expr.convert import MAX_DEPTH
from mldrill.expr.functions import FORBIDDEN_IN_ANSWERS, SCALAR_STUDENT
from mldrill.expr.parse import MAX_LENGTH, REFERENCE, check_names, parse

ATTR = "is not allowed (the only attribute is .T, the transpose)"
CALL_ATTR = ("is not allowed: call functions by name, e.g. inv(K) instead of "
             "np.linalg.inv(K) (methods that work: .dot, .max, .mean, .min, .sum, .trace, "
             ".transpose)")
ENDS_EARLY = "the expression ends too early"
AFTER_OPERATOR = "a number, name or '(' after the operator"
CANNOT_READ = "cannot read this"
OPERATOR_EXPECTED = "an operator (+ - * / ^) or a number, name or bracket"
TWO_IN_A_ROW = "two numbers or names in a row: an operator is missing here"
BETWEEN = "an operator (+ - * / ^) between them"


def refusal(text: str, **kw) -> AnswerParseError:
    with pytest.raises(AnswerParseError) as info:
        parse(text, functions=SCALAR_STUDENT, variables={"x", "y", "z", "s"}, **kw)
    return info.value


@pytest.mark.parametrize("text, message, col, expected", [
    # attributes other than .T: the caret is under the dot
    ("x.__class__", f"'.__class__' {ATTR}", 1, None),
    ("x.shape", f"'.shape' {ATTR}", 1, None),
    ("A.T.shape", f"'.shape' {ATTR}", 3, None),
    ("a.b.c", f"'.c' {ATTR}", 3, None),
    ("x.real(1)", f"'.real(...)' {CALL_ATTR}", 1, None),
    ("np.random.rand(3)", f"'.rand(...)' {CALL_ATTR}", 9, None),
    # dunder and private names
    ("__import__", "the name '__import__' is not allowed", 0, None),
    ("1 + __builtins__", "the name '__builtins__' is not allowed", 4, None),
    ("_x", "the name '_x' is not allowed", 0, None),
    ("_f(1)", "the name '_f' is not allowed", 0, None),
    # Python constructs that are not arithmetic
    ("lambda x: x", "lambdas are not allowed", 0, None),
    ("[x for x in y]", "comprehensions are not allowed", 0, None),
    ("(x for x in y)", "comprehensions are not allowed", 0, None),
    ("2 + [x for x in y]", "comprehensions are not allowed", 4, None),
    ("x if y else z", "'a if c else b' is not allowed in an answer", 0, None),
    ("not x", "'and', 'or' and 'not' are not allowed in an answer", 0, None),
    ("x and y", "'and', 'or' and 'not' are not allowed in an answer", 0, None),
    ("x < y < z", "chained comparisons are not allowed in answers", 0, None),
    ("x in y", "only == != < <= > >= comparisons are allowed", 0, None),
    ("f(*x)", "'*' unpacking is not allowed", 2, None),
    ("yield x", "'yield' is not allowed", 0, None),
    ("None", "only numbers are allowed here", 0, None),
    ("True", "only numbers are allowed here", 0, None),
    ("...", "only numbers are allowed here", 0, None),
    # strings, keyword arguments, subscripts
    ("'abc'", "text in quotes is not allowed in an answer", 0, None),
    ('x + "s"', "text in quotes is not allowed in an answer", 4, None),
    ("__import__('os')", "text in quotes is not allowed in an answer", 11, None),
    ("f(x, a=1)",
     "keyword arguments are not allowed in an answer (except axis= in sum and mean)", 5, None),
    ("x[0]", "indexing with [ ] is not allowed in an answer", 0, None),
    ("x[1:2]", "indexing with [ ] is not allowed in an answer", 0, None),
    # characters and operators that are not part of the language
    ("{1: 2}", "unexpected character '{'", 0, None),
    ("$", "unexpected character '$'", 0, None),
    ("1 # c", "unexpected character '#'", 2, None),
    ("3!", "'!' is not an operator here", 1, None),
    ("~x", "'~' is not an operator here", 0, None),
    ("x & y", "'&' is not an operator here", 2, None),
    ("1;2", "';' separates matrix rows and only goes inside [ ]", 1, None),
    # sizes
    ("9**9**9**9", "exponent is too large (the limit is 1000)", 6, None),
    ("2**1000**1000", "exponent is too large (the limit is 1000)", 3, None),
    ("2**1001", "exponent is too large (the limit is 1000)", 3, None),
    ("2^-1001", "exponent is too large (the limit is 1000)", 2, None),
    ("x**(2**11)", "exponent is too large (the limit is 1000)", 4, None),
    ("1" * 41, "number has more than 40 digits", 0, None),
    # brackets and incomplete input
    ("(1+2", "this '(' is never closed", 0, "')'"),
    ("[1, 2", "this '[' is never closed", 0, "']'"),
    ("sin(", "this '(' is never closed", 3, "')'"),
    ("1+2)", "unexpected ')' with nothing open", 3, None),
    ("(1]", "unexpected ']'", 2, "')'"),
    ("1+", ENDS_EARLY, 2, AFTER_OPERATOR),
    ("2*", ENDS_EARLY, 2, AFTER_OPERATOR),
    ("x ^", ENDS_EARLY, 3, AFTER_OPERATOR),
    ("1 if", ENDS_EARLY, 4, None),
    ("[;1]", "empty matrix row", 1, "numbers separated by spaces"),
    ("[1; ; 2]", "empty matrix row", 4, "numbers separated by spaces"),
    # two operands with nothing between: the caret is under the second
    ("1 2", TWO_IN_A_ROW, 2, BETWEEN),
    ("x y z 3", TWO_IN_A_ROW, 6, BETWEEN),
    ("[1 2]3", TWO_IN_A_ROW, 5, BETWEEN),
    ("x = 1", CANNOT_READ, 2, OPERATOR_EXPECTED),
    ("x @@ y", CANNOT_READ, 3, OPERATOR_EXPECTED),
    # empty
    ("", "empty answer", 0, "an expression"),
    ("   ", "empty answer", 0, "an expression"),
])
def test_refusal_message_and_caret(text, message, col, expected):
    """Each refused input gets its exact message, expectation and caret column."""
    err = refusal(text)
    assert (err.message, err.col, err.expected) == (message, col, expected)


def test_nesting_limit():
    """Brackets nested deeper than MAX_DEPTH are refused at the first bracket too many."""
    err = refusal("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert err.message == f"brackets nested more than {MAX_DEPTH} deep"
    assert err.col == MAX_DEPTH
    err = refusal("[" * (MAX_DEPTH + 1) + "1" + "]" * (MAX_DEPTH + 1))
    assert err.col == MAX_DEPTH


def test_nesting_at_the_limit_is_fine():
    """Exactly MAX_DEPTH nested brackets still parse."""
    assert parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH).text == "1"


def test_length_limit():
    """Input longer than MAX_LENGTH is refused without being read, showing its start only."""
    err = refusal("1" * (MAX_LENGTH + 1))
    assert err.message == f"too long ({MAX_LENGTH + 1} characters; the limit is {MAX_LENGTH})"
    assert err.col == 80
    assert err.text == "1" * 80


def test_length_at_the_limit_is_read():
    """Input of exactly MAX_LENGTH characters is read (and may fail for another reason)."""
    err = refusal("1" * MAX_LENGTH)
    assert err.message == "number has more than 40 digits"


def test_non_text_is_refused():
    """Something that is not a string is refused, not crashed on."""
    with pytest.raises(AnswerParseError, match="expected text"):
        parse(42)  # type: ignore[arg-type]


def test_render_shows_caret_under_column():
    """render() prints the message, the text, and a caret under the column."""
    err = refusal("1 + x.shape")
    assert err.render().splitlines() == [
        f"'.shape' {ATTR}",
        "  1 + x.shape",
        "       ^",
    ]


def test_render_includes_expected():
    """render() appends '; expected ...' when there is an expectation."""
    assert refusal("1+").render().splitlines()[0] == f"{ENDS_EARLY}; expected {AFTER_OPERATOR}"


def names_refusal(text: str, variables=("x", "y", "z"), functions=SCALAR_STUDENT):
    expr = parse(text, functions=functions, variables=variables)
    with pytest.raises(AnswerParseError) as info:
        check_names(expr, variables=variables, functions=functions,
                    forbidden=FORBIDDEN_IN_ANSWERS)
    return info.value


@pytest.mark.parametrize("text, message, col", [
    ("diff(x, x)", "diff(...) is not allowed in an answer: work out the derivative yourself", 0),
    ("1 + diff(x^2, x)", "diff(...) is not allowed in an answer: work out the derivative "
                         "yourself", 4),
    ("integrate(x)", "integrate(...) is not allowed in an answer", 0),
    ("solve(x)", "solve(...) is not allowed in an answer", 0),
    ("sigmaa(z)", "unknown function 'sigmaa' (did you mean 'sigma'?)", 0),
    ("2*expp(x)", "unknown function 'expp' (did you mean 'exp'?)", 2),
    ("qqq(x)", "unknown function 'qqq'", 0),
    ("xy", "unknown name 'xy' (did you mean x*y?)", 0),
    ("1 + xyz", "unknown name 'xyz' (did you mean x*y*z?)", 4),
    ("w", "unknown name 'w'", 0),
    ("sigma", "'sigma' is a function: write sigma(...)", 0),
    ("2 + exp", "'exp' is a function: write exp(...)", 4),
])
def test_check_names(text, message, col):
    """check_names refuses forbidden calls and unknown names, with did-you-mean hints."""
    err = names_refusal(text)
    assert (err.message, err.col) == (message, col)


def test_typo_of_one_variable_suggests_that_variable():
    """`zz` with only z known suggests 'z' (a repeated letter is more likely a typo)."""
    assert names_refusal("zz", variables=("z",)).message == "unknown name 'zz' (did you mean 'z'?)"


def test_variable_used_as_function():
    """A variable called like a function is explained (when the lexer made it a call)."""
    expr = parse("s(1)", REFERENCE)
    with pytest.raises(AnswerParseError) as info:
        check_names(expr, variables={"s"}, functions=SCALAR_STUDENT)
    assert info.value.message == "'s' is a variable, not a function; write s*(...) for a product"


def test_check_names_accepts_known_names():
    """Known variables and functions pass check_names."""
    expr = parse("sigma(z)*(1 - sigma(z)) + x", functions=SCALAR_STUDENT, variables={"x", "z"})
    check_names(expr, variables={"x", "z"}, functions=SCALAR_STUDENT,
                forbidden=FORBIDDEN_IN_ANSWERS)
