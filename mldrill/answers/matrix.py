"""Vectors and matrices of numbers: `[[1, 2], [3, 4]]` or MATLAB `[1 2; 3 4]`.

The shape is checked first, with an explanation (expected 2x4, got 4x2: transposed?);
then the entries, pointing at the wrong ones. A 1-D reference (a vector) accepts a row,
a column or a flat list; a 2-D reference needs exactly its shape.
"""

from __future__ import annotations

import re

import numpy as np

from mldrill.answers.base import (
    AnswerKind,
    Context,
    Finding,
    PartResult,
    reference_value,
    register_kind,
)
from mldrill.answers.diagnose import _allclose, array_finding, wrong_entries
from mldrill.answers.number import (
    format_number,
    numbers_only,
    same_rounding,
    significant_digits,
    within,
)
from mldrill.bank.model import PartSpec
from mldrill.errors import AnswerParseError, EvaluationError
from mldrill.expr import nodes as n
from mldrill.expr.evaluate import evaluate, resolved
from mldrill.expr.functions import CONSTANTS, REGISTRY, SCALAR_STUDENT
from mldrill.expr.latex import looks_like_latex
from mldrill.expr.parse import parse

_FUNCS = {k: REGISTRY[k].numeric for k in SCALAR_STUDENT}


_LITERAL = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PLAIN = re.compile(r"[\s\[\]\(\),;0-9.eE+-]*")  # only numbers: no expressions to re-read


