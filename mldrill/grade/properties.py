"""Property checks: tests for functions whose output is random, so it cannot be compared
entry by entry with a reference (dropout). A check calls the student's functions through
`ctx.call` (each call runs in the sandbox) and raises `Failed` with a message that names the
likely bug. Checks register by name; an assignment's test says `property: NAME`.

The statistical checks use large inputs and 5-sigma bounds, so a correct implementation
fails with probability below 1e-6 for any seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from mldrill.grade.compare import Mismatch, MismatchKind, as_array, compare, describe
from mldrill.values import as_float

if TYPE_CHECKING:
    from mldrill.grade.sandbox.model import Arg, Returned
    from mldrill.values import Yaml


class Failed(Exception):
    """The submission does not have the property; the message says how. `reason` is
    "invalid-return" when a returned value is not even of the kind expected."""

    def __init__(self, message: str, reason: MismatchKind = "wrong") -> None:
        super().__init__(message)
        self.reason = reason


class CallOne(Protocol):
    """Call a student function in the sandbox: its decoded return value."""

    def __call__(self, function: str, *args: Arg) -> Returned: ...


class CallMany(Protocol):
    """Call several in one child, in order (a later call's args may hold a `Ref` to an
    earlier result): their decoded return values."""

    def __call__(self, steps: Sequence[tuple[str, tuple[Arg, ...]]]) -> list[Returned]: ...


@dataclass
class Context:
    inputs: Mapping[str, Arg]
    options: Mapping[str, Yaml]
    call: CallOne
    calls: CallMany

    def function(self, option: str, default: str) -> str:
        """The name of the student function an option names (`function: dropout_forward`)."""
        return str(self.options.get(option, default))


PROPERTIES: dict[str, Callable[[Context], None]] = {}


def register(name: str) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    def deco(fn: Callable[[Context], None]) -> Callable[[Context], None]:
        PROPERTIES[name] = fn
        return fn
    return deco


def _pair(value: Returned, function: str) -> tuple[Returned, Returned]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise Failed(f"{function} must return (out, cache), got {describe(value)}",
                     "invalid-return")
    return value[0], value[1]


def _floats(value: Returned, like: np.ndarray, what: str) -> np.ndarray:
    """A student's array validated against `like` (shape, dtype) as float64, else Failed."""
    arr = as_array(value, like, what)
    if isinstance(arr, Mismatch):
        raise Failed(arr.message, arr.kind)
    return arr


def _out(value: Returned, x: np.ndarray, function: str) -> np.ndarray:
    out, _ = _pair(value, function)
    return _floats(out, x, f"{function}: out")


@register("dropout-train")
def dropout_train(ctx: Context) -> None:
    """Inverted dropout in train mode: kept units are x / p, the fraction kept is p, the
    mean is preserved, the same seed gives the same mask, another seed another mask."""
    x = np.asarray(ctx.inputs["x"], dtype=np.float64)
    p = as_float(ctx.inputs["p"])
    fn = ctx.function("function", "dropout_forward")
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
    """Inverted dropout in test mode returns x unchanged, and train mode does not: a function
    that returns x whatever the mode (no dropout at all) earns nothing here."""
    x = np.asarray(ctx.inputs["x"], dtype=np.float64)
    p = as_float(ctx.inputs["p"])
    fn = ctx.function("function", "dropout_forward")
    out = _out(ctx.call(fn, x, {"mode": "test", "p": p}), x, fn)
    if not np.allclose(out, x, rtol=1e-12, atol=0):
        if np.allclose(out, x * p):
            raise Failed(f"{fn}: test mode returned x * p; with inverted dropout the "
                         "scaling happens in training, so test mode returns x")
        raise Failed(f"{fn}: test mode must return x unchanged")
    ones = _ones_for_dropping(x, p)
    if ones is None:
        return  # p = 1: train mode keeps every unit too
    train = _out(ctx.call(fn, ones, {"mode": "train", "p": p, "seed": 123}), ones, fn)
    if np.all(train != 0):
        raise Failed(f"{fn}: train mode dropped no unit of a {ones.shape[0]}x{ones.shape[1]} "
                     f"input with p = {p:g}; returning x is right only in test mode")


