"""Compare what a student's function returned with the reference, in the grader's process.

`check` returns None when they agree, else a `Mismatch`: one precise sentence (the expected
and actual shape, the dtype, where a NaN is, or how many entries are off with the worst one's
position, value and absolute and relative error) and its kind. Shapes must match exactly: an
(N, 1) result where (N,) is expected would broadcast in a careless check, and is reported as
the bug it is.

What comes back from the student's process is any decoded plain data (`protocol`): None,
bools, ints of any size, floats, strings, arrays of dtype kinds b, i, u, f, c, U, S of any
shape, numpy scalars, lists, tuples and dicts with any hashable keys, and `Opaque`. Every
student value is validated against what the reference's value calls for before it is used
(validate, then use), so no such value makes these functions raise: it fails the test with a
message. Only a reference value of an unsupported type raises (`ReferenceTypeError`), which is
a bug in the assignment, never the student's.

`changed` is the one rule for "an argument was modified in place": exact plain-data equality
(type, dtype, shape, values; NaN equals NaN), which also never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from mldrill.grade.sandbox import Opaque

NUMBER = (int, float, np.integer, np.floating)
MismatchKind = Literal["wrong", "invalid-return"]
SHOWN_CHARS = 40  # of a student's string quoted in a message
MAX_INT_BITS = 1000  # an int whose float conversion cannot overflow (floats reach 2**1024)


class ReferenceTypeError(TypeError):
    """The reference produced a value these functions cannot compare (an assignment bug)."""


@dataclass(frozen=True)
class Mismatch:
    """Why a student's value does not match: `wrong` values (or shape), or an `invalid-return`
    (not the kind of value expected at all: type, dtype, item count, keys)."""

    message: str
    kind: MismatchKind = "wrong"


def _invalid(message: str) -> Mismatch:
    return Mismatch(message, "invalid-return")


# ---------------------------------------------------------------------------- describing

def _short(text: str) -> str:
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "...")


def describe(value: object) -> str:
    """What a value is, in a few words, for a message (never raises, never runs much code)."""
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        return f"a {value.type_name[:80]}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, bool | np.bool_):
        return f"a bool ({bool(value)})"
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        return f"an int of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, NUMBER):
        return "a number"
    if isinstance(value, complex | np.complexfloating):
        return "a complex number"
    if isinstance(value, str):
        return f"the string {_short(str(value))}"
    if isinstance(value, bytes):
        return "a bytes string"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict of {len(value)} keys"
    return f"a {type(value).__name__}"


def _where(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, index)) + "]"


# ---------------------------------------------------------------------------- comparing

def compare(got: object, expected: object, what: str, rtol: float = 1e-5, atol: float = 1e-8
            ) -> str | None:
    """None if `got` agrees with `expected`, else what is wrong, about `what`."""
    mismatch = check(got, expected, what, rtol, atol)
    return None if mismatch is None else mismatch.message


def check(got: object, expected: object, what: str, rtol: float = 1e-5, atol: float = 1e-8
          ) -> Mismatch | None:
    """None if `got` agrees with `expected` (the reference's value), else the mismatch."""
    with np.errstate(all="ignore"):
        return _check(got, expected, what, rtol, atol)


def _check(got: object, expected: object, what: str, rtol: float, atol: float) -> Mismatch | None:
    if isinstance(expected, np.ndarray):
        return _array(got, expected, what, rtol, atol)
    if isinstance(expected, bool | np.bool_):
        return _bool(got, bool(expected), what)
    if expected is None:
        return None if got is None else _invalid(f"{what}: expected None, got {describe(got)}")
    if isinstance(expected, str):
        if isinstance(got, str) and str(got) == str(expected):
            return None
        return Mismatch(f"{what}: expected {_short(str(expected))}, got {describe(got)}",
                        "wrong" if isinstance(got, str) else "invalid-return")
    if isinstance(expected, NUMBER):
        e = _real(expected)
        if e is None:
            raise ReferenceTypeError(f"the reference's number {what} is too large to compare")
        return _number(got, e, what, rtol, atol)
    if isinstance(expected, tuple | list):
        return _sequence(got, expected, what, rtol, atol)
    if isinstance(expected, Mapping):
        return _mapping(got, expected, what, rtol, atol)
    raise ReferenceTypeError(f"cannot compare with a reference of type "
                             f"{type(expected).__name__} ({what})")


def _bool(got: object, expected: bool, what: str) -> Mismatch | None:
    if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind == "b":
        got = got[()]
    if not isinstance(got, bool | np.bool_):
        return _invalid(f"{what}: expected {expected!r}, got {describe(got)}")
    return None if bool(got) == expected else \
        Mismatch(f"{what}: expected {expected!r}, got {bool(got)!r}")


def _sequence(got: object, expected: tuple[object, ...] | list[object], what: str, rtol: float,
              atol: float) -> Mismatch | None:
    if not isinstance(got, tuple | list):
        return _invalid(f"{what}: expected a {type(expected).__name__} of {len(expected)} "
                        f"items, got {describe(got)}")
    if len(got) != len(expected):
        return _invalid(f"{what}: expected {len(expected)} items, got {len(got)}")
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        mismatch = _check(g, e, f"{what}[{i}]", rtol, atol)
        if mismatch:
            return mismatch
    return None


def _mapping(got: object, expected: Mapping[object, object], what: str, rtol: float, atol: float
             ) -> Mismatch | None:
    if not isinstance(got, dict):
        return _invalid(f"{what}: expected a dict, got {describe(got)}")
    # the reference's keys are looked up in the student's dict; its own keys (any hashable
    # decoded value: tuples, numpy scalars, Opaque) are only hashed and compared by dict
    missing = [k for k in expected if k not in got]
    if missing:
        return _invalid(f"{what}: missing key{'s' if len(missing) > 1 else ''} "
                        + ", ".join(repr(k) for k in missing))
    for k, e in expected.items():
        mismatch = _check(got[k], e, f"{what}[{k!r}]", rtol, atol)
        if mismatch:
            return mismatch
    return None


def _real(value: object) -> float | None:
    """A real number (bool excluded; a 0-d array's item) as a float, or None if it is not one
    or is too large for a float."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, NUMBER):
        return None
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        return None
    return float(value)  # np.longdouble beyond float range becomes inf (errstate: quiet)


def _number(got: object, expected: float, what: str, rtol: float, atol: float
            ) -> Mismatch | None:
    g = _real(got)
    if g is None:
        shown = got[()] if isinstance(got, np.ndarray) and got.shape == () else got
        return _invalid(f"{what}: expected a number, got {describe(shown)}")
    if not np.isfinite(expected):
        if g == expected or (np.isnan(g) and np.isnan(expected)):
            return None
        return Mismatch(f"{what}: got {g:.6g}, expected {expected}")
    if not np.isfinite(g):
        return Mismatch(f"{what}: got {g} (not finite), expected {expected:.6g}")
    err = abs(g - expected)
    if err > atol + rtol * abs(expected):
        rel = err / abs(expected) if expected else float("inf")
        return Mismatch(f"{what}: got {g:.6g}, expected {expected:.6g} (absolute error "
                        f"{err:.2g}, relative {rel:.2g})")
    return None


# ---------------------------------------------------------------------------- arrays

def _numeric_leaves(value: object, depth: int = 0) -> bool:
    """Every leaf of a nested list/tuple is a real number, a real numeric array or a bool."""
    if depth > 64:
        return False
    if isinstance(value, list | tuple):
        return all(_numeric_leaves(v, depth + 1) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biuf"
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() <= 64  # numpy holds it (int64, uint64)
    return isinstance(value, bool | float | np.bool_ | np.integer | np.floating)


def _as_numeric(got: object, shape: tuple[int, ...], what: str) -> np.ndarray | Mismatch:
    """`got` as a numeric (kind b, i, u or f) ndarray, or why it is not one."""
    expected = f"an array of shape {shape}"
    if isinstance(got, list | tuple):
        if not _numeric_leaves(got):
            return _invalid(f"{what}: expected {expected}, got {describe(got)} that is not "
                            "all numbers")
        try:
            got = np.asarray(got)
        except (ValueError, TypeError, OverflowError):  # ragged: numpy refuses the shape
            return _invalid(f"{what}: expected {expected}, got a ragged {type(got).__name__}")
    elif isinstance(got, np.generic) or (isinstance(got, NUMBER) and _real(got) is not None):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        hint = " (did you forget to return it?)" if got is None else ""
        return _invalid(f"{what}: expected {expected}, got {describe(got)}{hint}")
    if got.dtype.kind not in "biuf":
        return _invalid(f"{what}: expected numbers, got dtype {got.dtype}")
    return got


def _shape_and_dtype(got: np.ndarray, expected: np.ndarray, what: str) -> Mismatch | None:
    if got.shape != expected.shape:
        note = ""
        try:
            np.broadcast_shapes(got.shape, expected.shape)
            note = " (it would broadcast, but the shape must be exact)"
        except ValueError:
            pass
        return Mismatch(f"{what}: expected shape {expected.shape}, got {got.shape}{note}")
    if expected.dtype.kind == "f" and got.dtype.kind != "f":
        return _invalid(f"{what}: expected floating-point numbers, got dtype {got.dtype}")
    if expected.dtype.kind in "iu" and got.dtype.kind not in "iuf":
        return _invalid(f"{what}: expected whole numbers, got dtype {got.dtype}")
    return None


def as_array(got: object, like: np.ndarray, what: str) -> np.ndarray | Mismatch:
    """`got` as a float64 array of `like`'s shape (and a dtype fit for `like`'s), or why it
    cannot be one. For checks that use a student's array beyond comparing it."""
    if like.dtype.kind not in "biuf":
        raise ReferenceTypeError(f"cannot compare with a reference array of dtype {like.dtype}")
    with np.errstate(all="ignore"):
        arr = _as_numeric(got, like.shape, what)
        if isinstance(arr, Mismatch):
            return arr
        bad = _shape_and_dtype(arr, like, what)
        return bad if bad else arr.astype(np.float64)


