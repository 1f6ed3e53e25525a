"""Tables of the symbols people paste or type, and the names they stand for.

Shared by the lexer (Unicode: `θ`, `x₁`, `Aᵀ`, `A⁻¹`, `≤`) and the LaTeX translator
(`\\theta`, `x_1`, `A^\\top`): one table of Greek letters, one of super- and subscripts, and
the rule that picks among a letter's spellings the one the problem uses (`λ` is `lam` in a
problem whose parameter is `lam`, `lambda_` otherwise).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

# Greek letters by LaTeX name: (Unicode characters, spellings a problem may use; the first is
# the default). `lambda` is a Python keyword, hence `lambda_`; capitals that look like Latin
# letters are those letters.
GREEK: dict[str, tuple[str, tuple[str, ...]]] = {
    "alpha": ("α", ("alpha",)),
    "beta": ("βϐ", ("beta",)),
    "gamma": ("γ", ("gamma",)),
    "delta": ("δ", ("delta",)),
    "epsilon": ("ϵ", ("epsilon", "eps")),
    "varepsilon": ("ε", ("epsilon", "eps")),
    "zeta": ("ζ", ("zeta",)),
    "eta": ("η", ("eta",)),
    "theta": ("θ", ("theta",)),
    "vartheta": ("ϑ", ("theta",)),
    "iota": ("ι", ("iota",)),
    "kappa": ("κϰ", ("kappa",)),
    "lambda": ("λ", ("lambda_", "lam", "lmbda", "lambd", "lamda")),
    "mu": ("μµ", ("mu",)),
    "nu": ("ν", ("nu",)),
    "xi": ("ξ", ("xi",)),
    "omicron": ("ο", ("o",)),
    "pi": ("π", ("pi",)),
    "varpi": ("ϖ", ("pi",)),
    "rho": ("ρ", ("rho",)),
    "varrho": ("ϱ", ("rho",)),
    "sigma": ("σ", ("sigma",)),
    "varsigma": ("ς", ("sigma",)),
    "tau": ("τ", ("tau",)),
    "upsilon": ("υ", ("upsilon",)),
    "phi": ("ϕ", ("phi",)),
    "varphi": ("φ", ("phi",)),
    "chi": ("χ", ("chi",)),
    "psi": ("ψ", ("psi",)),
    "omega": ("ω", ("omega",)),
    "Gamma": ("Γ", ("Gamma",)),
    "Delta": ("Δ", ("Delta",)),
    "Theta": ("Θ", ("Theta",)),
    "Lambda": ("Λ", ("Lambda",)),
    "Xi": ("Ξ", ("Xi",)),
    "Pi": ("Π", ("Pi",)),
    "Sigma": ("Σ", ("Sigma",)),
    "Upsilon": ("Υ", ("Upsilon",)),
    "Phi": ("Φ", ("Phi",)),
    "Psi": ("Ψ", ("Psi",)),
    "Omega": ("Ω", ("Omega",)),
}
# Greek capitals drawn like Latin ones (Α is not A to a computer, but is to a reader).
LATIN_LOOKALIKES = {"Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
                    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X"}

# One Unicode Greek character -> its spellings.
GREEK_CHARS: dict[str, tuple[str, ...]] = {
    ch: spellings for chars, spellings in GREEK.values() for ch in chars
}
GREEK_CHARS["Σ"] = ("sum", "Sigma")  # typed Σx is a sum, unless the problem has a Sigma

SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+"}
SUBSCRIPTS = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6",
              "₇": "7", "₈": "8", "₉": "9", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n",
              "ₘ": "m", "ₜ": "t", "ₓ": "x", "ₐ": "a", "ₑ": "e", "ₒ": "o", "ₗ": "l"}

# Characters that stand for an operator or a name (a plain substitution).
OPERATORS = {
    "−": "-", "–": "-", "‐": "-", "÷": "/", "∗": "*", "⊙": "*", "∘": "*",
    "≤": "<=", "⩽": "<=", "≥": ">=", "⩾": ">=", "≠": "!=", "∞": "inf",
    "ᵀ": ".T", "⊤": ".T", "√": "sqrt", "∑": "sum",
}
# Products as written on paper: a scalar times anything, or a matrix product (A·x).
PAPER_PRODUCTS = frozenset("·×∙⋅")


def pick(spellings: Sequence[str], variables: Collection[str]) -> str:
    """The spelling the problem uses (the first that is one of its names), else the first."""
    for s in spellings:
        if s in variables:
            return s
    return spellings[0]


def subscripted(name: str, sub: str, variables: Collection[str]) -> str:
    """`x` with subscript `1` is `x1` or `x_1`, whichever the problem names (else `x1`,
    as the bundled problems write w0, x1, theta0)."""
    return pick((name + sub, f"{name}_{sub}"), variables)
