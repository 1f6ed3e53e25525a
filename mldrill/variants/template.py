"""Prompt and solution templates: `{{ expr }}` and `{{ expr | format }}`.

A placeholder holds an expression over the parameters (the same safe language as
references). Numbers print without noise (`3`, not `3.0`; `0.25`); matrices print as an
aligned grid on lines of their own; vectors print inline as `[1, 2, 3]`.
Formats: a Python format spec for numbers (`.3f`, `.4g`), `grid` (force a grid),
`inline` (force one line), `frac` (a fraction such as 3/8 where one is close).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS
from mldrill.expr.parse import parse_reference
from mldrill.patterns import lazy

if TYPE_CHECKING:
    from mldrill.values import Functions, Scalar, Value

PLACEHOLDER = lazy(r"\{\{(.*?)\}\}", re.S)


def split_format(body: str) -> tuple[str, str]:
    """`expr | fmt` split at the last '|' outside quotes and brackets ('' if none), so
    text such as "||w||^2" inside a string stays in the expression."""
    depth, quote, cut = 0, "", -1
    for i, ch in enumerate(body):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "|" and depth == 0:
            cut = i
    return (body, "") if cut < 0 else (body[:cut], body[cut + 1:])


def placeholders(template: str) -> Iterator[tuple[str, str | None, int]]:
    """(expression, format, offset of the expression in the template) for each {{ }}."""
    for m in PLACEHOLDER.finditer(template):
        body = m.group(1)
        expr, fmt = split_format(body)
        lead = len(expr) - len(expr.lstrip())
        yield expr.strip(), (fmt.strip() or None), m.start(1) + lead


def fmt_number(x: Scalar, spec: str | None = None) -> str:
    """A number without noise (`3`, not `3.0`; `0.25`), or in a format spec."""
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if spec == "frac":
        f = Fraction(float(x)).limit_denominator(1000)
        if abs(float(f) - float(x)) < 1e-9:
            return str(f)
    if spec and spec not in ("grid", "inline", "frac"):
        return format(float(x) if not isinstance(x, (int, np.integer)) else x, spec)
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    v = float(x)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6g}"


def fmt_inline(value: Value, spec: str | None = None) -> str:
    a = np.asarray(value)
    if a.ndim == 0:
        return fmt_number(a.item(), spec)
    return "[" + ", ".join(fmt_inline(x, spec) for x in a) + "]"


def fmt_grid(value: Value, spec: str | None = None) -> str:
    """An aligned grid, one row per line, numbers right-aligned in columns."""
    a = np.asarray(value)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim > 2:
        return "\n".join(f"[{i}]\n" + fmt_grid(x, spec) for i, x in enumerate(a))
    cells = [[fmt_number(x, spec) for x in row] for row in a.tolist()]
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))] if cells else []
    return "\n".join("[ " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                     + " ]" for row in cells)


def format_value(value: Value, spec: str | None = None) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        inner = ", ".join(fmt_inline(v, spec) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    a = np.asarray(value)
    if a.dtype.kind in "OUS":  # text, or a mix: print as written
        return ", ".join(map(str, a.tolist())) if a.ndim == 1 else str(value)
    if spec == "grid" or (a.ndim >= 2 and spec != "inline"):
        return fmt_grid(a, spec if spec != "grid" else None)
    return fmt_inline(a, spec)


IDENT = lazy(r"[A-Za-z_]\w*")
SHAPE_SAID = lazy(r"\d\s*[x×]\s*\d|length|shape", re.I)


def shape_label(value: Value) -> str | None:
    """`(length 3)` for a vector, `(2 x 3)` for a matrix; None for anything else."""
    if isinstance(value, str | tuple):
        return None
    a = np.asarray(value)
    if a.ndim == 0 or a.dtype.kind in "OUS" or a.size <= 1:
        return None
    return f"(length {a.shape[0]})" if a.ndim == 1 else "(" + " x ".join(map(str, a.shape)) + ")"


def render(template: str, params: Mapping[str, Value], functions: Functions,
           shapes: bool = False) -> str:
    """Fill every {{ }} in `template`. A multi-line value (a grid) is indented to line up
    under the text before it, so `X = {{X}}` prints a matrix beside its name.

    With `shapes` (prompts), a parameter shown on its own (`{{b1}}`) is labelled with its
    shape: `b1 = [1, 1, 0]  (length 3)`, and a grid's first row ends with `(2 x 3)`;
    unless the rest of the line already says a shape or has a bracket of its own."""
    env = {**CONSTANTS, **params}
    out: list[str] = []
    last = 0
    for m in PLACEHOLDER.finditer(template):
        out.append(template[last : m.start()])
        body = m.group(1)
        expr_text, fmt = split_format(body)
        value = evaluate(parse_reference(expr_text.strip()), env, functions, exact_ints=True)
        text = format_value(value, fmt.strip() or None)
        rest = template[m.end():].split("\n", 1)[0]
        label = shape_label(value) if shapes and IDENT.fullmatch(expr_text.strip()) \
            and not SHAPE_SAID.search(rest) and "(" not in rest else None
        if label and "\n" in text:
            if not rest.strip():  # a grid beside its name: label its first row
                first, more = text.split("\n", 1)
                text = f"{first}   {label}\n{more}"
        elif label:
            text = f"{text} {label}"
        if "\n" in text:
            line_start = "".join(out).rfind("\n") + 1
            prefix = "".join(out)[line_start:]
            pad = " " * len(prefix)
            text = text.replace("\n", "\n" + pad)
        out.append(text)
        last = m.end()
    out.append(template[last:])
    return "".join(out)