def _ones_for_dropping(x: np.ndarray, p: float) -> np.ndarray | None:
    """An input of ones so large that inverted dropout with keep probability p drops at
    least one unit except with probability below 1e-12 (None when p >= 1: it never drops)."""
    if not 0 < p < 1:
        return None
    units = min(10**6, max(100, math.ceil(math.log(1e-12) / math.log(p))))
    cols = int(x.shape[-1]) if x.ndim and x.shape[-1] else 1
    return np.ones((math.ceil(units / cols), cols))


@register("dropout-backward")
def dropout_backward(ctx: Context) -> None:
    """dropout_backward passes dout through the same mask (and scaling) as the forward pass
    that made its cache. The forward must really drop units, and keep the others scaled by
    one common factor (1/p when right), so the expected dx = dout * out / x is the gradient
    of a dropout: an identity forward with an identity backward earns nothing. (A forward
    with the wrong scale loses the forward test's points, not these too.)"""
    x = np.asarray(ctx.inputs["x"], dtype=np.float64)
    dout = np.asarray(ctx.inputs["dout"], dtype=np.float64)
    p = as_float(ctx.inputs["p"])
    fwd = ctx.function("forward", "dropout_forward")
    bwd = ctx.function("backward", "dropout_backward")
    from mldrill.grade.sandbox import Ref

    first, dx = ctx.calls([(fwd, (x, {"mode": "train", "p": p, "seed": 7})),
                           (bwd, (dout, Ref(0, (1,))))])
    out = _out(first, x, fwd)
    got = _floats(dx, x, f"{bwd}: dx")
    live = x != 0  # units whose mask the forward's output shows
    kept = live & (out != 0)
    if not (live & (out == 0)).any():
        raise Failed(f"{fwd} in train mode (p = {p:g}) dropped no unit, so {bwd} cannot be "
                     "checked against a mask: the backward of a dropout that drops nothing "
                     "earns no points")
    if not kept.any():
        raise Failed(f"{fwd} in train mode (p = {p:g}) dropped every unit, so {bwd} cannot "
                     "be checked against a mask")
    scale = out[kept] / x[kept]
    if not np.allclose(scale, scale[0], rtol=1e-6, atol=0) or scale[0] <= 0:
        raise Failed(f"{fwd} in train mode: the kept units are not x times one positive "
                     f"factor (1/p = {1 / p:.6g}), so {bwd} cannot be checked against its "
                     "mask")
    expected = np.where(live, dout * out / np.where(live, x, 1.0), got)
    msg = compare(got, expected, f"{bwd}: dx", rtol=1e-6, atol=1e-9)
    if msg:
        if np.allclose(got, dout * (out != 0)):
            raise Failed(f"{bwd}: dx = dout * mask must include the 1/p scaling of the "
                         "forward pass")
        if np.allclose(got, dout):
            raise Failed(f"{bwd}: dx = dout, but the units the forward pass dropped must "
                         "get no gradient (dx = dout * mask)")
        raise Failed(msg + " (dx should be dout times the forward pass's mask)")


@register("relu-backward-at-zero")
def relu_backward_at_zero(ctx: Context) -> None:
    """relu_backward through the student's own forward cache gives dx = dout * (x > 0): no
    gradient where x is exactly 0, as in CS231n. (A backward test cannot check this: finite
    differences at a kink give dout / 2, so its inputs keep away from 0.)"""
    x = np.asarray(ctx.inputs["x"], dtype=np.float64)
    dout = np.asarray(ctx.inputs["dout"], dtype=np.float64)
    fwd = ctx.function("forward", "relu_forward")
    bwd = ctx.function("backward", "relu_backward")
    from mldrill.grade.sandbox import Ref

    first, dx = ctx.calls([(fwd, (x,)), (bwd, (dout, Ref(0, (1,))))])
    _pair(first, fwd)
    got = _floats(dx, x, f"{bwd}: dx")
    expected = dout * (x > 0)
    msg = compare(got, expected, f"{bwd}: dx", rtol=1e-12, atol=0)
    if msg:
        away = x != 0
        if np.array_equal(got[away], expected[away]):
            raise Failed(f"{bwd}: where x is exactly 0 the gradient must be 0 (dx = dout * "
                         "(x > 0)), as in CS231n; yours passes dout through there")
        raise Failed(msg + " (dx should be dout * (x > 0))")
