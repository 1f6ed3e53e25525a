"""One trial of a test: the calls sent to the child, and how what comes back is judged.

A trial is one set of inputs. `call_trial` and `backward_trial` plan a trial's calls
(the reference has already run on its own copies) and return a `Trial` whose `judge`
raises `TestFailed` for a wrong value, a value of the wrong kind, or an input changed in
place; `property_test` checks a stochastic function (dropout) by calling the child as it
goes. Nothing here decides a score: `testrun` turns the first failure into the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

from mldrill.grade.assignment import CallSpec, Name, TestSpec
from mldrill.grade.compare import changed, check, describe
from mldrill.grade.failures import GraderFailure, TestFailed, run_failure
from mldrill.grade.properties import PROPERTIES, Context, Failed
from mldrill.grade.reference import call_reference, check_reference_grads, forward_and_cache
from mldrill.grade.sandbox import Arg, Call, CallResult, Ref, Returned, TestJob, TestRun

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


class Box(Protocol):
    """What grading needs of a sandbox: run one test's calls in the live child."""

    def run(self, job: TestJob) -> TestRun: ...


@dataclass(frozen=True)
class Trial:
    """One trial's calls (Refs already point at their place in the whole job) and how to judge
    what came back for them (TestFailed if wrong)."""

    calls: tuple[Call, ...]
    judge: Callable[[TestRun], None]


def _resolve(spec: CallSpec, values: Mapping[str, Any]
             ) -> tuple[tuple[Any, ...], dict[str, Any]]:
    def one(v: Any) -> Any:
        return values[v.name] if isinstance(v, Name) else v
    return tuple(one(v) for v in spec.args), {k: one(v) for k, v in spec.kwargs}


def _mismatch(got: Any, expected: Any, what: str, test: TestSpec, fn: str, call: int,
              hint: str = "") -> None:
    """Compare a student's value with the reference's; TestFailed if they disagree."""
    mismatch = check(got, expected, what, test.rtol, test.atol)
    if mismatch is not None:
        raise TestFailed(mismatch.message + hint, reason=mismatch.kind, function=fn, call=call)


def _mutations(spec: CallSpec, args: Sequence[Any], kwargs: Mapping[str, Any],
               result: CallResult, call: int, allowed: Iterable[str] = ()) -> None:
    """TestFailed if the call changed an argument in place (other than those `allowed`):
    `changed` is the one rule, and what the child sent back is any decoded value."""
    labels = [(str(spec.args[i]) if i < len(spec.args) else f"argument {i + 1}", before,
               result.args_after[i] if i < len(result.args_after) else None)
              for i, before in enumerate(args)]
    after_kw = result.kwargs_after if isinstance(result.kwargs_after, dict) else {}
    labels += [(k, before, after_kw.get(k)) for k, before in kwargs.items()]
    for label, before, now in labels:
        if label in allowed or now is None:
            continue
        if changed(before, now):
            raise TestFailed(f"{spec.function} modified its input {label} in place; work on a "
                             f"copy (the caller's {label} must not change)", reason="mutated",
                             function=spec.function, call=call)


def _select(value: Any, expected: Any, indices: tuple[int, ...] | None, fn: str,
            names: Sequence[str] = ()) -> list[tuple[str, Any, Any]]:
    if indices is None and not (names and isinstance(expected, tuple | list)):
        return [(f"{fn} returned", value, expected)]
    if indices is None:
        indices = tuple(range(len(expected)))
    if not isinstance(expected, tuple | list):
        raise GraderFailure(f"'compare' picks items but the reference {fn} returns "
                            f"{describe(expected)}")
    if not isinstance(value, tuple | list):
        raise TestFailed(f"{fn} must return a tuple of {len(expected)} items (e.g. out, "
                         f"cache), got {describe(value)}", reason="invalid-return", function=fn,
                         call=0)
    if len(value) != len(expected):
        raise TestFailed(f"{fn} must return {len(expected)} items, got {len(value)}",
                         reason="invalid-return", function=fn, call=0)
    return [(f"{fn}: {names[i]}" if i < len(names) else f"{fn} returned item {i}",
             value[i], expected[i]) for i in indices]


def call_trial(test: TestSpec, ref: ModuleType, inputs: Mapping[str, Arg],
               base: int) -> Trial:
    """A call test's trial: the student's function on `inputs`, judged against the
    reference's result (and the arguments it must, or must not, update in place)."""
    spec = test.call
    assert spec is not None
    fn = spec.function
    args, kwargs = _resolve(spec, inputs)
    expected, ref_args, _ = call_reference(ref, fn, args, kwargs)
    calls = (Call(fn, args, kwargs),)

    def judge(run: TestRun) -> None:
        failure = run_failure(run, calls)
        if failure:
            raise failure
        got = run.calls[0]
        for what, g, e in _select(got.value, expected, test.compare, fn, test.returns):
            _mismatch(g, e, what, test, fn, 0)
        names = [str(x) for x in spec.args]
        for u in test.updates:
            i = names.index(u)
            now = got.args_after[i] if i < len(got.args_after) else None
            _mismatch(now, ref_args[i], f"{fn}: {u} after the call", test, fn, 0,
                      f" ({fn} must update {u} in place)")
        _mutations(spec, args, kwargs, got, 0, test.updates)

    return Trial(calls, judge)


