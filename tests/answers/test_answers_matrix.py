"""The matrix and vector answer kinds, through check_part."""

from __future__ import annotations

import numpy as np
import pytest

from mldrill.answers import KINDS
from mldrill.bank.model import Tolerance

M23 = "[[1, 2, 3], [4, 5, 6]]"
ALL_SIX = "(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)"


@pytest.mark.parametrize("text", [
    "[[1, 2, 3], [4, 5, 6]]",
    "[1 2 3; 4 5 6]",
    "[1, 2, 3; 4, 5, 6]",
    "[1 2 3\t;  4 5 6 ;]",
    "[[1 2 3], [4 5 6]]",
    "[2/2 sqrt(4) 3; 2^2 5 6]",
    "[1 4; 2 5; 3 6]'",
    "[1 2 3; 4 5 6] + 1e-12",
])
def test_matrix_correct_in_both_syntaxes(check, spec, text):
    """Python-list and MATLAB syntax (and expressions in entries) are accepted."""
    result = check(spec("matrix", M23), text)
    assert (result.status, result.credit) == ("correct", 1.0)


def test_matrix_read_as(check, spec):
    """The answer is echoed back in canonical list syntax."""
    assert check(spec("matrix", M23), "[1 2 3; 4 5 6]").read_as == "[[1, 2, 3], [4, 5, 6]]"


def test_transposed_shape(check, spec):
    """The transpose of a non-square answer: 'expected 2x3, got 3x2' and tag 'transposed'."""
    result = check(spec("matrix", M23), "[1 4; 2 5; 3 6]")
    assert (result.status, result.diagnosis) == ("incorrect", "transposed")
    assert result.messages == ("expected 2x3, got 3x2: your answer is the transpose of the "
                               "right one",)


def test_swapped_shape_with_other_values(check, spec):
    """A 3x2 answer that is not the transpose asks 'transposed?' with tag 'shape'."""
    result = check(spec("matrix", M23), "[1 2; 3 4; 5 6]")
    assert result.diagnosis == "shape"
    assert result.messages == ("expected 2x3, got 3x2: transposed?",)


@pytest.mark.parametrize("text, message", [
    ("[[1, 2, 3]]", "expected 2x3, got 1x3: off by one in the size?"),
    ("[1 2 3 4; 5 6 7 8; 9 10 11 12]", "expected 2x3, got 3x4: off by one in the size?"),
    ("[1 2]", "expected 2x3, got a vector of length 2"),
    ("5", "expected 2x3, got a single number"),
    ("[[[1]]]", "expected 2x3, got 1x1x1"),
])
def test_wrong_shape_messages(check, spec, text, message):
    """A wrong shape is explained; nothing is said about entries."""
    result = check(spec("matrix", M23), text)
    assert (result.status, result.diagnosis, result.messages) == ("incorrect", "shape",
                                                                  (message,))


def test_square_transpose(check, spec):
    """For a square answer, the transpose is diagnosed by value."""
    result = check(spec("matrix", "[[1, 2], [3, 4]]"), "[1 3; 2 4]")
    assert result.diagnosis == "transposed"
    assert result.messages[0] == "your matrix is the transpose of the right one"


def test_wrong_entries_are_listed_from_one(check, spec):
    """Wrong entries are listed by (row, column) counted from 1."""
    result = check(spec("matrix", M23), "[0 2 3; 4 5 7]")
    assert (result.status, result.diagnosis) == ("incorrect", None)
    assert result.messages == ("right shape; 2 of 6 entries wrong, at (1, 1), (2, 3) "
                               "(row, column counted from 1)",)


def test_many_wrong_entries_are_cut_short(check, spec):
    """At most six wrong entries are listed, then 'and N more'."""
    result = check(spec("matrix", "[[1, 2, 3, 4], [5, 6, 7, 8]]"),
                   "[9 9 9 9; 9 9 9 0]")
    assert result.messages[-1] == ("right shape; 8 of 8 entries wrong, at (1, 1), (1, 2), "
                                   "(1, 3), (1, 4), (2, 1), (2, 2) and 2 more (row, column "
                                   "counted from 1)")


