"""The trusted reference: loaded once, called on copies, its gradients checked.

The reference module of an assignment runs in the grader's own process. Each call gets
deep copies of the inputs (the student's copies travel separately), and a backward's
gradients are checked against finite differences of the reference forward before any
student is judged by them: a wrong reference is a grader failure, never a student's.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

from mldrill.grade.assignment import Assignment, CallSpec
from mldrill.grade.failures import GraderFailure

_REFERENCES: dict[Path, ModuleType] = {}
_REFERENCE_CHECKED: set[bytes] = set()


def reference_module(a: Assignment) -> ModuleType:
    """The assignment's reference module, imported once per process."""
    path = a.reference.resolve()
    if path not in _REFERENCES:
        spec = importlib.util.spec_from_file_location(f"mldrill_ref_{a.name.replace('-', '_')}",
                                                      path)
        if spec is None or spec.loader is None:
            raise GraderFailure(f"cannot load the reference {path}")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # noqa: BLE001
            raise GraderFailure(f"the reference {path} fails to import: {exc!r}") from None
        _REFERENCES[path] = module
    return _REFERENCES[path]


Called = tuple[object, tuple[object, ...], dict[str, object]]


def call_reference(ref: ModuleType, fn: str, args: tuple[object, ...],
                   kwargs: Mapping[str, object]) -> Called:
    """(what the reference `fn` returns, its positional and keyword arguments afterwards),
    called on copies of the arguments."""
    f = getattr(ref, fn, None)
    if f is None:
        raise GraderFailure(f"the reference module has no function '{fn}'")
    a, k = copy.deepcopy(args), copy.deepcopy(dict(kwargs))
    try:
        return f(*a, **k), a, k
    except Exception as exc:  # noqa: BLE001
        raise GraderFailure(f"the reference {fn} raised {exc!r}") from None


def forward_and_cache(result: Called, fwd: CallSpec) -> tuple[object, object]:
    """(out, cache) of a reference forward's `call_reference` result."""
    value = result[0]
    if not isinstance(value, tuple) or len(value) != 2:
        raise GraderFailure(f"the reference {fwd.function} must return (out, cache)")
    return value[0], value[1]


def check_reference_grads(ref: ModuleType, fwd: CallSpec, args: tuple[object, ...],
                          kwargs: Mapping[str, object], dout: np.ndarray, names: Sequence[str],
                          grads: Sequence[object]) -> None:
    """The reference backward must agree with finite differences of the reference forward
    (checked once per process for the same inputs: a class graded with one seed, and every
    fixed case, shares them)."""
    from mldrill.verify.methods import numerical_gradient

    key = _fingerprint((ref.__name__, fwd.function, tuple(names), args, kwargs, dout))
    if key in _REFERENCE_CHECKED:
        return
    f = getattr(ref, fwd.function)
    for name, grad in zip(names, grads, strict=True):
        i = [str(x) for x in fwd.args].index(name)

        def loss(x: np.ndarray, i: int = i) -> float:
            work = [x if j == i else copy.deepcopy(a) for j, a in enumerate(args)]
            return float(np.sum(f(*work, **copy.deepcopy(dict(kwargs)))[0] * dout))

        num = numerical_gradient(loss, np.asarray(args[i], dtype=np.float64), 1e-6)
        if not np.allclose(cast("ArrayLike", grad), num, rtol=1e-4,
                           atol=1e-6 * max(1.0, np.abs(num).max())):
            raise GraderFailure(f"the reference gradient d{name} of {fwd.function} disagrees "
                                "with finite differences of the reference forward")
    _REFERENCE_CHECKED.add(key)


def _fingerprint(value: Any) -> bytes:
    """A digest of plain grader-made data (arrays by dtype, shape and bytes)."""
    h = hashlib.sha256()

    def feed(x: Any) -> None:
        if isinstance(x, np.ndarray | np.generic):
            a = np.ascontiguousarray(x)
            h.update(f"a{a.dtype.str}{a.shape}".encode())
            h.update(a.tobytes())
        elif isinstance(x, dict):
            h.update(b"d")
            for k in sorted(x, key=repr):
                feed(k)
                feed(x[k])
        elif isinstance(x, list | tuple):
            h.update(f"l{len(x)}".encode())
            for v in x:
                feed(v)
        else:
            h.update(f"{type(x).__name__}:{x!r};".encode())

    feed(value)
    return h.digest()
