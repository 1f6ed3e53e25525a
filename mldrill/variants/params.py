"""Parameter types: how each kind of random parameter is drawn. A registry by name.

A parameter in YAML is `name: {type: T, ...options}`. Option values may be numbers or
expressions over parameters drawn before it (`high: "n - 1"`, `shape: [n, m]`). Values are
chosen to be worked by hand: small integers, matrices that are invertible with a small
determinant, decimals with few digits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeAlias, cast

import numpy as np

from mldrill.record import record
from mldrill.values import as_float
from mldrill.variants.rng import VariantRNG

if TYPE_CHECKING:
    from mldrill.values import Value

# An option of the parameter being drawn, by name: its value (an expression option already
# evaluated over the parameters drawn before), or None when the YAML does not give it.
GetOption: TypeAlias = "Callable[[str], Value]"
Sampler: TypeAlias = "Callable[[VariantRNG, GetOption], Value]"


class ParamError(Exception):
    """A parameter cannot be drawn with these options (reported against the YAML)."""


@record(frozen=True)
class Option:
    required: bool = False
    expr: bool = True  # may be an expression over earlier parameters
    doc: str = ""


@record(frozen=True)
class ParamType:
    name: str
    options: dict[str, Option]
    sample: Sampler
    doc: str


PARAM_TYPES: dict[str, ParamType] = {}


def param_type(name: str, doc: str, **options: Option) -> Callable[[Sampler], Sampler]:
    def deco(fn: Sampler) -> Sampler:
        PARAM_TYPES[name] = ParamType(name, options, fn, doc)
        return fn

    return deco


def _int(v: Value, what: str) -> int:
    if isinstance(v, (bool, np.bool_)):
        raise ParamError(f"{what} must be an integer, not {v!r}")
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    raise ParamError(f"{what} must be an integer, got {v!r}")


def _shape(get: GetOption) -> tuple[int, ...]:
    shape = get("shape")
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    if not isinstance(shape, (list, tuple)) or not shape:
        raise ParamError("shape must be a list of sizes such as [2, 3]")
    dims = tuple(_int(d, "each size in shape") for d in shape)
    if any(d < 1 or d > 64 for d in dims):
        raise ParamError(f"shape {list(dims)} has a size outside 1..64")
    return dims


def _range(get: GetOption, default: tuple[int, int]) -> tuple[int, int]:
    low = _int(get("low") if get("low") is not None else default[0], "low")
    high = _int(get("high") if get("high") is not None else default[1], "high")
    if high < low:
        raise ParamError(f"low ({low}) is greater than high ({high})")
    return low, high


@param_type("int", "a whole number in [low, high] (both included)",
            low=Option(True), high=Option(True), exclude=Option(doc="values to avoid"))
def _sample_int(rng: VariantRNG, get: GetOption) -> int:
    low, high = _range(get, (0, 0))
    exclude = set(cast("Iterable[Value]", get("exclude") or []))  # a list (or an array)
    allowed = [v for v in range(low, high + 1) if v not in exclude] if high - low < 10_000 else []
    if high - low < 10_000:
        if not allowed:
            raise ParamError(f"every value in [{low}, {high}] is excluded")
        return rng.choice(allowed)
    return rng.integer(low, high)


@param_type("real", "a decimal in [low, high], rounded to `decimals` places (default 2)",
            low=Option(True), high=Option(True), decimals=Option(expr=False))
def _sample_real(rng: VariantRNG, get: GetOption) -> float:
    low, high = as_float(get("low")), as_float(get("high"))
    if high < low:
        raise ParamError(f"low ({low}) is greater than high ({high})")
    decimals = _int(get("decimals") if get("decimals") is not None else 2, "decimals")
    return round(rng.uniform(low, high), decimals)


@param_type("choice", "one of `values` (numbers, text, lists; taken literally)",
            values=Option(True, expr=False))
def _sample_choice(rng: VariantRNG, get: GetOption) -> Value:
    values = get("values")
    if not isinstance(values, (list, tuple)) or not values:
        raise ParamError("values must be a non-empty list")
    v = rng.choice(list(values))
    return np.array(v) if isinstance(v, list) and v and not isinstance(v[0], dict) else v


@param_type("int_vector", "a 1-D array of `length` whole numbers in [low, high]",
            length=Option(True), low=Option(True), high=Option(True),
            nonzero=Option(expr=False, doc="no zero entries"))
def _sample_int_vector(rng: VariantRNG, get: GetOption) -> np.ndarray:
    length = _int(get("length"), "length")
    if not 1 <= length <= 4096:
        raise ParamError(f"length {length} is outside 1..4096")
    low, high = _range(get, (0, 9))
    return _ints(rng, low, high, (length,), bool(get("nonzero")))


def _ints(rng: VariantRNG, low: int, high: int, shape: tuple[int, ...], nonzero: bool
          ) -> np.ndarray:
    if nonzero:
        values = [v for v in range(low, high + 1) if v != 0]
        if not values:
            raise ParamError("nonzero: the range holds only 0")
        size = int(np.prod(shape))
        return np.array([rng.choice(values) for _ in range(size)], dtype=np.int64).reshape(shape)
    return rng.integers(low, high, shape)


@param_type("int_matrix",
            "a matrix of whole numbers in [low, high]; `symmetric`, `invertible` (a nonzero "
            "determinant of at most `max_det` in size) are optional",
            shape=Option(True), low=Option(True), high=Option(True),
            symmetric=Option(expr=False), invertible=Option(expr=False),
            max_det=Option(), nonzero=Option(expr=False))
def _sample_int_matrix(rng: VariantRNG, get: GetOption) -> np.ndarray:
    shape = _shape(get)
    low, high = _range(get, (0, 9))
    symmetric, invertible = bool(get("symmetric")), bool(get("invertible"))
    if (symmetric or invertible) and (len(shape) != 2 or shape[0] != shape[1]):
        raise ParamError("symmetric and invertible need a square shape")
    max_det = get("max_det")
    for _ in range(200):
        m = _ints(rng, low, high, shape, bool(get("nonzero")))
        if symmetric:
            m = np.triu(m) + np.triu(m, 1).T
        if invertible:
            det = round(float(np.linalg.det(m)))
            if det == 0 or (max_det is not None and abs(det) > _int(max_det, "max_det")):
                continue
        return m
    raise ParamError("could not draw an invertible matrix with these options in 200 tries; "
                     "widen [low, high] or raise max_det")


@param_type("real_matrix", "a matrix of decimals in [low, high] with `decimals` places",
            shape=Option(True), low=Option(True), high=Option(True),
            decimals=Option(expr=False))
def _sample_real_matrix(rng: VariantRNG, get: GetOption) -> np.ndarray:
    shape = _shape(get)
    low, high = as_float(get("low")), as_float(get("high"))
    decimals = _int(get("decimals") if get("decimals") is not None else 1, "decimals")
    return np.round(rng.uniforms(low, high, shape), decimals)


@param_type("spd_matrix",
            "a symmetric positive-definite integer matrix B^T B + I with B in [low, high]",
            size=Option(True), low=Option(), high=Option())
def _sample_spd(rng: VariantRNG, get: GetOption) -> np.ndarray:
    size = _int(get("size"), "size")
    if not 1 <= size <= 16:
        raise ParamError(f"size {size} is outside 1..16")
    low, high = _range(get, (-2, 2))
    b = rng.integers(low, high, (size, size))
    return b.T @ b + np.eye(size, dtype=np.int64)


@param_type("derived", "a value computed from earlier parameters by `expr`",
            expr=Option(True, expr=False))
def _sample_derived(rng: VariantRNG, get: GetOption) -> Value:
    return get("=expr")  # evaluated by the generator, which knows the namespace