def test_matrix_sign(check, spec):
    """A negated matrix is diagnosed as 'sign'."""
    result = check(spec("matrix", M23), "-[1 2 3; 4 5 6]")
    assert result.diagnosis == "sign"
    assert result.messages == (
        "the sign is flipped: your answer is the negative of the right one",)  # no entry list


@pytest.mark.parametrize("text, label", [("2*[1 2 3; 4 5 6]", "2"),
                                         ("[1 2 3; 4 5 6]/2", "1/2"),
                                         ("2.5*[1 2 3; 4 5 6]", "2.5")])
def test_matrix_factor(check, spec, text, label):
    """A constant multiple of the matrix is a 'factor', named (any ratio, for arrays)."""
    result = check(spec("matrix", M23), text)
    assert result.diagnosis == "factor"
    assert result.messages[0] == (f"off by a constant factor: your answer is {label} times the "
                                  "right one")


def test_matrix_missing_one_over_n(check, spec):
    """A matrix N times too large names the integer parameter N."""
    result = check(spec("matrix", "[[1, 2], [3, 4]]/N"), "[1 2; 3 4]", params={"N": 4})
    assert result.diagnosis == "missing-1/N"
    assert "did you forget to divide by N = 4?" in result.messages[0]


@pytest.mark.parametrize("text, shift", [("[1 2 3; 4 5 6] + 1", "+1"),
                                         ("[0 1 2; 3 4 5]", "-1")])
def test_every_entry_off_by_one(check, spec, text, shift):
    """Every entry off by the same 1 is 'off-by-one'."""
    result = check(spec("matrix", M23), text)
    assert result.diagnosis == "off-by-one"
    assert result.messages[0] == f"every entry is off by {shift}"


def test_every_entry_shifted(check, spec):
    """Every entry off by the same other amount is 'shifted'."""
    result = check(spec("matrix", M23), "[1 2 3; 4 5 6] + 0.5")
    assert result.diagnosis == "shifted"
    assert result.messages[0].startswith("every entry is off by the same amount (+0.5)")


def test_matrix_tolerance(check, spec):
    """Entries are compared with the part's tolerance."""
    s = spec("matrix", "[[100, 200]]", tolerance=Tolerance(rel=0, abs=0.5))
    assert check(s, "[100.4 199.6;]").status == "correct"
    assert check(s, "[100.6 200;]").status == "incorrect"


@pytest.mark.parametrize("text, message", [
    ("[[1, 2], [3]]", "could not evaluate your answer: rows have different lengths"),
    ("[0/0 1; 2 3]", "could not evaluate your answer: some entries are not numbers (0/0, log "
                     "of a negative, ...)"),
])
def test_matrix_unreadable_values(check, spec, text, message):
    """Ragged rows and NaN entries are invalid with a message."""
    result = check(spec("matrix", "[[1, 2], [3, 4]]"), text)
    assert (result.status, result.messages) == ("invalid", (message,))


def test_too_many_brackets(check, spec):
    """More than three levels of brackets is invalid."""
    result = check(spec("matrix", "[[1, 2], [3, 4]]"), "[[[[1]]]]")
    assert result.status == "invalid"
    assert result.messages[0].startswith("too many levels of brackets")


def test_matrix_answer_may_not_use_parameters(check, spec):
    """Only constants may be named: a parameter name in an answer is 'unknown name'."""
    result = check(spec("matrix", "[[1, 2]]*N"), "[1 2]*N", params={"N": 4})
    assert result.status == "invalid"
    assert result.error_col == 6


def test_scalar_reference_is_a_vector_of_one(check, spec):
    """A scalar reference is treated as a vector of length one."""
    assert check(spec("matrix", "7"), "[7]").status == "correct"
    assert check(spec("matrix", "7"), "7").status == "incorrect"


# --- vector ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["[1 2 3]", "[1, 2, 3]", "[1; 2; 3]", "[[1, 2, 3]]",
                                  "[[1], [2], [3]]", "[1 2 3]'", "(1, 2, 3)"])
