"""Compare what a student's function returned with the reference, in the grader's process.

Returns None when they agree, else one precise sentence: the expected and actual shape, the
dtype, where a NaN is, or how many entries are off with the worst one's position, value and
absolute and relative error. Shapes must match exactly: an (N, 1) result where (N,) is
expected would broadcast in a careless check, and is reported as the bug it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mldrill.grade.sandbox import Opaque

NUMBER = (int, float, np.integer, np.floating)


def describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        return f"a {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, NUMBER):
        return "a number"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def _where(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, index)) + "]"


def compare(got: Any, expected: Any, what: str, rtol: float = 1e-5, atol: float = 1e-8
            ) -> str | None:
    """None if `got` agrees with `expected`, else what is wrong, about `what`."""
    if isinstance(expected, np.ndarray):
        return _array(got, expected, what, rtol, atol)
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if got == expected and type(got) is type(expected):
            return None
        shown = repr(got) if isinstance(got, str) else describe(got)
        return f"{what}: expected {expected!r}, got {shown}"
    if isinstance(expected, NUMBER):
        return _number(got, float(expected), what, rtol, atol)
    if isinstance(expected, tuple | list):
        if not isinstance(got, tuple | list):
            return f"{what}: expected a tuple of {len(expected)} items, got {describe(got)}"
        if len(got) != len(expected):
            return f"{what}: expected {len(expected)} items, got {len(got)}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            msg = compare(g, e, f"{what}[{i}]", rtol, atol)
            if msg:
                return msg
        return None
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return f"{what}: expected a dict, got {describe(got)}"
        missing = [k for k in expected if k not in got]
        if missing:
            return f"{what}: missing key{'s' if len(missing) > 1 else ''} " + \
                ", ".join(repr(k) for k in missing)
        for k, e in expected.items():
            msg = compare(got[k], e, f"{what}[{k!r}]", rtol, atol)
            if msg:
                return msg
        return None
    raise TypeError(f"cannot compare with a reference of type {type(expected).__name__}")


def _number(got: Any, expected: float, what: str, rtol: float, atol: float) -> str | None:
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, NUMBER):
        return f"{what}: expected a number, got {describe(got)}"
    g = float(got)
    if not np.isfinite(g) and np.isfinite(expected):
        return f"{what}: got {g} (not finite), expected {expected:.6g}"
    if abs(g - expected) > atol + rtol * abs(expected):
        rel = abs(g - expected) / abs(expected) if expected else float("inf")
        return (f"{what}: got {g:.6g}, expected {expected:.6g} (absolute error "
                f"{abs(g - expected):.2g}, relative {rel:.2g})")
    return None


def _array(got: Any, expected: np.ndarray, what: str, rtol: float, atol: float
           ) -> str | None:
    if isinstance(got, list | tuple):
        try:
            got = np.asarray(got)
        except (ValueError, TypeError):
            return f"{what}: expected an array of shape {expected.shape}, got {describe(got)}"
        if got.dtype == object:
            return f"{what}: expected an array of shape {expected.shape}, got a ragged list"
    elif isinstance(got, NUMBER) and not isinstance(got, bool):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        hint = " (did you forget to return it?)" if got is None else ""
        return f"{what}: expected an array of shape {expected.shape}, got {describe(got)}{hint}"
    if got.shape != expected.shape:
        note = ""
        try:
            np.broadcast_shapes(got.shape, expected.shape)
            note = " (it would broadcast, but the shape must be exact)"
        except ValueError:
            pass
        return f"{what}: expected shape {expected.shape}, got {got.shape}{note}"
    if expected.dtype.kind == "f" and got.dtype.kind not in "f":
        return f"{what}: expected floating-point numbers, got dtype {got.dtype}"
    if expected.dtype.kind in "iu" and got.dtype.kind not in "iuf":
        return f"{what}: expected whole numbers, got dtype {got.dtype}"
    if got.dtype.kind not in "biuf":
        return f"{what}: expected numbers, got dtype {got.dtype}"
    g = got.astype(np.float64)
    e = expected.astype(np.float64)
    if g.size == 0:
        return None
    bad_finite = ~np.isfinite(g) & np.isfinite(e)
    if bad_finite.any():
        idx = tuple(int(i) for i in np.argwhere(bad_finite)[0])
        count = int(bad_finite.sum())
        return (f"{what}: {count} entr{'y is' if count == 1 else 'ies are'} not finite, "
                f"first at {_where(idx)} ({g[idx]}; expected {e[idx]:.6g})")
    err = np.abs(g - e)
    err = np.where(np.isfinite(e), err, np.where(g == e, 0.0, np.inf))
    off = err > atol + rtol * np.abs(np.where(np.isfinite(e), e, 0.0))
    if not off.any():
        return None
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
    scale = np.abs(e[worst])
    rel = err[worst] / scale if scale else float("inf")
    return (f"{what}: {int(off.sum())} of {off.size} entries differ; the worst at "
            f"{_where(worst)}: got {g[worst]:.6g}, expected {e[worst]:.6g} (max absolute "
            f"error {float(err.max()):.2g}, relative {rel:.2g})")


def changed(before: Any, after: Any) -> bool:
    """Whether an argument was modified in place (arrays compared exactly, NaN-aware)."""
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and after.shape == before.shape
                    and np.array_equal(after, before, equal_nan=before.dtype.kind == "f"))
    if isinstance(before, Mapping):
        return not isinstance(after, Mapping) or set(after) != set(before) or any(
            changed(v, after[k]) for k, v in before.items())
    if isinstance(before, Sequence) and not isinstance(before, str):
        return not isinstance(after, Sequence) or len(after) != len(before) or any(
            changed(b, a) for b, a in zip(before, after, strict=True))
    return False
