"""The choice answer kind: one letter, or several for select-all."""

from __future__ import annotations

import pytest

OPTIONS = {"choices": {"A": "first", "B": "second", "C": "third", "D": "fourth"}}
SELECT_ALL = {**OPTIONS, "select_all": True}
ONE_OF = "expected one of A, B, C, D"


@pytest.fixture
def single(spec):
    return spec("choice", "B", options=OPTIONS)


@pytest.fixture
def several(spec):
    return spec("choice", "A, C", options=SELECT_ALL)


@pytest.mark.parametrize("text", ["B", "b", " B ", "(B)", "[B]"])
def test_single_letter(check, single, text):
    """The right letter, in either case, with spaces or brackets, is correct."""
    result = check(single, text)
    assert (result.status, result.credit, result.read_as) == ("correct", 1.0, "B")


def test_wrong_single_letter(check, single):
    """Another option is incorrect, with no partial credit or diagnosis."""
    result = check(single, "A")
    assert (result.status, result.credit, result.diagnosis) == ("incorrect", 0.0, None)


@pytest.mark.parametrize("text, col", [("E", 0), ("z", 0)])
def test_letter_not_among_options_is_invalid(check, single, text, col):
    """A letter that is not an option is invalid (re-asked), pointing at it."""
    result = check(single, text)
    assert (result.status, result.error_col) == ("invalid", col)
    assert result.messages[0].splitlines()[0] == (f"there is no option {text.upper()}; "
                                                  f"{ONE_OF}")


def test_two_letters_on_single_choice_is_invalid(check, single):
    """Two letters for a single-choice part are invalid: 'pick one letter only'."""
    result = check(single, "A, B")
    assert result.status == "invalid"
    assert result.messages[0].splitlines()[0] == "pick one letter only"


@pytest.mark.parametrize("text", ["AB", "B.", "1", "option B", "B,", "A and B"])
def test_not_letters_is_invalid(check, single, text):
    """Anything but letters separated by commas or spaces is invalid."""
    result = check(single, text)
    assert result.status == "invalid"
    assert result.messages[0].splitlines()[0] == f"expected a letter; {ONE_OF}"


@pytest.mark.parametrize("text", ["A, C", "C A", "a,c", "A,A,C", "(A, C)"])
def test_select_all_correct(check, several, text):
    """Select-all: the right set of letters in any order is correct."""
    result = check(several, text)
    assert (result.status, result.read_as) == ("correct", "A, C")


@pytest.mark.parametrize("text, score, message", [
    ("A", 0.5, "1 correct option not selected"),
    ("A, B, C", 0.5, "1 wrong option selected"),
    ("A, C, D", 0.5, "1 wrong option selected"),
    ("A, B", 0.0, "1 correct option not selected; 1 wrong option selected"),
    ("B, D", 0.0, "2 correct options not selected; 2 wrong options selected"),
    ("A, B, D", 0.0, "1 correct option not selected; 2 wrong options selected"),
])
def test_select_all_partial_credit(check, several, text, score, message):
    """Select-all credit is (right picks - wrong picks) / right ones, never below 0."""
    result = check(several, text)
    assert (result.status, result.credit, result.diagnosis) == ("incorrect", score,
                                                               "partial-selection")
    assert result.messages == (message,)


def test_select_all_invalid_letter(check, several):
    """In select-all, an unknown letter is invalid with the caret under it."""
    result = check(several, "A C E")
    assert (result.status, result.error_col) == ("invalid", 4)


def test_reference_may_be_an_expression(check, spec):
    """A non-literal reference is evaluated (here a parameter holding the letter)."""
    s = spec("choice", "right", options=OPTIONS)
    assert check(s, "C", params={"right": "C"}).status == "correct"


def test_no_choices_listed_accepts_any_letter(check, spec):
    """Without a list of choices, any letter is read (and judged)."""
    s = spec("choice", "B")
    assert check(s, "B").status == "correct"
    assert check(s, "Q").status == "incorrect"
