"""Drawing a test's inputs: sizes first, then arrays, labels and plain values.

Everything comes from one `numpy.random.Generator` seeded from (grading seed, assignment,
test name, draw), so a student's failure is reproduced by the seed the report prints, and
an instructor's secret seed gives inputs nobody has seen.

Distributions (`dist:`) are chosen to break typical bugs, not just to be random:
- normal (default), uniform [low, high] (default [-1, 1]), positive (uniform [0.5, 2]);
- int: whole numbers in [low, high] (default [-5, 5]) stored as floats unless dtype: int;
- distinct: all entries different, at least 0.1 apart (max-pooling gradients are then
  well defined and finite differences agree);
- ties: small whole numbers, so maxima tie often (pooling bugs with ties show up).
A string value that names a size is replaced by that size (`{stride: S, pad: P}`).

A test's fixed cases (`cases:`) are drawn by `draw_case`, from a generator seeded by the
test's name and the case's number alone: the same inputs for every grading seed. A case's
literal replaces an input (a literal where the test draws an array becomes an array); the
sizes of a literal array pin the sizes its shape names, unless the case's `dims` fix them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from mldrill.expr.evaluate import evaluate
from mldrill.expr.parse import parse_reference
from mldrill.grade.assignment import TestSpec
from mldrill.grade.cases import ARRAY_HINT, is_generator, literal_array
from mldrill.values import as_float, as_int

if TYPE_CHECKING:
    from mldrill.grade.sandbox.model import Arg
    from mldrill.values import Yaml


class InputError(Exception):
    """An assignment's inputs cannot be drawn (a bug in the assignment file)."""


class CaseError(InputError):
    """A fixed case cannot be drawn; `where` is the path inside the case, e.g. (inputs, x)."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


def rng_for(seed: int | str, *labels: object) -> np.random.Generator:
    """A generator for (seed, labels...): stable across machines and Python versions."""
    digest = hashlib.sha256(repr((seed, *labels)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def draw_dims(test: TestSpec, rng: np.random.Generator) -> dict[str, int]:
    dims: dict[str, int] = {}
    for name, spec in test.dims:
        if isinstance(spec, tuple):
            dims[name] = int(rng.integers(spec[0], spec[1] + 1))
        elif isinstance(spec, int):
            dims[name] = spec
        else:
            dims[name] = _size(spec, dims, name)
    return dims


def _size(text: Yaml, dims: Mapping[str, int], what: str) -> int:
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    try:
        value = evaluate(parse_reference(str(text)), dict(dims), {}, exact_ints=True)
    except Exception as exc:  # noqa: BLE001  (any failure is the file's bug)
        raise InputError(f"size '{text}' of {what}: {exc}") from None
    if as_float(value) != as_int(value) or as_int(value) < 0:
        raise InputError(f"size '{text}' of {what} is {value}, not a whole number >= 0")
    return as_int(value)


def draw_inputs(test: TestSpec, seed: int, assignment: str, draw: int
                ) -> tuple[dict[str, int], dict[str, Arg]]:
    """The sizes and the inputs of one draw of a test."""
    rng = rng_for(seed, assignment, test.name, draw)
    dims = draw_dims(test, rng)
    inputs = {name: _value(spec, dims, rng, name) for name, spec in test.inputs}
    return dims, inputs


def _value(spec: Yaml, dims: Mapping[str, int], rng: np.random.Generator, what: str) -> Arg:
    if is_generator(spec):
        return _array(spec, dims, rng, what)
    if isinstance(spec, dict):
        return {k: _value(v, dims, rng, f"{what}.{k}") for k, v in spec.items()}
    if isinstance(spec, list):
        return [_value(v, dims, rng, f"{what}[{i}]") for i, v in enumerate(spec)]
    if isinstance(spec, str) and spec in dims:
        return dims[spec]
    return cast("Arg", spec)  # a literal: YAML's plain data


def _array(spec: Mapping[str, Yaml], dims: Mapping[str, int], rng: np.random.Generator,
           what: str) -> Arg:
    if "labels" in spec:
        classes = _size(spec["labels"], dims, what)
        n = _size(spec.get("n", "N"), dims, what)
        return rng.integers(0, classes, size=n).astype(np.int64)
    shape = tuple(_size(s, dims, what) for s in cast("list[Yaml]", spec["shape"]))
    dist = spec.get("dist", "normal")
    size = int(np.prod(shape)) if shape else 1
    low, high = (None if spec.get(k) is None else as_float(spec[k]) for k in ("low", "high"))
    if dist == "normal":
        a = rng.standard_normal(size)
    elif dist == "uniform":
        a = rng.uniform(-1.0 if low is None else low, 1.0 if high is None else high, size)
    elif dist == "positive":
        a = rng.uniform(0.5, 2.0, size)
    elif dist == "int":
        lo, hi = -5 if low is None else int(low), 5 if high is None else int(high)
        a = rng.integers(lo, hi + 1, size).astype(np.float64)
    elif dist == "distinct":
        a = (rng.permutation(size) - size / 2) * 0.1 + rng.uniform(0, 0.02, size)
    elif dist == "ties":
        a = rng.integers(0, 3, size).astype(np.float64)
    else:  # checked when the file was read
        raise InputError(f"unknown dist '{dist}' for {what}")
    if spec.get("dtype") == "int":
        a = np.rint(a).astype(np.int64)
    if not shape:
        return a[0].item()
    return a.reshape(shape)


# ---------------------------------------------------------------------------- fixed cases

def case_rng(test: TestSpec, index: int, *labels: object) -> np.random.Generator:
    """The generator of a test's fixed case: the same for every grading seed."""
    return rng_for("fixed case", test.name, index, *labels)