def test_vector_accepts_row_column_or_flat(check, spec, text):
    """A vector answer may be a flat list, a row or a column."""
    assert check(spec("vector", "[1, 2, 3]"), text).status == "correct"


def test_vector_reference_as_column(check, spec):
    """A column-shaped reference for a vector part is flattened."""
    assert check(spec("vector", "[[1], [2], [3]]"), "[1 2 3]").status == "correct"


def test_vector_wrong_entries_are_counted_from_one(check, spec):
    """Wrong entries of a vector are named by position counted from 1."""
    result = check(spec("vector", "[1, 2, 3]"), "[1 2 4]")
    assert result.messages == ("right shape; 1 of 3 entries wrong, at (3) (counted from 1)",)


def test_vector_diagnoses(check, spec):
    """Vectors get sign, off-by-one, missing-1/N and size diagnoses."""
    s = spec("vector", "[1, 2, 3]")
    assert check(s, "[-1 -2 -3]").diagnosis == "sign"
    assert check(s, "[2 3 4]").diagnosis == "off-by-one"
    assert check(s, "[3 6 9]", params={"N": 3}).diagnosis == "missing-1/N"
    result = check(s, "[1 2]")
    assert result.messages == ("expected a vector of length 3, got a vector of length 2: off by "
                               "one in the size?",)


def test_vector_of_wrong_length_as_matrix(check, spec):
    """A 2-D answer of another size than the vector is a shape error."""
    result = check(spec("vector", "[1, 2, 3]"), "[1 2; 3 4]")
    assert (result.diagnosis, result.messages) == ("shape", ("expected a vector of length 3, "
                                                             "got 2x2",))


def test_format_is_read_back(spec, ctx):
    """The formatted key of a matrix reads back as correct."""
    from mldrill.answers import check_part

    s = spec("matrix", "[[1, 2.5], [3, -4]]")
    c = ctx()
    kind = KINDS["matrix"]
    key = kind.format(kind.target(s.answer, s, c), s, c)
    assert key == "[[1, 2.5], [3, -4]]"
    assert check_part(s, key, c).status == "correct"
    assert np.array_equal(kind.read(key, s, c)[0], [[1, 2.5], [3, -4]])


def test_matrix_rounded_entries_are_reasked(check, spec):
    """A matrix whose entries are the reference rounded to the digits typed is re-asked for
    more digits (not counted), and says which entries are short."""
    s = spec("matrix", "[[1/3, 2], [-2/3, 0.5]]")
    result = check(s, "[0.33 2; -0.67 0.5]")
    assert (result.status, result.diagnosis) == ("invalid", "too-few-digits")
    assert not result.counted
    assert result.messages[0].startswith("2 entries (0.33, -0.67) agree with the answer to "
                                         "the digits you gave")
    assert check(s, "[0.333333 2; -0.666667 0.5]").status == "correct"


@pytest.mark.parametrize("text", ["[0.33 2; -0.66 0.5]", "[0.33 2; 0.67 0.5]",
                                  "[0.33 3; -0.67 0.5]", "[1/3 2; -0.7 0.5]"])
def test_matrix_wrong_entries_are_not_excused_as_rounding(check, spec, text):
    """A wrong digit, a wrong sign, a wrong exact entry, or an expression entry: judged, not
    re-asked."""
    result = check(spec("matrix", "[[1/3, 2], [-2/3, 0.5]]"), text)
    assert result.status == "incorrect"


def test_vector_and_matrix_parts_honour_sigfigs(check, spec):
    """A vector or matrix part with sigfigs 3 accepts each entry rounded to 3 significant
    figures, as a number part does; a wrong rounding is still wrong."""
    from mldrill.bank.model import Tolerance

    v = spec("vector", "[0.10120639, 2.0, -0.0034567]", tolerance=Tolerance(sigfigs=3))
    assert check(v, "[0.101, 2, -0.00346]").status == "correct"
    assert check(v, "[0.102, 2, -0.00346]").status == "incorrect"
    m = spec("matrix", "[[1.23456, 0.5], [7.891, -10.05]]", tolerance=Tolerance(sigfigs=3))
    assert check(m, "[[1.23, 0.5], [7.89, -10.1]]").status == "correct"
