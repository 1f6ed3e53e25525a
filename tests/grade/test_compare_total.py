"""The grader's comparison is total: any plain data the child's reply can decode to (any
nesting of None, bools, ints of any size, floats with NaN and inf, strings, arrays of every
allowed dtype kind and shape, numpy scalars, odd dict keys, Opaque), in any place a student's
value goes, fails a test with a message and never raises; and the right value still passes.

Covered: `check`/`compare`/`describe`/`as_array` against every kind of reference value, the
one in-place rule `changed`, and the grader's test paths (`run_test` over call, backward and
property tests) with a fake sandbox whose runs return generated results.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, get_args

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.assignment import Assignment, Exercise, TestSpec
from mldrill.grade.compare import Mismatch, as_array, changed, check, compare, describe
from mldrill.grade.grader import load_assignments
from mldrill.grade.reference import reference_module
from mldrill.grade.report import Reason
from mldrill.grade.sandbox import (
    CallResult,
    Opaque,
    Ref,
    RunStatus,
    StudentError,
    TestJob,
    TestRun,
)
from mldrill.grade.testrun import run_test

FAST = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
KINDS = ("wrong", "invalid-return")

# ---------------------------------------------------------------------------- strategies

SHAPES = npst.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)
DTYPES = st.one_of(
    npst.boolean_dtypes(), npst.integer_dtypes(endianness="?"),
    npst.unsigned_integer_dtypes(endianness="?"),
    npst.floating_dtypes(endianness="?", sizes=(16, 32, 64, 128)),
    npst.complex_number_dtypes(endianness="?", sizes=(64, 128, 256)),
    npst.unicode_string_dtypes(max_len=3), npst.byte_string_dtypes(max_len=3))
ARRAYS = npst.arrays(DTYPES, SHAPES)


def one_of_these(values: list[Any]) -> st.SearchStrategy[Any]:
    """One of `values`, drawn by index (the strategy's repr stays short)."""
    return st.integers(0, len(values) - 1).map(lambda i: values[i])


HUGE = one_of_these([10**400, -10**400, 2**1023, 2**1024, -(2**1024), 2**64, 2**63,
                     -(2**63) - 1, 7**1400, -(2**3999)])
NASTY = one_of_these([  # one of each class that once crashed (or fooled) the grader
    float("nan"), float("inf"), -float("inf"), np.float64("nan"), np.longdouble("1e4000"),
    np.float16("inf"), np.complex128(1 + 1j), np.complex64(np.nan), np.str_("train"),
    np.bytes_(b"x"), np.True_, np.uint64(2**64 - 1), np.array("train"), np.array(b"x"),
    np.array(True), np.array(1.5), np.array(np.nan), np.array(1 + 2j), np.zeros(0),
    np.zeros((0, 3)), np.zeros(3).view("U2"), np.zeros(3).view("S8"), np.ones(3, ">f8"),
    np.array([np.inf, -np.inf, np.nan]), 10**400, "", "mode", Opaque("set", "{1}"),
    Opaque("?", ""), [], (), {}, [[1.0], [2.0, 3.0]], [10**400], [np.zeros(2), np.zeros(3)],
    {(1, 2): 3, np.float64("nan"): None, Opaque("x", "y"): 1, np.str_("mode"): "train"}])
SCALARS = st.one_of(
    NASTY, st.none(), st.booleans(), st.integers(), HUGE,
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
    npst.arrays(DTYPES, ()).map(lambda a: a[()]),  # numpy scalars of every kind
    st.builds(Opaque, st.text(max_size=8), st.text(max_size=8)))
KEYS = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), HUGE, st.floats(), st.text(max_size=5),
              st.sampled_from(["mode", "running_mean", "p", "stride"]),
              npst.arrays(DTYPES, ()).map(lambda a: a[()]),
              st.builds(Opaque, st.text(max_size=4), st.text(max_size=4))),
    lambda inner: st.tuples(inner, inner), max_leaves=4)
DECODED = st.recursive(
    st.one_of(SCALARS, ARRAYS),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.lists(inner, max_size=4).map(tuple),
                            st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12)

REF_ARRAYS = npst.arrays(
    st.one_of(npst.boolean_dtypes(), npst.integer_dtypes(), npst.unsigned_integer_dtypes(),
              npst.floating_dtypes()), SHAPES)
REF_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
    st.floats().map(np.float64), st.integers(-100, 100).map(np.int64), st.booleans().map(np.bool_))
