"""The LaTeX commands an answer may use: the allow-list, as tables (latex.py reads them).

A command that is in none of these tables is refused. Nothing here is ever executed: each
entry is the answer-language text a command stands for, or the name of the rule
(in latex.py) that translates it.
"""

from __future__ import annotations

from mldrill.expr.symbols import GREEK

# Commands that are a piece of answer-language text.
SIMPLE: dict[str, str] = {
    "cdot": "·", "times": "·",  # products as on paper: scalar, or matrix product (lexer.py)
    "ast": "*", "odot": "*", "circ": "*", "div": "/",
    "le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">=",
    "ne": "!=", "neq": "!=", "lt": "<", "gt": ">",
    "infty": "inf", "top": "ᵀ", "intercal": "ᵀ",
    "lvert": "abs(", "rvert": ")", "lVert": "norm(", "rVert": ")",
    "quad": " ", "qquad": " ", "enspace": " ", "thinspace": " ", "medspace": " ",
    "thickspace": " ", "negthinspace": "", "displaystyle": "", "textstyle": "",
    "limits": "", "nolimits": "",
}

# Control symbols: a backslash and one character.
SYMBOLS: dict[str, str] = {
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", ">": " ", "\n": " ", "\t": " ",
    "{": "(", "}": ")", "%": "%", "(": "", ")": "", "[": "", "]": "",
}

# Function names, as commands (\exp) and inside \operatorname{...}, \mathrm{...}, \text{...}.
FUNCTIONS: dict[str, str] = {
    "exp": "exp", "log": "log", "ln": "ln", "sin": "sin", "cos": "cos", "tan": "tan",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "det": "det", "max": "max",
    "min": "min", "tr": "trace", "Tr": "trace", "trace": "trace", "diag": "diag",
    "sgn": "sign", "sign": "sign", "sigmoid": "sigma", "relu": "relu", "ReLU": "relu",
    "softplus": "softplus", "inv": "inv", "sqrt": "sqrt", "abs": "abs", "sum": "sum",
    "mean": "mean", "logdet": "logdet", "norm": "norm",
}
FUNCTION_COMMANDS = frozenset({"exp", "log", "ln", "sin", "cos", "tan", "sinh", "cosh",
                               "tanh", "det", "max", "min", "tr", "Tr", "trace", "diag",
                               "sgn"})

# Font and accent commands whose argument is read as it is (\mathbf{x} is x).
FONTS = frozenset({"mathbf", "boldsymbol", "bm", "pmb", "mathit", "mathsf", "mathcal",
                   "mathbb", "mathnormal", "vec", "mathscr", "mathfrak"})
# Accents that make a new name: \hat{y} is yhat (or y_hat, as the problem names it).
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar",
           "tilde": "tilde", "widetilde": "tilde"}
# Commands whose argument is a word: a function or name if it is one, else a label.
WORDS = frozenset({"operatorname", "mathrm", "text", "textrm", "textit", "textbf", "mbox",
                   "textnormal", "mathop"})

# Sizing commands before a delimiter (\left( \right) \big( ...).
OPENERS = frozenset({"left", "bigl", "Bigl", "biggl", "Biggl"})
CLOSERS = frozenset({"right", "bigr", "Bigr", "biggr", "Biggr"})
SIZES = frozenset({"big", "Big", "bigg", "Bigg", "middle"})
# A delimiter after \left (first) or \right (second).
DELIMITERS: dict[str, tuple[str, str]] = {
    "(": ("(", ")"), ")": ("(", ")"), "[": ("(", ")"), "]": ("(", ")"),
    "\\{": ("(", ")"), "\\}": ("(", ")"), ".": ("", ""),
    "|": ("abs(", ")"), "\\vert": ("abs(", ")"), "\\lvert": ("abs(", ")"),
    "\\rvert": ("abs(", ")"), "\\|": ("norm(", ")"), "\\Vert": ("norm(", ")"),
    "\\lVert": ("norm(", ")"), "\\rVert": ("norm(", ")"),
}

# Matrix environments: what opens and closes one.
ENVIRONMENTS: dict[str, tuple[str, str]] = {
    "bmatrix": ("([[(", ")]])"), "pmatrix": ("([[(", ")]])"), "matrix": ("([[(", ")]])"),
    "Bmatrix": ("([[(", ")]])"), "smallmatrix": ("([[(", ")]])"),
    "array": ("([[(", ")]])"), "vmatrix": ("det([[(", ")]])"),
}

# TeX programming: never read, whatever it is given.
PROGRAMMING = frozenset({
    "input", "include", "includeonly", "def", "edef", "gdef", "xdef", "let", "newcommand",
    "renewcommand", "providecommand", "DeclareMathOperator", "csname", "endcsname",
    "catcode", "write", "immediate", "openout", "openin", "read", "expandafter",
    "usepackage", "documentclass", "special", "loop", "jobname", "makeatletter",
    "newenvironment", "renewenvironment", "directlua", "write18", "output", "everymath",
})

STRUCTURE = frozenset({"frac", "dfrac", "tfrac", "cfrac", "sqrt", "begin", "end", "sum"})

ALLOWED: frozenset[str] = frozenset(
    set(SIMPLE) | set(FUNCTION_COMMANDS) | FONTS | set(ACCENTS) | WORDS | OPENERS
    | CLOSERS | SIZES | STRUCTURE | set(GREEK)
)
