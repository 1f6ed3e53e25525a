"""Property checks: tests for functions whose output is random, so it cannot be compared
entry by entry with a reference (dropout). A check calls the student's functions through
`ctx.call` (each call runs in the sandbox) and raises `Failed` with a message that names the
likely bug. Checks register by name; an assignment's test says `property: NAME`.

The statistical checks use large inputs and 5-sigma bounds, so a correct implementation
fails with probability below 1e-6 for any seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mldrill.grade.compare import Mismatch, MismatchKind, as_array, compare, describe


class Failed(Exception):
    """The submission does not have the property; the message says how. `reason` is
    "invalid-return" when a returned value is not even of the kind expected."""

    def __init__(self, message: str, reason: MismatchKind = "wrong") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Context:
    inputs: Mapping[str, Any]
    options: Mapping[str, Any]
    call: Callable[..., Any]      # call(function, *args) -> the decoded return value
    calls: Callable[..., list[Any]]  # calls([(function, args), ...]) in one child, with Refs


PROPERTIES: dict[str, Callable[[Context], None]] = {}


def register(name: str) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    def deco(fn: Callable[[Context], None]) -> Callable[[Context], None]:
        PROPERTIES[name] = fn
        return fn
    return deco


def _pair(value: Any, function: str) -> tuple[Any, Any]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise Failed(f"{function} must return (out, cache), got {describe(value)}",
                     "invalid-return")
    return value[0], value[1]


def _floats(value: Any, like: np.ndarray, what: str) -> np.ndarray:
    """A student's array validated against `like` (shape, dtype) as float64, else Failed."""
    arr = as_array(value, like, what)
    if isinstance(arr, Mismatch):
        raise Failed(arr.message, arr.kind)
    return arr


def _out(value: Any, x: np.ndarray, function: str) -> np.ndarray:
    out, _ = _pair(value, function)
    return _floats(out, x, f"{function}: out")


@register("dropout-train")
def dropout_train(ctx: Context) -> None:
    """Inverted dropout in train mode: kept units are x / p, the fraction kept is p, the
    mean is preserved, the same seed gives the same mask, another seed another mask."""
    x = np.asarray(ctx.inputs["x"], dtype=np.float64)
    p = float(ctx.inputs["p"])
    fn = ctx.options.get("function", "dropout_forward")
    out = _out(ctx.call(fn, x, {"mode": "train", "p": p, "seed": 123}), x, fn)
    kept = out != 0
    if np.allclose(out, x):
        raise Failed(f"{fn} in train mode returned x unchanged: no unit was dropped")
    n = x.size
    frac = kept.mean()
    sigma = np.sqrt(p * (1 - p) / n)
    if abs(frac - (1 - p)) <= 5 * sigma and abs(frac - p) > 5 * sigma:
        raise Failed(f"{fn}: kept {frac:.1%} of units, about 1 - p; p = {p:g} is the "
                     "probability of KEEPING a unit (mask = rand < p), not of dropping it")
    if kept.any() and not np.allclose(out[kept], x[kept] / p, rtol=1e-6, atol=1e-9):
        if np.allclose(out[kept], x[kept], rtol=1e-6):
            raise Failed(f"{fn}: kept units equal x, but inverted dropout scales them to "
                         f"x / p (p = {p:g} is the probability of keeping a unit)")
        if np.allclose(out[kept], x[kept] * p, rtol=1e-6):
            raise Failed(f"{fn}: kept units are x * p; inverted dropout divides by p in "
                         f"training (and leaves test mode alone)")
        raise Failed(f"{fn}: kept units should be x / p (p = {p:g}); some are neither 0 "
                     f"nor x / p")
    if abs(frac - p) > 5 * sigma + 1e-12:
        flipped = " (is p the probability of keeping? it looks like dropping)" \
            if abs(frac - (1 - p)) <= 5 * sigma else ""
        raise Failed(f"{fn}: kept {frac:.1%} of units, expected about {p:.0%} "
                     f"(p = {p:g} is the keep probability){flipped}")
    again = _out(ctx.call(fn, x, {"mode": "train", "p": p, "seed": 123}), x, fn)
    if not np.array_equal(again, out):
        raise Failed(f"{fn}: the same dropout_param['seed'] gave different masks; seed "
                     "numpy's generator with it (np.random.seed) when it is given")
    other = _out(ctx.call(fn, x, {"mode": "train", "p": p, "seed": 321}), x, fn)
    if np.array_equal(other, out):
        raise Failed(f"{fn}: different seeds gave the same mask")


@register("dropout-test")
def dropout_test(ctx: Context) -> None:
    """Inverted dropout in test mode returns x unchanged."""
    x = np.asarray(ctx.inputs["x"], dtype=np.float64)
    p = float(ctx.inputs["p"])
    fn = ctx.options.get("function", "dropout_forward")
    out = _out(ctx.call(fn, x, {"mode": "test", "p": p}), x, fn)
    if not np.allclose(out, x, rtol=1e-12, atol=0):
        if np.allclose(out, x * p):
            raise Failed(f"{fn}: test mode returned x * p; with inverted dropout the "
                         "scaling happens in training, so test mode returns x")
        raise Failed(f"{fn}: test mode must return x unchanged")


@register("dropout-backward")
def dropout_backward(ctx: Context) -> None:
    """dropout_backward passes dout through the same mask (and 1/p scaling) as forward."""
    x = np.asarray(ctx.inputs["x"], dtype=np.float64)
    dout = np.asarray(ctx.inputs["dout"], dtype=np.float64)
    p = float(ctx.inputs["p"])
    fwd = ctx.options.get("forward", "dropout_forward")
    bwd = ctx.options.get("backward", "dropout_backward")
    from mldrill.grade.sandbox import Ref

    first, dx = ctx.calls([(fwd, (x, {"mode": "train", "p": p, "seed": 7})),
                           (bwd, (dout, Ref(0, (1,))))])
    out = _out(first, x, fwd)
    dx = _floats(dx, x, f"{bwd}: dx")
    expected = dout * out / x
    msg = compare(dx, expected, f"{bwd}: dx", rtol=1e-6, atol=1e-9)
    if msg:
        if np.allclose(dx, dout * (out != 0)):
            raise Failed(f"{bwd}: dx = dout * mask must include the 1/p scaling of the "
                         "forward pass")
        raise Failed(msg + " (dx should be dout times the forward pass's mask)")
