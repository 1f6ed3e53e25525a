"""Independent verification of reference answers: a registry of methods.

`mldrill validate` runs each family's `verify:` entries for every seed. A method confirms
a part's reference by another route, so an error in the reference expression shows up:

- `equal`: a second, independent computation (`expr`) must agree with the reference
  (an explicit-loop convolution, a brute-force count, another formula).
- `finite_difference`: the reference is the derivative of `function` with respect to
  `wrt`; central differences of `function` must agree with it. Works for numeric parts
  (at the variant's parameter values), scalar expressions (at random points in the
  declared domains) and matrix expressions (at random matrices of the declared shapes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mldrill.answers.base import KINDS, Context
from mldrill.bank.model import PartSpec, Verification
from mldrill.expr.evaluate import evaluate
from mldrill.expr.functions import CONSTANTS
from mldrill.expr.parse import parse_reference
from mldrill.values import array_like, as_float

if TYPE_CHECKING:
    from mldrill.values import Value, Yaml

Runner = Callable[[Verification, PartSpec, Context], list[str]]
FloatArray: TypeAlias = NDArray[np.float64]
# (the verification's YAML mapping, the names it may use) -> (option, message) problems
OptionCheck = Callable[[Mapping[str, "Yaml"], set[str]], list[tuple[str, str]]]


@dataclass(frozen=True)
class Method:
    name: str
    options: dict[str, tuple[bool, bool]]  # option -> (required, is an expression)
    run: Runner
    check: OptionCheck
    doc: str
    kinds: frozenset[str] | None = None  # the answer kinds it can verify (None: all)


METHODS: dict[str, Method] = {}


def method(name: str, options: dict[str, tuple[bool, bool]],
           check: OptionCheck | None = None,
           kinds: Iterable[str] | None = None) -> Callable[[Runner], Runner]:
    """Register a verification method (its options: name -> (required, is an expression))."""
    def deco(fn: Runner) -> Runner:
        METHODS[name] = Method(name, options, fn, check or (lambda item, names: []),
                               (fn.__doc__ or "").strip(),
                               frozenset(kinds) if kinds is not None else None)
        return fn

    return deco


def _describe(x: ArrayLike) -> str:
    a = np.asarray(x)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return np.array2string(a, precision=5, suppress_small=True).replace("\n", " ")


@method("equal", {"expr": (True, True)})
def _equal(v: Verification, part: PartSpec, ctx: Context) -> list[str]:
    """A second computation must give the same answer."""
    kind = KINDS[part.kind]
    target = kind.target(part.answer, part, ctx)
    other = kind.target(str(v.options["expr"]), part, ctx)
    if kind.agree(other, target, part, ctx):
        return []
    return [f"reference '{part.answer}' and independent '{v.options['expr']}' disagree"]


def _check_fd(item: Mapping[str, Yaml], names: set[str]) -> list[tuple[str, str]]:
    out = []
    wrt = item.get("wrt")
    if wrt is not None and str(wrt) not in names:
        out.append(("wrt", f"'{wrt}' is not a parameter or declared variable"))
    layout = item.get("layout", "denominator")
    if layout not in ("denominator", "numerator"):
        out.append(("layout", "layout must be 'denominator' or 'numerator'"))
    return out


@overload
def numerical_gradient(f: Callable[[float], ArrayLike], x: float, h: float = ...) -> float: ...


@overload
def numerical_gradient(f: Callable[[FloatArray], ArrayLike], x: ArrayLike, h: float = ...
                       ) -> FloatArray | float: ...


def numerical_gradient(f: Callable[..., ArrayLike], x: ArrayLike, h: float = 1e-6
                       ) -> FloatArray | float:
    """Central differences of the scalar `f` at `x`: mldrill's one numerical gradient.

    `grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)` for every entry of `x`. A number
    (or 0-d array) `x` gives a float and `f` is called with floats; an array `x` gives a
    float array of its shape and `f` gets a fresh float copy each call (`x` is never
    modified). `f` returns a number or a one-element array. `validate`'s
    `finite_difference`, the grader's check of reference gradients and the tests of the
    reference solutions all use this one.
    """
    if np.ndim(x) == 0:
        at = float(np.asarray(x))
        return (float(np.asarray(f(at + h))) - float(np.asarray(f(at - h)))) / (2 * h)
    point = np.array(x, dtype=float)
    grad = np.zeros_like(point)
    for idx in np.ndindex(point.shape):
        old = point[idx]
        point[idx] = old + h
        up = float(np.asarray(f(point.copy())).reshape(()))
        point[idx] = old - h
        down = float(np.asarray(f(point.copy())).reshape(()))
        point[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad


@method("finite_difference",
        {"function": (True, True), "wrt": (True, False), "layout": (False, False),
         "step": (False, False), "tolerance": (False, False)},
        check=_check_fd,
        kinds=("number", "vector", "matrix", "expression", "matrix_expression"))
def _finite_difference(v: Verification, part: PartSpec, ctx: Context) -> list[str]:
    """The reference must match central differences of `function` w.r.t. `wrt`."""
    fn = parse_reference(str(v.options["function"]))
    wrt = str(v.options["wrt"])
    h = as_float(v.options.get("step", 1e-6))
    rtol = as_float(v.options.get("tolerance", 1e-4))
    numerator = v.options.get("layout", "denominator") == "numerator"
    kind = part.kind

    def check(env: dict[str, Value], reference: ArrayLike, where: str) -> list[str]:
        def f(x: FloatArray) -> ArrayLike:
            return array_like(evaluate(fn, {**CONSTANTS, **env, wrt: x}, ctx.functions,
                                       exact_ints=True))

        fd = np.asarray(numerical_gradient(f, array_like(env[wrt]), h), dtype=float)
        if numerator:
            fd = fd.T
        ref = np.asarray(reference, dtype=float)
        if ref.shape != fd.shape and ref.size == fd.size and ref.ndim <= 1:
            fd = fd.reshape(ref.shape)
        if ref.shape != fd.shape:
            return [f"{where}: reference has shape {ref.shape}, the gradient of the function "
                    f"w.r.t. {wrt} has shape {fd.shape}"]
        scale = max(1.0, float(np.max(np.abs(ref))) if ref.size else 1.0)
        if not np.allclose(ref, fd, rtol=rtol, atol=rtol * scale):
            return [f"{where}: reference {_describe(ref)} but finite differences give "
                    f"{_describe(fd)}"]
        return []

    if kind in ("number", "vector", "matrix"):
        target = KINDS[kind].target(part.answer, part, ctx)
        env = dict(ctx.params)
        at = env[wrt]
        env[wrt] = np.asarray(array_like(at), dtype=float) if np.ndim(array_like(at)) \
            else as_float(at)
        return check(env, target, "at this variant")
    if kind == "expression":
        from mldrill.answers.expression import sample_points

        target = KINDS[kind].target(part.answer, part, ctx)
        pts = sample_points(part, ctx)
        errors: list[str] = []
        scalars = {k: x for k, x in ctx.params.items() if np.ndim(array_like(x)) == 0}
        for i in range(len(next(iter(pts.values())))):
            env = {**scalars, **{k: float(x[i]) for k, x in pts.items()}}
            if not np.isfinite(target.values[i]):
                continue
            errors += check(env, target.values[i], "at " + ", ".join(
                f"{k}={env[k]:.3g}" for k in pts))
            if errors:
                break
        return errors
    if kind == "matrix_expression":
        from mldrill.answers.matrix_expression import instances

        target = KINDS[kind].target(part.answer, part, ctx)
        scalars = {k: x for k, x in ctx.params.items() if np.ndim(array_like(x)) == 0}
        for t, (inst, ref) in enumerate(zip(instances(part, ctx), target.values, strict=True)):
            errors = check({**scalars, **inst}, ref, f"trial {t + 1}")
            if errors:
                return errors
        return []
    return [f"finite_difference cannot verify a '{kind}' part"]