def draw_case(test: TestSpec, index: int) -> tuple[dict[str, int], dict[str, Arg]]:
    """The sizes and inputs of fixed case `index` (0-based) of `test`; raises CaseError."""
    case = test.cases[index]
    rng = case_rng(test, index)
    specs = dict(test.inputs)
    given = dict(case.inputs)
    fixed = dict(case.dims)
    pinned: dict[str, tuple[int, str]] = {}
    free = {name for name, _ in test.dims} - set(fixed)
    for name, value in given.items():
        _pin(value, specs.get(name, ARRAY_HINT), free, pinned, name)
    dims: dict[str, int] = {}
    for name, dim in test.dims:
        try:
            if name in fixed:
                dims[name] = _size(fixed[name], dims, name)
            elif name in pinned:
                dims[name] = pinned[name][0]
            elif isinstance(dim, tuple):
                dims[name] = int(rng.integers(dim[0], dim[1] + 1))
            else:
                dims[name] = _size(dim, dims, name)
        except InputError as exc:
            raise CaseError(str(exc), ("dims", name) if name in fixed else ()) from None
    order = list(test.inputs)
    if "dout" in given and "dout" not in specs:
        order.append(("dout", ARRAY_HINT))  # a backward test's dout, given by the case
    inputs: dict[str, Arg] = {}
    for name, spec in order:
        if name in given:
            inputs[name] = _case_value(given[name], spec, dims, rng, ("inputs", name))
        else:
            try:
                inputs[name] = _value(spec, dims, rng, name)
            except InputError as exc:
                raise CaseError(str(exc)) from None
    return dims, inputs


def _walk_hint(value: Yaml, hint: Yaml
               ) -> list[tuple[Yaml, Mapping[str, Yaml], tuple[str | int, ...]]]:
    """The (literal, test's generator, path) pairs of a case's value."""
    if is_generator(value):
        return []
    if is_generator(hint):
        return [(value, hint, ())]
    if isinstance(value, dict) and isinstance(hint, dict):
        return [(v, h, (k, *p)) for k, sub in value.items()
                for v, h, p in _walk_hint(sub, hint.get(k))]
    if isinstance(value, list) and isinstance(hint, list):
        return [(v, h, (i, *p)) for i, sub in enumerate(value)
                for v, h, p in _walk_hint(sub, hint[i] if i < len(hint) else None)]
    return []