def _array(got: object, expected: np.ndarray, what: str, rtol: float, atol: float
           ) -> Mismatch | None:
    arr = as_array(got, expected, what)
    if isinstance(arr, Mismatch):
        return arr
    g, e = arr, expected.astype(np.float64)
    if g.size == 0:
        return None
    e_finite = np.isfinite(e)
    bad_finite = ~np.isfinite(g) & e_finite
    if bad_finite.any():
        idx = tuple(int(i) for i in np.argwhere(bad_finite)[0])
        count = int(bad_finite.sum())
        return Mismatch(f"{what}: {count} entr{'y is' if count == 1 else 'ies are'} not "
                        f"finite, first at {_where(idx)} ({g[idx]}; expected {e[idx]:.6g})")
    same_special = (g == e) | (np.isnan(g) & np.isnan(e))  # where e is inf or NaN
    err = np.where(e_finite, np.abs(g - e), np.where(same_special, 0.0, np.inf))
    off = err > atol + rtol * np.abs(np.where(e_finite, e, 0.0))
    if not off.any():
        return None
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
    scale = np.abs(e[worst])
    rel = err[worst] / scale if scale else float("inf")
    return Mismatch(f"{what}: {int(off.sum())} of {off.size} entries differ; the worst at "
                    f"{_where(worst)}: got {g[worst]:.6g}, expected {e[worst]:.6g} (max "
                    f"absolute error {float(err.max()):.2g}, relative {rel:.2g})")


# ---------------------------------------------------------------------------- in place

def changed(before: object, after: object) -> bool:
    """Whether an argument was modified in place: `after` is not exactly `before` (same
    types, dtypes, shapes and values; NaN equals NaN). A re-typed array, a dict with other
    keys or a list of another length has changed. Never raises for any decoded `after`."""
    with np.errstate(all="ignore"):
        return not _same(before, after)


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return (type(b) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if isinstance(a, Mapping):
        return (type(b) is dict and len(a) == len(b)
                and all(k in b and _same(v, b[k]) for k, v in a.items()))
    if isinstance(a, list | tuple):
        return (type(b) is type(a) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if type(a) is not type(b):
        return False
    if isinstance(a, float | np.floating | np.complexfloating) and a != a:
        return bool(b != b)  # NaN is NaN
    return bool(a == b)
