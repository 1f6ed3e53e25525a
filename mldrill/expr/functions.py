"""The functions an expression may call: a registry, with who may call what.

Students get mathematics (exp, log, sqrt, sigma, inv, trace, ...). References written by
instructors also get NumPy helpers, the reference implementations in `solutions/` and
`diff`. Each function names its NumPy implementation and, where it has one, how to build
it in sympy (sympy is imported lazily, only when a symbolic check runs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn, SupportsInt, TypeAlias

import numpy as np

from mldrill.record import record

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from mldrill.values import Function as Numeric
    from mldrill.values import SympyExpr, Value

# (the sympy module, *sympy arguments) -> a sympy expression
SympyBuilder: TypeAlias = "Callable[..., SympyExpr]"


@record(frozen=True)
class Function:
    name: str
    numeric: Numeric
    sympy: SympyBuilder | None = None
    student: bool = True  # may appear in answers
    doc: str = ""


REGISTRY: dict[str, Function] = {}


def register(name: str, numeric: Numeric, sympy: SympyBuilder | None = None,
             *, student: bool = True, aliases: tuple[str, ...] = (), doc: str = "") -> None:
    for key in (name, *aliases):
        REGISTRY[key] = Function(key, numeric, sympy, student, doc)


def _ufunc(f: np.ufunc) -> Numeric:
    """`f` with exactly its inputs: NumPy takes a further positional argument as `out`,
    so exp(x, A) would write into A (a variant's cached matrix) and corrupt later checks."""

    def call(*args: Value) -> Value:
        if len(args) != f.nin:
            raise TypeError(f"takes {f.nin} argument{'s' if f.nin > 1 else ''}, "
                            f"got {len(args)}")
        return f(*args)

    call.__name__ = f.__name__
    return call


def _extremum(f: np.ufunc, reduce: Numeric) -> Numeric:
    """max(x) is the largest entry; max(a, b, ...) is elementwise (never NumPy's `out`)."""

    def call(*args: Value) -> Value:
        if not args:
            raise TypeError("needs at least one argument")
        if len(args) == 1:
            return reduce(args[0])
        result = args[0]
        for a in args[1:]:
            result = f(result, a)
        return result

    return call


def _sigmoid(z: ArrayLike) -> Value:
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out[()] if out.ndim == 0 else out


def _softplus(z: ArrayLike) -> Value:
    return np.logaddexp(0.0, z)


def _step(z: ArrayLike) -> Value:
    return np.where(np.asarray(z) > 0, 1.0, 0.0)[()]


def _sum(x: ArrayLike, axis: SupportsInt | None = None) -> Value:
    return np.sum(x, axis=None if axis is None else int(axis))


def _mean(x: ArrayLike, axis: SupportsInt | None = None) -> Value:
    return np.mean(np.asarray(x), axis=None if axis is None else int(axis))


def _logdet(k: ArrayLike) -> Value:
    sign, value = np.linalg.slogdet(np.asarray(k))
    return value if sign > 0 else float("nan")


def _log_base(x: ArrayLike, base: ArrayLike | None = None) -> Value:
    return np.log(x) if base is None else np.log(x) / np.log(base)


def _sympy_log(sp: ModuleType, x: SympyExpr, base: SympyExpr | None = None) -> SympyExpr:
    return sp.log(x) if base is None else sp.log(x, base)


def _inv(a: ArrayLike) -> Value:
    """The inverse of a matrix; of a number, its reciprocal (λ⁻¹ in a matrix answer)."""
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 0:
        return 1.0 / arr[()]
    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and arr.size and \
            np.linalg.cond(arr) > 1e12:
        # numerically singular: LAPACK may still return huge numbers instead of failing
        raise np.linalg.LinAlgError("Singular matrix")
    return np.linalg.inv(arr)


def _relu(z: ArrayLike) -> Value:
    return np.maximum(z, 0)


# --- scalar mathematics (students and references) -------------------------------------
register("exp", _ufunc(np.exp), lambda sp, x: sp.exp(x))
register("log", _log_base, _sympy_log, aliases=("ln",), doc="natural logarithm")
register("log2", _ufunc(np.log2), lambda sp, x: sp.log(x, 2))
register("log10", _ufunc(np.log10), lambda sp, x: sp.log(x, 10))
register("sqrt", _ufunc(np.sqrt), lambda sp, x: sp.sqrt(x))
register("abs", _ufunc(np.abs), lambda sp, x: sp.Abs(x))
register("sin", _ufunc(np.sin), lambda sp, x: sp.sin(x))
register("cos", _ufunc(np.cos), lambda sp, x: sp.cos(x))
register("tan", _ufunc(np.tan), lambda sp, x: sp.tan(x))
register("sinh", _ufunc(np.sinh), lambda sp, x: sp.sinh(x))
register("cosh", _ufunc(np.cosh), lambda sp, x: sp.cosh(x))
register("tanh", _ufunc(np.tanh), lambda sp, x: sp.tanh(x))
register("sigma", _sigmoid, lambda sp, x: 1 / (1 + sp.exp(-x)), aliases=("sigmoid",),
         doc="logistic sigmoid 1/(1+exp(-z))")
register("softplus", _softplus, lambda sp, x: sp.log(1 + sp.exp(x)))
register("relu", _relu, lambda sp, x: sp.Max(x, 0))
register("step", _step, lambda sp, x: sp.Heaviside(x, 0), aliases=("heaviside",),
         doc="1 where z > 0, else 0")
register("max", _extremum(np.maximum, np.max), lambda sp, *a: sp.Max(*a))
register("min", _extremum(np.minimum, np.min), lambda sp, *a: sp.Min(*a))
register("sign", _ufunc(np.sign), lambda sp, x: sp.sign(x))
register("floor", _ufunc(np.floor), lambda sp, x: sp.floor(x))
register("ceil", _ufunc(np.ceil), lambda sp, x: sp.ceiling(x))

# --- matrices (students and references) -----------------------------------------------
register("inv", _inv)
register("det", np.linalg.det)
register("logdet", _logdet, doc="log of the determinant (of a positive-definite matrix)")
register("trace", lambda a, offset=0: np.trace(a, offset), aliases=("tr",))
register("transpose", np.transpose)
register("sum", _sum)
register("mean", _mean)
register("diag", np.diag)
register("outer", lambda a, b: np.outer(a, b))
register("dot", lambda a, b: np.dot(a, b))
register("kron", np.kron)
# NumPy's names, as students write them (np.maximum(z, 0), np.where(z > 0, 1, 0))
register("maximum", np.maximum, lambda sp, a, b: sp.Max(a, b))
register("minimum", np.minimum, lambda sp, a, b: sp.Min(a, b))
register("where", np.where, lambda sp, c, a, b: sp.Piecewise((a, c), (b, True)))
register("matmul", np.matmul)
register("norm", np.linalg.norm)

def _text(x: Value) -> str:
    """str() for templates: whole floats without '.0', arrays as lists."""
    if isinstance(x, np.ndarray):
        return str(x.tolist())
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))
    return str(x.item() if isinstance(x, np.generic) else x)


