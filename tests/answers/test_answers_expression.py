"""The expression answer kind: formulas in named variables, through check_part."""

from __future__ import annotations

import pytest

from mldrill.answers import expression
from mldrill.answers.expression import POINTS, sample_points

SIGMA_PRIME = {"variables": {"z": {"domain": [-3, 3]}}, "aliases": {"s": "sigma(z)"}}
UNDECIDED = (f"checked numerically at {POINTS} random points; sympy could not confirm it "
             "symbolically within 1 s, so the numeric verdict stands")


@pytest.fixture
def sigma_prime(spec):
    return spec("expression", "sigma(z)*(1 - sigma(z))", options=SIGMA_PRIME)


@pytest.mark.parametrize("text, read_as", [
    ("s*(1-s)", "s*(1 - s)"),
    ("s(1-s)", "s*(1 - s)"),
    ("s - s^2", "s - s**2"),
    ("σ(z)(1-σ(z))", "sigma(z)*(1 - sigma(z))"),
    ("sigma(z)*sigma(-z)", "sigma(z)*sigma(-z)"),
    ("exp(-z)/(1+exp(-z))^2", "exp(-z)/(1 + exp(-z))**2"),
    ("exp(z)/(1 + exp(z))²", "exp(z)/(1 + exp(z))**2"),
])
def test_sigma_prime_with_alias(check, sigma_prime, text, read_as):
    """sigma'(z) accepts s*(1-s) with the alias s = sigma(z), and equivalent forms."""
    result = check(sigma_prime, text)
    assert (result.status, result.credit, result.read_as) == ("correct", 1.0, read_as)
    assert result.messages == ()  # sympy confirmed it


@pytest.mark.parametrize("text", ["2x", "2 x", "x*2", "x + x", "4x/2", "(x)(2)"])
def test_implicit_product_equals_sum(check, spec, text):
    """`2x` and its spellings match the reference `x + x`."""
    s = spec("expression", "x + x", options={"variables": {"x": None}})
    assert check(s, text).status == "correct"


def test_sign_diagnosis(check, sigma_prime):
    """The negative of the reference is 'sign', with a point where they differ."""
    result = check(sigma_prime, "-s*(1-s)")
    assert (result.status, result.diagnosis) == ("incorrect", "sign")
    assert result.messages[0] == ("the sign is flipped: your expression is the negative of the "
                                  "right one")
    assert result.messages[1].startswith("at z = ")
    assert "yours gives -" in result.messages[1]


@pytest.mark.parametrize("text, label", [("2s(1-s)", "2"), ("s(1-s)/2", "1/2"),
                                         ("3s(1-s)", "3")])
def test_factor_diagnosis(check, sigma_prime, text, label):
    """A constant multiple of the reference is 'factor', named."""
    result = check(sigma_prime, text)
    assert result.diagnosis == "factor"
    assert result.messages[0] == (f"off by a constant factor: yours is {label} times the right "
                                  "one")


def test_constant_diagnosis(check, sigma_prime):
    """The reference plus a constant is 'constant'."""
    result = check(sigma_prime, "s*(1-s) + 1")
    assert result.diagnosis == "constant"
    assert result.messages[0] == "off by a constant (+1) everywhere"


def test_constant_lost_in_derivative(check, spec):
    """d/dx (x^3 + 2x) answered 3x^2 is off by the constant -2."""
    s = spec("expression", "diff(x**3 + 2*x, x)", options={"variables": {"x": [-2, 2]}})
    assert check(s, "3x^2 + 2").status == "correct"
    assert check(s, "3x²+2").status == "correct"
    result = check(s, "3x^2")
    assert (result.diagnosis, result.messages[0]) == ("constant",
                                                      "off by a constant (-2) everywhere")


def test_wrong_expression_names_a_point(check, sigma_prime):
    """A wrong formula without a diagnosis says where it differs."""
    result = check(sigma_prime, "s")
    assert (result.status, result.diagnosis) == ("incorrect", None)
    assert len(result.messages) == 1
    assert result.messages[0].startswith("at z = ")
    assert "the right expression gives" in result.messages[0]


def test_diff_reference_with_two_variables(check, spec):
    """A diff(...) reference in two variables, and implicit products inside calls."""
    s = spec("expression", "diff(log(1 + exp(w*x)), w)",
             options={"variables": {"x": [-2, 2], "w": [-2, 2]}})
    for text in ("x*sigma(w*x)", "x σ(w x)", "x*exp(w*x)/(1 + exp(w*x))"):
        assert check(s, text).status == "correct", text
    result = check(s, "x σ(wx)")
    assert result.status == "invalid"
    assert result.messages[0].startswith("unknown name 'wx' (did you mean w*x?)")


def test_diff_in_answer_is_refused(check, sigma_prime):
    """A student may not hand the derivative to diff(...)."""
    result = check(sigma_prime, "diff(sigma(z), z)")
    assert (result.status, result.error_col) == ("invalid", 0)
    assert result.messages[0].startswith("diff(...) is not allowed in an answer: work out the "
                                         "derivative yourself")


