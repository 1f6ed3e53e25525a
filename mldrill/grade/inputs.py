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
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from mldrill.expr.evaluate import evaluate
from mldrill.expr.parse import parse_reference
from mldrill.grade.exercise import TestSpec, is_generator


class InputError(Exception):
    """An assignment's inputs cannot be drawn (a bug in the assignment file)."""


def rng_for(seed: int, *labels: object) -> np.random.Generator:
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


def _size(text: Any, dims: Mapping[str, int], what: str) -> int:
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    try:
        value = evaluate(parse_reference(str(text)), dict(dims), {}, exact_ints=True)
    except Exception as exc:  # noqa: BLE001  (any failure is the file's bug)
        raise InputError(f"size '{text}' of {what}: {exc}") from None
    if float(value) != int(value) or int(value) < 0:
        raise InputError(f"size '{text}' of {what} is {value}, not a whole number >= 0")
    return int(value)


def draw_inputs(test: TestSpec, seed: int, assignment: str, draw: int
                ) -> tuple[dict[str, int], dict[str, Any]]:
    """The sizes and the inputs of one draw of a test."""
    rng = rng_for(seed, assignment, test.name, draw)
    dims = draw_dims(test, rng)
    inputs = {name: _value(spec, dims, rng, name) for name, spec in test.inputs}
    return dims, inputs


def _value(spec: Any, dims: Mapping[str, int], rng: np.random.Generator, what: str) -> Any:
    if is_generator(spec):
        return _array(spec, dims, rng, what)
    if isinstance(spec, dict):
        return {k: _value(v, dims, rng, f"{what}.{k}") for k, v in spec.items()}
    if isinstance(spec, list):
        return [_value(v, dims, rng, f"{what}[{i}]") for i, v in enumerate(spec)]
    if isinstance(spec, str) and spec in dims:
        return dims[spec]
    return spec


def _array(spec: Mapping[str, Any], dims: Mapping[str, int], rng: np.random.Generator,
           what: str) -> Any:
    if "labels" in spec:
        classes = _size(spec["labels"], dims, what)
        n = _size(spec.get("n", "N"), dims, what)
        return rng.integers(0, classes, size=n).astype(np.int64)
    shape = tuple(_size(s, dims, what) for s in spec["shape"])
    dist = spec.get("dist", "normal")
    size = int(np.prod(shape)) if shape else 1
    low, high = spec.get("low"), spec.get("high")
    if dist == "normal":
        a = rng.standard_normal(size)
    elif dist == "uniform":
        a = rng.uniform(-1.0 if low is None else low, 1.0 if high is None else high, size)
    elif dist == "positive":
        a = rng.uniform(0.5, 2.0, size)
    elif dist == "int":
        a = rng.integers(-5 if low is None else low, (5 if high is None else high) + 1,
                         size).astype(np.float64)
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