def shape_text(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"a vector of length {shape[0]}"
    return "x".join(str(d) for d in shape)


def matlab_rows(text: str) -> tuple[str, int]:
    """Rows typed over several lines, or `1 2; 3 4` without brackets, as `[1 2; 3 4]`.
    Returns the text to parse and how far columns shifted (for the caret)."""
    stripped = text.strip()
    if looks_like_latex(text):
        return text, 0  # \begin{bmatrix} ... \end{bmatrix}: rows are marked by \\
    if "\n" in stripped and "[[" not in stripped.replace(" ", ""):
        inner = stripped[1:-1] if stripped.startswith("[") and stripped.endswith("]") \
            else stripped
        # a new line ends a row, so a ';' at either end of a line adds nothing
        rows = [r.strip().strip(";").rstrip(",").strip() for r in inner.splitlines()]
        return "[" + "; ".join(r for r in rows if r) + "]", 0  # caret: best effort
    if "\n" in stripped:
        return " ".join(stripped.splitlines()), 0  # [[1, 2],\n [3, 4]]: Python style
    if ";" in stripped and "[" not in stripped:
        return "[" + text + "]", 1
    return text, 0


def read_array(text: str) -> tuple[np.ndarray, str]:
    source, shift = matlab_rows(text)
    try:
        expr = parse(source, functions=SCALAR_STUDENT)
    except AnswerParseError as exc:
        if source is text:
            raise
        raise AnswerParseError(text.replace("\n", " "), max(0, exc.col - shift), exc.message,
                               exc.expected) from None
    numbers_only(expr)
    products: dict[int, str] = {}  # matrices side by side are a matrix product: echo the @
    value = evaluate(expr, CONSTANTS, _FUNCS, products=products)
    shown = n.to_text(resolved(expr.root, products))
    arr = np.asarray(value, dtype=float)
    if arr.ndim > 3:
        raise AnswerParseError(text, 0, "too many levels of brackets")
    if np.isnan(arr).any():
        raise EvaluationError("some entries are not numbers (0/0, log of a negative, ...)")
    if source is not text and any(line.strip().startswith(";")
                                  for line in text.strip().splitlines()[1:]):
        return arr, f"{shown} (a new line already ends a row: no ';' is needed)"
    return arr, shown


def as_vector_like(value: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    """For a 1-D target, a row, column or flat answer of the same length as 1-D."""
    if target.ndim == 1 and value.size == target.size and (
        value.ndim == 1 or (value.ndim == 2 and 1 in value.shape)
    ):
        return value.reshape(-1)
    if target.ndim == 2 and 1 in target.shape and value.ndim == 1 and value.size == target.size:
        return value.reshape(target.shape)  # [1, 2] for a column or a row: unambiguous
    return None


def format_array(a: np.ndarray) -> str:
    if a.ndim == 0:
        return format_number(a)
    return "[" + ", ".join(format_array(x) for x in a) + "]"


@register_kind
class MatrixKind(AnswerKind[np.ndarray]):
    name = "matrix"
    summary = "a vector or matrix of numbers, [[1, 2], [3, 4]] or [1 2; 3 4]"
    form = "a matrix, e.g. [[1, 2], [3, 4]] or [1 2; 3 4] (rows separated by ;)"
    options = {"tolerance": "{rel, abs}: how close each entry must be"}

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> np.ndarray:
        value = np.asarray(reference_value(expr, ctx), dtype=float)
        if value.ndim == 0:
            value = value.reshape(1)
        return value

    def read(self, text: str, spec: PartSpec, ctx: Context) -> tuple[np.ndarray, str]:
        return read_array(text)

    def _fit(self, value: np.ndarray, target: np.ndarray) -> np.ndarray | None:
        if value.shape == target.shape:
            return value
        return as_vector_like(value, target)

    def agree(self, value: np.ndarray, target: np.ndarray, spec: PartSpec, ctx: Context
              ) -> bool:
        fitted = self._fit(value, target)
        return fitted is not None and _allclose(fitted, target, spec.tolerance)

    def format(self, target: np.ndarray, spec: PartSpec, ctx: Context) -> str:
        return format_array(target)

    def precheck(self, text: str, value: np.ndarray, target: np.ndarray, spec: PartSpec,
                 ctx: Context) -> PartResult | None:
        """Entries that are right to the digits typed but not to the tolerance: re-ask for
        more digits (as for numbers) instead of marking a rounded matrix wrong."""
        fitted = self._fit(value, target)
        literals = _LITERAL.findall(text)
        if fitted is None or len(literals) != target.size or not _PLAIN.fullmatch(text):
            return None
        short = []
        for lit, got, want in zip(literals, fitted.reshape(-1), target.reshape(-1),
                                  strict=True):
            if within(float(got), float(want), spec.tolerance):
                continue
            digits = significant_digits(lit.lstrip("+-"))
            if digits is None or digits >= 15 or want == 0 or \
                    not same_rounding(abs(float(got)), abs(float(want)), digits) or \
                    (float(got) < 0) != (float(want) < 0):
                return None
            short.append(lit)
        if not short:
            return None
        return PartResult(spec.name, "invalid", 0.0, (
            f"{len(short)} entr{'y' if len(short) == 1 else 'ies'} ({', '.join(short[:4])}"
            f"{', ...' if len(short) > 4 else ''}) agree with the answer to the digits you "
            f"gave, but that is not precise enough ({spec.tolerance.describe()}): give more "
            "digits or exact fractions",), diagnosis="too-few-digits", points=spec.points)

    def diagnose(self, value: np.ndarray, target: np.ndarray, spec: PartSpec, ctx: Context
                 ) -> Finding | None:
        fitted = self._fit(value, target)
        if fitted is None:
            expected, got = shape_text(target.shape), shape_text(value.shape)
            if value.ndim == target.ndim == 2 and value.shape == target.shape[::-1]:
                if _allclose(value, target.T, spec.tolerance):
                    return Finding("transposed", f"expected {expected}, got {got}: your answer "
                                                 "is the transpose of the right one")
                return Finding("shape", f"expected {expected}, got {got}: transposed?")
            if value.ndim == target.ndim and all(
                abs(a - b) <= 1 for a, b in zip(value.shape, target.shape, strict=True)
            ):
                return Finding("shape", f"expected {expected}, got {got}: off by one in the "
                                        "size?")
            return Finding("shape", f"expected {expected}, got {got}")
        return array_finding(fitted, target, spec.tolerance, ctx.int_params())

    def explain(self, value: np.ndarray, target: np.ndarray, spec: PartSpec, ctx: Context
                ) -> list[str]:
        fitted = self._fit(value, target)
        if fitted is None or self.diagnose(value, target, spec, ctx) is not None:
            return []  # a whole-matrix diagnosis already says it; no list of every entry
        return wrong_entries(fitted, target, spec.tolerance)


@register_kind
class VectorKind(MatrixKind):
    name = "vector"
    summary = "a vector of numbers, [1, 2, 3] or [1 2 3]"
    form = "a vector, e.g. [1, 2, 3] or [1 2 3]"

    def target(self, expr: str, spec: PartSpec, ctx: Context) -> np.ndarray:
        value = super().target(expr, spec, ctx)
        if value.ndim == 2 and 1 in value.shape:
            value = value.reshape(-1)
        return value
