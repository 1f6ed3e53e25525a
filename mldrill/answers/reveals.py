"""Does a feedback text shown before the last try give the part's answer away?

A mistake's `feedback` is shown while the student may still have a try left; if it prints
the right value ("= -0.32") or a sum that evaluates to it ("(4 + 1)/(24 + 6)"), a copied
answer earns the second try's credit. `mldrill validate` warns about such texts: numbers
that reveal the answer belong in the mistake's `reveal:` text, shown after the last try.

Only plain arithmetic is evaluated (numbers, + - * / ^ and brackets), with the safe
expression language; nothing in a feedback text is executed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mldrill.errors import MldrillError

# A run of arithmetic: numbers joined by operators and brackets ("64 * (16 + 1)").
_NUM = r"\d+(?:\.\d+)?"
_RUN = re.compile(r"(?<![\w.^])[-(]*" + _NUM + r"(?:\s*[-+*/^×·]\s*[-(]*" + _NUM + r"\)*)*\)*")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:/\d+)?(?![\w.])")
SMALL = 12  # bare whole numbers up to this are counts and indices, not answers


def candidates(text: str) -> set[str]:
    """Every number and every arithmetic run in `text`, as typed."""
    found = {m.group(0).strip() for m in _RUN.finditer(text)}
    found |= {m.group(0) for m in _NUMBER.finditer(text)}
    return {f for f in found if f}


def _value(run: str) -> float | None:
    from mldrill.expr.evaluate import evaluate
    from mldrill.expr.parse import parse

    try:
        value = evaluate(parse(run.replace("×", "*").replace("·", "*")), {}, {})
        return float(value)  # type: ignore[arg-type]
    except (MldrillError, ValueError, TypeError, ArithmeticError, RecursionError):
        return None


def _trivial(run: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", run)) and abs(int(run)) <= SMALL


def revealing(text: str, accepts: Callable[[float], bool], given: str = "") -> str | None:
    """The first number or sum in `text` that the part would accept as its answer, unless
    the student was already given it (it is in `given`, the prompt) or it is a small
    whole number (a count, an index); else None."""
    shown = {c for c in candidates(given)}
    for run in sorted(candidates(text), key=len, reverse=True):
        if run in shown or _trivial(run):
            continue
        value = _value(run)
        if value is not None and accepts(value):
            return run
    return None


# --- vectors, matrices, shapes and formulas ------------------------------------------------

_GRID_ROW = re.compile(r"\[\s*-?[\d.]+(?:[\s,]+-?[\d.]+)*\s*\]")
_RHS = re.compile(r"=\s*([^=;\n]+)")
_CLAUSE_END = re.compile(r"\.\s|\.$|,\s+(?:so|and|which|not|but|then|where)\b")


def _bracket_groups(text: str) -> list[str]:
    """Every balanced [...] or (...) group, as written (nested ones too)."""
    out, stack = [], []
    pairs = {"]": "[", ")": "("}
    for i, ch in enumerate(text):
        if ch in "[(":
            stack.append((ch, i))
        elif ch in pairs and stack and stack[-1][0] == pairs[ch]:
            _, start = stack.pop()
            out.append(text[start:i + 1])
        elif ch in pairs:
            stack.clear()
    return out


def _grids(text: str) -> list[str]:
    """Matrices as templates render them, one row per line ('[ 1  -2 ]' over '[ 3   4 ]'),
    each joined into one literal ([[1, -2], [3, 4]])."""
    out, rows = [], []
    for line in [*text.splitlines(), ""]:
        found = _GRID_ROW.findall(line)
        if len(found) == 1:
            rows.append("[" + ", ".join(found[0].strip("[] ").replace(",", " ").split()) + "]")
            continue
        if len(rows) > 1:
            out.append("[" + ", ".join(rows) + "]")
        rows = []
    return out


def structured_candidates(text: str) -> list[str]:
    """What a feedback text could state a vector, matrix, shape or formula answer with:
    every bracketed group, every rendered matrix grid, and the right-hand side of every
    '=' up to the end of its clause; longest first."""
    found = set(_bracket_groups(text)) | set(_grids(text))
    for m in _RHS.finditer(text):
        rhs = _CLAUSE_END.split(m.group(1), maxsplit=1)[0].strip().rstrip(".:")
        if rhs:
            found.add(rhs)
    return sorted((f for f in found if len(f) > 1), key=len, reverse=True)


def revealing_text(text: str, accepts: Callable[[str], bool], given: str = "") -> str | None:
    """The first candidate (see structured_candidates) the part would accept as its answer,
    unless the prompt already shows it; else None. `accepts` reads a candidate as the
    student's answer would be read (it never raises)."""
    shown = set(structured_candidates(given)) | {g.replace(" ", "") for g in _bracket_groups(given)}
    for candidate in structured_candidates(text):
        if candidate in shown or candidate.replace(" ", "") in shown:
            continue
        if accepts(candidate):
            return candidate
    return None
