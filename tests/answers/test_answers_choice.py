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


COLOURS = {"choices": {"R": "red", "G": "green", "B": "Blue light", "A": "a"}}


@pytest.mark.parametrize("text", ["green", "Green", "  GREEN. ", "G) green", "(g) green",
                                  "G: green", "G"])
def test_an_option_may_be_given_by_its_words(check, spec, text):
    """`G) green` accepts green, G) green and G; case, spaces and a full stop do not matter."""
    result = check(spec("choice", "G", options=COLOURS), text)
    assert result.status == "correct", result.messages


@pytest.mark.parametrize("text, status", [
    ("blue light", "correct"),    # several words
    ("R) green", "invalid"),      # letter and words disagree: neither is guessed
    ("greenish", "invalid"),      # no such option
    ("a", "incorrect"),           # a single letter stays a letter (option A), not words
])
def test_option_words_are_matched_whole_or_not_at_all(check, spec, text, status):
    """Only an option's whole text counts; a letter and words that disagree are refused."""
    result = check(spec("choice", "B", options=COLOURS), text)
    assert result.status == status, (text, result)


def test_select_all_by_words(check, spec):
    """Select-all: words separated by commas name several options."""
    s = spec("choice", "R, G", options={**COLOURS, "select_all": True})
    assert check(s, "red, green").status == "correct"
    assert check(s, "green; red").status == "correct"
    assert check(s, "red").status == "incorrect"


def test_options_that_read_alike_need_letters(check, spec):
    """Two options with the same words: the words are ambiguous, so only letters count."""
    s = spec("choice", "A", options={"choices": {"A": "yes", "B": "Yes"}})
    assert check(s, "yes").status == "invalid"
    assert check(s, "A").status == "correct"


LINKS = {"choices": {"A": "g(t) = 1 / (1 + e^(-t))", "B": "g(t) = e^t", "C": "g(t) = t",
                     "D": "g(t) = log(t)", "E": "g(t) = log(t / (1 - t))"}}


@pytest.mark.parametrize("text, status", [
    ("log(t)", "correct"),            # the words that tell the options apart
    ("g(t) = log(t)", "correct"),     # the whole option
    ("D) log(t)", "correct"),         # the letter and its words agree
    ("B) log(t)", "invalid"),         # they disagree: neither is guessed
    ("e^t", "incorrect"),             # another option, by its distinguishing words
    ("log", "invalid"),               # part of an option is not an option
    ("t", "invalid"),                 # a single letter stays a letter (T: no such option)
])
def test_options_sharing_a_start_may_be_given_by_what_differs(check, spec, text, status):
    """Options that all start `g(t) = ` accept the rest alone (`log(t)`), never a part of
    it, and a one-letter rest is not read as words."""
    result = check(spec("choice", "D", options=LINKS), text)
    assert result.status == status, (text, result)
