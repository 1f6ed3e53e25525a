"""Numbers and integers.

number: `0.125`, `3/8`, `exp(-2)`, `sqrt(2)/2`, `1e-3`; compared with a relative/absolute
tolerance or to a number of significant figures. An answer that is right to the few digits
typed but not to the tolerance is re-asked ("give more digits"), not marked wrong.
integer: exact (parameter counts, output sizes); `3*3*16 + 16` is accepted as 160.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import SupportsFloat

import numpy as np

from mldrill.answers.base import (
    AnswerKind,
    Context,
    Finding,
    PartResult,
    close,
    reference_value,
    register_kind,
)
from mldrill.answers.diagnose import scalar_finding
from mldrill.bank.model import PartSpec, Tolerance
from mldrill.errors import AnswerParseError, EvaluationError
from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS, REGISTRY, SCALAR_STUDENT
from mldrill.expr.parse import Expr, check_names, parse
from mldrill.patterns import lazy
from mldrill.values import array_like, as_float

_SCALAR_FUNCS = {k: REGISTRY[k].numeric for k in SCALAR_STUDENT}
_THOUSANDS = lazy(r"^\s*[-+]?\d{1,3}(?:,\d{3})+\s*$")
_DECIMAL = lazy(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def numbers_only(expr: Expr) -> None:
    """A numeric answer may use constants and functions, but not the problem's names."""
    try:
        check_names(expr, variables=CONSTANTS.keys(), functions=SCALAR_STUDENT)
    except AnswerParseError as exc:
        if exc.message.startswith("unknown name"):
            m = re.match(r"[A-Za-z_]\w*", exc.text[exc.col:])
            name = m.group() if m else exc.text[exc.col:exc.col + 1]
            raise AnswerParseError(exc.text, exc.col, f"a number is expected here, not the "
                                   f"name '{name}': work out its value") from None
        raise


def read_scalar(text: str) -> tuple[float, str]:
    """A number written as a literal or a small expression in constants."""
    expr = parse(text, functions=SCALAR_STUDENT)
    numbers_only(expr)
    value = evaluate(expr, CONSTANTS, _SCALAR_FUNCS)
    if np.ndim(array_like(value)) != 0:
        raise AnswerParseError(text, 0, "expected a single number, got a list or matrix")
    v = as_float(value)
    if math.isnan(v):
        raise EvaluationError("your expression is not a number (e.g. 0/0 or log of a "
                              "negative number)")
    return v, expr.text


def significant_digits(text: str) -> int | None:
    """Significant digits of a plain decimal literal ('0.130' -> 3, '33.3%' -> 3), else None."""
    m = _DECIMAL.match(text.strip().removesuffix("%"))
    if not m:
        return None
    digits = m.group(1).replace(".", "").lstrip("0")
    return max(len(digits), 1)


def _roundings(x: float, sig: int) -> tuple[float, ...]:
    """`x` rounded to `sig` significant figures; at a tie both neighbours, since people round
    half up and Python's round() half to even (0.125 -> 0.12 and 0.13)."""
    if x == 0 or not math.isfinite(x):
        return (x,)
    unit = 10.0 ** (math.floor(math.log10(abs(x))) - sig + 1)  # of the last kept digit
    scaled = x / unit
    low = math.floor(scaled)
    if abs(scaled - low - 0.5) < 1e-9:
        return (low * unit, (low + 1) * unit)
    return (round(scaled) * unit,)


def same_rounding(value: float, target: float, sig: int) -> bool:
    """`value` rounded (half away from zero) is `target` rounded either way at a tie, to
    `sig` significant figures: 0.13 and 0.12 for 0.125, but not 15 for 10 nor 6 for 10."""
    rounded = max(_roundings(value, sig), key=abs)
    return any(math.isclose(rounded, t, rel_tol=1e-9) for t in _roundings(target, sig))


def within(value: float, target: float, tol: Tolerance) -> bool:
    if not (math.isfinite(value) and math.isfinite(target)):
        return value == target
    if tol.sigfigs:
        return same_rounding(value, target, tol.sigfigs) or close(value, target, tol)
    return close(value, target, tol)


