"""Unicode maths in answers: Greek letters, scripts, ᵀ, ⁻¹, ∑, comparisons (symbols.py)."""

from __future__ import annotations

import pytest

from mldrill.errors import AnswerParseError
from mldrill.expr.functions import MATRIX_STUDENT, SCALAR_STUDENT
from mldrill.expr.parse import MATRIX_ANSWER, parse
from mldrill.expr.symbols import GREEK


def read(text: str, variables=()) -> str:
    return parse(text, functions=SCALAR_STUDENT, variables=set(variables)).text


def read_matrix(text: str, variables=("A", "B", "K", "x", "Sigma", "lam")) -> str:
    return parse(text, MATRIX_ANSWER, functions=MATRIX_STUDENT, variables=set(variables)).text


@pytest.mark.parametrize("text, reading", [
    ("θ² + μ", "theta**2 + mu"),
    ("η α β γ δ", "eta*alpha*beta*gamma*delta"),
    ("ω τ ρ φ ψ χ ξ ζ κ ν", "omega*tau*rho*phi*psi*chi*xi*zeta*kappa*nu"),
    ("2π", "2*pi"),
    ("ε", "epsilon"),
    ("Φ + Ω + Δ + Γ + Θ + Λ", "Phi + Omega + Delta + Gamma + Theta + Lambda"),
    ("Α + Β", "A + B"),  # Greek capitals drawn like Latin ones
])
def test_greek_letters_read_as_names(text, reading):
    """Every Greek letter a problem could name reads as its name."""
    assert read(text) == reading


@pytest.mark.parametrize("text, variables, reading", [
    ("λx", ("x",), "lambda_*x"),
    ("λx", ("x", "lam"), "lam*x"),
    ("ε", ("eps",), "eps"),
    ("x₁ + x₂", ("x1", "x2"), "x1 + x2"),
    ("x₁ + x₂", ("x_1", "x_2"), "x_1 + x_2"),
    ("θ₀ + θ₁₂", ("theta0", "theta12"), "theta0 + theta12"),
    ("w₁", (), "w1"),
])
def test_names_follow_the_problem(text, variables, reading):
    """λ, ε and subscripts take the spelling the problem uses (lam, eps, x1 or x_1)."""
    assert read(text, variables) == reading


def test_every_greek_letter_has_a_unicode_character():
    """The Greek table covers each letter with its character (so θ and \\theta agree)."""
    for name, (chars, spellings) in GREEK.items():
        assert chars and spellings, name
        assert read(chars[0], spellings) in spellings


@pytest.mark.parametrize("text, reading", [
    ("x²", "x**2"),
    ("2¹⁰", "2**10"),
    ("x⁻¹", "x**-1"),
    ("x⁻²", "x**-2"),
    ("x ≤ 1", "x <= 1"),
    ("x ≥ 1", "x >= 1"),
    ("x ≠ 1", "x != 1"),
    ("∞", "inf"),
    ("∑x", "sum(x)"),
    ("∑(x + 1)", "sum(x + 1)"),
    ("Σx", "sum(x)"),
])
def test_scripts_comparisons_and_sums(text, reading):
    """Superscript digits are powers, ≤ ≥ ≠ comparisons, ∑x (and Σx) a sum."""
    assert read(text) == reading


@pytest.mark.parametrize("text, reading", [
    ("Aᵀx", "A.T*x"),
    ("A⊤x", "A.T*x"),
    ("A⁻¹", "inv(A)"),
    ("(A + B)⁻¹", "inv(A + B)"),
    ("A⁻¹ᵀ", "inv(A).T"),
    ("Σ⁻¹x", "inv(Sigma)*x"),
    ("λ⁻¹A", "inv(lam)*A"),
    ("A·x", "A*x"),
    ("A ⊙ A", "A*A"),
])
def test_unicode_in_matrix_answers(text, reading):
    """ᵀ is the transpose, ⁻¹ the inverse (inv), Σ a matrix where the problem has one."""
    assert read_matrix(text) == reading


def test_typed_dot_I_is_not_the_inverse():
    """Only ⁻¹ (or LaTeX ^{-1}) makes an inverse: a typed `A.I` is still refused."""
    with pytest.raises(AnswerParseError) as info:
        read_matrix("A.I")
    assert info.value.message.startswith("'.I' is not allowed")


@pytest.mark.parametrize("text, message, col", [
    ("K⁻²", "a negative power is elementwise here", 1),
    ("₁x", "a subscript must follow a name, as in x₁", 0),
    ("x ₁", "a subscript must follow a name, as in x₁", 2),
])
def test_unicode_refusals(text, message, col):
    """A negative matrix power and a stray subscript are refused where they are."""
    with pytest.raises(AnswerParseError) as info:
        read_matrix(text)
    assert (info.value.message, info.value.col) == (message, col)
