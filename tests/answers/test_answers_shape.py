"""The shape answer kind: tuples of sizes such as (6, 28, 28)."""

from __future__ import annotations

import pytest

EXPECTED_SIZES = "expected sizes such as (6, 28, 28) or 6x28x28"


@pytest.fixture
def conv_out(spec):
    return spec("shape", "(6, 28, 28)")


@pytest.mark.parametrize("text", ["(6, 28, 28)", "6x28x28", "6 x 28 x 28", "[6, 28, 28]",
                                  "6×28×28", "6 by 28 by 28", "(6,28,28,)", "6*28*28",
                                  "6 28 28", " (6, 28, 28) "])
def test_shape_spellings(check, conv_out, text):
    """A shape may be a tuple, a list, or sizes joined by x, ×, *, 'by' or spaces."""
    result = check(conv_out, text)
    assert (result.status, result.read_as) == ("correct", "(6, 28, 28)")


def test_wrong_order(check, conv_out):
    """The right sizes in another order is 'order' (channels first or last?)."""
    result = check(conv_out, "(28, 28, 6)")
    assert (result.status, result.diagnosis) == ("incorrect", "order")
    assert result.messages == ("the right sizes in the wrong order (channels first or last?)",)


@pytest.mark.parametrize("text, where", [("(6, 27, 28)", "size 2"),
                                         ("(6, 29, 29)", "size 2, size 3")])
def test_off_by_one(check, conv_out, text, where):
    """Sizes off by one name which sizes and point at the +1 in the output-size formula."""
    result = check(conv_out, text)
    assert result.diagnosis == "off-by-one"
    assert result.messages == (f"off by one in {where} (for a conv or pool output: "
                               "(W - F + 2P)/S + 1)",)


@pytest.mark.parametrize("text, message", [("(6, 28)", "expected 3 sizes, got 2"),
                                           ("6x28x28x1", "expected 3 sizes, got 4")])
def test_wrong_number_of_sizes(check, conv_out, text, message):
    """A different number of sizes is a 'shape' diagnosis."""
    result = check(conv_out, text)
    assert (result.diagnosis, result.messages) == ("shape", (message,))


def test_other_wrong_sizes(check, conv_out):
    """Sizes wrong by more than one get no diagnosis."""
    result = check(conv_out, "(6, 26, 28)")
    assert (result.status, result.diagnosis, result.messages) == ("incorrect", None, ())


@pytest.mark.parametrize("text, message, col", [
    ("(a, b)", f"'a' is not a whole number; {EXPECTED_SIZES}", 1),
    ("6.0x28x28", f"'6.0' is not a whole number; {EXPECTED_SIZES}", 0),
    ("-6x28x28", f"'-6' is not a whole number; {EXPECTED_SIZES}", 0),
    ("6x²", f"'²' is not a whole number; {EXPECTED_SIZES}", 2),
    ("()", "empty shape; expected sizes such as (6, 28, 28)", 0),
    ("(1234567890123, 1)", "number too large", 1),
])
def test_unreadable_shapes(check, conv_out, text, message, col):
    """What is not a list of whole numbers is invalid, pointing at the offending piece."""
    result = check(conv_out, text)
    assert (result.status, result.error_col) == ("invalid", col)
    assert result.messages[0].splitlines()[0] == message


def test_single_size(check, spec):
    """A one-dimensional shape reads back as (n,)."""
    s = spec("shape", "(10,)")
    result = check(s, "10")
    assert (result.status, result.read_as) == ("correct", "(10,)")


def test_shape_from_parameters(check, spec):
    """The reference may compute the shape from parameters."""
    s = spec("shape", "(C, H - K + 1, W - K + 1)")
    params = {"C": 6, "H": 32, "W": 32, "K": 5}
    assert check(s, "6x28x28", params=params).status == "correct"
    assert check(s, "28x28x6", params=params).diagnosis == "order"
