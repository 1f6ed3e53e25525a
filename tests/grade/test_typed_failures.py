"""A failed test is data: its reason, the function and the call it happened in are read from
the run's statuses (never from the words of a message), and the reason reaches the report."""

from __future__ import annotations

from typing import Any

import pytest

from mldrill.bank.catalog import bank_dirs
from mldrill.grade.failures import run_failure
from mldrill.grade.grader import load_assignments
from mldrill.grade.reference import reference_module
from mldrill.grade.sandbox import Call, CallResult, StudentError, TestJob, TestRun
from mldrill.grade.testrun import run_test

CALLS = (Call("affine_forward", ()), Call("affine_backward", ()))


def _run(status: str, *statuses: str, detail: str = "", error: bool = False) -> TestRun:
    err = StudentError("MemoryError", "no memory", builtin="MemoryError") if error else None
    calls = tuple(CallResult(c.function, s, error=err if s == "error" else None)  # type: ignore[arg-type]
                  for c, s in zip(CALLS, statuses, strict=False))
    return TestRun("t", status, calls, detail=detail)  # type: ignore[arg-type]


@pytest.mark.parametrize(("run", "reason", "function", "call"), [
    # the detail names another function: the statuses decide
    (_run("timeout", "ok", "not-run", detail="killed after 3 s during call 0 (affine_forward)"),
     "timeout", "affine_backward", 1),
    (_run("timeout", "ok"), "timeout", "affine_backward", 1),  # one result of two: call 1 ran
    (_run("timeout"), "timeout", "affine_forward", 0),
    (_run("crashed", "not-run", "not-run"), "crashed", "affine_forward", 0),
    (_run("memory", "ok", "error", error=True), "memory", "affine_backward", 1),
    (_run("output-limit", "ok", "ok"), "output-limit", None, None),
    (_run("some-new-status", "ok", "not-run"), "crashed", "affine_backward", 1),
    (_run("ok", "error", "not-run", error=True), "error", "affine_forward", 0),
    (_run("ok", "error", "not-run"), "error", "affine_forward", 0),
    (_run("ok", "ok", "missing"), "missing", "affine_backward", 1),
    (_run("ok", "ok"), "protocol", "affine_backward", 1),
    (_run("ok", "ok", "not-run"), "protocol", "affine_backward", 1),
])
def test_failure_is_read_from_the_run(run: TestRun, reason: str, function: str | None,
                                      call: int | None) -> None:
    """The reason is the run's status (or the first failing call's); the function and call
    are those of the first call that did not return."""
    failure = run_failure(run, CALLS)
    assert failure is not None
    assert (failure.reason, failure.function, failure.call) == (reason, function, call)
    assert failure.message


def test_a_run_where_every_call_returned_is_no_failure() -> None:
    """Every call returned: nothing failed."""
    assert run_failure(_run("ok", "ok", "ok"), CALLS) is None


class TimeoutBox:
    """A sandbox whose test runs time out in their first backward call, or their first call
    when there is none (with a lying detail)."""

    def run(self, job: TestJob) -> TestRun:
        names = [c.function for c in job.calls]
        hang = names.index("relu_backward") if "relu_backward" in names else 0
        calls = tuple(CallResult(c.function, "ok" if i < hang else "not-run")
                      for i, c in enumerate(job.calls))
        return TestRun(job.name, "timeout", calls,
                       detail="killed after 3 s during call 0 (relu_forward)")


def test_a_timeout_marks_the_function_that_ran_out_of_time() -> None:
    """A timeout in the backward call marks only the backward function as slow, the
    outcome's reason is timeout (in the JSON too), and a later test of the forward still
    runs while one of the backward is not run."""
    layers = next(a for a in load_assignments(bank_dirs())[0] if a.name == "layers")
    relu = next(ex for ex in layers.exercises if ex.id == "relu")
    forward, backward = relu.tests[:2]  # relu_forward, relu_backward
    slow: dict[str, str] = {}
    box: Any = TimeoutBox()
    ref = reference_module(layers)
    first = run_test(box, layers, relu, backward, ref, 1, set(layers.functions), slow)
    assert first.reason == "timeout" and first.to_json()["reason"] == "timeout"
    assert slow == {"relu_backward": "relu_backward"}
    again = run_test(box, layers, relu, backward, ref, 1, set(layers.functions), slow)
    assert again.output == "not run: relu_backward took too long in the test 'relu_backward'"
    assert again.reason == "timeout"
    fwd = run_test(box, layers, relu, forward, ref, 1, set(layers.functions), slow)
    assert fwd.output.startswith("took too long") and fwd.reason == "timeout"


def test_a_test_of_an_undefined_function_is_missing() -> None:
    """A test of a function the submission does not define is not attempted, `missing`."""
    layers = next(a for a in load_assignments(bank_dirs())[0] if a.name == "layers")
    relu = next(ex for ex in layers.exercises if ex.id == "relu")
    out = run_test(TimeoutBox(), layers, relu, relu.tests[0], reference_module(layers), 1,
                   {"relu_backward"})
    assert (out.status, out.reason, out.to_json()["reason"]) == ("not attempted", "missing",
                                                                 "missing")
