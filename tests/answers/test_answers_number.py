"""The number and integer answer kinds, through check_part."""

from __future__ import annotations

import pytest

from mldrill.answers.number import significant_digits, within
from mldrill.bank.model import Tolerance


@pytest.mark.parametrize("text, read_as", [
    ("3/8", "3/8"),
    ("0.375", "0.375"),
    ("0.3751", "0.3751"),
    ("3 / 8", "3/8"),
    ("6/16", "6/16"),
    ("37.5e-2", "37.5e-2"),
    ("0.75/2", "0.75/2"),
])
def test_number_correct_forms(check, spec, text, read_as):
    """A fraction, a decimal or a small expression of the right value is correct."""
    result = check(spec("number", "3/8"), text)
    assert (result.status, result.credit, result.read_as) == ("correct", 1.0, read_as)
    assert result.diagnosis is None


@pytest.mark.parametrize("answer, text", [
    ("exp(-2)", "exp(-2)"),
    ("exp(-2)", "e^-2"),
    ("exp(-2)", "1/e^2"),
    ("exp(-2)", "0.1353"),
    ("sqrt(2)/2", "sqrt(2)/2"),
    ("sqrt(2)/2", "1/sqrt(2)"),
    ("sqrt(2)/2", "√2/2"),
    ("sqrt(2)/2", "0.70711"),
    ("pi/4", "π/4"),
    ("1/(1 + exp(-1))", "sigma(1)"),
    ("log(2)", "ln(2)"),
])
def test_number_expressions(check, spec, answer, text):
    """Answers may be written with constants and scalar functions."""
    assert check(spec("number", answer), text).status == "correct"


def test_relative_tolerance(check, spec):
    """The default tolerance is 1e-3 relative: 0.3752 passes, 0.376 does not."""
    s = spec("number", "3/8")
    assert check(s, "0.3752").status == "correct"
    assert check(s, "0.376").status == "incorrect"


def test_absolute_tolerance(check, spec):
    """An absolute tolerance accepts anything within it and nothing beyond."""
    s = spec("number", "100", tolerance=Tolerance(rel=0, abs=0.5))
    assert check(s, "100.4").status == "correct"
    result = check(s, "100.6")
    assert (result.status, result.diagnosis) == ("incorrect", "close")
    assert "close, but not within the tolerance" in result.messages[0]


def test_sigfigs_tolerance(check, spec):
    """With sigfigs, an answer right to that many significant figures is correct."""
    s = spec("number", "0.12345", tolerance=Tolerance(sigfigs=3))
    assert check(s, "0.123").status == "correct"
    assert check(s, "0.1235").status == "correct"
    assert check(s, "0.12345").status == "correct"
    assert check(s, "0.124").status == "incorrect"


def test_too_few_digits_is_reasked(check, spec):
    """An answer right to the few digits typed but not to the tolerance is invalid (re-asked)."""
    result = check(spec("number", "3/8"), "0.4")
    assert (result.status, result.credit, result.diagnosis) == ("invalid", 0.0, "too-few-digits")
    assert not result.counted
    assert result.messages[0].startswith(
        "0.4 agrees with the answer to the 1 significant figure you gave")
    assert "give more digits or an exact form such as a fraction" in result.messages[0]


@pytest.mark.parametrize("text", ["0.13", "0.12", "0.1"])
def test_too_few_digits_either_way_at_a_tie(check, spec, text):
    """0.125 rounded half up (0.13) or half to even (0.12) is re-asked, not marked wrong."""
    result = check(spec("number", "0.125"), text)
    assert (result.status, result.diagnosis) == ("invalid", "too-few-digits")


@pytest.mark.parametrize("answer, text", [("0.125", "0.2"), ("0.125", "0.14"), ("10", "6"),
                                          ("0.6", "1"), ("10", "9")])
def test_too_few_digits_is_not_any_wrong_number(check, spec, answer, text):
    """A short answer that is not the reference rounded (6 is not 10 to 1 figure) is wrong."""
    assert check(spec("number", answer), text).status == "incorrect"


@pytest.mark.parametrize("text, status", [("14", "correct"), ("1e1", "correct"),
                                          ("6", "incorrect"), ("15", "incorrect")])
def test_one_significant_figure(check, spec, text, status):
    """sigfigs=1 for 10 accepts what rounds to 10 (14), not what is merely within 5 (6, 15)."""
    assert check(spec("number", "10", tolerance=Tolerance(sigfigs=1)), text).status == status


@pytest.mark.parametrize("text", ["0.12", "0.13", "0.129", "0.1249"])
def test_sigfigs_tie_goes_either_way(check, spec, text):
    """For 0.125 to 2 figures, both 0.12 and 0.13 (and what rounds to them) are right."""
    assert check(spec("number", "0.125", tolerance=Tolerance(sigfigs=2)), text).status == \
        "correct"