def format_number(x: SupportsFloat) -> str:
    """An answer key as a student would write it: 6, 0.25, 4/7, 0.135335283237."""
    v = float(x)
    if not math.isfinite(v):
        return repr(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    short = f"{v:.12g}"
    if len(short.lstrip("-").replace("0.", "", 1).lstrip("0")) <= 6:
        return short  # a short decimal says it best: 0.25, -1.5, 0.0625
    frac = Fraction(v).limit_denominator(1000)
    if frac.denominator > 1 and abs(float(frac) - v) <= 1e-12 * max(1.0, abs(v)):
        return f"{frac.numerator}/{frac.denominator}"
    return short


@register_kind
class NumberKind(AnswerKind[float]):
    name = "number"
    summary = "a real number: decimal, fraction or expression such as exp(-2)"
    form = "a number, e.g. 0.25, 3/8 or exp(-2)"
    options = {"tolerance": "{rel, abs, sigfigs}: how close counts as right"}

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> float:
        value = reference_value(expr, ctx)
        if np.ndim(array_like(value)) != 0:
            raise EvaluationError(f"expected a number, the expression gave shape "
                                  f"{np.shape(array_like(value))}")
        return as_float(value)

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[float, str]:
        return read_scalar(text)

    def agree(self, value: float, target: float, spec: PartSpec, ctx: Context) -> bool:
        return within(value, target, spec.tolerance)

    def precheck(self, text: str, value: float, target: float, spec: PartSpec, ctx: Context
                 ) -> PartResult | None:
        digits = significant_digits(text)
        if digits is None or within(value, target, spec.tolerance) or target == 0:
            return None
        if same_rounding(value, target, digits) and digits < 15:
            return PartResult(spec.name, "invalid", 0.0, (
                f"{text.strip()} agrees with the answer to the {digits} significant "
                f"figure{'s' if digits > 1 else ''} you gave, but that is not precise enough "
                f"({spec.tolerance.describe()}): give more digits or an exact form such as a "
                "fraction",), diagnosis="too-few-digits", points=spec.points)
        return None

    def format(self, target: float, spec: PartSpec, ctx: Context) -> str:
        """The key at the precision the part asks for (3 significant figures: -0.197), or
        in full (an exact fraction where one is short)."""
        sig = spec.tolerance.sigfigs
        if sig and math.isfinite(target) and not float(target).is_integer():
            from mldrill.answers.precision import Precision

            return Precision(sig).text(float(target))
        return format_number(target)

    def diagnose(self, value: float, target: float, spec: PartSpec, ctx: Context
                 ) -> Finding | None:
        return scalar_finding(value, target, spec.tolerance, ctx.int_params())


@register_kind
class IntegerKind(AnswerKind[int]):
    name = "integer"
    summary = "a whole number, checked exactly (counts, sizes)"
    form = "a whole number, e.g. 156"

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> int:
        value = reference_value(expr, ctx)
        if np.ndim(array_like(value)) != 0 or as_float(value) != round(as_float(value)):
            raise EvaluationError(f"expected a whole number, the expression gave {value!r}")
        return int(round(as_float(value)))

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[int, str]:
        if _THOUSANDS.match(text):
            text = text.replace(",", "")  # 61,706: a thousands separator, not a list
        value, shown = read_scalar(text)
        if not math.isfinite(value) or abs(value) >= 2**53:
            raise AnswerParseError(text, 0, "number too large")
        if not float(value).is_integer():
            raise AnswerParseError(text, 0, f"expected a whole number, got {value:g}")
        return int(value), shown

    def agree(self, value: int, target: int, spec: PartSpec, ctx: Context) -> bool:
        return value == target

    def format(self, target: int, spec: PartSpec, ctx: Context) -> str:
        return str(int(target))

    def diagnose(self, value: int, target: int, spec: PartSpec, ctx: Context) -> Finding | None:
        return scalar_finding(float(value), float(target), Tolerance(rel=0, abs=0),
                              ctx.int_params(), integer=True)