REFERENCES = st.recursive(
    st.one_of(REF_SCALARS, REF_ARRAYS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8)
BN_PARAM = {"mode": "train", "momentum": 0.9, "running_mean": np.array([0.5, np.nan, -1.0]),
            "running_var": np.array([1.0, 2.0, np.inf])}
FIXED_REFERENCES = [np.zeros(3), np.ones((2, 3)), np.array(2.5), np.zeros((0, 2)),
                    np.arange(4), np.array([True, False]), 1.5, -3, True, None, "train",
                    float("nan"), float("inf"), (np.zeros((2, 2)), 0.25), BN_PARAM,
                    [(1, 6, 28, 28), (1, 6, 14, 14)], {"out": [1.0, 2.0]}]



def _retyped(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
    with np.errstate(all="ignore"):
        return a.astype(dtype)


def _spoiled(a: np.ndarray, bad: float) -> np.ndarray:
    """A float copy of `a` with one entry (the last) set to `bad`."""
    out = a.astype(np.float64)
    if out.size:
        out.reshape(-1)[-1] = bad
    return out


def itself(value: Any) -> st.SearchStrategy[Any]:
    """st.just(value) without putting a (possibly huge) array into the strategy's repr."""
    return st.just(None).map(lambda _: value)


def near(value: Any) -> st.SearchStrategy[Any]:
    """Values close to `value` in structure, so the checks get past their first test: the
    same array in another dtype, same-shaped arrays of any dtype, the same dict's keys with
    near values (plus odd keys), the same number of items; or anything decoded."""
    if isinstance(value, np.ndarray):
        options = [itself(value), st.sampled_from([np.nan, np.inf, -np.inf, 1e300]).map(
            lambda bad: _spoiled(value, bad)), DECODED]
        if value.size <= 64:  # converting or drawing every entry of a large array is slow
            options += [DTYPES.map(lambda d: _retyped(value, d)),
                        npst.arrays(DTYPES, value.shape), npst.arrays(value.dtype, value.shape)]
        elif value.dtype.itemsize == 8:  # re-typed in place, as `x.dtype = ...` leaves it
            options.append(one_of_these(["U2", "S8", np.int64, np.complex64, np.float32,
                                         ">f8"]).map(lambda d: value.view(d)))
        return st.one_of(options)
    if isinstance(value, dict):
        return st.one_of(st.fixed_dictionaries({k: near(v) for k, v in value.items()},
                                               optional={k: DECODED for k in ["x", (1, 2)]}),
                         DECODED)
    if isinstance(value, list | tuple):
        items = st.tuples(*[near(v) for v in value])
        return st.one_of(items, items.map(list), DECODED)
    return st.one_of(itself(value), SCALARS, ARRAYS.map(lambda a: a[()] if a.ndim else a))


# ---------------------------------------------------------------------------- compare


def _is_mismatch(result: object, what: str) -> bool:
    return result is None or (isinstance(result, Mismatch) and result.kind in KINDS
                              and result.message.startswith(what))


@FAST
@given(got=DECODED, expected=st.one_of(REFERENCES, one_of_these(FIXED_REFERENCES)))
def test_check_is_total(got: Any, expected: Any) -> None:
    """Any decoded value against any reference value: None or a Mismatch naming the value,
    never an exception; compare and describe agree and never raise either."""
    result = check(got, expected, "f: out", rtol=1e-5, atol=1e-8)
    assert _is_mismatch(result, "f: out")
    assert compare(got, expected, "f: out") == (None if result is None else result.message)
    assert isinstance(describe(got), str) and len(describe(got)) < 200


@FAST
@given(data=st.data(), expected=st.one_of(REFERENCES, one_of_these(FIXED_REFERENCES)))
def test_check_is_total_near_the_reference(data: st.DataObject, expected: Any) -> None:
    """Values that look like the reference (same shape other dtype, same keys other values)
    reach the checks' last steps, and still only pass or mismatch."""
    got = data.draw(near(expected), label="got")
    assert _is_mismatch(check(got, expected, "f: out", rtol=1e-5, atol=1e-8), "f: out")


@FAST
@given(got=DECODED, like=st.one_of(REF_ARRAYS, one_of_these(FIXED_REFERENCES[:6])))
def test_as_array_is_total(got: Any, like: np.ndarray) -> None:
    """as_array gives a float64 array of the reference's shape, or a Mismatch."""
    arr = as_array(got, like, "f: out")
    assert _is_mismatch(arr, "f: out") or (
        isinstance(arr, np.ndarray) and arr.dtype == np.float64 and arr.shape == like.shape)


def _plain_forms(value: Any) -> list[Any]:
    """The value itself, a deep copy, and other plain forms of it a correct student may return
    (a list for an array, a 0-d array for a number, a list for a tuple)."""
    forms = [value, copy.deepcopy(value)]
    if isinstance(value, np.ndarray) and value.size and value.dtype.kind == "f":
        forms.append(value.tolist())
    if isinstance(value, float | int) and not isinstance(value, bool):
        forms.append(np.array(value))
    if isinstance(value, tuple):
        forms.append(list(value))
    return forms


@FAST
@given(expected=st.one_of(REFERENCES, one_of_these(FIXED_REFERENCES)))
def test_the_reference_value_passes(expected: Any) -> None:
    """The reference's own value (NaN and inf included) and its plain forms pass."""
    for form in _plain_forms(expected):
        assert check(form, expected, "f", rtol=1e-5, atol=1e-8) is None, (form, expected)


@pytest.mark.parametrize(("got", "expected", "message"), [
    (-np.inf, np.inf, "f: got -inf, expected inf"),
    (1.0, float("nan"), "f: got 1, expected nan"),
    (np.array([1.0, -np.inf]), np.array([1.0, np.inf]), "f: 1 of 2 entries differ"),
    (np.array([np.nan]), np.array([np.inf]), "f: 1 of 1 entries differ"),
    (10**400, 1.0, "f: expected a number, got an int of about 400 digits"),
    (np.zeros(3), "train", "f: expected 'train', got an array of shape (3,)"),
    (np.array([True]), True, "f: expected True, got an array of shape (1,)"),
    (np.zeros(2).view("U2"), np.zeros(2), "f: expected numbers, got dtype <U2"),
    ([[1.0], [2.0, 3.0]], np.zeros((2, 2)), "f: expected an array of shape (2, 2), got a "
                                            "ragged list"),
    ([10**400], np.zeros(1), "f: expected an array of shape (1,), got a list of 1 items "
                             "that is not all numbers"),
    ({(1, 2): 3}, BN_PARAM, "f: missing keys 'mode', 'momentum', 'running_mean'"),
    (np.longdouble("1e4000"), 1.0, "f: got inf (not finite), expected 1"),
])
def test_nasty_values_fail_with_a_message(got: Any, expected: Any, message: str) -> None:
    """Each class of value that once raised (or passed) gets its message instead."""
    result = compare(got, expected, "f")
    assert result is not None and result.startswith(message), result


# ---------------------------------------------------------------------------- changed

ARGS = st.recursive(
    st.one_of(st.floats(), st.integers(-5, 5), st.text(max_size=3), st.booleans(), st.none(),
              st.sampled_from([float("nan"), np.array([np.nan, 1.0]), np.zeros((2, 0))]),
              npst.arrays(st.sampled_from([np.float64, np.int64]), SHAPES)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6)


@FAST
@given(data=st.data(), before=st.one_of(ARGS, st.just(BN_PARAM)))
def test_changed_is_total(data: st.DataObject, before: Any) -> None:
    """changed() answers True or False for any decoded value (random, or near the argument),
    and an exact copy (NaN included) is unchanged."""
    after = data.draw(st.one_of(DECODED, near(before)), label="after")
    assert changed(before, after) in (True, False)
    assert changed(before, copy.deepcopy(before)) is False


@FAST
@given(before=npst.arrays(np.float64, SHAPES), dtype=DTYPES)
def test_a_retyped_array_has_changed(before: np.ndarray, dtype: np.dtype) -> None:
    """Re-typing an array in place (any other dtype, any byte order) counts as a change."""
    if dtype == before.dtype:
        return
    with np.errstate(all="ignore"):
        after = before.astype(dtype)
    assert changed(before, after) is True
    try:
        view = before.reshape(-1).view(dtype)  # what `x.dtype = dtype` leaves behind
    except ValueError:  # numpy refuses this re-typing
        return
    assert changed(before, view) is True


# ---------------------------------------------------------------------------- grader paths


@pytest.fixture(scope="module")
def bundled() -> dict[str, Assignment]:
    """The bundled `layers` and `drills` assignments, by name."""
    return {a.name: a for a in load_assignments(bank_dirs())[0]
            if a.name in ("layers", "drills")}


def _tests(a: Assignment, kind: str | None = None) -> list[tuple[Exercise, TestSpec]]:
    return [(ex, t) for ex in a.exercises for t in ex.tests if kind in (None, t.kind)]


def _run_test(a: Assignment, ex: Exercise, test: TestSpec, box: Any) -> Any:
    return run_test(box, a, ex, test, reference_module(a), 7, set(a.functions))


class ReferenceBox:
    """A sandbox that runs the reference itself as the student's code: a correct student,
    whose values may come back in another plain form (`form`)."""

    def __init__(self, ref: Any, form: Callable[[Any], Any] = lambda v: v) -> None:
        self.ref, self.form = ref, form

    def run(self, job: TestJob) -> TestRun:
        values: list[Any] = []
        results = []
        for c in job.calls:
            def arg(v: Any) -> Any:
                if not isinstance(v, Ref):
                    return copy.deepcopy(v)
                out = values[v.call]
                for p in v.path:
                    out = out[p]
                return out
            args = [arg(v) for v in c.args]
            kwargs = {k: arg(v) for k, v in c.kwargs.items()}
            value = getattr(self.ref, c.function)(*args, **kwargs)
            values.append(value)
            mutable = (np.ndarray, dict, list)
            results.append(CallResult(
                c.function, "ok", self.form(value),
                tuple(a if isinstance(a, mutable) and not isinstance(v, Ref) else None
                      for a, v in zip(args, c.args, strict=True)),
                {k: v if isinstance(v, mutable) else None for k, v in kwargs.items()}))
        return TestRun(job.name, "ok", tuple(results))


class FakeBox:
    """A sandbox whose runs are the correct run perturbed: any run status, call statuses,
    errors, fewer results, and any return value or argument afterwards (the right one, one
    near it, or anything decoded)."""

    RUN = st.sampled_from(["ok"] * 8 + list(get_args(RunStatus))[1:] + ["new-status"])
    CALL = st.sampled_from(["ok"] * 6 + ["error", "missing", "not-run"])

    def __init__(self, data: st.DataObject, ref: Any) -> None:
        self.data, self.correct = data, ReferenceBox(ref)

    def _any(self, right: Any) -> Any:
        return self.data.draw(st.one_of(itself(right), itself(right), near(right)))

    def run(self, job: TestJob) -> TestRun:
        draw = self.data.draw
        right = self.correct.run(job).calls
        clean = draw(st.booleans(), label="every call returned")  # only values perturbed
        count = len(job.calls) if clean else \
            draw(st.sampled_from([len(job.calls)] * 4 + [0, max(len(job.calls) - 1, 0)]))
        calls = []
        for c in right[:count]:
            status = "ok" if clean else draw(self.CALL)
            error = StudentError("ValueError", "no", "tb") if status == "error" and \
                draw(st.booleans()) else None
            after = tuple(self._any(a) for a in c.args_after)
            if draw(st.booleans()):
                after = after[: draw(st.integers(0, len(after)))]
            kw_after = {k: self._any(v) for k, v in c.kwargs_after.items()}
            calls.append(CallResult(c.function, status, self._any(c.value), after, kw_after,
                                    error))
        return TestRun(job.name, "ok" if clean else draw(self.RUN), tuple(calls),
                       stderr=draw(st.text(max_size=5)), detail=draw(st.text(max_size=5)))


@pytest.mark.parametrize("kind", ["call", "backward", "property"])
@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_grader_paths_are_total(bundled: dict[str, Assignment], kind: str,
                                data: st.DataObject) -> None:
    """Every test path of the grader (call with returns and updates, backward, property),
    fed any run the sandbox may report, gives a passed or failed outcome with a typed reason;
    nothing raises."""
    a, ex, test = data.draw(one_of_these(
        [(a, ex, t) for a in bundled.values() for ex, t in _tests(a, kind)]), label="test")
    outcome = _run_test(a, ex, test, FakeBox(data, reference_module(a)))
    assert outcome.status in ("passed", "failed")
    if outcome.status == "failed":
        assert outcome.reason in get_args(Reason) and outcome.output, outcome
    else:
        assert outcome.reason is None and outcome.score.points == test.points


def _listed(value: Any) -> Any:
    """Arrays as nested lists, tuples as lists, numbers as 0-d arrays (plain forms)."""
    if isinstance(value, np.ndarray) and value.ndim and value.size:
        return value.tolist()
    if isinstance(value, tuple):
        return [_listed(v) for v in value]
    if isinstance(value, float):
        return np.array(value)
    return value


@pytest.mark.parametrize("form", [lambda v: v, _listed], ids=["as-is", "plain-forms"])
@pytest.mark.parametrize("name", ["layers", "drills"])
def test_a_correct_student_passes_every_test(bundled: dict[str, Assignment], name: str,
                                             form: Any) -> None:
    """The reference's own results, as they are or in plain forms, pass every test of the
    assignment through the real grader paths (the checks accept what is right)."""
    a = bundled[name]
    box = ReferenceBox(reference_module(a), form)
    for ex, test in _tests(a):
        outcome = _run_test(a, ex, test, box)
        assert outcome.status == "passed" and outcome.reason is None, outcome
