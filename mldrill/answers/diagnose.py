"""Generic diagnoses: what a wrong number or array most likely is.

These run after a problem's own mistakes catalogue and say, when it is so, that an answer
is the right one transposed, with its sign flipped, off by a constant factor (and which),
off by one, or missing a 1/N where N is one of the problem's parameters.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mldrill.answers.base import Finding
from mldrill.bank.model import Tolerance

_NAMED_FACTORS = {2.0: "2", 0.5: "1/2", 4.0: "4", 0.25: "1/4", 3.0: "3", 1 / 3: "1/3"}


def _allclose(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> bool:
    """Every entry within the tolerance; with `sigfigs`, an entry also agrees when it is
    the right value rounded to that many significant figures (as a number part)."""
    if a.shape != b.shape:
        return False
    diff = np.abs(a - b)
    close = (diff <= tol.abs) | (diff <= tol.rel * np.abs(b))
    if tol.sigfigs and not close.all():
        from mldrill.answers.number import same_rounding

        close = close | np.array([same_rounding(float(x), float(y), tol.sigfigs)
                                  if np.isfinite(x) and np.isfinite(y) else x == y
                                  for x, y in zip(a.ravel(), b.ravel(), strict=True)],
                                 dtype=bool).reshape(close.shape)
    return bool(np.all(close))


def factor_finding(value: np.ndarray, target: np.ndarray, tol: Tolerance,
                   int_params: Mapping[str, int], named_only: bool = False) -> Finding | None:
    """value == k * target for a constant k (named when it is a parameter).
    named_only: only a parameter or a small known factor counts (for a single number,
    which is always *some* multiple of the target)."""
    nz = np.abs(target) > 1e-12
    if not nz.any() or np.any(np.abs(value[~nz]) > tol.abs + 1e-12):
        return None
    ratios = value[nz] / target[nz]
    k = float(np.median(ratios))
    if not np.isfinite(k) or abs(k) < 1e-12 or _close_scalar(k, 1.0, tol):
        return None
    if not _allclose(value, k * target, tol):
        return None
    if _close_scalar(k, -1.0, tol):
        return Finding("sign", "the sign is flipped: your answer is the negative of the "
                               "right one")
    for name, n in int_params.items():
        if _close_scalar(k, float(n), tol):
            return Finding("missing-1/N", f"your answer is {n} times too large: did you "
                                          f"forget to divide by {name} = {n}?")
        if _close_scalar(k, 1.0 / n, tol):
            return Finding("extra-1/N", f"your answer is {n} times too small: did you "
                                        f"divide by {name} = {n} once too often?")
    for known, label in _NAMED_FACTORS.items():
        if _close_scalar(abs(k), known, tol):
            sign = "-" if k < 0 else ""
            return Finding("factor", f"off by a constant factor: your answer is {sign}{label} "
                                     "times the right one")
    if named_only:
        return None
    return Finding("factor", f"off by a constant factor: your answer is {k:.4g} times the "
                             "right one")


def _close_scalar(a: float, b: float, tol: Tolerance) -> bool:
    return abs(a - b) <= max(tol.abs, tol.rel * abs(b), 1e-9)


def scalar_finding(value: float, target: float, tol: Tolerance,
                   int_params: Mapping[str, int], integer: bool = False) -> Finding | None:
    v, t = np.array([value], dtype=float), np.array([target], dtype=float)
    if t[0] != 0 and _close_scalar(value, -target, tol):
        return Finding("sign", "the sign is flipped: your answer is the negative of the "
                               "right one")
    if _close_scalar(abs(value - target), 1.0, Tolerance(rel=1e-9, abs=1e-9)):
        more = "one more" if value > target else "one less"
        return Finding("off-by-one", f"off by one: your answer is {more} than the right one")
    if target not in (0, 1, -1) and value != 0 and _close_scalar(value, 1.0 / target, tol):
        return Finding("reciprocal", "your answer is the reciprocal (1/x) of the right one")
    found = factor_finding(v, t, tol, int_params, named_only=True)
    if found:
        return found
    if not integer and target != 0 and abs(value - target) <= 0.02 * abs(target):
        return Finding("close", "close, but not within the tolerance: check your rounding "
                                "and the last step")
    return None


def array_finding(value: np.ndarray, target: np.ndarray, tol: Tolerance,
                  int_params: Mapping[str, int]) -> Finding | None:
    """For arrays of the same shape."""
    if target.ndim == 2 and target.shape[0] == target.shape[1] and target.shape[0] > 1:
        if _allclose(value, target.T, tol) and not _allclose(target, target.T, tol):
            return Finding("transposed", "your matrix is the transpose of the right one")
    found = factor_finding(value, target, tol, int_params)
    if found:
        return found
    diff = value - target
    if diff.size > 1 and np.allclose(diff, diff.flat[0], atol=tol.abs + 1e-9) and \
            abs(diff.flat[0]) > tol.abs:
        c = float(diff.flat[0])
        if abs(abs(c) - 1) < 1e-9:
            return Finding("off-by-one", f"every entry is off by {c:+g}")
        return Finding("shifted", f"every entry is off by the same amount ({c:+.4g}): a "
                                  "missing or extra bias/constant?")
    return None


def wrong_entries(value: np.ndarray, target: np.ndarray, tol: Tolerance, limit: int = 6
                  ) -> list[str]:
    """'right shape, wrong entries' with where they are (1-based row, column)."""
    diff = np.abs(value - target)
    bad = ~((diff <= tol.abs) | (diff <= tol.rel * np.abs(target)))
    idx = np.argwhere(bad)
    if not len(idx):
        return []
    total = value.size
    where = []
    for pos in idx[:limit]:
        label = ", ".join(str(int(i) + 1) for i in pos)
        where.append(f"({label})")
    more = f" and {len(idx) - limit} more" if len(idx) > limit else ""
    counted = "row, column counted from 1" if value.ndim == 2 else "counted from 1"
    return [f"right shape; {len(idx)} of {total} entries wrong, at {', '.join(where)}{more} "
            f"({counted})"]