def _whole(hint: Mapping[str, Yaml]) -> bool:
    return "labels" in hint or hint.get("dtype") == "int"


def _pin(value: Yaml, hint: Yaml, free: set[str], pinned: dict[str, tuple[int, str]],
         name: str) -> None:
    """The sizes a literal array pins: those its generator's shape names by a size (one the
    case's `dims` do not fix)."""
    for literal, spec, path in _walk_hint(value, hint):
        where = ".".join([name, *map(str, path)])
        try:
            a = literal_array(literal, _whole(spec))
        except ValueError as exc:
            raise CaseError(f"{where}: {exc}", ("inputs", name, *path)) from None
        if "labels" in spec:
            axes = [spec.get("n", "N")]
        elif isinstance(shape := spec.get("shape"), list):
            axes = shape
        else:
            continue  # dout given by the case: no shape to pin
        if len(axes) != a.ndim:
            continue  # reported by the shape check
        for size_name, size in zip(axes, a.shape, strict=True):
            if not isinstance(size_name, str) or size_name not in free:
                continue
            if size_name in pinned and pinned[size_name][0] != size:
                other = pinned[size_name][1]
                raise CaseError(f"{where} has {size_name} = {size} but {other} has "
                                f"{size_name} = {pinned[size_name][0]}",
                                ("inputs", name, *path))
            pinned[size_name] = (int(size), where)


def _case_value(value: Yaml, hint: Yaml, dims: Mapping[str, int], rng: np.random.Generator,
                path: tuple[str | int, ...]) -> Arg:
    what = ".".join(map(str, path[1:]))
    if is_generator(value):
        try:
            return _array(value, dims, rng, what)
        except InputError as exc:
            raise CaseError(str(exc), path) from None
    if is_generator(hint):
        try:
            a = literal_array(value, _whole(hint))
        except ValueError as exc:
            raise CaseError(f"{what}: {exc}", path) from None
        _check_literal(a, hint, dims, what, path)
        if hint.get("shape") == []:
            return a.item()
        return a
    if isinstance(value, dict):
        return {k: _case_value(v, hint.get(k) if isinstance(hint, dict) else None, dims, rng,
                               (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_case_value(v, hint[i] if isinstance(hint, list) and i < len(hint) else None,
                            dims, rng, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, str) and value in dims:
        return dims[value]
    return cast("Arg", value)  # a literal: YAML's plain data


def _check_literal(a: np.ndarray, spec: Mapping[str, Yaml], dims: Mapping[str, int],
                   what: str, path: tuple[str | int, ...]) -> None:
    """A literal array has the shape the test's generator would draw (labels: in range)."""
    try:
        if "labels" in spec:
            classes = _size(spec["labels"], dims, what)
            shape: tuple[int, ...] | None = (_size(spec.get("n", "N"), dims, what),)
        else:
            classes = 0
            raw = spec.get("shape")
            shape = None if raw is None else tuple(_size(s, dims, what)
                                                   for s in cast("list[Yaml]", raw))
    except InputError as exc:
        raise CaseError(str(exc), path) from None
    if shape is not None and a.shape != shape:
        named = ", ".join(map(str, cast("list[Yaml]", spec.get("shape", [spec.get("n", "N")]))))
        raise CaseError(f"{what}: the literal has shape {_shape(a.shape)}, but the test's "
                        f"shape [{named}] is {_shape(shape)} here", path)
    if "labels" in spec and a.size and (a.min() < 0 or a.max() >= classes):
        raise CaseError(f"{what}: labels must lie in 0 .. {classes - 1}", path)


def _shape(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"
