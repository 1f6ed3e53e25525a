"""The precision a prompt asks for, and whether the checker accepts an answer given to it.

A prompt that says "give 3 significant figures" promises that 1.15 is a right answer when
the exact value is 1.1513. `mldrill validate` holds the bank to that promise: for every
numeric part, the reference rounded to the precision its prompt states must be accepted.
The part's `tolerance: {sigfigs: k}` is the one place the precision is declared; a prompt
that states none gets "(k significant figures)" from it when rendered (see
`precision_note`).
"""

from __future__ import annotations

import math
import re

import numpy as np

from mldrill.bank.model import PartSpec, Tolerance
from mldrill.patterns import lazy
from mldrill.record import record

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNT = r"(\d+|one|two|three|four|five|six)"
_SIG = lazy(_COUNT + r"[\s-]+(?:significant[\s-]+(?:figures?|digits?)|sig\.?[\s-]*figs?"
                  r"|s\.\s?f\.?)", re.IGNORECASE)
_DP = lazy(_COUNT + r"[\s-]+(?:decimal[\s-]+places?|d\.\s?p\.?|decimals)", re.IGNORECASE)

NUMERIC_KINDS = ("number", "vector", "matrix")


@record(frozen=True)
class Precision:
    """`digits` significant figures (`decimals` False) or decimal places (True)."""

    digits: int
    decimals: bool = False

    def describe(self) -> str:
        unit = "decimal place" if self.decimals else "significant figure"
        return f"{self.digits} {unit}{'s' if self.digits != 1 else ''}"

    def round(self, x: float) -> float:
        """`x` rounded to this precision, half away from zero, as people round."""
        if x == 0 or not math.isfinite(x):
            return x
        places = self.digits if self.decimals else \
            self.digits - 1 - math.floor(math.log10(abs(x)))
        scale = 10.0 ** places
        return math.copysign(math.floor(abs(x) * scale + 0.5) / scale, x)

    def text(self, x: float) -> str:
        """`x` rounded and written with exactly the digits a student would write."""
        r = self.round(x)
        if self.decimals:
            return f"{r:.{self.digits}f}"
        places = self.digits - 1 - math.floor(math.log10(abs(r))) if r else self.digits - 1
        return f"{r:.{max(places, 0)}f}"


def stated_precision(text: str) -> Precision | None:
    """The most lenient precision `text` asks for ("3 significant figures", "2 d.p."),
    or None when it states none."""
    found = [Precision(_count(m.group(1))) for m in _SIG.finditer(text)]
    found += [Precision(_count(m.group(1)), decimals=True) for m in _DP.finditer(text)]
    found = [p for p in found if 1 <= p.digits <= 15]
    if not found:
        return None
    return min(found, key=lambda p: (p.decimals, p.digits))


def _count(word: str) -> int:
    return _WORDS.get(word.lower()) or int(word)


def part_precision(family_prompt: str, part: PartSpec) -> Precision | None:
    """What the student is told for this part: its own prompt first, else the problem's."""
    return stated_precision(part.prompt) or stated_precision(family_prompt)


def precision_note(part: PartSpec, family_prompt: str) -> str:
    """" (3 significant figures)" for a part whose tolerance declares the precision and
    whose prompts do not say it; else ""."""
    sig = part.tolerance.sigfigs
    if part.kind not in NUMERIC_KINDS or not sig or part_precision(family_prompt, part):
        return ""
    return f" ({Precision(sig).describe()})"


def rounded_answer(target: object, precision: Precision) -> str:
    """The reference as a careful student gives it at `precision`: '1.15', '[0.5, 1.33]'."""
    arr = np.asarray(target, dtype=float)
    if arr.ndim == 0:
        return precision.text(float(arr))
    if arr.ndim == 1:
        return "[" + ", ".join(precision.text(float(x)) for x in arr) + "]"
    return "[" + ", ".join(rounded_answer(row, precision) for row in arr) + "]"


def tolerance_for(precision: Precision) -> Tolerance:
    """The tolerance that accepts an answer given to `precision` (a suggestion for authors)."""
    if precision.decimals:
        return Tolerance(abs=0.5 * 10.0 ** -precision.digits * 1.0001)
    return Tolerance(sigfigs=precision.digits)