# --- references only ---------------------------------------------------------------------
_REFERENCE_ONLY: dict[str, Numeric] = {
    "array": np.array, "zeros": np.zeros, "ones": np.ones, "eye": np.eye,
    "arange": np.arange, "full": np.full, "reshape": np.reshape, "flip": np.flip,
    "stack": np.stack, "hstack": np.hstack, "vstack": np.vstack,
    "concatenate": np.concatenate, "var": np.var, "std": np.std, "prod": np.prod,
    "argmax": np.argmax, "argmin": np.argmin, "cumsum": np.cumsum, "cumprod": np.cumprod,
    "sort": np.sort,
    "unique": np.unique, "count_nonzero": np.count_nonzero, "clip": np.clip,
    "solve": np.linalg.solve, "matrix_rank": np.linalg.matrix_rank,
    "eigvalsh": np.linalg.eigvalsh, "cond": np.linalg.cond, "allclose": np.allclose,
    "isclose": np.isclose, "round": np.round, "shape": np.shape, "size": np.size,
    "len": len, "int": int, "float": float, "bool": bool, "str": _text,
    "all": np.all, "any": np.any,
    "comb": math.comb, "factorial": math.factorial, "gcd": math.gcd,
    "range": lambda *a: list(range(*a)), "list": list, "tuple": tuple,
    "onehot": lambda y, k: np.eye(int(k))[np.asarray(y, dtype=int)],
}
for _name, _fn in _REFERENCE_ONLY.items():
    register(_name, _fn, student=False)


def _needs_sympy(*args: Value) -> NoReturn:
    raise ValueError("diff(...) is worked out symbolically and only works in the answer of "
                     "an 'expression' part")


register("diff", _needs_sympy, student=False,
         doc="diff(f, x): derivative of f with respect to x (references of expression parts)")


def student_functions() -> dict[str, Function]:
    return {k: f for k, f in REGISTRY.items() if f.student}


SCALAR_STUDENT = frozenset(
    k for k in REGISTRY
    if REGISTRY[k].student and REGISTRY[k].sympy is not None
)
MATRIX_STUDENT = frozenset(k for k in REGISTRY if REGISTRY[k].student)

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "inf": math.inf}

# Calls a student may not make, with the reason shown to them.
FORBIDDEN_IN_ANSWERS = {
    "diff": "diff(...) is not allowed in an answer: work out the derivative yourself",
    "integrate": "integrate(...) is not allowed in an answer",
    "solve": "solve(...) is not allowed in an answer",
}