def backward_trial(test: TestSpec, ref: ModuleType, inputs: Mapping[str, Arg],
                   rng: np.random.Generator, base: int) -> Trial:
    """A backward test's trial: the student's forward, then their backward on their own
    cache, judged against the reference's gradients (checked first against finite
    differences of the reference forward). `base` is the index of the trial's first call
    in the whole job."""
    fwd, bwd = test.call, test.backward
    assert fwd is not None and bwd is not None
    args, kwargs = _resolve(fwd, inputs)
    ref_out, ref_cache = forward_and_cache(call_reference(ref, fwd.function, args, kwargs), fwd)
    dout: Any = inputs.get("dout")
    if dout is None:
        dout = rng.standard_normal(np.shape(cast("ArrayLike", ref_out)))
    values = {**inputs, "dout": dout}
    bargs, bkwargs = _resolve(bwd, {**values, "cache": ref_cache})
    expected, _, _ = call_reference(ref, bwd.function, bargs, bkwargs)
    grads = expected if isinstance(expected, tuple | list) else (expected,)
    if len(grads) != len(test.grads):
        raise GraderFailure(f"'grads' lists {len(test.grads)} names but the reference "
                            f"{bwd.function} returns {len(grads)} values")
    check_reference_grads(ref, fwd, args, kwargs, dout, test.grads, grads)
    cache = Ref(base, (1,))  # the student's own cache, from this trial's forward call
    student_args: tuple[Arg, ...] = tuple(
        cache if isinstance(v, Name) and v.name == "cache" else
                         (dout if isinstance(v, Name) and v.name == "dout" else
                          (inputs[v.name] if isinstance(v, Name) else v)) for v in bwd.args)
    student_kwargs = {k: (cache if isinstance(v, Name) and v.name == "cache" else
                          values[v.name] if isinstance(v, Name) else v) for k, v in bwd.kwargs}
    calls = (Call(fwd.function, args, kwargs), Call(bwd.function, student_args, student_kwargs))

    def judge(run: TestRun) -> None:
        first = run.calls[0] if run.calls else None
        if run.status == "ok" and first is not None and first.status == "ok" and (
                not isinstance(first.value, tuple | list) or len(first.value) != 2):
            # before the backward's error: a forward without a cache breaks the backward call
            raise TestFailed(f"{fwd.function} must return (out, cache), got "
                             f"{describe(first.value)}", reason="invalid-return",
                             function=fwd.function, call=0)
        failure = run_failure(run, calls)
        if failure:
            raise failure
        first, second = run.calls
        got = second.value
        labels = [f"d{g}" for g in test.grads]
        if isinstance(expected, tuple | list):
            if not isinstance(got, tuple | list) or len(got) != len(expected):
                raise TestFailed(f"{bwd.function} must return ({', '.join(labels)}), got "
                                 f"{describe(got)}", reason="invalid-return",
                                 function=bwd.function, call=1)
            pairs = list(zip(labels, got, expected, strict=True))
        else:
            pairs = [(labels[0], got, expected)]
        for label, g, e in pairs:
            _mismatch(g, e, f"{bwd.function}: {label}", test, bwd.function, 1)
        _mutations(fwd, args, kwargs, first, 0, test.updates)
        dout_only = tuple(dout if isinstance(v, Name) and v.name == "dout" else None
                          for v in bwd.args)
        _mutations(bwd, dout_only, {}, second, 1)

    return Trial(calls, judge)


def _run(box: Box, name: str, calls: Sequence[Call]) -> TestRun:
    run = box.run(TestJob(name, tuple(calls)))
    failure = run_failure(run, calls)
    if failure:
        raise failure
    return run


def property_test(box: Box, test: TestSpec, inputs: Mapping[str, Arg]) -> None:
    """Check the test's property (see `properties`) on `inputs`, calling the child as it
    goes; TestFailed if it does not hold."""
    prop = PROPERTIES[test.prop or ""]

    def call(function: str, *args: Arg) -> Returned:
        return _run(box, test.name, [Call(function, args)]).calls[0].value

    def calls(steps: Sequence[tuple[str, tuple[Arg, ...]]]) -> list[Returned]:
        run = _run(box, test.name, [Call(f, a) for f, a in steps])
        return [c.value for c in run.calls]

    try:
        with np.errstate(all="ignore"):  # a student's NaN or inf is a failure, not a warning
            prop(Context(inputs, test.options, call, calls))
    except Failed as exc:
        raise TestFailed(str(exc), reason=exc.reason) from None
