"""Forgiving of how people write answers, and precise when it cannot read them."""

from __future__ import annotations

import pytest

X = {"variables": {"x": {"domain": [-2, 2]}}}


@pytest.mark.parametrize("text", ["12.5%", "1/8", "0.125", "12.5 %"])
def test_percentages_are_read(check, spec, text):
    """In an answer, N% means N/100."""
    assert check(spec("number", "1/8"), text).status == "correct"


def test_percent_with_too_few_digits_is_reasked(check, spec):
    """33.3% for 1/3 is right to the digits given: re-asked, not marked wrong."""
    result = check(spec("number", "1/3"), "33.3%")
    assert (result.status, result.diagnosis) == ("invalid", "too-few-digits")


@pytest.mark.parametrize("text", ["61,706", "61706", "+61,706"])
def test_thousands_separators_in_integers(check, spec, text):
    """61,706 is an integer with a thousands separator, not a list."""
    assert check(spec("integer", "61706"), text).status == "correct"


@pytest.mark.parametrize("text", ["1 2; 3 4", "1 2\n3 4", "[1 2\n 3 4]", "[1, 2;\n3, 4]",
                                  "[[1, 2],\n [3, 4]]", "  1 2 ;  3 4  "])
def test_matrix_rows_without_brackets_or_over_lines(check, spec, text):
    """Rows separated by ';' without brackets, or typed over several lines, are a matrix."""
    result = check(spec("matrix", "[[1, 2], [3, 4]]"), text)
    assert result.status == "correct", result.messages


@pytest.mark.parametrize("text, name", [("sqrt 2", "sqrt"), ("ln 2", "ln"),
                                        ("exp x", "exp")])
def test_function_without_brackets_says_how(check, spec, text, name):
    """`sqrt 2` is pointed at: write sqrt(2)."""
    kind, options = ("expression", X) if "x" in text else ("number", {})
    result = check(spec(kind, "1", options=options), text)
    assert result.status == "invalid"
    first = result.messages[0].splitlines()[0]
    assert first.startswith(f"'{name}' is a function; expected {name}(")


def test_variable_followed_by_digits_suggests_power_or_product(check, spec):
    """x2 is not a name: did you mean x^2 or 2*x?"""
    result = check(spec("expression", "x**2", options=X), "x2")
    assert result.messages[0].splitlines()[0] == \
        "unknown name 'x2' (did you mean x^2 or 2*x?)"


def test_two_numbers_in_a_row_points_between_them(check, spec):
    """`1 1/2` (a mixed number) is refused with the caret at the second number."""
    result = check(spec("number", "1.5"), "1 1/2")
    assert result.status == "invalid"
    assert result.error_col == 2
    assert result.messages[0].splitlines()[0] == (
        "two numbers or names in a row: an operator is missing here; expected an operator "
        "(+ - * / ^) between them")


def test_names_in_numeric_answers_ask_for_the_value(check, spec):
    """A problem's names in a numeric answer: compute the number."""
    result = check(spec("matrix", "[[1, 2]]"), "dY @ W")
    assert result.messages[0].splitlines()[0] == \
        "a number is expected here, not the name 'dY': work out its value"