def test_too_few_digits_with_sigfigs(check, spec):
    """With sigfigs=3, two correct significant figures are re-asked, naming the tolerance."""
    result = check(spec("number", "0.12345", tolerance=Tolerance(sigfigs=3)), "0.12")
    assert (result.status, result.diagnosis) == ("invalid", "too-few-digits")
    assert "2 significant figures you gave" in result.messages[0]
    assert "(3 significant figures)" in result.messages[0]


def test_too_few_digits_only_for_plain_decimals(check, spec):
    """An expression is judged as is: `1/3` for 0.34 is wrong, while `0.3` is re-asked."""
    s = spec("number", "0.34")
    assert check(s, "1/3").status == "incorrect"
    assert check(s, "0.3").diagnosis == "too-few-digits"


def test_sign_flipped(check, spec):
    """The negative of the answer is diagnosed as 'sign'."""
    result = check(spec("number", "3/8"), "-3/8")
    assert (result.status, result.credit, result.diagnosis) == ("incorrect", 0.0, "sign")
    assert result.messages == ("the sign is flipped: your answer is the negative of the right "
                               "one",)


@pytest.mark.parametrize("text, more", [("1.375", "one more"), ("-0.625", "one less")])
def test_off_by_one(check, spec, text, more):
    """An answer one more or one less is diagnosed as 'off-by-one'."""
    result = check(spec("number", "3/8"), text)
    assert result.diagnosis == "off-by-one"
    assert result.messages[0] == f"off by one: your answer is {more} than the right one"


def test_missing_one_over_n_names_the_parameter(check, spec):
    """An answer N times too large, N an integer parameter, is 'missing-1/N' naming N."""
    result = check(spec("number", "S/N"), "25", params={"N": 10, "S": 25})
    assert result.diagnosis == "missing-1/N"
    assert result.messages[0] == ("your answer is 10 times too large: did you forget to divide "
                                  "by N = 10?")


def test_extra_one_over_n(check, spec):
    """An answer N times too small is 'extra-1/N'."""
    result = check(spec("number", "S/N"), "0.25", params={"N": 10, "S": 25})
    assert result.diagnosis == "extra-1/N"
    assert "10 times too small" in result.messages[0]


def test_reciprocal(check, spec):
    """1/x of the answer is diagnosed as 'reciprocal'."""
    result = check(spec("number", "3/8"), "8/3")
    assert result.diagnosis == "reciprocal"
    assert result.messages[0] == "your answer is the reciprocal (1/x) of the right one"


@pytest.mark.parametrize("text, label", [("3/4", "2"), ("3/16", "1/2"), ("-3/4", "-2"),
                                         ("9/8", "3")])
def test_named_constant_factor(check, spec, text, label):
    """A small known factor (2, 1/2, 3, ...) is diagnosed as 'factor' and named."""
    result = check(spec("number", "3/8"), text)
    assert result.diagnosis == "factor"
    assert result.messages[0] == (f"off by a constant factor: your answer is {label} times the "
                                  "right one")


@pytest.mark.parametrize("text", ["0.3", "3/80", "1e3"])
def test_arbitrary_ratio_is_not_called_a_factor(check, spec, text):
    """A single number is always *some* multiple of the answer: no 'factor 0.8' noise."""
    result = check(spec("number", "3/8"), text)
    assert result.status == "incorrect"
    assert result.diagnosis is None
    assert result.messages == ()


def test_close_but_outside_tolerance(check, spec):
    """Within 2% but outside the tolerance is 'close'."""
    result = check(spec("number", "3/8"), "0.372")
    assert (result.status, result.diagnosis) == ("incorrect", "close")


def test_unreadable_answer_is_invalid_with_caret(check, spec):
    """An answer that cannot be read is invalid, not counted, with the caret column."""
    result = check(spec("number", "3/8"), "3/")
    assert (result.status, result.credit, result.diagnosis) == ("invalid", 0.0, "unreadable")
    assert not result.counted
    assert result.error_col == 2
    assert result.messages[0].splitlines() == [
        "the expression ends too early; expected a number, name or '(' after the operator",
        "  3/",
        "    ^",
    ]


def test_unknown_name_is_invalid(check, spec):
    """A name in a numeric answer is refused with a caret: the value is asked for."""
    result = check(spec("number", "S/N"), "S/N", params={"N": 10, "S": 25})
    assert result.status == "invalid"
    assert result.error_col == 0
    assert result.messages[0].startswith("a number is expected here, not the name 'S': work "
                                         "out its value")


@pytest.mark.parametrize("text", ["0/0", "log(-1)", "(-8)^(1/3)", "sqrt(-2)", "inf - inf"])
def test_not_a_number_is_invalid(check, spec, text):
    """An expression that is not a real number is invalid, with a message saying so."""
    result = check(spec("number", "3/8"), text)
    assert result.status == "invalid"
    assert result.messages[0] == ("could not evaluate your answer: your expression is not a "
                                  "number (e.g. 0/0 or log of a negative number)")