@pytest.mark.parametrize("text, start, col", [
    ("sigmaa(z)", "unknown function 'sigmaa' (did you mean 'sigma'?)", 0),
    ("x", "unknown name 'x'", 0),
    ("ss", "unknown name 'ss' (did you mean 's'?)", 0),
    ("sz", "unknown name 'sz' (did you mean s*z?)", 0),
    ("s(1-s", "this '(' is never closed", 1),
    ("[s, s]", "a formula cannot contain a list or matrix", 0),
    ("2 + (s, s)", "a formula cannot contain a list or matrix", 4),
])
def test_unreadable_expressions(check, sigma_prime, text, start, col):
    """Unknown names, broken brackets and lists are invalid with a caret."""
    result = check(sigma_prime, text)
    assert (result.status, result.error_col) == ("invalid", col)
    assert result.messages[0].startswith(start)


@pytest.mark.parametrize("text", ["1/0", "log(-1)", "0*z"])
def test_nan_or_zero_everywhere_is_incorrect(check, sigma_prime, text):
    """An answer that is NaN or identically 0 is simply incorrect."""
    assert check(sigma_prime, text).status == "incorrect"


def test_parameters_are_constants_in_references(check, spec):
    """A scalar parameter can be used in the reference; N*x with N = 4 is 4x."""
    s = spec("expression", "N*x", options={"variables": {"x": [-2, 2]}})
    assert check(s, "4x", params={"N": 4}).status == "correct"
    assert check(s, "8x", params={"N": 4}).diagnosis == "factor"


def test_hard_identity_is_confirmed(check, spec):
    """sin^2 + cos^2 = 1 is confirmed by sympy: no note is added."""
    s = spec("expression", "sin(x)**2 + cos(x)**2", options={"variables": {"x": [-2, 2]}})
    result = check(s, "1")
    assert (result.status, result.messages) == ("correct", ())


def test_numeric_verdict_stands_when_sympy_cannot_decide(check, sigma_prime, monkeypatch):
    """When sympy cannot decide in time the answer is still correct, and the note says so."""
    monkeypatch.setattr(expression, "SYMPY_SECONDS", 1e-6)
    monkeypatch.setattr("mldrill.expr.sympy_bridge.symbolically_equal",
                        lambda a, b, seconds=1.0: None)
    result = check(sigma_prime, "exp(-z)/(1+exp(-z))^2")
    assert (result.status, result.credit) == ("correct", 1.0)
    assert result.messages == (UNDECIDED.replace("1 s", "1e-06 s"),)


def test_sympy_verdict_is_cached(spec, ctx):
    """The sympy verdict for a pair of texts is worked out once per context."""
    from mldrill.answers import check_part

    s = spec("expression", "x + x", options={"variables": {"x": None}})
    c = ctx()
    check_part(s, "2x", c)
    assert ("sympy", "p", "2*x", "x + x") in c.cache


def test_sample_points_are_seeded_and_read_only(spec, ctx):
    """Sample points depend on the seed, lie in the domain and cannot be changed."""
    s = spec("expression", "x", options={"variables": {"x": [1, 2]}})
    a, b, other = sample_points(s, ctx()), sample_points(s, ctx()), sample_points(s, ctx(seed=2))
    assert (a["x"] == b["x"]).all() and not (a["x"] == other["x"]).all()
    assert ((a["x"] >= 1) & (a["x"] < 2)).all() and len(a["x"]) == POINTS
    assert not a["x"].flags.writeable


def test_answer_cannot_corrupt_later_checks(spec, ctx):
    """An answer that tries to write into the sample points leaves later checks unchanged."""
    from mldrill.answers import check_part

    s = spec("expression", "exp(x)", options={"variables": {"x": [-1, 1]}})
    c = ctx()
    assert check_part(s, "exp(x)", c).status == "correct"
    assert check_part(s, "exp(x, x)", c).status == "invalid"
    assert check_part(s, "exp(x)", c).status == "correct"


def test_step_and_comparison(check, spec):
    """A comparison answer works as a 0/1 step (derivative of relu)."""
    s = spec("expression", "step(z)", options={"variables": {"z": [-2, 2]}})
    assert check(s, "z > 0").status == "correct"
    assert check(s, "heaviside(z)").status == "correct"


def test_the_key_shows_worked_out_arithmetic(spec, ctx):
    """Parameters become numbers in the key, with whole-number arithmetic worked out:
    `a*log(t) + (b - a)*log(1 - t)` with a = 4, b = 8 is `4*log(t) + 4*log(1 - t)`."""
    from mldrill.answers.base import KINDS, cached_target

    s = spec("expression", "a*log(t) + (b - a)*log(1 - t)",
             options={"variables": {"t": [0.1, 0.9]}})
    context = ctx({"a": 4, "b": 8})
    kind = KINDS["expression"]
    assert kind.format(cached_target(kind, s.answer, s, context), s, context) == \
        "4*log(t) + 4*log(1 - t)"
