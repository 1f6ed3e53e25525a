"""Names for the data that crosses module boundaries, so signatures say what they carry.

The aliases are strings at run time, so importing this module imports nothing (NumPy and
sympy stay lazy, and `mldrill --help` stays instant).

- `Json`: data as `json.dumps` writes it; a `to_json()` returns a `JsonObject`.
- `Yaml`: a YAML file as read, before a schema has checked it (opaque until then).
- `Scalar`, `Value`: what a reference expression evaluates to and what a variant's
  parameter holds: Python and NumPy numbers, arrays, text, and tuples, lists and mappings of
  these (a slice only inside an index).
- `Function`, `Functions`: what an expression may call, by name (built-ins, NumPy helpers
  and a bank's `solutions/`).
- `SympyExpr`: a sympy expression (sympy has no type information: this names it for readers).

`as_float`, `as_int` and `array_like` hand a value (a `Value`, an input drawn for a test, a
YAML option) to code that needs a number or an array: they convert exactly as `float()`,
`int()` and NumPy do (and raise as they do).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, SupportsFloat, SupportsInt, TypeAlias, cast

if TYPE_CHECKING:
    import numpy as np
    import sympy
    from numpy.typing import ArrayLike

Json: TypeAlias = "Mapping[str, Json] | Sequence[Json] | str | int | float | bool | None"
JsonObject: TypeAlias = "dict[str, Json]"
Yaml: TypeAlias = object

Scalar: TypeAlias = "int | float | np.number | np.bool_"
Value: TypeAlias = (
    "Scalar | np.ndarray | str | Sequence[Value] | Mapping[str, Value] | slice | None"
)
Function: TypeAlias = "Callable[..., Value]"
Functions: TypeAlias = "Mapping[str, Function]"
SympyExpr: TypeAlias = "sympy.Expr"


def as_float(v: object) -> float:
    """float(v): TypeError or ValueError when `v` is not a number (or a one-entry array)."""
    return float(cast("SupportsFloat | str", v))


def as_int(v: object) -> int:
    """int(v): TypeError or ValueError when `v` is not a number (or a one-entry array)."""
    return int(cast("SupportsInt | str", v))


def array_like(v: object) -> ArrayLike:
    """`v` for a NumPy function, which converts it (and raises if it cannot)."""
    return cast("ArrayLike", v)