def test_list_for_a_number_is_invalid(check, spec):
    """A list or matrix where a number is expected is invalid."""
    result = check(spec("number", "3/8"), "[1 2]")
    assert result.status == "invalid"
    assert "expected a single number, got a list or matrix" in result.messages[0]


@pytest.mark.parametrize("text", [None, "", "   ", "\n"])
def test_unanswered(check, spec, text):
    """No answer is 'unanswered', not counted and not an attempt."""
    result = check(spec("number", "3/8"), text)
    assert (result.status, result.credit, result.messages) == ("unanswered", 0.0,
                                                              ("no answer given",))
    assert not result.counted


def test_zero_target(check, spec):
    """A zero target is matched within the absolute tolerance and never 'too few digits'."""
    s = spec("number", "0")
    assert check(s, "0").status == "correct"
    assert check(s, "-0").status == "correct"
    assert check(s, "1e-10").status == "correct"
    assert check(s, "1e-8").status == "incorrect"


def test_result_carries_name_points_and_json(check, spec):
    """A PartResult names its part, carries its points and dumps to JSON."""
    result = check(spec("number", "3/8", points=2.5, name="rate"), "3/8")
    assert (result.name, result.points) == ("rate", 2.5)
    assert result.to_json() == {"name": "rate", "status": "correct", "score": 1.0,
                                "points": 2.5, "messages": [], "diagnosis": None,
                                "read_as": "3/8", "follow_through": None}


def test_within_and_significant_digits():
    """The helpers: significant digits of a literal, and the tolerance test."""
    assert significant_digits("0.130") == 3
    assert significant_digits("  120 ") == 3
    assert significant_digits("1e-3") == 1
    assert significant_digits("1/3") is None
    assert within(1.0, 1.0005, Tolerance())
    assert not within(float("nan"), 1.0, Tolerance())
    assert within(float("inf"), float("inf"), Tolerance())


# --- integer ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, read_as", [
    ("160", "160"),
    ("3*3*16+16", "3*3*16 + 16"),
    ("(3*3*16) + 16", "3*3*16 + 16"),
    ("160.0", "160.0"),
    ("1.6e2", "1.6e2"),
    ("16*10", "16*10"),
])
def test_integer_correct(check, spec, text, read_as):
    """An integer answer is exact and may be written as arithmetic."""
    result = check(spec("integer", "160"), text)
    assert (result.status, result.read_as) == ("correct", read_as)


def test_integer_is_exact(check, spec):
    """An integer part has no tolerance: 160.0001 is not a whole number."""
    result = check(spec("integer", "160"), "160.0001")
    assert result.status == "invalid"
    assert result.messages[0].startswith("expected a whole number, got 160")


def test_integer_refuses_fraction(check, spec):
    """2.5 for an integer part is invalid with a message, caret at 0."""
    result = check(spec("integer", "160"), "2.5")
    assert (result.status, result.error_col) == ("invalid", 0)
    assert result.messages[0].startswith("expected a whole number, got 2.5")


@pytest.mark.parametrize("text", ["2**53", "inf", "1e300"])
def test_integer_too_large(check, spec, text):
    """Integers beyond what a float holds exactly (and inf) are refused."""
    result = check(spec("integer", "160"), text)
    assert result.status == "invalid"
    assert result.messages[0].startswith("number too large")


@pytest.mark.parametrize("text, tag", [("161", "off-by-one"), ("159", "off-by-one"),
                                       ("-160", "sign"), ("320", "factor"),
                                       ("1e3", None)])
def test_integer_diagnoses(check, spec, text, tag):
    """Integer answers get the generic diagnoses (exactly, no 'close')."""
    result = check(spec("integer", "160"), text)
    assert (result.status, result.diagnosis) == ("incorrect", tag)


def test_integer_missing_parameter_factor(check, spec):
    """An integer answer N times too large names N."""
    assert check(spec("integer", "16*N"), "48", params={"N": 3}).status == "correct"
    result = check(spec("integer", "16*N"), "144", params={"N": 3})
    assert result.diagnosis == "missing-1/N"
    assert "divide by N = 3" in result.messages[0]


def test_value_parameters_are_not_taken_for_counts(check, spec):
    """A factor equal to a value parameter (x = 3) is a plain factor, not 'divide by x'."""
    result = check(spec("integer", "16*x"), "144", params={"x": 3})
    assert result.diagnosis == "factor"


def test_the_key_is_shown_at_the_stated_precision(check, spec) -> None:
    """A part with sigfigs 3 shows its answer as a student would give it (-0.197, 1.15,
    0.00123), and that text is accepted; whole numbers stay whole."""
    from mldrill.answers.base import KINDS

    for exact, shown in ((-0.196611933241, "-0.197"), (1.1513, "1.15"), (0.0012345, "0.00123"),
                         (12345.6, "12300"), (99.96, "100"), (7.0, "7")):
        s = spec("number", repr(exact), tolerance=Tolerance(sigfigs=3))
        assert KINDS["number"].format(exact, s, None) == shown
        assert check(s, shown).status == "correct"
